"""Upstream sources an article credits for its information: "according to TASS", "(via Reuters)",
"Kyodo reported", "citing Xinhua", "told CNN", "a report by Bloomberg".

A source mention is either a known news organisation (``data/sources.json``: wires and outlets with their
aliases) or an ORG entity from spaCy's NER. A mention becomes a citation only with a cue next to it, found on
the dependency parse and the tokens around the mention:

- left cues ("according to", "via", "citing", "as per", "a report by/from/in", "reported by", "told",
  "in an interview with", "Source:", a dateline "MOSCOW (Reuters) -"), allowing a few modifiers between cue and
  name ("according to Japan's public broadcaster NHK");
- right cues: the mention is the subject of a reporting verb ("Reuters reported", "Kyodo News said",
  "Bloomberg first reported", "Xinhua quoted X as saying"), or "the X news agency", "X's report".

Photo credits ("(Photo: Kyodo)", "/ Reuters", "Getty Images") and the article's own outlet are never citations.
An ORG not in the list is an ``outlet`` when the context says so ("regional newspaper X", "X newspaper", a
newspaper-like name, "X reported", "in an interview with X"), an ``institution`` otherwise ("according to Moody's
Investors Service"); institutions count only with attribution cues ("according to", "citing", "a study by"), not
with "said" or "told", which make them speakers of quotes rather than sources.

``find_citations`` returns one Citation per source (the first mention's offsets), in order of first mention.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any, Literal

from ..models import Article, Citation, Entity, Sentence

__all__ = ["find_citations", "is_own_outlet", "is_station", "lookup_source", "merge_short_forms", "titled_person"]

Kind = Literal["wire", "outlet", "institution"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Calibrated on the seed articles and by reading every citation found in the GenderGapTracker articles and 40
# Multi-News clusters (../shared/data), where the false positives led to the photo, byline and "this report" rules.
#
# How many modifier tokens may sit between a cue and the name: "according to [the country 's state - run
# broadcaster] NHK" has six. Six covers the descriptive phrases seen in news copy without reaching across
# clauses (fillers are only determiners, adjectives, nouns, numbers, hyphens and possessives).
MAX_FILLER_TOKENS = 6
# A dateline credit "MOSCOW (Reuters) -" sits within the first few tokens of its paragraph.
DATELINE_MAX_TOKEN = 8

# Reporting verbs that make their subject a source even when it is not known to be a news organisation.
_REPORT_VERBS = _words("reported reports report reporting quoted quotes")
# Verbs that make a *news organisation* subject a source; an institution saying something is a quote speaker.
_SAY_VERBS = _words(
    "said says wrote writes added adds noted notes stated states claimed tweeted posted cited cites published "
    "broadcast aired revealed reveals learned"
)
# Nouns before "by/from/in" that introduce a source: "a report by", "data from", "a study by".
_SOURCE_NOUNS = _words(
    "report reports story stories article articles investigation analysis study studies survey poll "
    "data estimate estimates figures interview interviews column editorial piece op-ed documents research "
    "statistics forecast dispatch"
)
# The nouns that may come "from" a source: "data from X" yes, "an interview from Paris" no.
_FROM_NOUNS = _words("report reports data estimate estimates figures documents research statistics")
_PASSIVE_SOURCE_VERBS = _words(
    "reported cited quoted published obtained seen released broadcast aired revealed compiled conducted "
    "commissioned reviewed"
)
_PHOTO_WORDS = _words(
    "photo photos photograph photographs image images picture pictures credit credits video footage "
    "illustration graphic file caption"
)
# Words next to a name that say it is a news organisation ("local media outlet X", "the X newspaper").
_NEWS_DESCRIPTORS = _words(
    "outlet outlets newspaper newspapers daily tabloid broadcaster broadcasters channel magazine website "
    "portal publication paper weekly radio tv television newsroom station affiliate"
)
_WIRE_DESCRIPTORS = frozenset(("newswire", "wire"))
# Capitalised words in an unknown organisation's name that make it a news organisation.
_NEWSY_NAME_WORDS = _words(
    "News Times Post Herald Tribune Gazette Journal Daily Telegraph Chronicle Radio TV Television Broadcasting "
    "Press Magazine Observer Express Mirror Star Standard Review Inquirer Examiner Courier Dispatch Bulletin Reporter "
    "Newswire Channel Zeitung Ilbo Shimbun Pravda"
)
# Capitalised words that make an unknown name an institution whatever verb follows it.
_INSTITUTION_NAME_WORDS = _words(
    "Department Ministry Police Agency Office Council Commission University Institute Center Centre Centers "
    "Bureau Service Court Authority Administration Association Foundation Bank Committee Board Government"
)
# Government agencies and public bodies known by their acronym or short name: institutions, never news outlets, whatever
# the cue ("the FBI reported"). Typed by name, since the cue would make an unknown name that "reports" an outlet.
AGENCIES = _words(
    "FBI CIA NSA IRS DOJ DHS EPA FDA CDC ATF DEA FEMA NASA SEC FTC FCC GAO CBO OMB TSA ICE NIH NOAA USDA HHS FAA "
    "NTSB Pentagon NATO UN WHO IMF OECD EU ECB Interpol Europol Treasury Congress Senate Kremlin"
)
# Office titles that, inside an organisation's name and before a person's name, make the mention a person credited
# with title and employer ("Weekly Standard Editor Bill Kristol", "RNC Chair Reince Priebus"): a quote's speaker.
OFFICE_TITLES = frozenset(
    "editor chair chairman chairwoman host anchor president director founder publisher columnist correspondent "
    "spokesman spokeswoman spokesperson secretary senator sen rep gov governor chief ceo commissioner executive "
    "strategist adviser advisor pollster leader minister mayor speaker".split()
)
_NAME_WORD_RE = re.compile(r"^(?:[A-Z]\.|[A-Z][^\W\d_]*(?:['’-][A-Za-z][^\W\d_]*)*\.?)$")
# NER labels under which a news organisation may hide, recognised by a descriptor ("the newspaper X").
_MISLABELLED = frozenset(("PERSON", "PRODUCT", "WORK_OF_ART", "FAC"))
# Extra words an ORG entity may add around a known name and still be that organisation.
_NAME_EXTRAS = _words(
    "the news agency newspaper daily tv channel online website magazine broadcaster wire service network radio 's ’s"
)
# Cues that institutions (not news organisations) may carry.
_INSTITUTION_CUES = frozenset(("according to", "citing", "via", "as per", "source", "by", "from", "in"))
# Cues that credit only news organisations: an unknown name with them needs a news descriptor or name.
_OUTLET_CUES = frozenset(("told", "speaking to", "interview with", "dateline", "news agency"))
# Cues that make an unknown name a news organisation ("in an interview with X", "X reported").
_MAKES_OUTLET = frozenset(("interview with", "dateline", "news agency"))
_STRONG_CUES = _INSTITUTION_CUES | _OUTLET_CUES | {"report"}

# A broadcast station: US/Canadian call letters ("WPLG", "KDVR-TV", "CFTO") or a branded channel number ("Local 10",
# "Channel 4", "NBC 6", "Fox 5"): a news outlet, not an institution.
_STATION = re.compile(
    r"^(?:[KW][A-Z]{3}(?:-(?:TV|DT|FM|AM|HD))?|[KW][A-Z]{2}-(?:TV|DT|FM|AM)|"
    r"(?:Local|Channel|News|NBC|CBS|ABC|Fox|FOX|CW|PIX) ?\d{1,2}(?: News)?)$"
)
# Four-letter K/W names that are not stations.
_NOT_STATIONS = frozenset("WADA WNBA KFOR WIPO WHOA WWII".split())
_WIRE_NAME = re.compile(r"\b(?:News|Press) (?:Agency|Service)\b|\bNewswire\b|\bWire Service\b")
# A run of capitalised words ("Radio Northfield"): a name the NER may have missed.
# Words are bounded (MAX_NAME_WORD) here too: a run like "A.B.C.D..." has a word boundary at every letter, and an
# unbounded word rescanned the run from each of them (quadratic: 20k characters, 1.6 s).
_PROPER_RUN = re.compile(r"\b[A-Z][\w&.'’-]{0,39}(?:\s+(?:of\s+|the\s+)?[A-Z][\w&.'’-]{0,39})+(?![\w&.'’-])")
_FILLER_POS = frozenset(("DET", "ADJ", "NOUN", "PROPN", "NUM"))
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
# Trailing possessives and agency words ("Anadolu's", "the Anadolu news agency"), stripped by strip_trailing() in
# one right-to-left pass (a regex anchored at the end rescans the name from every start: quadratic on apostrophes).
TRAILING_WORDS = ("news agency", "newspaper", "agency")
APOSTROPHES = "'’"
# "Vostrian News Agency (VNA)": an acronym the article defines, which may clash with a known one.
# Each word is bounded (MAX_NAME_WORD characters), so a run of capitals costs linear time, not a rescan per letter.
MAX_NAME_WORD = 40
_DEFINED = re.compile(
    r"((?:[A-Z][\w'’&.-]{0," + str(MAX_NAME_WORD - 1) + r"}\s+(?:(?:of|and|for|the|de)\s+)?){1,6})\(([A-Z]{2,6})\)"
)


@dataclass(frozen=True, slots=True)
class _Source:
    name: str
    kind: Literal["wire", "outlet"]
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class _Catalogue:
    by_alias: dict[str, _Source]
    by_key: dict[str, _Source]
    pattern: re.Pattern[str]


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    name: str
    kind: Kind | None  # None: an ORG entity not in the catalogue; decided from context
    ambiguous: bool = False


@cache
def _catalogue() -> _Catalogue:
    raw: dict[str, Any] = json.loads(
        resources.files("parallax").joinpath("data/sources.json").read_text(encoding="utf-8")
    )
    by_alias: dict[str, _Source] = {}
    by_key: dict[str, _Source] = {}
    for entry in raw["sources"]:
        source = _Source(entry["name"], entry["kind"], bool(entry.get("ambiguous", False)))
        for alias in (entry["name"], *entry["aliases"]):
            by_alias[alias] = source
            by_key.setdefault(_key(alias), source)
    aliases = sorted(by_alias, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&.-])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w&-]|\.\w)")
    return _Catalogue(by_alias, by_key, pattern)


def _key(name: str) -> str:
    """A case-insensitive lookup key: no leading "the", no possessive or "news agency" tail, single spaces."""
    name = strip_trailing(_LEADING_THE.sub("", name.strip().casefold()))
    return re.sub(r"\s+", " ", name)


def strip_trailing(name: str) -> str:
    """``name`` without its trailing possessives and agency words: "Anadolu news agency's" -> "Anadolu".

    Strips from the end any run of apostrophes (each optionally followed by ``s``, optionally preceded by white
    space) and of white space followed by one of ``TRAILING_WORDS``: one pass from right to left, linear in the name.
    """
    end = len(name)
    while end:
        cut = _trailing_token(name, end)
        if cut is None:
            break
        end = cut
    return name[:end]


def _trailing_token(name: str, end: int) -> int | None:
    """Where the possessive or agency word ending at ``end`` starts (its leading white space included), or None."""
    start = end
    if end >= 2 and name[end - 1] == "s" and name[end - 2] in APOSTROPHES:
        start = end - 2
    elif name[end - 1] in APOSTROPHES:
        start = end - 1
    if start < end:  # a possessive: the white space before it goes with it
        while start and name[start - 1].isspace():
            start -= 1
        return start
    for word in TRAILING_WORDS:
        if name.endswith(word, 0, end):
            start = end - len(word)
            while start and name[start - 1].isspace():
                start -= 1
            if start < end - len(word):  # an agency word needs white space before it
                return start
    return None


def lookup_source(name: str) -> tuple[str, Literal["wire", "outlet"]] | None:
    """The canonical name and kind of a known news organisation ("the Anadolu news agency" -> ("Anadolu",
    "wire")), or ``None`` when ``name`` is not one. Ambiguous common-word names ("Time", "Mint") match only
    exactly as written."""
    if not isinstance(name, str):
        raise TypeError(f"name must be str, not {type(name).__name__}")
    cat = _catalogue()
    stripped = strip_trailing(_LEADING_THE.sub("", name.strip()))
    for candidate in (name.strip(), stripped):
        if candidate in cat.by_alias:
            source = cat.by_alias[candidate]
            return source.name, source.kind
    keyed = cat.by_key.get(_key(name))
    if keyed is None or keyed.ambiguous:
        return None
    return keyed.name, keyed.kind


def find_citations(
    article: Article, doc: Any, sentences: Sequence[Sentence], entities: Sequence[Entity]
) -> tuple[Citation, ...]:
    """The upstream sources ``article`` credits, one Citation per source at its first cited mention.

    ``doc`` is the spaCy Doc of ``article.text``; ``sentences`` and ``entities`` are the article's annotations.
    The article's own outlet is left out, and so are photo credits.
    """
    if not isinstance(article, Article):
        raise TypeError(f"article must be Article, not {type(article).__name__}")
    text = article.text
    own = _own_names(article.outlet)
    starts = [s.start for s in sentences]
    found: dict[str, Citation] = {}
    for mention in _mentions(text, entities):
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        cue, descriptor = _cue(doc, span, mention)
        if cue is None:
            continue
        kind = mention.kind or _unknown_kind(mention.name, cue, descriptor)
        if not _cue_fits(cue, kind, mention):
            continue
        if _is_own(mention.name, own):
            continue
        sentence = max(bisect_right(starts, mention.start) - 1, 0)
        citation = Citation(article.id, mention.name, kind, cue, sentence, mention.start, mention.end)
        previous = found.get(mention.name)
        if previous is None:
            found[mention.name] = citation
        elif previous.kind == "institution" and kind != "institution":
            # The same unknown name described as a news organisation elsewhere: it is one.
            found[mention.name] = Citation(
                article.id, previous.source, kind, previous.cue, previous.sentence, previous.start, previous.end
            )
    merged = merge_short_forms(list(found), article.outlet, [e.name for e in entities if e.label == "ORG"])
    kept: dict[str, Citation] = {}
    for name, citation in sorted(found.items(), key=lambda item: item[1].start):
        target = merged.get(name, name)
        if not target:
            continue  # a short form of the article's own outlet ("the Post" in The Washington Post)
        if target not in kept:
            full = found.get(target, citation)
            kept[target] = replace(citation, source=target, kind=full.kind)
    return tuple(sorted(kept.values(), key=lambda c: c.start))


def is_station(name: str) -> bool:
    """Whether ``name`` is a broadcast station's: call letters ("WPLG", "KDVR-TV") or "Local 10", "Channel 4"."""
    name = name.strip()
    return bool(_STATION.match(name)) and name not in _NOT_STATIONS


