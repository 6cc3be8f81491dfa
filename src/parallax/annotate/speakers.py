"""Who said a quote: the subject of its speech verb, resolved to the fullest name the article gives that person.

Names resolve to the fullest form in the article ("Lopez" -> "Maria Lopez"), roles ("the minister") to the person
given that title, "he"/"she" to the last person of that grammatical gender named, "the company" to the
organisation named just before; unsure means ``None``. Used by :mod:`parallax.annotate.quotes`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..models import Article, Entity, Sentence
from .citations import lookup_source

__all__ = [
    "SPEECH_FORMS",
    "SPEECH_VERBS",
    "Context",
    "Person",
    "Speaker",
    "by_line",
    "cited_person",
    "entity_index",
    "entity_speaker",
    "find_genders",
    "find_people",
    "find_persons",
    "speaker_of",
    "subject_of",
    "typed",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- tuning constants -----------------------------------------------------------------------------------------
# Calibrated by reading the seed articles and measuring on the GenderGapTracker quote set
# (../shared/data/quotes_ggt): speaker accuracy.
#
# How many sentences back a pronoun or an unmatched role looks for its person.
PRONOUN_SENTENCES = 8
ROLE_FALLBACK_SENTENCES = 2
# "The company said": the organisation named in this or the previous sentence (farther back was measured worse).
ORG_SENTENCES = 1

# Verbs that attribute words to a speaker (base forms; every inflection counts).
SPEECH_VERBS = _words(
    "say tell add note stress warn claim argue write insist highlight explain state announce confirm deny "
    "acknowledge admit suggest emphasize emphasise assert contend declare reply respond retort tweet recall "
    "remark comment observe predict promise vow urge ask complain concede allege testify joke quip reveal "
    "mention reiterate repeat caution conclude underline underscore lament boast shout chant scream yell "
    "whisper report describe call dub brand label term agree disagree blurt recount muse plead pledge "
    "propose threaten proclaim exclaim demand accuse criticize criticise express voice echo counter object "
    "maintain point remind advise encourage"
)
_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
}
_DOUBLED = frozenset(("admit", "quip"))
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
# Speech verbs whose object is the one spoken to ("asked Obama", "told Smith"), who may well speak next.
_ADDRESSEE_VERBS = _words("tell ask urge remind advise encourage warn plead")
_INVERTED = frozenset(("said", "says", "added", "wrote", "asked", "told", "continued", "explained"))
_INVERTED_DEPS = frozenset(("dobj", "attr", "npadvmod"))
_NAMED = frozenset(("PERSON", "ORG"))
_DEMONSTRATIVE = frozenset(("that", "this", "these", "those", "which", "what", "there"))
_RELATIVE = frozenset(("who", "that", "which", "whom"))


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


SPEECH_FORMS = {form: base for base in SPEECH_VERBS for form in _forms(base)}


SPEECH_FORMS = {form: base for base in SPEECH_VERBS for form in _forms(base)}


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    start: int
    end: int
    news: bool = False  # a news organisation: a citation more than a speaker
    described: bool = False  # no name, only the article's description ("officials", "a spokeswoman")


@dataclass(frozen=True, slots=True)
class Person:
    start: int
    end: int
    name: str
    sentence: int
    roles: frozenset[str]
    subject: bool  # the mention is a clause subject: the likelier antecedent of a later "he"/"she"
    # the mention is what a speech verb is about ("saying President Obama", "criticized Smith"): the one spoken of,
    # never the antecedent of the speaker's "he"/"she"
    spoken_of: bool = False


@dataclass(slots=True)
class Context:
    """Per-article lookups shared by the steps below."""

    article: Article
    doc: Any
    sentences: Sequence[Sentence]
    starts: list[int]
    entity_at: dict[int, Entity]
    people: list[Person]
    genders: dict[str, str]
    persons: list[Entity]
    orgs: list[Entity]
    quoted: list[tuple[int, int]]
    # the union of the quoted spans, sorted and disjoint: in_quote is a binary search (it is asked per token)
    _quote_starts: list[int] = field(default_factory=list, init=False)
    _quote_ends: list[int] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        for start, end in sorted(self.quoted):
            if start >= end:
                continue
            if self._quote_ends and start <= self._quote_ends[-1]:
                self._quote_ends[-1] = max(self._quote_ends[-1], end)
            else:
                self._quote_starts.append(start)
                self._quote_ends.append(end)

    def sentence_of(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def in_quote(self, offset: int) -> bool:
        k = bisect_right(self._quote_starts, offset) - 1
        return k >= 0 and offset < self._quote_ends[k]


# --- speakers --------------------------------------------------------------------------------------------------


def by_line(entities: Sequence[Entity]) -> list[Entity]:
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


def entity_index(doc: Any, entities: Sequence[Entity]) -> dict[int, Entity]:
    index: dict[int, Entity] = {}
    for entity in entities:
        span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is not None:
            for token in span:
                index[token.i] = entity
    return index


_POSSESSIVE = re.compile(r"['’]s?$")
_TITLES = re.compile(r"^(?:(?:the|The|Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame)\.?\s+)+")


@lru_cache(maxsize=4096)
def _clean_name(name: str) -> str:
    """No possessive, no leading "the" or honorific: "Prof Mike Brown's" -> "Mike Brown". Cached: an article asks
    for the same few names thousands of times (each person against every other)."""
    name = _POSSESSIVE.sub("", name.strip())
    return _TITLES.sub("", name).strip()


def find_people(ctx: Context, entities: Sequence[Entity]) -> list[Person]:
    """Person mentions outside quotes, with their fullest name and the titles given them. The small NER model
    often labels a bare surname ORG ("Carter said"): a name whose words all belong to a PERSON is a person."""
    people: list[Person] = []
    for entity in sorted(entities, key=lambda e: e.start):
        if ctx.in_quote(entity.start) or not _is_person(ctx, entity):
            continue
        name = _fullest(entity, ctx.persons, ctx.article.text)
        span = ctx.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        subject = span is not None and span.root.dep_ in ("nsubj", "nsubjpass", "appos")
        sentence = ctx.sentence_of(entity.start)
        spoken_of = (
            span is not None
            and span.root.dep_ == "dobj"
            and SPEECH_FORMS.get(span.root.head.lower_, "") in SPEECH_VERBS - _ADDRESSEE_VERBS
        )
        people.append(Person(entity.start, entity.end, name, sentence, _roles(ctx, entity), subject, spoken_of))
    return people


def find_genders(ctx: Context) -> dict[str, str]:
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


def _is_person(ctx: Context, entity: Entity) -> bool:
    if entity.label == "PERSON":
        return not _not_a_name(ctx, entity.text)
    if entity.label not in ("ORG", "GPE", "NORP"):
        return False
    words = set(_clean_name(entity.text).split())
    return bool(words) and any(
        words <= set(_clean_name(p.text).split()) and len(_clean_name(p.text).split()) > len(words) for p in ctx.persons
    )


def _not_a_name(ctx: Context, text: str) -> bool:
    """A one-word PERSON that is a platform ("Twitter") or a word the article also writes in lower case ("Draft
    talking points ... a draft of"): the small NER model's capitalised-word mistakes, never a person."""
    words = _clean_name(text).split()
    if len(words) != 1:
        return False
    word = words[0]
    if word.lower() in PLATFORMS:
        return True
    return word[:1].isupper() and re.search(rf"(?<![\w.]){re.escape(word.lower())}(?!\w)", ctx.article.text) is not None


def find_persons(article: Article, entities: Sequence[Entity]) -> list[Entity]:
    """The PERSON entities that name someone, in text order: not those read in a title-case headline line, where
    the small model runs a name into the next words ("Obama Willing to Use Executive Orders")."""
    return sorted(
        (e for e in entities if e.label == "PERSON" and not _headline_line(article.text, e.start)),
        key=lambda e: e.start,
    )


def _headline_line(text: str, offset: int) -> bool:
    """The line around ``offset`` is a title-case headline ("Obama Willing to Use Executive Orders on Guns"): names
    read there run into the words after them."""
    lo = text.rfind("\n", 0, offset) + 1
    hi = text.find("\n", offset)
    line = text[lo : hi if hi >= 0 else len(text)].strip()
    words = [w for w in line.split() if len(w) > 3 and w[:1].isalpha()]
    return len(words) >= 3 and line[-1:] not in '."”' and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


# Offices written before a name ("President Obama", "Sen. Grassley"): a name so titled is that office holder, and
# takes a fuller name only from a mention given the same office ("President Obama" is not "Sasha Obama", named in
# the same article; "President Barack Obama" is).
OFFICES = {
    **dict.fromkeys(("president", "pres"), "president"),
    **dict.fromkeys(("senator", "sen"), "senator"),
    **dict.fromkeys(("governor", "gov"), "governor"),
    **dict.fromkeys(("representative", "rep", "congressman", "congresswoman"), "representative"),
    **dict.fromkeys(("secretary", "minister", "mayor", "judge", "justice", "chancellor", "premier"), ""),
    **dict.fromkeys(("pope", "king", "queen", "prince", "princess", "gen", "general"), ""),
}


def _office(text: str, start: int) -> str | None:
    """The office written right before the name at ``start`` ("President", "Sen."), or ``None``."""
    before = text[max(0, start - 20) : start].split()[-1:]
    if not before:
        return None
    word = before[0].strip(".").lower()
    return (OFFICES[word] or word) if word in OFFICES else None


def _fullest(entity: Entity, persons: Sequence[Entity], text: str = "") -> str:
    """The full form of a name: the nearest earlier longer name with all its words ("Carter" -> "John Carter";
    nearest, as a surname may be shared), else the annotator's ``Entity.name``, else a later full form. A name
    after an office ("President Obama") takes only a full form written after the same office."""
    own = _clean_name(entity.text)
    words = set(own.split())
    if not words:
        return entity.text
    office = _office(text, entity.start) if text and len(own.split()) == 1 else None
    titled = {_clean_name(p.text) for p in persons if _office(text, p.start) == office} if office else set()

    def fuller(other: str) -> bool:
        if office and other not in titled:
            return False
        return len(other.split()) > len(own.split()) and words <= set(other.split())

    earlier = [_clean_name(p.text) for p in persons if p.start < entity.start]
    later = [_clean_name(p.text) for p in persons if p.start > entity.start]
    annotated = _clean_name(entity.name)
    if annotated.split()[-1:] != own.split()[-1:] and len(own.split()) == 1:
        # "Obama" -> "Obama Willing" (a headline's words read as a name): a first-name or family-name-first match
        # stands only where a person of that full name is named in running text
        annotated = next((n for n in earlier + later if n == annotated), own)
    for name in [*reversed(earlier), annotated, *later]:
        if fuller(name):
            return name
    return own


def _roles(ctx: Context, entity: Entity) -> frozenset[str]:
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


def subject_of(ctx: Context, token: Any) -> Any | None:
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


def _left_subject(ctx: Context, verb: Any, sentence: Sentence) -> Any | None:
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


def speaker_of(ctx: Context, cue: Any) -> Speaker | None:
    """Who speaks through the speech verb ``cue``: a person or an organisation, never a place, a product, a show, a
    dateline or a label (``typed``); ``None`` when the text does not tell."""
    return typed(ctx, _speaker_of(ctx, cue))


def _speaker_of(ctx: Context, cue: Any) -> Speaker | None:
    subj = subject_of(ctx, cue)
    if subj is None:
        return None
    owner = next((c for c in subj.children if c.dep_ == "poss" and not ctx.in_quote(c.idx)), None)
    if owner is not None and ctx.in_quote(subj.idx):
        return _owner(ctx, owner)  # "according to a Michigan school's latest “List of Words ...”": the school
    if ctx.in_quote(subj.idx) or _dateline(ctx, subj.idx, subj.idx + len(subj)):
        # the parser took quoted words ("“Nah,” Malia said") or a dateline ("WASHINGTON — X said") for the subject:
        # the speaker is then the one name right before the verb in the same sentence, if any
        return _named_before(ctx, cue)
    said_by = _said_by(ctx, subj)
    if said_by is not None:
        return said_by
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
        return Speaker(None, first.idx, subj.right_edge.idx + len(subj.right_edge))
    entity = ctx.entity_at.get(subj.i)
    if entity is not None and entity.label in ("PERSON", "ORG", "GPE", "NORP"):
        return entity_speaker(ctx, entity)
    low = subj.lower_
    if low in _DEMONSTRATIVE:
        return None
    if subj.pos_ == "PRON":
        return Speaker(_pronoun(ctx, subj), subj.idx, subj.idx + len(subj))
    if subj.pos_ not in ("NOUN", "PROPN"):
        return None
    left = subj
    for child in subj.children:
        if child.i < subj.i and child.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod"):
            left = child.left_edge if child.left_edge.i < left.i else left
    start, end = left.idx, subj.idx + len(subj)
    known = lookup_source(ctx.article.text[start:end])
    if known is not None:
        return Speaker(known[0], start, end, news=True)
    if subj.pos_ == "PROPN" and subj.tag_ == "NNP" and low not in _PERSON_ROLES:
        # A name the NER missed ("Lopez said"): the person it shortens, else the name as written.
        first = subj
        while first.i > 0 and first.doc[first.i - 1].tag_ == "NNP" and first.doc[first.i - 1].head.i == subj.i:
            first = first.doc[first.i - 1]
        words = set(_clean_name(ctx.article.text[first.idx : end]).split())
        person = next((p for p in reversed(ctx.people) if p.start < start and words <= set(p.name.split())), None)
        return Speaker(person.name if person else _clean_name(ctx.article.text[first.idx : end]), first.idx, end)
    # "the company", "the minister" point back; "a doctor", "a lobby group", "officials" introduce someone new.
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "another") for c in subj.children)
    name: str | None = None
    if definite and low in ("statement", "release"):
        name = _statement_owner(ctx, subj) or _recent_org(ctx, start)
    elif definite and subj.tag_ not in ("NNS", "NNPS") and low in _ORG_ROLES:
        name = _recent_org(ctx, start)
    elif definite and subj.tag_ not in ("NNS", "NNPS"):
        qualifiers = frozenset(
            t.lower_
            for t in subj.subtree
            if t.i < subj.i and t.dep_ in ("compound", "amod") and t.is_alpha and t.lower_ not in _PASSING
        )
        name = _role(ctx, low, start, all(c.dep_ == "det" for c in subj.children if c.i < subj.i), qualifiers)
    return Speaker(name, start, end) if name else Speaker(_description(ctx, subj, left), start, end, described=True)


