"""Provenance: who each outlet cites, and how it sources its story.

``trace_sources`` is the stage's entry point. From each article's citations (news agencies, other outlets,
institutions credited: "according to Reuters", "the company said") and quotes (who speaks, direct or reported), it
builds a per-story graph, one ``SourceEdge`` per (article, source), with the sentences where the source is credited:

* ``wire`` / ``outlet`` / ``institution``: the citation's kind (``citations.py`` tells wires from other outlets);
* ``person``: a named person quoted: the name's shape (capitalised words, initials, "Jr.", an honorific: "Roger J.
  Stone Jr.", "Rep. Ryan"), a PERSON entity, or one word that is the surname of a person the story names ("Trump");
* ``outlet`` / ``wire`` for a speaker that is a news organisation ("Fox News said", a station: "WPLG", "Local 10");
* ``anonymous``: a speaker described but not named ("one technician", "officials", "sources"), or an anonymity
  phrase ("on condition of anonymity", "people familiar with");
* an organisation speaking ("the company said", "police said", "a Hallberg spokeswoman") is an ``institution``
  under the article's description of it. Quotes whose speaker the annotator could not find are left out, and so are
  speakers that are no source (a product: "Tesla Model X"; a dateline word).

Precision before recall: a speaker whose type the text does not settle is left out rather than typed wrong. A place
("Denver"), one party member ("the Arizona Republican"), a title alone ("the A.G."), a described person or a text
("the Fox News host", "U.S. code"), a group ("Al Qaeda"), a word the story writes in lower case that the NER called
a person ("Draft"), and a name the NER read as an organisation with nothing in the story to say it is a person's
("Secure America") are no sources. Agencies ("FBI") are institutions. A speaker's name is cleaned first: a leading
discourse word ("Plus Obama"), a title with the words before it ("RNC Chair Reince Priebus"); a bare surname the NER
read as an organisation is the person the article names in full ("Minor" -> "Demetrios Minor").

The article's own outlet is never its source ("Fox News" in a Fox News article, "the Post" in The Washington Post),
and within an article one source's forms are one edge: "Post" and "The Washington Post", "AP" and "Associated
Press", "Trump" and "Donald Trump" (the fullest form the article gives).

Per article, ``OutletSourcing`` counts the sentences that attribute anything (a citation, a quote, an anonymity
phrase), the anonymous ones, the named people, and the wire it leans on most with that wire's share of the
article's citations of news organisations. A syndicated copy names the article it republishes.

Reads: ``AnnotatedArticle.citations``, ``.quotes``, ``.entities``, ``.sentences``. Writes: ``SourceEdge``,
``OutletSourcing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..annotate.citations import (
    AGENCIES,
    OFFICE_TITLES,
    is_own_outlet,
    is_station,
    lookup_source,
    merge_short_forms,
    strip_trailing,
    titled_person,
)
from ..models import AnnotatedArticle, OutletSourcing, SourceEdge, Story

__all__ = ["trace_sources"]

# Phrases that mark sourcing without a name; read off newsroom style guides' examples of anonymous attribution.
ANONYMOUS_RE = re.compile(
    r"\b(?:on condition of anonymity|declined to be (?:named|identified)|not authori[sz]ed to (?:speak|comment)|"
    r"(?:people|persons?|sources?|officials?) (?:familiar|close|briefed) (?:with|to|on)|"
    r"(?:a|one|two|three|several) (?:sources?|insiders?|officials?)|sources said|insiders said|"
    r"who asked not to be (?:named|identified)|speaking anonymously)\b",
    re.IGNORECASE,
)
# A described speaker whose head noun is an organisation is the organisation speaking, not an anonymous person.
INSTITUTION_NOUNS = frozenset(
    "company firm giant maker manufacturer carrier operator retailer corporation startup bank airline automaker "
    "insurer lender group agency utility department ministry organization organisation union team club league "
    "police government administration board council court army military hospital statement plant".split()
)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the story says about names: its people (PERSON entities and their surnames), its organisations' first
    words, and, per article, the names the NER read as organisations, places or things."""

    people: frozenset[str]
    surnames: frozenset[str]
    org_first: frozenset[str]
    titled: frozenset[str] = frozenset()  # words met after an honorific in the story's texts ("Mr. Emanuel")
    keys: frozenset[tuple[str, str]] = frozenset()  # (first name, surname) of the story's PERSON entities
    lower_words: frozenset[str] = frozenset()  # words the story's texts write in lower case ("draft", "plus")
    texts: tuple[str, ...] = ()  # the story's texts


