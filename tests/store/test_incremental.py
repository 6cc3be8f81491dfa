"""Incremental ingest: articles added one at a time end in the same stories as one batch; ids stay stable."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from parallax import Report
from parallax.engine.store import ingest_annotated, ingest_articles
from parallax.errors import ConcurrentWriteError
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
    impostor = second.renamed(first.id)  # another article under an id the store already holds
    result = ingest_annotated(store, [impostor])
    (new_id,) = result.added
    assert new_id != first.id
    assert new_id.startswith(first.id + "-")
    stored = store.get_article(new_id)
    assert stored is not None
    assert stored.annotated.article.text == second.article.text
    assert {s.article_id for s in stored.annotated.sentences} == {new_id}
    assert {q.article_id for q in stored.annotated.quotes} <= {new_id}
    kept = store.get_article(first.id)
    assert kept is not None
    assert kept.annotated.article == replace(first.article, source=Path(first.article.source).name)
    assert kept.annotated.sentences == first.sentences


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


def _store_story(store: Store, story_id: str, articles: list[AnnotatedArticle]) -> None:
    """Save ``articles`` as one story, as an earlier ingest (on thinner evidence, or an older version) left it."""
    from parallax.engine import embed_sentences
    from parallax.engine.store import _recompute

    vectors = embed_sentences(articles)
    record = _recompute(story_id, articles, "2026-01-01T00:00:00+00:00", vectors)
    store.save([(story_id, a) for a in articles], [record], vectors)


def _reasons(store: Store, story_id: str) -> dict[str, str]:
    report = store.load_report(story_id)
    assert report is not None
    return dict(report.stories[0].story.reasons)


def test_a_new_article_that_links_two_stored_stories_merges_them(store: Store, seed_report: Report) -> None:
    story = max(seed_report.stories, key=lambda s: len(s.story.articles))
    by_id = {a.id: a for a in seed_report.articles}
    first, second, bridge, later = (by_id[i] for i in story.story.articles[:4])
    # one event in two stored stories
    _store_story(store, "story-1", [first])
    _store_story(store, "story-2", [second])
    result = ingest_annotated(store, [bridge])
    assert result.merged == (("story-2", "story-1"),)  # the older id survives
    assert result.updated == ("story-1",)
    assert store.get_story("story-2") is None
    assert _partition(store) == {frozenset({first.id, second.id, bridge.id})}
    went = store.merged_into("story-2")
    assert went is not None
    assert went[0] == "story-1"
    assert f"new article {bridge.id} fits both" in went[1]
    assert store.merged_into("story-1") is None
    note = "moved from story story-2: story story-2 merged into story-1"
    assert note in _reasons(store, "story-1")[second.id]
    assert note not in _reasons(store, "story-1")[first.id]
    info = store.get_story("story-1")
    assert info is not None
    assert info.articles == 3
    # the story grows on; the moved article still says why it is there
    assert ingest_annotated(store, [later]).updated == ("story-1",)
    assert note in _reasons(store, "story-1")[second.id]
    assert store.rows("merged_stories")[1][0][:2] == ("story-2", "story-1")


@pytest.fixture(scope="module")
def two_events(shared) -> tuple[list[AnnotatedArticle], list[AnnotatedArticle]]:  # type: ignore[no-untyped-def]
    """ECB+ topic 2: two events on one topic, the first five documents of each by id."""
    from parallax.annotate.nlp import annotate
    from parallax.evaluation.clustering import load_ecbplus

    corpus = load_ecbplus(shared / "data", topics=2)
    pairs = list(zip(corpus.articles, corpus.gold, strict=True))
    one = sorted((a for a, g in pairs if g == "2ecb"), key=lambda a: a.id)[:5]
    two = sorted((a for a, g in pairs if g == "2ecbplus"), key=lambda a: a.id)[:5]
    annotated = {a.id: a for a in annotate([*one, *two])}
    return [annotated[a.id] for a in one], [annotated[a.id] for a in two]


def test_a_stored_story_that_no_longer_holds_together_splits(
    store: Store, two_events: tuple[list[AnnotatedArticle], list[AnnotatedArticle]]
) -> None:
    from parallax.models import content_id
    from parallax.store.sql import COLUMNS

    first, second = two_events
    _store_story(store, "mixed", [*first[:3], *second[:3]])  # two events wrongly in one stored story
    result = ingest_annotated(store, [first[3]])
    new_id = content_id("story", second[0].article.checksum)  # named after its first article
    assert result.split == (("mixed", new_id),)
    assert result.created == (new_id,)
    assert result.updated == ("mixed",)  # the part holding the oldest article keeps the id
    assert _partition(store) == {
        frozenset(a.id for a in first[:4]),
        frozenset(a.id for a in second[:3]),
    }
    assert _story_of(store, first[3].id) == "mixed"
    reasons = _reasons(store, new_id)
    for article in second[:3]:
        assert f"split from story mixed into {new_id}: average similarity" in reasons[article.id]
    assert all("split from" not in why for why in _reasons(store, "mixed").values())
    # later articles of the second event join the split-off story, which keeps its id
    grown = ingest_annotated(store, [second[3]])
    assert grown.updated == (new_id,)
    assert grown.split == ()
    assert _story_of(store, second[3].id) == new_id
    columns, rows = store.rows("articles")
    assert columns == COLUMNS["articles"]
    moved = {row[0]: row[columns.index("moved")] for row in rows}
    assert {aid for aid, why in moved.items() if why} == {a.id for a in second[:3]}


def test_cli_reports_a_merge_and_points_from_the_old_story(tmp_path, seed_report: Report) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from parallax.cli.main import cli
    from parallax.store import open_store

    story = max(seed_report.stories, key=lambda s: len(s.story.articles))
    by_id = {a.id: a for a in seed_report.articles}
    first, second, bridge = (by_id[i] for i in story.story.articles[:3])
    db = tmp_path / "merge.db"
    store = open_store(db)
    try:
        _store_story(store, "story-1", [first])
        _store_story(store, "story-2", [second])
    finally:
        store.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", bridge.article.source, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "merged story story-2 into story-1" in result.output
    gone = runner.invoke(cli, ["show", "story-2", "--db", str(db)])
    assert gone.exit_code == 1
    assert "it was merged into 'story-1'" in gone.output
    assert "parallax show story-1" in gone.output