def _statement_owner(ctx: Context, noun: Any) -> str | None:
    """ "X said in a statement ... “...,” the statement said": X, from this or the two sentences before."""
    here = ctx.sentence_of(noun.idx)
    lo = ctx.sentences[max(here - 2, 0)].start
    for token in reversed(ctx.doc[: noun.i]):
        if token.idx < lo:
            break
        verb = token.head.head
        if token.lower_ == noun.lower_ and token.head.lower_ == "in" and verb.lower_ in SPEECH_FORMS:
            speaker = speaker_of(ctx, verb)
            return speaker.name if speaker is not None and not speaker.described else None
    return None


def _description(ctx: Context, head: Any, left: Any) -> str | None:
    """An unnamed speaker as the article describes them ("a Northwind spokeswoman" -> "Northwind spokeswoman",
    "officials", "technician"): only a person or organisation role, or a phrase naming one, is a speaker."""
    words = [t for t in ctx.doc[left.i : head.i + 1] if t.dep_ not in ("det", "nummod", "predet") and not t.is_punct]
    role = head.lower_ in _PERSON_ROLES | _ORG_ROLES | _GROUPS or head.lower_.removesuffix("s") in _PERSON_ROLES
    if not words or not (role or any(t.i in ctx.entity_at for t in words)):
        return None
    return ctx.article.text[words[0].idx : head.idx + len(head)]


