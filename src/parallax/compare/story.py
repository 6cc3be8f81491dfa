"""Compare the articles of one story: facts, quote variants, upstream sources, conflicts, timeline.

``compare_story`` is the stage's entry point. Facts come from ``align``; this module adds what can be read off
them and off the articles' annotations:

* **quotes**: one quote's variants across outlets grouped together (same or compatible speaker, and wording close
  enough: fuzzy token overlap or embedding cosine), with the fullest speaker name any outlet gives;
* **citations**: the upstream news organisations each article credits;
* **conflicts**: only between mentions of one claim (one fact) about one counted thing at one time: figures whose
  unit and counted head noun agree and whose values, read with their bounds ("more than 5,000" agrees with 5,200),
  cannot both hold ("47 vs 48 pages", "magnitude 7.7 vs 7.5"), never two counts one sentence gives; dates of the same
  predicate outside quotation marks ("apologized on Friday" vs "Saturday"); antonymous predicates ("granted" vs
  "denied"); one town, two sides ("west of" vs "south of"); one person given one office with different qualifiers
  ("Industry Minister" vs "Economy Minister") or two first names; quotes grouped as one whose speakers differ;
* **figures**: counts that grow as the story develops (death tolls, the injured, arrests) reported at different
  times with values that never fall: a per-outlet table in publication order, not conflicts;
* **timeline**: dated events, one entry per event with every sentence dating it, and the background years apart
  (``timeline``).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from ..annotate.quantities import bound
from ..errors import TooSlowError
from ..models import (
    AnnotatedArticle,
    Conflict,
    ConflictMention,
    Fact,
    FactMention,
    Figure,
    FigureReport,
    Quantity,
    Quote,
    QuoteGroup,
    QuoteMention,
    Story,
    StoryAnalysis,
    TimeExpression,
    content_id,
)
from .align import align_facts
from .timeline import build_timeline

__all__ = [
    "MAX_QUOTES",
    "MAX_SENTENCES",
    "check_comparable",
    "compare_story",
    "compared_articles",
    "find_conflicts",
]

QUOTE_FUZZ_MIN = 70.0  # rapidfuzz token_set_ratio at which two quotes are variants of one (checked on seeds+examples)
QUOTE_COSINE_MIN = 0.80  # or MiniLM cosine of the quoted words at/above this (paraphrased quotes)
# Two differently worded quotes of one speaker in sentences aligned as one claim are one utterance only when the
# wordings still share this much (token_set_ratio or cosine): otherwise they are two things the person said.
QUOTE_FALLBACK_MIN = 0.5
QUOTE_SHARED_WORDS = 3  # words two wordings of one utterance share at least (fewer only when a quote is shorter)
_QUOTE_STOP = frozenset("the and that this with for are was were have has had not but you your they their".split())
QUOTE_EMBED_MIN_WORDS = 4  # shorter quotes are compared by wording only: a few words say too little to embed
# A fragment (at most this share of the other quote's words) is an excerpt of the fuller wording: its words appear
# there in order, save some at its edges that the other outlet cut (fitted on the training claim golds: right groups
# 0.85 and up, wrong ones 0.5 and below), and none changed in its middle ("a real challenge" is not "a big challenge").
QUOTE_FRAGMENT_SHARE = 0.5
QUOTE_FRAGMENT_MATCHED_MIN = 0.67
# Counts that grow as a story develops: outlets that report different values at different times are not in
# conflict; the story's ``figures`` table shows each report in publication order.
DEVELOPING_COUNTS = frozenset(
    "people person dead death toll killed victim injured injury wounded missing casualty fatality body survivor "
    "evacuee resident home house building protester demonstrator refugee migrant arrest case patient passenger "
    "soldier civilian child student worker".split()
)
ABOUT_SHARE = 0.10  # "about 5,000" allows 4,500 to 5,500
PREDICATE_STEM = 5  # letters of a word compared as its stem ("apologized"/"apologize", "granted"/"grants")
_DATE_LEAD = frozenset("on in at by of the a this last next early late since until from before after".split())
# Antonymous predicates of one claim, as stems of PREDICATE_STEM letters (each side a set of stems).
ANTONYMS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in (
        ("grant", "denie denyi"),
        ("appro", "rejec"),
        ("accep", "rejec"),
        ("acqui", "convi"),
        ("uphel", "overt strur"),
        ("allow permi", "banne forbi prohi"),
        ("incre", "decre"),
    )
)
# A misreported figure is near the right one (38 vs 36 injured); numbers far apart in one aligned sentence pair are
# nearly always two different things (revenue vs a fine). Same for dates: a wrong month, not a different year.
VALUE_RATIO_MAX = 3.0
_ODDS = re.compile(r"\b(\w{1,9})[- ]in[- ](\w{1,9})\b", re.IGNORECASE)
_SMALL_NUMBERS = "zero one two three four five six seven eight nine ten".split()
DATE_GAP_MAX_DAYS = 250
CITED_KINDS = ("wire", "outlet", "institution")  # every kind: the JSON and the Markdown list the same sources
# Facts, quotes and conflicts compare every pair of sentences (quotes) in a story: quadratic in its size. A story
# larger than this compares a sample of this many of its articles, spread over its outlets (``compared_articles``);
# timeline, citations, tone, coverage and provenance still read every article. 50 articles x ~30 sentences keep the
# similarity matrix under 20 MB and a story's compare under a few seconds.
MAX_COMPARED = 50
# The sample is also held to these many sentences and quotes in all (issue 15: an article of 2,000 copies of one
# sentence linked every pair, and each of thousands of quotes was compared with every group). At these budgets the
# worst story measured (2 x 2,000 copies of one sentence, 2 x 1,000 quotes) compares in 4.3 s and 447 MB
# (benchmarks/limits.py; it took 27 s and 1 GB before); the longest real article analysed (198,226 characters of
# BASIL prose) has 1,244 sentences and 764 quotes.
MAX_SENTENCES = 4_000
MAX_QUOTES = 2_000
# Titles written before a person's name ("Industry Minister Petra Hollis"). Two outlets contradict each other when
# they give one person the same office (head noun) with different capitalised qualifiers ("Industry Minister" vs
# "Economy Minister"); a bare "Minister", or a different office altogether ("Chairman" vs "Senator"), is no conflict
# (people hold several). The head nouns are offices that news copy writes before a name.
TITLE_HEADS = frozenset(
    "minister secretary president chairman chairwoman chair director governor mayor senator commissioner "
    "ambassador general admiral colonel chancellor premier judge prosecutor spokesman spokeswoman spokesperson "
    "chief officer inspector superintendent commander representative deputy".split()
)
TITLE_MAX_WORDS = 5  # a title before a name: "Deputy Foreign Minister"
_TITLE_SKIP = frozenset("the a an former acting then new interim".split())

Matrix = NDArray[np.float32]
Encode = Callable[[Sequence[str]], Matrix]


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "the"})


def _name_parts(name: str | None) -> list[str]:
    # apostrophes made straight: outlets write "O'Neill" and "O’Neill" for one person
    words = [w.strip(".").lower() for w in re.findall(r"[\w'.-]+", (name or "").replace("’", "'"))]
    words = [w for w in words if w and w not in _NAME_SUFFIXES]
    while words and words[0] in _HONORIFICS and len(words) > 1:
        words = words[1:]
    return words


def _surname(name: str | None) -> str:
    parts = _name_parts(name)
    return parts[-1] if parts else ""


def _speakers_compatible(a: str | None, b: str | None) -> bool:
    """One person, as far as the names tell: same surname, and first names that agree where both are given
    ("Roger J. Stone Jr." and "Roger Stone", "Mr. Stone" and "Roger Stone"; not "Mary Cheney" and "Dick Cheney")."""
    if not a or not b:
        return True
    left, right = _name_parts(a), _name_parts(b)
    if not left or not right or left[-1] != right[-1]:
        return False
    if len(left) < 2 or len(right) < 2:
        return True
    first_a, first_b = left[0], right[0]
    return first_a == first_b or (min(len(first_a), len(first_b)) == 1 and first_a[0] == first_b[0])


def _group_quotes(
    story_id: str, articles: Sequence[AnnotatedArticle], encode: Encode | None, facts: Sequence[Fact] = ()
) -> tuple[QuoteGroup, ...]:
    # Reported speech whose speaker could not be resolved says nothing about who said what: it stays in the
    # article's annotations but is not compared across outlets. Direct quotes are kept even without a speaker.
    quotes: list[Quote] = [q for a in articles for q in a.quotes if q.kind == "direct" or q.speaker]
    vectors: dict[tuple[str, int], Matrix] = {}
    fact_of = {(m.article_id, m.sentence): f.id for f in facts if len(f.sources) > 1 for m in f.mentions}

    def vector(quote: Quote) -> Matrix | None:
        # embedded only when wording alone cannot tell (most variants share most words), then cached
        if encode is None:
            return None
        key = (quote.article_id, quote.start)
        if key not in vectors:
            vectors[key] = encode([quote.text])[0]
        return vectors[key]

    # a speaker's quotes per sentence: the aligned-claim rule below only holds when a sentence has one of them
    per_sentence = Counter((q.article_id, q.sentence, _surname(q.speaker)) for q in quotes)

    def lone(q: Quote) -> bool:
        return per_sentence[(q.article_id, q.sentence, _surname(q.speaker))] == 1

    groups: list[list[Quote]] = []
    # per group: its articles, and the distinct speaker names of its members (what the two tests below read, kept
    # up to date instead of read off every member: an article of thousands of quotes made this loop cubic)
    group_articles: list[set[str]] = []
    group_names: list[set[str]] = []
    for quote in quotes:
        best: int | None = None
        best_score = 0.0
        fallback: int | None = None
        for number, group in enumerate(groups):
            if quote.article_id in group_articles[number]:
                continue
            if quote.speaker and not all(_speakers_compatible(name, quote.speaker) for name in group_names[number]):
                continue  # speakers are compatible when either is unknown or the names can be one person
            score = _wording_score(group[0], quote, vector)
            if score >= QUOTE_FUZZ_MIN / 100.0 or score >= QUOTE_COSINE_MIN:
                if score > best_score:
                    best, best_score = number, score
            elif (
                fallback is None
                and score >= QUOTE_FALLBACK_MIN
                and quote.speaker
                and lone(quote)
                and any(
                    _surname(m.speaker) == _surname(quote.speaker)
                    and lone(m)
                    and fact_of.get((m.article_id, m.sentence))
                    == fact_of.get((quote.article_id, quote.sentence))
                    is not None
                    for m in group
                )
            ):
                # one speaker, one quote of theirs in each sentence, and the two sentences were aligned as one
                # claim: the same statement, worded differently
                fallback = number
        target = best if best is not None else fallback
        if target is None:
            target = len(groups)
            groups.append([])
            group_articles.append(set())
            group_names.append(set())
        groups[target].append(quote)
        group_articles[target].add(quote.article_id)
        if quote.speaker:
            group_names[target].add(quote.speaker)
    return _quote_groups(story_id, groups)


def _wording_score(head: Quote, quote: Quote, vector: Callable[[Quote], Matrix | None]) -> float:
    """How alike two quotes are in wording: rapidfuzz's token_set_ratio, or (when that is under ``QUOTE_FUZZ_MIN``
    and both have ``QUOTE_EMBED_MIN_WORDS`` words) the MiniLM cosine of the quoted words at or above
    ``QUOTE_COSINE_MIN``; held under ``QUOTE_FALLBACK_MIN`` when they share no wording or one is a fragment that is
    no excerpt of the other."""
    score = fuzz.token_set_ratio(head.text.lower(), quote.text.lower()) / 100.0
    if not _shared_wording(head.text, quote.text):
        score = min(score, QUOTE_FALLBACK_MIN - 0.01)  # a high ratio over a word or two is no shared wording
    if score < QUOTE_FUZZ_MIN / 100.0 and min(len(head.text.split()), len(quote.text.split())) >= (
        QUOTE_EMBED_MIN_WORDS
    ):
        va, vb = vector(head), vector(quote)
        if va is not None and vb is not None and float(va @ vb) >= QUOTE_COSINE_MIN:
            score = float(va @ vb)
    if not _excerpt_of(head.text, quote.text):
        score = min(score, QUOTE_FALLBACK_MIN - 0.01)  # a fragment with other words is another utterance
    return score


def _quote_groups(story_id: str, groups: list[list[Quote]]) -> tuple[QuoteGroup, ...]:
    """The groups as records, with the fullest speaker name, quotes several outlets carry first, then direct before
    reported."""
    out = []
    for group in groups:
        names = [q.speaker for q in group if q.speaker]
        speaker = max(names, key=lambda n: (len(n), names.count(n))) if names else None
        mentions = tuple(QuoteMention(q.article_id, q.text, q.start, q.end, q.sentence, q.kind) for q in group)
        key = content_id(story_id, *(f"{m.article_id}:{m.start}" for m in mentions))
        out.append(QuoteGroup(id=f"q-{key[:10]}", speaker=speaker, mentions=mentions))
    out.sort(key=lambda g: (-len(g.mentions), g.mentions[0].kind != "direct"))
    return tuple(out)


def _content_words(text: str) -> list[str]:
    """The words of a quote that carry its wording, in order: three letters or more, not the commonest, apostrophes
    made straight ("I’m" and "I'm" are one word), an editor's bracketed insertion ("[President Barack] Obama's")
    left out as it is not the speaker's."""
    text = re.sub(r"\[[^\[\]]*\]", " ", text.lower().replace("’", "'"))  # no "[" inside: linear on "[[[["
    words = (w.rstrip("'") for w in re.findall(r"[a-z0-9][a-z0-9']*", text))
    return [w for w in words if len(w) > 2 and w not in _QUOTE_STOP]