def is_own_outlet(name: str, outlet: str | None) -> bool:
    """Whether ``name`` names the outlet ``outlet`` itself: its name or an alias ("Fox News" in Fox News, "AP" in
    the Associated Press), also shortened ("the Post" in The Washington Post, "the Times" in The New York Times)."""
    own = _own_names(outlet)
    if not own or not name.strip():
        return False
    known = lookup_source(name)
    if known is not None and _key(known[0]) in own:
        return True
    key = _key(name)
    return bool(key) and any(o == key or o.endswith(" " + key) for o in own)


def merge_short_forms(names: Sequence[str], outlet: str | None = None, mentioned: Sequence[str] = ()) -> dict[str, str]:
    """Within one article, each short form of a news organisation's name mapped to the full name it shortens:
    "Post" or "the Post" -> "The Washington Post" when both are cited, "Times" -> "The New York Times"; a known alias
    to its catalogue name ("AP" -> "Associated Press"); a short form of the article's own outlet to "" (not a
    source). ``mentioned``: other names of the article (its ORG entities) a short form may shorten too, when they
    are known news organisations ("the Times" where "The New York Times" is named but not cited). Names that shorten
    nothing are left out of the mapping."""
    out: dict[str, str] = {}
    canonical = {n: (lookup_source(n) or (n, "outlet"))[0] for n in names}
    known = [k[0] for k in map(lookup_source, mentioned) if k is not None]
    fulls = [c for c in dict.fromkeys([*canonical.values(), *known]) if len(_key(c).split()) > 1]
    for name in names:
        key = _key(name)
        if name != canonical[name]:
            out[name] = canonical[name]
        if len(key.split()) != 1:
            continue
        if is_own_outlet(name, outlet):
            out[name] = ""
            continue
        # "the Times" beside "The New York Times" is that paper (before the catalogue's London "The Times")
        longer = [f for f in fulls if _key(f).endswith(" " + key)]
        if len(longer) == 1:
            out[name] = longer[0]
    return out


