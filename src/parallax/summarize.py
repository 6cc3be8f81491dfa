"""A neutral extractive summary of a story: every sentence copied verbatim from a source and cited.

Facts are scored by how many independent outlets state them (copies do not count twice) and how central their
sentence is to the story; sentences are picked greedily with maximal marginal relevance so that the summary does not
repeat itself. Then come up to ``EXCLUSIVES`` facts that only one outlet reports, marked as such.

Neutrality: each fact is voiced by its plainest wording, the mention with the fewest loaded terms (slanted or
emotive words found by ``framing``), and a fact only loaded wordings state is ranked down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .models import Fact, FactMention, StoryAnalysis, SummarySentence

__all__ = ["summarize"]

LENGTH = 5  # sentences covering facts several outlets agree on
EXCLUSIVES = 3  # then sentences only one outlet reports
REDUNDANCY_MAX = 0.75  # a candidate this similar (MiniLM cosine) to a chosen sentence is skipped
MMR_LAMBDA = 0.7  # weight of relevance against novelty in maximal marginal relevance
LOADED_PENALTY = 0.25  # relevance lost per loaded term in a fact's plainest wording
MIN_WORDS = 8  # summary sentences are full sentences, not datelines or fragments
MAX_WORDS = 60

Matrix = NDArray[np.float32]


def _plainest(fact: Fact, loaded: Mapping[tuple[str, int], int]) -> FactMention:
    """The mention with the fewest loaded terms; ties go to an original over a syndicated copy, then to the fact's
    central sentence, then to reading order."""
    return min(
        fact.mentions,
        key=lambda m: (
            loaded.get((m.article_id, m.sentence), 0),
            m.article_id not in fact.independent,
            m.text != fact.text,
        ),
    )


def _vector(fact: Fact, vectors: dict[str, Matrix]) -> Matrix | None:
    for mention in fact.mentions:
        if mention.text == fact.text and mention.article_id in vectors:
            rows = vectors[mention.article_id]
            if mention.sentence < len(rows):
                row: Matrix = rows[mention.sentence]
                return row
    return None


def _usable(fact: Fact) -> bool:
    words = len(fact.text.split())
    return MIN_WORDS <= words <= MAX_WORDS and not fact.text.rstrip().endswith("?")


def _pick(
    candidates: Sequence[Fact],
    vectors: dict[str, Matrix],
    chosen: list[Matrix],
    limit: int,
    loaded: Mapping[tuple[str, int], int],
    budget: int | None = None,
) -> list[Fact]:
    if not candidates or limit <= 0 or (budget is not None and budget <= 0):
        return []
    top = max(len(f.independent) for f in candidates)
    centroid = None
    vecs = [_vector(f, vectors) for f in candidates]
    present = [v for v in vecs if v is not None]
    if present:
        centroid = np.mean(present, axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    relevance = []
    for fact, vec in zip(candidates, vecs, strict=True):
        support = len(fact.independent) / max(top, 1)
        central = float(vec @ centroid) if vec is not None and centroid is not None else 0.0
        plain = _plainest(fact, loaded)
        penalty = LOADED_PENALTY * loaded.get((plain.article_id, plain.sentence), 0)
        relevance.append(0.7 * support + 0.3 * central - penalty)
    picked: list[Fact] = []
    remaining = list(range(len(candidates)))
    spent = 0
    while remaining and len(picked) < limit and (budget is None or spent < budget):
        best, best_score = -1, -1e9
        for i in remaining:
            vec = vecs[i]
            redundancy = max((float(vec @ c) for c in chosen), default=0.0) if vec is not None else 0.0
            if redundancy >= REDUNDANCY_MAX:
                continue
            score = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        remaining.remove(best)
        picked.append(candidates[best])
        spent += len(candidates[best].text.split())
        if vecs[best] is not None:
            chosen.append(vecs[best])  # type: ignore[arg-type]
    return picked


def _lead(facts: Sequence[Fact], limit: int, words: int | None) -> list[Fact]:
    out: list[Fact] = []
    spent = 0
    for fact in facts[:limit]:
        if words is not None and spent >= words:
            break
        out.append(fact)
        spent += len(fact.text.split())
    return out


def summarize(
    analysis: StoryAnalysis,
    vectors: dict[str, Matrix],
    loaded: Mapping[tuple[str, int], int] | None = None,
    *,
    words: int | None = None,
) -> tuple[SummarySentence, ...]:
    """Summary sentences for one story: shared facts first, then exclusives.

    ``vectors``: article id -> one embedding row per sentence; ``loaded``: (article id, sentence index) -> number of
    loaded terms in that sentence. ``words``: instead of ``LENGTH`` + ``EXCLUSIVES`` sentences, as many as it takes
    to reach this many words (shared facts first, then exclusives).
    """
    loaded = loaded or {}
    facts = [f for f in analysis.facts if _usable(f)]
    shared = [f for f in facts if len(f.independent) > 1]
    single = [f for f in facts if len(f.independent) <= 1]
    chosen: list[Matrix] = []
    length, exclusives = (LENGTH, EXCLUSIVES) if words is None else (len(facts), len(facts))
    picked = _pick(shared, vectors, chosen, length, loaded, words)
    if len(analysis.story.articles) == 1:
        # one article: its lead sentences are the best summary of itself
        picked = _lead(sorted(single, key=lambda f: f.mentions[0].sentence), length, words)
        extra: list[Fact] = []
    else:
        left = None if words is None else words - sum(len(f.text.split()) for f in picked)
        extra = _pick(single, vectors, chosen, exclusives, loaded, left)
    out = []
    for fact, exclusive in [(f, False) for f in picked] + [(f, True) for f in extra]:
        mention = _plainest(fact, loaded)
        out.append(
            SummarySentence(
                text=mention.text,
                article_id=mention.article_id,
                sentence=mention.sentence,
                sources=fact.sources,
                fact_id=fact.id,
                exclusive=exclusive,
            )
        )
    return tuple(out)
