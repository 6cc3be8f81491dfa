"""How to fetch (:class:`FetchPolicy`) and its defaults, apart from the fetcher itself (``fetch``): a run's settings
hold a policy, and building one must not import httpx (~0.1 s of a cold start that reads only files)."""

from __future__ import annotations

from dataclasses import dataclass

from ..version import __version__

__all__ = ["DEFAULT_USER_AGENT", "FetchPolicy"]

DEFAULT_USER_AGENT = f"Parallax/{__version__} (news coverage analysis; respects robots.txt)"
TIMEOUT_S = 20.0  # connect/read timeout per request: news sites answer in < 2 s; slow CDNs rarely need > 10 s
MAX_REDIRECTS = 5  # news links go through at most 2-3 hops (http -> https -> canonical); more is a loop or a trap
HOST_INTERVAL_S = 1.0  # one request per second per host: the usual polite-crawler default (Scrapy's AutoThrottle)
RETRIES = 3  # attempts after the first for network errors and 429/5xx
BACKOFF_S = 1.0  # first retry waits this long, doubling each time (1, 2, 4 s)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How to fetch: limits, politeness and the SSRF guard's exceptions (``allowed_networks``: CIDR strings);
    ``env_proxy``: send requests through the proxies the environment names (``HTTP_PROXY``...; the guard still
    checks each target host)."""

    timeout: float = TIMEOUT_S
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = MAX_REDIRECTS
    host_interval: float = HOST_INTERVAL_S
    retries: int = RETRIES
    backoff: float = BACKOFF_S
    user_agent: str = DEFAULT_USER_AGENT
    respect_robots: bool = True
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    env_proxy: bool = True
