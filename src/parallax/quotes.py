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
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from .citations import lookup_source
from .models import Article, Entity, Quote, Sentence

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
# A speech verb not linked to the quote in the parse still attributes it when at most this many words apart
# in the same sentence ("“...,” he said" where the parser attaches the quote elsewhere).
CUE_WINDOW = 12
# A quote without an attribution of its own inherits the speaker of a quote at most this many paragraphs back.
FLOATING_PARAGRAPHS = 1
# How many sentences back a pronoun or an unmatched role looks for its person.
PRONOUN_SENTENCES = 8
ROLE_FALLBACK_SENTENCES = 2
# "The company said": the organisation named in this or the previous sentence (farther back was measured worse).
ORG_SENTENCES = 1
# A reported clause shorter than this many tokens is not a statement ("he said so").
MIN_REPORTED_TOKENS = 4

SPEECH_VERBS = _words(
    "say tell add note stress warn claim argue write insist highlight explain state announce confirm deny "
    "acknowledge admit suggest emphasize emphasise assert contend declare reply respond retort tweet recall "
    "remark comment observe predict promise vow urge ask complain concede allege testify joke quip reveal "
    "mention reiterate repeat caution conclude underline underscore lament boast shout chant scream yell "
    "whisper report describe call dub brand label term agree disagree blurt recount muse plead pledge "
    "propose threaten proclaim exclaim demand accuse criticize criticise express voice echo counter object "
    "maintain point"
)
# Verbs that introduce a name for something ("called it “chicken”") or a question rather than a statement:
# they attribute direct quotes only.
_NOT_REPORTING = _words("describe call dub brand label term express voice ask")
_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
}
_DOUBLED = frozenset(("admit", "quip"))
_SCARE_PREFIXES = ("so-called", "so called", "dubbed", "termed", "known as", "named", "titled", "entitled", "term")
_SMALL_WORDS = _words("a an the of and or in on at to for by with from as vs")
# Grammatical gender of pronouns, titles and roles: +1 masculine, -1 feminine.
_GENDERED = {
    **dict.fromkeys("he him his himself mr sir spokesman chairman father husband son brother man king".split(), 1),
    **dict.fromkeys(
        "she her hers herself mrs ms miss madam spokeswoman chairwoman mother wife daughter sister woman queen".split(),
        -1,
    ),
}
# Nouns naming a person by role: with no matching title earlier, "the analyst" may still be the last person named.
_PERSON_ROLES = _words(
    "minister president spokesman spokeswoman spokesperson official chairman chairwoman chair ceo founder "
    "director executive analyst expert professor researcher economist lawyer attorney senator governor mayor "
    "premier secretary ambassador diplomat leader chief head commissioner judge officer coach manager author "
    "scientist doctor commander representative lawmaker legislator congressman congresswoman chancellor "
    "candidate activist advocate owner partner councillor councilor superintendent principal teacher student "
    "resident victim witness suspect mother father son daughter wife husband woman man fellow scholar "
    "historian journalist reporter editor columnist strategist consultant adviser advisor engineer investor "
    "banker trader prosecutor detective sergeant inspector constable technician worker employee nurse firefighter "
    "driver pilot farmer survivor relative friend colleague member insider aide staffer neighbour neighbor"
)
# Plural or collective nouns for people who speak as a group ("officials said", "police said").
_GROUPS = _words(
    "officials authorities police people sources analysts experts critics observers residents protesters "
    "protestors witnesses prosecutors investigators researchers scientists doctors lawyers workers employees "
    "activists organizers organisers lawmakers legislators diplomats leaders economists parents students "
    "person source spokesperson"
)
# Nouns naming an organisation: "the company said" is the organisation named just before.
_ORG_ROLES = _words(
    "company firm giant maker manufacturer carrier operator retailer corporation startup bank airline automaker "
    "insurer lender group agency utility department ministry organization organisation union team club league"
)
# Speech verbs whose infinitive complement is the statement ("urged the city to act"); "say" is there because the
# parser sometimes takes a gerund clause ("said having her back helps") for one.
_XCOMP_VERBS = frozenset(("urge", "vow", "pledge", "promise", "say"))
# Dependents of a speech verb that belong to the attribution ("X, a fellow at Y, told the paper on Monday").
_ATTRIBUTION_DEPS = _words("nsubj nsubjpass dobj dative prep npadvmod advmod aux neg agent")
_INVERTED = frozenset(("said", "says", "added", "wrote", "asked", "told", "continued", "explained"))
_INVERTED_DEPS = frozenset(("dobj", "attr", "npadvmod"))
_NAMED = frozenset(("PERSON", "ORG"))
_DEMONSTRATIVE = frozenset(("that", "this", "these", "those", "which", "what", "there"))
_RELATIVE = frozenset(("who", "that", "which", "whom"))

