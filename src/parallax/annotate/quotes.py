"""Quotes and who said them: direct quotes in quotation marks and reported speech ("X said that ...").

Direct quotes: quotation marks paired per paragraph (straight, curly, mixed ``"...”``, guillemets, curly single
quotes that cannot be apostrophes), outermost span only, a quote left open at a paragraph's end running on into the
next. Scare quotes and titles are dropped: a span of at most ``SHORT_QUOTE_WORDS`` words counts only when spoken
(punctuation inside the marks) or hanging off a speech verb in the parse. The speaker is the subject of the speech
verb linked to the quote in the parse (else the nearest in its sentence), or of "according to"; a person who spoke
in the sentence wins over a news outlet credited there. Names resolve to the fullest form in the article, roles
("the minister") to the person given that title, "he"/"she" to the last person named; unsure means ``None``.
A quote without attribution takes the speaker of the quote before it. Reported speech: a speech verb with a subject
and a clause complement, or a parenthetical attribution, in sentences without a direct quote.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..models import Article, Entity, Quote, Sentence
from .speakers import (
    SPEECH_FORMS,
    Context,
    Speaker,
    by_line,
    cited_person,
    entity_index,
    entity_speaker,
    find_genders,
    find_people,
    find_persons,
    speaker_of,
    subject_of,
)

__all__ = ["find_quotes"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- tuning constants -----------------------------------------------------------------------------------------
# Calibrated by reading the seed articles and measuring on the GenderGapTracker quote set
# (../shared/data/quotes_ggt, 49 articles): quote F1 at 0.3 overlap and speaker accuracy.
#
# A quoted span of at most this many words is a scare quote or a title unless it is spoken or attached to a
# speech verb ("so-called “green deal”", a “Future of Cities” forum vs "insisted it will not “bow to pressure”").
SHORT_QUOTE_WORDS = 3
# A short quote that contains a verb may sit this deep under its speech verb, this many tokens away from it.
SHORT_QUOTE_MAX_PATH = 5
SHORT_QUOTE_MAX_GAP = 10
# A quoted span of at most this many words, each capitalised but the small ones, is a title (of a show, a book, a
# cover story) unless a verb of saying attributes it in the parse.
TITLE_MAX_WORDS = 8
# A speech verb not linked to the quote in the parse still attributes it when at most this many words apart
# in the same sentence ("“...,” he said" where the parser attaches the quote elsewhere).
CUE_WINDOW = 12
# A quote without an attribution of its own inherits the speaker of a quote at most this many paragraphs back.
FLOATING_PARAGRAPHS = 1
# Quoted words woven into the writer's paraphrase, at most this many, do not make the sentence a direct quote: the
# paraphrase around them is reported speech too (GenderGapTracker set: 4..8 measured, 6 best).
EMBEDDED_MAX_WORDS = 6
# A reported clause shorter than this many tokens is not a statement ("he said so").
MIN_REPORTED_TOKENS = 4


# Verbs that introduce a name for something ("called it “chicken”") or a question rather than a statement:
# they attribute direct quotes only.
_NOT_REPORTING = _words("describe call dub brand label term express voice ask")

_SCARE_PREFIXES = ("so-called", "so called", "dubbed", "termed", "known as", "named", "titled", "entitled", "term")
_SMALL_WORDS = _words("a an the of and or in on at to for by with from as vs")

# Speech verbs whose infinitive complement is the statement ("urged the city to act"); "say" is there because the
# parser sometimes takes a gerund clause ("said having her back helps") for one.
_XCOMP_VERBS = _words("urge vow pledge promise say ask warn remind advise encourage tell caution")
# Dependents of a speech verb that belong to the attribution ("X, a fellow at Y, told the paper on Monday").
_ATTRIBUTION_DEPS = _words("nsubj nsubjpass dobj dative prep npadvmod advmod aux neg agent")


_OPEN_DOUBLE = "“„«"
_CLOSE_DOUBLE = "”»"
_OPEN_SINGLE = "‘‹"
_CLOSE_SINGLE = "’›′"
_OPENERS = " \t([{—–-/" + _OPEN_DOUBLE + _OPEN_SINGLE
_CLOSERS = " \t.,;:!?)]}—–-…" + _CLOSE_DOUBLE + _CLOSE_SINGLE + "'\""


@dataclass(slots=True)
class _Span:
    """Quoted words: ``start``/``end`` exclude the marks; ``line`` is the paragraph (line) index."""

    start: int
    end: int
    line: int
    single: bool = False
    continues: bool = False


def find_quotes(
    article: Article, doc: Any, sentences: Sequence[Sentence], entities: Sequence[Entity]
) -> tuple[Quote, ...]:
    """Direct and reported quotes in ``article``, in text order, each with its speaker where the text names one.

    ``doc`` is the spaCy Doc of ``article.text``; ``sentences`` and ``entities`` are the article's annotations
    (sentence indices and offsets of the returned quotes refer to them).
    """
    if not isinstance(article, Article):
        raise TypeError(f"article must be Article, not {type(article).__name__}")
    if not sentences:
        return ()
    spans = list(_quote_spans(article.text))
    quoted = [(s.start - 1, s.end + 1) for s in spans]
    entities = by_line(entities)
    entity_at = entity_index(doc, entities)
    ctx = Context(article, doc, sentences, [s.start for s in sentences], entity_at, [], {}, [], [], quoted)
    ctx.persons = find_persons(article, entities)
    ctx.people = find_people(ctx, entities)
    ctx.genders = find_genders(ctx)
    named = {(p.start, p.end) for p in ctx.people}
    ctx.orgs = sorted(
        (e for e in entities if e.label == "ORG" and not ctx.in_quote(e.start) and (e.start, e.end) not in named),
        key=lambda e: e.start,
    )
    direct = _direct_quotes(ctx, _unlisted(article.text, spans))
    # A sentence with a direct quote is that quote's, unless the quote is a few words woven into the writer's
    # paraphrase ('he said the board had failed to deal with the "clear pattern" of violence'): then the paraphrase
    # is a statement too, reported, and the quoted words inside it stay a direct quote of their own.
    whole = [q for q in direct if not _embedded(ctx, q)]
    covered = {ctx.sentence_of(q.start) for q in whole} | {ctx.sentence_of(max(q.end - 1, q.start)) for q in whole}
    reported = _reported_quotes(ctx, covered)
    teasers = [(m.start(), m.end()) for m in _TEASER.finditer(article.text)]
    found = [q for q in direct + reported if not any(a <= q.start < b for a, b in teasers)]
    return tuple(sorted(found, key=lambda q: q.start))


def _embedded(ctx: Context, quote: Quote) -> bool:
    """A few quoted words woven into running text: a word of the writer's right before the opening mark, and that
    word is not what introduces a quotation (a speech verb, "that")."""
    text = ctx.article.text
    if len(quote.text.split()) > EMBEDDED_MAX_WORDS:
        return False
    sentence = ctx.sentences[ctx.sentence_of(quote.start)]
    before = text[sentence.start : max(quote.start - 1, sentence.start)].rstrip()
    if not before or not before[-1].isalnum():
        return False
    last = before.split()[-1].lower()
    return last not in SPEECH_FORMS and last != "that"


# A line linking to another story ("READ MORE: Mayor says ..."): its words are a headline, not a quote here.
_TEASER = re.compile(r"^[ \t]*(?:READ MORE|READ|MORE|WATCH(?: BELOW)?|RELATED|LISTEN|SEE ALSO)\b[^:\n]{0,20}:.*$", re.M)
LIST_GAP_CHARS = 8  # the most characters between two items of a list of quoted words
# Only fullmatched on gaps of at most LIST_GAP_CHARS: its white space is bounded to that, so that the pattern stays
# linear wherever it runs (unbounded, a run of spaces was rescanned from each of its characters: the regex audit).
_LIST_GAP = re.compile(r"[,.;]?[\"”»’']?\s{0,8}(?:,\s{0,8})?(?:(?:and|or)\s{1,8})?[\"“«‘']")


def _unlisted(text: str, spans: Sequence[_Span]) -> list[_Span]:
    """The spans that are not one item of a list of quoted words or slogans ('"grapple," "optics" and "eschew"').

    A span is an item when another span of its line starts at most ``LIST_GAP_CHARS`` after it or ends at most that
    far before it, with only list punctuation between them. Spans are looked up by where they start and end, so
    each span costs a few lookups, not a pass over every other span (16k quotes once took 75 s)."""
    starts: dict[tuple[int, int], list[_Span]] = {}
    ends: dict[tuple[int, int], list[_Span]] = {}
    for span in spans:
        starts.setdefault((span.line, span.start), []).append(span)
        ends.setdefault((span.line, span.end), []).append(span)

    def listed(span: _Span) -> bool:
        for gap in range(1, LIST_GAP_CHARS + 1):  # an empty gap never matches: it must end at an opening mark
            after = starts.get((span.line, span.end + gap))
            if after and _LIST_GAP.fullmatch(text, span.end, span.end + gap):
                return True
            before = ends.get((span.line, span.start - gap))
            if before and _LIST_GAP.fullmatch(text, span.start - gap, span.start):
                return True
        return False

    return [span for span in spans if not listed(span)]


# --- quotation marks ---------------------------------------------------------------------------------------------


def _quote_spans(text: str) -> Iterator[_Span]:
    lines = (m for m in re.finditer(r"[^\n]+", text) if not m.group(0).isspace())
    carry = False
    for line, match in enumerate(lines):
        spans = list(_line_spans(text, match.start(), match.end(), line, carry))
        carry = any(s.continues for s in spans)
        yield from spans


def _direction(text: str, i: int) -> Literal["open", "close"] | None:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opening = (prev in _OPENERS or prev == "\n") and not nxt.isspace()
    closing = not prev.isspace() and (nxt in _CLOSERS or nxt.isspace())
    if opening and not closing:
        return "open"
    if closing and not opening:
        return "close"
    return None


def _line_spans(text: str, lo: int, hi: int, line: int, carry: bool) -> Iterator[_Span]:
    """Quoted spans in one paragraph; ``carry`` when the paragraph before left a quote open: a closing mark
    before any opening one then ends that quote here (the writer did not repeat the opening mark)."""
    stack: list[int] = []
    doubles: list[_Span] = []
    opened = False
    for i in range(lo, hi):
        ch = text[i]
        if ch not in _OPEN_DOUBLE and ch not in _CLOSE_DOUBLE and ch != '"':
            continue
        way = _direction(text, i)
        if way is None:  # no telling from the neighbours: the glyph says, or for '"' whether one is open
            way = "open" if ch in _OPEN_DOUBLE or (ch == '"' and not stack) else "close"
        if way == "open":
            stack.append(i)
            opened = True
        elif carry and not opened and not doubles:
            doubles.append(_Span(lo, i, line))
        elif stack:
            start = stack.pop()
            if not stack:
                doubles.append(_Span(start + 1, i, line))
    if stack:
        doubles.append(_Span(stack[0] + 1, hi, line, continues=True))
    spans = [s for s in (_trim(text, s) for s in doubles) if s is not None]
    yield from spans
    yield from _single_spans(text, lo, hi, line, spans)


def _single_spans(text: str, lo: int, hi: int, line: int, doubles: list[_Span]) -> Iterator[_Span]:
    """‘Quoted’ spans outside double quotes; a closing ’ must not be an apostrophe inside a word.

    Each opening mark ends at the first closing mark after it: the closing marks of the line are listed once and
    found by bisection, so a line of unclosed openers costs linear time, not a scan to the line's end per opener."""
    closers = [
        j
        for j in range(lo, hi)
        if text[j] in _CLOSE_SINGLE and _direction(text, j) == "close" and not text[j + 1 : j + 2].isalpha()
    ]
    covered = _merged((s.start - 1, s.end) for s in doubles)
    i = lo
    while i < hi:
        if text[i] in _OPEN_SINGLE and _direction(text, i) == "open" and not _inside(i, covered):
            k = bisect_right(closers, i)
            if k < len(closers):
                j = closers[k]
                span = _trim(text, _Span(i + 1, j, line, single=True))
                if span is not None:
                    yield span
                i = j
        i += 1


def _merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Closed intervals merged where they overlap, in order."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _inside(i: int, merged: list[tuple[int, int]]) -> bool:
    """Whether ``i`` falls in one of the ``merged`` closed intervals (bisection)."""
    k = bisect_right(merged, (i, sys.maxsize)) - 1
    return k >= 0 and merged[k][0] <= i <= merged[k][1]


def _trim(text: str, span: _Span) -> _Span | None:
    chunk = text[span.start : span.end]
    start = span.start + len(chunk) - len(chunk.lstrip())
    end = span.end - (len(chunk) - len(chunk.rstrip()))
    if end <= start or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return _Span(start, end, span.line, span.single, span.continues)


# --- direct quotes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cue:
    token: Any
    text: str
    speaker: Speaker | None
    path: int | None  # dependency steps between the quote and the cue, None when not linked
    gap: int  # words between the quote's marks and the cue


def _direct_quotes(ctx: Context, spans: list[_Span]) -> list[Quote]:
    quotes: list[Quote] = []
    lines: list[int] = []
    for span in spans:
        qspan = ctx.doc.char_span(span.start, span.end, alignment_mode="expand")
        if qspan is None or len(qspan) == 0:
            continue
        cues = _cues(ctx, span, qspan)
        if not _is_quote(ctx, span, qspan, cues):
            continue
        best = _best_cue(cues)
        speaker = best.speaker if best is not None else None
        cue = best.text if best is not None else None
        if best is None and quotes and quotes[-1].speaker and span.line - lines[-1] <= FLOATING_PARAGRAPHS:
            last = quotes[-1]
            speaker = Speaker(last.speaker, last.speaker_start or 0, last.speaker_end or 0)
        end = span.end - 1 if ctx.article.text[span.end - 1] == "," else span.end  # "“...,” she said"
        quotes.append(_quote(ctx, span.start, end, "direct", speaker, cue))
        lines.append(span.line)
    # A paragraph left open continues in the next one: it shares the speaker named after the continuation.
    for k in range(len(quotes) - 2, -1, -1):
        nxt = quotes[k + 1]
        if quotes[k].speaker is None and nxt.speaker and lines[k + 1] == lines[k] + 1 and _open_end(ctx, quotes[k]):
            quotes[k] = replace(
                quotes[k],
                speaker=nxt.speaker,
                speaker_start=nxt.speaker_start,
                speaker_end=nxt.speaker_end,
                cue=nxt.cue,
            )
    return quotes


