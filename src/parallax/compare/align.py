"""Facts: sentences from different articles of one story that state the same claim.

How (see docs/ARCHITECTURE.md and docs/EVALUATION.md "claims"):

1. **Candidates.** For each sentence, its ``CANDIDATES_PER_ARTICLE`` most similar sentences in every other article
   of the story, at or above ``CANDIDATE_MIN`` of the mixed similarity (``EMBEDDING_WEIGHT`` x MiniLM cosine + the
   rest x an IDF-weighted content-word cosine computed inside the story). Bounded: a few pairs per sentence.
2. **Same claim?** Each candidate pair gets P(same claim) from the link model of :mod:`parallax.compare.claims`: the
   paraphrase probability (fitted on MSRP train), the similarities, how far the pair is from each sentence's best
   match in the other article (a sentence links to the claim it states best, not to every sentence on the topic),
   different quoted speakers, figures that differ and a one-sided negation. Its weights are fitted on hand-made claim
   golds (the seeds and BASIL triples of tests/data/claims/train), never on the held-out golds it is reported on.
   A pair that shares only the frame of a quotation (who spoke, about what) and none of the quoted words is never
   linked (``frame_only``).
3. **Facts.** Pairs are merged strongest first (average linkage over every cross-article pair of the two groups; a
   pair never proposed counts as 0), while the mean stays at or above ``LINK_MIN``. Topical similarity alone never
   joins two sentences.
4. **Related.** Candidate pairs that did not join a fact but are similar (mixed similarity >= ``RELATED_MIN``) are
   kept as the fact's ``related`` mentions: shown apart, labelled as weaker evidence, and counted toward no
   agreement, omission or citation.

Every sentence ends in exactly one fact; facts stated by one article only are that article's exclusives.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models import AnnotatedArticle, Fact, FactMention, Sentence, content_id
from .claims import MAX_CHARS, PairModel, claim_link_model, link_features, pair_features, same_claim_model
from .words import WORD, content_terms

__all__ = [
    "Candidates",
    "align_facts",
    "candidate_pairs",
    "frame_only",
    "group_sentences",
    "link_probabilities",
    "pair_probabilities",
    "pair_rows",
    "sentence_similarity",
]

EMBEDDING_WEIGHT = 0.65  # share of MiniLM cosine in the mixed similarity; the rest is lexical (IDF content-word cosine)
CANDIDATE_MIN = 0.2  # a pair below this mixed similarity is never a candidate
CANDIDATES_PER_ARTICLE = 8  # per sentence: its best matches in each other article that become candidates
RELATED_MIN = 0.45  # a candidate left out of a fact at or above this mixed similarity is shown as a related sentence
# Bounded work per story: a merge whose two groups have more cross-article pairs than MAX_CHECKED_PAIRS is refused,
# and at most MAX_SCORED_PAIRS pairs beyond the candidates are scored (past it an unscored pair counts as 0, which
# only ever refuses merges). An article of 2,000 copies of one sentence otherwise made grouping cubic.
MAX_CHECKED_PAIRS = 1_000
MAX_SCORED_PAIRS = 20_000
MIN_WORDS = 4  # shorter sentences (datelines, fragments) are facts of their own and never aligned

Matrix = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Item:
    article: str
    sentence: Sentence


def _lexical(texts: Sequence[str]) -> Matrix:
    """IDF-weighted content-word cosine between all texts (IDF computed over these texts). The term matrix is
    sparse: dense, it took texts x vocabulary floats (two articles of 2,000 sentences of distinct words: ~400 MB)."""
    from scipy.sparse import csr_matrix

    bags = [Counter(content_terms(t)) for t in texts]
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


def _candidates(sim: Matrix, owner: NDArray[np.int64], usable: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Pairs (i < j, different articles): each sentence's best ``CANDIDATES_PER_ARTICLE`` in each other article."""
    found: set[tuple[int, int]] = set()
    articles = sorted(set(owner[usable].tolist()))
    k = CANDIDATES_PER_ARTICLE
    for x, a in enumerate(articles):
        rows = np.where((owner == a) & usable)[0]
        for b in articles[x + 1 :]:
            cols = np.where((owner == b) & usable)[0]
            block = sim[np.ix_(rows, cols)]
            for r, top in enumerate(np.argsort(-block, axis=1, kind="stable")[:, :k]):
                found.update((int(rows[r]), int(cols[c])) for c in top if block[r, c] >= CANDIDATE_MIN)
            for c, top in enumerate(np.argsort(-block, axis=0, kind="stable")[:k, :].T):
                found.update((int(rows[r]), int(cols[c])) for r in top if block[r, c] >= CANDIDATE_MIN)
    return sorted((min(i, j), max(i, j)) for i, j in found)