_OPEN_DOUBLE = "“„«"
_CLOSE_DOUBLE = "”»"
_OPEN_SINGLE = "‘‹"
_CLOSE_SINGLE = "’›′"
_OPENERS = " \t([{—–-/" + _OPEN_DOUBLE + _OPEN_SINGLE
_CLOSERS = " \t.,;:!?)]}—–-…" + _CLOSE_DOUBLE + _CLOSE_SINGLE + "'\""


def _forms(base: str) -> set[str]:
    if base in _IRREGULAR:
        return {base, *_IRREGULAR[base]}
    if base.endswith("e"):
        forms = {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2] not in "aeiou":
        forms = {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "o")):
        forms = {base + "es", base + "ed", base + "ing"}
    else:
        forms = {base + "s", base + "ed", base + "ing"}
    if base in _DOUBLED:
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms | {base}


_SPEECH_FORMS = {form: base for base in SPEECH_VERBS for form in _forms(base)}


@dataclass(slots=True)
class _Span:
    """Quoted words: ``start``/``end`` exclude the marks; ``line`` is the paragraph (line) index."""

    start: int
    end: int
    line: int
    single: bool = False
    continues: bool = False


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str | None
    start: int
    end: int
    news: bool = False  # a news organisation: a citation more than a speaker
    described: bool = False  # no name, only the article's description ("officials", "a spokeswoman")


@dataclass(frozen=True, slots=True)
class _Person:
    start: int
    end: int
    name: str
    sentence: int
    roles: frozenset[str]
    subject: bool  # the mention is a clause subject: the likelier antecedent of a later "he"/"she"


@dataclass(slots=True)
class _Context:
    """Per-article lookups shared by the steps below."""

    article: Article
    doc: Any
    sentences: Sequence[Sentence]
    starts: list[int]
    entity_at: dict[int, Entity]
    people: list[_Person]
    genders: dict[str, str]
    persons: list[Entity]
    orgs: list[Entity]
    quoted: list[tuple[int, int]]

    def sentence_of(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quoted)


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
    entities = _by_line(entities)
    entity_at = _entity_index(doc, entities)
    ctx = _Context(article, doc, sentences, [s.start for s in sentences], entity_at, [], {}, [], [], quoted)
    ctx.persons = sorted((e for e in entities if e.label == "PERSON"), key=lambda e: e.start)
    ctx.people = _people(ctx, entities)
    ctx.genders = _genders(ctx)
    named = {(p.start, p.end) for p in ctx.people}
    ctx.orgs = sorted(
        (e for e in entities if e.label == "ORG" and not ctx.in_quote(e.start) and (e.start, e.end) not in named),
        key=lambda e: e.start,
    )
    direct = _direct_quotes(ctx, spans)
    covered = {ctx.sentence_of(q.start) for q in direct} | {ctx.sentence_of(max(q.end - 1, q.start)) for q in direct}
    reported = _reported_quotes(ctx, covered)
    return tuple(sorted(direct + reported, key=lambda q: q.start))


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
    """‘Quoted’ spans outside double quotes; a closing ’ must not be an apostrophe inside a word."""
    i = lo
    while i < hi:
        if text[i] in _OPEN_SINGLE and _direction(text, i) == "open" and not _inside(i, doubles):
            for j in range(i + 1, hi):
                if text[j] in _CLOSE_SINGLE and _direction(text, j) == "close" and not text[j + 1 : j + 2].isalpha():
                    span = _trim(text, _Span(i + 1, j, line, single=True))
                    if span is not None:
                        yield span
                    i = j
                    break
        i += 1


