"""Injection and access: SQL metacharacters in every user-supplied value the store queries with (search terms,
filters, ids) on SQLite and PostgreSQL; path traversal on the routes that serve files; and every write endpoint
refusing a request without the write token (none, wrong, read-only, or on a server with writes disabled)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.routing import Route

from parallax.engine.store import ingest_paths
from parallax.store import TABLES, Store, open_store
from parallax.web import Settings, create_app
from tests.conftest import EXAMPLES
from tests.store.conftest import make_url
from tests.web.conftest import READ_TOKEN, TOKEN, Server, ingested, serve

# SQL, FTS5 and tsquery metacharacters, comment and statement breakers, LIKE wildcards, escapes, odd Unicode.
HOSTILE = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE articles; --",
    '"; DROP TABLE stories; --',
    "1; DELETE FROM stories",
    "') UNION SELECT id, text, 1, 1, 1, 1, 1 FROM articles --",
    "x' UNION ALL SELECT sqlite_version() --",
    "'||(SELECT pg_sleep(5))||'",
    "1' AND (SELECT 1 FROM pg_sleep(5)) --",
    "%",
    "_",
    "%_%",
    "\\",
    "\\'",
    "*",
    "title:*",
    "text:council",
    "NEAR(council vote, 2)",
    "council AND NOT vote OR ^x",
    "a & b | !c",
    "foo:* <-> bar",
    '"unbalanced',
    "((((",
    "$1",
    "?",
    "%s %(x)s",
    ":name @p",
    "'\u0000'",
    "\u202e'; --",
    "ｓｅｌｅｃｔ＊",
    "😀' OR 1=1",
    "x" * 2000,
)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture(params=["sqlite", "postgres"])
def stocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store on each backend holding two example articles."""
    with open_store(make_url(request.param, tmp_path, request)) as store:
        result = ingest_paths(
            store, [EXAMPLES / "corpus" / "04_dunmere_courier.txt", EXAMPLES / "corpus" / "05_chipwatch.txt"]
        )
        assert len(result.added) == 2
        yield store


def _snapshot(store: Store) -> dict[str, object]:
    return {table: store.rows(table) for table in TABLES}


def test_sql_metacharacters_reach_the_store_as_data(stocked: Store) -> None:
    before = _snapshot(stocked)
    story = stocked.list_stories().items[0]
    for value in HOSTILE:
        clean = value.replace("\u0000", "")  # PostgreSQL text cannot hold NUL; the web layer never passes one on
        hits = stocked.search(clean)
        assert hits.total == len(hits.items) or hits.total > len(hits.items)
        assert all(h.article_id for h in hits.items)
        # filters compare values, never patterns: a wildcard or an always-true clause matches nothing
        assert stocked.list_stories(outlet=clean).total == 0, value
        assert stocked.list_stories(entity=clean).total == 0, value
        assert stocked.list_stories(since=clean, until=clean).total == 0, value
        assert stocked.list_articles(outlet=clean).total == 0, value
        assert stocked.list_articles(story_id=clean).total == 0, value
        assert stocked.get_story(clean) is None
        assert stocked.get_article(clean) is None
        assert stocked.story_report(clean) is None
    # an always-true clause appended to a real word finds no more than the word's own hits
    assert stocked.search("council' OR '1'='1").total <= stocked.search("council").total
    assert _snapshot(stocked) == before
    assert stocked.get_story(story.id) == story


def test_sql_metacharacters_through_the_web_app(stocked: Store) -> None:
    before = _snapshot(stocked)
    with serve(stocked, Settings(token=TOKEN)) as site, site.client() as http:
        for value in HOSTILE:
            for path, params in [
                ("/api/search", {"q": value}),
                ("/search", {"q": value}),
                ("/api/stories", {"outlet": value, "entity": value, "since": value, "until": value}),
                ("/", {"outlet": value, "entity": value}),
                ("/api/articles", {"outlet": value, "story": value}),
            ]:
                answer = http.get(path, params=params)
                assert answer.status_code in (200, 422), (path, value, answer.text[:200])
            for path in ("/api/stories/", "/stories/", "/api/articles/", "/articles/", "/outlets/", "/api/outlets/"):
                answer = http.get(path + quote(value, safe=""))
                assert answer.status_code in (200, 404, 422), (path, value)
    assert _snapshot(stocked) == before


