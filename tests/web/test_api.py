"""The JSON API through a real uvicorn server: reads over the seed store, writes into a fresh one, the error
shape, tokens, limits and the security headers."""

from __future__ import annotations

import html
import json
import re
import socket
import time
from pathlib import Path

import httpx
import pytest

from parallax import analyze
from parallax.report import SCHEMA
from parallax.report.html import render_html
from parallax.store import open_store
from parallax.web import Settings
from parallax.web.security import CSP
from tests.conftest import EXAMPLES
from tests.test_render import _parse
from tests.web.conftest import READ_TOKEN, TOKEN, Server, ingested, serve, wait_for_job

ERROR_KEYS = {"status", "code", "message", "hint"}
AUTH = {"authorization": f"Bearer {TOKEN}"}


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    """The one error shape, pinned: exactly these keys, a non-empty one-line message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "\n" not in body["error"]["message"]
    assert response.headers["content-security-policy"] == CSP


def test_story_list_holds_the_seed_stories(site: Server) -> None:
    with site.client() as http:
        body = http.get("/api/stories").json()
        assert body["total"] == 2
        assert {"items", "total", "limit", "offset", "next", "previous"} == set(body)
        largest = http.get("/api/stories", params={"sort": "largest"}).json()["items"]
    assert [s["articles"] for s in largest] == sorted((s["articles"] for s in largest), reverse=True)
    assert sum(s["articles"] for s in largest) == 5
    assert all(s["title"] for s in largest)


def test_story_filters_by_outlet_and_date(site: Server) -> None:
    with site.client() as http:
        stories = http.get("/api/stories").json()["items"]
        outlet = stories[0]["outlets"][0]
        only = http.get("/api/stories", params={"outlet": outlet}).json()
        none = http.get("/api/stories", params={"outlet": "No Such Outlet"}).json()
        future = http.get("/api/stories", params={"since": "2999-01-01"}).json()
    assert only["total"] >= 1
    assert all(outlet in s["outlets"] for s in only["items"])
    assert none["total"] == 0
    assert future["total"] == 0


def test_story_and_its_report(site: Server) -> None:
    with site.client() as http:
        story = http.get("/api/stories", params={"sort": "largest"}).json()["items"][0]
        detail = http.get(f"/api/stories/{story['id']}").json()
        report = http.get(f"/api/stories/{story['id']}/report").json()
    assert detail["id"] == story["id"]
    assert len(detail["members"]["items"]) == detail["members"]["total"] == story["articles"]
    assert report["schema"] == SCHEMA
    assert len(report["stories"]) == 1
    assert {a["id"] for a in report["articles"]} == {m["id"] for m in detail["members"]["items"]}
    assert report == site.store.story_report(story["id"])


def test_article_outlets_and_search(site: Server) -> None:
    with site.client() as http:
        story = http.get("/api/stories", params={"sort": "largest"}).json()["items"][0]
        articles = http.get("/api/articles", params={"story": story["id"]}).json()["items"]
        article = http.get(f"/api/articles/{articles[0]['id']}").json()
        outlets = http.get("/api/outlets").json()["items"]
        outlet = http.get(f"/api/outlets/{outlets[0]['name']}").json()
        # the longest word of the article's first sentence, as a reader would search for it
        first = article["article"]["sentences"][0]
        word = max(re.findall(r"[A-Za-z]+", article["article"]["text"][first["start"] : first["end"]]), key=len)
        hits = http.get("/api/search", params={"q": word}).json()
        empty = http.get("/api/search", params={"q": ""}).json()
    assert article["id"] == articles[0]["id"]
    assert article["article"]["text"]
    assert article["article"]["id"] == article["id"]
    assert outlets
    assert outlet["name"] == outlets[0]["name"]
    assert outlet["members"]["total"] == outlets[0]["articles"]
    assert hits["total"] >= 1
    assert any(h["article_id"] == article["id"] for h in hits["items"])
    assert any(h["matches"] for h in hits["items"])  # the matched words, stemmed, as the snippet marks them
    assert "\ue000" not in json.dumps(hits)
    assert empty["total"] == 0


def test_openapi_describes_every_endpoint(site: Server) -> None:
    with site.client() as http:
        spec = http.get("/api/openapi.json").json()
        docs = http.get("/docs")
    paths = set(spec["paths"])
    assert {"/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/report", "/api/articles",
            "/api/articles/{article_id}", "/api/outlets", "/api/outlets/{name}", "/api/search",
            "/api/ingest", "/api/jobs/{job_id}"} <= paths  # fmt: skip
    assert "requestBody" in spec["paths"]["/api/ingest"]["post"]
    assert "202" in spec["paths"]["/api/ingest"]["post"]["responses"]
    job = spec["components"]["schemas"]["JobOut"]["properties"]
    assert {"id", "state", "label", "counts", "error", "result"} <= set(job)
    assert docs.status_code == 404  # Swagger UI would load scripts from a CDN


def test_error_shape(site: Server) -> None:
    with site.client() as http:
        assert_error(http.get("/api/stories/nope"), 404, "not-found")
        assert_error(http.get("/api/articles/nope"), 404, "not-found")
        assert_error(http.get("/api/outlets/nope"), 404, "not-found")
        assert_error(http.get("/api/jobs/nope"), 404, "not-found")
        assert_error(http.get("/api/no-such-endpoint"), 404, "not-found")
        assert_error(http.get("/api/stories", params={"limit": 0}), 422, "invalid")
        assert_error(http.get("/api/stories", params={"sort": "oldest"}), 422, "invalid")
        assert_error(http.get("/api/stories", params={"since": "yesterday"}), 422, "invalid")
        for huge in (2**63, 2**64):  # once reached the database and answered 500
            assert_error(http.get("/api/stories", params={"offset": huge}), 422, "invalid")
            assert_error(http.get("/api/articles", params={"offset": huge}), 422, "invalid")
            assert_error(http.get("/api/search", params={"q": "Huawei", "offset": huge}), 422, "invalid")
        assert http.get("/api/stories", params={"offset": 10**12}).json()["items"] == []
        assert_error(http.post("/api/ingest", json={"articles": [{"text": "x"}]}), 401, "unauthorized")
        assert_error(http.post("/api/ingest", json={"articles": []}, headers={"authorization": "Bearer wrong"}),
                     401, "unauthorized")  # fmt: skip
        assert_error(http.post("/api/ingest", json={"articles": []}, headers=AUTH), 422, "invalid")
        assert_error(http.post("/api/ingest", content=b"x", headers={**AUTH, "content-type": "text/plain"}),
                     415, "unsupported-media-type")  # fmt: skip
        assert_error(http.delete("/api/stories"), 405, "method-not-allowed")


def test_pages_answer_errors_as_pages(site: Server) -> None:
    with site.client(headers={"accept": "text/html"}) as http:
        response = http.get("/stories/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no story &#39;nope&#39;" in response.text or "no story 'nope'" in response.text


def test_every_response_carries_the_policy(site: Server) -> None:
    with site.client() as http:
        story = http.get("/api/stories").json()["items"][0]["id"]
        for path in ["/", f"/stories/{story}", "/outlets", "/search?q=a", "/upload", "/login", "/static/app.css",
                     "/static/report.css", "/api/stories", "/api/openapi.json", "/nope"]:  # fmt: skip
            response = http.get(path)
            assert response.headers["content-security-policy"] == CSP, path
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
        standalone = http.get(f"/stories/{story}/report.html")
    # the standalone report keeps its own, equally strict policy (its stylesheet by hash, no script)
    policy = standalone.headers["content-security-policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', standalone.text)
    assert meta is not None
    assert html.unescape(meta.group(1)) == policy


def test_standalone_report_is_the_html_report(site: Server) -> None:
    story = site.store.list_stories().items[0].id
    report = site.store.load_report(story)
    assert report is not None
    with site.client() as http:
        page = http.get(f"/stories/{story}/report.html").text
    assert page == render_html(report)


def test_ingest_json_and_files(empty_site: Server) -> None:
    text_file = EXAMPLES / "corpus" / "04_dunmere_courier.txt"
    html_file = EXAMPLES / "corpus" / "01_brennick_herald.html"
    with empty_site.client(headers=AUTH) as http:
        queued = http.post("/api/ingest", json={"articles": [{"text": text_file.read_text(), "outlet": "Courier"}]})
        first = wait_for_job(http, queued)
        repeat = {"articles": [{"text": text_file.read_text(), "outlet": "Courier"}]}
        again = ingested(http, http.post("/api/ingest", json=repeat))
        parts = [
            ("files", (html_file.name, html_file.read_bytes(), "text/html")),
            ("files", ("notes.pdf", b"%PDF-1.4 binary", "application/pdf")),
        ]
        files_job = wait_for_job(http, http.post("/api/ingest", files=parts))
        stories = http.get("/api/stories").json()
    assert set(queued.json()) == {"job", "url", "state", "label"}
    assert queued.json()["url"] == f"/api/jobs/{queued.json()['job']}"
    assert queued.json()["label"] == "1 article uploaded"
    assert first["state"] == "done"
    assert first["counts"] == {"accepted": 1, "rejected": 0, "duplicate": 0}
    assert first["created"] <= first["started"] <= first["finished"]
    assert first["error"] is None
    assert set(first) == {"id", "state", "label", "created", "started", "finished", "counts", "error", "result"}
    assert len(first["result"]["added"]) == 1
    assert len(first["result"]["created"]) == 1
    assert again["added"] == []
    assert len(again["unchanged"]) == 1
    assert files_job["label"] == "2 files uploaded"
    assert files_job["counts"] == {"accepted": 1, "rejected": 1, "duplicate": 0}
    body = files_job["result"]
    assert body["added"] == [html_file.stem]  # the id ingest gives the file, as if it were ingested from disk
    assert [r["document"] for r in body["rejections"]] == ["notes.pdf"]
    assert body["rejections"][0]["reason"]
    assert stories["total"] >= 1


def test_upload_form_answers_with_a_job_page(empty_site: Server) -> None:
    """The form's post is answered at once (202) with the job's page, which reloads itself (no script) until the
    worker is done, then says what was added and links the stories and articles by their titles."""
    html_file = EXAMPLES / "corpus" / "01_brennick_herald.html"
    with empty_site.client() as http:
        csrf = re.search(r'name="csrf" value="([^"]+)"', http.get("/upload").text).group(1)  # type: ignore[union-attr]
        files = {"files": (html_file.name, html_file.read_bytes(), "text/html")}
        answer = http.post("/upload", data={"csrf": csrf, "token": TOKEN, "text": ""}, files=files)
        assert answer.status_code == 202, answer.text
        assert "<h1>1 file uploaded</h1>" in answer.text
        refresh = re.search(r'<meta http-equiv="refresh" content="2; url=(/jobs/[0-9a-f]+)">', answer.text)
        assert refresh is not None, answer.text
        assert "<script" not in answer.text
        deadline = time.monotonic() + 300
        while 'data-state="done"' not in (page := http.get(refresh.group(1))).text:
            assert 'data-state="failed"' not in page.text, page.text
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert http.get("/jobs/nope").status_code == 404
    assert 'http-equiv="refresh"' not in page.text  # done: it stops reloading
    assert "1 added · 0 already stored · 0 rejected" in page.text
    story = empty_site.store.list_stories().items[0]
    assert f'<a href="/stories/{story.id}">{html.escape(story.title, quote=False)}</a>' in page.text
    assert '<a href="/articles/01_brennick_herald">' in page.text


def test_no_server_path_reaches_readers(site: Server, empty_site: Server, tmp_path: Path) -> None:
    """An article's source, on its page, in the API and in the CSV export, is the uploaded file's name (or a file's
    base name): never the server's folders, nor where an upload was staged (issue 15)."""
    from parallax.store.export import export

    html_file = EXAMPLES / "corpus" / "02_daily_lantern.html"
    with empty_site.client(headers=AUTH) as http:
        parts = [("files", ("Lantern story.html", html_file.read_bytes(), "text/html"))]
        (added,) = ingested(http, http.post("/api/ingest", files=parts))["added"]
        uploaded = http.get(f"/api/articles/{added}").json()
        bodies = [json.dumps(uploaded), http.get(f"/articles/{added}").text, http.get("/api/articles").text]
        bodies.append(http.get(f"/api/stories/{uploaded['story_id']}/report").text)
    seed = site.store.list_articles().items[0]
    with site.client() as http:
        bodies += [http.get(f"/articles/{seed.id}").text, http.get("/api/articles").text]
        bodies.append(http.get(f"/api/articles/{seed.id}").text)
    for store in (site.store, empty_site.store):
        for written in export(store, tmp_path / store.url.replace("/", "_")):
            bodies.append(written.read_text(encoding="utf-8"))
    assert uploaded["source"] == "Lantern story.html"
    assert uploaded["article"]["source"] == "Lantern story.html"
    assert seed.source == f"{seed.id}.txt"
    assert "Stored from <code>Lantern story.html</code>" in bodies[1]
    folders = {str(empty_site.store.path.parent), str(site.store.path.parent), "parallax-upload", "/tmp/", "/corpus/"}  # type: ignore[union-attr]
    for body in bodies:
        assert not [f for f in folders if f in body]


