"""HTTP caching of reads: ETag, ``If-None-Match`` and ``Cache-Control``.

- A successful API read (``GET``/``HEAD /api/...``, status 200) carries a weak ETag, a hash of its body (the store
  keeps no change stamp: the answer itself is the version), and ``Cache-Control: no-cache``: any cache may keep it
  but must ask again each time, and a request whose ``If-None-Match`` names the ETag is answered 304 without a body.
  The tag is weak because the gzip middleware may compress the body after it is computed (the same answer in two
  encodings, as nginx does too).
- A public site (no read token) answers ``public, no-cache``; a read-protected one ``private, no-cache``, so that no
  shared cache (a proxy, a CDN) ever keeps an answer that needed a token. Freshness is not granted for any time
  (no ``max-age``): uploads change the lists within seconds, and job answers are polled.
- On a read-protected site every other answer without its own ``Cache-Control`` (pages, errors) gets
  ``private, no-cache`` too, and one that says ``public`` (the report's stylesheet) says ``private`` instead.
"""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ApiCache", "etag_of", "matches"]


def etag_of(body: bytes) -> str:
    """The weak ETag of a response body."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110 asks for this header)."""
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


# The headers a 304 repeats from the answer it stands for (RFC 9110 15.4.5).
_KEPT_ON_304 = {b"etag", b"cache-control", b"vary", b"content-location", b"expires", b"date"}


class ApiCache:
    """ASGI middleware: ETag and ``Cache-Control`` on API reads, 304 for a matching ``If-None-Match``;
    ``private, no-cache`` on every other answer of a read-protected site (``private=True``)."""

    def __init__(self, app: ASGIApp, private: bool) -> None:
        self.app = app
        self.policy = b"private, no-cache" if private else b"public, no-cache"
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/api/"):
            await self._api_read(scope, receive, send)
        elif self.private:
            await self.app(scope, receive, _with_default_policy(send, self.policy))
        else:
            await self.app(scope, receive, send)

    async def _api_read(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_headers = dict(scope.get("headers", []))
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffering_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200 or any(k.lower() == b"cache-control" for k, _ in message["headers"]):
                    await _with_default_policy(send, self.policy)(message)  # errors: the policy, no tag
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            etag = etag_of(body)
            headers = [*start["headers"], (b"etag", etag.encode("ascii")), (b"cache-control", self.policy)]
            if if_none_match and matches(if_none_match, etag):
                kept = [(k, v) for k, v in headers if k.lower() in _KEPT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, buffering_send)


def _with_default_policy(send: Send, policy: bytes) -> Send:
    """``send``, adding ``Cache-Control: policy`` to an answer that set none; under a private policy, an answer's
    own ``public`` becomes ``private`` (the report's stylesheet, a read like any other on a protected site)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(k.lower() == b"cache-control" for k, _ in headers):
                headers.append((b"cache-control", policy))
            elif policy.startswith(b"private"):
                headers = [(k, v.replace(b"public", b"private") if k.lower() == b"cache-control" else v)
                           for k, v in headers]  # fmt: skip
            message = {**message, "headers": headers}
        await send(message)

    return sending