def _raw_get(url: str, target: str) -> tuple[int, bytes]:
    """GET ``target`` exactly as written (no client normalises its dots or slashes): status and body."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


TRAVERSALS = (
    "/static/../app.py",
    "/static/../../parallax/web/app.py",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2fapp.py",
    "/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "/static/....//....//etc/passwd",
    "/static/..\\..\\app.py",
    "/static/..%5c..%5capp.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%00../app.py",
    "/static/style.css%00.py",
    "/static/report.css/../../app.py",
    "/static/%c0%ae%c0%ae/app.py",
    "/../../../../etc/passwd",
    "/stories/..%2f..%2f..%2fetc%2fpasswd",
    "/stories/../../etc/passwd/report.html",
    "/articles/..%2f..%2fparallax.db",
    "/api/articles/../../../parallax.db",
    "/outlets/..%2f..%2f..%2fetc%2fpasswd",
    "/parallax.db",
    "/static/../../../../parallax.db",
)


def test_no_path_leaves_the_static_folder(tmp_path: Path) -> None:
    secret = (Path(__file__).resolve().parents[2] / "src" / "parallax" / "web" / "app.py").read_text()
    with open_store(tmp_path / "parallax.db") as store, serve(store, Settings(token=TOKEN)) as site:
        status, body = _raw_get(site.url, "/static/report.css")
        assert status == 200
        assert body
        for target in TRAVERSALS:
            status, body = _raw_get(site.url, target)
            assert status in (400, 404, 405, 422), (target, status)
            text = body.decode("utf-8", "replace")
            assert "root:" not in text, target
            assert "def create_app" not in text, target
            assert "SQLite format" not in text, target
            assert secret[:200] not in text, target


def _routes(site: Server) -> dict[str, set[str]]:
    """Every path the app routes (its API, its pages, routes left out of the OpenAPI document), with its methods:
    the app's own route table, so that no write hides from these tests by being undocumented. (FastAPI 0.12x
    nests an included router as one route that holds it, under its include's prefix.)"""
    routes: dict[str, set[str]] = {}

    def walk(items: Iterable[Any], prefix: str) -> None:
        for route in items:
            if isinstance(route, Route) and route.methods:  # (the static files' Mount answers GET only)
                routes.setdefault(prefix + route.path, set()).update(route.methods)
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes, prefix + route.include_context.prefix)

    walk(create_app(site.store, site.settings).routes, "")
    return routes


def _writes(site: Server) -> list[tuple[str, str]]:
    """Every (method, path) the app routes a write to (and the OpenAPI document lists the API's)."""
    with site.client() as http:  # the document is a read: behind the read token where reads are private
        paths = http.get("/api/openapi.json", headers={"authorization": f"Bearer {READ_TOKEN}"}).json()["paths"]
    documented = [(m.upper(), p) for p, methods in paths.items() for m in methods if m.upper() in WRITE_METHODS]
    writes = [(m, p) for p, methods in _routes(site).items() for m in sorted(methods) if m in WRITE_METHODS]
    assert ("POST", "/api/ingest") in documented
    assert set(documented) <= set(writes)
    assert ("POST", "/upload") in writes
    return writes


def _article() -> dict[str, object]:
    text = (EXAMPLES / "corpus" / "06_supply_chain_desk.txt").read_text(encoding="utf-8")
    return {"articles": [{"text": text, "title": "A write attempt"}]}


def test_every_write_endpoint_needs_the_write_token(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "parallax.db") as store,
        serve(store, Settings(token=TOKEN, read_token=READ_TOKEN)) as site,
    ):
        writes = _writes(site)
        refusals = [
            {},
            {"authorization": "Bearer wrong-token"},
            {"authorization": f"Bearer {READ_TOKEN}"},  # the read token never writes
            {"x-parallax-token": READ_TOKEN},
            {"authorization": f"Basic {TOKEN}"},
            {"authorization": "Bearer"},
            {"authorization": f"Bearer {TOKEN[:-1]}"},
            {"cookie": f"parallax_token={TOKEN}"},
        ]
        with site.client() as http:
            csrf = http.get("/upload", headers=AUTH).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            for method, path in writes:
                if path == "/login":
                    continue  # signing in writes nothing; it is the one form a visitor without a token may post
                for headers in refusals:
                    if path == "/upload":
                        answer = http.request(method, path, headers=headers, data={"csrf": csrf, "text": "x" * 400})
                    else:
                        answer = http.request(method, path, headers=headers, json=_article())
                    assert answer.status_code in (401, 403), (method, path, headers, answer.status_code)
            # the same paths with other methods, and every read path with a write method: never a 2xx
            for path in _routes(site):
                concrete = re.sub(r"\{[a-z_]+(:[a-z]+)?\}", "x", path)
                for method in WRITE_METHODS:
                    if (method, path) in writes:
                        continue
                    answer = http.request(method, concrete, headers=AUTH)
                    assert answer.status_code in (401, 404, 405), (method, path, answer.status_code)
        assert store.counts()["articles"] == 0
        # and the token opens it (so the refusals above were about the token)
        with site.client(headers=AUTH) as http:
            assert ingested(http, http.post("/api/ingest", json=_article()))["added"]
        assert store.counts()["articles"] == 1


def test_writes_disabled_without_a_configured_token(tmp_path: Path) -> None:
    with open_store(tmp_path / "parallax.db") as store, serve(store, Settings()) as site, site.client() as http:
        for method, path in _writes(site):
            if path == "/login":
                continue
            for headers in ({}, AUTH, {"authorization": "Bearer"}):
                answer = http.request(method, path, headers=headers, json=_article())
                assert answer.status_code in (401, 403), (method, path)
        assert store.counts()["articles"] == 0


def test_login_needs_its_form_token(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "parallax.db") as store,
        serve(store, Settings(token=TOKEN, read_token=READ_TOKEN)) as site,
        httpx.Client(base_url=site.url) as http,
    ):
        assert http.post("/login", data={"token": READ_TOKEN}).status_code == 403
        assert "parallax_token" not in http.cookies
