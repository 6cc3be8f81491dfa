"""Stories: articles about the same real-world event, kept apart from related but different events.

Two articles are scored on three kinds of evidence, each in [0, 1]:

- **lead**: cosine similarity of the all-MiniLM-L6-v2 embeddings of their title + lead (one short text per
  article keeps the encoder cheap: the lead says what happened);
- **names**: cosine of the named entities they mention, each weighted by its type (a person or a named event
  identifies an event, a country hardly does) and how often the article names it;
- **words**: cosine of the body's content words, weighted by how rare each word is in general English (a static
  IDF, see ``_rarity``), which sees the specific details (places, numbers, victims) that a lead embedding blurs;

and four kinds of evidence against: both articles are about named people and neither names anyone the other is
about ("strangers"); each has salient names (named twice, or in its lead) that the other never mentions
("unshared": the other boxer, the other city, the other team, where two events share a topic); publication dates
far apart; and mentioned dates centred on different periods.
No weight depends on what else is in the batch (no batch IDF), so one threshold serves a batch of five articles on
one topic as well as hundreds on many, and adding an unrelated article never regroups the others.

The combined similarity goes into **average-linkage** agglomerative clustering cut at ``THRESHOLD``: a cluster
joins another only if its articles are similar *on average*, so one shared word or name cannot chain two events
(single linkage would). Copies found by ``dedup`` are not clustered on their own: each joins its original's story.
Articles are clustered in the order of their ids, so the partition does not depend on the input order.

Reads: ``AnnotatedArticle`` (article title, text, publication date; sentences, entities, dates).
Writes: ``Story`` records with, per article, a one-line reason why it joined.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import numpy as np

from ..days import publication_day
from ..models import AnnotatedArticle, Article, DuplicateGroup, Story, content_id
from .linkage import Matrix, cluster_vectors

__all__ = ["describe_story", "group_stories", "pair_similarity", "text_similarity"]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- tuning constants -----------------------------------------------------------------------------------------------
# Weights and PEOPLE_PENALTY calibrated on ECB+ (446 documents, 40 events in 20 topics, two events per
# topic: the event-vs-topic problem): grid over weights (steps of 0.1), penalty and threshold, maximising BCubed F1
# averaged over the threshold +-0.02 (a plateau, not a spike). ECB+ BCubed F1 0.926; reported unchanged: BASIL
# 0.986, seeds 1.0. ECB+ is flat (within 0.003) for PEOPLE_PENALTY 0.05-0.15; the top of that range was taken.
WEIGHT_LEAD = 0.2
WEIGHT_NAMES = 0.3
WEIGHT_WORDS = 0.5
# UNSHARED_PENALTY and THRESHOLD were then calibrated together on ECB+ (weights above fixed; penalty 0.05-0.6 in
# steps of 0.05, cut 0.04-0.28 in steps of 0.01, maximising BCubed F1 averaged over the cut +-0.02): ECB+ BCubed F1
# 0.918 -> 0.932 (penalty 0.3-0.4 with cuts 0.08-0.12 all within 0.004 of the best). Reported unchanged: BASIL 0.990,
# seeds 1.0, SemEval-2022 (pair_similarity) see docs/EVALUATION.md.
UNSHARED_PENALTY = 0.4
THRESHOLD = 0.08  # average-linkage cut on the combined similarity
# Names that can be salient for "unshared": who, what organisation, where.
SALIENT_TYPES = frozenset({"PERSON", "ORG", "GPE", "FAC", "LOC", "EVENT"})
# Publication dates this many days apart cost nothing (outlets report an event over a few days: BASIL's 50
# triplets span at most 4 days, 48 of them 2 or fewer); the penalty grows linearly to PUB_PENALTY at PUB_FULL_DAYS.
# ECB+ has no dates: these are a prior from that spread, not fitted.
PUB_GRACE_DAYS = 2
PUB_FULL_DAYS = 14
PUB_PENALTY = 0.5
# Where an article is undated, its "time focus" is the median of the days it mentions; focuses further apart than
# FOCUS_GRACE_DAYS cost up to FOCUS_PENALTY at FOCUS_FULL_DAYS. A prior (background paragraphs cite older days, so
# the grace is wide). Between two dated articles only publication dates count: a median of mentioned days there
# split one BASIL event whose article recounted five years of history.
FOCUS_GRACE_DAYS = 60
FOCUS_FULL_DAYS = 365
FOCUS_PENALTY = 0.3
# How much each kind of name counts: people and named events identify an event, places rarely do.
# (Grid on ECB+: this sharp profile beat flatter ones, PERSON 1 / ORG 0.7 / GPE 0.3, by 0.015 BCubed F1.)
TYPE_WEIGHTS = {
    "PERSON": 1.0,
    "EVENT": 0.7,
    "ORG": 0.3,
    "FAC": 0.3,
    "WORK_OF_ART": 0.3,
    "LAW": 0.3,
    "PRODUCT": 0.05,
    "LOC": 0.05,
    "GPE": 0.05,
    "NORP": 0.02,
}
# Trailing words that do not change which organisation is meant ("Huawei Technologies Co" is "Huawei").
ORG_DESIGNATORS = _word_set(
    "co corp corporation company inc incorporated ltd limited llc plc ag sa gmbh group holdings technologies "
    "technology news agency"
)
# People an article is about: named at least this often, or in its first LEAD_SENTENCES sentences. Two articles
# about different people pay PEOPLE_PENALTY.
PEOPLE_MIN_MENTIONS = 2
LEAD_SENTENCES = 2
PEOPLE_PENALTY = 0.15
# Static word rarity (see _rarity): Zipf frequency from the vocabulary rank; words at COMMON_ZIPF or above weigh
# nothing. COMMON_ZIPF 7 and OOV_ZIPF 2.5 were the best of a small grid on ECB+ (6-8, 2-3).
ZIPF_INTERCEPT = 10.818
ZIPF_SLOPE = 0.746
OOV_ZIPF = 2.5
COMMON_ZIPF = 7.0
LEAD_WORDS = 40  # title + the first sentences up to this many words: the lead
# Batches larger than this are grouped by streaming (parallax.group.stream: each article, in date order, against the
# candidate stories an approximate nearest-neighbour index finds) instead of the full pairwise matrix, whose time
# and memory grow with the square of the batch (1000 articles: 1M pairs, a few seconds and ~60 MB; 100k would need
# hundreds of GB). Batches up to this size keep exact average linkage (ECB+, 446 documents, and BASIL, 150, among
# them, so the calibration figures stand); the streaming path's agreement is measured on ECB+ in docs/EVALUATION.md.
STREAMING_ABOVE = 1000
MIN_WORD_LENGTH = 3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_STOP = _word_set(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own said same says she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself yourselves mr mrs ms one two new year
    years told say according also like may might must shall week weeks day days last first time people"""
)


