"""Facts: sentences from different articles of one story that state the same claim.

How (see DESIGN.md "Facts"):

1. Similarity of two sentences = a mix of MiniLM cosine and an IDF-weighted content-word cosine computed inside the
   story (shared rare words such as names and figures count; function words do not).
2. Candidate links between two articles are **mutual nearest neighbours** above ``MNN_MIN``, plus any pair above
   ``STRONG_MIN``. Mutual is taken with a small margin (``MNN_MARGIN``): the pair is within the margin of each
   sentence's best match in the other article. Mutuality is what keeps two close claims about one event apart
   ("ready to cooperate with X" vs "will not follow Y's ban on X"): each sentence links to the claim it states best,
   not to every sentence on the topic. The margin lets a sentence link to a near-tie too, which strict argmax
   mutuality drops (an article that states the claim twice, or a second outlet's wording that is a hair less similar
   than some topical sentence); the merge step below still has to accept the link.
3. Links are merged strongest first into facts (average linkage, ``AVERAGE_MIN``), with a cannot-link rule: two
   sentences of one article join one fact only when they are themselves near-paraphrases (``SAME_ARTICLE_MIN``),
   since an article rarely states one claim twice.
4. Each remaining single sentence joins the fact it fits best when its mean similarity to that fact's sentences from
   other articles reaches ``ATTACH_MIN``.

Every sentence ends in exactly one fact; facts stated by one article only are that article's exclusives.
Thresholds: a grid over both labelled corpora we have (the bundled example corpus, gold in
examples/corpus.gold.json, and the seeds in ../shared, gold in ../shared/eval), choosing the setting whose worse
facts F1 of the two is highest, and inside the plateau of equal settings its middle (so one flipped link does not
move the result). Measured (pairwise facts P/R/F1 of ../shared/eval/score_report.py, sentences and vectors of the
pipeline): strict mutual NN with weight 0.6 gave seeds 1.00/.567/.723 and examples .878/.683/.768; the margin
(0.02 to 0.06 all equal) with weight 0.65 and MNN_MIN 0.3 gives seeds 1.00/.667/.800 and examples .876/.746/.806.
Weight 0.7 scores examples .819 but falls off a cliff on the seeds at margin 0.04; settings tuned on one corpus
alone lose on the other. Tried and not kept (no gain on the worse corpus): lexical similarity on the claim core
with attribution clauses ("..., X said", "according to X,") stripped (best worse-F1 over the grid .787);
embedding that core as well (re-encodes ~30% of the sentences; -.15 on the seeds at the old thresholds, not
gridded); a reassignment pass moving members to a fact they fit better (-.07); letting an article's second
statement of a claim join a fact at a lower same-article bar; requiring a margin over the second-best fact at
attach. ``ATTACH_MIN`` from 0.35 to 0.55 scores the same.
``tests/test_quality.py`` pins the resulting scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models import AnnotatedArticle, Fact, FactMention, Sentence, content_id

__all__ = ["align_facts", "sentence_similarity"]

EMBEDDING_WEIGHT = 0.65  # share of MiniLM cosine in the mix; the rest is lexical (IDF content-word cosine)
MNN_MIN = 0.3  # mutual nearest neighbours across two articles link at or above this mixed similarity
MNN_MARGIN = 0.04  # "mutual" means within this of both sentences' best match in the other article, not only the best
STRONG_MIN = 0.75  # any cross-article pair this similar links, mutual or not (near-verbatim copies)
AVERAGE_MIN = 0.35  # two groups merge only when their mean pairwise similarity reaches this
SAME_ARTICLE_MIN = 0.85  # two sentences of one article share a fact only when this similar
ATTACH_MIN = 0.55  # a lone sentence joins its best fact at this mean similarity to other articles' sentences
MIN_WORDS = 4  # shorter sentences (datelines, fragments) are facts of their own and never aligned
PAIR_SLICE = 65_536  # links turned into Python ints at a time
ATTACH_SLACK = 1e-3  # float32 rounding room when ruling out facts a lone sentence cannot reach ATTACH_MIN with

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*", re.UNICODE)
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say told according
    reported report reports one two new also however would could may might""".split()
)

Matrix = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Item:
    article: str
    sentence: Sentence


