"""One error shape for the whole app.

The API answers ``{"error": {"status": 404, "code": "not-found", "message": "...", "hint": "..."}}`` for every error
(unknown route, bad parameter, missing token, too large, server fault); pages answer the same fields as an HTML
page. Pinned by tests/web/test_api.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Match
from starlette.types import Scope

from ..errors import ConcurrentWriteError, ConfigError, InputError, ParallaxError
from .layout import render_page
from .security import SECURITY_HEADERS

__all__ = ["WebError", "error_response", "install_handlers"]

_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    408: "request-timeout",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid",
    429: "too-many-requests",
    500: "server-error",
    503: "busy",
}


# The methods the app's routes may answer (HEAD runs as GET: middleware.HeadAsGet).
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class WebError(Exception):
    """An error the app answers on purpose: an HTTP status, a short code, one line of message and a hint."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, hint: str = "", retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.hint = hint
        self.retry_after = retry_after  # seconds, sent as Retry-After (a 429 or 503)


def error_body(status: int, code: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "hint": hint}}


def error_response(scope: Scope, status: int, code: str, message: str, hint: str = "") -> Response:
    """The error as JSON under ``/api`` (and for clients that do not accept HTML), else as a page."""
    # Set here too, as a server fault's answer leaves from outside the app's middleware.
    headers = {k.decode("ascii"): v.decode("ascii") for k, v in SECURITY_HEADERS}
    if status == 401:
        headers["www-authenticate"] = 'Bearer realm="parallax"'
    path: str = scope.get("path", "")
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    if path == "/api" or path.startswith("/api/") or "text/html" not in accept:
        return JSONResponse(error_body(status, code, message, hint), status_code=status, headers=headers)
    html = render_page("error.html.j2", status=status, code=code, message=message, hint=hint, title=f"Error {status}")
    return HTMLResponse(html, status_code=status, headers=headers)


def _allowed_methods(request: Request) -> str:
    """The methods some route of the app answers at the request's path (HEAD wherever GET is), for ``Allow``: the
    router names only the first route that matched the path, and a path may have one route per method. Asked of
    the routes themselves, one method at a time (FastAPI nests included routers)."""
    methods = set()
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def install_handlers(app: FastAPI) -> None:
    """Route every error the app can meet to :func:`error_response`."""

    async def web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        response = error_response(request.scope, exc.status, exc.code, exc.message, exc.hint)
        if exc.retry_after is not None:
            response.headers["retry-after"] = str(exc.retry_after)
        return response

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        hint = ""
        allowed = _allowed_methods(request) if exc.status_code == 405 else ""
        if exc.status_code == 405:
            message = f"{request.method} is not allowed at {request.url.path}"
            hint = f"this path answers {allowed}" if allowed else ""
        response = error_response(request.scope, exc.status_code, _CODES.get(exc.status_code, "error"), message, hint)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        if allowed:
            response.headers["allow"] = allowed
        return response

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
        return error_response(
            request.scope,
            422,
            "invalid",
            "; ".join(problems) or "invalid request",
            "see /api/openapi.json for the parameters each endpoint takes",
        )

    async def parallax_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParallaxError)
        status = 400 if isinstance(exc, (InputError, ConfigError)) else 500
        if isinstance(exc, ConcurrentWriteError):  # other writers kept changing the same stories: retry later
            status = 503
        return error_response(request.scope, status, _CODES[status], exc.message, exc.hint)

    async def server_error(request: Request, exc: Exception) -> Response:
        return error_response(
            request.scope, 500, "server-error", "the server failed to answer this request", "see the server's log"
        )

    app.add_exception_handler(WebError, web_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(ParallaxError, parallax_error)
    app.add_exception_handler(Exception, server_error)
