"""Security for every response and every write: headers, tokens, CSRF.

- Every response carries a strict Content-Security-Policy: only the app's own stylesheets and images, no script
  at all (the pages need none: charts are SVG drawn on the server), no framing, forms posting only to the app.
  (``middleware.SecurityHeaders`` puts :data:`SECURITY_HEADERS` on every response, and ``middleware.BodyLimit``
  cuts off a request body over the limit.)
- Tokens are compared in constant time (:func:`hmac.compare_digest`).
- Failed sign-ins are throttled per client address (:class:`Throttle`): guessing a token costs minutes, not
  milliseconds.
- The upload form carries a signed, expiring CSRF token, and a cross-site ``Origin`` or ``Sec-Fetch-Site`` on a write
  is refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Mapping

__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "Throttle",
    "cookie_value",
    "cross_site",
    "csrf_token",
    "csrf_valid",
    "same_token",
]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'none'; connect-src 'none'; "
    "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether ``given`` is the configured token, compared in constant time; never true when none is configured."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def cookie_value(token: str) -> str:
    """What the sign-in cookie holds for ``token``: a keyed hash of it, so the cookie never carries the token itself
    and stays valid across restarts (it changes when the token does)."""
    return hmac.new(token.encode("utf-8"), b"parallax sign-in cookie", hashlib.sha256).hexdigest()


def csrf_token(secret: bytes, now: float | None = None) -> str:
    """A form token: its issue time and an HMAC of it under the app's secret."""
    issued = str(int(time.time() if now is None else now))
    return f"{issued}.{_sign(secret, issued)}"


def csrf_valid(secret: bytes, token: str | None, ttl: int, now: float | None = None) -> bool:
    """Whether ``token`` was issued by this app (same secret) less than ``ttl`` seconds ago."""
    issued, _, signature = (token or "").partition(".")
    if not issued.isdigit() or not hmac.compare_digest(
        signature.encode("ascii", "replace"), _sign(secret, issued).encode()
    ):
        return False
    age = (time.time() if now is None else now) - int(issued)
    return 0 <= age <= ttl


def cross_site(headers: Mapping[str, str], host: str) -> bool:
    """Whether a browser says this request comes from another site (``Origin`` or ``Sec-Fetch-Site``)."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is None or origin == "null":  # "null": our Referrer-Policy (no-referrer) makes browsers hide it
        return False
    return origin.split("://", 1)[-1].rstrip("/") != host


def _sign(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode("ascii"), hashlib.sha256).hexdigest()


class Throttle:
    """At most ``limit`` failures per client within ``window`` seconds; past that the client waits.

    Memory is bounded: at most ``clients`` addresses are remembered (the least recently failing are forgotten first).
    Thread-safe: sign-ins are served from several threads.
    """

    def __init__(self, limit: int = 5, window: float = 60.0, clients: int = 10_000) -> None:
        self.limit, self.window, self.clients = limit, window, clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str, now: float | None = None) -> int:
        """Seconds ``client`` must wait before trying again (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if client not in self._failures:  # asking remembers nothing: only failures take memory
                return 0
            recent = self._recent(client, now)
            if len(recent) < self.limit:
                return 0
            return max(1, int(recent[0] + self.window - now) + 1)

    def failed(self, client: str, now: float | None = None) -> None:
        """Count one failure of ``client``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(client, now).append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self.clients:
                self._failures.popitem(last=False)

    def _recent(self, client: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(client, deque(maxlen=self.limit))
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent
