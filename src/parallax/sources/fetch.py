"""Fetching web pages politely and safely: :class:`Fetcher` (httpx) with an SSRF guard, robots.txt and retries.

Every connection goes through :class:`GuardedBackend`, which resolves the host itself, refuses loopback, private,
link-local, multicast, reserved and other non-global addresses (IPv4-mapped IPv6 included) unless the policy allows
them, and then connects to the very address it checked, so a DNS answer that changes between check and connect
(rebinding) cannot slip through. TLS still verifies the certificate for the host name (SNI), and the Host header
is the URL's. Redirects are followed by :class:`Fetcher` itself, one hop at a time, each hop checked again
(guard, robots.txt, rate limit).

Proxies from the environment (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, in either case: the
variables httpx's ``trust_env`` and urllib read) are used unless ``FetchPolicy.env_proxy`` is off (``parallax
--no-env-proxy``). Through a proxy the guard checks the *target*: the URL's host is resolved here and refused by
the same rules before anything is sent to the proxy (which resolves the name again itself: a DNS answer that changes
in between is the proxy's to catch, as are its own access rules). So the target's name must resolve here; where only
the proxy can resolve names, ``allow_private`` (``--allow-private``) leaves every check to the proxy. The proxy's own
address is not checked: the operator chose it, and proxies commonly live on loopback or private addresses. Only
http:// and https:// proxies.

robots.txt is read with Protego (Google's rules: ``*`` and ``$`` wildcards, the longest matching rule wins, Allow
over Disallow on a tie). As RFC 9309 asks, a robots.txt that cannot be reached (a 5xx answer or a network failure)
means nothing is fetched from the site until it answers again; 401/403 close the site for the run; a 404 or another
4xx sets no rules.

Errors are :class:`~parallax.errors.InputError` subclasses, so a bad URL becomes one rejection in a batch:
``FetchError`` (network failure, HTTP error), ``BlockedError`` (SSRF guard or robots.txt), ``TooLargeError``,
``FormatError`` (unsupported content type).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from ..errors import BlockedError, ConfigError, FetchError, FormatError, InputError, TooLargeError
from .policy import DEFAULT_USER_AGENT, FetchPolicy

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "GuardedBackend",
    "Resolver",
    "blocked_reason",
    "system_resolver",
]

log = logging.getLogger(__name__)

# --- tuning constants -----------------------------------------------------------------------------------------------

MAX_DOWNLOAD_S = 120.0  # a whole response, however it trickles in: the read timeout alone lets a slow drip run forever
MAX_CRAWL_DELAY_S = 30.0  # a robots.txt Crawl-delay above this is capped, so one site cannot stall a batch
MAX_RETRY_AFTER_S = 60.0  # a server's Retry-After above this is capped
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt
# Content types read as articles, feeds and sitemaps; anything else (images, PDFs, video) is refused before download.
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/json",
        "application/x-ndjson",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-gzip",  # gzipped sitemaps (sitemap.xml.gz)
        "application/gzip",
    }
)

Resolver = Callable[[str, int], Sequence[str]]
"""``resolver(host, port)`` returns the host's IP addresses as strings (the guard's DNS seam)."""


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver (getaddrinfo), in its order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}", hint="check the URL's host name") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def blocked_reason(address: str, allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()) -> str | None:
    """Why connecting to ``address`` is refused ("loopback", "private", ...), or None when it is a public address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour  # ::ffff:10.0.0.1 and 2002:0a00:0001:: reach IPv4 hosts
        if embedded is not None:
            ip = embedded
    if any(ip.version == network.version and ip in network for network in allowed):
        return None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-global", not ip.is_global),  # e.g. 100.64.0.0/10 (carrier-grade NAT)
    )
    return next((name for name, hit in checks if hit), None)