def _quote_words(text: str) -> set[str]:
    return set(_content_words(text))


def _excerpt_of(a: str, b: str) -> bool:
    """Two quotes can be one utterance as far as a fragment tells: when one has at most ``QUOTE_FRAGMENT_SHARE`` of
    the other's words, its words (by stem) appear in the longer one in order, but for at most a third of them cut at
    its edges, and none differs in its middle. Quotes of comparable length (two translations of one remark) are left
    to the ratios."""
    left = [w.rstrip("s")[:6] for w in _content_words(a)]
    right = [w.rstrip("s")[:6] for w in _content_words(b)]
    short, full = (left, right) if len(left) <= len(right) else (right, left)
    if not short or len(short) > QUOTE_FRAGMENT_SHARE * len(full):
        return True
    blocks = [m for m in difflib.SequenceMatcher(None, short, full, autojunk=False).get_matching_blocks() if m.size]
    if not blocks:
        return False
    matched = sum(m.size for m in blocks)
    inside = blocks[-1].a + blocks[-1].size - blocks[0].a  # from its first word found to its last
    return matched == inside and matched >= QUOTE_FRAGMENT_MATCHED_MIN * len(short)


def _shared_wording(a: str, b: str) -> bool:
    """Two quotes share wording: at least ``QUOTE_SHARED_WORDS`` words of three letters or more. Quotes of fewer
    such words ("follow the example") are left to the character ratio alone."""
    left, right = _quote_words(a), _quote_words(b)
    if min(len(left), len(right)) <= QUOTE_SHARED_WORDS:
        return True
    need = QUOTE_SHARED_WORDS
    return need > 0 and len(left & right) >= need


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


