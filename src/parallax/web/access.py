"""Who may read and write: the tokens a request presents, checked on every route that needs them.

A client presents a token as ``Authorization: Bearer TOKEN`` or ``X-Parallax-Token: TOKEN``; a browser reading a
token-protected site presents the cookie that the sign-in page sets (a keyed hash of the token, not the token).
Writes take the write token only, from a header or (the upload form) a form field; reads take the read token or the
write token.
"""

from __future__ import annotations

from fastapi import Request

from .errors import WebError
from .security import cookie_value, same_token
from .settings import Settings

__all__ = ["COOKIE", "can_read", "presented", "require_read", "require_write", "settings_of"]

COOKIE = "parallax_token"


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def presented(request: Request) -> str | None:
    """The token in the request's headers, if any."""
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-parallax-token")


def can_read(request: Request) -> bool:
    settings = settings_of(request)
    if settings.public:
        return True
    given = presented(request)
    if same_token(given, settings.read_token) or same_token(given, settings.token):
        return True
    cookie = request.cookies.get(COOKIE)
    tokens = [t for t in (settings.read_token, settings.token) if t]
    return cookie is not None and any(same_token(cookie, cookie_value(t)) for t in tokens)


def require_read(request: Request) -> None:
    """Dependency of every read route: passes when reads are public or a read (or write) token is presented."""
    if not can_read(request):
        raise WebError(
            401,
            "this Parallax site needs a read token",
            hint="send 'Authorization: Bearer TOKEN', or sign in at /login",
        )


def require_write(request: Request, given: str | None = None) -> None:
    """Raises unless the write token is presented (in a header, or as ``given`` from a form field)."""
    settings = settings_of(request)
    if not settings.writable:
        raise WebError(
            403, "writes are disabled on this server", hint="start it with PARALLAX_TOKEN set to enable uploads"
        )
    if not (same_token(presented(request), settings.token) or same_token(given, settings.token)):
        raise WebError(401, "a valid write token is needed", hint="send 'Authorization: Bearer TOKEN' (PARALLAX_TOKEN)")