def _open_end(ctx: Context, quote: Quote) -> bool:
    rest = ctx.article.text[quote.end : quote.end + 2]
    return not rest or rest[0] == "\n" or (rest[0] in ".,!?" and rest[1:2] in ("", "\n"))


def _quote(
    ctx: Context, start: int, end: int, kind: Literal["direct", "reported"], who: Speaker | None, cue: str | None
) -> Quote:
    text, sentence = ctx.article.text[start:end], ctx.sentences[ctx.sentence_of(start)].index
    if who is None:
        return Quote(ctx.article.id, text, start, end, sentence, kind, cue=cue)
    return Quote(ctx.article.id, text, start, end, sentence, kind, who.name, who.start, who.end, cue)


def _cues(ctx: Context, span: _Span, qspan: Any) -> list[_Cue]:
    """Speech verbs (and "according to") around the quote, in its sentences, outside any quotation marks."""
    first, last = ctx.sentence_of(span.start), ctx.sentence_of(span.end - 1)
    sents = ctx.sentences
    if first > 0 and sents[first - 1].text.rstrip().endswith(":") and span.start - sents[first].start <= 2:
        first -= 1
    if last + 1 < len(sents) and span.end >= sents[last].end - 2 and sents[last + 1].text[:1].islower():
        last += 1
    lo, hi = sents[first].start, sents[last].end
    region = ctx.doc.char_span(lo, hi, alignment_mode="expand")
    if region is None:
        return []
    roots = [t for t in qspan if not (qspan.start <= t.head.i < qspan.end) or t.head.i == t.i]
    inside = set(range(qspan.start, qspan.end))
    cues: list[_Cue] = []
    for token in region:
        if ctx.in_quote(token.idx) or token.i in inside:
            continue
        low = token.lower_
        if low == "according" and token.i + 1 < len(ctx.doc) and ctx.doc[token.i + 1].lower_ == "to":
            text = "according to"
        elif low in SPEECH_FORMS and token.tag_.startswith("VB"):
            if SPEECH_FORMS[low] == "point" and not any(c.lower_ == "out" for c in token.children):
                continue
            text = low
        else:
            continue
        path = _path(roots, token, inside)
        gap = _gap(ctx.doc, qspan, token)
        cues.append(_Cue(token, text, speaker_of(ctx, token), path, gap))
    return cues


