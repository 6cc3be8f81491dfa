"""Stories: one per real-world event, related events kept apart, copies with their original, input order irrelevant."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.group.batch import group_stories
from parallax.group.linkage import cluster_vectors
from parallax.models import AnnotatedArticle, Article, DuplicateGroup, Entity, RawDocument, Sentence, content_id


@pytest.fixture(scope="module")
def seeds(shared: Path) -> list[AnnotatedArticle]:
    from parallax.annotate.nlp import annotate
    from parallax.extract.article import extract
    from parallax.sources.files import read_inputs

    docs = [d for d in read_inputs([shared / "corpus" / "seeds"]) if isinstance(d, RawDocument)]
    return list(annotate([extract(d) for d in docs]))


@pytest.fixture(scope="module")
def gold_events(shared: Path) -> set[frozenset[str]]:
    gold = json.loads((shared / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))
    return {frozenset(event) for event in gold["events"]}


def _partition(stories: tuple[object, ...]) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}  # type: ignore[attr-defined]


def test_seeds_gold_partition(seeds: list[AnnotatedArticle], gold_events: set[frozenset[str]]) -> None:
    stories = group_stories(seeds)
    assert _partition(stories) == gold_events
    # the largest story first; every article has one reason
    assert len(stories[0].articles) == 4
    for story in stories:
        assert [aid for aid, _ in story.reasons] == list(story.articles)
        assert story.id == content_id(*sorted(story.articles))
        assert story.title
    assert sum("starts the story" in why for s in stories for _, why in s.reasons) == len(stories)
    assert any("closest to" in why for _, why in stories[0].reasons)


def test_seeds_shuffled_same_partition(seeds: list[AnnotatedArticle], gold_events: set[frozenset[str]]) -> None:
    rng = random.Random(3)
    for _ in range(3):
        shuffled = seeds[:]
        rng.shuffle(shuffled)
        stories = group_stories(shuffled)
        assert _partition(stories) == gold_events
        # same story ids; inside a story undated articles follow input order, as documented
        assert [s.id for s in stories] == [s.id for s in group_stories(seeds)]


def test_copies_join_their_original(seeds: list[AnnotatedArticle], gold_events: set[frozenset[str]]) -> None:
    original = next(a for a in seeds if a.article.published)  # the dated one: copies are later or undated
    # a copy of the odd-one-out article, retitled: without the group it would cluster on its own evidence
    lone = next(a for a in seeds if frozenset({a.id}) in gold_events)
    copy = dataclasses.replace(lone, article=dataclasses.replace(lone.article, id="copy-of-lone", title="Other title"))
    copy2 = dataclasses.replace(original, article=dataclasses.replace(original.article, id="copy-of-dated"))
    duplicates = [
        DuplicateGroup(original=lone.id, copies=("copy-of-lone",), similarity=(0.93,)),
        DuplicateGroup(original=original.id, copies=("copy-of-dated",), similarity=(1.0,), exact=True),
    ]
    stories = group_stories([*seeds, copy, copy2], duplicates=duplicates)
    by_article = {aid: s for s in stories for aid in s.articles}
    assert by_article["copy-of-lone"] is by_article[lone.id]
    assert by_article["copy-of-dated"] is by_article[original.id]
    assert len(stories) == 2
    reasons = dict(by_article["copy-of-lone"].reasons)
    assert reasons["copy-of-lone"].startswith(f"copy of {lone.id}")
    # a copy sits after its original (publication date, then input order)
    story = by_article[original.id]
    assert story.articles.index(original.id) < story.articles.index("copy-of-dated")


def test_empty_and_single() -> None:
    assert group_stories([]) == ()
    article = Article(id="only", source="only.txt", text="A bridge reopened after repairs on Monday.")
    (story,) = group_stories([AnnotatedArticle(article=article)])
    assert story.articles == ("only",)
    assert story.reasons == (("only", "starts the story"),)
    assert story.title == "A bridge reopened after repairs on Monday."


def test_rejects_wrong_types() -> None:
    with pytest.raises(TypeError):
        group_stories([Article(id="x", source="x", text="y")])  # type: ignore[list-item]


def test_cluster_vectors_average_linkage_does_not_chain() -> None:
    import numpy as np

    # a-b close, b-c close, a-c far: single linkage would chain all three, average linkage keeps c apart
    similarity = np.array([[1.0, 0.9, 0.0, 0.0], [0.9, 1.0, 0.5, 0.0], [0.0, 0.5, 1.0, 0.1], [0.0, 0.0, 0.1, 1.0]])
    assert cluster_vectors(similarity, 0.4) == [0, 0, 1, 2]
    assert cluster_vectors(similarity, 0.95) == [0, 1, 2, 3]
    assert cluster_vectors(np.zeros((0, 0)), 0.5) == []


def test_small_batches_cluster_as_scipy_does() -> None:
    """Up to linkage.SMALL rows the tree is built without SciPy: the same partitions as SciPy's average linkage,
    on random similarities (with negative ones, near-ties and blocks of related rows) at several cuts."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    from parallax.group import linkage as module

    def scipy_labels(similarity: np.ndarray, threshold: float) -> list[int]:
        distance = 1.0 - np.clip(similarity, -1.0, 1.0)
        distance = (distance + distance.T) / 2.0
        np.fill_diagonal(distance, 0.0)
        offset = max(0.0, -float(distance.min()))
        tree = linkage(squareform(distance + offset, checks=False), method="average")
        raw = fcluster(tree, t=1.0 - threshold + offset, criterion="distance")
        relabel: dict[int, int] = {}
        return [relabel.setdefault(int(label), len(relabel)) for label in raw]

    rng = np.random.default_rng(7)
    checked = 0
    for trial in range(300):
        n = int(rng.integers(2, module.SMALL + 1))
        groups = rng.integers(0, max(1, n // 3), size=n)
        base = np.where(groups[:, None] == groups[None, :], 0.6, 0.1)
        noise = rng.normal(0.0, 0.25, size=(n, n))
        similarity = np.clip(base + (noise + noise.T) / 2.0, -0.5, 1.0)
        if trial % 5 == 0:
            similarity = np.round(similarity, 1)  # ties
        np.fill_diagonal(similarity, 1.0)
        for threshold in (0.2, 0.35, 0.5, 0.7):
            assert cluster_vectors(similarity, threshold) == scipy_labels(similarity, threshold)
            checked += 1
    assert checked == 1200


# --- property: a partition of the input, whatever the input ------------------------------------------------------

_PEOPLE = ["Ana Silva", "Tomas Berg", "Li Wen", "Omar Haddad"]
_PLACES = ["Calloway", "Brennick", "Norland"]
_EVENTS = ["strike at the port", "flood in the valley", "election of a mayor", "fire at a warehouse"]


@st.composite
def _articles(draw: st.DrawFn) -> list[AnnotatedArticle]:
    count = draw(st.integers(0, 7))
    out: list[AnnotatedArticle] = []
    for i in range(count):
        person = draw(st.sampled_from(_PEOPLE))
        place = draw(st.sampled_from(_PLACES))
        event = draw(st.sampled_from(_EVENTS))
        day = draw(st.sampled_from([None, "2021-05-01", "2021-05-02", "2022-11-20"]))
        text = f"{person} spoke about the {event} in {place}."
        entities = (
            Entity(person, "PERSON", 0, len(person), 0, person),
            Entity(place, "GPE", text.index(place), text.index(place) + len(place), 0, place),
        )
        article = Article(
            id=f"a{i}", source=f"a{i}.txt", text=text, title=draw(st.sampled_from([None, event])), published=day
        )
        sentence = Sentence(article.id, 0, 0, len(text), text)
        out.append(AnnotatedArticle(article=article, sentences=(sentence,), entities=entities))
    return out


@settings(max_examples=25, deadline=None)
@given(articles=_articles(), seed=st.integers(0, 1000))
def test_property_partition_of_input(articles: list[AnnotatedArticle], seed: int) -> None:
    stories = group_stories(articles)
    ids = [aid for s in stories for aid in s.articles]
    assert sorted(ids) == sorted(a.id for a in articles)  # each article in exactly one story
    assert all(len(s.reasons) == len(s.articles) for s in stories)
    sizes = [len(s.articles) for s in stories]
    assert sizes == sorted(sizes, reverse=True)
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    assert _partition(group_stories(shuffled)) == _partition(stories)


def test_copy_chains_and_cycles_keep_every_article() -> None:
    def annotated(aid: str) -> AnnotatedArticle:
        return AnnotatedArticle(article=Article(id=aid, source=aid, text=f"Text of {aid} about a bridge."))

    articles = [annotated(x) for x in ("a", "b", "c", "d", "e")]
    duplicates = [
        DuplicateGroup(original="a", copies=("b",)),
        DuplicateGroup(original="b", copies=("c",)),  # c -> b -> a
        DuplicateGroup(original="d", copies=("e",)),
        DuplicateGroup(original="e", copies=("d",)),  # a cycle: neither is anyone's copy
    ]
    stories = group_stories(articles, duplicates=duplicates)
    assert sorted(aid for s in stories for aid in s.articles) == ["a", "b", "c", "d", "e"]
    by_article = {aid: s for s in stories for aid in s.articles}
    assert by_article["c"] is by_article["a"]


def test_an_encoder_passed_in_replaces_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    import parallax.embed
    from parallax.embed import DIMENSIONS, Matrix
    from parallax.group.batch import describe_story
    from parallax.group.evidence import features, pair_similarity, text_similarity

    def default(texts: Sequence[str]) -> Matrix:
        raise AssertionError("the default encoder was used")

    monkeypatch.setattr(parallax.embed, "encode", default)

    class Same:
        """Embeds every text as one unit vector (lead cosine 1 for every pair) and counts the texts."""

        texts = 0

        def encode(self, texts: Sequence[str]) -> Matrix:
            self.texts += len(texts)
            return np.full((len(texts), DIMENSIONS), DIMENSIONS**-0.5, dtype=np.float32)

    texts = ("A bridge reopened after repairs on Monday.", "Talks on a trade deal stalled in Geneva.")
    articles = [AnnotatedArticle(article=Article(id=f"a{n}", source="x", text=t)) for n, t in enumerate(texts)]
    encoder = Same()
    for streaming in (False, True):
        stories = group_stories(articles, streaming=streaming, encoder=encoder)
        assert sorted(aid for story in stories for aid in story.articles) == ["a0", "a1"]
    assert describe_story(articles, encoder=encoder).articles == ("a0", "a1")
    assert pair_similarity(articles, encoder=encoder).shape == (2, 2)
    assert len(features(articles, encoder=encoder)) == 2
    assert text_similarity([a.article for a in articles], encoder=encoder)[0, 1] == pytest.approx(1.0)
    assert encoder.texts == 2 * 6
