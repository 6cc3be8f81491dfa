"""The web app over PostgreSQL: the same pages and API calls as over SQLite, through the store interface.

Uses the store suite's throwaway PostgreSQL server (tests/store/conftest.py); skipped where PostgreSQL is missing,
as that suite is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape

from parallax.store import open_store
from parallax.web import Settings
from tests.conftest import EXAMPLES
from tests.store import conftest as store_fixtures
from tests.web.conftest import TOKEN, ingested, serve

postgres_server = store_fixtures.postgres_server  # the session's PostgreSQL server, as a fixture here too


def test_pages_and_api_over_postgres(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    server_url = request.getfixturevalue("postgres_server")
    files = [EXAMPLES / "corpus" / "02_daily_lantern.html", EXAMPLES / "corpus" / "03_valmora_today.html"]
    auth = {"authorization": f"Bearer {TOKEN}"}
    with (
        open_store(store_fixtures.new_database(server_url)) as store,
        serve(store, Settings(token=TOKEN)) as site,
        site.client(headers=auth) as http,
    ):
        parts = [("files", (f.name, f.read_bytes(), "text/html")) for f in files]
        added = ingested(http, http.post("/api/ingest", files=parts))
        assert len(added["added"]) == 2
        story = http.get("/api/stories").json()["items"][0]
        page = http.get(f"/stories/{story['id']}")
        assert page.status_code == 200
        assert '<header class="masthead">' in page.text
        assert str(escape(story["title"])) in page.text
        article = http.get(f"/api/articles/{added['added'][0]}").json()
        first = article["article"]["sentences"][0]
        word = max(re.findall(r"[A-Za-z]+", article["article"]["text"][first["start"] : first["end"]]), key=len)
        hits = http.get("/api/search", params={"q": word}).json()
        assert any(h["article_id"] == article["id"] for h in hits["items"])
        assert http.get("/search", params={"q": word}).status_code == 200
        assert http.get("/outlets").status_code == 200
