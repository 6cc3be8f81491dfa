"""Incremental ingest: articles added one at a time end in the same stories as one batch; ids stay stable."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace

import numpy as np
import pytest

from parallax import Report
from parallax.errors import ConcurrentWriteError
from parallax.incremental import ingest_annotated, ingest_articles
from parallax.models import AnnotatedArticle
from parallax.store import Store, StoryRecord


def _partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(a.id for a in store.story_articles(s.id)) for s in store.list_stories(limit=500).items}


def _batch(report: Report) -> set[frozenset[str]]:
    return {frozenset(s.story.articles) for s in report.stories}


def _story_of(store: Store, article_id: str) -> str:
    stored = store.get_article(article_id)
    assert stored is not None
    return stored.info.story_id


def test_one_at_a_time_gives_the_batch_stories(store: Store, seed_report: Report) -> None:
    ids: dict[str, str] = {}
    for annotated in seed_report.articles:
        result = ingest_annotated(store, [annotated])
        assert result.added == (annotated.id,)
        assert len(result.stories) == 1
        (story_id,) = result.stories
        if result.created:
            ids[annotated.id] = story_id
        else:
            assert story_id in ids.values()  # grew a story made earlier, under its first id
    assert _partition(store) == _batch(seed_report)
    # every story still has the id it got from the article that started it
    assert {s.id for s in store.list_stories().items} == set(ids.values())
    for first, story_id in ids.items():
        assert _story_of(store, first) == story_id


def test_reverse_order_gives_the_batch_stories(tmp_path, seed_report: Report) -> None:  # type: ignore[no-untyped-def]
    from parallax.store import open_store

    with open_store(tmp_path / "reverse.db") as store:
        for annotated in reversed(seed_report.articles):
            ingest_annotated(store, [annotated])
        assert _partition(store) == _batch(seed_report)


def test_a_batch_into_a_filled_store(tmp_path, seed_report: Report) -> None:  # type: ignore[no-untyped-def]
    """Two articles first, the rest in one go: the stories the batch would give, the first two stories grown."""
    from parallax.store import open_store

    with open_store(tmp_path / "halves.db") as store:
        first = ingest_annotated(store, seed_report.articles[:2])
        rest = ingest_annotated(store, seed_report.articles[2:])
        assert set(rest.updated) <= set(first.created)
        assert _partition(store) == _batch(seed_report)


def test_repeats_within_a_batch_count_once(store: Store, seed_report: Report) -> None:
    article = seed_report.articles[0]
    result = ingest_annotated(store, [article, article])
    assert result.added == (article.id,)
    assert result.unchanged == (article.id,)
    assert store.counts()["articles"] == 1


def test_a_taken_id_with_other_text_gets_its_own_id(store: Store, seed_report: Report) -> None:
    first, second = seed_report.articles[0], seed_report.articles[-1]
    ingest_annotated(store, [first])
    impostor = _renamed(second, first.id)  # another article under an id the store already holds
    result = ingest_annotated(store, [impostor])
    (new_id,) = result.added
    assert new_id != first.id
    assert new_id.startswith(first.id + "-")
    stored = store.get_article(new_id)
    assert stored is not None
    assert stored.annotated.article.text == second.article.text
    assert {s.article_id for s in stored.annotated.sentences} == {new_id}
    assert {q.article_id for q in stored.annotated.quotes} <= {new_id}
    assert store.get_article(first.id).annotated == first  # type: ignore[union-attr]


def _renamed(annotated: AnnotatedArticle, article_id: str) -> AnnotatedArticle:
    return replace(
        annotated,
        article=replace(annotated.article, id=article_id),
        sentences=tuple(replace(s, article_id=article_id) for s in annotated.sentences),
        quotes=tuple(replace(q, article_id=article_id) for q in annotated.quotes),
        citations=tuple(replace(c, article_id=article_id) for c in annotated.citations),
    )


def test_near_copy_joins_its_original_story(tmp_path, seed_report: Report) -> None:  # type: ignore[no-untyped-def]
    """A trimmed copy of a stored article (new text, so not a no-op) joins the story of the article it copies."""
    from parallax.store import open_store

    story = max(seed_report.stories, key=lambda s: len(s.story.articles))
    by_id = {a.id: a for a in seed_report.articles}
    original = by_id[story.story.articles[-1]]
    paragraphs = original.article.text.split("\n\n")
    trimmed = replace(original.article, id="trimmed", text="\n\n".join(paragraphs[:-1]))
    assert trimmed.checksum != original.article.checksum
    with open_store(tmp_path / "copies.db") as store:
        ingest_annotated(store, seed_report.articles)
        before = {s.id for s in store.list_stories().items}
        result = ingest_articles(store, [trimmed])  # the real annotator, on one article
        assert result.created == ()
        assert result.updated == (_story_of(store, original.id),)
        assert _story_of(store, "trimmed") == _story_of(store, original.id)
        assert {s.id for s in store.list_stories().items} == before


def test_sentence_vectors_are_stored_once(store: Store, seed_report: Report) -> None:
    ingest_annotated(store, seed_report.articles)
    vectors = store.sentence_vectors([a.id for a in seed_report.articles])
    assert set(vectors) == {a.id for a in seed_report.articles}
    for annotated in seed_report.articles:
        assert vectors[annotated.id].shape == (len(annotated.sentences), 384)
        assert vectors[annotated.id].dtype == np.float32


def test_an_older_store_is_migrated_and_grows(tmp_path, seed_report: Report) -> None:  # type: ignore[no-untyped-def]
    """A store made before 003_sentence_vectors: opening it applies that migration, and its stories still grow
    (their older articles are embedded again, as they have no stored vectors)."""
    from parallax.store import open_store

    db = tmp_path / "old.db"
    with open_store(db) as store:
        ingest_annotated(store, seed_report.articles[:-1])
    with sqlite3.connect(db) as raw:
        raw.execute("ALTER TABLE articles DROP COLUMN vectors")
        raw.execute("DELETE FROM schema_migrations WHERE name = '003_sentence_vectors'")
    with open_store(db) as store:
        assert store.migrations()[-1] == "003_sentence_vectors"
        assert store.sentence_vectors([a.id for a in seed_report.articles]) == {}
        ingest_annotated(store, seed_report.articles[-1:])
        assert _partition(store) == _batch(seed_report)


def test_concurrent_ingests_end_consistent(store_url: str, seed_report: Report) -> None:
    """Two writers (own connections, as two processes would have) ingest overlapping halves at once: every article
    is stored once, and every story's report holds exactly the articles the store files under it."""
    from parallax.store import open_store

    articles = list(seed_report.articles)
    halves = [articles[: len(articles) // 2 + 1], articles[len(articles) // 2 :]]
    results: list[object] = [None, None]
    with open_store(store_url), open_store(store_url) as first, open_store(store_url) as second:
        start = threading.Barrier(2)

        def run(n: int, store: Store) -> None:
            start.wait()
            try:
                results[n] = ingest_annotated(store, halves[n])
            except Exception as exc:  # reported below, with the other thread's outcome
                results[n] = exc

        threads = [threading.Thread(target=run, args=(n, s)) for n, s in enumerate((first, second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(isinstance(r, Exception) for r in results), results
        assert first.counts()["articles"] == len(articles)
        assert _partition(first) == _batch(seed_report)
        for info in first.list_stories().items:
            report = first.story_report(info.id)
            filed = {a.id for a in first.list_articles(story_id=info.id).items}
            assert report is not None
            assert set(report["stories"][0]["articles"]) == filed


def test_a_save_based_on_a_stale_story_is_refused(store: Store, seed_report: Report) -> None:
    story = max(seed_report.stories, key=lambda s: len(s.story.articles))
    by_id = {a.id: a for a in seed_report.articles}
    first, second, third = (by_id[i] for i in story.story.articles[:3])
    ingest_annotated(store, [first])
    (story_id,) = {s.id for s in store.list_stories().items}
    # decide to add `third` while the story holds only `first`...
    stale_story = replace(story.story, id=story_id, articles=(first.id, third.id))
    stale = StoryRecord(replace(story, story=stale_story), (), {"articles": []})
    ingest_annotated(store, [second])  # ...but another ingest adds `second` first
    before = {t: store.rows(t) for t in ("stories", "articles")}
    with pytest.raises(ConcurrentWriteError):
        store.save([(story_id, third)], [stale])
    assert {t: store.rows(t) for t in ("stories", "articles")} == before
