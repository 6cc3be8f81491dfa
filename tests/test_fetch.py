"""Fetching over real HTTP on 127.0.0.1: the SSRF guard, redirects, limits, robots.txt, retries, rate limit, and
proxies from the environment (a real forward proxy on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from parallax.errors import BlockedError, ConfigError, FetchError, FormatError, TooLargeError
from parallax.sources.fetch import Fetcher, FetchPolicy, blocked_reason

from .httpserver import Site, serve, serve_proxy

PAGE = "<html><head><title>Budget vote</title></head><body><p>The council voted.</p></body></html>"
# Fast and local: no politeness delay, tiny backoff; private addresses allowed only where a test says so.
LOCAL = FetchPolicy(host_interval=0, backoff=0.01, allow_private=True)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata endpoint
        ("fe80::1%eth0", "link-local"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped IPv6
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:a00:1::", "private"),  # 6to4 wrapping 10.0.0.1
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("240.0.0.1", "private"),  # reserved range, listed as private by Python
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_blocked_reason(address: str, reason: str | None) -> None:
    assert blocked_reason(address) == reason


def test_allowed_networks_exempt_only_themselves() -> None:
    import ipaddress

    allowed = [ipaddress.ip_network("127.0.0.1/32")]
    assert blocked_reason("127.0.0.1", allowed) is None
    assert blocked_reason("127.0.0.2", allowed) == "loopback"
    assert blocked_reason("::ffff:127.0.0.1", allowed) is None


def test_loopback_refused_by_default(site: Site) -> None:
    site.page("/a", PAGE)
    with Fetcher(FetchPolicy(host_interval=0)) as fetcher, pytest.raises(BlockedError, match="loopback"):
        fetcher.fetch(site.url("/a"))
    assert site.requests == []  # refused before connecting, robots.txt included


def test_public_looking_name_resolving_to_private_address_is_refused(site: Site) -> None:
    site.page("/a", PAGE)

    def resolver(host: str, port: int) -> list[str]:  # a DNS answer pointing a public name inside the network
        return ["127.0.0.1"] if host == "news.example.com" else []

    url = f"http://news.example.com:{site.port}/a"
    with Fetcher(FetchPolicy(host_interval=0), resolver=resolver) as fetcher, pytest.raises(BlockedError) as caught:
        fetcher.fetch(url)
    assert "news.example.com" in caught.value.message
    assert "127.0.0.1 is a loopback address" in caught.value.message
    assert site.requests == []


def test_one_private_address_among_public_ones_refuses_the_host(site: Site) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.8"]

    fetcher = Fetcher(FetchPolicy(host_interval=0), resolver=resolver)
    with fetcher, pytest.raises(BlockedError, match=r"10\.0\.0\.8"):
        fetcher.fetch("http://mixed.example.org/")


def test_connection_goes_to_the_checked_address_with_the_original_host_header(site: Site) -> None:
    site.page("/a", PAGE)
    answers = iter([["127.0.0.1"], ["127.0.0.1"]])

    def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    with Fetcher(LOCAL, resolver=resolver) as fetcher:
        fetched = fetcher.fetch(f"http://news.example.com:{site.port}/a")
    assert fetched.data.decode() == PAGE
    assert fetched.url == f"http://news.example.com:{site.port}/a"
    assert site.requests[-1].headers["host"] == f"news.example.com:{site.port}"


def test_redirect_to_private_address_is_refused(site: Site) -> None:
    site.redirect("/go-private", "http://10.0.0.7/admin")
    site.redirect("/go-metadata", "http://metadata.internal/latest/meta-data/")
    site.redirect("/go-mapped", "http://[::ffff:192.168.0.1]/")

    def resolver(host: str, port: int) -> list[str]:
        return {"metadata.internal": ["169.254.169.254"]}.get(host, [])

    # only the test server itself is allowed: every hop is checked again
    policy = FetchPolicy(host_interval=0, allowed_networks=("127.0.0.1/32",))
    with Fetcher(policy, resolver=resolver) as fetcher:
        with pytest.raises(BlockedError, match=r"10\.0\.0\.7 is a private address"):
            fetcher.fetch(site.url("/go-private"))
        with pytest.raises(BlockedError, match=r"169\.254\.169\.254 is a link-local address"):
            fetcher.fetch(site.url("/go-metadata"))
        with pytest.raises(BlockedError, match="private"):
            fetcher.fetch(site.url("/go-mapped"))


def test_redirects_followed_and_recorded(site: Site) -> None:
    site.redirect("/old", "/newer", status=301)
    site.redirect("/newer", site.url("/article"), status=307)
    site.page("/article", PAGE)
    with Fetcher(LOCAL) as fetcher:
        fetched = fetcher.fetch(site.url("/old"))
    assert fetched.url == site.url("/article")
    assert fetched.redirects == (site.url("/old"), site.url("/newer"))
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"


def test_redirect_loop_stops(site: Site) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    with Fetcher(LOCAL) as fetcher, pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(site.url("/a"))


def test_redirect_to_another_scheme_is_refused(site: Site) -> None:
    site.redirect("/a", "file:///etc/passwd")
    with Fetcher(LOCAL) as fetcher, pytest.raises(FormatError, match="not an http"):
        fetcher.fetch(site.url("/a"))


def test_size_limit(site: Site) -> None:
    site.page("/big", "x" * 5000, content_type="text/plain")
    policy = FetchPolicy(host_interval=0, allow_private=True, max_bytes=1000)
    with Fetcher(policy) as fetcher, pytest.raises(TooLargeError, match="over the limit of 1,000"):
        fetcher.fetch(site.url("/big"))


def test_unsupported_content_type(site: Site) -> None:
    site.page("/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")
    with Fetcher(LOCAL) as fetcher, pytest.raises(FormatError, match="image/png"):
        fetcher.fetch(site.url("/photo.png"))


def test_robots_txt_respected_and_read_once(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.page("/public/a", PAGE)
    site.page("/private/b", PAGE)
    with Fetcher(LOCAL) as fetcher:
        fetcher.fetch(site.url("/public/a"))
        with pytest.raises(BlockedError, match=r"robots\.txt"):
            fetcher.fetch(site.url("/private/b"))
        fetcher.fetch(site.url("/public/a"))
    assert site.paths() == ["/robots.txt", "/public/a", "/public/a"]


def test_robots_txt_naming_parallax(site: Site) -> None:
    rules = "User-agent: Parallax\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    site.page("/robots.txt", rules, content_type="text/plain")
    site.page("/a", PAGE)
    with Fetcher(LOCAL) as fetcher, pytest.raises(BlockedError):
        fetcher.fetch(site.url("/a"))
    with Fetcher(FetchPolicy(host_interval=0, allow_private=True, respect_robots=False)) as fetcher:
        assert fetcher.fetch(site.url("/a")).status == 200


def test_user_agent_names_parallax(site: Site) -> None:
    site.page("/a", PAGE)
    with Fetcher(LOCAL) as fetcher:
        fetcher.fetch(site.url("/a"))
    assert all(r.headers["user-agent"].startswith("Parallax/") for r in site.requests)


def test_retries_with_backoff_then_success(site: Site) -> None:
    replies = iter(
        [(503, {"Retry-After": "0"}, b""), (502, {}, b""), (200, {"Content-Type": "text/html"}, b"<p>ok</p>")]
    )
    site.routes["/flaky"] = lambda: next(replies)
    slept: list[float] = []
    with Fetcher(LOCAL, sleep=slept.append) as fetcher:
        assert fetcher.fetch(site.url("/flaky")).data == b"<p>ok</p>"
    assert site.paths().count("/flaky") == 3
    assert slept == [0.0, 0.02]  # Retry-After: 0, then the backoff of the second attempt (0.01 * 2)


def test_http_error_is_not_retried(site: Site) -> None:
    with Fetcher(LOCAL) as fetcher, pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(site.url("/missing"))
    assert site.paths().count("/missing") == 1


def test_retries_give_up(site: Site) -> None:
    site.routes["/down"] = (503, {}, b"")
    with Fetcher(LOCAL, sleep=lambda s: None) as fetcher, pytest.raises(FetchError, match="HTTP 503"):
        fetcher.fetch(site.url("/down"))
    assert site.paths().count("/down") == 4  # the first attempt and 3 retries


def test_connection_refused_is_a_fetch_error() -> None:
    with serve() as closed:
        port = closed.port
    with Fetcher(LOCAL, sleep=lambda s: None) as fetcher, pytest.raises(FetchError, match="cannot fetch"):
        fetcher.fetch(f"http://127.0.0.1:{port}/")


class _Clock:
    """The rate limiter's clock and sleep: sleeping moves the clock on (requests themselves take no time)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_polite_interval_per_host(site: Site) -> None:
    site.page("/a", PAGE)
    clock = _Clock()
    policy = FetchPolicy(host_interval=5.0, allow_private=True, respect_robots=False)
    with Fetcher(policy, sleep=clock.sleep, clock=clock) as fetcher:
        for _ in range(3):
            fetcher.fetch(site.url("/a"))
        fetcher.fetch(f"http://localhost:{site.port}/a")  # another host name: its own turn, no wait
    # the first request goes at once; each later one to the same host waits 5 s after the one before
    assert clock.slept == [5.0, 5.0]


