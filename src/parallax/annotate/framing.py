"""Loaded language and tone: how an outlet words a story, apart from what it reports.

``find_loaded_terms`` flags slanted wording (emotive words, intensifiers, sarcasm, scare quotes, dismissive phrasing,
loaded idioms, adverbs, verbs and labels, and hedges) with a curated lexicon; ``score_tone`` gives the article's
sentiment (-1 .. +1) with VADER. Both judge the outlet's own words only: text inside direct quotations is someone
else's and is skipped, except scare quotes, which are the outlet's framing.

The lexicon, its entry grammar and its compiler are in ``framing_lexicon``. A word-in-context judge
(``annotate.judge``) can filter the lexicon's matches and add words a fitted word table proposes; it runs only when a
fitted ``data/loaded_judge.json`` is shipped, and none is: cross-validated, it lowered BASIL's span F1 at every
threshold (``python -m parallax.evaluation.loaded_language --cv``), so the lexicon's matches stand.

Quotations: a span between quotation marks (straight or curly, double or single, with a quote left open running to
the end of its paragraph) is someone's speech when it is long, is a whole sentence, speaks in the first person, shares
its sentence with other quotations, follows a colon, or when its sentence has a speech cue outside the marks
("said", "according to", "insisted"...). Quoted names and titles ("Territory of Meanings"), mentions ("the word
“terror”", "known as “X”") and terms of art ("the “doc fix”", "“active shooter” training") are not scare quotes
either. Terms inside all of these are skipped. A short quotation left over (at most ``SCARE_QUOTE_MAX_WORDS``), or
one right after "so-called", is a scare quote: the outlet's distance from the words, reported with kind
``scare-quote`` (marks included; "so-called" and its quotation are one term).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..models import Article, LoadedTerm, Sentence
from .judge import ALWAYS_KINDS, features, load_judge
from .lexicon import (
    FOLD_TABLE,
    KINDS,
    LEXICON_RESOURCE,
    Compound,
    Lexicon,
    Pattern,
    Slot,
    Token,
    fold,
    inflect,
    load_lexicon,
    tokenize,
)

__all__ = [
    "KINDS",
    "LEXICON_RESOURCE",
    "Candidate",
    "find_loaded_terms",
    "loaded_candidates",
    "score_tone",
    "sentence_tones",
]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Tuning constants, chosen by reading the seed corpus and BASIL's lexical-bias spans (see tests/test_framing.py):
# a scare quote is at most 3 words ("so-called “Russian interference”", “cover-up”); quotes of 4+ words without a
# speaker are usually a mock title or a paraphrase and are neither flagged nor skipped.
SCARE_QUOTE_MAX_WORDS = 3
# A quotation this long is someone's speech even with no cue in its sentence (a second quoted sentence, a pull quote).
SPEECH_QUOTE_MIN_WORDS = 6
# Single quotation marks double as apostrophes: a single-quoted span longer than this is taken as a misread.
SINGLE_QUOTE_MAX_WORDS = 12
# "so-called" right before a quotation makes it a scare quote up to this many words.
SO_CALLED_QUOTE_MAX_WORDS = 6

# Verbs (and a few nouns) that attribute words to a speaker; inflected with the lexicon's verb morphology.
_SPEECH_VERBS = _words(
    "say said tell told add note insist argue claim state declare warn write wrote written ask reply respond explain "
    "stress emphasise emphasize highlight quote call describe urge vow promise admit acknowledge concede deny accuse "
    "complain lament tweet post announce suggest believe think thought dub label brand term remark comment recall "
    "predict caution allege charge counter retort boast joke quip muse testify assert maintain contend observe agree "
    "disagree criticise criticize condemn denounce slam blast praise hail mention cite report confirm reiterate "
    "repeat signal threaten demand pledge shout yell scream chant whisper mutter sigh cry exclaim proclaim conclude "
    "continue put read credit blame refer defend dismiss object decry deride mock characterise characterize define "
    "mouth"
)
_SPEECH_PHRASE_RE = re.compile(
    r"\b(?:according to|per|in the words of|statement|interview|remarks|press conference|news conference|briefing|"
    r"spokesman|spokeswoman|spokesperson)\b"
)
# Words right before a quotation that make it a mention or a name, not a scare quote ("the word “terror”").
_MENTION_CUES = _words(
    "as word words term terms phrase phrases label slogan slogans hashtag headline title titled entitled named name "
    "names concept notion expression category defined meaning spelled translated "
    "called dubbed nicknamed known motto caption banner sign signs reading marked codenamed code-named operation "
    "song album book film movie show series novel program programme campaign project"
)
# A quotation with these words is someone speaking, not the outlet's distance from a word.
_FIRST_PERSON = _words("i i'm i've i'd i'll me my mine we we're we've our ours us you you're your yours")
# "a “grand bargain”", "the “doc fix”": a quoted term of art after an article.
_ARTICLES = _words("a an the")
# After a quotation, a word not in this list means the quotation modifies it (a term of art, not a scare quote).
_FUNCTION_WORDS = _words(
    "a an the that which who whom whose to of in on at by for with from as and or but nor is are was were be been "
    "being has have had do does did will would could should may might must can not it its they them their he him "
    "his she her we us our you your i me my this these those there here than then so if when while where because "
    "after before into over under about against between through during without within around also only just even "
    "still yet all any some more most less per since until unless though although whether each every no across "
    "along toward towards behind beyond near onto upon via amid among despite inside outside like up down out off "
    "back away again too now today yesterday tomorrow instead rather either neither both such what how why"
)
# Small words a quoted name or title may keep lower-case ("Territory of Meanings").
_NAME_FILLERS = _words("of the and for in on a an to at de la le von van du des with by or")

# Curly and typographic apostrophes, quotation marks and Unicode hyphens, folded to ASCII for matching.
_DOUBLE_OPEN = frozenset("“„«‟")
_DOUBLE_CLOSE = frozenset("”»")
_DOUBLE_ANY = frozenset('"″')
_SINGLE_OPEN = frozenset("‘‛")
_SINGLE_CLOSE = frozenset("’′'")
_QUOTE_MARK_RE = re.compile(r"[\"“”„«»‟″]")
_CONTRACTION_RE = re.compile(r"(?:ll|s|re|ve|d|m|t|n|em|cause|til|tis|\d\ds?)\b")
_SINGLE_MARK_RE = re.compile(r"['‘’′‛]")


@dataclass(frozen=True, slots=True)
class _Quote:
    start: int  # the opening mark
    end: int  # after the closing mark, or the end of the paragraph when left open
    skip: bool  # someone's speech, or a quoted name: terms inside are not the outlet's
    scare: bool  # the outlet's own scare quote


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    kind: str  # "" for an exclusion
    sentence: int


# --- public entry points ---------------------------------------------------------------------------------------------


def find_loaded_terms(article: Article, sentences: Sequence[Sentence]) -> tuple[LoadedTerm, ...]:
    """The loaded wording in the outlet's own voice, in text order.

    Each term lies inside one of ``sentences`` (``sentence`` is that Sentence's ``index``) and never inside a direct
    quotation, except scare quotes, which are reported whole (marks included) with kind ``scare-quote``. The
    lexicon's matches and the words the judge's table proposes are kept when the judge (``annotate.judge``) scores
    them at or over its threshold; hedges and scare quotes are kept by definition.
    """
    judge = load_judge()
    if judge is None:
        return tuple(c.term for c in _lexicon_terms(article, sentences)[0])
    candidates = loaded_candidates(article, sentences, judge.prior, judge.base)
    return tuple(c.term for c in candidates if c.term.kind in ALWAYS_KINDS or judge.keeps(c.features))


def _lexicon_terms(article: Article, sentences: Sequence[Sentence]) -> tuple[list[_Found], _Parse]:
    """The lexicon's matches and the scare quotes (longest wins, no overlaps), in text order, with the parse."""
    _check(article, sentences)
    text = article.text
    folded = fold(text)
    ordered = sorted(sentences, key=lambda s: s.start)
    quotes = _quotations(text, folded, ordered)
    lexicon = load_lexicon()
    candidates: list[_Candidate] = []
    tokens_of: dict[int, list[Token]] = {}
    for sentence in ordered:
        tokens = tokens_of[sentence.index] = tokenize(folded, sentence.start, sentence.end)
        candidates.extend(_lexicon_matches(text, tokens, lexicon, sentence.index))
    candidates.extend(_scare_quotes(folded, quotes, candidates, ordered))
    kept = [c for c in _select(_outside_speech(candidates, quotes), lexicon.priority) if c.kind]
    found = [
        _Found(LoadedTerm(text=text[c.start : c.end], start=c.start, end=c.end, sentence=c.sentence, kind=c.kind), c)
        for c in kept
    ]
    return found, _Parse(folded, ordered, quotes, tokens_of)


@dataclass(frozen=True, slots=True)
class _Found:
    term: LoadedTerm
    candidate: _Candidate


@dataclass(frozen=True, slots=True)
class _Parse:
    folded: str
    ordered: list[Sentence]
    quotes: list[_Quote]
    tokens_of: dict[int, list[Token]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A term before judging: ``lexicon`` when the lexicon matched it (else the word table or VADER proposed it),
    with its feature vector (``judge.FEATURES``)."""

    term: LoadedTerm
    lexicon: bool
    features: tuple[float, ...]


def loaded_candidates(
    article: Article, sentences: Sequence[Sentence], prior: Mapping[str, float] | None = None, base: float = 0.0
) -> list[Candidate]:
    """Every candidate term in the outlet's own voice, in text order: the lexicon's matches (longest wins, no
    overlaps), scare quotes, and each other word that ``prior`` rates over ``base`` or that VADER gives a valence."""
    found, parse = _lexicon_terms(article, sentences)
    text, folded, ordered, quotes, tokens_of = article.text, parse.folded, parse.ordered, parse.quotes, parse.tokens_of
    kept = [f.candidate for f in found]
    proposed = _proposals(text, tokens_of, kept, quotes, prior or {}, base)
    by_sentence: dict[int, int] = {}
    for c in (*kept, *proposed):
        by_sentence[c.sentence] = by_sentence.get(c.sentence, 0) + 1
    skipped = [q for q in quotes if q.skip]
    speech = {s.index: _has_speech_cue(_without(folded, s.start, s.end, skipped)) for s in ordered}
    firsts = {i: next((t.start for t in tokens if t.word), -1) for i, tokens in tokens_of.items()}
    valence = _valences()
    out: list[Candidate] = []
    for c, lexical in [(c, True) for c in kept] + [(c, False) for c in proposed]:
        words = [t.base for t in tokenize(folded, c.start, c.end) if t.word]
        values = features(
            c.kind if lexical else "",
            words,
            [valence.get(w, 0.0) for w in words],
            prior=prior or {},
            base=base,
            capital=c.start != firsts.get(c.sentence) and text[c.start].isupper(),
            speech=speech.get(c.sentence, False),
            company=by_sentence[c.sentence] - 1,
            context=_context(tokens_of[c.sentence], c, prior or {}, base),
        )
        term = LoadedTerm(text=text[c.start : c.end], start=c.start, end=c.end, sentence=c.sentence, kind=c.kind)
        out.append(Candidate(term, lexical, tuple(values)))
    out.sort(key=lambda c: c.term.start)
    return out


def _context(tokens: Sequence[Token], candidate: _Candidate, prior: Mapping[str, float], base: float) -> float:
    """The mean of the two highest word-table log-odds over ``base`` among the sentence's words outside the term."""
    lifts = sorted(
        (prior.get(t.base, base) - base for t in tokens if t.word and not candidate.start <= t.start < candidate.end),
        reverse=True,
    )[:2]
    return sum(max(0.0, v) for v in lifts) / 2 if lifts else 0.0


def _proposals(
    text: str,
    tokens_of: Mapping[int, Sequence[Token]],
    kept: Sequence[_Candidate],
    quotes: Sequence[_Quote],
    prior: Mapping[str, float],
    base: float,
) -> list[_Candidate]:
    """One-word candidates outside the lexicon's terms and others' quotations: a word the table rates over its base
    rate, or one VADER gives a valence."""
    valence = _valences()
    covered = bytearray(len(text))
    for s, e in [(c.start, c.end) for c in kept] + [(q.start, q.end) for q in quotes if q.skip or q.scare]:
        covered[s:e] = b"\x01" * (e - s)
    out: list[_Candidate] = []
    for index, tokens in tokens_of.items():
        for token in tokens:
            if not token.word or (token.base not in valence and prior.get(token.base, base) <= base):
                continue
            if covered[token.start] or covered[token.end - 1]:
                continue
            adverb = token.base.endswith("ly")
            kind = "loaded-adverb" if adverb else "emotive" if token.base in valence else "loaded-label"
            out.append(_Candidate(token.start, token.end, kind, index))
    return out


@cache
def _valences() -> dict[str, float]:
    """VADER's valence of each single word of its lexicon (-4 .. +4)."""
    lexicon: dict[str, float] = _analyzer().lexicon
    return {w: float(v) for w, v in lexicon.items() if v and re.fullmatch(r"[a-z]+(?:'[a-z]+)?", w)}


def score_tone(article: Article, sentences: Sequence[Sentence]) -> float:
    """The article's tone, -1 (negative) .. +1 (positive): VADER's compound score of each sentence without its
    quotations, averaged with the sentences' word counts as weights; 0.0 when no sentence has words of its own."""
    total = weight = 0.0
    for score, words in sentence_tones(article, sentences).values():
        total += score * words
        weight += words
    if not weight:
        return 0.0
    return max(-1.0, min(1.0, total / weight))


def sentence_tones(article: Article, sentences: Sequence[Sentence]) -> dict[int, tuple[float, int]]:
    """Per sentence index: (VADER compound score -1 .. +1, word count) of the sentence in the outlet's own voice,
    its direct quotations removed. Sentences with no words of their own are left out."""
    _check(article, sentences)
    text = article.text
    folded = fold(text)
    ordered = sorted(sentences, key=lambda s: s.start)
    quotes = [q for q in _quotations(text, folded, ordered) if q.skip]
    analyzer = _analyzer()
    plain = text.translate(FOLD_TABLE)  # VADER knows "don't", not "don’t"; keep case (it reads CAPS as emphasis)
    out: dict[int, tuple[float, int]] = {}
    for sentence in ordered:
        own = _without(plain, sentence.start, sentence.end, quotes)
        words = len(re.findall(r"\w+", own))
        if words:
            out[sentence.index] = (float(analyzer.polarity_scores(own)["compound"]), words)
    return out


# --- matching ------------------------------------------------------------------------------------------------------


def _lexicon_matches(text: str, tokens: Sequence[Token], lexicon: Lexicon, sentence: int) -> Iterator[_Candidate]:
    first_word = next((i for i, t in enumerate(tokens) if t.word), 0)
    for i, token in enumerate(tokens):
        for key in {token.form, token.base}:
            for pattern in lexicon.index.get(key, ()):
                end = max(_ends(pattern.core, 0, tokens, i), default=None)
                if end is None or not _context_ok(pattern, tokens, i, end, first_word):
                    continue
                if pattern.kind and _in_name(text, tokens, i, end, first_word):
                    continue
                last = tokens[end - 1]
                stop = last.end
                if last.form != last.base and last.form not in pattern.core[-1].words:
                    stop -= len(last.form) - len(last.base)  # "the regime's": the term is "regime"
                yield _Candidate(tokens[i].start, stop, pattern.kind, sentence)
        yield from _compound_matches(tokens, i, lexicon.compounds, sentence)


def _in_name(text: str, tokens: Sequence[Token], i: int, end: int, first_word: int) -> bool:
    """Capitalised words inside a run of capitalised words mid-sentence are part of a name ("International
    Astronomical Union", "House of Cards"), not the outlet's wording."""

    def capital(t: Token) -> bool:
        return t.word and text[t.start].isupper()

    if i == first_word or not all(capital(t) for t in tokens[i:end] if t.word):
        return False
    return (i > 0 and capital(tokens[i - 1])) or (end < len(tokens) and capital(tokens[end]))


def _ends(core: Sequence[Slot], k: int, tokens: Sequence[Token], i: int) -> Iterator[int]:
    """Token indexes just past each way ``core[k:]`` matches from token ``i``."""
    if k == len(core):
        yield i
        return
    slot = core[k]
    if slot.gap is not None:
        lo, hi = slot.gap
        for n in range(lo, hi + 1):
            if n and (i + n > len(tokens) or not tokens[i + n - 1].word):
                break
            yield from _ends(core, k + 1, tokens, i + n)
        return
    if i < len(tokens) and slot.accepts(tokens[i]):
        yield from _ends(core, k + 1, tokens, i + 1)


def _context_ok(pattern: Pattern, tokens: Sequence[Token], i: int, end: int, first_word: int) -> bool:
    lead = [slot for slot in pattern.lead if not slot.start]
    if any(slot.start for slot in pattern.lead) and i - len(lead) != first_word:
        return False
    if i < len(lead) or end + len(pattern.trail) > len(tokens):
        return False
    before = tokens[i - len(lead) : i]
    after = tokens[end : end + len(pattern.trail)]
    return all(s.accepts(t) for s, t in zip(lead, before, strict=True)) and all(
        s.accepts(t) for s, t in zip(pattern.trail, after, strict=True)
    )


def _compound_matches(
    tokens: Sequence[Token], i: int, compounds: Sequence[Compound], sentence: int
) -> Iterator[_Candidate]:
    token = tokens[i]
    if not token.word:
        return
    prefixes, fused = _compound_tables(compounds)
    if token.form in prefixes:
        for rule in compounds:
            if token.form not in rule.prefixes:
                continue
            for size in (2, 1):
                parts = tokens[i + 1 : i + 1 + size]
                if len(parts) != size or not all(t.word for t in parts) or not all(t.joined for t in parts[1:]):
                    continue
                if not (parts[0].joined or token.form in rule.spaced):
                    continue
                if tuple(t.form for t in parts) in rule.stems:
                    yield _Candidate(token.start, parts[-1].end, rule.kind, sentence)
                    break
    kinds = fused.get(token.form)
    if kinds is None:
        kinds = tuple(
            rule.kind
            for rule in compounds
            if token.form not in rule.prefixes
            and any(
                token.form.startswith(p) and len(token.form) - len(p) > 3 and token.form[len(p) :] in rule.fused
                for p in rule.prefixes
            )
        )
        if len(fused) < FUSED_CACHE_SIZE:
            fused[token.form] = kinds
    for kind in kinds:
        yield _Candidate(token.start, token.end, kind, sentence)


# Per lexicon: every compound prefix, and word form -> kinds of the fused compounds it is ("antiwar"), filled as
# words are met. Word forms repeat (Zipf), so most tokens cost one dict lookup instead of a scan of every rule's
# prefixes (the scan was 5% of annotate on 1,000 news articles: cProfile, 2026-11-23).
FUSED_CACHE_SIZE = 200_000
_COMPOUND_TABLES: dict[int, tuple[Sequence[Compound], frozenset[str], dict[str, tuple[str, ...]]]] = {}


def _compound_tables(compounds: Sequence[Compound]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    entry = _COMPOUND_TABLES.get(id(compounds))
    if entry is None or entry[0] is not compounds:  # the entry keeps its lexicon alive, so ids are not reused
        entry = (compounds, frozenset(p for rule in compounds for p in rule.prefixes), {})
        if len(_COMPOUND_TABLES) > 8:
            _COMPOUND_TABLES.clear()
        _COMPOUND_TABLES[id(compounds)] = entry
    return entry[1], entry[2]


def _select(candidates: Sequence[_Candidate], priority: Mapping[str, int]) -> list[_Candidate]:
    """Longest first, then leftmost, then by kind priority (exclusions first); no overlaps."""
    ranked = sorted(
        set(candidates), key=lambda c: (c.start - c.end, c.start, -1 if not c.kind else priority.get(c.kind, 99))
    )
    kept: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in ranked:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


# --- quotations ----------------------------------------------------------------------------------------------------


def _quotations(text: str, folded: str, sentences: Sequence[Sentence]) -> list[_Quote]:
    """Every quotation in ``text``, classified as speech or a name (skipped), the outlet's scare quote, or neither."""
    spans = _quote_spans(text)
    starts = [s.start for s in sentences]
    per_sentence: dict[int, int] = {}
    for start, _ in spans:
        k = bisect.bisect_right(starts, start) - 1
        per_sentence[k] = per_sentence.get(k, 0) + 1
    quotes: list[_Quote] = []
    for start, end in spans:
        words = re.findall(r"\w+(?:['-]\w+)*", folded[start + 1 : end])
        before = folded[max(0, start - 40) : start].rstrip()
        prev_match = re.search(r"([\w-]+)\W*$", before)
        prev = prev_match.group(1) if prev_match else ""
        if (prev in load_lexicon().scare_markers or before.endswith("so called")) and (
            0 < len(words) <= SO_CALLED_QUOTE_MAX_WORDS
        ):
            quotes.append(_Quote(start, end, skip=False, scare=True))
            continue
        k = bisect.bisect_right(starts, start) - 1
        opens_sentence = k < 0 or not re.search(r"\w", folded[sentences[k].start : start])
        own = _own_context(folded, start, end, spans, sentences, starts)  # where a speaker would be named
        skip = (
            len(words) >= SPEECH_QUOTE_MIN_WORDS
            or per_sentence.get(k, 0) > 1  # several quotations: a speaker's words, quoted piecemeal
            or bool(_FIRST_PERSON.intersection(words))  # "I'm sorry", "my friend": someone speaking
            or _is_name(text[start + 1 : end], opens_sentence)
            or prev in _MENTION_CUES
            or before.endswith(":")  # He replied: "Says who?"
            or before.endswith("known as")
            or _has_speech_cue(own)
            or not re.search(r"\w", own)  # the quotation is the whole sentence
            or (len(words) > 1 and prev in _ARTICLES)  # a "grand bargain", the "doc fix": a term of art
            or _modifies_next(folded, end)  # "active shooter" training, the "settings" menu: a term of art
        )
        scare = not skip and 0 < len(words) <= SCARE_QUOTE_MAX_WORDS
        quotes.append(_Quote(start, end, skip=skip, scare=scare))
    return quotes


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening mark, after closing mark) of each quotation, paragraph by paragraph (a line is a paragraph)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        doubles = _double_spans(line)
        spans.extend((offset + s, offset + e) for s, e in doubles)
        for s, e in _single_spans(line):
            if not any(ds <= s < de for ds, de in doubles):
                spans.append((offset + s, offset + e))
        offset += len(line) + 1
    return sorted(spans)


def _double_spans(line: str) -> list[tuple[int, int]]:
    """Double-quoted spans; a straight mark's direction is read from its neighbours (space before: opening)."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _QUOTE_MARK_RE.finditer(line):
        mark, pos = match.group(), match.start()
        prev = line[pos - 1] if pos else " "
        nxt = line[pos + 1] if pos + 1 < len(line) else " "
        if mark in _DOUBLE_ANY:
            opening = (prev.isspace() or prev in "([{—–-") and not nxt.isspace()
            closing = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
            if opening == closing:  # no telling from the neighbours: alternate
                opening = open_at is None
        else:
            opening = mark in _DOUBLE_OPEN
        if opening:
            open_at = pos  # an opening mark while one is open: the earlier one was never closed
        elif open_at is not None:
            spans.append((open_at, pos + 1))
            open_at = None
    if open_at is not None and line[open_at + 1 :].strip():
        spans.append((open_at, len(line.rstrip())))  # continues in the next paragraph
    return spans


def _single_spans(line: str) -> list[tuple[int, int]]:
    """Single-quoted spans; an apostrophe inside a word ("Russia’s") is never a mark, nor one around a letter
    ("rock 'n' roll")."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _SINGLE_MARK_RE.finditer(line):
        mark, pos = match.group(), match.start()
        prev = line[pos - 1] if pos else " "
        nxt = line[pos + 1] if pos + 1 < len(line) else " "
        opens = (
            (mark in _SINGLE_OPEN or mark == "'")
            and (prev.isspace() or prev in '([{“"—–-')
            and nxt.isalnum()
            and not _CONTRACTION_RE.match(line, pos + 1)  # "you 'll", "rock 'n' roll", "the '90s"
        )
        closes = mark in _SINGLE_CLOSE and not prev.isspace() and not nxt.isalnum()
        if open_at is not None and closes:
            words = re.findall(r"\w+", line[open_at:pos])
            if words and len(words) <= SINGLE_QUOTE_MAX_WORDS and max(map(len, words)) > 1:
                spans.append((open_at, pos + 1))
            open_at = None
        elif opens:
            open_at = pos
    return spans


def _own_context(
    folded: str,
    start: int,
    end: int,
    spans: Sequence[tuple[int, int]],
    sentences: Sequence[Sentence],
    starts: Sequence[int],
) -> str:
    """The words of the sentences around a quotation that are not themselves quoted (where a speaker would be).

    A quotation opening its sentence right after a sentence ending in a colon ("He said:") takes that one too.
    """
    if not sentences:
        return ""
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last = max(first, bisect.bisect_left(starts, end) - 1)
    lo, hi = sentences[first].start, sentences[last].end
    if first > 0 and not re.search(r"\w", folded[lo:start]) and folded[:lo].rstrip().endswith(":"):
        lo = sentences[first - 1].start
    pieces: list[str] = []
    cursor = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        pieces.append(folded[cursor : max(cursor, s)])
        cursor = max(cursor, e)
    pieces.append(folded[cursor:hi])
    return " ".join(pieces)


def _modifies_next(folded: str, end: int) -> bool:
    """The quotation is followed by a content word: it names a kind of thing ("zero-tolerance" approach)."""
    match = re.match(r" ([a-z][a-z-]*)\b", folded[end : end + 30])
    return match is not None and match.group(1) not in _FUNCTION_WORDS and folded[end - 2 : end - 1] not in ",.;:!?"


def _is_name(quoted: str, opens_sentence: bool) -> bool:
    """A name or a title: title-case words (small words aside), or a capital first word inside a sentence."""
    words = re.findall(r"\w+(?:['’-]\w+)*", quoted)
    if not words:
        return False
    if not opens_sentence and words[0][0].isupper():
        return True
    capital = [w for w in words if w.lower() not in _NAME_FILLERS]
    return bool(capital) and all(w[0].isupper() or w[0].isdigit() for w in capital)


@cache
def _speech_verb_forms() -> frozenset[str]:
    return frozenset(form for verb in _SPEECH_VERBS for form in inflect(verb, "v"))


def _has_speech_cue(context: str) -> bool:
    """A speech verb or attribution phrase in the words around a quotation."""
    forms = _speech_verb_forms()
    return any(word in forms for word in re.findall(r"[a-z]+", context)) or bool(_SPEECH_PHRASE_RE.search(context))


def _scare_quotes(
    folded: str, quotes: Sequence[_Quote], candidates: Sequence[_Candidate], sentences: Sequence[Sentence]
) -> list[_Candidate]:
    """A candidate for each scare quote; after "so-called" the marker and the quotation are one term."""
    starts = [s.start for s in sentences]
    out: list[_Candidate] = []
    for quote in quotes:
        if not quote.scare:
            continue
        k = bisect.bisect_right(starts, quote.start) - 1
        if k < 0 or quote.start >= sentences[k].end:
            continue
        start = quote.start
        for c in candidates:
            between = folded[c.end : quote.start]
            if c.kind == "scare-quote" and c.sentence == sentences[k].index and not between.strip(" \t"):
                start = min(start, c.start)
        out.append(_Candidate(start, quote.end, "scare-quote", sentences[k].index))
    return out


def _outside_speech(candidates: Sequence[_Candidate], quotes: Sequence[_Quote]) -> list[_Candidate]:
    """Drop lexicon matches that touch a quotation the outlet does not own."""
    skipped = [(q.start, q.end) for q in quotes if q.skip]
    return [c for c in candidates if not any(c.start < e and s < c.end for s, e in skipped)]


def _without(text: str, start: int, end: int, spans: Sequence[_Quote]) -> str:
    pieces: list[str] = []
    cursor = start
    for q in spans:
        if q.end <= start or q.start >= end:
            continue
        pieces.append(text[cursor : max(cursor, q.start)])
        cursor = max(cursor, q.end)
    pieces.append(text[cursor:end])
    return " ".join(p.strip() for p in pieces if p.strip())


# --- tone ----------------------------------------------------------------------------------------------------------


@cache
def _analyzer() -> Any:
    """VADER's analyzer, built once (it reads its lexicon file)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    return SentimentIntensityAnalyzer()


def _check(article: Article, sentences: Sequence[Sentence]) -> None:
    if not isinstance(article, Article):
        raise TypeError(f"article must be an Article, not {type(article).__name__}")
    if isinstance(sentences, (str, bytes)) or not all(isinstance(s, Sentence) for s in sentences):
        raise TypeError("sentences must be a sequence of Sentence records")