@dataclass(frozen=True, slots=True)
class _Profile:
    """What the clustering knows about one article."""

    index: int
    lead: str
    names: dict[str, tuple[str, str, int]]  # key -> (display name, label, mentions)
    published: date | None
    days: tuple[date, ...]  # days it mentions (day precision, resolved), for the time focus
    words: Counter[str]
    people: frozenset[str]  # the people it is about: named twice or more, or in the lead
    salient: frozenset[str]  # names of SALIENT_TYPES named twice or more, or in the lead
    lowered: str  # title + text, lower case: where another article's salient names are looked for


@dataclass(frozen=True, slots=True)
class _Evidence:
    """The pairwise similarity matrices (articles in canonical order) and the combined score."""

    lead: Matrix
    names: Matrix
    words: Matrix
    strangers: Matrix
    unshared: Matrix
    time: Matrix
    combined: Matrix


def group_stories(
    articles: Sequence[AnnotatedArticle],
    *,
    duplicates: Sequence[DuplicateGroup] = (),
    streaming: bool | None = None,
) -> tuple[Story, ...]:
    """Partition ``articles`` into stories, one per real-world event.

    Up to STREAMING_ABOVE articles (not counting copies) are clustered by average linkage over all pairs; larger
    batches stream through ``parallax.group.stream.StoryIndex`` in date order (linear time and memory). ``streaming``
    forces one path or the other.

    Every article lands in exactly one story. Copies named in ``duplicates`` join their original's story (when the
    original is in ``articles``). Stories come largest first, then by earliest publication date; the articles in a
    story by publication date, then input order. Each story's ``reasons`` say why each article joined.
    """
    if isinstance(articles, (str, bytes)) or not all(isinstance(a, AnnotatedArticle) for a in articles):
        raise TypeError("group_stories() takes a sequence of AnnotatedArticle records")
    if not articles:
        return ()
    ids = [a.id for a in articles]
    copy_of = _copies(articles, duplicates)
    if streaming if streaming is not None else len(articles) - len(copy_of) > STREAMING_ABOVE:
        return _group_streaming(articles, copy_of)

    # Cluster the non-copies in a canonical order (by id), so the partition never depends on input order.
    heads = sorted((i for i in range(len(articles)) if i not in copy_of), key=lambda i: ids[i])
    profiles = [_profile(articles[i], i) for i in heads]
    evidence = _evidence(profiles)
    labels = cluster_vectors(evidence.combined, THRESHOLD)

    members: dict[int, list[int]] = defaultdict(list)  # label -> positions in ``heads``
    for pos, label in enumerate(labels):
        members[label].append(pos)
    stories: list[tuple[tuple[int, date, int], Story]] = []
    for group_positions in members.values():
        stories.append(_story(articles, heads, profiles, evidence, group_positions, copy_of))
    stories.sort(key=lambda item: item[0])
    return tuple(story for _, story in stories)


