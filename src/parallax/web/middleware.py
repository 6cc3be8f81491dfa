"""The app's ASGI middleware: the security headers on every response, and the request size limit.

- Every HTTP response, errors included, carries :data:`~parallax.web.security.SECURITY_HEADERS` (a strict
  Content-Security-Policy among them), unless the app set a header of the same name itself.
- A request body over the limit is cut off with 413 while it streams in, before any parser sees all of it; the
  refusal has the app's one error shape (:func:`~parallax.web.errors.error_response`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .security import SECURITY_HEADERS

__all__ = ["BodyLimit", "BodyTooLarge", "SecurityHeaders"]


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


class BodyLimit:
    """ASGI middleware: refuse (413) a request whose declared or streamed body exceeds ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

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

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
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

    async def _refuse(self, scope: Scope, send: Send) -> None:
        response = error_response(
            scope,
            413,
            "too-large",
            f"the request body is over the limit of {self.limit} bytes",
            "upload fewer or smaller files, or raise PARALLAX_MAX_UPLOAD",
        )
        await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