def _inside(i: int, spans: list[_Span]) -> bool:
    return any(s.start - 1 <= i <= s.end for s in spans)


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
    speaker: _Speaker | None
    path: int | None  # dependency steps between the quote and the cue, None when not linked
    gap: int  # words between the quote's marks and the cue


def _direct_quotes(ctx: _Context, spans: list[_Span]) -> list[Quote]:
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
            speaker = _Speaker(last.speaker, last.speaker_start or 0, last.speaker_end or 0)
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


def _open_end(ctx: _Context, quote: Quote) -> bool:
    rest = ctx.article.text[quote.end : quote.end + 2]
    return not rest or rest[0] == "\n" or (rest[0] in ".,!?" and rest[1:2] in ("", "\n"))


def _quote(
    ctx: _Context, start: int, end: int, kind: Literal["direct", "reported"], who: _Speaker | None, cue: str | None
) -> Quote:
    text, sentence = ctx.article.text[start:end], ctx.sentences[ctx.sentence_of(start)].index
    if who is None:
        return Quote(ctx.article.id, text, start, end, sentence, kind, cue=cue)
    return Quote(ctx.article.id, text, start, end, sentence, kind, who.name, who.start, who.end, cue)


def _cues(ctx: _Context, span: _Span, qspan: Any) -> list[_Cue]:
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
        elif low in _SPEECH_FORMS and token.tag_.startswith("VB"):
            if _SPEECH_FORMS[low] == "point" and not any(c.lower_ == "out" for c in token.children):
                continue
            text = low
        else:
            continue
        path = _path(roots, token, inside)
        gap = _gap(ctx.doc, qspan, token)
        cues.append(_Cue(token, text, _speaker(ctx, token), path, gap))
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


def _is_quote(ctx: _Context, span: _Span, qspan: Any, cues: list[_Cue]) -> bool:
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
    return spoken or bool(linked) or not _title_like(words)


def _whole_sentence(ctx: _Context, span: _Span) -> bool:
    sentence = ctx.sentences[ctx.sentence_of(span.start)]
    return span.start - sentence.start <= 1 and sentence.end - span.end <= 2


def _title_like(words: list[str]) -> bool:
    """ "Future of Cities", "The Art of the Deal": every word capitalised but the small ones."""
    big = [w.strip("'’\"“”‘(),.:;!?") for w in words if w.lower() not in _SMALL_WORDS]
    big = [w for w in big if w]
    return bool(big) and all(w[0].isupper() or not w[0].isalpha() for w in big)


# --- speakers --------------------------------------------------------------------------------------------------


def _by_line(entities: Sequence[Entity]) -> list[Entity]:
    """Entities cut at line breaks: NER sometimes runs a heading into the next paragraph's first name."""
    out: list[Entity] = []
    for entity in entities:
        if "\n" not in entity.text:
            out.append(entity)
            continue
        for part in re.finditer(r"[^\n]+", entity.text):
            piece = part.group(0).strip()
            if piece:
                start = entity.start + part.start() + part.group(0).find(piece)
                out.append(Entity(piece, entity.label, start, start + len(piece), entity.sentence, piece))
    return out


def _entity_index(doc: Any, entities: Sequence[Entity]) -> dict[int, Entity]:
    index: dict[int, Entity] = {}
    for entity in entities:
        span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is not None:
            for token in span:
                index[token.i] = entity
    return index


def _clean_name(name: str) -> str:
    """No possessive, no leading "the" or honorific: "Prof Mike Brown's" -> "Mike Brown"."""
    name = re.sub(r"['’]s?$", "", name.strip())
    return re.sub(r"^(?:(?:the|The|Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame)\.?\s+)+", "", name).strip()


def _people(ctx: _Context, entities: Sequence[Entity]) -> list[_Person]:
    """Person mentions outside quotes, with their fullest name and the titles given them. The small NER model
    often labels a bare surname ORG ("Carter said"): a name whose words all belong to a PERSON is a person."""
    people: list[_Person] = []
    for entity in sorted(entities, key=lambda e: e.start):
        if ctx.in_quote(entity.start) or not _is_person(ctx, entity):
            continue
        name = _fullest(entity, ctx.persons)
        span = ctx.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        subject = span is not None and span.root.dep_ in ("nsubj", "nsubjpass", "appos")
        sentence = ctx.sentence_of(entity.start)
        people.append(_Person(entity.start, entity.end, name, sentence, _roles(ctx, entity), subject))
    return people