def entity_speaker(ctx: Context, entity: Entity) -> Speaker:
    person = next((p for p in ctx.people if p.start == entity.start), None)
    if person is not None:
        return Speaker(person.name, entity.start, entity.end)
    if entity.label == "PERSON":
        return Speaker(_fullest(entity, ctx.persons, ctx.article.text), entity.start, entity.end)
    known = lookup_source(entity.text)
    if known is not None:
        return Speaker(known[0], entity.start, entity.end, news=True)
    return Speaker(_clean_name(entity.text), entity.start, entity.end)


def _pronoun(ctx: Context, token: Any) -> str | None:
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
        if p.start < token.idx
        and here - p.sentence <= PRONOUN_SENTENCES
        and ctx.genders.get(p.name, want) == want
        and not p.spoken_of
    ]
    best = next((p for p in candidates if p.subject), candidates[0] if candidates else None)
    return best.name if best else None


def _recent_org(ctx: Context, offset: int) -> str | None:
    """The organisation (not a news outlet) named last before ``offset``, within ``ORG_SENTENCES`` sentences."""
    here = ctx.sentence_of(offset)
    for org in reversed(ctx.orgs):
        if org.start < offset and lookup_source(org.text) is None:
            return _clean_name(org.text) if here - ctx.sentence_of(org.start) <= ORG_SENTENCES else None
    return None