def _is_own(name: str, own: frozenset[str]) -> bool:
    """The article's own outlet, also shortened ("the Courier" in the Northfield Courier) or as one of its desks or
    editions ("CTV Vancouver" in CTV News, "HuffPost Canada" in HuffPost)."""
    key = f" {_key(name)} "
    known = lookup_source(name.split()[0]) if name.split() else None
    return any(key in f" {o} " for o in own) or (known is not None and _key(known[0]) in own)


def _own_names(outlet: str | None) -> frozenset[str]:
    if not outlet:
        return frozenset()
    keys = {_key(outlet)}
    known = lookup_source(outlet)
    if known is not None:
        keys.add(_key(known[0]))
    return frozenset(keys)


def _mentions(text: str, entities: Sequence[Entity]) -> list[_Mention]:
    """Known-name matches in the text, plus ORG entities that are not known names, in text order."""
    cat = _catalogue()
    orgs = [e for e in entities if e.label in ("ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT")]
    defined = _acronyms(text)
    mentions: list[_Mention] = []
    for match in cat.pattern.finditer(text):
        source = cat.by_alias[match.group(0)]
        if _inside_other_name(text, match.start(), match.end(), orgs):
            continue
        full = defined.get(match.group(0))
        if full is not None and lookup_source(full) != (source.name, source.kind):
            mentions.append(_Mention(match.start(), match.end(), full, None))  # this article's own acronym
            continue
        mentions.append(_Mention(match.start(), match.end(), source.name, source.kind, source.ambiguous))
    covered = [(m.start, m.end) for m in mentions]
    people = [set(e.text.split()) for e in entities if e.label == "PERSON"]
    for entity in entities:
        if any(s < entity.end and entity.start < e for s, e in covered):
            continue
        if entity.label != "ORG" and not (entity.label in _MISLABELLED and _described_as_news(text, entity)):
            continue
        if entity.label == "ORG" and (_is_persons_name(entity, people) or titled_person(entity.text) is not None):
            continue  # "according to Carter": the small NER model often labels surnames ORG; "X Editor Bill Kristol"
        name = strip_trailing(_LEADING_THE.sub("", entity.text.strip()))
        if not name or not (name[0].isupper() or name[0].isdigit()):
            continue  # "pro-government newspaper X": a modifier, not a name
        start = entity.start + entity.text.find(name) if name in entity.text else entity.start
        mentions.append(_Mention(start, start + len(name), name, None))
    covered = [(m.start, m.end) for m in mentions]
    for match in _PROPER_RUN.finditer(text):
        words = re.split(r"[\s-]+", match.group(0))
        overlaps = any(s < match.end() and match.start() < e for s, e in covered)
        newsy = any(w in _NEWSY_NAME_WORDS for w in words)
        if len(words) > 1 and newsy and not overlaps and titled_person(match.group(0)) is None:
            mentions.append(_Mention(match.start(), match.end(), match.group(0), None))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms the article defines, "Vostrian News Agency (VNA)" -> {"VNA": "Vostrian News Agency"}."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        words = match.group(1).split()
        initials = "".join(w[0] for w in words if w[0].isupper())
        acronym = match.group(2)
        for k in range(len(words)):  # the name may start after some leading capitalised words
            if "".join(w[0] for w in words[k:] if w[0].isupper()) == acronym:
                found.setdefault(acronym, " ".join(words[k:]))
                break
        else:
            if initials.endswith(acronym):
                found.setdefault(acronym, " ".join(words))
    return found