def _far_enough(a: float, b: float) -> bool:
    """Two values differ, but by less than VALUE_RATIO_MAX: a conflicting report of one figure."""
    if a <= 0 or b <= 0 or abs(a - b) < 1e-9 * max(a, b):
        return False
    return max(a, b) / min(a, b) <= VALUE_RATIO_MAX


def _near_dates(a: str, b: str) -> bool:
    try:
        first = date.fromisoformat(a if len(a) == 10 else f"{a}-01")
        second = date.fromisoformat(b if len(b) == 10 else f"{b}-01")
    except ValueError:
        return False
    return abs((first - second).days) <= DATE_GAP_MAX_DAYS


def _same_anchor(
    left: str, da: TimeExpression, right: str, db: TimeExpression, by_id: dict[str, AnnotatedArticle]
) -> bool:
    """Two dates can contradict only when read from the same reference: "Tuesday" in articles published a week apart
    names two different Tuesdays, not a disagreement. Two relative dates are compared only when both articles were
    published the same day and they name different days ("Tuesday" twice is the same wording: a difference would be
    our reading of past or future, not the outlets'); a relative date is never compared when its article has no
    publication date."""
    day_a = (by_id[left].article.published or "")[:10]
    day_b = (by_id[right].article.published or "")[:10]
    if (da.relative and not day_a) or (db.relative and not day_b):
        return False
    if not (da.relative and db.relative):
        return True
    first_a, first_b = (da.text.split() or [""])[0].lower(), (db.text.split() or [""])[0].lower()
    return day_a == day_b and first_a != first_b


def _complementary(a: Quantity, b: Quantity) -> bool:
    """Two sides of one whole: odds ("one-in-three" vs "two-in-three") or shares (40% vs 60%) that add up to it."""
    odds_a, odds_b = _ODDS.search(a.text), _ODDS.search(b.text)
    if odds_a and odds_b:
        whole_a, whole_b = _number_word(odds_a.group(2)), _number_word(odds_b.group(2))
        part_a, part_b = _number_word(odds_a.group(1)), _number_word(odds_b.group(1))
        if None not in (whole_a, whole_b, part_a, part_b) and whole_a == whole_b:
            return part_a + part_b == whole_a  # type: ignore[operator]
    if a.unit == b.unit == "%":
        return abs(a.value + b.value - 100.0) < 1e-6
    return False


