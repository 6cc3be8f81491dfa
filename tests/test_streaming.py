"""Streaming stories: the same evidence as the batch clustering, the seed events found one article at a time,
stable ids, merges that keep the older id, reasons, and the nearest-neighbour index past its exact size."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from parallax.cluster import group_stories, pair_similarity
from parallax.models import AnnotatedArticle, RawDocument, content_id
from parallax.streaming import EXACT_BELOW, StoryIndex, _Week, features, in_date_order, score


@pytest.fixture(scope="module")
def seeds(shared: Path) -> list[AnnotatedArticle]:
    from parallax.extract import extract
    from parallax.ingest import read_inputs
    from parallax.nlp import annotate

    docs = [d for d in read_inputs([shared / "corpus" / "seeds"]) if isinstance(d, RawDocument)]
    return list(annotate([extract(d) for d in docs]))


@pytest.fixture(scope="module")
def gold_events(shared: Path) -> list[frozenset[str]]:
    gold = json.loads((shared / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))
    return [frozenset(event) for event in gold["events"]]


def test_score_equals_the_batch_matrix(seeds: list[AnnotatedArticle], example_report: object) -> None:
    articles = [*seeds, *example_report.articles]  # type: ignore[attr-defined]
    matrix = pair_similarity(articles)
    prepared = features(articles)
    mine = np.array([[score(a, b) for b in prepared] for a in prepared])
    assert np.allclose(mine, matrix, atol=1e-9)


def test_streaming_finds_the_seed_events(seeds: list[AnnotatedArticle], gold_events: list[frozenset[str]]) -> None:
    stories = group_stories(seeds, streaming=True)
    assert {frozenset(s.articles) for s in stories} == set(gold_events)
    for story in stories:
        assert [aid for aid, _ in story.reasons] == list(story.articles)
        assert story.id == content_id(*sorted(story.articles))
        assert story.title
    reasons = [why for s in stories for _, why in s.reasons]
    assert sum(why == "starts the story" for why in reasons) == len(stories)
    joined = [why for why in reasons if why.startswith("joined story")]
    assert joined
    assert all("on average over" in why and "lead cosine" in why for why in joined)
    # the order articles arrive in does not matter: a batch is streamed in date order, then id
    shuffled = seeds[:]
    random.Random(5).shuffle(shuffled)
    assert [s.articles for s in group_stories(shuffled, streaming=True)] == [s.articles for s in stories]


def test_example_corpus_streaming_keeps_the_recycled_article_apart(example_report: object) -> None:
    articles = list(example_report.articles)  # type: ignore[attr-defined]
    duplicates = example_report.duplicates  # type: ignore[attr-defined]
    batch = group_stories(articles, duplicates=duplicates)  # nine articles: the exact path, as analyze runs it
    assert batch == group_stories(articles, duplicates=duplicates, streaming=False)
    stream = group_stories(articles, duplicates=duplicates, streaming=True)
    main = max(stream, key=lambda s: len(s.articles))
    dated = {a.id for a in articles if a.article.published and a.article.published.startswith("2025")}
    assert dated <= set(main.articles) <= set(max(batch, key=lambda s: len(s.articles)).articles)
    # the recycled 2024 wire is never merged into the 2025 event (the merge guard: no chaining through one article)
    assert "wires-2" not in main.articles
    reasons = {aid: why for story in stream for aid, why in story.reasons}
    assert duplicates
    for group in duplicates:  # a copy joins its original's story, and says so
        for copy in group.copies:
            assert reasons[copy].startswith(f"copy of {group.original}")


def test_ids_are_stable_and_a_bridge_merges_into_the_older_story(
    seeds: list[AnnotatedArticle], gold_events: list[frozenset[str]]
) -> None:
    largest = max(gold_events, key=len)
    event = in_date_order(a for a in seeds if a.id in largest)
    prepared = {f.id: f for f in features(event)}
    index = StoryIndex()
    # two stories of one event, as a stream might have opened them before the evidence linked them
    index.seed(prepared[event[0].id], "older")
    index.seed(prepared[event[1].id], "newer")
    placement = index.add(event[2], prepared[event[2].id])
    assert placement.story == "older"
    assert placement.merged == ("newer",)
    assert "merged newer into older" in placement.reason
    assert index.merges == [("older", "newer", event[2].id)]
    assert index.story_of(event[1].id) == "older"
    assert index.stories() == {"older": [event[0].id, event[1].id, event[2].id]}
    # a new story is named after its first article's content and keeps that id as it grows
    other = next(a for a in seeds if a.id not in largest)
    fresh = StoryIndex()
    first = fresh.add(other, features([other])[0])
    assert first.story == content_id("story", other.article.checksum)
    assert first.reason == "starts the story"


def test_unrelated_articles_start_their_own_stories(seeds: list[AnnotatedArticle]) -> None:
    index = StoryIndex()
    placements = [index.add(a, f) for a, f in zip(seeds, features(seeds), strict=True)]
    assert len({p.story for p in placements}) == len(index.stories())
    assert sorted(aid for ids in index.stories().values() for aid in ids) == sorted(a.id for a in seeds)


def test_week_index_switches_to_hnsw_and_still_finds_neighbours() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(EXACT_BELOW + 300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    week = _Week(32)
    for n, vector in enumerate(vectors):
        week.add(f"a{n}", vector)
    assert week.graph is not None
    for n in (0, 5, EXACT_BELOW + 10, EXACT_BELOW + 299):
        found = week.search(vectors[n], 5)
        assert found[0][1] == f"a{n}"
        assert found[0][0] == pytest.approx(1.0, abs=1e-5)


def test_forget_before_bounds_memory(seeds: list[AnnotatedArticle]) -> None:
    index = StoryIndex()
    for article, feature in zip(seeds, features(seeds), strict=True):
        index.add(article, feature)
    assert index.newest is not None
    dropped = index.forget_before(index.newest + 1)
    assert dropped == sum(1 for a in seeds if a.article.published)
    assert len(index) == len(seeds)  # membership is kept
