"""HTTP behaviour through a real uvicorn server: /healthz, HEAD and Allow, gzip, ETag and Cache-Control, the access
log, and the client's address and scheme behind a trusted proxy (issue 17, issue 18)."""

from __future__ import annotations

import gzip
import logging
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from parallax.store import Store, open_store
from parallax.version import __version__
from parallax.web import Settings
from parallax.web.caching import etag_of, matches
from parallax.web.middleware import ACCESS_LOGGER, loggable_target
from parallax.web.security import CSP
from tests.store import conftest as store_fixtures
from tests.web.conftest import READ_TOKEN, TOKEN, Server, _uvicorn, wait_for_job

postgres_server = store_fixtures.postgres_server  # the store suite's throwaway PostgreSQL server, a fixture here too
READER = {"authorization": f"Bearer {READ_TOKEN}"}


def _paths(site: Server) -> list[str]:
    """One path for every GET route of the app: pages, the API, static files, the health check."""
    store = site.store
    story = store.list_stories(sort="largest").items[0].id
    article = store.list_articles(story_id=story).items[0].id
    outlet = store.list_outlets()[0].name
    with site.client(headers={"authorization": f"Bearer {TOKEN}"}) as http:  # a job (a document it rejects)
        job = wait_for_job(http, http.post("/api/ingest", json={"articles": [{"text": "x"}]}))
    return [
        "/", f"/stories/{story}", f"/stories/{story}/report.html", f"/articles/{article}", "/outlets",
        f"/outlets/{outlet}", "/search?q=harbour", "/upload", f"/jobs/{job['id']}", "/login",
        "/api/stories", f"/api/stories/{story}", f"/api/stories/{story}/report", "/api/articles",
        f"/api/articles/{article}", "/api/outlets", f"/api/outlets/{outlet}", "/api/search?q=harbour",
        f"/api/jobs/{job['id']}", "/api/openapi.json", "/static/app.css", "/static/report.css", "/healthz",
    ]  # fmt: skip


# --- /healthz ------------------------------------------------------------------------------------------------------


def test_healthz_answers_without_a_token_and_counts_jobs(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "parallax.db") as store,
        _uvicorn(store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server,
        server.client() as http,
    ):
        assert http.get("/api/stories").status_code == 401  # reads need the token...
        health = http.get("/healthz")  # ...the health check does not
        assert health.status_code == 200
        assert health.json() == {
            "status": "ok", "version": __version__, "store": "ok", "jobs": {"queued": 0, "running": 0}
        }  # fmt: skip
        assert health.headers["cache-control"] == "no-store"
        assert health.headers["content-security-policy"] == CSP
        # a queued upload (no worker runs here) and a claimed one show in the counts
        article = {"articles": [{"text": "The harbour reopened on Monday, the port authority said."}]}
        for _ in range(2):
            queued = http.post("/api/ingest", json=article, headers={"authorization": f"Bearer {TOKEN}"})
            assert queued.status_code == 202, queued.text
        assert store.claim_job("test-host:1") is not None
        assert http.get("/healthz").json()["jobs"] == {"queued": 1, "running": 1}
        assert http.head("/healthz").status_code == 200


def test_healthz_is_503_when_the_store_is_gone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(tmp_path / "parallax.db")
    with _uvicorn(store, Settings()) as server, server.client() as http:
        assert http.get("/healthz").status_code == 200
        store.close()  # the store's connection is gone: every query fails
        with caplog.at_level(logging.WARNING, logger="parallax.web.health"):
            down = http.get("/healthz")
        assert down.status_code == 503
        assert down.json() == {"status": "unavailable", "version": __version__, "store": "unreachable", "jobs": None}
        assert down.headers["retry-after"] == "10"
        assert down.headers["cache-control"] == "no-store"
    assert any("health check: the store did not answer" in r.getMessage() for r in caplog.records)