def test_writes_disabled_without_a_token(tmp_path: Path) -> None:
    store = open_store(tmp_path / "p.db")
    with serve(store, Settings()) as server, server.client() as http:
        assert_error(http.post("/api/ingest", json={"articles": [{"text": "x"}]}, headers=AUTH), 403, "forbidden")
    store.close()


def test_upload_size_limit(tmp_path: Path) -> None:
    store = open_store(tmp_path / "p.db")
    with serve(store, Settings(token=TOKEN, max_upload_bytes=1000)) as server, server.client(headers=AUTH) as http:
        big = http.post("/api/ingest", json={"articles": [{"text": "word " * 1000}]})
        assert_error(big, 413, "too-large")

        def chunks():  # no Content-Length: the limit must hold while the body streams in
            for _ in range(10):
                yield b"x" * 500

        streamed = http.post("/api/ingest", content=chunks(), headers={"content-type": "application/json"})
        assert_error(streamed, 413, "too-large")
    assert store.counts()["articles"] == 0
    store.close()


def test_read_token(seed_store) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server, server.client() as http:
        assert_error(http.get("/api/stories"), 401, "unauthorized")
        page = http.get("/", headers={"accept": "text/html"})  # a page leads to the sign-in page; the API answers 401
        assert (page.status_code, page.headers["location"]) == (303, "/login?next=%2F")
        assert http.get("/api/stories", headers={"authorization": f"Bearer {READ_TOKEN}"}).status_code == 200
        assert http.get("/api/stories", headers={"x-parallax-token": TOKEN}).status_code == 200
        assert http.get("/api/stories", headers={"authorization": "Bearer nope"}).status_code == 401
        assert http.get("/static/app.css").status_code == 200  # the sign-in page needs its stylesheet
        assert http.get("/login").status_code == 200
        # the API's description and the report's stylesheet are reads like any other (issue 15)
        assert_error(http.get("/api/openapi.json"), 401, "unauthorized")
        assert http.get("/static/report.css").status_code == 401
        reader = {"authorization": f"Bearer {READ_TOKEN}"}
        assert http.get("/api/openapi.json", headers=reader).json()["info"]["title"] == "Parallax"
        assert http.get("/static/report.css", headers=reader).status_code == 200