def _number_word(text: str) -> float | None:
    word = text.lower()
    if word in _SMALL_NUMBERS:
        return float(_SMALL_NUMBERS.index(word))
    try:
        return float(word)
    except ValueError:
        return None


def _conflicts(
    story_id: str, facts: Sequence[Fact], by_id: dict[str, AnnotatedArticle]
) -> tuple[list[Conflict], list[Figure]]:
    """The conflicts within the story's facts (numbers, dates, antonymous predicates, directions), and the figures
    that moved as the story developed (never conflicts)."""
    found: list[Conflict] = []
    figures: list[Figure] = []
    for fact in facts:
        if len(fact.sources) < 2:
            continue
        conflicts, moved = _number_conflicts(story_id, fact, by_id)
        found += conflicts
        figures += moved
        found += _date_conflicts(story_id, fact, by_id)
        found += _predicate_conflicts(story_id, fact)
        found += _direction_conflicts(story_id, fact)
    return found, figures


def _numbers(fact: Fact, by_id: dict[str, AnnotatedArticle]) -> list[tuple[FactMention, Quantity]]:
    """The counted figures of the fact's mentions. A sentence that gives two different values for one counted thing
    ("killed 12 people and injured 40 people") counts two groups: its figures are compared with nothing."""
    numbers: list[tuple[FactMention, Quantity]] = []
    for mention in fact.mentions:
        own = [q for q in by_id[mention.article_id].quantities if q.sentence == mention.sentence and q.counts]
        keys: dict[tuple[str, str], set[float]] = {}
        for q in own:
            keys.setdefault(_counted_key(q), set()).add(q.value)
        numbers += [(mention, q) for q in own if len(keys[_counted_key(q)]) == 1]
    return numbers


def _counted_key(q: Quantity) -> tuple[str, str]:
    """What a figure counts, for comparing: its unit and the head noun of what it counts ("7.7 magnitude quake" is
    a magnitude, "20 quake victims" counts victims)."""
    if q.unit == "magnitude":
        return ("magnitude", "magnitude")
    words = re.findall(r"[a-z]+", q.counts.lower())
    return (q.unit, words[-1].rstrip("s") if words else "")


def _interval(q: Quantity, text: str) -> tuple[float, float]:
    """The values a figure allows as written: "more than 5,000" is above 5,000, "about 5,000" within 10%."""
    kind = bound(text, q.start)
    if kind == "over":
        return (q.value, q.value * VALUE_RATIO_MAX)
    if kind == "under":
        return (q.value * 0.8, q.value)
    if kind == "about":
        return (q.value * (1 - ABOUT_SHARE), q.value * (1 + ABOUT_SHARE))
    return (q.value, q.value)


def _number_conflicts(
    story_id: str, fact: Fact, by_id: dict[str, AnnotatedArticle]
) -> tuple[list[Conflict], list[Figure]]:
    """The same thing counted differently in the fact's mentions: a conflict, or a moving figure when it is a count
    that grows as a story develops (deaths, injured, arrests) reported at different times."""
    found: list[Conflict] = []
    figures: list[Figure] = []
    groups: dict[tuple[str, str], list[tuple[FactMention, Quantity]]] = {}
    for mention, q in _numbers(fact, by_id):
        key = _counted_key(q)
        if key[1]:
            groups.setdefault(key, []).append((mention, q))
    for key, group in groups.items():
        values: dict[float, list[tuple[FactMention, Quantity]]] = {}
        for mention, quantity in group:
            values.setdefault(quantity.value, []).append((mention, quantity))
        if len(values) < 2 or len({m.article_id for m, _ in group}) < 2:
            continue
        if _developing(key) and _reported_apart(group, by_id):
            figure = _figure(story_id, fact, group, by_id)
            if _grows(figure):
                figures.append(figure)
                continue  # else a later report gives less than an earlier one: that is no development
        conflict = _number_conflict(story_id, fact, values, by_id)
        if conflict is not None:
            found.append(conflict)
    return found, figures


def _developing(key: tuple[str, str]) -> bool:
    return not key[0] and key[1] in DEVELOPING_COUNTS


def _grows(figure: Figure) -> bool:
    """The figure never falls in publication order, and every report has a publication time: a toll that rises as
    a story develops. A lower figure published later contradicts the earlier one."""
    reports = figure.reports
    if any(not r.published for r in reports):
        return False
    return all(a.value <= b.value for a, b in itertools.pairwise(reports))


def _reported_apart(group: list[tuple[FactMention, Quantity]], by_id: dict[str, AnnotatedArticle]) -> bool:
    """The figures come from articles published at different times (or at a time not given)."""
    times = {by_id[m.article_id].article.published or "" for m, _ in group}
    return len(times) > 1 or "" in times


def _figure(
    story_id: str, fact: Fact, group: list[tuple[FactMention, Quantity]], by_id: dict[str, AnnotatedArticle]
) -> Figure:
    order = {m.article_id: k for k, m in enumerate(fact.mentions)}
    reports = sorted(
        (
            FigureReport(m.article_id, m.sentence, q.text, q.value, by_id[m.article_id].article.published)
            for m, q in group
        ),
        key=lambda r: (r.published or "9999", order.get(r.article_id, 0)),
    )
    counted = max((q.counts for _, q in group), key=len)
    mention, first = group[0]
    verb = re.findall(r"[A-Za-z]+", by_id[mention.article_id].article.text[max(0, first.start - 30) : first.start])
    if verb and verb[-1].lower().endswith("ed") and len(verb[-1]) > 3:
        counted = f"{counted} {verb[-1].lower()}"  # "has killed 12 people" -> "people killed"
    key = content_id(story_id, fact.id, counted, *(f"{r.article_id}:{r.value}" for r in reports))
    return Figure(id=f"f-{key[:10]}", counts=counted, reports=tuple(reports), fact_id=fact.id)