def _genders(ctx: _Context) -> dict[str, str]:
    """Each person's grammatical gender as the article shows it: a title ("Ms."), a gendered role ("spokeswoman"),
    or the pronouns in the sentences where that person is the only one named (votes; a tie leaves it open)."""
    votes: dict[str, int] = {}
    by_sentence: dict[int, set[str]] = {}
    for person in ctx.people:
        by_sentence.setdefault(person.sentence, set()).add(person.name)
        before = ctx.article.text[max(0, person.start - 5) : person.start].split()[-1:]
        for word in [*before, *person.roles]:
            votes[person.name] = votes.get(person.name, 0) + _GENDERED.get(word.lower().rstrip("."), 0) * 3
    for k, names in by_sentence.items():
        if len(names) != 1:
            continue
        name = next(iter(names))
        lo = ctx.sentences[k].start
        hi = ctx.sentences[k + 1].end if k + 1 < len(ctx.sentences) and k + 1 not in by_sentence else None
        span = ctx.doc.char_span(lo, hi if hi is not None else ctx.sentences[k].end, alignment_mode="expand")
        for token in span if span is not None else ():
            if not ctx.in_quote(token.idx):
                votes[name] = votes.get(name, 0) + _GENDERED.get(token.lower_, 0)
    return {name: ("m" if v > 0 else "f") for name, v in votes.items() if v}


def _is_person(ctx: _Context, entity: Entity) -> bool:
    if entity.label == "PERSON":
        return True
    if entity.label not in ("ORG", "GPE", "NORP"):
        return False
    words = set(_clean_name(entity.text).split())
    return bool(words) and any(
        words <= set(_clean_name(p.text).split()) and len(_clean_name(p.text).split()) > len(words) for p in ctx.persons
    )


def _fullest(entity: Entity, persons: Sequence[Entity]) -> str:
    """The full form of a name: the nearest earlier longer name with all its words ("Carter" -> "John Carter";
    nearest, as a surname may be shared), else the annotator's ``Entity.name``, else a later full form."""
    own = _clean_name(entity.text)
    words = set(own.split())
    if not words:
        return entity.text

    def fuller(other: str) -> bool:
        return len(other.split()) > len(own.split()) and words <= set(other.split())

    earlier = [_clean_name(p.text) for p in persons if p.start < entity.start]
    later = [_clean_name(p.text) for p in persons if p.start > entity.start]
    for name in [*reversed(earlier), _clean_name(entity.name), *later]:
        if fuller(name):
            return name
    return own


def _roles(ctx: _Context, entity: Entity) -> frozenset[str]:
    """Title words before the name ("Transport Minister Maria Lopez") and appositions ("Lopez, an engineer")."""
    span = ctx.doc.char_span(entity.start, entity.end, alignment_mode="expand")
    if span is None:
        return frozenset()
    roles: set[str] = set()
    i = span.start - 1
    while i >= 0 and span.start - i <= 4:
        token = ctx.doc[i]
        if token.pos_ not in ("NOUN", "PROPN", "ADJ") or token.i in ctx.entity_at:
            break
        roles.add(token.lower_)
        i -= 1
    root = span.root
    nouns = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        nouns.append(root.head)
    for noun in nouns:
        roles.add(noun.lower_)
        roles.update(c.lower_ for c in noun.children if c.dep_ in ("compound", "amod", "conj"))
    return frozenset(roles)