def pair_similarity(articles: Sequence[AnnotatedArticle]) -> Matrix:
    """The combined similarity ``group_stories`` clusters on, for every pair of ``articles`` (rows and columns in
    input order; 1 on the diagonal). Evidence for minus evidence against, so it can fall below 0.

    No weight depends on the rest of the batch, so a pair scores the same alone or among many others.
    """
    if not articles:
        return np.zeros((0, 0), dtype=np.float64)
    return _evidence([_profile(a, i) for i, a in enumerate(articles)]).combined


def text_similarity(articles: Sequence[Article]) -> Matrix:
    """How alike ``articles`` are overall, pair by pair: cosine of the sentence encoder's embeddings of each title +
    body (the encoder reads the first 256 word pieces, about 180 words). Rows and columns in input order.

    A graded similarity with no fitted constant, for ranking pairs; ``pair_similarity`` is the score tuned to cut
    stories (its word and name evidence and penalties separate events on one topic, which a grade does not need).
    """
    from ..embed import encode

    if not articles:
        return np.zeros((0, 0), dtype=np.float64)
    texts = [f"{a.title or ''}\n{a.text}".strip() for a in articles]
    vectors = encode(texts).astype(np.float64)
    similarity: Matrix = np.clip(vectors @ vectors.T, -1.0, 1.0)
    np.fill_diagonal(similarity, 1.0)
    return similarity


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


def combine(lead: Any, names: Any, words: Any, strangers: Any, unshared: Any, time: Any) -> Any:
    """The combined similarity that story grouping cuts at THRESHOLD, from its pieces of evidence: one formula for
    the batch (matrices, ``_evidence``) and the stream (one pair, ``streaming.score``)."""
    return (
        WEIGHT_LEAD * lead
        + WEIGHT_NAMES * names
        + WEIGHT_WORDS * words
        - PEOPLE_PENALTY * strangers
        - UNSHARED_PENALTY * unshared
        - time
    )


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


# --- profiles -------------------------------------------------------------------------------------------------------


def _profile(annotated: AnnotatedArticle, index: int) -> _Profile:
    article = annotated.article
    names: dict[str, tuple[str, str, int]] = {}
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    display: dict[str, str] = {}
    for entity in annotated.entities:
        if entity.label not in TYPE_WEIGHTS:
            continue
        key = _name_key(entity.name or entity.text, entity.label)
        if not key:
            continue
        counts[key] += 1
        labels.setdefault(key, entity.label)
        display.setdefault(key, entity.name or entity.text)
    for key, count in counts.items():
        names[key] = (display[key], labels[key], count)
    published = publication_day(article.published)
    days = [d for d in (publication_day(t.value) for t in annotated.dates if t.precision == "day") if d is not None]
    words = Counter(
        w
        for w in (m.lower().replace("’", "'") for m in _WORD.findall(f"{article.title or ''} {article.text}"))
        if len(w) >= MIN_WORD_LENGTH and w not in _STOP
    )
    people = _salient(annotated, names, frozenset({"PERSON"}))
    salient = _salient(annotated, names, SALIENT_TYPES)
    lowered = f"{article.title or ''} {article.text}".lower()
    return _Profile(index, _lead(annotated), names, published, tuple(days), words, people, salient, lowered)


def _salient(
    annotated: AnnotatedArticle, names: dict[str, tuple[str, str, int]], labels: frozenset[str]
) -> frozenset[str]:
    """The keys of the names with one of ``labels`` that the article is about: named at least PEOPLE_MIN_MENTIONS
    times, or first named in its first LEAD_SENTENCES sentences."""
    first_seen: dict[str, int] = {}
    for entity in annotated.entities:
        if entity.label in labels:
            first_seen.setdefault(_name_key(entity.name or entity.text, entity.label), entity.sentence)
    return frozenset(
        k
        for k, seen in first_seen.items()
        if k in names and (names[k][2] >= PEOPLE_MIN_MENTIONS or seen < LEAD_SENTENCES)
    )


def _name_key(name: str, label: str) -> str:
    """A key under which outlets' spellings of one name meet: people by surname ("Sergei Lavrov" and "Lavrov"),
    organisations without corporate designators ("Huawei Technologies Co" and "Huawei")."""
    words = re.sub(r"[^\w ]+", " ", name.lower().replace("’s", "").replace("'s", "")).split()
    if words and words[0] == "the":
        words = words[1:]
    if label == "PERSON" and words:
        return words[-1]
    if label == "ORG":
        while len(words) > 1 and words[-1] in ORG_DESIGNATORS:
            words.pop()
    return " ".join(words)


def _lead(annotated: AnnotatedArticle) -> str:
    """Title + the first sentences up to LEAD_WORDS words (paragraphs when the article has no sentences)."""
    article = annotated.article
    parts: list[str] = [article.title.strip()] if article.title and article.title.strip() else []
    pieces = [s.text for s in annotated.sentences] or list(article.paragraphs)
    words = len(parts[0].split()) if parts else 0
    for piece in pieces:
        if words >= LEAD_WORDS:
            break
        parts.append(piece.strip())
        words += len(piece.split())
    lead = " ".join(parts)
    return " ".join(lead.split()[: LEAD_WORDS + 40])


# --- evidence -------------------------------------------------------------------------------------------------------


def _evidence(profiles: Sequence[_Profile]) -> _Evidence:
    from ..embed import encode

    vectors = encode([p.lead for p in profiles]).astype(np.float64)
    lead = np.clip(vectors @ vectors.T, 0.0, 1.0)
    names = _cosine(_name_vectors(profiles))
    words = _cosine(_word_vectors(profiles))
    strangers = _strangers(profiles)
    unshared = _unshared(profiles)
    time = _time_penalty(profiles)
    combined = combine(lead, names, words, strangers, unshared, time)
    for matrix in (lead, combined):
        np.fill_diagonal(matrix, 1.0)
    return _Evidence(lead, names, words, strangers, unshared, time, combined)


# No inverse document frequency from the batch: it would make scores depend on what else is in the batch (a
# name in all five articles of a small batch would weigh nothing), and one threshold has to serve a batch of five
# articles on one topic as well as hundreds on many. Names get type weights; words a static rarity estimated from
# the sentence encoder's WordPiece vocabulary (see _rarity).


def _name_vectors(profiles: Sequence[_Profile]) -> list[dict[str, float]]:
    return [
        {k: TYPE_WEIGHTS[label] * (1.0 + math.log(count)) for k, (_, label, count) in p.names.items()} for p in profiles
    ]


def _word_vectors(profiles: Sequence[_Profile]) -> list[dict[str, float]]:
    vocabulary = _vocabulary()
    rarity: dict[str, float] = {}
    for p in profiles:
        for w in p.words:
            if w not in rarity:
                rarity[w] = _rarity(w, vocabulary)
    return [{w: (1.0 + math.log(c)) * rarity[w] for w, c in p.words.items()} for p in profiles]


@cache
def _vocabulary() -> dict[str, int]:
    from ..embed import vocabulary

    return vocabulary()


def _rarity(word: str, vocabulary: dict[str, int]) -> float:
    """How rare a word is in general English, as an IDF that does not depend on the batch.

    The encoder's WordPiece vocabulary lists whole words roughly by corpus frequency: log(rank) predicts a word's
    Zipf frequency with correlation -0.89 (checked against the wordfreq lists: Zipf ~ 10.8 - 0.746 log(rank)).
    Words outside the vocabulary (most names: "lavrov", "qeshm") count as rare, at Zipf OOV_ZIPF.
    """
    rank = vocabulary.get(word)
    zipf = ZIPF_INTERCEPT - ZIPF_SLOPE * math.log(rank) if rank else OOV_ZIPF
    return max(0.0, COMMON_ZIPF - zipf)


def _sparse(rows: Sequence[dict[str, float]], columns: dict[str, int]) -> Any:
    """A CSR matrix with one row per dict, columns named by ``columns`` (extended with unseen keys)."""
    from scipy.sparse import csr_matrix

    data: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for row in rows:
        for key, value in row.items():
            indices.append(columns.setdefault(key, len(columns)))
            data.append(value)
        pointers.append(len(indices))
    return csr_matrix((data, indices, pointers), shape=(len(rows), max(1, len(columns))), dtype=np.float64)


def _cosine(vectors: Sequence[dict[str, float]]) -> Matrix:
    """Cosine similarities of sparse vectors (zero vectors are similar to nothing)."""
    matrix = _sparse(vectors, {})
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = 1.0 / np.maximum(norms, 1e-12)
    product = np.asarray((matrix @ matrix.T).todense()) * scale[:, None] * scale[None, :]
    result: Matrix = np.clip(product, 0.0, 1.0)
    return result


def _strangers(profiles: Sequence[_Profile]) -> Matrix:
    """1 where both articles are about named people and neither names anyone the other is about, else 0.

    On ECB+ this holds for 63 % of the pairs of different events in one topic and 10 % of same-event pairs.
    """
    columns: dict[str, int] = {}
    named = _sparse([dict.fromkeys(p.names, 1.0) for p in profiles], columns)
    about = _sparse([dict.fromkeys(p.people, 1.0) for p in profiles], columns)
    width = len(columns)
    named.resize((len(profiles), width))
    about.resize((len(profiles), width))
    covered = np.asarray((about @ named.T).todense()) > 0  # covered[i, j]: j names someone i is about
    has_people = np.array([bool(p.people) for p in profiles])
    result: Matrix = (has_people[:, None] & has_people[None, :] & ~covered & ~covered.T).astype(np.float64)
    return result


def _unshared(profiles: Sequence[_Profile]) -> Matrix:
    """For each pair, the smaller of the two shares of an article's salient names that the other never mentions
    (not among its names, nor anywhere in its lower-cased title and text). 0 when either has no salient name.

    Both must miss something: an article that names everyone the other is about is not penalised for adding more.
    On ECB+ the mean is about 0.21 for pairs of one event and 0.93 for all other pairs.
    """
    n = len(profiles)
    keys = sorted({k for p in profiles for k in p.salient})
    if n == 0 or not keys:
        return np.zeros((n, n), dtype=np.float64)
    column = {k: i for i, k in enumerate(keys)}
    salient = np.zeros((n, len(keys)), dtype=np.float64)
    absent = np.ones((n, len(keys)), dtype=np.float64)
    for row, p in enumerate(profiles):
        for k in p.salient:
            salient[row, column[k]] = 1.0
        for k in keys:
            if k in p.names or k in p.lowered:
                absent[row, column[k]] = 0.0
    counts = salient.sum(axis=1)
    missing = (salient @ absent.T) / np.maximum(counts, 1.0)[:, None]  # missing[i, j]: i's names j lacks
    missing[counts == 0, :] = 0.0
    result: Matrix = np.minimum(missing, missing.T)
    np.fill_diagonal(result, 0.0)
    return result


