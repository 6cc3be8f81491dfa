"""Batch: a whole batch of articles into stories, one per real-world event, kept apart from related but different
events.

Every pair is scored on the evidence of ``parallax.group.evidence`` (``all_pairs``); the combined similarity goes
into **average-linkage** agglomerative clustering cut at ``THRESHOLD``: a cluster joins another only if its articles
are similar *on average*, so one shared word or name cannot chain two events (single linkage would). Copies found by
``parallax.group.copies`` are not clustered on their own: each joins its original's story. Articles are clustered
in the order of their ids, so the partition does not depend on the input order. Batches larger than
``STREAMING_ABOVE`` stream through a ``parallax.group.stream.StoryIndex`` instead.

Reads: ``AnnotatedArticle`` (article title, text, publication date; sentences, entities, dates).
Writes: ``Story`` records with, per article, a one-line reason why it joined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import numpy as np

from ..days import publication_day
from ..embed import Encoder
from ..models import AnnotatedArticle, DuplicateGroup, Story
from .evidence import THRESHOLD, WINDOW_DAYS, Evidence, Profile, all_pairs, article_profile, features
from .linkage import cluster_vectors
from .stories import STARTS, Key, closest_reason, copy_reason, in_story_order, ranked, story
from .stream import StoryIndex

__all__ = ["describe_story", "group_stories"]

# Batches larger than this are grouped by streaming (parallax.group.stream: each article, in date order, against the
# candidate stories an approximate nearest-neighbour index finds) instead of the full pairwise matrix, whose time
# and memory grow with the square of the batch (1000 articles: 1M pairs, a few seconds and ~60 MB; 100k would need
# hundreds of GB). Batches up to this size keep exact average linkage (ECB+, 446 documents, and BASIL, 150, among
# them, so the calibration figures stand); the streaming path's agreement is measured on ECB+ in docs/EVALUATION.md.
STREAMING_ABOVE = 1000


def group_stories(
    articles: Sequence[AnnotatedArticle],
    *,
    duplicates: Sequence[DuplicateGroup] = (),
    streaming: bool | None = None,
    encoder: Encoder | None = None,
) -> tuple[Story, ...]:
    """Partition ``articles`` into stories, one per real-world event.

    Up to STREAMING_ABOVE articles (not counting copies) are clustered by average linkage over all pairs; larger
    batches stream through ``parallax.group.stream.StoryIndex`` in date order (linear time and memory). ``streaming``
    forces one path or the other. ``encoder`` embeds the leads (``None``: the default encoder,
    ``parallax.embed.encode``).

    Every article lands in exactly one story. Copies named in ``duplicates`` join their original's story (when the
    original is in ``articles``). Stories come largest first, then by earliest publication date; the articles in a
    story by publication date, then input order. Each story's ``reasons`` say why each article joined.
    """
    if isinstance(articles, (str, bytes)) or not all(isinstance(a, AnnotatedArticle) for a in articles):
        raise TypeError("group_stories() takes a sequence of AnnotatedArticle records")
    if not articles:
        return ()
    copy_of = _copies(articles, duplicates)
    if streaming if streaming is not None else len(articles) - len(copy_of) > STREAMING_ABOVE:
        return _group_streaming(articles, copy_of, encoder)

    heads = _heads(articles, copy_of)
    profiles = [article_profile(articles[i], i) for i in heads]
    evidence = all_pairs(profiles, encoder=encoder)
    labels = cluster_vectors(evidence.combined, THRESHOLD)

    members: dict[int, list[int]] = defaultdict(list)  # label -> positions in ``heads``
    for pos, label in enumerate(labels):
        members[label].append(pos)
    return ranked(_story(articles, heads, profiles, evidence, positions, copy_of) for positions in members.values())


# --- copies -----------------------------------------------------------------------------------------------------------


def _copies(articles: Sequence[AnnotatedArticle], duplicates: Sequence[DuplicateGroup]) -> dict[int, tuple[int, float]]:
    """Position of each copy among ``articles`` -> (position of its original, similarity), chains resolved."""
    position = {a.id: i for i, a in enumerate(articles)}
    copy_of: dict[int, tuple[int, float]] = {}
    for group in duplicates:
        if group.original not in position:
            continue
        for n, copy in enumerate(group.copies):
            if copy in position and copy != group.original:
                similarity = group.similarity[n] if n < len(group.similarity) else 1.0
                copy_of[position[copy]] = (position[group.original], similarity)
    return _resolve_chains(copy_of)


def _resolve_chains(copy_of: dict[int, tuple[int, float]]) -> dict[int, tuple[int, float]]:
    """Point each copy at an article that is not itself a copy; copies in a cycle are clustered like the rest."""
    resolved: dict[int, tuple[int, float]] = {}
    for copy, (original, similarity) in copy_of.items():
        seen = {copy}
        while original in copy_of and original not in seen:
            seen.add(original)
            original = copy_of[original][0]
        if original not in seen:
            resolved[copy] = (original, similarity)
    return resolved


# --- up to STREAMING_ABOVE: a story per cluster -----------------------------------------------------------------------


def _heads(articles: Sequence[AnnotatedArticle], copy_of: dict[int, tuple[int, float]]) -> list[int]:
    """The positions of the articles that are not copies, in a canonical order (by id): what is clustered, so the
    partition never depends on the input order."""
    return sorted((i for i in range(len(articles)) if i not in copy_of), key=lambda i: articles[i].id)


def _story(
    articles: Sequence[AnnotatedArticle],
    heads: Sequence[int],
    profiles: Sequence[Profile],
    evidence: Evidence,
    positions: Sequence[int],
    copy_of: dict[int, tuple[int, float]],
) -> tuple[Key, Story]:
    """One story from the clustered positions (into ``heads``), with its copies, reasons, title and sort key."""
    head_set = {heads[p] for p in positions}
    indices = [heads[p] for p in positions] + [c for c, (o, _) in copy_of.items() if o in head_set]
    ordered = in_story_order(articles, indices)
    pos_of = {heads[p]: p for p in positions}
    clustered = [pos_of[i] for i in ordered if i in pos_of]
    reasons: list[str] = []
    for index in ordered:
        if index in copy_of:
            original, similarity = copy_of[index]
            reasons.append(copy_reason(articles[original].id, similarity))
        elif pos_of[index] == clustered[0]:
            reasons.append(STARTS)
        else:
            others = [p for p in clustered if p != pos_of[index]]
            reasons.append(_closest(articles, profiles, evidence, pos_of[index], others))
    # the title: the most central article's (highest summed similarity to the other members), preferring
    # articles that have a title over a first sentence
    block = evidence.combined[np.ix_(clustered, clustered)]
    centrality = block.sum(axis=1)
    central = max(
        range(len(clustered)),
        key=lambda k: (bool(articles[heads[clustered[k]]].article.title), centrality[k], -k),
    )
    return story(articles, ordered, reasons, heads[clustered[central]])


def _closest(
    articles: Sequence[AnnotatedArticle],
    profiles: Sequence[Profile],
    evidence: Evidence,
    pos: int,
    others: Sequence[int],
) -> str:
    """The reason of the article at ``pos``: the one among ``others`` it is most similar to."""
    closest = max(others, key=lambda o: (evidence.combined[pos, o], -o))
    mine, theirs = profiles[pos], profiles[closest]
    return closest_reason(articles[theirs.index].id, evidence.combined[pos, closest], mine, theirs)


# --- above STREAMING_ABOVE: the stream --------------------------------------------------------------------------------


def _group_streaming(
    articles: Sequence[AnnotatedArticle], copy_of: dict[int, tuple[int, float]], encoder: Encoder | None
) -> tuple[Story, ...]:
    """Large batches: stream the non-copies through a ``StoryIndex`` in date order (then id), copies join their
    original's story. Linear in the batch; each article's reason is the streaming decision."""
    position = {a.id: i for i, a in enumerate(articles)}
    heads = _date_order(articles, [i for i in range(len(articles)) if i not in copy_of])
    index = StoryIndex(story_id=lambda a: a.id)
    reasons: dict[str, str] = {}
    chunk = 256  # leads are encoded in chunks: the encoder batches, and features never pile up beyond the window
    for start in range(0, len(heads), chunk):
        # positions, not records: a batch spilled to disk (``engine.spill``) is read back a chunk at a time
        part = [articles[i] for i in heads[start : start + chunk]]
        for article, feature in zip(part, features(part, encoder=encoder), strict=True):
            placement = index.add(article, feature)
            reasons[article.id] = placement.reason
            for article_id, note in placement.moved:  # a split moved earlier articles to a new story
                reasons[article_id] = f"{reasons[article_id]}; {note}"
        for article_id, note in index.refine([a.id for a in part]).items():
            reasons[article_id] = f"{reasons[article_id]}; {note}"
        if index.newest is not None:
            index.forget_before(index.newest - 2 * WINDOW_DAYS)
    members: dict[str, list[int]] = {sid: [position[a] for a in ids] for sid, ids in index.stories().items()}
    story_of = {i: sid for sid, idx in members.items() for i in idx}
    for copy, (original, similarity) in copy_of.items():
        members[story_of[original]].append(copy)
        reasons[articles[copy].id] = copy_reason(articles[original].id, similarity)
    stories: list[tuple[Key, Story]] = []
    for indices in members.values():
        ordered = in_story_order(articles, indices)
        titled = [i for i in ordered if (articles[i].article.title or "").strip()]
        stories.append(story(articles, ordered, [reasons[articles[i].id] for i in ordered], (titled or ordered)[0]))
    return ranked(stories)


def _date_order(articles: Sequence[AnnotatedArticle], indices: list[int]) -> list[int]:
    """The positions ``indices`` in the order ``stream.in_date_order`` puts their articles (day, undated last, id)."""
    keys: dict[int, tuple[bool, date, str]] = {}
    for i in indices:
        day = publication_day(articles[i].article.published)
        keys[i] = (day is None, day or date.max, articles[i].id)
    return sorted(indices, key=keys.__getitem__)


# --- incremental use (parallax.engine.store) --------------------------------------------------------------------------


def describe_story(
    articles: Sequence[AnnotatedArticle],
    *,
    duplicates: Sequence[DuplicateGroup] = (),
    encoder: Encoder | None = None,
) -> Story:
    """All ``articles`` as one story (no clustering): its order, reasons and title as ``group_stories`` gives them.

    For a story whose members were decided elsewhere (an incremental store adding articles to a story). ``encoder``
    embeds the leads (``None``: the default encoder).
    """
    if isinstance(articles, (str, bytes)) or not articles:
        raise TypeError("describe_story() takes a non-empty sequence of AnnotatedArticle records")
    copy_of = _copies(articles, duplicates)
    heads = _heads(articles, copy_of)
    profiles = [article_profile(articles[i], i) for i in heads]
    _, record = _story(articles, heads, profiles, all_pairs(profiles, encoder=encoder), range(len(heads)), copy_of)
    return record
