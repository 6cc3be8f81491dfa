"""What a consistent store looks like, checked straight from its tables (and then through the store API): SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parallax.store import open_store

__all__ = ["check_postgres_store", "check_sqlite_store", "check_store", "count_articles"]


def check_store(url: str) -> dict[str, str]:
    """:func:`check_postgres_store` or :func:`check_sqlite_store`, by the URL's kind."""
    return check_postgres_store(url) if _is_postgres(url) else check_sqlite_store(Path(url))


def count_articles(url: str) -> int | None:
    """The number of stored articles; None when the store does not exist or has no articles table yet."""
    if _is_postgres(url):
        import psycopg

        with psycopg.connect(url, connect_timeout=10) as conn:
            if conn.execute("SELECT to_regclass('articles')").fetchone() == (None,):
                return None
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
    if not Path(url).exists():
        return None
    try:
        with sqlite3.connect(f"file:{url}?mode=ro", uri=True, timeout=10) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return None


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
        indexed = Counter(row[0] for row in db.execute("SELECT article_id FROM articles_fts"))
        assert indexed == Counter(row[0] for row in articles), "the full-text index and the articles differ"
        stories = db.execute("SELECT id, articles, report, analysis FROM stories").fetchall()
    finally:
        db.close()
    return _check_rows(str(path), articles, stories)


def check_postgres_store(url: str) -> dict[str, str]:
    """As :func:`check_sqlite_store`, on PostgreSQL: foreign keys and unique keys are the server's (checked here
    anyway, as a query), every article has its generated search vector, no entity, citation or fact row is left
    without its article or story."""
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        articles = conn.execute("SELECT id, checksum, story_id, title, text, annotated FROM articles").fetchall()
        unindexed = conn.execute("SELECT count(*) FROM articles WHERE search IS NULL").fetchone()
        assert unindexed == (0,), "an article without its search vector"
        for table, key in (("entities", "article_id"), ("citations", "article_id")):
            orphans = conn.execute(f"SELECT count(*) FROM {table} WHERE {key} NOT IN (SELECT id FROM articles)")
            assert orphans.fetchone() == (0,), f"{table} rows without their article"
        orphans = conn.execute("SELECT count(*) FROM facts WHERE story_id NOT IN (SELECT id FROM stories)")
        assert orphans.fetchone() == (0,), "facts without their story"
        stories = conn.execute("SELECT id, articles, report, analysis FROM stories").fetchall()
    return _check_rows(url, articles, stories)


def _check_rows(url: str, articles: Sequence[Any], stories: Sequence[Any]) -> dict[str, str]:
    """Rows of (id, checksum, story id, title, text, annotated) and (id, count, report, analysis): every article
    once, in one existing story, with its annotations matching its text; each story's count, member list, report
    and analysis matching its articles; then every story and article read through the store interface."""
    ids = [row[0] for row in articles]
    assert len(set(ids)) == len(ids), "an article id is stored twice"
    assert len({row[1] for row in articles}) == len(articles), "an article is stored twice"
    members: dict[str, set[str]] = {}
    for article_id, _, story_id, _, text, annotated in articles:
        members.setdefault(story_id, set()).add(article_id)
        assert json.loads(annotated)["article"]["text"] == text, article_id
    assert {row[0] for row in stories} == set(members), "a story without articles, or articles without a story"
    for story_id, count, report, analysis in stories:
        assert count == len(members[story_id]), story_id
        data = json.loads(report)
        assert {a["id"] for a in data["articles"]} == members[story_id], story_id
        assert set(data["stories"][0]["articles"]) == members[story_id], story_id
        assert data["stories"][0]["id"] == story_id
        assert json.loads(analysis)["story"]["id"] == story_id
    titles = {row[0]: row[3] for row in articles}
    with open_store(url) as store:
        assert store.counts()["articles"] == len(titles)
        for story in store.list_stories(limit=500).items:
            assert store.load_report(story.id) is not None
        for article_id in titles:
            assert store.get_article(article_id) is not None
        store.search("update")
    return titles


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))