def _number_conflict(
    story_id: str,
    fact: Fact,
    values: dict[float, list[tuple[FactMention, Quantity]]],
    by_id: dict[str, AnnotatedArticle],
) -> Conflict | None:
    ranked = sorted(values.items(), key=lambda kv: (-len({m.article_id for m, _ in kv[1]}), kv[0]))
    main_value, main_items = ranked[0]

    def agree(a: tuple[FactMention, Quantity], b: tuple[FactMention, Quantity]) -> bool:
        lo_a, hi_a = _interval(a[1], by_id[a[0].article_id].article.text)
        lo_b, hi_b = _interval(b[1], by_id[b[0].article_id].article.text)
        return lo_a <= hi_b and lo_b <= hi_a

    rivals = [
        (v, items)
        for v, items in ranked[1:]
        if _far_enough(main_value, v)
        and not _complementary(main_items[0][1], items[0][1])
        and not any(agree(a, b) for a in main_items for b in items)
        and {m.article_id for m, _ in items} - {m.article_id for m, _ in main_items}
    ]
    if not rivals:
        return None
    counted = main_items[0][1].counts
    description = " vs ".join(
        f"{items[0][1].text} ({len({m.article_id for m, _ in items})} article"
        f"{'s' if len({m.article_id for m, _ in items}) > 1 else ''})"
        for _, items in [(main_value, main_items), *rivals]
    )
    mentions = tuple(
        ConflictMention(m.article_id, m.sentence, m.text, q.text)
        for _, items in [(main_value, main_items), *rivals]
        for m, q in items
    )
    values_key = sorted(str(v) for v in values)
    return Conflict(
        id=f"c-{content_id(story_id, fact.id, counted, *values_key)[:10]}",
        kind="number",
        description=f"{description}: {counted}",
        mentions=mentions,
        fact_id=fact.id,
    )


def _date_conflicts(story_id: str, fact: Fact, by_id: dict[str, AnnotatedArticle]) -> list[Conflict]:
    """One event dated differently, at the same precision, in the fact's mentions. Only a sentence's one date outside
    quotation marks is compared, and only when both sentences date the same predicate (the word the date follows:
    "apologized on Friday" vs "apologized Saturday"); a poll released Friday and a remark made Saturday are two
    events."""
    found: list[Conflict] = []
    dated = []
    for mention in fact.mentions:
        article = by_id[mention.article_id]
        own = [d for d in article.dates if d.sentence == mention.sentence and d.value and not _quoted(article, d.start)]
        if len(own) == 1:
            dated.append((mention, own[0]))
    for x, (ma, da) in enumerate(dated):
        for mb, db in dated[x + 1 :]:
            if ma.article_id == mb.article_id or da.precision != db.precision or da.value == db.value:
                continue
            if da.precision == "year" or not _near_dates(da.value, db.value):
                continue
            if not _same_anchor(ma.article_id, da, mb.article_id, db, by_id):
                continue
            if not _same_predicate(by_id[ma.article_id], da, by_id[mb.article_id], db):
                continue
            found.append(
                Conflict(
                    id=f"c-{content_id(story_id, fact.id, da.value, db.value)[:10]}",
                    kind="date",
                    description=f"{da.text} ({da.value}) vs {db.text} ({db.value})",
                    mentions=(
                        ConflictMention(ma.article_id, ma.sentence, ma.text, da.value),
                        ConflictMention(mb.article_id, mb.sentence, mb.text, db.value),
                    ),
                    fact_id=fact.id,
                )
            )
    return found


def _quoted(article: AnnotatedArticle, offset: int) -> bool:
    return any(q.kind == "direct" and q.start <= offset < q.end for q in article.quotes)


def _predicates(article: AnnotatedArticle, d: TimeExpression) -> set[str]:
    """The words a date sits between, as stems: the word before it and the word right after it in its clause
    ("apologized on Friday" and "on Friday apologized" -> {"apolo"}); lead words ("on", "last") are passed over,
    and a comma or full stop after the date ends its clause."""
    text = article.article.text
    before = [w.lower() for w in re.findall(r"[A-Za-z]+", text[max(0, d.start - 40) : d.start])]
    before = [w for w in before if w not in _DATE_LEAD]
    stems = set()
    if before and len(before[-1]) >= PREDICATE_STEM:
        stems.add(before[-1][:PREDICATE_STEM])
    after = re.match(r"\s+((?:[A-Za-z]+\s+){0,2})", text[d.end : d.end + 40])
    if after:
        words = [w.lower() for w in after.group(1).split() if w.lower() not in _DATE_LEAD]
        if words and len(words[0]) >= PREDICATE_STEM:
            stems.add(words[0][:PREDICATE_STEM])
    return stems


def _same_predicate(a: AnnotatedArticle, da: TimeExpression, b: AnnotatedArticle, db: TimeExpression) -> bool:
    return bool(_predicates(a, da) & _predicates(b, db))


def _predicate_conflicts(story_id: str, fact: Fact) -> list[Conflict]:
    """Mentions of one claim with antonymous predicates: "granted" vs "denied" the request, "approved" vs
    "rejected". Neither sentence may carry both words, nor a negation (which would turn it round)."""
    found: list[Conflict] = []
    stems = [(m, _stems(m.text)) for m in fact.mentions]
    for x, (ma, sa) in enumerate(stems):
        for mb, sb in stems[x + 1 :]:
            if ma.article_id == mb.article_id or _negated(ma.text) or _negated(mb.text):
                continue
            for left, right in ANTONYMS:
                pairs = ((left, right), (right, left))
                hit = next(((p, q) for p, q in pairs if sa & p and sb & q and not sa & q and not sb & p), None)
                if hit is None:
                    continue
                word_a, word_b = _word_of(ma.text, hit[0]), _word_of(mb.text, hit[1])
                found.append(
                    Conflict(
                        id=f"c-{content_id(story_id, fact.id, word_a, word_b)[:10]}",
                        kind="predicate",
                        description=f"{word_a} vs {word_b}",
                        mentions=(
                            ConflictMention(ma.article_id, ma.sentence, ma.text, word_a),
                            ConflictMention(mb.article_id, mb.sentence, mb.text, word_b),
                        ),
                        fact_id=fact.id,
                    )
                )
                break
    return found