def test_healthz_over_postgres_notices_a_lost_connection(request: pytest.FixtureRequest) -> None:
    """Over PostgreSQL: 200 while the server answers; 503 once the store's connection is cut (the server
    terminated it, as on a restart or a failover)."""
    import psycopg

    server_url = request.getfixturevalue("postgres_server")
    url = store_fixtures.new_database(server_url)
    with open_store(url) as store, _uvicorn(store, Settings()) as server, server.client() as http:
        assert http.get("/healthz").json()["store"] == "ok"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        down = http.get("/healthz")
        assert down.status_code == 503, down.text
        assert down.json()["store"] == "unreachable"
        assert "postgresql" not in down.text.lower()  # the reason is logged, never shown


# --- HEAD and Allow ------------------------------------------------------------------------------------------------


def test_head_answers_on_every_get_route(site: Server) -> None:
    """HEAD gives GET's status and headers (length, type, ETag) and no body, on every GET route; the API's
    description lists no GET path this test misses."""
    paths = _paths(site)
    with site.client() as http:
        described = http.get("/api/openapi.json").json()["paths"]
        for path, operations in described.items():
            if "get" in operations:
                pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", path))
                assert any(re.fullmatch(pattern, p.split("?")[0]) for p in paths), f"no HEAD test for {path}"
        for path in paths:
            got, head = http.get(path), http.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.content == b"", path
            for name in ("content-type", "content-length", "etag", "cache-control", "content-security-policy"):
                assert head.headers.get(name) == got.headers.get(name), (path, name)


def test_head_on_a_path_without_get_and_allow_on_405(site: Server) -> None:
    with site.client() as http:
        for method, path, allowed in [
            ("DELETE", "/api/stories", "GET, HEAD"),
            ("PUT", "/login", "GET, HEAD, POST"),
            ("PATCH", "/upload", "GET, HEAD, POST"),
            ("GET", "/api/ingest", "POST"),
            ("HEAD", "/api/ingest", "POST"),
            ("POST", "/healthz", "GET, HEAD"),
            ("POST", "/static/app.css", "GET, HEAD"),
        ]:
            answer = http.request(method, path)
            assert answer.status_code == 405, (method, path)
            assert answer.headers["allow"] == allowed, (method, path)
            assert answer.headers["content-security-policy"] == CSP
            if method != "HEAD":
                error = answer.json()["error"]
                assert error["code"] == "method-not-allowed"
                assert error["message"] == f"{method} is not allowed at {path}"


# --- gzip ----------------------------------------------------------------------------------------------------------


def test_gzip_for_large_answers_when_accepted(site: Server) -> None:
    story = site.store.list_stories(sort="largest").items[0].id
    with site.client() as http:
        for path in [f"/stories/{story}", f"/api/stories/{story}/report", "/static/report.css"]:
            plain = http.get(path, headers={"accept-encoding": "identity"})
            packed = http.get(path, headers={"accept-encoding": "gzip"})
            assert "content-encoding" not in plain.headers, path
            assert packed.headers["content-encoding"] == "gzip", path
            assert "accept-encoding" in packed.headers["vary"].lower()
            assert packed.headers["content-security-policy"] == CSP  # the policy survives compression
            assert int(packed.headers["content-length"]) < len(plain.content) / 2, path
            assert packed.content == plain.content  # httpx decodes it: the same bytes
            assert packed.headers.get("etag") == plain.headers.get("etag")  # weak: one tag for both encodings
        # a file streamed in parts (the app's stylesheet, a FileResponse) is compressed as it streams
        streamed = http.get("/static/app.css", headers={"accept-encoding": "gzip"})
        assert streamed.headers["content-encoding"] == "gzip"
        assert streamed.headers["content-security-policy"] == CSP
        assert streamed.content == (Path(__file__).parents[2] / "src/parallax/web/static/app.css").read_bytes()
        small = http.get("/healthz", headers={"accept-encoding": "gzip"})
        assert "content-encoding" not in small.headers  # under 1 KB: not worth it
        with httpx.stream("GET", f"{site.url}/stories/{story}", headers={"accept-encoding": "gzip"}) as raw:
            body = b"".join(raw.iter_raw())
        assert gzip.decompress(body).decode("utf-8").startswith("<!DOCTYPE html>")


# --- ETag and Cache-Control ----------------------------------------------------------------------------------------


