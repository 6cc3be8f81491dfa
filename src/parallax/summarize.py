"""A neutral extractive summary of a story: every sentence copied verbatim from a source and cited.

Facts are scored by how many independent outlets state them (copies do not count twice) and how central their
sentence is to the story; sentences are picked greedily with maximal marginal relevance so that the summary does not
repeat itself. Then come up to ``EXCLUSIVES`` facts that only one outlet reports, marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .models import Fact, StoryAnalysis, SummarySentence

__all__ = ["summarize"]

LENGTH = 5  # sentences covering facts several outlets agree on
EXCLUSIVES = 3  # then sentences only one outlet reports
REDUNDANCY_MAX = 0.75  # a candidate this similar (MiniLM cosine) to a chosen sentence is skipped
MMR_LAMBDA = 0.7  # weight of relevance against novelty in maximal marginal relevance
MIN_WORDS = 8  # summary sentences are full sentences, not datelines or fragments
MAX_WORDS = 60

Matrix = NDArray[np.float32]


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
    candidates: Sequence[Fact], vectors: dict[str, Matrix], chosen: list[Matrix], limit: int
) -> list[Fact]:
    if not candidates or limit <= 0:
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
        relevance.append(0.7 * support + 0.3 * central)
    picked: list[Fact] = []
    remaining = list(range(len(candidates)))
    while remaining and len(picked) < limit:
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
        if vecs[best] is not None:
            chosen.append(vecs[best])  # type: ignore[arg-type]
    return picked


def summarize(analysis: StoryAnalysis, vectors: dict[str, Matrix]) -> tuple[SummarySentence, ...]:
    """Summary sentences for one story, in reading order: shared facts first, then exclusives."""
    facts = [f for f in analysis.facts if _usable(f)]
    shared = [f for f in facts if len(f.independent) > 1]
    single = [f for f in facts if len(f.independent) <= 1]
    chosen: list[Matrix] = []
    picked = _pick(shared, vectors, chosen, LENGTH)
    if len(analysis.story.articles) == 1:
        # one article: its lead sentences are the best summary of itself
        picked = sorted(single, key=lambda f: f.mentions[0].sentence)[:LENGTH]
        extra: list[Fact] = []
    else:
        extra = _pick(single, vectors, chosen, EXCLUSIVES)
    out = []
    for fact, exclusive in [(f, False) for f in picked] + [(f, True) for f in extra]:
        mention = next(m for m in fact.mentions if m.text == fact.text)
        out.append(
            SummarySentence(
                text=fact.text,
                article_id=mention.article_id,
                sentence=mention.sentence,
                sources=fact.sources,
                fact_id=fact.id,
                exclusive=exclusive,
            )
        )
    return tuple(out)