def _stems(text: str) -> set[str]:
    return {w.lower()[:PREDICATE_STEM] for w in re.findall(r"[A-Za-z]+", text) if len(w) >= PREDICATE_STEM}


def _negated(text: str) -> bool:
    return re.search(r"\b(?:not|never|no|n't|neither|nor|refus\w*|declin\w*)\b|n't\b", text, re.IGNORECASE) is not None


def _word_of(text: str, stems: frozenset[str]) -> str:
    return next((w for w in re.findall(r"[A-Za-z]+", text) if w.lower()[:PREDICATE_STEM] in stems), "")


_DIRECTION = re.compile(r"\b((?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+of\s+((?:[A-Z][\w'’-]+\s?){1,3})")


def _direction_conflicts(story_id: str, fact: Fact) -> list[Conflict]:
    """One place located on different sides of one town by mentions of one claim ("west of Dunmore" vs "south of
    Dunmore")."""
    found: list[Conflict] = []
    seen: dict[str, tuple[FactMention, str]] = {}
    for mention in fact.mentions:
        for match in _DIRECTION.finditer(mention.text):
            town, side = match.group(2).strip(), match.group(1).lower()
            other = seen.get(town)
            if other is None:
                seen[town] = (mention, side)
                continue
            first, first_side = other
            if first.article_id == mention.article_id or first_side == side:
                continue
            if first_side in side or side in first_side:
                continue  # "west" and "northwest" are compatible readings
            found.append(
                Conflict(
                    id=f"c-{content_id(story_id, fact.id, town, first_side, side)[:10]}",
                    kind="place",
                    description=f"{first_side} of {town} vs {side} of {town}",
                    mentions=(
                        ConflictMention(first.article_id, first.sentence, first.text, f"{first_side} of {town}"),
                        ConflictMention(mention.article_id, mention.sentence, mention.text, f"{side} of {town}"),
                    ),
                    fact_id=fact.id,
                )
            )
    return found


def _attribution_conflicts(
    story_id: str, quotes: Sequence[QuoteGroup], by_id: dict[str, AnnotatedArticle]
) -> list[Conflict]:
    found = []
    for group in quotes:
        speakers: dict[str, tuple[QuoteMention, str]] = {}
        for mention in group.mentions:
            for q in by_id[mention.article_id].quotes:
                if q.start == mention.start and q.speaker:
                    speakers.setdefault(_surname(q.speaker), (mention, q.speaker))
        if len(speakers) > 1:
            (ma, sa), (mb, sb) = list(speakers.values())[:2]
            found.append(
                Conflict(
                    id=f"c-{content_id(story_id, group.id, sa, sb)[:10]}",
                    kind="attribution",
                    description=f"the same quote is attributed to {sa} and to {sb}",
                    mentions=(
                        ConflictMention(ma.article_id, ma.sentence, ma.text, sa),
                        ConflictMention(mb.article_id, mb.sentence, mb.text, sb),
                    ),
                )
            )
    return found


def _titles(article: AnnotatedArticle) -> dict[str, list[tuple[str, int]]]:
    """Per person (surname), the capitalised titles written right before their name, with the sentence index."""
    text = article.article.text
    sentences = {s.index: s for s in article.sentences}
    found: dict[str, list[tuple[str, int]]] = {}
    for entity in article.entities:
        sentence = sentences.get(entity.sentence)
        if entity.label != "PERSON" or sentence is None or entity.start <= sentence.start:
            continue
        title = title_words(text[sentence.start : entity.start])
        if not title:
            continue
        words = title.split()
        while words and words[0].lower() in _TITLE_SKIP:
            words = words[1:]
        if len(words) < 2 or words[-1].lower() not in TITLE_HEADS:
            continue
        found.setdefault(_surname(entity.name), []).append((" ".join(words), entity.sentence))
    return found


def title_words(prefix: str) -> str | None:
    """The capitalised words (at most ``TITLE_MAX_WORDS``) that end ``prefix`` before white space: in "said Deputy
    Foreign Minister " -> "Deputy Foreign Minister ". Each word is ``[A-Z][\\w'’-]*`` followed by white space; the
    first may start inside a longer run of word characters. One pass from the right, so its cost does not depend on
    what comes before the last words (a regex anchored at the end rescans from every start: 100k capitals, minutes).
    """
    pos = len(prefix)
    found: int | None = None
    for _ in range(TITLE_MAX_WORDS):
        spaces_end = pos
        while pos and prefix[pos - 1].isspace():
            pos -= 1
        if pos == spaces_end:
            break  # a word must be followed by white space
        word_end = pos
        while pos and _word_char(prefix[pos - 1]):
            pos -= 1
        capital = next((i for i in range(pos, word_end) if "A" <= prefix[i] <= "Z"), None)
        if capital is None:
            break
        found = capital
        if capital != pos or not pos or not prefix[pos - 1].isspace():
            break  # the word starts inside a longer run: nothing to its left can join
    return None if found is None else prefix[found:]


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-"


def _expand_acronyms(words: list[str], other: list[str]) -> list[str]:
    """``words`` with each acronym replaced by the run of ``other``'s words whose initials spell it
    ("RNC Chairman" against "Republican National Committee Chairman")."""
    out: list[str] = []
    for word in words:
        if len(word) >= 2 and word.isupper() and word.isalpha():
            for i in range(len(other) - len(word) + 1):
                run = other[i : i + len(word)]
                if "".join(w[:1] for w in run).upper() == word:
                    out.extend(run)
                    break
            else:
                out.append(word)
        else:
            out.append(word)
    return out