def titled_person(name: str) -> str | None:
    """The person's name after an office title inside a longer name, "Weekly Standard Editor Bill Kristol" -> "Bill
    Kristol", "RNC Chair Reince Priebus" -> "Reince Priebus"; None when no title with words before it is followed
    by one to four name words only (and the words after it are no organisation: "Chief Justice Department")."""
    words = name.split()
    for i in range(len(words) - 2, 0, -1):
        if words[i].lower().rstrip(".") in OFFICE_TITLES:
            rest = words[i + 1 :]
            if 1 <= len(rest) <= 4 and all(_NAME_WORD_RE.match(w) for w in rest) and rest[-1] not in _ORGISH:
                return " ".join(rest)
            return None
    return None


# Last words of an organisation's name, that no person's name ends with.
_ORGISH = _words(
    "Department Ministry Committee Office Council Commission Party Campaign House Senate Board Service Agency Bureau"
)


def _is_persons_name(entity: Entity, people: list[set[str]]) -> bool:
    words = set(strip_trailing(entity.text).split())
    return bool(words) and any(words <= person and len(person) > len(words) for person in people)


def _described_as_news(text: str, entity: Entity) -> bool:
    """ "local media outlet Northfield Courier": the NER's PERSON or PRODUCT is a news organisation."""
    before = text[max(0, entity.start - 30) : entity.start].split()
    after = text[entity.end : entity.end + 30].split()
    return bool(before and before[-1].lower() in _NEWS_DESCRIPTORS) or bool(
        after and after[0].lower() in _NEWS_DESCRIPTORS | {"agency"}
    )