def test_upload_form_needs_csrf_and_same_origin(empty_site: Server) -> None:
    with empty_site.client() as http:
        form = http.get("/upload").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        data = {"token": TOKEN, "text": "Some text.", "csrf": "1.forged"}
        assert_error(http.post("/upload", data=data), 403, "forbidden")
        data["csrf"] = csrf
        cross = http.post("/upload", data=data, headers={"origin": "https://evil.example"})
        assert_error(cross, 403, "forbidden")
        wrong = http.post("/upload", data={**data, "token": "wrong"})
        assert_error(wrong, 401, "unauthorized")
    assert empty_site.store.counts()["articles"] == 0


def test_settings_from_env() -> None:
    settings = Settings.from_env({"PARALLAX_TOKEN": "a", "PARALLAX_READ_TOKEN": "b", "PARALLAX_MAX_UPLOAD": "99"})
    assert (settings.token, settings.read_token, settings.max_upload_bytes) == ("a", "b", 99)
    assert Settings.from_env({}).writable is False
    assert Settings.from_env({}).public is True
    with pytest.raises(Exception, match="PARALLAX_MAX_UPLOAD"):
        Settings.from_env({"PARALLAX_MAX_UPLOAD": "lots"})


def _report_main(page: str) -> str:
    """The report's stories (its ``<main>``), with ids and in-page links left out: a stored story keeps the store's
    stable id, from which its fact ids derive, where a batch analysis makes its own; and without the charts the
    app's story page adds to the report."""
    start, end = page.index('<main class="wrap">'), page.index("</main>")
    main = re.sub(r'<section class="charts".*?</section>\n', "", page[start:end], flags=re.S)  # the app's charts
    main = re.sub(r'<figure class="chart timeline-chart">.*?</figure>\n', "", main, flags=re.S)
    return re.sub(r'(id|href|aria-labelledby)="[^"]*"', "", main)


