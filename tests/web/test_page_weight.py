"""A large story's page stays light (issue 17): 50 real articles (BASIL, as benchmarks/story_page.py builds them)
analysed as one story, served by a real server; its page must weigh under 1.5 MB, as sent without compression.

The page grows with articles x facts; before issue 17 this story's page was 20 MB (210,000 elements). The figures
and how to measure them in Chromium: docs/WEB.md, "Page weight"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmarks.story_page import ARTICLES, build_story

from parallax.store import open_store
from parallax.web import Settings
from tests.web.conftest import serve

LIMIT = 1_500_000  # bytes of the story page's HTML


@pytest.mark.slow
def test_a_50_article_story_page_weighs_under_the_limit(shared: Path, tmp_path: Path) -> None:
    if not (shared / "data" / "basil" / "articles").is_dir():
        pytest.skip("../shared/data/basil is not there")
    story = build_story(shared / "data", tmp_path / "story.db")
    store = open_store(tmp_path / "story.db")
    try:
        with serve(store, Settings()) as server, server.client() as http:
            page = http.get(f"/stories/{story}", headers={"Accept-Encoding": "identity"})
    finally:
        store.close()
    assert page.status_code == 200
    html = page.text
    assert len(html.encode("utf-8")) < LIMIT, f"{len(html.encode('utf-8')):,} bytes"
    # it is the whole story: every article is on the page, with its text, and the answers come before the details
    assert html.count('<article class="art"') == ARTICLES
    assert f"{ARTICLES} articles from" in html
    assert html.index('-who"') < html.index('-agreed"') < html.index('-only"') < html.index('-details"')
    assert 'href=""' not in html
    assert not re.search(r">●<", html)