def _best_elsewhere(sim: Matrix, owner: NDArray[np.int64], usable: NDArray[np.bool_]) -> Matrix:
    """best[i, b]: sentence i's highest similarity to a usable sentence of article b (-1 where none)."""
    count = int(owner.max()) + 1 if len(owner) else 0
    best = np.full((len(owner), count), -1.0, dtype=np.float32)
    for b in range(count):
        cols = (owner == b) & usable
        if cols.any():
            best[:, b] = sim[:, cols].max(axis=1)
    return best


def _link_rows(
    texts: Sequence[str],
    sim: Matrix,
    cosine: Matrix,
    owner: NDArray[np.int64],
    pairs: Sequence[tuple[int, int]],
    best: Matrix,
    speakers: Sequence[frozenset[str]],
    meaning: Sequence[float] | None = None,
) -> list[list[float]]:
    """The link model's features (compare.claims.LINK_FEATURES) of each candidate pair; ``meaning``: the paraphrase
    probabilities, when the caller has them (cross-fitted, for fitting), else the shipped paraphrase model's."""
    if not pairs:
        return []
    rows = [pair_features(texts[i], texts[j], float(cosine[i, j])) for i, j in pairs]
    if meaning is None:
        meaning = same_claim_model().probability(rows).tolist()
    lexical = (sim - EMBEDDING_WEIGHT * cosine) / (1.0 - EMBEDDING_WEIGHT)
    linked = []
    for (i, j), row, same in zip(pairs, rows, meaning, strict=True):
        margins = (float(sim[i, j] - best[i, owner[j]]), float(sim[i, j] - best[j, owner[i]]))
        differ = 1.0 if speakers[i] and speakers[j] and not speakers[i] & speakers[j] else 0.0
        context = (float(sim[i, j]), float(lexical[i, j]), min(margins), max(margins), differ)
        linked.append(link_features(row, same, context))
    return linked


@dataclass(frozen=True, slots=True)
class _Story:
    """What alignment computes of a story before grouping: its sentences, similarities and candidate pairs."""

    items: list[_Item]
    texts: list[str]
    sim: Matrix
    cosine: Matrix
    owner: NDArray[np.int64]
    best: Matrix
    speakers: list[frozenset[str]]
    pairs: list[tuple[int, int]]
    rows: list[list[float]]
    terms: list[frozenset[str]]
    quoted: list[frozenset[str]]

    def features(self, pairs: Sequence[tuple[int, int]]) -> list[list[float]]:
        """Link features of any pairs of the story (merges ask about pairs that were not candidates)."""
        return _link_rows(self.texts, self.sim, self.cosine, self.owner, pairs, self.best, self.speakers)

    def blocked(self, pairs: Sequence[tuple[int, int]]) -> list[bool]:
        """Pairs the link model is never asked about: they cannot state one claim (``frame_only``)."""
        return [frame_only(self.terms[i], self.terms[j], self.quoted[i], self.quoted[j]) for i, j in pairs]