def test_story_page_shows_what_analyze_reports(site: Server, shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The acceptance check: the story page shows the same report as `parallax analyze --format html` run on the
    story's articles (in their folder: a stored source is the file's name, without its folders)."""
    monkeypatch.chdir(shared / "corpus" / "seeds")
    with site.client() as http:
        for story in site.store.list_stories().items:
            sources = [a.source for a in site.store.list_articles(story_id=story.id).items]
            page = http.get(f"/stories/{story.id}").text
            assert _report_main(page) == _report_main(render_html(analyze(sources)))


def test_entity_filter(site: Server) -> None:
    story = site.store.list_stories(sort="largest").items[0]
    report = site.store.story_report(story.id)
    assert report is not None
    names = [e["name"] for a in report["articles"] for e in a["entities"] if e["label"] in ("PERSON", "ORG", "GPE")]
    assert names
    with site.client() as http:
        found = http.get("/api/stories", params={"entity": names[0]}).json()
        page = http.get("/", params={"entity": names[0]})
        none = http.get("/api/stories", params={"entity": "Nobody Anywhere Ever"}).json()
    assert story.id in [s["id"] for s in found["items"]]
    assert f'href="/stories/{story.id}"' in page.text
    assert none["total"] == 0


def test_story_list_pages(seed_store) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(page_size=1)) as server, server.client() as http:
        first = http.get("/").text
        second = http.get("/", params={"page": 2}).text
        beyond = http.get("/", params={"page": 3}).text
    ids = [s.id for s in seed_store.list_stories().items]
    assert f'href="/stories/{ids[0]}"' in first
    assert f'href="/stories/{ids[1]}"' not in first
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert f'href="/stories/{ids[1]}"' in second
    assert 'rel="prev"' in second
    assert "storycard" not in beyond


PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>')


def test_hostile_metadata_is_escaped_everywhere(empty_site: Server) -> None:
    text = (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text(encoding="utf-8")
    article = {"text": text, "title": f"Title {PAYLOADS[0]}", "outlet": f"Outlet {PAYLOADS[1]}",
               "byline": PAYLOADS[0], "url": "javascript:alert(3)"}  # fmt: skip
    with empty_site.client(headers=AUTH) as http:
        added = ingested(http, http.post("/api/ingest", json={"articles": [article]}))["added"]
        assert len(added) == 1
        story = http.get("/api/stories").json()["items"][0]
        outlet = http.get("/api/outlets").json()["items"][0]["name"]
        paths = ["/", f"/stories/{story['id']}", f"/stories/{story['id']}/report.html", f"/articles/{added[0]}",
                 "/outlets", f"/outlets/{outlet}", "/search?q=" + text.split()[0]]  # fmt: skip
        for path in paths:
            page = http.get(path)
            assert page.status_code == 200, path
            for payload in PAYLOADS:
                assert payload not in page.text, path
            assert "<script" not in page.text.lower(), path
            assert 'href="javascript:' not in page.text, path


def test_sign_in_cookie_holds_no_token(seed_store) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server, server.client() as http:
        csrf = re.search(r'name="csrf" value="([^"]+)"', http.get("/login").text).group(1)  # type: ignore[union-attr]
        bad = http.post("/login", data={"csrf": csrf, "token": "wrong"})
        assert bad.status_code == 401
        assert "parallax_token" not in http.cookies
        good = http.post("/login", data={"csrf": csrf, "token": READ_TOKEN})
        assert good.status_code == 303
        cookie = http.cookies["parallax_token"]
        assert READ_TOKEN not in cookie
        assert http.get("/api/stories").status_code == 200
        http.cookies.clear()
        http.cookies.set("parallax_token", READ_TOKEN)  # the raw token as a cookie is not a sign-in
        assert http.get("/api/stories").status_code == 401


def test_pages_nest_and_their_links_land(site: Server) -> None:
    """Every page is well nested, its ids are unique, and every in-page link (#...) has its target on the page."""
    story = site.store.list_stories(sort="largest").items[0].id
    article = site.store.list_articles(story_id=story).items[0].id
    outlet = site.store.list_outlets()[0].name
    with site.client() as http:
        for path in ["/", f"/stories/{story}", f"/articles/{article}", "/outlets", f"/outlets/{outlet}",
                     "/search?q=a", "/upload", "/login"]:  # fmt: skip
            parsed = _parse(http.get(path).text)
            assert len(parsed.ids) == len(set(parsed.ids)), path
            missing = {h for h in parsed.hrefs if h.startswith("#") and h[1:] not in parsed.ids}
            assert missing == set(), path


def test_ingest_rejects_articles_too_long_to_analyse(empty_site: Server) -> None:
    """Posted articles go through extraction and its bounds: over extract.MAX_ARTICLE_CHARS after cleaning, over
    MAX_RAW_CHARS before it; each a ``too-large`` rejection naming the article, and the others are stored."""
    from parallax.extract.article import MAX_ARTICLE_CHARS, MAX_RAW_CHARS
    from tests.test_hostile import PARAGRAPHS

    count = MAX_ARTICLE_CHARS // 150  # numbered paragraphs of ~190 characters, so that the cleaner keeps every one
    long_text = "\n\n".join(f"{n}. {PARAGRAPHS[n % len(PARAGRAPHS)]}" for n in range(count))
    assert len(long_text) > MAX_ARTICLE_CHARS * 1.2
    raw_text = "word " * (MAX_RAW_CHARS // 5 + 1)
    text_file = EXAMPLES / "corpus" / "04_dunmere_courier.txt"
    articles = [{"text": long_text}, {"text": text_file.read_text(), "outlet": "Courier"}, {"text": raw_text}]
    with empty_site.client(headers=AUTH) as http:
        body = ingested(http, http.post("/api/ingest", json={"articles": articles}))
    assert len(body["added"]) == 1
    rejected = [(r["document"], r["reason"]) for r in body["rejections"]]
    assert rejected == [("pasted article 1", "too-large"), ("pasted article 3", "too-large")]
    assert f"over the limit of {MAX_ARTICLE_CHARS:,}" in body["rejections"][0]["message"]
    assert empty_site.store.counts()["articles"] == 1


def test_failed_sign_ins_are_throttled(seed_store) -> None:  # type: ignore[no-untyped-def]
    """Five wrong tokens a minute from one address, then 429 with Retry-After, even for the right token (issue 15)."""
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server, server.client() as http:
        csrf = re.search(r'name="csrf" value="([^"]+)"', http.get("/login").text).group(1)  # type: ignore[union-attr]
        for _ in range(5):
            assert http.post("/login", data={"csrf": csrf, "token": "wrong"}).status_code == 401
        blocked = http.post("/login", data={"csrf": csrf, "token": READ_TOKEN})
        assert_error(blocked, 429, "too-many-requests")
        assert 1 <= int(blocked.headers["retry-after"]) <= 60
        assert "parallax_token" not in http.cookies


def test_throttle_forgets_old_failures_and_clients() -> None:
    from parallax.web.security import Throttle

    throttle = Throttle(limit=2, window=10, clients=2)
    throttle.failed("a", now=0)
    throttle.failed("a", now=1)
    assert throttle.wait("a", now=2) == 9
    assert throttle.wait("a", now=10.5) == 0  # the first failure is out of the window
    throttle.failed("b", now=3)
    throttle.failed("c", now=4)  # a third client: the least recent ("a") is forgotten
    assert throttle.wait("a", now=5) == 0
    for n in range(100):  # clients that only ask are not remembered
        throttle.wait(f"reader-{n}", now=6)
    assert len(throttle._failures) == 2


def test_a_trickled_body_is_cut_off(tmp_path: Path) -> None:
    """A client that sends its body slower than the app allows gets 408 and the connection back (issue 15); the
    server answers others meanwhile."""
    import time
    from urllib.parse import urlsplit

    with open_store(tmp_path / "x.db") as store, serve(store, Settings(token=TOKEN, body_seconds=1.0)) as server:
        parts = urlsplit(server.url)
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Authorization: Bearer " + TOKEN.encode() + b'\r\nContent-Length: 1000\r\n\r\n{"arti'
            )
            started = time.monotonic()
            with server.client() as http:
                assert http.get("/api/stories").status_code == 200  # others are served meanwhile
            answer = _whole_response(sock)
            waited = time.monotonic() - started
        assert answer.startswith("HTTP/1.1 408"), answer[:200]
        assert '"request-timeout"' in answer
        assert waited < 8


def _whole_response(sock: socket.socket) -> str:
    """Headers and body of one HTTP/1.1 response read from ``sock`` (they may come in several segments)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
    while length and len(body) < int(length.group(1)):
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return (head + b"\r\n\r\n" + body).decode("latin-1")
