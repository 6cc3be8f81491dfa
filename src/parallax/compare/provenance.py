"""Provenance: who each outlet cites, and how it sources its story.

``trace_sources`` is the stage's entry point. From each article's citations (news agencies, other outlets,
institutions credited: "according to Reuters", "the company said") and quotes (who speaks, direct or reported), it
builds a per-story graph, one ``SourceEdge`` per (article, source), with the sentences where the source is credited:

* ``wire`` / ``outlet`` / ``institution``: the citation's kind (``citations.py`` tells wires from other outlets);
* ``person``: a named person quoted (the speaker's name matches a PERSON entity, or has two capitalised words);
* ``anonymous``: a speaker described but not named ("one technician", "officials", "sources"), or an anonymity
  phrase ("on condition of anonymity", "people familiar with");
* an organisation speaking ("the company said", "police said", "a Hallberg spokeswoman") is an ``institution``
  under the article's description of it. Quotes whose speaker the annotator could not find are left out.

Per article, ``OutletSourcing`` counts the sentences that attribute anything (a citation, a quote, an anonymity
phrase), the anonymous ones, the named people, and the wire it leans on most with that wire's share of the
article's citations of news organisations. A syndicated copy names the article it republishes.

Reads: ``AnnotatedArticle.citations``, ``.quotes``, ``.entities``, ``.sentences``. Writes: ``SourceEdge``,
``OutletSourcing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

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


def _kind_of_speaker(speaker: str, people: set[str], org_first: set[str]) -> str:
    """``person``, ``institution`` or ``anonymous``, from the speaker's wording more than from NER labels (the small
    model calls people organisations and companies people often enough on news copy)."""
    words = speaker.split()
    head = words[-1].lower() if words else ""
    if head in INSTITUTION_NOUNS or head.startswith("spokes"):
        return "institution"  # "the company", "police", "a Hallberg spokeswoman"
    if head in UNNAMED_NOUNS or head.rstrip("s") in UNNAMED_NOUNS or words[0][:1].islower():
        return "anonymous"  # "one technician", "officials", "Industry analysts"
    if len(words) == 1:
        # "Korvane said": a company called by its first word, even where the NER model read a person
        return "person" if speaker in people and head not in org_first else "institution"
    if len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words):
        return "institution" if head in ORG_SUFFIXES else "person"
    return "institution"


# Last words that make a capitalised name an organisation's ("Hallberg Motors", "S&P Global Ratings").
ORG_SUFFIXES = frozenset(
    "motors inc corp co ltd llc plc group holdings ratings bank press news agency ministry board council committee "
    "institute university college foundation association union party network networks technologies systems "
    "communications media times post herald journal service services".split()
)


# Head nouns of people described but not named ("one technician said", "analysts said").
UNNAMED_NOUNS = frozenset(
    "official officials source sources analyst analysts expert experts witness witnesses resident residents worker "
    "workers employee employees technician technicians insider insiders person people observer observers critic "
    "critics diplomat diplomats engineer engineers executive executives investor investors trader traders member "
    "members staff colleague colleagues neighbour neighbours neighbor neighbors survivor survivors".split()
)


def _article_edges(article: AnnotatedArticle, org_first: set[str]) -> list[SourceEdge]:
    sentences: dict[tuple[str, str], list[int]] = {}

    def add(source: str, kind: str, sentence: int) -> None:
        found = sentences.setdefault((source, kind), [])
        if sentence not in found:
            found.append(sentence)

    cited = set()
    for c in article.citations:
        add(c.source, c.kind, c.sentence)
        cited.add(c.source)
    people = {e.name for e in article.entities if e.label == "PERSON"}
    for q in article.quotes:
        # a quote whose speaker was not found says nothing about sourcing (often the annotator's miss, not the
        # outlet's choice); "according to Reuters" is a citation already
        if not q.speaker or any(source in q.speaker for source in cited):
            continue
        add(q.speaker, _kind_of_speaker(q.speaker, people, org_first), q.sentence)
    for s in article.sentences:
        match = ANONYMOUS_RE.search(s.text)
        if match:
            add(match.group(0).lower(), "anonymous", s.index)
    return [
        SourceEdge(article.id, source, kind, tuple(sorted(indices))) for (source, kind), indices in sentences.items()
    ]


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
    # first words of the story's organisation names, to tell "Korvane said" (the company) from a person
    org_first = {
        e.name.split()[0].lower() for a in articles for e in a.entities if e.label in ("ORG", "FAC") and e.name.split()
    }
    edges: list[SourceEdge] = []
    sourcing: list[OutletSourcing] = []
    for aid in story.articles:
        article = by_id.get(aid)
        if article is None:
            continue
        mine = _article_edges(article, org_first)
        edges.extend(mine)
        sourcing.append(_sourcing(article, mine, (copies or {}).get(aid)))
    return tuple(edges), tuple(sourcing)