def _path(roots: list[Any], cue: Any, inside: set[int]) -> int | None:
    best: int | None = None
    for root in roots:
        for steps, anc in enumerate(root.ancestors, start=1):
            if anc.i == cue.i:
                best = steps if best is None else min(best, steps)
                break
    for steps, anc in enumerate(cue.ancestors, start=1):
        if anc.i in inside:
            best = steps if best is None else min(best, steps)
            break
    return best


def _gap(doc: Any, qspan: Any, token: Any) -> int:
    between = doc[qspan.end : token.i] if token.i >= qspan.end else doc[token.i + 1 : qspan.start]
    return sum(1 for t in between if not t.is_punct and not t.is_space)


def _best_cue(cues: list[_Cue]) -> _Cue | None:
    linked = sorted((c for c in cues if c.path is not None), key=lambda c: (c.path or 0, c.gap))
    near = sorted((c for c in cues if c.path is None and c.gap <= CUE_WINDOW), key=lambda c: c.gap)
    ordered = linked + near
    if not ordered:
        return None
    # The closest cue whose subject has a name, a person's before a news outlet's; then one with a description.
    named = [c for c in ordered if c.speaker is not None and c.speaker.name and not c.speaker.described]
    person = next((c for c in named if c.speaker is not None and not c.speaker.news), None)
    described = [c for c in ordered if c.speaker is not None and c.speaker.name]
    return person or (named or described or ordered)[0]