# Words that qualify a role only in passing ("the former minister"): no part of the title a person was given.
_PASSING = frozenset("former then new acting interim late current outgoing incoming longtime veteran top".split())


def _role(ctx: Context, noun: str, offset: int, bare: bool, qualifiers: frozenset[str] = frozenset()) -> str | None:
    """ "the minister" -> the nearest earlier person titled minister, and "the Fox News host" the nearest titled
    host whose sentence says Fox News too (not the radio host named last); else, for a bare role, the person just
    named as a subject if no title was given them ("the city's fire chief" describes someone new)."""
    earlier = [p for p in ctx.people if p.start < offset]
    for person in reversed(earlier):
        if noun in person.roles and qualifiers <= person.roles | _sentence_words(ctx, person.sentence):
            return person.name
    here = ctx.sentence_of(offset)
    recent = earlier[-1] if earlier else None
    if recent and bare and noun in _PERSON_ROLES and not recent.roles and recent.subject:
        return recent.name if here - recent.sentence <= ROLE_FALLBACK_SENTENCES else None
    return None


def _sentence_words(ctx: Context, k: int) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", ctx.sentences[k].text.lower()))


def cited_person(ctx: Context, verb: Any) -> Speaker | None:
    """ "the agency reported, citing Mayor Maria Lopez": the person the outlet cites."""
    for token in verb.subtree:
        if token.lower_ == "citing":
            for obj in token.subtree:
                entity = ctx.entity_at.get(obj.i)
                if entity is not None and entity.label == "PERSON":
                    return entity_speaker(ctx, entity)
    return None


