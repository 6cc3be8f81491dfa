"""What a consistent SQLite store looks like, checked straight from its tables (and then through the store API)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from parallax.store import open_store

__all__ = ["check_sqlite_store"]


def check_sqlite_store(path: Path) -> dict[str, str]:
    """Assert that the store at ``path`` is whole: SQLite's own checks, every article once (by id and content hash)
    in one existing story and once in the full-text index, each story's counts, member list and report JSON matching
    its stored articles; then read every story and article through the store interface. Returns article id ->
    title."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")  # raises when corrupt
        articles = db.execute("SELECT id, checksum, story_id, title, text, annotated FROM articles").fetchall()
        ids = [row[0] for row in articles]
        assert len({row[1] for row in articles}) == len(articles), "an article is stored twice"
        indexed = Counter(row[0] for row in db.execute("SELECT article_id FROM articles_fts"))
        assert indexed == Counter(ids), "the full-text index and the articles differ"
        members: dict[str, set[str]] = {}
        for article_id, _, story_id, _, text, annotated in articles:
            members.setdefault(story_id, set()).add(article_id)
            assert json.loads(annotated)["article"]["text"] == text, article_id
        stories = db.execute("SELECT id, articles, report, analysis FROM stories").fetchall()
        assert {row[0] for row in stories} == set(members), "a story without articles, or articles without a story"
        for story_id, count, report, analysis in stories:
            assert count == len(members[story_id]), story_id
            data = json.loads(report)
            assert {a["id"] for a in data["articles"]} == members[story_id], story_id
            assert set(data["stories"][0]["articles"]) == members[story_id], story_id
            assert data["stories"][0]["id"] == story_id
            assert json.loads(analysis)["story"]["id"] == story_id
        titles = {row[0]: row[3] for row in articles}
    finally:
        db.close()
    with open_store(path) as store:
        assert store.counts()["articles"] == len(titles)
        for story in store.list_stories(limit=500).items:
            assert store.load_report(story.id) is not None
        for article_id in titles:
            assert store.get_article(article_id) is not None
        store.search("update")
    return titles