def _time_penalty(profiles: Sequence[_Profile]) -> Matrix:
    """Publication dates far apart, or (where one is undated) the periods the articles talk about, as a penalty."""
    published = [p.published for p in profiles]
    dated = np.array([d is not None for d in published])
    by_focus = _date_gap([_focus(p) for p in profiles], FOCUS_GRACE_DAYS, FOCUS_FULL_DAYS)
    by_focus[dated[:, None] & dated[None, :]] = 0.0  # both dated: the publication dates say it better
    penalty: Matrix = PUB_PENALTY * _date_gap(published, PUB_GRACE_DAYS, PUB_FULL_DAYS) + FOCUS_PENALTY * by_focus
    return penalty


def _date_gap(days: Sequence[date | None], grace: float, full: float) -> Matrix:
    """0 for dates within ``grace`` days (or unknown), rising linearly to 1 at ``full`` days apart."""
    ordinal = np.array([d.toordinal() if d else np.nan for d in days], dtype=np.float64)
    gap = np.abs(ordinal[:, None] - ordinal[None, :])
    ramp: Matrix = np.nan_to_num(np.clip((gap - grace) / (full - grace), 0.0, 1.0), nan=0.0)
    return ramp


def _focus(profile: _Profile) -> date | None:
    """When an article's news happened: its publication day, else the median of the days it mentions."""
    if profile.published:
        return profile.published
    days = sorted(profile.days)
    return days[len(days) // 2] if days else None


# --- stories --------------------------------------------------------------------------------------------------------


def _story(
    articles: Sequence[AnnotatedArticle],
    heads: Sequence[int],
    profiles: Sequence[_Profile],
    evidence: _Evidence,
    positions: Sequence[int],
    copy_of: dict[int, tuple[int, float]],
) -> tuple[tuple[int, date, int], Story]:
    """One story from the clustered positions (into ``heads``), with its copies, reasons, title and sort key."""
    head_set = {heads[p] for p in positions}
    indices = [heads[p] for p in positions] + [c for c, (o, _) in copy_of.items() if o in head_set]

    def when(index: int) -> tuple[bool, date, int]:
        day = publication_day(articles[index].article.published)
        return (day is None, day or date.max, index)

    ordered = sorted(indices, key=when)
    pos_of = {heads[p]: p for p in positions}
    clustered = [pos_of[i] for i in ordered if i in pos_of]
    reasons: list[tuple[str, str]] = []
    for index in ordered:
        aid = articles[index].id
        if index in copy_of:
            original, similarity = copy_of[index]
            reasons.append((aid, f"copy of {articles[original].id} (similarity {similarity:.2f})"))
        elif pos_of[index] == clustered[0]:
            reasons.append((aid, "starts the story"))
        else:
            others = [p for p in clustered if p != pos_of[index]]
            reasons.append((aid, _reason(articles, profiles, evidence, pos_of[index], others)))
    # the title: the most central article's (highest summed similarity to the other members), preferring
    # articles that have a title over a first sentence
    block = evidence.combined[np.ix_(clustered, clustered)]
    centrality = block.sum(axis=1)
    central = max(
        range(len(clustered)),
        key=lambda k: (bool(articles[heads[clustered[k]]].article.title), centrality[k], -k),
    )
    story = Story(
        id=content_id(*sorted(articles[i].id for i in ordered)),
        articles=tuple(articles[i].id for i in ordered),
        reasons=tuple(reasons),
        title=_title(articles[heads[clustered[central]]]),
    )
    days = (publication_day(articles[i].article.published) for i in ordered)
    first_day = min((d for d in days if d), default=date.max)
    return (-len(ordered), first_day, min(ordered)), story


def _reason(
    articles: Sequence[AnnotatedArticle],
    profiles: Sequence[_Profile],
    evidence: _Evidence,
    pos: int,
    others: Sequence[int],
) -> str:
    closest = max(others, key=lambda o: (evidence.combined[pos, o], -o))
    line = f"closest to {articles[profiles[closest].index].id} (similarity {evidence.combined[pos, closest]:.2f})"
    mine, theirs = profiles[pos].names, profiles[closest].names
    shared = sorted(
        (k for k in mine if k in theirs),
        key=lambda k: (-TYPE_WEIGHTS[mine[k][1]], -(mine[k][2] + theirs[k][2]), k),
    )
    if shared:
        line += "; shares " + ", ".join(mine[k][0] for k in shared[:4])
    days = sorted(set(profiles[pos].days) & set(profiles[closest].days))
    if days:
        line += "; dates " + ", ".join(d.isoformat() for d in days[:3])
    return line


def _title(annotated: AnnotatedArticle) -> str:
    article = annotated.article
    if article.title and article.title.strip():
        return article.title.strip()
    if annotated.sentences:
        return annotated.sentences[0].text.strip()
    paragraphs = article.paragraphs
    return paragraphs[0].strip() if paragraphs else article.id


def _group_streaming(articles: Sequence[AnnotatedArticle], copy_of: dict[int, tuple[int, float]]) -> tuple[Story, ...]:
    """Large batches: stream the non-copies through a ``StoryIndex`` in date order (then id), copies join their
    original's story. Linear in the batch; each article's reason is the streaming decision."""
    from .stream import WINDOW_DAYS, StoryIndex, features, in_date_order

    position = {a.id: i for i, a in enumerate(articles)}
    heads = in_date_order(articles[i] for i in range(len(articles)) if i not in copy_of)
    index = StoryIndex(story_id=lambda a: a.id)
    reasons: dict[str, str] = {}
    chunk = 256  # leads are encoded in chunks: the encoder batches, and features never pile up beyond the window
    for start in range(0, len(heads), chunk):
        part = heads[start : start + chunk]
        for article, feature in zip(part, features(part), strict=True):
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
        reasons[articles[copy].id] = f"copy of {articles[original].id} (similarity {similarity:.2f})"
    stories: list[tuple[tuple[int, date, int], Story]] = []
    for indices in members.values():
        ordered = sorted(indices, key=lambda i: (publication_day(articles[i].article.published) or date.max, i))
        titled = [i for i in ordered if (articles[i].article.title or "").strip()]
        story = Story(
            id=content_id(*sorted(articles[i].id for i in ordered)),
            articles=tuple(articles[i].id for i in ordered),
            reasons=tuple((articles[i].id, reasons[articles[i].id]) for i in ordered),
            title=_title(articles[(titled or ordered)[0]]),
        )
        days = (publication_day(articles[i].article.published) for i in ordered)
        first_day = min((d for d in days if d), default=date.max)
        stories.append(((-len(ordered), first_day, min(ordered)), story))
    stories.sort(key=lambda item: item[0])
    return tuple(story for _, story in stories)


# --- incremental use (parallax.engine.store) -------------------------------------------------------------------------


def describe_story(articles: Sequence[AnnotatedArticle], *, duplicates: Sequence[DuplicateGroup] = ()) -> Story:
    """All ``articles`` as one story (no clustering): its order, reasons and title as ``group_stories`` gives them.

    For a story whose members were decided elsewhere (an incremental store adding articles to a story).
    """
    if isinstance(articles, (str, bytes)) or not articles:
        raise TypeError("describe_story() takes a non-empty sequence of AnnotatedArticle records")
    copy_of = _copies(articles, duplicates)
    heads = sorted((i for i in range(len(articles)) if i not in copy_of), key=lambda i: articles[i].id)
    profiles = [_profile(articles[i], i) for i in heads]
    _, story = _story(articles, heads, profiles, _evidence(profiles), range(len(heads)), copy_of)
    return story
