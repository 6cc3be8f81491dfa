"""One error shape for the whole app.

The API answers ``{"error": {"status": 404, "code": "not-found", "message": "...", "hint": "..."}}`` for every error
(unknown route, bad parameter, missing token, too large, server fault); pages answer the same fields as an HTML
page, in words for a reader (no raw validation text, no pointer to the API's document), and a page that needs the
read token leads to the sign-in page instead of answering 401. Pinned by tests/web/test_api.py and
tests/web/test_browser.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request as StarletteRequest
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
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


# What each status means to a reader, above the message on an error page.
_HEADINGS = {
    400: "Something is missing",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Not available this way",
    408: "Too slow",
    413: "Too large",
    415: "Not a kind of file Parallax reads",
    422: "This address asks for something the page cannot show",
    429: "Too many tries",
    500: "Something went wrong on the server",
    503: "Busy",
}
# Hints written for API clients, and what an error page says instead.
_PAGE_HINTS = {500: "Try again in a minute; if it keeps failing, tell whoever runs this site.",
               503: "Try again in a minute: the server is busy with other work."}  # fmt: skip
# The query parameters of the pages, as the pages' forms name them.
_FIELDS = {"since": "From", "until": "To", "page": "Page", "q": "Search", "sort": "Sort", "entity": "Entity",
           "outlet": "Outlet"}  # fmt: skip


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
    if not wants_page(scope):
        return JSONResponse(error_body(status, code, message, hint), status_code=status, headers=headers)
    if status == 401 and scope.get("method") in ("GET", "HEAD"):  # a page behind the read token: sign in first
        return RedirectResponse(sign_in_link(scope), status_code=303, headers={"cache-control": "no-store"})
    html = render_page(
        "error.html.j2",
        status=status,
        heading=_HEADINGS.get(status, "Error"),
        message=message,
        hint=_PAGE_HINTS.get(status, hint),
        title=_HEADINGS.get(status, f"Error {status}"),
        readable=_readable(scope),
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def wants_page(scope: Scope) -> bool:
    """Whether an error is answered as a page: a browser's request (it accepts HTML) outside ``/api``."""
    path: str = scope.get("path", "")
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    return not (path == "/api" or path.startswith("/api/")) and "text/html" in accept


def sign_in_link(scope: Scope) -> str:
    """``/login?next=PATH?QUERY``: the sign-in page, which leads back to the page asked for."""
    here = scope.get("path", "/") + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
    return "/login?next=" + quote(here, safe="")


def _readable(scope: Scope) -> bool:
    """Whether the page may link the report's stylesheet, which sits behind the read token like every read: on a
    public site, or for a reader who presents a token or the sign-in cookie (app.css alone keeps the page legible)."""
    app = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    if settings is None or getattr(settings, "public", False):
        return True
    request = StarletteRequest(scope)
    return "authorization" in request.headers or "x-parallax-token" in request.headers or bool(request.cookies)


def page_problem(errors: Sequence[Any]) -> str:
    """Validation errors of a page's query, in a reader's words: which field, and what it must be."""
    problems = []
    for err in errors[:3]:
        names = [str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path")]
        name = names[-1] if names else ""
        field = f"“{_FIELDS[name]}”" if name in _FIELDS else f"“{name}”" if name else "A value"
        kind = str(err.get("type", ""))
        given = err.get("input")
        shown = f" (it says “{str(given)[:60]}”)" if isinstance(given, (str, int)) and str(given) else ""
        if name in ("since", "until"):
            problems.append(f"{field} must be a date written as 2025-03-09{shown}")
        elif kind.startswith(("int_", "greater_than", "less_than")):
            problems.append(f"{field} must be a page number from 1 to 100000{shown}")
        elif kind == "string_too_long":
            problems.append(f"{field} is too long{shown[:0]}")
        elif kind == "literal_error":
            problems.append(f"{field} must be one of the choices the form offers{shown}")
        else:
            problems.append(f"{field} has a value this page cannot use{shown}")
    return "; ".join(problems) or "this address has a value the page cannot use"


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
        if wants_page(request.scope):  # a reader's address bar or a form: say it in the form's words
            hint = "Change it in the form, or start again from the story list."
            return error_response(request.scope, 422, "invalid", page_problem(exc.errors()), hint)
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