def _prepare(articles: Sequence[AnnotatedArticle], vectors: dict[str, Matrix]) -> _Story | None:
    items: list[_Item] = [_Item(a.id, s) for a in articles for s in a.sentences]
    if not items:
        return None
    texts = [item.sentence.text for item in items]
    matrix = np.concatenate([vectors[a.id] for a in articles if a.sentences], axis=0)
    sim = sentence_similarity(texts, matrix)
    index = {a.id: k for k, a in enumerate(articles)}
    owner = np.array([index[item.article] for item in items], dtype=np.int64)
    usable = np.array([len(WORD.findall(t)) >= MIN_WORDS for t in texts], dtype=np.bool_)
    pairs = _candidates(sim, owner, usable)
    best = _best_elsewhere(sim, owner, usable)
    cosine = matrix @ matrix.T
    speakers = _speakers(articles, items)
    rows = _link_rows(texts, sim, cosine, owner, pairs, best, speakers)
    terms = [frozenset(content_terms(t[:MAX_CHARS])) for t in texts]
    quoted = _quoted_terms(articles, items)
    return _Story(items, texts, sim, cosine, owner, best, speakers, pairs, rows, terms, quoted)


@dataclass(frozen=True, slots=True)
class Candidates:
    """A story's candidate pairs as the link model sees them: ``sentences`` (article id, text) in story order, the
    article number of each, the pairs (indices into ``sentences``) and their link features."""

    sentences: list[tuple[str, str]]
    owner: NDArray[np.int64]
    pairs: list[tuple[int, int]]
    rows: list[list[float]]
    features: Callable[[Sequence[tuple[int, int]]], list[list[float]]]
    blocked: Callable[[Sequence[tuple[int, int]]], list[bool]]

    def probabilities(self, model: PairModel, pairs: Sequence[tuple[int, int]] | None = None) -> list[float]:
        """P(same claim) of ``pairs`` (None: the candidates) as alignment uses it: 0 for a blocked pair."""
        return link_probabilities(
            model,
            self.rows if pairs is None else self.features(pairs),
            self.blocked(self.pairs if pairs is None else pairs),
        )


def link_probabilities(model: PairModel, rows: Sequence[Sequence[float]], blocked: Sequence[bool]) -> list[float]:
    """The link model's P(same claim) of each row, 0 where ``blocked``."""
    return [0.0 if no else float(p) for p, no in zip(model.probability(rows), blocked, strict=True)]


def candidate_pairs(articles: Sequence[AnnotatedArticle], vectors: dict[str, Matrix]) -> Candidates:
    """A story's candidate pairs with their link features: what the link model is fitted on
    (parallax.evaluation.claims)."""
    story = _prepare(articles, vectors)
    if story is None:
        return Candidates([], np.zeros(0, dtype=np.int64), [], [], lambda pairs: [], lambda pairs: [])
    sentences = [(item.article, item.sentence.text) for item in story.items]
    return Candidates(sentences, story.owner, story.pairs, story.rows, story.features, story.blocked)


def pair_rows(
    left: Sequence[str],
    right: Sequence[str],
    vectors_left: Matrix,
    vectors_right: Matrix,
    meaning: Sequence[float] | None = None,
) -> list[list[float]]:
    """Link features of each sentence pair on its own, as a story of just those two sentences (each the other's best
    match, no quoted speakers): how the decision is measured on MSRP."""
    out = []
    for k, (a, b, va, vb) in enumerate(zip(left, right, vectors_left, vectors_right, strict=True)):
        matrix = np.stack([va, vb])
        sim = sentence_similarity([a, b], matrix)
        owner = np.array([0, 1], dtype=np.int64)
        best = np.array([[-1.0, sim[0, 1]], [sim[1, 0], -1.0]], dtype=np.float32)
        given = None if meaning is None else [meaning[k]]
        rows = _link_rows([a, b], sim, matrix @ matrix.T, owner, [(0, 1)], best, [frozenset(), frozenset()], given)
        out.append(rows[0])
    return out


def pair_probabilities(
    left: Sequence[str], right: Sequence[str], vectors_left: Matrix, vectors_right: Matrix
) -> list[float]:
    """P(same claim) of each sentence pair on its own (see ``pair_rows``)."""
    rows = pair_rows(left, right, vectors_left, vectors_right)
    return [float(v) for v in claim_link_model().probability(rows)] if rows else []