def _is_quote(ctx: Context, span: _Span, qspan: Any, cues: list[_Cue]) -> bool:
    text = ctx.article.text
    content = text[span.start : span.end]
    words = [w for w in content.split() if any(ch.isalnum() for ch in w)]
    before = text[max(0, span.start - 14) : span.start - 1].rstrip().lower()
    if before.endswith(_SCARE_PREFIXES):
        return False
    linked = [c for c in cues if c.path is not None]
    spoken = content.rstrip()[-1:] in ".,!?…" and not span.continues
    if span.single:
        return any(c.gap <= 3 or (c.path is not None and c.path <= 2) for c in cues) and len(words) > 1
    if len(words) <= SHORT_QUOTE_WORDS:
        if span.continues or (spoken and text[max(0, span.start - 8) : span.start - 1].rstrip().endswith(":")):
            return True  # a quote running on into the next paragraph, or one introduced by a colon
        if spoken and (_whole_sentence(ctx, span) or any(c.gap <= 3 or (c.path or 99) <= 2 for c in cues)):
            return True
        if any(t.tag_.startswith("VB") or t.pos_ == "PRON" for t in qspan):
            return any((c.path or 99) <= SHORT_QUOTE_MAX_PATH and c.gap <= SHORT_QUOTE_MAX_GAP for c in linked)
        return any(c.path == 1 and c.gap <= 2 for c in linked)
    if _title_like(words) and len(words) <= TITLE_MAX_WORDS:
        # "a cover story called “The Queen of Rage,”", "the headline reads, “THE QUEEN OF RAGE.”": a title, the
        # punctuation inside the marks only the house style; spoken words only when a verb of saying attributes them
        return any(
            c.path is not None and SPEECH_FORMS[c.text] not in _NOT_REPORTING for c in linked if c.text in SPEECH_FORMS
        )
    return spoken or bool(linked) or not _title_like(words)