def _kind_of_speaker(speaker: str, context: _Context, labels: Mapping[str, str]) -> str | None:
    """``person``, ``institution``, ``outlet``, ``wire`` or ``anonymous``, from the speaker's wording more than from
    NER labels (the small model calls people organisations and companies people often enough on news copy); None
    for a speaker that is no source (a product, a place, a dateline word)."""
    words = speaker.split()
    if not words:
        return None
    head = words[-1].lower()
    label = labels.get(speaker)
    if label in NOT_SOURCE_LABELS or any(name in speaker for name, lab in labels.items() if lab == "PRODUCT"):
        return None  # "Tesla Model X"
    if _PRODUCT_NAME.search(speaker) and lookup_source(speaker) is None and not is_station(speaker):
        return None  # "Tesla Model X", "Galaxy S9", "Boeing 737 Max": a product's name, not a speaker's
    known = lookup_source(speaker)
    if known is not None:
        return known[1]
    if speaker in AGENCIES:
        return "institution"  # "FBI", "Pentagon": an agency, not a newsroom
    if any(w in _NOT_PERSON_WORDS for w in words):
        return None  # "Al Qaeda": a group quoted through a document, never a person, and no institution to credit
    last = head.split("-")[-1]
    if is_station(speaker) or (last in NEWS_NAME_WORDS and words[-1][:1].isupper()) or head.endswith(".com"):
        return "outlet"  # "WPLG", "Local 10", "the Kansas City Star", "the Spokesman-Review", "BigGovernment.com"
    if head in INSTITUTION_NOUNS or head.startswith("spokes"):
        return "institution"  # "the company", "police", "a Hallberg spokeswoman"
    if head in UNNAMED_NOUNS or head.rstrip("s") in UNNAMED_NOUNS or words[0][:1].islower():
        return "anonymous"  # "one technician", "officials", "Industry analysts"
    name = _bare_name(speaker)
    if len(name) < len(words) and words[0].lower().rstrip(".") in HONORIFICS and _NAME_WORD.match(name[-1]):
        return "person"  # "Bishop Daniel Jenky", "Rep. Ryan"
    if len(name) == 1:
        return _kind_of_one_word(speaker, name[0], context, label)
    if label in PLACE_LABELS and speaker not in context.people and not speaker.isupper():
        return None  # "New Jersey said": a place is no source
    if label == "PERSON" and head not in ORG_SUFFIXES:
        return "person"
    if 1 < len(name) <= 4 and all(_NAME_WORD.match(w) for w in name):
        if head in ORG_SUFFIXES:
            return "institution"
        if label in NON_PERSON_LABELS and not _person_evidence(name, context):
            return None  # "Secure America" read as an organisation, and nothing in the story says a person's name
        return "person"
    if words[-1][:1].islower() and (head in DESCRIBED_NOUNS or head.removesuffix("s") in DESCRIBED_NOUNS):
        return None  # "Fox News host", "U.S. code", "Catholic teaching": a described person, a text, a doctrine
    return "institution"


def _person_evidence(name: Sequence[str], context: _Context) -> bool:
    """Whether the story shows a name the NER read as an organisation or place to be a person's: a PERSON entity of
    that name, an honorific before its last word ("Ms. Marwick"), or an office title before it ("chief executive
    Ilse Marwick"); and none of its words is one the story writes in lower case ("secure")."""
    if any(w.lower() in context.lower_words for w in name):
        return False
    full = " ".join(name)
    return (
        _person_key(full) in context.keys
        or name[-1] in context.titled
        or any(
            re.search(r"\b(?:" + "|".join(OFFICE_TITLES) + r")\.?\s+" + re.escape(full) + r"\b", t, re.I)
            for t in context.texts
        )
    )


