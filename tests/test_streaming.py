"""Streaming stories: the same evidence as the batch clustering, the seed events found one article at a time,
stable ids, merges that keep the older id, reasons, and the nearest-neighbour index past its exact size."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from parallax.group.batch import group_stories
from parallax.group.evidence import THRESHOLD, features, pair_similarity, score
from parallax.group.stream import EXACT_BELOW, StoryIndex, _Week, in_date_order
from parallax.models import AnnotatedArticle, Article, DuplicateGroup, RawDocument, content_id


@pytest.fixture(scope="module")
def seeds(shared: Path) -> list[AnnotatedArticle]:
    from parallax.annotate.nlp import annotate
    from parallax.extract.article import extract
    from parallax.sources.files import read_inputs

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


@pytest.fixture(scope="module")
def two_events(shared: Path) -> tuple[list[AnnotatedArticle], list[AnnotatedArticle]]:
    """ECB+ topic 2: two events on one topic (the hard case), the first six documents of each by id."""
    from parallax.annotate.nlp import annotate
    from parallax.evaluation.clustering import load_ecbplus

    corpus = load_ecbplus(shared / "data", topics=2)
    one = sorted((a for a, g in zip(corpus.articles, corpus.gold, strict=True) if g == "2ecb"), key=lambda a: a.id)
    two = sorted((a for a, g in zip(corpus.articles, corpus.gold, strict=True) if g == "2ecbplus"), key=lambda a: a.id)
    annotated = {a.id: a for a in annotate([*one[:6], *two[:6]])}
    return [annotated[a.id] for a in one[:6]], [annotated[a.id] for a in two[:6]]


def test_a_wrongly_merged_story_splits_back_when_later_evidence_shows_two_events(
    two_events: tuple[list[AnnotatedArticle], list[AnnotatedArticle]],
) -> None:
    first, second = two_events
    prepared = {f.id: f for f in features([*first, *second])}
    index = StoryIndex()
    # three articles of each event in one story, as a merge on thin evidence (or an earlier decision) left it
    for article in [*first[:3], *second[:3]]:
        index.seed(prepared[article.id], "mixed")
    # later evidence: more articles of both events arrive
    later = [a for pair in zip(first[3:], second[3:], strict=True) for a in pair]
    placements = [index.add(a, prepared[a.id]) for a in later]
    assert len(index.splits) == 1
    split = index.splits[0]
    # the part holding the story's oldest article keeps the id; the other is named after its first article
    assert split.story == "mixed"
    assert split.into == content_id("story", second[0].article.checksum)
    assert set(split.articles) == {a.id for a in second[:3]}
    assert split.similarity < THRESHOLD
    moved = dict(placements[0].moved)  # the first article to join triggered the check
    assert set(moved) == {a.id for a in second[:3]}
    assert all(
        note.startswith(f"split from story mixed: average similarity {split.similarity:.2f}") for note in moved.values()
    )
    # the later articles then join the right story, and the ids hold as the stories grow
    assert {sid: frozenset(ids) for sid, ids in index.stories().items()} == {
        "mixed": frozenset(a.id for a in first),
        split.into: frozenset(a.id for a in second),
    }
    assert [p.story for p in placements[1:]] == ["mixed" if a in first else split.into for a in later[1:]]
    assert len(index.splits) == 1  # the parts are checked again as they grow, and hold together


def test_coherent_stories_never_split(
    seeds: list[AnnotatedArticle],
    example_report: object,
    two_events: tuple[list[AnnotatedArticle], list[AnnotatedArticle]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import parallax.group.stream

    articles = [*seeds, *example_report.articles]  # type: ignore[attr-defined]
    with_checks = group_stories(articles, streaming=True)
    index = StoryIndex()
    for article, feature in zip(in_date_order(articles), features(in_date_order(articles)), strict=True):
        index.add(article, feature)
    for story_id in index.stories():
        assert index.check(story_id) == {}
    assert index.splits == []
    for event in two_events:  # each ECB+ event alone, as one story: it holds together
        alone = StoryIndex()
        for feature in features(event):
            alone.seed(feature, "event")
        assert alone.check("event") == {}
    monkeypatch.setattr(parallax.group.stream, "SPLIT_MIN_PART", 10**9)  # no story is ever large enough to check
    assert group_stories(articles, streaming=True) == with_checks


def test_both_paths_list_undated_articles_last() -> None:
    text = "A bridge over the Calloway river reopened on Monday after two years of repairs."
    dated = AnnotatedArticle(article=Article(id="dated", source="a", text=text, published="9999-12-31"))
    undated = AnnotatedArticle(article=Article(id="undated", source="b", text=text))
    duplicates = [DuplicateGroup(original="dated", copies=("undated",), similarity=(1.0,), exact=True)]
    for streaming in (False, True):
        (story,) = group_stories([undated, dated], duplicates=duplicates, streaming=streaming)
        assert story.articles == ("dated", "undated")


# --- a report written as it is made (engine.streamed): the same bytes as the report held in memory ---------------


def _without_time(text: str) -> str:
    """The report's text with its generation time blanked (the two runs are seconds apart)."""
    import re

    return re.sub(r'("generated": "|generated )[0-9T:+-]+', r"\1-", text)


