"""URLs as keys and seen-set entries: canonical form, readable keys, unique keys in a batch."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# Query parameters that only track the click (dropped from URLs in seen-sets, so a link shared twice is read once).
TRACKING_PARAMETERS = ("utm_", "fbclid=", "gclid=", "mc_cid=", "mc_eid=")
MAX_KEY_CHARS = 80  # keys from URLs: long slugs cut here (article slugs run 40-70 characters)
_URL = re.compile(r"^https?://", re.IGNORECASE)
_KEY_CHARS = re.compile(r"[^\w.-]+")


def unique_key(key: str, used: set[str]) -> str:
    """``key``, or ``key-2``, ``key-3``... when already in ``used``; the key returned is added to ``used``."""
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}-{n}"
    used.add(candidate)
    return candidate


def canonical_url(url: str) -> str:
    """The URL as remembered in a seen-set: scheme and host lower-cased, default port, fragment and tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``) dropped."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    except ValueError:  # a malformed authority ("http://[::1", port 99999): remembered as written
        return url.strip()
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith(TRACKING_PARAMETERS)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def key_for_url(url: str) -> str:
    """A readable key for a URL: its last path segment without extension (``/2024/05/budget-vote.html`` gives
    ``budget-vote``), else its host."""
    try:
        parts = urlsplit(url)
        path, host = parts.path, parts.hostname
    except ValueError:  # a malformed authority ("http://[::1"): what follows it names the page
        path, host = re.split(r"[?#]", url.split("://", 1)[-1].partition("/")[2], maxsplit=1)[0], None
    segments = [s for s in path.split("/") if s]
    name = segments[-1] if segments else (host or "page")
    stem = name.rsplit(".", 1)[0] if "." in name and segments else name
    return _KEY_CHARS.sub("-", stem).strip("-")[:MAX_KEY_CHARS] or "page"
