"""The API keeps its word (issue 17): every answer as its OpenAPI document says, typed models for every endpoint,
the real error shape documented, 404s and the token schemes documented, no HTML pages in the document, one page
shape with next/previous links, dates that exist, timestamps with their offsets, caller-given article ids.

Every answer these tests (and the other web tests) read through ``Server.client`` is also validated against the
document after each test (tests/web/conftest.py, tests/web/openapi_check.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import httpx

from parallax.store import open_store
from parallax.web import Settings
from tests.conftest import EXAMPLES
from tests.web.conftest import READ_TOKEN, TOKEN, Server, ingested, serve, wait_for_job
from tests.web.openapi_check import check
from tests.web.test_api import assert_error

AUTH = {"authorization": f"Bearer {TOKEN}"}
READS = ("/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/report", "/api/articles",
         "/api/articles/{article_id}", "/api/outlets", "/api/outlets/{name}", "/api/search",
         "/api/jobs/{job_id}")  # fmt: skip
ITEM_READS = ("/api/stories/{story_id}", "/api/stories/{story_id}/report", "/api/articles/{article_id}",
              "/api/outlets/{name}", "/api/jobs/{job_id}")  # fmt: skip
UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$")


def _spec(http: httpx.Client, **headers: str) -> dict[str, Any]:
    answer = http.get("/api/openapi.json", headers=headers)
    assert answer.status_code == 200, answer.text
    spec: dict[str, Any] = answer.json()
    return spec


def _walk(http: httpx.Client, url: str, under: str | None = None) -> list[dict[str, Any]]:
    """Every page of a list (the answer's, or its field ``under``'s), following ``next`` from ``url``; each page's
    ``previous`` leads back."""

    def get(url: str) -> dict[str, Any]:
        body: dict[str, Any] = http.get(url).json()
        return body[under] if under else body

    pages: list[dict[str, Any]] = []
    while url:
        page = get(url)
        if pages:
            assert page["previous"] is not None
            assert get(page["previous"])["items"] == pages[-1]["items"]
        pages.append(page)
        url = page["next"]
        assert len(pages) < 100
    return pages


def test_every_endpoint_has_typed_answers_and_documented_errors(site: Server) -> None:
    with site.client() as http:
        spec = _spec(http)
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert set(schemas["ErrorOut"]["properties"]) == {"error"}
    assert set(schemas["ErrorDetail"]["required"]) == {"status", "code", "message", "hint"}
    for path in READS:
        operation = spec["paths"][path]["get"]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(ok) == {"$ref"}, (path, ok)  # a named model, not an untyped object
        model = schemas[ok["$ref"].rsplit("/", 1)[1]]
        assert model.get("properties"), path
        for status, answer in operation["responses"].items():
            if status != "200":
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
        assert "422" in operation["responses"], path
        assert ("404" in operation["responses"]) == (path in ITEM_READS), path
        assert "401" not in operation["responses"], path  # reads are public on this site
        assert operation["security"] == [], path
    ingest = spec["paths"]["/api/ingest"]["post"]
    assert ingest["security"] == [{"writeToken": []}]
    assert {"202", "400", "401", "403", "409", "413", "415", "422"} <= set(ingest["responses"])
    assert ingest["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IngestIn"}
    assert "id" in schemas["ArticleIn"]["properties"]
    assert {"readToken", "writeToken"} == set(spec["components"]["securitySchemes"])
    assert all(s == {"type": "http", "scheme": "bearer", "description": s["description"]}
               for s in spec["components"]["securitySchemes"].values())  # fmt: skip
    # the HTML pages are not part of the API; /healthz is, open to all
    assert {p for p in spec["paths"] if not p.startswith("/api/")} == {"/healthz"}
    assert "security" not in spec["paths"]["/healthz"]["get"]
    # every list is one page shape
    for name in ("StoryPage", "ArticlePage", "OutletPage", "SearchPage"):
        assert set(schemas[name]["required"]) == {"items", "total", "limit", "offset", "next", "previous"}
    for detail in ("StoryDetail", "OutletDetail"):
        assert schemas[detail]["properties"]["members"]["$ref"] == "#/components/schemas/ArticlePage"
    # times, field by field
    story = schemas["StoryOut"]["properties"]
    assert story["created"]["format"] == story["updated"]["format"] == "date-time"
    assert {"type": "string", "format": "date"} in story["first_published"]["anyOf"]
    article = schemas["ArticleOut"]["properties"]
    assert article["added"]["format"] == "date-time"
    assert {"type": "string", "format": "date"} in article["published_day"]["anyOf"]
    assert any("pattern" in part for part in article["published"]["anyOf"])
    assert schemas["JobOut"]["properties"]["created"]["format"] == "date-time"


def test_a_read_protected_site_documents_the_read_token(seed_store) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server, server.client() as http:
        spec = _spec(http, authorization=f"Bearer {READ_TOKEN}")
        assert_error(http.get("/api/stories"), 401, "unauthorized")
        stories = http.get("/api/stories", headers={"authorization": f"Bearer {READ_TOKEN}"})
    assert stories.status_code == 200
    for path in READS:
        operation = spec["paths"][path]["get"]
        assert operation["security"] == [{"readToken": []}, {"writeToken": []}]
        assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_every_answer_validates_against_the_document(site: Server) -> None:
    """Every read endpoint, every page of every list, and their errors, validated against the document here (and
    once more by the check every web test gets)."""
    answers: list[httpx.Response] = []
    with site.client() as http:
        stories = http.get("/api/stories", params={"limit": 1}).json()
        story = stories["items"][0]["id"]
        article = http.get("/api/articles", params={"limit": 1}).json()["items"][0]["id"]
        outlet = http.get("/api/outlets", params={"limit": 1}).json()["items"][0]["name"]
        for url in [
            "/api/stories", "/api/stories?limit=1&sort=largest", "/api/stories?since=2000-01&until=2100",
            f"/api/stories/{story}", f"/api/stories/{story}?limit=1&offset=1", f"/api/stories/{story}/report",
            "/api/articles", "/api/articles?limit=2&offset=1", f"/api/articles/{article}", "/api/outlets",
            "/api/outlets?limit=1", f"/api/outlets/{outlet}", f"/api/outlets/{outlet}?limit=1", "/api/search?q=the",
            "/api/search?q=", "/api/stories/nope", "/api/stories/nope/report", "/api/articles/nope",
            "/api/outlets/nope", "/api/jobs/nope", "/api/stories?limit=0", "/api/stories?since=2019-13-45", "/api/nope",
        ]:  # fmt: skip
            answers.append(http.get(url))
        answers.append(http.post("/api/ingest", json={"articles": [{"text": "x"}]}))  # no token: 401
        answers.append(http.delete("/api/stories"))  # 405
    assert {a.status_code for a in answers} == {200, 401, 404, 405, 422}
    for answer in answers:
        check(site.settings, answer)


def test_lists_are_one_page_shape_with_links(site: Server) -> None:
    with site.client() as http:
        stories = _walk(http, "/api/stories?limit=1")
        articles = _walk(http, "/api/articles?limit=2")
        outlets = _walk(http, "/api/outlets?limit=1")
        story_id = stories[0]["items"][0]["id"]
        members = _walk(http, f"/api/stories/{story_id}?limit=1", under="members")
        everything = http.get("/api/articles", params={"limit": 500}).json()
        past = http.get("/api/articles", params={"limit": 2, "offset": 1000}).json()
        outlet = http.get(f"/api/outlets/{outlets[0]['items'][0]['name']}", params={"limit": 1}).json()
    assert len(stories) == stories[0]["total"] == 2
    assert stories[0]["previous"] is None
    assert stories[-1]["next"] is None
    assert stories[0]["next"] == "/api/stories?limit=1&offset=1"
    assert [a["id"] for page in articles for a in page["items"]] == [a["id"] for a in everything["items"]]
    assert everything["next"] is None
    assert everything["previous"] is None
    assert sum(len(p["items"]) for p in outlets) == outlets[0]["total"] >= 2
    # a story's members are a page like any list (they were a bare list), paged by the story's own URL
    assert [m["id"] for page in members for m in page["items"]] == [m["id"] for m in http_members(site, story_id)]
    assert members[0]["next"].startswith(f"/api/stories/{story_id}?")
    assert set(outlet["members"]) == {"items", "total", "limit", "offset", "next", "previous"}
    assert outlet["members"]["next"] is None or "offset=1" in outlet["members"]["next"]
    # past the end: no rows, no next, and previous leads back to the last rows
    assert past["items"] == []
    assert past["next"] is None
    assert past["previous"] == f"/api/articles?limit=2&offset={everything['total'] - 2}"


def http_members(site: Server, story_id: str) -> list[dict[str, Any]]:
    with site.client() as http:
        items: list[dict[str, Any]] = http.get(f"/api/stories/{story_id}").json()["members"]["items"]
    return items


def test_dates_must_exist(site: Server) -> None:
    with site.client() as http:
        for bad in ("2019-13-45", "2019-02-30", "2019-00", "2019-13", "0000", "yesterday", "2019-1-1"):
            for name in ("since", "until"):
                answer = http.get("/api/stories", params={name: bad})
                assert_error(answer, 422, "invalid")
                assert name in answer.json()["error"]["message"]
        for good in ("2019", "2019-12", "2020-02-29"):
            assert http.get("/api/stories", params={"since": good}).status_code == 200


def test_times_carry_their_offsets(site: Server, empty_site: Server) -> None:
    with empty_site.client(headers=AUTH) as http:
        articles = [
            {"text": (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text(), "outlet": "Courier",
             "published": "2025-03-10T09:15:00+01:00"},
            {"text": (EXAMPLES / "corpus" / "06_supply_chain_desk.txt").read_text(), "outlet": "Desk",
             "published": "2025-03-09T14:05:00"},
            {"text": (EXAMPLES / "corpus" / "01_brennick_herald.html").read_text(), "outlet": "Herald",
             "published": "2025-03-11"},
        ]  # fmt: skip
        job = wait_for_job(http, http.post("/api/ingest", json={"articles": articles}))
        listed = http.get("/api/articles").json()["items"]
        stories = http.get("/api/stories").json()["items"]
    assert job["state"] == "done", job
    for stamp in (job["created"], job["started"], job["finished"]):
        assert UTC_STAMP.match(stamp), stamp
    published = {a["outlet"]: (a["published"], a["published_day"]) for a in listed}
    assert published == {
        "Courier": ("2025-03-10T09:15:00+01:00", "2025-03-10"),  # the offset the source gave, kept
        "Desk": ("2025-03-09T14:05:00", "2025-03-09"),  # none given: none invented
        "Herald": ("2025-03-11", "2025-03-11"),
    }
    for a in listed:
        assert UTC_STAMP.match(a["added"])
        assert datetime.fromisoformat(a["added"]).utcoffset().total_seconds() == 0
    for s in stories:
        assert UTC_STAMP.match(s["created"])
        assert UTC_STAMP.match(s["updated"])
        for day in (s["first_published"], s["last_published"]):
            assert date.fromisoformat(day).isoformat() == day  # a day, whatever the articles' times were
    with site.client() as http:
        outlets = http.get("/api/outlets").json()["items"]
    assert all(o["first_published"] is None or len(o["first_published"]) == 10 for o in outlets)


def test_caller_given_article_ids(empty_site: Server) -> None:
    texts = [
        (EXAMPLES / "corpus" / name).read_text() for name in ("04_dunmere_courier.txt", "06_supply_chain_desk.txt")
    ]
    with empty_site.client(headers=AUTH) as http:
        # an article without an id beside one whose id is what a made-up id would be: the given id wins
        result = ingested(http, http.post("/api/ingest", json={"articles": [
            {"text": texts[0], "outlet": "Courier"},
            {"text": texts[1], "outlet": "Desk", "id": "pasted"},
        ]}))  # fmt: skip
        assert "pasted" in result["added"]
        assert len(result["added"]) == 2
        assert http.get("/api/articles/pasted").json()["outlet"] == "Desk"
        given = "courier.2025-03-10_harbour"
        third = (EXAMPLES / "corpus" / "01_brennick_herald.html").read_text()
        result = ingested(http, http.post("/api/ingest", json={"articles": [{"text": third, "id": given}]}))
        assert result["added"] == [given]
        assert http.get(f"/api/articles/{given}").json()["id"] == given
        # refused, and nothing queued: malformed, given twice, already stored
        for bad in ("", "-lead", "has space", "a/b", "../up", "x" * 101, "tail.", "ünïcode"):
            answer = http.post("/api/ingest", json={"articles": [{"text": "some text", "id": bad}]})
            assert_error(answer, 422, "invalid")
            assert "articles.0.id" in answer.json()["error"]["message"]
        twice = http.post("/api/ingest", json={"articles": [{"text": "a", "id": "same"}, {"text": "b", "id": "same"}]})
        assert_error(twice, 422, "invalid")
        assert "given twice" in twice.json()["error"]["message"]
        taken = http.post("/api/ingest", json={"articles": [{"text": "new text", "id": given}]})
        assert_error(taken, 409, "conflict")
        assert repr(given) in taken.json()["error"]["message"]
        assert http.get("/api/articles").json()["total"] == 3
    assert empty_site.store.job_counts().get("queued", 0) == 0


def test_ingest_needs_no_id(tmp_path: Any) -> None:
    """Articles without ids are stored as before: an id is made for them."""
    text = (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text()
    with (
        open_store(tmp_path / "parallax.db") as store,
        serve(store, Settings(token=TOKEN)) as server,
        server.client(headers=AUTH) as http,
    ):
        result = ingested(http, http.post("/api/ingest", json={"articles": [{"text": text}]}))
    assert result["added"] == ["pasted"]