def _kind_of_one_word(speaker: str, word: str, context: _Context, label: str | None) -> str | None:
    """A one-word speaker: a person met elsewhere in the story ("Trump" beside "Donald Trump", "Rep. Ryan"), a
    company called by its first word ("Korvane said"), or an institution."""
    if speaker.isupper() and len(speaker) > 3 and label not in ("ORG", "PERSON"):
        return None  # "UPDATE", "AMHERST": a dateline or a label, not a speaker
    if word.lower().rstrip(".") in HONORIFICS | TITLE_ABBREVIATIONS:
        return None  # "A.G.", "Chairman": a title without its holder's name
    surname = word in context.surnames or word in context.titled
    if label in PLACE_LABELS and not surname and not speaker.isupper():
        return None  # "Denver": a place is no source ("NRA" read as a place is the NER's slip on an acronym)
    if label == "NORP" and not surname and not word.endswith("s"):
        return None  # "the Arizona Republican said": one party member, described, not the party
    if (label in ("ORG", "NORP") and not surname) or word.lower() in ORG_SUFFIXES:
        return "institution"  # "Republicans", "Korvane"
    if surname or (speaker != word and _NAME_WORD.match(word)):
        return "person"  # "Trump" where the story names Donald Trump; "Mr. Braley"
    if label is None and word not in context.people and not word.isupper():
        return None  # "Nah", "Call": a word the quote finder took for a speaker, no name the NER knows
    if label == "PERSON" and word.lower() in context.lower_words:
        return None  # "Draft": a PERSON label on a word the story writes in lower case, a common word, not a name
    return "person" if word in context.people and word.lower() not in context.org_first else "institution"