def test_api_reads_carry_an_etag_and_answer_304(site: Server) -> None:
    with site.client() as http:
        first = http.get("/api/stories")
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        assert etag == etag_of(first.content)
        assert first.headers["cache-control"] == "public, no-cache"
        again = http.get("/api/stories", headers={"if-none-match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, no-cache"
        assert http.head("/api/stories", headers={"if-none-match": f'"other", {etag}'}).status_code == 304
        assert http.get("/api/stories", headers={"if-none-match": '"other"'}).status_code == 200
        assert http.get("/api/stories?limit=1", headers={"if-none-match": etag}).status_code == 200
        missing = http.get("/api/stories/none", headers={"if-none-match": "*"})
        assert missing.status_code == 404  # errors carry no tag
        assert "etag" not in missing.headers


def test_the_etag_changes_with_the_answer(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "parallax.db") as store,
        _uvicorn(store, Settings(token=TOKEN)) as server,
        server.client() as http,
    ):
        job = store.add_job("00000000000000aa", "1 file uploaded", "unused-folder", [])
        queued = http.get(f"/api/jobs/{job.id}")
        assert queued.json()["state"] == "queued"
        assert http.get(f"/api/jobs/{job.id}", headers={"if-none-match": queued.headers["etag"]}).status_code == 304
        assert store.claim_job("test-host:1") is not None
        running = http.get(f"/api/jobs/{job.id}", headers={"if-none-match": queued.headers["etag"]})
        assert running.status_code == 200
        assert running.json()["state"] == "running"
        assert running.headers["etag"] != queued.headers["etag"]


def test_read_protected_answers_are_private(seed_store: Store) -> None:
    """With a read token no shared cache may keep any answer: API reads, pages and refusals are all private."""
    story = seed_store.list_stories().items[0].id
    with _uvicorn(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server, server.client() as http:
        read = http.get("/api/stories", headers=READER)
        assert read.headers["cache-control"] == "private, no-cache"
        assert read.headers["etag"]
        assert http.get("/api/stories", headers={**READER, "if-none-match": read.headers["etag"]}).status_code == 304
        page = http.get(f"/stories/{story}", headers=READER)
        assert page.headers["cache-control"] == "private, no-cache"
        stylesheet = http.get("/static/report.css", headers=READER)
        assert stylesheet.headers["cache-control"] == "private, max-age=3600"  # the app said public: not here
        refused = http.get("/api/stories")
        assert refused.status_code == 401
        assert refused.headers["cache-control"] == "private, no-cache"
        assert "etag" not in refused.headers


def test_if_none_match_parsing() -> None:
    tag = etag_of(b"{}")
    assert matches(tag, tag)
    assert matches(tag.removeprefix("W/"), tag)  # weak comparison
    assert matches(f'"a", {tag} , "b"', tag)
    assert matches("*", tag)
    assert not matches('"a", W/"b"', tag)


# --- the access log ------------------------------------------------------------------------------------------------


def _access_records(caplog: pytest.LogCaptureFixture, count: int = 0) -> list[logging.LogRecord]:
    """The access log's records; waits (5 s at most) for ``count`` of them: a line is written once the answer has
    gone out, so the client may have it a moment before."""
    deadline = time.monotonic() + 5
    while True:
        records = [r for r in caplog.records if r.name == ACCESS_LOGGER]
        if len(records) >= count or time.monotonic() > deadline:
            return records
        time.sleep(0.01)


def test_access_log_line_per_request_without_secrets(site: Server, caplog: pytest.LogCaptureFixture) -> None:
    secret = "SeCrEt-0123456789"
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER), site.client() as http:
        http.get("/api/stories", params={"limit": 2, "token": secret, "api_key": secret},
                 headers={"authorization": f"Bearer {secret}", "cookie": f"parallax_token={secret}"})  # fmt: skip
        http.head("/healthz")
        http.get("/no/such/page")
        http.post("/api/ingest", json={"articles": [{"text": "x"}]}, headers={"authorization": f"Bearer {secret}"})
        records = _access_records(caplog, 4)
    lines = [r.getMessage() for r in records]
    assert len(records) == 4, lines
    assert all(secret not in line for line in lines)
    first: Any = records[0]
    assert (first.client, first.method, first.status) == ("127.0.0.1", "GET", 200)
    assert first.path == "/api/stories?limit=2&token=***&api_key=***"
    assert first.bytes > 0
    assert first.ms >= 0
    assert re.fullmatch(r'127\.0\.0\.1 "GET /api/stories\?limit=2&token=\*\*\*&api_key=\*\*\* HTTP/1\.1" 200 \d+ B '
                        r"\d+\.\d ms", lines[0])  # fmt: skip
    statuses = [(r.method, r.path, r.status, r.bytes) for r in records[1:]]  # type: ignore[attr-defined]
    assert statuses[0] == ("HEAD", "/healthz", 200, 0)
    assert statuses[1][:3] == ("GET", "/no/such/page", 404)
    assert statuses[2][:3] == ("POST", "/api/ingest", 401)


def test_access_log_cannot_be_forged_through_the_path() -> None:
    """A request target is logged as sent (percent-encoded): no line break, no space can fake another entry."""
    scope = {"raw_path": b"/a%0Ab c", "path": "/a\nb c", "query_string": b"q=x%0A&password=p&x"}
    assert loggable_target(scope) == r"/a%0Ab\x20c?q=x%0A&password=***&x"
    assert loggable_target({"path": "/é\n", "query_string": b""}) == r"/\xc3\xa9\x0a"
    assert loggable_target({"raw_path": b"/" + b"a" * 600, "query_string": b""}).endswith("...(cut)")


# --- behind a reverse proxy ----------------------------------------------------------------------------------------


def _sign_in(http: httpx.Client, headers: dict[str, str], token: str = READ_TOKEN) -> httpx.Response:
    form = http.get("/login", headers=headers).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    return http.post("/login", data={"csrf": csrf, "token": token}, headers=headers)


def test_a_trusted_proxy_gives_the_client_and_the_scheme(seed_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Behind a trusted proxy (the proxy is 127.0.0.1 here): the access log and the sign-in throttle see the client
    the proxy names, the sign-in cookie is Secure when the proxy says the client came over https, and a form post
    whose Origin is the public https site is same-origin (the proxy passes the Host on)."""
    settings = Settings(token=TOKEN, read_token=READ_TOKEN)
    proxied = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "host": "news.example"}
    options = {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
    with _uvicorn(seed_store, settings, **options) as server, server.client() as http:
        with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
            signed = _sign_in(http, {**proxied, "origin": "https://news.example"})
            clients = {r.client for r in _access_records(caplog, 2)}  # type: ignore[attr-defined]
        assert clients == {"203.0.113.9"}
        assert signed.status_code == 303
        assert "secure" in signed.headers["set-cookie"].lower()
        assert "secure" not in _sign_in(http, {}).headers["set-cookie"].lower()  # plain http: not Secure
        # five failures from one forwarded client block that client, not every client of the proxy
        for _ in range(5):
            assert _sign_in(http, {**proxied, "x-forwarded-for": "198.51.100.1"}, "wrong").status_code == 401
        assert _sign_in(http, {**proxied, "x-forwarded-for": "198.51.100.1"}).status_code == 429
        assert _sign_in(http, {**proxied, "x-forwarded-for": "198.51.100.2"}).status_code == 303
        cross = _sign_in(http, {**proxied, "origin": "https://evil.example"})
        assert cross.status_code == 403


def test_an_untrusted_sender_cannot_claim_https_or_another_address(
    seed_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(token=TOKEN, read_token=READ_TOKEN)
    forged = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}
    options = {"proxy_headers": True, "forwarded_allow_ips": "192.0.2.1"}  # not us
    with _uvicorn(seed_store, settings, **options) as server, server.client() as http:
        with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
            signed = _sign_in(http, forged)
            clients = {r.client for r in _access_records(caplog, 2)}  # type: ignore[attr-defined]
        assert clients == {"127.0.0.1"}
        assert signed.status_code == 303
        assert "secure" not in signed.headers["set-cookie"].lower()