def _inside_other_name(text: str, start: int, end: int, entities: Sequence[Entity]) -> bool:
    """True when a known name is part of a longer, different name: "Michael Bloomberg", "Reuters Institute"."""
    for entity in entities:
        if entity.start <= start and end <= entity.end and (entity.start, entity.end) != (start, end):
            # Only the words touching the name decide: "Reuters Institute" is another name, while
            # "The Canadian Press under freedom-of-information law" is the NER running on past it.
            before = text[entity.start : start].split()[-1:]
            after = text[end : entity.end].split()[:1]
            touching = [w for w in before + after if not w.endswith(("'s", "’s"))]
            if any(w[0].isupper() and w.casefold() not in _NAME_EXTRAS for w in touching):
                return entity.label != "PERSON" or bool(before)
    return False


def _cue(doc: Any, span: Any, mention: _Mention) -> tuple[str | None, str | None]:
    """The cue that makes this mention a cited source (or None), and a news descriptor next to it (or None)."""
    sent = span.sent
    # Left: skip modifiers, then look at the word before them.
    i = span.start - 1
    while i >= sent.start and span.start - 1 - i < MAX_FILLER_TOKENS and _is_filler(doc[i]):
        i -= 1
    after = span.end
    while after < sent.end and doc[after].lower_ in ("news", "agency", "newspaper", "daily", "magazine", "tv"):
        after += 1
    descriptor = _descriptor([t.lower_ for t in doc[i + 1 : span.start]] + [t.lower_ for t in doc[span.end : after]])
    if _photo_credit(doc, span, i):
        return None, descriptor
    left = _left_cue(doc, span, i) if i >= sent.start else None
    if left is None and i >= sent.start and doc[i].lower_ in ("and", "or", ",") and span.root.dep_ == "conj":
        # "according to Reuters and AFP": the second name shares the first one's cue.
        head = span.root.head
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        j = head.left_edge.i - 1
        while j >= sent.start and head.left_edge.i - 1 - j < MAX_FILLER_TOKENS and _is_filler(doc[j]):
            j -= 1
        left = _left_cue(doc, doc[head.left_edge.i : head.i + 1], j) if j >= sent.start else None
    if left is not None:
        return left, descriptor
    right = _right_cue(doc, span, after)
    if right is not None:
        return right, descriptor
    if descriptor == "wire":
        return "news agency", descriptor
    return None, descriptor