def _subject(ctx: _Context, token: Any) -> Any | None:
    """The subject of a speech verb, inherited through "..., adding that" and "quoted X as saying"; never outside
    the verb's sentence (the parser sometimes runs two paragraphs together)."""
    if token.lower_ == "according":
        to = token.doc[token.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    sentence = ctx.sentences[ctx.sentence_of(token.idx)]

    def inside(t: Any) -> bool:
        return bool(sentence.start <= t.idx < sentence.end)

    current = token
    for _ in range(4):
        subj = next((c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and not inside(subj):
            return _left_subject(ctx, token, sentence)
        if subj is not None:
            if subj.lower_ in _RELATIVE and current.dep_ == "relcl":
                return current.head if inside(current.head) else None
            return subj
        if current.lower_ in ("quoted", "cited"):
            obj = next((c for c in current.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        for after in current.children:  # "“...,” said John Smith"
            label = getattr(ctx.entity_at.get(after.i), "label", "")
            if after.i > current.i and after.dep_ in _INVERTED_DEPS and current.lower_ in _INVERTED and label in _NAMED:
                return after
        if current.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and current.head.i != current.i:
            current = current.head
            if inside(current):
                continue
        return _left_subject(ctx, token, sentence) if inside(token.doc[max(token.i - 1, 0)]) else None
    return None


def _left_subject(ctx: _Context, verb: Any, sentence: Sentence) -> Any | None:
    """A noun phrase right before a verb the parser left without a subject ("A spokeswoman for X said ...",
    "Anna Berg, who chairs the board, said ...")."""
    if verb.i == 0 or verb.tag_ == "VBG":
        return None
    token = verb.doc[verb.i - 1]
    if token.text == ",":
        first = ctx.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        entity = ctx.entity_at.get(first.start) if first is not None else None
        if entity is None or entity.label not in ("PERSON", "ORG"):
            return None
        end = first.start
        while end + 1 < verb.i and ctx.entity_at.get(end + 1) is entity:
            end += 1
        return ctx.doc[end] if ctx.doc[end + 1].text == "," else None
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    while token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.i < token.i:
        token = token.head.head  # "spokeswoman for Trudeau" -> "spokeswoman"
        if verb.i - token.i > 6 or token.pos_ not in ("NOUN", "PROPN"):
            return None
    return token


def _speaker(ctx: _Context, cue: Any) -> _Speaker | None:
    subj = _subject(ctx, cue)
    if subj is None:
        return None
    if subj.i not in ctx.entity_at:
        # "the city's transport minister, Maria Lopez, said"; "Head of the Port Board, Anna Berg, said"
        apposed = next(
            (t for t in subj.subtree if t.dep_ == "appos" and getattr(ctx.entity_at.get(t.i), "label", "") == "PERSON"),
            None,
        )
        if apposed is not None:
            subj = apposed
    if any(c.dep_ == "conj" for c in subj.children):  # "X and Y said": no single speaker
        first = subj.left_edge
        return _Speaker(None, first.idx, subj.right_edge.idx + len(subj.right_edge))
    entity = ctx.entity_at.get(subj.i)
    if entity is not None and entity.label in ("PERSON", "ORG", "GPE", "NORP"):
        return _entity_speaker(ctx, entity)
    low = subj.lower_
    if low in _DEMONSTRATIVE:
        return None
    if subj.pos_ == "PRON":
        return _Speaker(_pronoun(ctx, subj), subj.idx, subj.idx + len(subj))
    if subj.pos_ not in ("NOUN", "PROPN"):
        return None
    left = subj
    for child in subj.children:
        if child.i < subj.i and child.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod"):
            left = child.left_edge if child.left_edge.i < left.i else left
    start, end = left.idx, subj.idx + len(subj)
    known = lookup_source(ctx.article.text[start:end])
    if known is not None:
        return _Speaker(known[0], start, end, news=True)
    if subj.pos_ == "PROPN" and subj.tag_ == "NNP" and low not in _PERSON_ROLES:
        # A name the NER missed ("Lopez said"): the person it shortens, else the name as written.
        first = subj
        while first.i > 0 and first.doc[first.i - 1].tag_ == "NNP" and first.doc[first.i - 1].head.i == subj.i:
            first = first.doc[first.i - 1]
        words = set(_clean_name(ctx.article.text[first.idx : end]).split())
        person = next((p for p in reversed(ctx.people) if p.start < start and words <= set(p.name.split())), None)
        return _Speaker(person.name if person else _clean_name(ctx.article.text[first.idx : end]), first.idx, end)
    # "the company", "the minister" point back; "a doctor", "a lobby group", "officials" introduce someone new.
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "another") for c in subj.children)
    name: str | None = None
    if definite and low in ("statement", "release"):
        name = _statement_owner(ctx, subj) or _recent_org(ctx, start)
    elif definite and subj.tag_ not in ("NNS", "NNPS") and low in _ORG_ROLES:
        name = _recent_org(ctx, start)
    elif definite and subj.tag_ not in ("NNS", "NNPS"):
        name = _role(ctx, low, start, all(c.dep_ == "det" for c in subj.children if c.i < subj.i))
    return _Speaker(name, start, end) if name else _Speaker(_description(ctx, subj, left), start, end, described=True)


def _statement_owner(ctx: _Context, noun: Any) -> str | None:
    """ "X said in a statement ... “...,” the statement said": X, from this or the two sentences before."""
    here = ctx.sentence_of(noun.idx)
    lo = ctx.sentences[max(here - 2, 0)].start
    for token in reversed(ctx.doc[: noun.i]):
        if token.idx < lo:
            break
        verb = token.head.head
        if token.lower_ == noun.lower_ and token.head.lower_ == "in" and verb.lower_ in _SPEECH_FORMS:
            speaker = _speaker(ctx, verb)
            return speaker.name if speaker is not None and not speaker.described else None
    return None


def _description(ctx: _Context, head: Any, left: Any) -> str | None:
    """An unnamed speaker as the article describes them ("a Northwind spokeswoman" -> "Northwind spokeswoman",
    "officials", "technician"): only a person or organisation role, or a phrase naming one, is a speaker."""
    words = [t for t in ctx.doc[left.i : head.i + 1] if t.dep_ not in ("det", "nummod", "predet") and not t.is_punct]
    role = head.lower_ in _PERSON_ROLES | _ORG_ROLES | _GROUPS or head.lower_.removesuffix("s") in _PERSON_ROLES
    if not words or not (role or any(t.i in ctx.entity_at for t in words)):
        return None
    return ctx.article.text[words[0].idx : head.idx + len(head)]


def _entity_speaker(ctx: _Context, entity: Entity) -> _Speaker:
    person = next((p for p in ctx.people if p.start == entity.start), None)
    if person is not None:
        return _Speaker(person.name, entity.start, entity.end)
    if entity.label == "PERSON":
        return _Speaker(_fullest(entity, ctx.persons), entity.start, entity.end)
    known = lookup_source(entity.text)
    if known is not None:
        return _Speaker(known[0], entity.start, entity.end, news=True)
    return _Speaker(_clean_name(entity.text), entity.start, entity.end)


def _pronoun(ctx: _Context, token: Any) -> str | None:
    """ "he"/"she": the last person of that gender named within a few sentences, a subject first."""
    low = token.lower_
    if low == "it":
        return _recent_org(ctx, token.idx)
    if low not in _GENDERED:
        return None  # "they", "we", "I": no single person
    want = "m" if _GENDERED[low] > 0 else "f"
    here = ctx.sentence_of(token.idx)
    candidates = [
        p
        for p in reversed(ctx.people)
        if p.start < token.idx and here - p.sentence <= PRONOUN_SENTENCES and ctx.genders.get(p.name, want) == want
    ]
    best = next((p for p in candidates if p.subject), candidates[0] if candidates else None)
    return best.name if best else None


def _recent_org(ctx: _Context, offset: int) -> str | None:
    """The organisation (not a news outlet) named last before ``offset``, within ``ORG_SENTENCES`` sentences."""
    here = ctx.sentence_of(offset)
    for org in reversed(ctx.orgs):
        if org.start < offset and lookup_source(org.text) is None:
            return _clean_name(org.text) if here - ctx.sentence_of(org.start) <= ORG_SENTENCES else None
    return None


def _role(ctx: _Context, noun: str, offset: int, bare: bool) -> str | None:
    """ "the minister" -> the nearest earlier person titled minister; else, for a bare role, the person just named
    as a subject if no title was given them ("the city's fire chief" describes someone new)."""
    earlier = [p for p in ctx.people if p.start < offset]
    for person in reversed(earlier):
        if noun in person.roles:
            return person.name
    here = ctx.sentence_of(offset)
    recent = earlier[-1] if earlier else None
    if recent and bare and noun in _PERSON_ROLES and not recent.roles and recent.subject:
        return recent.name if here - recent.sentence <= ROLE_FALLBACK_SENTENCES else None
    return None


# --- reported speech -------------------------------------------------------------------------------------------


def _reported_quotes(ctx: _Context, covered: set[int]) -> list[Quote]:
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


def _reported(ctx: _Context, token: Any, sent: Any) -> tuple[list[tuple[int, int]], _Speaker | None, str] | None:
    """A reported statement at this token: (token ranges of the statement, speaker, cue), or None."""
    low = token.lower_
    if low == "according" and token.i + 1 < sent.end and ctx.doc[token.i + 1].lower_ == "to":
        subj = _subject(ctx, token)
        entity = ctx.entity_at.get(subj.i) if subj is not None else None
        if entity is None or entity.label not in ("PERSON", "ORG"):
            return None
        source = _entity_speaker(ctx, entity)
        phrase = (token.i, token.right_edge.i + 1)
        if phrase[0] - sent.start <= 1:
            clause = (phrase[1], sent.end)
        elif sent.end - phrase[1] <= 1:
            clause = (sent.start, phrase[0])
        else:
            return None
        return ([_strip(ctx.doc, clause)], source, "according to") if _clause_ok(ctx.doc, clause) else None
    if low not in _SPEECH_FORMS or not token.tag_.startswith("VB") or _SPEECH_FORMS[low] in _NOT_REPORTING:
        return None
    speaker = _speaker(ctx, token)
    if speaker is None:
        return None
    if speaker.name not in {p.name for p in ctx.people}:
        # "..., the paper reported, citing Mayor X": the outlet is a citation; the statement is the person's it
        # cites, else the outlet's own.
        speaker = _cited_person(ctx, token) or speaker
    if ctx.article.text[speaker.start : speaker.end].lower() in ("i", "we", "you"):
        return None  # the writer or a reader, not a source
    pieces = [_strip(ctx.doc, p) for p in _clauses(ctx.doc, token, sent)]
    pieces = [p for p in pieces if _clause_ok(ctx.doc, p) and ctx.doc[p[0]].lower_ != "according"]
    return (pieces, speaker, low) if pieces else None


def _clauses(doc: Any, verb: Any, sent: Any) -> list[tuple[int, int]]:
    """The statement a speech verb introduces: its clause complement ("said (that) ..."), or the text around a
    parenthetical attribution ("..., he said, ..." / "..., X told the paper on Monday.")."""
    lo, hi = sent.start, sent.end
    comps = [c for c in verb.children if c.dep_ == "ccomp" and lo <= c.i < hi]
    if not comps and _SPEECH_FORMS[verb.lower_] in _XCOMP_VERBS and not any(c.dep_ == "auxpass" for c in verb.children):
        comps = [c for c in verb.children if c.dep_ == "xcomp" and lo <= c.i < hi]
    right = [c for c in comps if c.i > verb.i]
    if right:
        comp = max(right, key=lambda c: c.right_edge.i - c.left_edge.i)
        end = comp.right_edge.i + 1
        for child in verb.children:
            # What the parser hung on the verb after the statement still belongs to it ("..., because ...",
            # "he quit the job, sold the house"), unless it is another attribution or has a subject of its own.
            if child.i <= comp.right_edge.i or child.dep_ in ("punct", "cc") or child.lower_ in _SPEECH_FORMS:
                continue
            if child.dep_ != "conj" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
                end = max(end, child.right_edge.i + 1)
        return [(max(comp.left_edge.i, verb.i + 1, lo), min(end, hi))]
    if any(c.dep_ in ("dobj", "xcomp") for c in verb.children) and _SPEECH_FORMS[verb.lower_] != "tell":
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


def _cited_person(ctx: _Context, verb: Any) -> _Speaker | None:
    """ "the agency reported, citing Mayor Maria Lopez": the person the outlet cites."""
    for token in verb.subtree:
        if token.lower_ == "citing":
            for obj in token.subtree:
                entity = ctx.entity_at.get(obj.i)
                if entity is not None and entity.label == "PERSON":
                    return _entity_speaker(ctx, entity)
    return None