def test_crawl_delay_that_is_no_number(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: nan\n", content_type="text/plain")
    site.page("/a", PAGE)
    clock = _Clock()
    with Fetcher(FetchPolicy(host_interval=2, allow_private=True), sleep=clock.sleep, clock=clock) as fetcher:
        fetcher.fetch(site.url("/a"))
        fetcher.fetch(site.url("/a"))
    assert clock.slept == [2.0, 2.0]  # robots.txt, then each page 2 s after the request before: NaN is ignored


def test_crawl_delay_from_robots(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: 7\n", content_type="text/plain")
    site.page("/a", PAGE)
    clock = _Clock()
    with Fetcher(FetchPolicy(host_interval=0, allow_private=True), sleep=clock.sleep, clock=clock) as fetcher:
        fetcher.fetch(site.url("/a"))
        fetcher.fetch(site.url("/a"))
    assert clock.slept == [7.0]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/a?print=1", False),  # a wildcard rule: urllib.robotparser let this through
        ("/a?print=1&x=2", False),
        ("/a", True),
        ("/news/x", False),
        ("/news/public/x", True),  # the longer Allow wins over the shorter Disallow: urllib refused it (first match)
        ("/feed.xml", False),
        ("/feed.xml.html", True),  # "$" anchors the end
    ],
)
def test_robots_txt_wildcards_and_longest_match(site: Site, path: str, allowed: bool) -> None:
    rules = "User-agent: *\nDisallow: /*?print=1\nDisallow: /news/\nAllow: /news/public/\nDisallow: /*.xml$\n"
    site.page("/robots.txt", rules, content_type="text/plain")
    site.page(path, PAGE)
    with Fetcher(LOCAL) as fetcher:
        if allowed:
            assert fetcher.fetch(site.url(path)).status == 200
        else:
            with pytest.raises(BlockedError, match=r"robots\.txt"):
                fetcher.fetch(site.url(path))
    assert (path in site.paths()) is allowed