def _bare_name(speaker: str) -> list[str]:
    """A speaker's name without honorifics, titles and generational suffixes: "Rep. Paul D. Ryan Jr." -> Paul D.
    Ryan."""
    words = [w for w in strip_trailing(speaker).split() if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().rstrip(".,") in SUFFIXES:
        words = words[:-1]
    return words


def _without_honorifics(name: str) -> str:
    """ "Representative Bruce Braley" -> "Bruce Braley"; a name that is all title stays as it is."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS and _NAME_WORD.match(words[1]):
        words = words[1:]
    return " ".join(words)


def _person_key(name: str) -> tuple[str, str]:
    """(first name, surname) of a person's name, initials, honorifics and suffixes left out: "Paul D. Ryan" and
    "Paul Ryan" -> ("paul", "ryan"); "Trump" -> ("", "trump")."""
    words = [w for w in _bare_name(name) if not re.fullmatch(r"[A-Z]\.", w)]
    if not words:
        return ("", "")
    return (words[0].lower() if len(words) > 1 else "", words[-1].lower())


def _merge_people(sources: Sequence[str], entities: Sequence[str]) -> dict[str, str]:
    """Within one article, each person source mapped to the fullest form of the same name the article gives (among
    its person sources and PERSON entities): "Trump" -> "Donald Trump", "Representative Ryan" and "Paul Ryan" ->
    "Paul D. Ryan". A surname two different people share is left alone."""
    forms = list(dict.fromkeys([*sources, *entities]))
    out: dict[str, str] = {}
    for source in sources:
        first, last = _person_key(source)
        same = [
            f for f in forms if _person_key(f)[1] == last and (not first or _person_key(f)[0] in (first, "")) and last
        ]
        firsts = {_person_key(f)[0] for f in same} - {""}
        if len(firsts) > 1:
            continue  # two people of that surname in the article
        best = max(same, key=lambda f: (len(_bare_name(f)), -forms.index(f)), default=source)
        if len(_bare_name(best)) > len(_bare_name(source)) or (best != source and _bare_name(source) != [source]):
            out[source] = " ".join(_bare_name(best)) if best in entities else best
    return out


_POSSESSIVE = re.compile(r"\w['’]s\b")
# Name words: capitalised, with initials ("D."), apostrophes ("O'Neill"), hyphens and accents ("Raúl").
_NAME_WORD = re.compile(r"^(?:[A-Z]\.|[A-Z][^\W\d_]*(?:['’-][A-Za-z][^\W\d_]*)*\.?)$")
# Words before a name that make it a person's: honorifics and office titles.
HONORIFICS = frozenset(
    "mr mrs ms miss dr rep sen gov representative senator governor president judge justice bishop rev reverend "
    "sir dame lord lady prof professor mayor gen general col lt sgt capt secretary chairman chairwoman speaker "
    "leader minister chancellor ambassador historian attorney pope father sister former vice".split()
)
SUFFIXES = frozenset("jr sr ii iii iv".split())
# NER labels under which a speaker is no source: a product ("Tesla Model X"), a work, a law, an event, a date.
NOT_SOURCE_LABELS = frozenset(("PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "DATE", "TIME"))
# Last words that make a capitalised name a newspaper's, magazine's or broadcaster's ("the Kansas City Star").
NEWS_NAME_WORDS = frozenset(
    "post times star herald tribune journal gazette chronicle review standard register daily weekly magazine "
    "newspaper inquirer examiner courier dispatch telegraph observer guardian".split()
)
# A product's name: a model word, letters with digits, a three-digit model number or a last single capital
# ("Tesla Model X", "Galaxy S9", "Boeing 737"); a site's number ("Fab 3") is not one.
_PRODUCT_NAME = re.compile(r"\b(?:Model|Series)\s+\w+|\b[A-Z]+\d+\w*\b|\b\d{3}\b|\s[A-Z]$")
# An honorific before a capitalised word in a story's text: that word is a person's name ("Mr. Emanuel said").
_TITLED = re.compile(r"\b(?:(?:Mr|Mrs|Ms|Dr)\.?|(?:Rep|Sen|Gov|Sgt|Gen|Prof)\.)\s+([A-Z][\w'’-]{1,40})")


# Last words that make a capitalised name an organisation's ("Hallberg Motors", "S&P Global Ratings", "White House").
ORG_SUFFIXES = frozenset(
    "motors inc corp co ltd llc plc group holdings ratings bank press news agency ministry board council committee "
    "institute university college foundation association union party network networks technologies systems "
    "communications media times post herald journal service services house senate congress department office "
    "administration campaign coalition center centre commission court republicans democrats".split()
)


# NER labels of places: a place is no source ("Denver said" is the quote finder's slip or the city's government, which
# the article would name).
PLACE_LABELS = frozenset(("GPE", "LOC"))
# NER labels that say a name is no person's; trusted for a name the story never gives a person (with PERSON label).
NON_PERSON_LABELS = frozenset(("ORG", "NORP", "FAC", "GPE", "LOC"))
# Words in no person's name: groups and movements ("Al Qaeda", "the Taliban"), quoted through documents if at all.
_NOT_PERSON_WORDS = frozenset("Qaeda Qaida Taliban Hamas Hezbollah Hizbollah ISIS ISIL Shabab Shabaab Haram".split())
# Titles written as abbreviations: "the A.G. said" names no one.
TITLE_ABBREVIATIONS = frozenset(("a.g", "ag", "d.a", "da", "g.o.p"))
# Head nouns, in lower case after a name, of a person described but not named ("the Fox News host", "the Senate
# historian", "RNC chairman": the speaker is a person the article names elsewhere, or no one), of a group of people
# ("Social Security reformers"), or of a text or doctrine ("U.S. code", "Catholic teaching"): no institution speaks.
DESCRIBED_NOUNS = frozenset(
    "host anchor historian chairman chairwoman chair editor columnist commentator correspondent reporter pundit "
    "founder director president secretary governor senator leader strategist pollster adviser advisor reformer "
    "activist advocate code teaching teachings law rule document memo letter doctrine constitution statute".split()
)
# Function words that start a sentence before a name ("While AARP said", "When Minor"): no given name.
FUNCTION_WORDS = frozenset(
    "the a an this that these those while when where whether if as after before since because though although "
    "unless until with without for from by of in on at to into about over under between against during some many "
    "most all both each every any no not other another his her their its our my your we they he she it you "
    "who whom whose which what why how".split()
)
# Discourse words a quote finder may take into a speaker's name at the start of a sentence ("Plus Obama said").
DISCOURSE_WORDS = frozenset(
    "plus and but so then yet still also meanwhile now even instead indeed however later finally first thus "
    "besides moreover again only".split()
)


# Head nouns of people described but not named ("one technician said", "analysts said", "Senate aides").
UNNAMED_NOUNS = frozenset(
    "official officials source sources analyst analysts expert experts witness witnesses resident residents worker "
    "workers employee employees technician technicians insider insiders person people observer observers critic "
    "critics diplomat diplomats engineer engineers executive executives investor investors trader traders member "
    "members staff colleague colleagues neighbour neighbours neighbor neighbors survivor survivors lawmaker "
    "lawmakers senators aide aides staffer staffers prosecutors scholars investigators supporters operatives "
    "congressman congresswoman".split()
)
# Trailing words that make a speaker a thing said by a source ("the Washington Post report", "FreedomWorks'
# website", "Romney's remarks"): the source is the name before them.
SAID_BY_WORDS = frozenset("report reports story article website site remarks apology appeal editorial column".split())


def _speaker_name(speaker: str) -> str:
    """The source behind a speaker: "Washington Post report" -> "Washington Post", "Romney's remarks" -> "Romney";
    a leading discourse word left out ("Plus Obama" -> "Obama"), and a title with words before it too, with them
    ("RNC Chair Reince Priebus" -> "Reince Priebus")."""
    words = speaker.split()
    while len(words) > 1 and words[0].lower() in DISCOURSE_WORDS:
        words = words[1:]
    while words and words[-1].lower() in SAID_BY_WORDS | {"newspaper"}:
        words = words[:-1]
    name = strip_trailing(" ".join(words)) if len(words) < len(speaker.split()) else speaker
    return titled_person(name) or name


def _full_name(word: str, article: AnnotatedArticle) -> str | None:
    """The full name the article gives a one-word speaker the NER did not read as a person ("Minor said" where the
    article names "Demetrios Minor"): one capitalised word before it, each time the article writes one, always the
    same, never written in lower case in the article (a given name, not "The", "Capitol" or "Senate") and inside no
    entity of another kind (not "Capitol Hill"). None when the article gives no such name."""
    text = article.article.text
    others = [(e.start, e.end) for e in article.entities if e.label != "PERSON"]
    firsts = set()
    for m in re.finditer(r"(?<![\w'’-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+" + re.escape(word) + r"\b", text):
        if any(s < m.end(1) and m.start(1) < e for s, e in others):
            return None
        firsts.add(m.group(1))
    if len(firsts) != 1:
        return None
    first = firsts.pop()
    low = first.lower()
    if low in HONORIFICS | DISCOURSE_WORDS | FUNCTION_WORDS or re.search(r"\b" + re.escape(low) + r"\b", text):
        return None
    return f"{first} {word}"


def _article_edges(article: AnnotatedArticle, context: _Context) -> list[SourceEdge]:
    """One edge per (source, kind) of ``article``: its citations, its quotes' speakers typed, its anonymity phrases;
    the article's own outlet left out, a person's and an outlet's short forms merged into the fullest form."""
    found: dict[tuple[str, str], list[int]] = {}
    outlet = article.article.outlet
    for c in article.citations:
        if not is_own_outlet(c.source, outlet):
            found.setdefault((c.source, c.kind), []).append(c.sentence)
    cited = {c.source for c in article.citations}
    labels = {e.text: e.label for e in article.entities} | {e.name: e.label for e in article.entities}
    for q in article.quotes:
        # a quote whose speaker was not found says nothing about sourcing (often the annotator's miss, not the
        # outlet's choice); "according to Reuters" is a citation already
        if not q.speaker or any(source in q.speaker or source.endswith(" " + q.speaker) for source in cited):
            continue  # "Hill said" beside "according to The Hill": that citation
        speaker = _speaker_name(q.speaker)
        if len(speaker.split()) == 1 and labels.get(speaker) == "ORG" and not speaker.isupper():
            speaker = _full_name(speaker, article) or speaker  # "Minor said", the article naming Demetrios Minor
        kind = _kind_of_speaker(speaker, context, labels) if speaker else None
        if kind is None or is_own_outlet(speaker, outlet):
            continue  # not a source, or the outlet itself ("Fox News" in a Fox News article)
        name = (lookup_source(speaker) or (speaker,))[0] if kind in ("wire", "outlet") else speaker
        found.setdefault((name, kind), []).append(q.sentence)
    for s in article.sentences:
        match = ANONYMOUS_RE.search(s.text)
        if match:
            found.setdefault((match.group(0).lower(), "anonymous"), []).append(s.index)
    return _merged(article, found)


def _merged(article: AnnotatedArticle, found: Mapping[tuple[str, str], list[int]]) -> list[SourceEdge]:
    """The edges with aliases merged within the article: "Post" into "The Washington Post", "AP" into "Associated
    Press", "Trump" into "Donald Trump"; a short form of the article's own outlet dropped."""
    orgs = [e.name for e in article.entities if e.label == "ORG"]
    news = merge_short_forms([n for n, k in found if k in ("wire", "outlet")], article.article.outlet, orgs)
    people = _merge_people(
        [n for n, k in found if k == "person"],
        [_speaker_name(e.name) for e in article.entities if e.label == "PERSON" and not _POSSESSIVE.search(e.name)],
    )
    kinds = {n: k for n, k in found if k in ("wire", "outlet")}
    sentences: dict[tuple[str, str], set[int]] = {}
    for (name, kind), indices in found.items():
        target = (news if kind in ("wire", "outlet") else people if kind == "person" else {}).get(name, name)
        if not target:
            continue
        if kind == "person":
            target = _without_honorifics(target)
        sentences.setdefault((target, kinds.get(target, kind)), set()).update(indices)
    return [SourceEdge(article.id, n, k, tuple(sorted(ix))) for (n, k), ix in sentences.items()]


def _sourcing(article: AnnotatedArticle, edges: Sequence[SourceEdge], copy_of: str | None) -> OutletSourcing:
    attributed = {i for e in edges for i in e.sentences}
    anonymous = {i for e in edges if e.kind == "anonymous" for i in e.sentences}
    named = {e.source for e in edges if e.kind == "person"}
    news = [c for c in article.citations if c.kind in ("wire", "outlet")]
    wires: dict[str, int] = {}
    for c in news:
        if c.kind == "wire":
            wires[c.source] = wires.get(c.source, 0) + 1
    top = max(wires, key=lambda w: (wires[w], w)) if wires else None
    share = wires[top] / len(news) if top else 0.0
    return OutletSourcing(
        article_id=article.id,
        sentences=len(article.sentences),
        attributed=len(attributed),
        anonymous=len(anonymous),
        named_people=len(named),
        top_wire=top,
        wire_share=round(share, 4),
        copy_of=copy_of,
    )


def trace_sources(
    story: Story, articles: Sequence[AnnotatedArticle], copies: Mapping[str, str] | None = None
) -> tuple[tuple[SourceEdge, ...], tuple[OutletSourcing, ...]]:
    """The story's citation graph (article -> source edges) and each article's sourcing profile, in story order."""
    by_id = {a.id: a for a in articles}
    # first words of the story's organisation names, to tell "Korvane said" (the company) from a person; its people's
    # surnames, to tell "Trump said" (the person met as Donald Trump elsewhere) from an organisation
    # a PERSON name with a possessive inside is the NER running a person into a thing ("Mitt Romney's Medicare")
    persons = [e.name for a in articles for e in a.entities if e.label == "PERSON" and not _POSSESSIVE.search(e.name)]
    names = [n.split() for n in persons if len(n.split()) > 1]
    context = _Context(
        people=frozenset(persons),
        keys=frozenset(_person_key(n) for n in persons),
        lower_words=frozenset(w for a in articles for w in re.findall(r"\b[a-z]{3,}\b", a.article.text)),
        texts=tuple(a.article.text for a in articles),
        surnames=frozenset(_bare_name(" ".join(n))[-1] for n in names if _bare_name(" ".join(n))),
        titled=frozenset(m.group(1) for a in articles for m in _TITLED.finditer(a.article.text)),
        org_first=frozenset(
            e.name.split()[0].lower()
            for a in articles
            for e in a.entities
            if e.label in ("ORG", "FAC") and e.name.split()
        ),
    )
    edges: list[SourceEdge] = []
    sourcing: list[OutletSourcing] = []
    for aid in story.articles:
        article = by_id.get(aid)
        if article is None:
            continue
        mine = _article_edges(article, context)
        edges.extend(mine)
        sourcing.append(_sourcing(article, mine, (copies or {}).get(aid)))
    return tuple(edges), tuple(sourcing)