def _compatible_titles(a: str, b: str) -> bool:
    """One title contains the other's words ("Foreign Minister" in "Russia's Foreign Minister"), acronyms spelled
    out ("RNC Chairman" in "Republican National Committee Chairman")."""
    words_a, words_b = a.split(), b.split()
    words_a, words_b = _expand_acronyms(words_a, words_b), _expand_acronyms(words_b, words_a)
    wa, wb = ({re.sub(r"['’]s$", "", w.lower()) for w in t} for t in (words_a, words_b))
    return wa <= wb or wb <= wa


def _title_conflicts(story_id: str, articles: Sequence[AnnotatedArticle]) -> list[Conflict]:
    """One person given the same office with different qualifiers by different outlets ("Industry Minister" vs
    "Economy Minister"): a ``name`` conflict, the majority title first."""
    per_person: dict[tuple[str, str], dict[str, list[tuple[str, int]]]] = {}
    for article in articles:
        for surname, written in _titles(article).items():
            for title, index in written:
                head = title.split()[-1].lower()
                per_person.setdefault((surname, head), {}).setdefault(title, []).append((article.id, index))
    found = []
    for (surname, _head), titles in per_person.items():
        if len(titles) < 2:
            continue
        ranked = sorted(titles.items(), key=lambda kv: (-len({a for a, _ in kv[1]}), kv[0]))
        articles_of = {title: {a for a, _ in refs} for title, refs in ranked}
        main = ranked[0][0]
        rivals = [t for t, _ in ranked[1:] if articles_of[t] - articles_of[main] and not _compatible_titles(main, t)]
        if not rivals:
            continue
        by_id = {a.id: a for a in articles}
        mentions = []
        for title in (main, *rivals):
            for aid, index in titles[title]:
                sentences = by_id[aid].sentences
                text = sentences[index].text if index < len(sentences) else ""
                mentions.append(ConflictMention(aid, index, text, title))
        name = next((e.name for a in articles for e in a.entities if _surname(e.name) == surname), surname)
        description = " vs ".join(
            f"{title} ({len(articles_of[title])} article{'s' if len(articles_of[title]) > 1 else ''})"
            for title in (main, *rivals)
        )
        found.append(
            Conflict(
                id=f"c-{content_id(story_id, surname, main, *rivals)[:10]}",
                kind="name",
                description=f"{description}: {name}'s title",
                mentions=tuple(mentions),
            )
        )
    return found


def find_conflicts(
    story_id: str,
    facts: Sequence[Fact],
    articles: Sequence[AnnotatedArticle],
    quotes: Sequence[QuoteGroup] = (),
    by_id: Mapping[str, AnnotatedArticle] | None = None,
) -> tuple[list[Conflict], list[Figure]]:
    """The story's conflicts (within its facts, between the titles and first names given one person, and between
    the speakers of one quote) and its moving figures. ``by_id``: every article of the story by id (``articles``
    when not given)."""
    every = dict(by_id) if by_id is not None else {a.id: a for a in articles}
    within, figures = _conflicts(story_id, facts, every)
    conflicts = (
        within
        + _title_conflicts(story_id, articles)
        + _first_name_conflicts(story_id, articles)
        + _attribution_conflicts(story_id, quotes, every)
    )
    return conflicts, figures


def _first_name_conflicts(story_id: str, articles: Sequence[AnnotatedArticle]) -> list[Conflict]:
    """One person (same surname, same office written before the name) given two first names by different outlets
    ("Police Chief John Marsh" vs "Police Chief James Marsh"). An article that names two people of that surname and
    office says nothing; initials agree with the names they start ("J. Marsh")."""
    per_key: dict[tuple[str, str], dict[str, list[tuple[str, int, str]]]] = {}
    for article in articles:
        own: dict[tuple[str, str], dict[str, list[tuple[str, int, str]]]] = {}
        for surname, head, first, title, index in _titled_people(article):
            own.setdefault((surname, head), {}).setdefault(first, []).append((article.id, index, title))
        for key, firsts in own.items():
            if len(firsts) == 1:
                for first, refs in firsts.items():
                    per_key.setdefault(key, {}).setdefault(first, []).extend(refs)
    found = []
    for (surname, head), firsts in per_key.items():
        names = sorted(firsts, key=lambda f: (-len({a for a, _, _ in firsts[f]}), f))
        if len(names) < 2:
            continue
        main = names[0]
        rivals = [f for f in names[1:] if not _same_first_name(f, main)]
        if not rivals:
            continue
        by_id = {a.id: a for a in articles}
        mentions = []
        for first in (main, *rivals):
            for aid, index, _title in firsts[first]:
                sentences = by_id[aid].sentences
                text = sentences[index].text if index < len(sentences) else ""
                mentions.append(ConflictMention(aid, index, text, f"{first.title()} {surname.title()}"))
        title = firsts[main][0][2]
        described = " vs ".join(f"{f.title()} {surname.title()}" for f in (main, *rivals))
        found.append(
            Conflict(
                id=f"c-{content_id(story_id, surname, head, main, *rivals)[:10]}",
                kind="name",
                description=f"{described}: one {title}'s first name",
                mentions=tuple(mentions),
            )
        )
    return found


# Short forms of first names that do not start like the name ("Bill" for William); the others are read by shape.
NICKNAMES = {
    frozenset(pair.split("/"))
    for pair in (
        "bill/william bob/robert bobby/robert dick/richard rick/richard jim/james jimmy/james mike/michael "
        "joe/joseph tom/thomas ted/edward ted/theodore chuck/charles peggy/margaret liz/elizabeth beth/elizabeth "
        "betsy/elizabeth kate/catherine kate/katherine jack/john hank/henry harry/henry ned/edward sandy/alexandra "
        "mitt/willard bibi/benjamin peg/margaret sally/sarah polly/mary molly/mary"
    ).split()
}