def _terms(text: str) -> list[str]:
    out = []
    for match in _WORD.finditer(text.lower()):
        word = match.group().replace("’", "'").strip("'-.,")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 3 and not word[:1].isdigit():
            continue
        if word in _STOP:
            continue
        # crude stemming: plural and -ing/-ed endings, enough to match cooperate/cooperation/cooperating roughly
        for suffix in ("ations", "ation", "ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


def _lexical(texts: Sequence[str]) -> Matrix:
    """IDF-weighted content-word cosine between all texts (IDF computed over these texts). The term matrix is
    sparse: dense, it took texts x vocabulary floats (two articles of 2,000 sentences of distinct words: ~400 MB)."""
    from scipy.sparse import csr_matrix

    bags = [Counter(_terms(t)) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(texts)
    vocab = {w: i for i, w in enumerate(sorted(df))}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, bag in enumerate(bags):
        for word, count in bag.items():
            rows.append(row)
            cols.append(vocab[word])
            values.append((1.0 + math.log(count)) * math.log((n + 1) / (df[word] + 0.5)))
    weights = np.asarray(values, dtype=np.float32)
    norms = np.zeros(n, dtype=np.float32)
    np.add.at(norms, np.asarray(rows, dtype=np.int64), weights * weights)
    weights /= np.maximum(np.sqrt(norms), 1e-9)[np.asarray(rows, dtype=np.int64)] if values else 1.0
    matrix = csr_matrix((weights, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float32)
    result: Matrix = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float32)
    return result


def sentence_similarity(texts: Sequence[str], vectors: Matrix) -> Matrix:
    """The mixed similarity used for alignment: ``EMBEDDING_WEIGHT`` x cosine + the rest x lexical cosine."""
    semantic = vectors @ vectors.T
    mixed: Matrix = EMBEDDING_WEIGHT * semantic + (1.0 - EMBEDDING_WEIGHT) * _lexical(texts)
    return mixed


def _links(
    sim: Matrix, owner: NDArray[np.int64], usable: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Candidate links as sentence pairs (i, j), strongest first (ties by i, then j). Whole blocks at a time: a
    Python loop over every pair took ~3 s for two articles of 1,000 sentences."""
    scores: list[NDArray[np.float64]] = []
    firsts: list[NDArray[np.int64]] = []
    seconds: list[NDArray[np.int64]] = []
    articles = sorted(set(owner[usable].tolist()))
    for x, a in enumerate(articles):
        rows = np.where((owner == a) & usable)[0]
        for b in articles[x + 1 :]:
            cols = np.where((owner == b) & usable)[0]
            block = sim[np.ix_(rows, cols)]
            # each sentence's best score in the other article, less the margin: a pair within it of both is mutual
            row_floor = block.max(axis=1) - MNN_MARGIN
            col_floor = block.max(axis=0) - MNN_MARGIN
            mutual = (block >= row_floor[:, None]) & (block >= col_floor[None, :])
            wide = block.astype(np.float64)  # the thresholds compared as Python floats, as one pair at a time did
            r, c = np.nonzero((mutual & (wide >= MNN_MIN)) | (wide >= STRONG_MIN))
            scores.append(wide[r, c])
            firsts.append(rows[r])
            seconds.append(cols[c])
    if not scores:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    score, first, second = np.concatenate(scores), np.concatenate(firsts), np.concatenate(seconds)
    order = np.lexsort((second, first, -score))
    return first[order], second[order]


def _pairs(first: NDArray[np.int64], second: NDArray[np.int64]) -> Iterator[tuple[int, int]]:
    """The links as Python ints, a slice at a time: an article repeating one sentence links every pair (millions)."""
    for start in range(0, len(first), PAIR_SLICE):
        yield from zip(
            first[start : start + PAIR_SLICE].tolist(), second[start : start + PAIR_SLICE].tolist(), strict=True
        )


def _compatible(sim: Matrix, owner: NDArray[np.int64], left: list[int], right: list[int]) -> bool:
    """No two sentences of one article in ``left`` and ``right`` unless they are near-paraphrases."""
    same = owner[left][:, None] == owner[right][None, :]
    return not (same.any() and bool((sim[np.ix_(left, right)][same] < SAME_ARTICLE_MIN).any()))


def _group(sim: Matrix, owner: NDArray[np.int64], usable: NDArray[np.bool_]) -> list[list[int]]:
    n = len(owner)
    group_of = list(range(n))
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    for i, j in _pairs(*_links(sim, owner, usable)):
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        left, right = groups[gi], groups[gj]
        if float(sim[np.ix_(left, right)].mean()) < AVERAGE_MIN or not _compatible(sim, owner, left, right):
            continue
        keep, drop = (gi, gj) if gi < gj else (gj, gi)
        groups[keep] = groups[keep] + groups.pop(drop)
        for k in groups[keep]:
            group_of[k] = keep
    for i, g in _attach(sim, owner, usable, groups, group_of):
        groups.pop(group_of[i])
        groups[g].append(i)
        group_of[i] = g
    return [sorted(m) for m in groups.values()]


def _attach(
    sim: Matrix, owner: NDArray[np.int64], usable: NDArray[np.bool_], groups: dict[int, list[int]], group_of: list[int]
) -> list[tuple[int, int]]:
    """(sentence, group) for each lone sentence that joins the multi-article fact it fits best.

    A fact is scored only when the sentence is near ``ATTACH_MIN`` to one of its sentences from another article (a
    mean cannot pass its largest value): scoring every fact for every lone sentence took 27 s for two articles of
    2,000 sentences."""
    cores = {g: m for g, m in groups.items() if len(set(owner[m].tolist())) > 1}
    rank = {g: r for r, g in enumerate(cores)}
    core_of = np.full(len(owner), -1, dtype=np.int64)
    for g, members in cores.items():
        core_of[members] = g
    moves: list[tuple[int, int]] = []
    for i in range(len(owner)):
        if not usable[i] or len(groups[group_of[i]]) > 1:
            continue
        near = np.nonzero((sim[i] >= ATTACH_MIN - ATTACH_SLACK) & (owner != owner[i]) & (core_of >= 0))[0]
        best, best_score = -1, ATTACH_MIN
        for g in sorted(set(core_of[near].tolist()), key=rank.__getitem__):
            members = cores[g]
            others = [k for k in members if owner[k] != owner[i]]
            if not others or not _compatible(sim, owner, [i], members):
                continue
            score = float(sim[i, others].mean())
            if score >= best_score:
                best, best_score = g, score
        if best >= 0:
            moves.append((i, best))
    return moves


def align_facts(
    story_id: str,
    articles: Sequence[AnnotatedArticle],
    vectors: dict[str, Matrix],
    *,
    copies: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> tuple[Fact, ...]:
    """Group the sentences of a story's articles into facts.

    ``vectors`` maps article id -> one embedding row per sentence (in sentence order). ``copies`` maps a copy's id
    to its original's, so a copy never counts as independent confirmation. ``published`` gives sort keys (ISO dates)
    for deciding who reported a fact first. Facts come out ordered by the number of independent sources (desc),
    then by first appearance.
    """
    copies = copies or {}
    published = published or {}
    items: list[_Item] = [_Item(a.id, s) for a in articles for s in a.sentences]
    if not items:
        return ()
    texts = [item.sentence.text for item in items]
    matrix = np.concatenate([vectors[a.id] for a in articles if a.sentences], axis=0)
    sim = sentence_similarity(texts, matrix)
    index = {a.id: k for k, a in enumerate(articles)}
    owner = np.array([index[item.article] for item in items], dtype=np.int64)
    usable = np.array([len(_WORD.findall(t)) >= MIN_WORDS for t in texts], dtype=np.bool_)
    groups = _group(sim, owner, usable)

    order = {a.id: k for k, a in enumerate(articles)}
    facts: list[tuple[tuple[int, int, int], Fact]] = []
    for members in groups:
        members = sorted(members, key=lambda k: (order[items[k].article], items[k].sentence.index))
        centre = max(members, key=lambda k: float(sim[k, members].mean())) if len(members) > 2 else members[0]
        sources = tuple(dict.fromkeys(items[k].article for k in members))
        independent = tuple(dict.fromkeys(copies.get(s, s) for s in sources))
        dated = [s for s in sources if published.get(s)]
        first = min(dated, key=lambda s: (published[s], order[s])) if dated else None
        mentions = tuple(
            FactMention(
                article_id=items[k].article,
                sentence=items[k].sentence.index,
                text=items[k].sentence.text,
                start=items[k].sentence.start,
                end=items[k].sentence.end,
                similarity=round(float(sim[k, centre]), 3),
            )
            for k in members
        )
        key = content_id(story_id, *(f"{m.article_id}:{m.sentence}" for m in mentions))
        fact = Fact(
            id=f"f-{key[:10]}",
            story_id=story_id,
            text=items[centre].sentence.text,
            mentions=mentions,
            sources=sources,
            independent=independent,
            first=first,
        )
        first_seen = min(members)
        facts.append(((-len(independent), -len(sources), first_seen), fact))
    facts.sort(key=lambda pair: pair[0])
    return tuple(fact for _, fact in facts)