# --- the guarded network backend ------------------------------------------------------------------------------------


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend that resolves, checks and connects to the checked address only."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        *,
        allow_private: bool = False,
        allowed_networks: Sequence[str] = (),
    ) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
        self._inner = httpcore.SyncBackend()

    def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses to connect to; raises BlockedError if any address of the host is refused."""
        host = host.strip("[]")
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            addresses = [host]
        except ValueError:
            addresses = list(self._resolver(host, port))
        if not addresses:
            raise FetchError(f"host {host!r} has no address")
        if not self._allow_private:
            for address in addresses:
                reason = blocked_reason(address, self._allowed)
                if reason:
                    # one bad address refuses the host: a name that also resolves inside the network is suspect
                    raise BlockedError(
                        f"refused to connect to {host} ({address} is a {reason} address)",
                        hint="pass --allow-private to fetch from private networks on purpose",
                    )
        return addresses

    def check_target(self, host: str, port: int) -> None:
        """Raise BlockedError when ``host`` would be refused (for a request sent through a proxy, which connects to
        it on our behalf); with private addresses allowed nothing is checked, so nothing is resolved."""
        if not self._allow_private:
            self.addresses(host, port)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.addresses(host, port):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedError("refused to connect to a Unix socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend` and without proxies."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=10,
            max_keepalive_connections=5,
            network_backend=backend,
        )


class _GuardedProxyTransport(httpx.HTTPTransport):
    """httpx's transport through one proxy, refusing a request whose target host the guard refuses, before the
    proxy hears of it. The connection to the proxy itself is not guarded (see the module's docstring)."""

    def __init__(self, backend: GuardedBackend, proxy: str) -> None:
        super().__init__(trust_env=False, proxy=proxy)
        self._guard = backend

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        self._guard.check_target(url.host, url.port or (443 if url.scheme == "https" else 80))
        return super().handle_request(request)


class _Routes(httpx.BaseTransport):
    """Sends each request direct (through the guarded backend) or through the proxy the environment names for its
    scheme, unless ``NO_PROXY`` exempts its host (``proxies``: ``urllib.request.getproxies_environment()``)."""

    def __init__(self, backend: GuardedBackend, proxies: dict[str, str]) -> None:
        self._direct = _GuardedTransport(backend)
        self._proxies = proxies
        self._via: dict[str, _GuardedProxyTransport] = {}
        for scheme in ("http", "https"):
            proxy = proxies.get(scheme) or proxies.get("all")
            if proxy:
                if urlsplit(proxy).scheme.lower() not in ("http", "https"):
                    raise ConfigError(
                        f"unsupported proxy {_without_password(proxy)!r} for {scheme}:// URLs in the environment",
                        hint="use an http:// proxy in HTTP_PROXY/HTTPS_PROXY, or pass --no-env-proxy",
                    )
                self._via[scheme] = _GuardedProxyTransport(backend, proxy)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = self._route(request.url)
        if route is not self._direct:
            log.debug("GET %s through the proxy for %s:// URLs", request.url, request.url.scheme)
        return route.handle_request(request)

    def _route(self, url: httpx.URL) -> httpx.BaseTransport:
        via = self._via.get(url.scheme)
        if via is None or not url.host:
            return self._direct
        return self._direct if _bypassed(url.host, url.port, self._proxies.get("no", "")) else via

    def close(self) -> None:
        self._direct.close()
        for transport in self._via.values():
            transport.close()


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` (comma-separated: ``*``, host names, ``.domain`` or ``domain`` suffixes, IP addresses,
    each with an optional ``:port``) exempts ``host``, as curl and urllib read it."""
    host = host.strip("[]").lower().rstrip(".")
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if not name or (entry_port and entry_port != str(port or "")):
            continue
        name = name.strip("[]").lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _without_password(url: str) -> str:
    """A proxy URL fit for a log line: ``http://user:secret@host:3128`` as ``http://user:***@host:3128``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def environment_proxies() -> dict[str, str]:
    """The proxies the environment names (``{"http": url, "https": url, "all": url, "no": hosts}``), as urllib
    and httpx read them: ``HTTP_PROXY`` etc. in either case (the lower-case one wins)."""
    return urllib.request.getproxies_environment()


# --- policy and results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fetched:
    """One fetched resource: the final URL after redirects, its media type and charset, and the body bytes."""

    url: str
    status: int
    content_type: str
    data: bytes
    fetched: str  # ISO 8601 UTC time of the response
    redirects: tuple[str, ...] = ()
    charset: str | None = None


@dataclass(slots=True)
class _Host:
    next_time: float = 0.0
    robots: Protego | None = None
    interval: float = 0.0


@dataclass(slots=True)
class _State:
    hosts: dict[str, _Host] = field(default_factory=dict)


# --- the fetcher ----------------------------------------------------------------------------------------------------


class Fetcher:
    """Fetches URLs one at a time under a :class:`FetchPolicy`; use as a context manager (it holds connections).

    ``resolver`` is the DNS seam of the SSRF guard (default: getaddrinfo); ``sleep`` and ``clock`` are the rate
    limiter's, so callers that wait on other things (``parallax watch``) can share them.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self._clock = clock
        self._state = _State()
        backend = GuardedBackend(
            resolver, allow_private=self.policy.allow_private, allowed_networks=self.policy.allowed_networks
        )
        proxies = environment_proxies() if self.policy.env_proxy else {}
        if any(proxies.get(scheme) for scheme in ("http", "https", "all")):
            named = ", ".join(f"{k}={_without_password(v)}" for k, v in sorted(proxies.items()) if k != "no")
            log.info("fetching through the environment's proxies (%s; NO_PROXY=%s)", named, proxies.get("no", ""))
        transport: httpx.BaseTransport = _Routes(backend, proxies) if proxies else _GuardedTransport(backend)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, accept: frozenset[str] = ACCEPTED_TYPES) -> Fetched:
        """GET ``url``, following redirects (each hop checked); raises an InputError subclass on failure."""
        hops: list[str] = []
        current = _check_url(url)
        while True:
            self._check_robots(current)
            response, data = self._get(current, accept=accept)
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                if len(hops) >= self.policy.max_redirects:
                    raise FetchError(f"more than {self.policy.max_redirects} redirects from {url}")
                hops.append(current)
                current = _check_url(_joined(current, response.headers["location"]))
                continue
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase} from {current}")
            media, charset = _media_type(response.headers.get("content-type", ""))
            return Fetched(
                url=current,
                status=response.status_code,
                content_type=media,
                data=data,
                fetched=datetime.now(UTC).replace(microsecond=0).isoformat(),
                redirects=tuple(hops),
                charset=charset,
            )

    # --- one request, with rate limit and retries -------------------------------------------------------------------

    def _get(
        self, url: str, *, accept: frozenset[str] | None, limit: int | None = None
    ) -> tuple[httpx.Response, bytes]:
        limit = limit or self.policy.max_bytes
        attempt = 0
        while True:
            self._wait_turn(url)
            try:
                with self._client.stream("GET", url) as response:
                    if response.status_code in RETRY_STATUSES and attempt < self.policy.retries:
                        delay = _retry_after(response.headers.get("retry-after"))
                    else:
                        if response.status_code < 300 and accept is not None:
                            _check_type(response, accept, url)
                        data = _read_limited(response, limit, url) if response.status_code < 300 else b""
                        return response, data
            except httpx.InvalidURL as exc:  # a URL httpx cannot send (over 65,536 characters, ...)
                raise FormatError(f"cannot fetch {url[:200]}: {exc}", hint="check the URL") from exc
            except httpx.TimeoutException as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(f"timed out fetching {url} ({type(exc).__name__})") from exc
                delay = None
            except httpx.TransportError as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(f"cannot fetch {url}: {exc or type(exc).__name__}") from exc
                delay = None
            except InputError:
                raise
            self._sleep(delay if delay is not None else self.policy.backoff * 2**attempt)
            attempt += 1

    def _wait_turn(self, url: str) -> None:
        host = self._host(url)
        now = self._clock()
        if host.next_time > now:
            self._sleep(host.next_time - now)
            now = host.next_time
        host.next_time = now + max(self.policy.host_interval, host.interval)

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        return self._state.hosts.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), _Host())

    # --- robots.txt ---------------------------------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        if not self.policy.respect_robots:
            return
        host = self._host(url)
        if host.robots is None:
            host.robots = self._load_robots(url)  # raises when unreachable; nothing is kept, so it is asked again
            delay = host.robots.crawl_delay(self.policy.user_agent)
            if delay is not None and 0 < delay < float("inf"):  # Protego passes "Crawl-delay: nan" on as NaN
                host.interval = min(float(delay), MAX_CRAWL_DELAY_S)
        if not host.robots.can_fetch(url, self.policy.user_agent):
            raise BlockedError(
                f"robots.txt of {urlsplit(url).netloc} disallows {url}", hint="the site asks crawlers not to fetch it"
            )

    def _load_robots(self, url: str) -> Protego:
        """The site's rules. RFC 9309: a robots.txt that cannot be reached means nothing may be fetched, so a
        network failure raises FetchError and a 5xx answer BlockedError."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            for _ in range(self.policy.max_redirects + 1):  # http -> https and www redirects are common here
                response, data = self._get(robots_url, accept=None, limit=MAX_ROBOTS_BYTES)
                if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
                    break
                robots_url = _check_url(_joined(robots_url, response.headers["location"]))
        except (TooLargeError, FormatError):
            return Protego.parse("")  # an oversized or odd robots.txt: no rules (Google reads the first 500 KiB)
        if response.status_code in (401, 403):
            return Protego.parse("User-agent: *\nDisallow: /")  # the convention urllib.robotparser follows
        if response.status_code >= 500:
            raise BlockedError(
                f"robots.txt of {parts.netloc} answered HTTP {response.status_code}, so {url} is not fetched",
                hint="the site may be down: try again later",
            )
        if 200 <= response.status_code < 300:
            return Protego.parse(data.decode("utf-8", "replace"))
        return Protego.parse("")  # 404 and the other 4xx: no robots.txt, everything allowed


# --- helpers --------------------------------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    """``url`` without its fragment; FormatError unless it is a well-formed http(s) URL."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):  # httpx refuses them with InvalidURL
        raise FormatError(f"URL contains control characters: {url[:200]!r}", hint="check the URL")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # "http://[::1", an unbalanced IPv6 bracket
        raise FormatError(f"malformed URL {url[:200]!r}: {exc}", hint="check the URL") from exc
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FormatError(f"not an http(s) URL: {url}", hint="only http:// and https:// URLs are fetched")
    return url.split("#", 1)[0]


def _joined(base: str, location: str) -> str:
    """A redirect's Location resolved against the URL redirected from; FormatError when it is malformed."""
    try:
        return urljoin(base, location)
    except ValueError as exc:
        message = f"malformed redirect from {base} to {location!r}: {exc}"
        raise FormatError(message, hint="the server is broken") from exc


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _check_type(response: httpx.Response, accept: frozenset[str], url: str) -> None:
    media, _ = _media_type(response.headers.get("content-type", ""))
    if media and media not in accept:
        raise FormatError(
            f"unsupported content type {media!r} at {url}", hint="only HTML, text, JSON, feeds and sitemaps are read"
        )


def _read_limited(response: httpx.Response, limit: int, url: str) -> bytes:
    """The (decompressed) body, refusing it as soon as it passes ``limit`` bytes (so a gzip bomb stops early)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLargeError(f"{url} is {int(declared):,} bytes, over the limit of {limit:,}")
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + MAX_DOWNLOAD_S
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLargeError(f"{url} is over the limit of {limit:,} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"{url} took over {MAX_DOWNLOAD_S:.0f} s to download")
            chunks.append(chunk)
    except httpx.DecodingError as exc:
        raise FormatError(f"cannot decode the response from {url}: {exc}") from exc
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), MAX_RETRY_AFTER_S))
