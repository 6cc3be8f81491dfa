"""The app's ASGI middleware: the access log, the security headers, HEAD, and the request size limit.

- :class:`AccessLog`: one line per request through ``logging`` (logger ``parallax.web.access``, level INFO): client,
  method, path (the values of query parameters that look like secrets masked), status, bytes sent, milliseconds.
- Every HTTP response, errors included, carries :data:`~parallax.web.security.SECURITY_HEADERS` (a strict
  Content-Security-Policy among them), unless the app set a header of the same name itself.
- :class:`HeadAsGet`: HEAD is answered on every GET route as GET would be, headers and all, without the body.
- A request body over the limit is cut off with 413 while it streams in, before any parser sees all of it; one that
  takes longer than its time to arrive is cut off with 408. The refusals have the app's one error shape
  (:func:`~parallax.web.errors.error_response`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .security import SECURITY_HEADERS

__all__ = [
    "ACCESS_LOGGER",
    "AccessLog",
    "BodyLimit",
    "BodyTooLarge",
    "BodyTooSlow",
    "HeadAsGet",
    "SecurityHeaders",
    "loggable_target",
]

ACCESS_LOGGER = "parallax.web.access"
access_log = logging.getLogger(ACCESS_LOGGER)

# Query parameters whose values never reach the log: the app takes tokens only in headers, cookies and form fields,
# but a client may still put one in a URL.
_SECRET_NAME = re.compile(r"token|key|secret|pass|auth|session|sig|code|csrf|cookie|bearer", re.IGNORECASE)
# The longest request target logged (a longer one is cut, and says so).
_MAX_TARGET = 500


def loggable_target(scope: Scope) -> str:
    """The request's path and query as they can be logged: percent-encoded as sent (so a line never breaks), the
    values of secret-looking query parameters replaced by ``***``, cut at 500 characters."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
    path = raw.decode("ascii", "backslashreplace")
    query = scope.get("query_string", b"").decode("ascii", "backslashreplace")
    if query:
        parts = []
        for part in query.split("&"):
            name, eq, _ = part.partition("=")
            secret = eq and _SECRET_NAME.search(unquote(name.replace("+", " ")))
            parts.append(f"{name}=***" if secret else part)
        path = f"{path}?{'&'.join(parts)}"
    path = "".join(c if c.isprintable() and c != " " else f"\\x{ord(c):02x}" for c in path)
    return path if len(path) <= _MAX_TARGET else path[:_MAX_TARGET] + "...(cut)"


class AccessLog:
    """ASGI middleware: one INFO line per HTTP request on the ``parallax.web.access`` logger, once it is answered:
    ``203.0.113.9 "GET /api/stories?limit=5 HTTP/1.1" 200 1532 B 4.1 ms``. The record also carries ``client``,
    ``method``, ``path``, ``status``, ``bytes`` and ``ms`` as attributes, for structured handlers. Behind a trusted
    proxy (``parallax serve --forwarded-allow-ips``) the client is the one the proxy names. Tokens never appear:
    they travel in headers, cookies and form bodies, none of which is logged, and secret-looking query values are
    masked (:func:`loggable_target`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status, sent = 0, 0

        async def counting_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        except BaseException:
            status = status or 500  # the server's fault answer leaves from outside this middleware
            raise
        finally:
            self._log(scope, status, sent, (time.perf_counter() - began) * 1000)

    @staticmethod
    def _log(scope: Scope, status: int, sent: int, ms: float) -> None:
        client = scope.get("client")
        host = str(client[0]) if client else "-"
        method, target = str(scope.get("method", "")), loggable_target(scope)
        version = scope.get("http_version", "1.1")
        access_log.info(
            '%s "%s %s HTTP/%s" %d %d B %.1f ms', host, method, target, version, status, sent, ms,
            extra={"client": host, "method": method, "path": target, "status": status, "bytes": sent, "ms": ms},
        )  # fmt: skip


class HeadAsGet:
    """ASGI middleware: a HEAD request runs as GET and its answer goes out without the body, so every GET route
    answers HEAD with the same status and headers (Content-Length included). A path with no GET answers 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return
        done = False

        async def bodiless_send(message: Message) -> None:
            nonlocal done
            if message["type"] == "http.response.body":
                if done or message.get("more_body", False):
                    return
                done = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, bodiless_send)


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """Raised inside a request whose body grows past the limit."""


class BodyTooSlow(Exception):
    """Raised inside a request whose body has not arrived within its time."""


class BodyLimit:
    """ASGI middleware: refuse (413) a request whose declared or streamed body exceeds ``limit`` bytes, and (408) one
    whose body has not arrived ``seconds`` after the request began (a client trickling bytes holds a connection)."""

    def __init__(self, app: ASGIApp, limit: int, seconds: float = 300.0) -> None:
        self.app = app
        self.limit = limit
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False
        complete = False  # once the body is in, receive() only waits for a disconnect: no deadline then
        deadline = asyncio.get_running_loop().time() + self.seconds

        async def counting_receive() -> Message:
            nonlocal seen, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - asyncio.get_running_loop().time(), 0))
            except TimeoutError:
                raise BodyTooSlow from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
                complete = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send)
        except BodyTooSlow:
            if not started:
                message = f"the request body did not arrive within {self.seconds:g} s"
                await self._refuse(scope, send, 408, "request-timeout", message, "send the whole request at once")

    async def _refuse(
        self, scope: Scope, send: Send, status: int = 413, code: str = "too-large", message: str = "", hint: str = ""
    ) -> None:
        message = message or f"the request body is over the limit of {self.limit} bytes"
        hint = hint or "upload fewer or smaller files, or raise PARALLAX_MAX_UPLOAD"
        response = error_response(scope, status, code, message, hint)
        await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