def test_robots_txt_5xx_and_403(site: Site) -> None:
    site.routes["/robots.txt"] = (403, {}, b"")
    site.page("/a", PAGE)
    with Fetcher(LOCAL) as fetcher, pytest.raises(BlockedError, match=r"robots\.txt"):
        fetcher.fetch(site.url("/a"))  # 401/403: the whole site is off limits
    site.routes["/robots.txt"] = (503, {}, b"")
    with Fetcher(dataclasses.replace(LOCAL, retries=0)) as fetcher:
        with pytest.raises(BlockedError, match=r"robots\.txt of .* answered HTTP 503"):
            fetcher.fetch(site.url("/a"))  # RFC 9309: an unreachable robots.txt means complete disallow
        site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        assert fetcher.fetch(site.url("/a")).status == 200  # a failure is not kept: asked again, and now it answers
    assert site.paths() == ["/robots.txt", "/robots.txt", "/robots.txt", "/a"]  # 403, 503, then 200 and the page
    site.routes["/robots.txt"] = (404, {}, b"")
    with Fetcher(dataclasses.replace(LOCAL, retries=0)) as fetcher:
        assert fetcher.fetch(site.url("/a")).status == 200  # no robots.txt: no rules


def test_environment_proxy_is_used(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.page("/a", PAGE)
    with serve_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with Fetcher(LOCAL) as fetcher:
            fetched = fetcher.fetch(site.url("/a"))
        assert fetched.data.decode() == PAGE
        assert proxy.requests == [site.url("/robots.txt"), site.url("/a")]  # robots.txt goes through it too
        assert site.paths() == ["/robots.txt", "/a"]


def test_environment_proxy_opt_out_and_no_proxy(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.page("/a", PAGE)
    with serve_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        with Fetcher(dataclasses.replace(LOCAL, env_proxy=False)) as fetcher:
            fetcher.fetch(site.url("/a"))
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        with Fetcher(LOCAL) as fetcher:
            fetcher.fetch(site.url("/a"))
        assert proxy.requests == []
    assert site.paths() == ["/robots.txt", "/a", "/robots.txt", "/a"]


def test_proxy_does_not_open_the_guard(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a proxy the guard checks the target host's own addresses, before the proxy hears of the request; the
    proxy itself may be on loopback (the operator chose it)."""
    site.page("/a", PAGE)

    def resolver(host: str, port: int) -> list[str]:
        return {"inside.example.com": ["10.0.0.7"], "news.example.com": ["93.184.215.14"]}.get(host, [])

    guarded = FetchPolicy(host_interval=0, backoff=0.01)
    with serve_proxy(upstream=("127.0.0.1", site.port)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        with Fetcher(guarded, resolver=resolver) as fetcher:
            with pytest.raises(BlockedError, match="loopback"):
                fetcher.fetch(site.url("/a"))  # 127.0.0.1 as the target: refused, proxy or not
            with pytest.raises(BlockedError, match=r"10\.0\.0\.7 is a private address"):
                fetcher.fetch("http://inside.example.com/a")  # a name resolving inside the network
            with pytest.raises(BlockedError, match=r"169\.254\.169\.254"):
                fetcher.fetch("https://169.254.169.254/latest/meta-data/")  # https goes through the same check
            assert proxy.requests == []  # none of them reached the proxy
            fetched = fetcher.fetch("http://news.example.com/a")  # a public name: sent through the proxy
        assert fetched.data.decode() == PAGE
        assert proxy.requests == ["http://news.example.com/robots.txt", "http://news.example.com/a"]
        assert site.requests[-1].headers["host"] == "news.example.com"


def test_unsupported_environment_proxy_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://u:secret@127.0.0.1:1080")
    with pytest.raises(
        ConfigError, match=r"unsupported proxy 'socks5://u:\*\*\*@127\.0\.0\.1:1080' for https"
    ) as caught:
        Fetcher(LOCAL)
    assert "--no-env-proxy" in (caught.value.hint or "")
    with Fetcher(dataclasses.replace(LOCAL, env_proxy=False)):
        pass  # opted out: the variable is not read


def test_names_only_the_proxy_resolves(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where only the proxy can resolve names, the guard refuses what it cannot check, unless private addresses are
    allowed: then nothing is resolved here and the proxy is trusted with the whole request."""
    site.page("/a", PAGE)

    def resolver(host: str, port: int) -> list[str]:
        raise FetchError(f"cannot resolve host {host!r}")

    with serve_proxy(upstream=("127.0.0.1", site.port)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        guarded = FetchPolicy(host_interval=0, backoff=0.01, retries=0)
        with Fetcher(guarded, resolver=resolver) as fetcher, pytest.raises(FetchError, match="cannot resolve"):
            fetcher.fetch("http://intranet.example/a")
        assert proxy.requests == []
        with Fetcher(LOCAL, resolver=resolver) as fetcher:
            assert fetcher.fetch("http://intranet.example/a").data.decode() == PAGE
        assert proxy.requests == ["http://intranet.example/robots.txt", "http://intranet.example/a"]