def _descriptor(words: list[str]) -> str | None:
    """ "wire" for "news agency"/"newswire" next to the name, "outlet" for "newspaper", "outlet", "daily"..."""
    for a, b in pairwise([*words, ""]):
        if (a in ("news", "press") and b == "agency") or a in _WIRE_DESCRIPTORS:
            return "wire"
    return "outlet" if any(w in _NEWS_DESCRIPTORS for w in words) else None


def _is_filler(token: Any) -> bool:
    if token.pos_ in _FILLER_POS and token.lower_ not in ("report", "reports", "interview", "according"):
        return True
    if token.tag_ == "POS" or token.text in ("-", "–"):
        return True
    return token.tag_ in ("VBN", "VBG") and token.dep_ == "amod"


def _photo_credit(doc: Any, span: Any, i: int) -> bool:
    """A picture credit: "(Photo: Kyodo)", "Photo: AFP", "A company logo / Reuters", "Reuters photo"."""
    if any(w in span.text for w in ("Images", "Photo", "Pictures")):
        return True
    if i >= 0:
        token = doc[i]
        if token.text in ("/", "©", "|"):
            return True
        if token.text == ":" and i > 0 and doc[i - 1].lower_ in _PHOTO_WORDS:
            return True
    if span.start > 0 and doc[span.start - 1].lower_ in _PHOTO_WORDS:
        return True
    if span.end < len(doc):
        nxt = doc[span.end]
        if nxt.text in ("/", "©") or nxt.lower_ in ("photo", "photos", "pictures", "images", "file"):
            return True
    return False