def _whole_sentence(ctx: Context, span: _Span) -> bool:
    sentence = ctx.sentences[ctx.sentence_of(span.start)]
    return span.start - sentence.start <= 1 and sentence.end - span.end <= 2


def _title_like(words: list[str]) -> bool:
    """ "Future of Cities", "The Art of the Deal": every word capitalised but the small ones."""
    big = [w.strip("'’\"“”‘(),.:;!?") for w in words if w.lower() not in _SMALL_WORDS]
    big = [w for w in big if w]
    return bool(big) and all(w[0].isupper() or not w[0].isalpha() for w in big)


# --- reported speech -------------------------------------------------------------------------------------------


def _reported_quotes(ctx: Context, covered: set[int]) -> list[Quote]:
    quotes: list[Quote] = []
    for k, sentence in enumerate(ctx.sentences):
        if k in covered:
            continue
        span = ctx.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        taken: list[tuple[int, int]] = []
        for token in span:
            if any(a <= token.i < b for a, b in taken) or ctx.in_quote(token.idx):
                continue
            found = _reported(ctx, token, span)
            if found is None:
                continue
            pieces, speaker, cue = found
            taken.extend(pieces)
            for lo, hi in pieces:
                start = ctx.doc[lo].idx
                end = ctx.doc[hi - 1].idx + len(ctx.doc[hi - 1])
                quotes.append(_quote(ctx, start, end, "reported", speaker, cue))
    return quotes


def _reported(ctx: Context, token: Any, sent: Any) -> tuple[list[tuple[int, int]], Speaker | None, str] | None:
    """A reported statement at this token: (token ranges of the statement, speaker, cue), or None."""
    low = token.lower_
    if low == "according" and token.i + 1 < sent.end and ctx.doc[token.i + 1].lower_ == "to":
        subj = subject_of(ctx, token)
        entity = ctx.entity_at.get(subj.i) if subj is not None else None
        if entity is None or entity.label not in ("PERSON", "ORG"):
            return None
        source = entity_speaker(ctx, entity)
        phrase = (token.i, token.right_edge.i + 1)
        if phrase[0] - sent.start <= 1:
            clause = (phrase[1], sent.end)
        elif sent.end - phrase[1] <= 1:
            clause = (sent.start, phrase[0])
        else:
            return None
        return ([_strip(ctx.doc, clause)], source, "according to") if _clause_ok(ctx.doc, clause) else None
    if low not in SPEECH_FORMS or not token.tag_.startswith("VB"):
        return None
    if SPEECH_FORMS[low] in _NOT_REPORTING and not (low.startswith("ask") and _has_xcomp(token)):
        return None  # "asked residents to conserve water" is a request worth reporting; "asked whether" is not
    speaker = speaker_of(ctx, token)
    if speaker is None:
        return None
    if speaker.name not in {p.name for p in ctx.people}:
        # "..., the paper reported, citing Mayor X": the outlet is a citation; the statement is the person's it
        # cites, else the outlet's own.
        speaker = cited_person(ctx, token) or speaker
    if ctx.article.text[speaker.start : speaker.end].lower() in ("i", "we", "you"):
        return None  # the writer or a reader, not a source
    pieces = [_strip(ctx.doc, p) for p in _clauses(ctx.doc, token, sent)]
    pieces = [p for p in pieces if _clause_ok(ctx.doc, p) and ctx.doc[p[0]].lower_ != "according"]
    return (pieces, speaker, low) if pieces else None


