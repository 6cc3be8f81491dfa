"""The app's ASGI middleware: the security headers on every response, and the request size limit.

- Every HTTP response, errors included, carries :data:`~parallax.web.security.SECURITY_HEADERS` (a strict
  Content-Security-Policy among them), unless the app set a header of the same name itself.
- A request body over the limit is cut off with 413 while it streams in, before any parser sees all of it; one that
  takes longer than its time to arrive is cut off with 408. The refusals have the app's one error shape
  (:func:`~parallax.web.errors.error_response`).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .security import SECURITY_HEADERS

__all__ = ["BodyLimit", "BodyTooLarge", "BodyTooSlow", "SecurityHeaders"]


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