def _same_first_name(a: str, b: str) -> bool:
    """Two first names that can be one person's: equal, an initial, one the start of the other ("Ben",
    "Benjamin"), a short form of up to four letters sharing the first two ("Joe", "Joseph"), or a known nickname."""
    short, long = sorted((a.strip(".").lower(), b.strip(".").lower()), key=len)
    if not short or long.startswith(short) or frozenset((short, long)) in NICKNAMES:
        return True
    return len(short) <= 4 and short[:2] == long[:2]


def _titled_people(article: AnnotatedArticle) -> list[tuple[str, str, str, str, int]]:
    """(surname, office head noun, first name, title, sentence) of each person named in full after a title."""
    text = article.article.text
    sentences = {s.index: s for s in article.sentences}
    found = []
    for entity in article.entities:
        sentence = sentences.get(entity.sentence)
        if entity.label != "PERSON" or sentence is None or entity.start <= sentence.start:
            continue
        parts = _name_parts(text[entity.start : entity.end])
        if len(parts) < 2:
            continue
        title = title_words(text[sentence.start : entity.start])
        words = [w for w in (title or "").split() if w.lower() not in _TITLE_SKIP]
        if len(words) < 2 or words[-1].lower() not in TITLE_HEADS:
            continue  # a bare "Senator" is held by several people of one surname; "Police Chief" by one
        found.append((parts[-1], words[-1].lower(), parts[0], " ".join(words), entity.sentence))
    return found


def compare_story(
    story: Story,
    articles: Sequence[AnnotatedArticle],
    sentence_vectors: dict[str, Matrix],
    *,
    encode: Encode | None = None,
    copies: dict[str, str] | None = None,
) -> StoryAnalysis:
    """Compare a story's articles (in story order). ``sentence_vectors``: article id -> one row per sentence (the
    ``compared_articles`` at least); ``encode``: the sentence encoder, for quotes whose wording alone does not tell;
    ``copies``: copy -> original. A story of more than ``MAX_COMPARED`` articles has its facts, quotes and conflicts
    from a sample (``StoryAnalysis.compared``)."""
    by_id = {a.id: a for a in articles}
    sample = compared_articles(articles, copies)
    published = {a.id: a.article.published or "" for a in sample}
    facts = align_facts(story.id, sample, sentence_vectors, copies=copies, published=published)
    quotes = _group_quotes(story.id, sample, encode, facts)
    conflicts, figures = find_conflicts(story.id, facts, sample, quotes, by_id)
    citations = tuple(
        (a.id, tuple(dict.fromkeys(c.source for c in a.citations if c.kind in CITED_KINDS))) for a in articles
    )
    return StoryAnalysis(
        story=story,
        facts=facts,
        quotes=quotes,
        conflicts=tuple(conflicts),
        figures=tuple(figures),
        timeline=build_timeline(articles, facts),
        citations=citations,
        compared=tuple(a.id for a in sample) if len(sample) < len(articles) else (),
    )


def compared_articles(
    articles: Sequence[AnnotatedArticle], copies: Mapping[str, str] | None = None, limit: int | None = None
) -> list[AnnotatedArticle]:
    """The articles whose sentences and quotes a story compares: all of them up to ``MAX_COMPARED`` articles,
    ``MAX_SENTENCES`` sentences and ``MAX_QUOTES`` quotes; else as many as fit, originals before copies, taken
    round-robin over outlets in story order (each outlet's first article, then each one's second...), an article
    that would pass a budget passed over, returned in story order. Deterministic: the same story gives the same
    sample."""
    limit = MAX_COMPARED if limit is None else limit
    if len(articles) <= limit and _within_budget(articles):
        return list(articles)
    chosen: list[int] = []
    sentences = quotes = 0
    for position in _round_robin(articles, copies or {}):
        article = articles[position]
        if len(chosen) == limit:
            break
        if sentences + len(article.sentences) > MAX_SENTENCES or quotes + len(article.quotes) > MAX_QUOTES:
            continue
        chosen.append(position)
        sentences, quotes = sentences + len(article.sentences), quotes + len(article.quotes)
    return [articles[i] for i in sorted(chosen)]


def _within_budget(articles: Sequence[AnnotatedArticle]) -> bool:
    return sum(len(a.sentences) for a in articles) <= MAX_SENTENCES and sum(len(a.quotes) for a in articles) <= (
        MAX_QUOTES
    )


def _round_robin(articles: Sequence[AnnotatedArticle], copies: Mapping[str, str]) -> list[int]:
    """Every position of ``articles``: originals before copies, each outlet's first, then each one's second..."""
    queues: dict[tuple[bool, str], list[int]] = {}
    for position, article in enumerate(articles):
        outlet = article.article.outlet or article.article.source or article.id
        queues.setdefault((article.id in copies, outlet), []).append(position)
    order: list[int] = []
    for is_copy in (False, True):
        lanes = [q for (copy, _), q in queues.items() if copy == is_copy]
        for depth in range(max((len(lane) for lane in lanes), default=0)):
            order.extend(lane[depth] for lane in lanes if depth < len(lane))
    return order


def check_comparable(article: AnnotatedArticle) -> AnnotatedArticle:
    """``article``, or ``TooSlowError`` (naming it) when it alone has more sentences or quotes than a story's
    comparison reads (``MAX_SENTENCES``, ``MAX_QUOTES``): it could never be compared, and such counts come from text
    built to stall the comparison (a long run of one short sentence, or of quotation marks)."""
    over = []
    if len(article.sentences) > MAX_SENTENCES:
        over.append(f"{len(article.sentences):,} sentences (the limit is {MAX_SENTENCES:,})")
    if len(article.quotes) > MAX_QUOTES:
        over.append(f"{len(article.quotes):,} quotes (the limit is {MAX_QUOTES:,})")
    if over:
        raise TooSlowError(
            f"article {article.id!r}: {' and '.join(over)}, too many to compare with other articles",
            document=article.article.source or article.id,
        )
    return article