def _has_xcomp(verb: Any) -> bool:
    return any(c.dep_ == "xcomp" for c in verb.children) and not any(c.dep_ == "ccomp" for c in verb.children)


def _clauses(doc: Any, verb: Any, sent: Any) -> list[tuple[int, int]]:
    """The statement a speech verb introduces: its clause complement ("said (that) ..."), or the text around a
    parenthetical attribution ("..., he said, ..." / "..., X told the paper on Monday.")."""
    lo, hi = sent.start, sent.end
    comps = [c for c in verb.children if c.dep_ == "ccomp" and lo <= c.i < hi]
    if not comps and SPEECH_FORMS[verb.lower_] in _XCOMP_VERBS and not any(c.dep_ == "auxpass" for c in verb.children):
        comps = [c for c in verb.children if c.dep_ == "xcomp" and lo <= c.i < hi]
    right = [c for c in comps if c.i > verb.i]
    if right:
        comp = max(right, key=lambda c: c.right_edge.i - c.left_edge.i)
        end = comp.right_edge.i + 1
        for child in verb.children:
            # What the parser hung on the verb after the statement still belongs to it ("..., because ...",
            # "he quit the job, sold the house"), unless it is another attribution or has a subject of its own.
            if child.i <= comp.right_edge.i or child.dep_ in ("punct", "cc") or child.lower_ in SPEECH_FORMS:
                continue
            if child.dep_ != "conj" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
                end = max(end, child.right_edge.i + 1)
        return [(max(comp.left_edge.i, verb.i + 1, lo), min(end, hi))]
    if any(c.dep_ in ("dobj", "xcomp") for c in verb.children) and SPEECH_FORMS[verb.lower_] != "tell":
        return []  # "as X has mentioned a colleague": an object, not an attribution
    a_lo, a_hi = _attribution(verb, lo, hi)
    pieces: list[tuple[int, int]] = []
    left = [c for c in comps if c.i < verb.i]
    if left:
        pieces.append((max(min(c.left_edge.i for c in left), lo), a_lo))
    elif a_lo - 1 > lo and doc[a_lo - 1].text in (",", "—", "–"):
        pieces.append((lo, a_lo - 1))
    if pieces and a_hi + 2 < hi and doc[a_hi + 1].text == ",":
        pieces.append((a_hi + 2, hi))  # "..., he says, and are mostly meant to ..."
    return pieces


def _attribution(verb: Any, lo: int, hi: int) -> tuple[int, int]:
    """The token range of "X, chief engineer of Y, told the paper on Monday" around a speech verb."""
    a_lo = a_hi = verb.i
    for child in verb.children:
        if child.dep_ in _ATTRIBUTION_DEPS or child.lower_ in ("citing", "quoting", "speaking", "referring"):
            a_lo = min(a_lo, child.left_edge.i)
            a_hi = max(a_hi, child.right_edge.i)
    return max(a_lo, lo), min(a_hi, hi - 1)


def _clause_ok(doc: Any, clause: tuple[int, int]) -> bool:
    tokens = [t for t in doc[clause[0] : clause[1]] if not t.is_punct]
    return len(tokens) >= MIN_REPORTED_TOKENS and any(t.pos_ in ("VERB", "AUX") for t in tokens)


def _strip(doc: Any, clause: tuple[int, int]) -> tuple[int, int]:
    lo, hi = clause
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or (doc[lo].dep_ == "mark" and doc[lo].lower_ == "that")):
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or (doc[hi - 1].is_punct and doc[hi - 1].text not in ")]")):
        hi -= 1
    return lo, hi
