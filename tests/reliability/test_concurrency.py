"""Concurrency: the web app keeps answering while ``parallax ingest`` (another process) writes to the same store, on
SQLite (WAL: readers never wait for the writer) and PostgreSQL. Every read answers 200, no answer or log mentions a
locked database, and an upload through the API while the other process writes is saved too; the store passes the
crash-safety checks afterwards."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from parallax.store import open_store
from parallax.web import Settings
from tests.conftest import EXAMPLES
from tests.reliability.articles import write_articles
from tests.reliability.integrity import check_store
from tests.store.conftest import make_url
from tests.web.conftest import TOKEN, ingested, serve

ARTICLES = 8
READS = ("/", "/api/stories", "/api/search?q=council", "/search?q=update", "/api/articles", "/outlets", "/api/outlets")
MIN_READS = 30  # reads the loop must have made while the ingest ran


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_reads_answer_while_an_ingest_writes(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = make_url(backend, tmp_path, request)
    folder = tmp_path / "in"
    write_articles(folder, ARTICLES, seed=9)
    upload = (EXAMPLES / "corpus" / "06_supply_chain_desk.txt").read_text(encoding="utf-8")
    parallax = Path(sys.executable).with_name("parallax")
    with open_store(url) as store, serve(store, Settings(token=TOKEN)) as site, site.client() as http:
        process = subprocess.Popen(
            [str(parallax), "ingest", str(folder), "--db", url, "--batch", "1", "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        statuses: dict[int, int] = {}
        problems: list[str] = []
        reads = 0
        uploaded = None
        story_pages: set[str] = set()
        try:
            while process.poll() is None or reads < MIN_READS:
                for path in (*READS, *sorted(story_pages)[:3]):
                    answer = http.get(path)
                    reads += 1
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                    if answer.status_code != 200 or "locked" in answer.text.lower():
                        problems.append(f"{path}: {answer.status_code} {answer.text[:200]}")
                stories = http.get("/api/stories").json()["items"]
                story_pages = {f"/stories/{s['id']}" for s in stories} | {f"/api/stories/{s['id']}" for s in stories}
                if uploaded is None and stories:  # a write through the app while the other process writes
                    uploaded = http.post(
                        "/api/ingest",
                        headers={"authorization": f"Bearer {TOKEN}"},
                        json={"articles": [{"text": upload, "title": "Uploaded meanwhile"}]},
                    )
                time.sleep(0.01)
        finally:
            if process.poll() is None:
                process.kill()
            _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors.decode()
        assert "locked" not in errors.decode().lower()
        assert problems == []
        assert statuses == {200: reads}
        assert reads >= MIN_READS
        assert uploaded is not None
        assert len(ingested(http, uploaded)["added"]) == 1  # its job, run by the app's worker meanwhile
        assert store.counts()["articles"] == ARTICLES + 1
    check_store(url)