# --- speaker typing ----------------------------------------------------------------------------------------------
# A speaker is a person or an organisation. Entity labels under which a name is no speaker: a place (a city, a
# region: "Banda Aceh"), a building, a product ("Tesla Model X"), a work or show, a law, an event, a date, a figure.
# A country (GPE) speaking is its government ("Russia said"): kept, unless it is a dateline or a city.
NOT_SPEAKER_LABELS = frozenset(("LOC", "LAW", "EVENT", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL"))
# Labels the small model also puts on people ("Vancouver's Bo Horvat" as WORK_OF_ART): no speaker only when the shape
# or the article says so (a product's name; a title the article writes in quotation marks).
WORK_LABELS = frozenset(("WORK_OF_ART", "PRODUCT"))
# Words that open a paragraph as a label, never as a speaker ("UPDATE 2:52 p.m. -- Records revealed ...").
LABEL_WORDS = frozenset(
    "update updated correction clarification breaking exclusive watch editor's editor’s note developing "
    "live analysis opinion advertisement related".split()
)
# Platforms a person posts on: never a person, so never the antecedent of "she" ("she wrote on Twitter").
PLATFORMS = frozenset(
    "twitter facebook instagram youtube tiktok snapchat reddit whatsapp linkedin tumblr telegram threads x.com".split()
)
# "X's statement said", "the Washington Post report said": the source is X.
SAID_BY_NOUNS = frozenset(
    "statement release report reports story article website site remarks apology appeal editorial column letter "
    "post tweet blog memo filing complaint lawsuit ad ads plan proposal".split()
)
# A product's name: a model word, letters glued to digits, or a last single capital ("Tesla Model X", "Galaxy S9").
_PRODUCT = re.compile(r"\b(?:Model|Series|Mark|Mk)\s+\w+$|\b[A-Z][a-z]*\d+\w*$|\s[A-Z]$")
# What follows a dateline's place ("WASHINGTON —", "BANDA ACEH, Indonesia (AP) --"); the blanks are bounded, so a long
# run of spaces costs linear time (the regex audit).
_DATELINE_AFTER = re.compile(
    r"[ \t]{0,4}(?:,[ \t]{0,4}[A-Z][\w.' ]{0,30})?[ \t]{0,4}(?:\([\w .]{1,20}\)[ \t]{0,4})?(?:--|[—–-]|:)"
)


def typed(ctx: Context, speaker: Speaker | None) -> Speaker | None:
    """``speaker`` when it can speak: a person or an organisation (a news organisation, a country's government, a
    described source). ``None`` for quoted words, a dateline or a paragraph label ("WASHINGTON —", "UPDATE"), a
    place, product, show or work by its entity label or shape, and a title with no one's name."""
    if speaker is None or not speaker.name or speaker.news:
        return speaker
    words = [w.lower().strip(".,") for w in speaker.name.split()]
    capitalised = speaker.name[:1].isupper()
    if capitalised and words and all(w in _TITLE_WORDS or w in _PERSON_ROLES for w in words):
        # "then-Deputy Assistant Secretary for Diplomatic Security Charlene Lamb testified": the person named right
        # after the title in its sentence speaks; a title with no name after it is a description at most
        person = _titled_person(ctx, speaker.end)
        if person is not None or not speaker.described:
            return person
    if speaker.described:
        return speaker
    text = ctx.article.text[speaker.start : speaker.end]
    if ctx.in_quote(speaker.start) or _dateline(ctx, speaker.start, speaker.end):
        return None
    label = _label_at(ctx, speaker.start, speaker.end)
    name = speaker.name
    if _city(ctx, text):
        return None
    if _person_named(ctx, name):
        return speaker
    if label in NOT_SPEAKER_LABELS:
        return None
    if label in WORK_LABELS and _titled(ctx, text):
        return None  # "“Meet the Press”", a show or work the article writes as a title
    if label != "PERSON" and (_PRODUCT.search(name) or _PRODUCT.search(text)):
        return None
    if name.lower().strip(".") in LABEL_WORDS or (name.lower() in PLATFORMS and label == "PERSON"):
        return None
    return speaker


_TITLE_WORDS = frozenset("deputy assistant under vice acting interim chief general senior associate".split())


def _titled_person(ctx: Context, after: int) -> Speaker | None:
    """The person named right after a title, in its sentence, with only the title's words between ("Secretary for
    Diplomatic Security Charlene Lamb"); not one named after "for" ("a spokeswoman for Trudeau" is not Trudeau)."""
    sentence = ctx.sentences[ctx.sentence_of(after)]
    for entity in sorted(ctx.persons, key=lambda e: e.start):
        if entity.start < after or entity.start >= sentence.end:
            continue
        between = ctx.article.text[after : entity.start].split()
        title = all(w[:1].isupper() or w in ("of", "for", "the", "and") for w in between)
        if len(between) <= 6 and title and (not between or between[-1][:1].isupper()):
            return entity_speaker(ctx, entity)
        return None
    return None


def _label_at(ctx: Context, start: int, end: int) -> str | None:
    """The label of the entity the speaker's words are (the longest one overlapping them)."""
    best: Entity | None = None
    for entity in ctx.entity_at.values():
        longer = best is None or entity.end - entity.start > best.end - best.start
        if entity.start < end and entity.end > start and longer:
            best = entity
    return best.label if best is not None else None


def _city(ctx: Context, words: str) -> bool:
    """``words`` name a town in this article: some mention of them, read as a place (GPE), is followed by ", <another
    place>" ("Banda Aceh, Indonesia"), or the text says "the city of X". A country's name is never written so; it
    speaks for its government ("Russia said")."""
    text = ctx.article.text
    tail = words.split()
    if not tail or any(e.text.split()[-len(tail) :] == tail and len(e.text.split()) > len(tail) for e in ctx.persons):
        return False  # the family name of someone the article names in full ("Anne Marie Cerato", "Cerato, then 33")
    for entity in set(ctx.entity_at.values()):
        if entity.text != words or entity.label != "GPE":
            continue
        match = re.match(r",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})", text[entity.end : entity.end + 40])
        if match and _label_at(ctx, entity.end + match.start(1), entity.end + match.end(1)) == "GPE":
            return True
    name = re.escape(words)
    return bool(words) and re.search(rf"\b(?:city|town|village|port) of {name}\b", text) is not None


def _titled(ctx: Context, words: str) -> bool:
    """The article writes ``words`` as a title somewhere: in quotation marks, or after "show", "program" or
    "series"."""
    core = re.escape(_clean_name(words).strip("“”\"'‘’"))
    if not core:
        return False
    pattern = rf"[“\"‘]{core}[,.]?[”\"’]|\b(?:show|program|programme|series|film|book|documentary)\s+{core}\b"
    return re.search(pattern, ctx.article.text, re.IGNORECASE) is not None


def _person_named(ctx: Context, name: str) -> bool:
    return any(p.name == name for p in ctx.people)


def _dateline(ctx: Context, start: int, end: int) -> bool:
    """Words at a paragraph's start in capitals, followed by a dash or colon (maybe after ", State" or an agency
    in brackets): "WASHINGTON —", "BANDA ACEH, Indonesia (AP) --", "UPDATE:"."""
    text = ctx.article.text
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    words = text[start:end]
    letters = [ch for ch in words if ch.isalpha()]
    if len(letters) < 2 or not all(ch.isupper() for ch in letters):
        return False
    return words.lower().strip(".") in LABEL_WORDS or _DATELINE_AFTER.match(text, end) is not None


def _named_before(ctx: Context, cue: Any) -> Speaker | None:
    """The person or organisation named last before the speech verb in its sentence, outside quotation marks and
    datelines ("“Nah,” Malia said"; "WASHINGTON — Rep. X, trying to ..., denied")."""
    sentence = ctx.sentences[ctx.sentence_of(cue.idx)]
    found: Entity | None = None
    for token in cue.doc[: cue.i]:
        if token.idx < sentence.start:
            continue
        entity = ctx.entity_at.get(token.i)
        if entity is None or entity.label not in ("PERSON", "ORG") or ctx.in_quote(entity.start):
            continue
        if _dateline(ctx, entity.start, entity.end):
            continue
        found = entity
    return entity_speaker(ctx, found) if found is not None else None


def _owner(ctx: Context, owner: Any) -> Speaker | None:
    """The speaker a possessive names: an entity, else the article's description of it ("a Michigan school")."""
    entity = ctx.entity_at.get(owner.i)
    if entity is not None and entity.label in ("PERSON", "ORG", "NORP"):
        return entity_speaker(ctx, entity)
    described = _description(ctx, owner, owner.left_edge)
    return Speaker(described, owner.left_edge.idx, owner.idx + len(owner), described=True) if described else None


def _said_by(ctx: Context, subj: Any) -> Speaker | None:
    """ "X's statement said", "the Washington Post report said", "FreedomWorks' website said": X speaks."""
    if subj.lower_ not in SAID_BY_NOUNS:
        return None
    for child in subj.children:
        if child.i < subj.i and child.dep_ in ("poss", "compound", "nmod"):
            entity = ctx.entity_at.get(child.i)
            if entity is not None and entity.label in ("PERSON", "ORG", "NORP"):
                return entity_speaker(ctx, entity)
    return None