Score = Callable[[Sequence[tuple[int, int]]], list[float]]


def group_sentences(
    n: int, owner: NDArray[np.int64], links: dict[tuple[int, int], float], threshold: float, score: Score
) -> list[list[int]]:
    """Facts from scored pairs: average linkage over the cross-article pairs of two groups, strongest pairs first,
    while the mean P(same claim) stays at or above ``threshold``. ``links``: the candidates' P; ``score`` gives P of
    other pairs a merge asks about (added to ``links``), up to ``MAX_SCORED_PAIRS`` in all; a merge of groups with
    more than ``MAX_CHECKED_PAIRS`` pairs between them is refused (bounded work). A fact holds at most one sentence of
    each article: two sentences of one article joined to one of another state two claims more often than one (on
    the training claim golds, pooled shared-fact precision .714 -> .897 for pair recall .316 -> .240)."""
    group_of = list(range(n))
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    budget = MAX_SCORED_PAIRS
    for (i, j), value in sorted(links.items(), key=lambda kv: (-kv[1], kv[0])):
        if value < threshold:
            break
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        left, right = groups[gi], groups[gj]
        if len(left) * len(right) > MAX_CHECKED_PAIRS:
            continue
        if {int(owner[k]) for k in left} & {int(owner[k]) for k in right}:
            continue  # one sentence per article: two of one article state two claims more often than one
        cross = [(min(a, b), max(a, b)) for a in left for b in right if owner[a] != owner[b]]
        missing = [pair for pair in cross if pair not in links]
        if missing and len(missing) <= budget:
            budget -= len(missing)
            links.update(zip(missing, score(missing), strict=True))
        if sum(links.get(pair, 0.0) for pair in cross) / len(cross) < threshold:
            continue
        keep, drop = (gi, gj) if gi < gj else (gj, gi)
        groups[keep] = groups[keep] + groups.pop(drop)
        for k in groups[keep]:
            group_of[k] = keep
    return [sorted(m) for m in groups.values()]


def frame_only(
    terms_a: frozenset[str], terms_b: frozenset[str], quoted_a: frozenset[str], quoted_b: frozenset[str]
) -> bool:
    """Do two sentences share only the frame of a quotation? ``terms_*``: each sentence's content words,
    ``quoted_*``: those inside its direct quotations of a named speaker. A sentence that quotes someone states what
    the quotation says; when none of the words the two sentences share is inside it, they share who spoke, where and
    about what, not the claim ('"Ah-hah," she said when told the story headline' and 'The headline reads "..."').
    On the training claim golds no candidate pair of one claim at or above the link threshold is such a pair."""
    shared = terms_a & terms_b
    return bool((quoted_a and not shared & quoted_a) or (quoted_b and not shared & quoted_b))


def _quoted_terms(articles: Sequence[AnnotatedArticle], items: Sequence[_Item]) -> list[frozenset[str]]:
    """Per sentence: the content words inside its direct quotations that have a speaker."""
    quoted: dict[tuple[str, int], set[str]] = {}
    for article in articles:
        for quote in article.quotes:
            if quote.kind == "direct" and quote.speaker:
                words = content_terms(quote.text[:MAX_CHARS])
                quoted.setdefault((article.id, quote.sentence), set()).update(words)
    return [frozenset(quoted.get((item.article, item.sentence.index), ())) for item in items]


