"""A real HTTP server on 127.0.0.1 for the fetch, feed, sitemap and WARC tests: routes set per test, requests logged;
and a real forward proxy on 127.0.0.1 for the proxy tests."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = tuple[int, dict[str, str], bytes]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    time: float


@dataclass
class Site:
    """Routes (path -> status, headers, body, or a callable giving them) and the log of requests received."""

    port: int = 0
    routes: dict[str, Route | Callable[[], Route]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (200, {"Content-Type": content_type}, data)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": location}, b"")

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
        route = site.routes.get(self.path)
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        else:
            status, headers, body = route() if callable(route) else route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    server = _Server(site)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- a forward proxy ------------------------------------------------------------------------------------------------


@dataclass
class Proxy:
    """A plain HTTP forward proxy: absolute-URI GETs are sent on (to ``upstream`` when set: every name then reaches
    the one test site, as a proxy with its own DNS would), and the URIs asked for are logged."""

    port: int = 0
    upstream: tuple[str, int] | None = None
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _ProxyServer

    def do_GET(self) -> None:
        proxy = self.server.proxy
        proxy.requests.append(self.path)
        target = urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:  # not an absolute URI: not a proxy request
            self.send_error(400, "absolute URI expected")
            return
        host, port = proxy.upstream or (target.hostname, target.port or 80)
        upstream = http.client.HTTPConnection(host, port, timeout=10)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
            upstream.request("GET", target.path + (f"?{target.query}" if target.query else ""), headers=headers)
            reply = upstream.getresponse()
            body = reply.read()
        finally:
            upstream.close()
        self.send_response(reply.status)
        for name, value in reply.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Via", "1.1 test-proxy")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, proxy: Proxy) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.proxy = proxy


@contextmanager
def serve_proxy(upstream: tuple[str, int] | None = None) -> Iterator[Proxy]:
    proxy = Proxy(upstream=upstream)
    server = _ProxyServer(proxy)
    proxy.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