@pytest.mark.parametrize("small_parts", [False, True])
def test_streamed_report_is_the_in_memory_report(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_parts: bool
) -> None:
    from parallax import Settings, analyze
    from parallax.engine import streamed
    from parallax.report import render

    inputs = [str(shared / "corpus" / "seeds"), str(Path(__file__).parents[1] / "examples" / "corpus")]
    inputs.append("Too short\nto be an article.")  # a text (it holds a line break) rejected at extraction
    settings = Settings(encoder="static")
    if small_parts:  # several read/annotate batches and several compare chunks, as at 100k articles
        monkeypatch.setattr(streamed, "STREAM_BATCH", 3)
        monkeypatch.setattr(streamed, "COMPARE_ARTICLES", 2)
    held = analyze(inputs, settings=settings)
    targets = [(tmp_path / "r.json", "json"), (tmp_path / "r.md", "markdown")]
    written = streamed.analyze_to(inputs, targets, settings=settings)
    assert written.paths == (tmp_path / "r.json", tmp_path / "r.md")
    assert (written.articles, written.stories) == (len(held.articles), len(held.stories))
    assert written.rejections == held.rejections
    # the corpus exercises the stories list, the copies and the rejections
    assert len(held.stories) > 2
    assert held.duplicates
    assert held.rejections
    for path, fmt in targets:
        assert _without_time(path.read_text(encoding="utf-8")) == _without_time(render(held, fmt))
    assert [stage for stage, _ in written.timings] == [stage for stage, _ in held.timings]


def test_ingest_in_batches_reads_a_batch_at_a_time(shared: Path, tmp_path: Path) -> None:
    """``ingest_paths(batch=N)`` reads, extracts and saves N articles at a time (what keeps a 100k ingest bounded):
    every article stored once, the rejections in reading-then-extraction order, a rerun a no-op."""
    from parallax import Settings, ingest_paths, open_store

    folder = tmp_path / "in"
    shutil.copytree(shared / "corpus" / "seeds", folder)
    (folder / "zz_short.txt").write_text("Too short.\n", encoding="utf-8")  # rejected at extraction
    settings = Settings(encoder="static")
    with open_store(tmp_path / "batched.db") as store:
        first = ingest_paths(store, [folder], settings=settings, batch=2)
        again = ingest_paths(store, [folder], settings=settings, batch=2)
        seeds = len(list((shared / "corpus" / "seeds").glob("*.txt")))
        assert len(first.added) == seeds == store.counts()["articles"]
        assert [r.stage for r in first.rejections] == ["extract"]
        assert len(again.unchanged) == seeds
        assert not again.added
        assert first.stories