def _speakers(articles: Sequence[AnnotatedArticle], items: Sequence[_Item]) -> list[frozenset[str]]:
    said: dict[tuple[str, int], set[str]] = {}
    for article in articles:
        for quote in article.quotes:
            if quote.speaker:
                surname = quote.speaker.split()[-1].lower() if quote.speaker.split() else ""
                said.setdefault((article.id, quote.sentence), set()).add(surname)
    return [frozenset(said.get((item.article, item.sentence.index), ())) for item in items]


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
    story = _prepare(articles, vectors)
    if story is None:
        return ()
    items, sim, owner = story.items, story.sim, story.owner
    model = claim_link_model()
    links = dict(zip(story.pairs, link_probabilities(model, story.rows, story.blocked(story.pairs)), strict=True))

    def score(pairs: Sequence[tuple[int, int]]) -> list[float]:
        return link_probabilities(model, story.features(pairs), story.blocked(pairs))

    groups = group_sentences(len(items), owner, links, model.threshold, score)
    related = _related(groups, links, sim, owner)
    order = {a.id: k for k, a in enumerate(articles)}
    facts: list[tuple[tuple[int, int, int], Fact]] = []
    for number, members in enumerate(groups):
        members = sorted(members, key=lambda k: (order[items[k].article], items[k].sentence.index))
        fact = _fact(story_id, items, members, related.get(number, []), sim, links, owner, copies, published, order)
        facts.append(((-len(fact.independent), -len(fact.sources), min(members)), fact))
    facts.sort(key=lambda pair: pair[0])
    return tuple(fact for _, fact in facts)


def _related(
    groups: list[list[int]],
    links: dict[tuple[int, int], float],
    sim: Matrix,
    owner: NDArray[np.int64],
) -> dict[int, list[tuple[int, int, float]]]:
    """Per fact (its index in ``groups``): (sentence, matched member, P) of candidates from other articles that did
    not join it, at or above ``RELATED_MIN`` mixed similarity: the best match per sentence."""
    where = {k: g for g, members in enumerate(groups) for k in members}
    best: dict[tuple[int, int], tuple[float, int, float]] = {}
    for (i, j), value in links.items():
        if sim[i, j] < RELATED_MIN or where[i] == where[j]:
            continue
        for member, other in ((i, j), (j, i)):
            g = where[member]
            if owner[other] in {owner[k] for k in groups[g]}:
                continue
            key = (g, other)
            if key not in best or float(sim[i, j]) > best[key][0]:
                best[key] = (float(sim[i, j]), member, value)
    out: dict[int, list[tuple[int, int, float]]] = {}
    for (g, other), (_, member, value) in sorted(best.items()):
        out.setdefault(g, []).append((other, member, value))
    return out


def _fact(
    story_id: str,
    items: list[_Item],
    members: list[int],
    related: list[tuple[int, int, float]],
    sim: Matrix,
    links: dict[tuple[int, int], float],
    owner: NDArray[np.int64],
    copies: dict[str, str],
    published: dict[str, str],
    order: dict[str, int],
) -> Fact:
    centre = max(members, key=lambda k: float(sim[k, members].mean())) if len(members) > 2 else members[0]
    sources = tuple(dict.fromkeys(items[k].article for k in members))
    independent = tuple(dict.fromkeys(copies.get(s, s) for s in sources))
    dated = [s for s in sources if published.get(s)]
    first = min(dated, key=lambda s: (published[s], order[s])) if dated else None

    def mention(k: int, confidence: float, anchor: int) -> FactMention:
        return FactMention(
            article_id=items[k].article,
            sentence=items[k].sentence.index,
            text=items[k].sentence.text,
            start=items[k].sentence.start,
            end=items[k].sentence.end,
            similarity=round(float(sim[k, anchor]), 3),
            confidence=round(confidence, 3),
        )

    def closest(k: int) -> float:
        partners = [links.get((min(k, o), max(k, o)), 0.0) for o in members if owner[o] != owner[k]]
        return max(partners) if partners else 1.0

    mentions = tuple(mention(k, closest(k), centre) for k in members)
    weaker = tuple(mention(k, value, anchor) for k, anchor, value in related)
    key = content_id(story_id, *(f"{m.article_id}:{m.sentence}" for m in mentions))
    return Fact(
        id=f"f-{key[:10]}",
        story_id=story_id,
        text=items[centre].sentence.text,
        mentions=mentions,
        sources=sources,
        independent=independent,
        first=first,
        related=weaker,
    )