def _left_cue(doc: Any, span: Any, i: int) -> str | None:
    token = doc[i]
    low: str = token.lower_
    prev: str = doc[i - 1].lower_ if i > 0 else ""
    if low == "to" and prev == "according":
        return "according to"
    if low == "via":
        return "via"
    if low == "citing":  # "..., citing Xinhua"; "she cited the report" is a mention, not a credit
        return "citing"
    if low == "per" and prev == "as":
        return "as per"
    if low in ("told", "tells", "telling", "tell"):
        return "told"
    if low in ("to", "with") and prev in ("speaking", "spoke", "speak", "talking", "talked", "spoken"):
        return "speaking to"
    if low == "with" and prev in ("interview", "interviews"):
        return "interview with"
    if low in ("by", "from", "in"):
        j = i - 1
        while j >= 0 and doc[j].lower_ in ("first", "originally", "earlier", "recently", "also", "widely"):
            j -= 1
        word: str = doc[j].lower_ if j >= 0 else ""
        if (low == "from" and word not in _FROM_NOUNS) or (j > 0 and doc[j - 1].lower_ == "this"):
            return None  # "an interview from Paris"; "contributed to this report from the capital" (the article itself)
        if word in _SOURCE_NOUNS or (low == "by" and word in _PASSIVE_SOURCE_VERBS):
            return "report " + low if word in _SOURCE_NOUNS else word + " " + low
        if low == "in" and word in ("published", "wrote", "written", "quoted", "cited", "reported"):
            return word + " in"
    if low == ":" and prev in ("source", "sources"):
        return "source"
    if low == "(" and _is_dateline(doc, span, i):
        return "dateline"
    return None


def _is_dateline(doc: Any, span: Any, i: int) -> bool:
    """ "MOSCOW (Reuters) -": the name in brackets right after a place, at the start of a paragraph."""
    if span.end + 1 >= len(doc) or doc[span.end].text != ")" or doc[span.end + 1].text not in ("-", "—", "–", "--"):
        return False
    k = i
    while k > 0 and "\n" not in doc[k - 1].text_with_ws:
        k -= 1
    return i - k <= DATELINE_MAX_TOKEN


def _right_cue(doc: Any, span: Any, after: int) -> str | None:
    if after < len(doc) - 1 and doc[after].tag_ == "POS" and doc[after + 1].text in _SOURCE_NOUNS:
        return "report"  # lower case: "the FBI's Data Intercept Technology Unit" is a name, not the FBI's data
    root = span.root
    while root.dep_ in ("conj", "appos") and root.head.i != root.i:
        root = root.head
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = root.head
    low: str = verb.lower_
    if low in _REPORT_VERBS:
        if low.startswith("report") and any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "NUM") for c in verb.children):
            return None  # "the company reported a loss": a fact about it, not a report by it
        first = any(c.lower_ == "first" for c in verb.children)
        return ("first " if first else "") + low
    if low in _SAY_VERBS:
        return low
    return None


def _unknown_kind(name: str, cue: str, descriptor: str | None) -> Kind:
    words = re.split(r"[\s-]+", name)
    if descriptor == "wire" or _WIRE_NAME.search(name):
        return "wire"  # "the Fars news agency", "Northline News Service"
    if is_station(name):
        return "outlet"  # "WPLG", "Local 10": a TV or radio station
    if lookup_source(words[0]) is not None or any(word in _NEWSY_NAME_WORDS for word in words):
        return "outlet"  # "CNN Brasil", "Radio Northfield", "Northfield Express-News"
    if name in AGENCIES or any(word in _INSTITUTION_NAME_WORDS for word in words):
        return "institution"  # "the City Police Department reported", "the FBI's report": not a newsroom
    if descriptor == "outlet" or cue in _MAKES_OUTLET or cue.removeprefix("first ") in _REPORT_VERBS:
        return "outlet"
    return "institution"


def _cue_fits(cue: str, kind: Kind, mention: _Mention) -> bool:
    """Whether the cue credits this kind of source: institutions are sources only by attribution."""
    if kind == "institution":
        return cue.split()[-1] in _INSTITUTION_CUES or cue in _INSTITUTION_CUES
    if mention.ambiguous:
        return cue in _STRONG_CUES or cue.split()[-1] in _STRONG_CUES or cue.removeprefix("first ") in _REPORT_VERBS
    return True
