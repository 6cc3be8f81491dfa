"""Provenance typing, by error class: a bare surname the article gives in full, a title or discourse word inside a
speaker's name, names that are no person's (programs, groups, common words), agencies, places, party members,
described people and texts, a title alone, an outlet's short form, and an outlet named by its code. Invented
sentences and names only; entities and quotes are given, so each test reads one rule, not the NER."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from parallax.annotate.citations import is_own_outlet, titled_person
from parallax.annotate.nlp import annotate
from parallax.compare.provenance import trace_sources
from parallax.evaluation.clustering import _basil_outlet
from parallax.models import AnnotatedArticle, Article, Citation, Entity, Quote, Story


@cache
def _base() -> AnnotatedArticle:
    return next(iter(annotate([Article(id="a", source="a", text="The council met on Monday.", outlet="Courier")])))


def _made(
    text: str,
    entities: tuple[tuple[str, str], ...],
    speakers: tuple[str, ...],
    citations: tuple[tuple[str, str], ...] = (),
    outlet: str = "Northfield Courier",
) -> set[tuple[str, str]]:
    """The (source, kind) edges of one article with ``text``, entities (text, label) found in it, quotes by
    ``speakers`` and citations (source, kind)."""
    base = _base()
    ents = []
    for name, label in entities:
        for m in re.finditer(re.escape(name), text):
            ents.append(Entity(name, label, m.start(), m.end(), 0, name))
    quotes = tuple(Quote("a", "it was fair", 0, 5, 0, "reported", s, cue="said") for s in speakers)
    cites = tuple(Citation("a", s, k, "according to", 0, 0, 1) for s, k in citations)  # type: ignore[arg-type]
    article = replace(
        base,
        article=replace(base.article, text=text, outlet=outlet),
        entities=tuple(ents),
        quotes=quotes,
        citations=cites,
    )
    edges, _ = trace_sources(Story(id="s", articles=("a",)), [article])
    return {(e.source, e.kind) for e in edges if e.kind != "anonymous"}


def test_a_bare_surname_the_article_gives_in_full_is_that_person() -> None:
    text = "One of its members, Talvin Orrick, spoke on Friday. Orrick said the plan was fair."
    assert _made(text, (("Orrick", "ORG"),), ("Orrick",)) == {("Talvin Orrick", "person")}
    # a name inside another entity ("Capitol Hill") or after a function word ("While Orrick") is no given name
    text = "Members met on Capitol Hill. While Hill said little, the vote went on."
    edges = _made(text, (("Capitol Hill", "ORG"), ("Hill", "ORG")), ("Hill",))
    assert not {s for s, k in edges if k == "person"}


def test_a_title_or_a_discourse_word_inside_the_name_is_cleaned_to_the_person() -> None:
    text = "Plus Kellerman spoke. Ada Kellerman said it. Party Chair Bram Ostrow said so."
    edges = _made(
        text,
        (("Plus Kellerman", "PERSON"), ("Ada Kellerman", "PERSON"), ("Party Chair Bram Ostrow", "PERSON")),
        ("Plus Kellerman", "Party Chair Bram Ostrow"),
    )
    assert edges == {("Ada Kellerman", "person"), ("Bram Ostrow", "person")}
    assert titled_person("Northfield Weekly Editor Sam Varga") == "Sam Varga"
    assert titled_person("Chief Justice Department") is None  # an organisation's name, no person
    assert titled_person("Senator Varga") is None  # an honorific first: the name as it is


def test_a_person_with_his_outlet_and_title_is_no_outlet_citation() -> None:
    text = (
        "Northfield Weekly Editor Sam Varga, who had called for the chairman to resign, said on Sunday that the "
        "chairman still had to go."
    )
    article = next(iter(annotate([Article(id="b", source="b", text=text, outlet="Northfield Courier")])))
    assert not [c for c in article.citations if "Varga" in c.source or "Editor" in c.source]


def test_names_that_are_no_persons_are_dropped() -> None:
    text = "The draft was read. Dana Okoro’s Medicaid plan, Secure Tomorrow and Al Qaeda were named."
    edges = _made(
        text,
        (("Draft", "PERSON"), ("Dana Okoro’s Medicaid", "PERSON"), ("Secure Tomorrow", "ORG"), ("Al Qaeda", "ORG")),
        ("Draft", "Secure Tomorrow", "Al Qaeda", "Medicaid"),
    )
    assert not {s for s, k in edges if k == "person"}
    assert ("Medicaid", "person") not in edges  # a possessive PERSON name gives no surname
    # a person's name the NER read as an organisation stays a person where an office title comes before it
    text = "Dunmore chief executive Nessa Quill said the plant would reopen."
    assert _made(text, (("Nessa Quill", "ORG"),), ("Nessa Quill",)) == {("Nessa Quill", "person")}


def test_agencies_are_institutions_and_a_capitalised_name_after_a_possessive_is_no_report() -> None:
    assert _made("The FBI said it.", (("FBI", "ORG"),), ("FBI",)) == {("FBI", "institution")}
    text = "Firms must open their service to the FBI's Data Intercept Technology Unit, which acts as a liaison."
    article = next(iter(annotate([Article(id="c", source="c", text=text, outlet="Northfield Courier")])))
    assert not [c for c in article.citations if c.kind in ("outlet", "wire")]


def test_places_party_members_titles_and_described_people_are_no_sources() -> None:
    text = "In Denver, the Arizona Republican and the A.G. spoke; the NRA and Republicans too."
    edges = _made(
        text,
        (("Denver", "GPE"), ("Republican", "NORP"), ("A.G.", "ORG"), ("NRA", "GPE"), ("Republicans", "NORP")),
        ("Denver", "Republican", "A.G.", "NRA", "Republicans"),
    )
    assert edges == {("NRA", "institution"), ("Republicans", "institution")}  # an acronym the NER read as a place
    described = ("Fox News host", "U.S. code", "Catholic teaching", "Senate historian")
    assert _made("They spoke.", (), described) == set()
    kept = _made("They spoke.", (), ("Okoro's lawyer", "Tea Party groups", "Vostrian navy"))
    assert kept == {
        ("Okoro's lawyer", "institution"),
        ("Tea Party groups", "institution"),
        ("Vostrian navy", "institution"),
    }


def test_a_speaker_that_shortens_a_cited_outlet_is_that_citation() -> None:
    edges = _made("He will win, according to The Hill.", (("Hill", "ORG"),), ("Hill",), (("The Hill", "outlet"),))
    assert edges == {("The Hill", "outlet")}


def test_an_outlet_named_by_its_basil_code_never_cites_itself() -> None:
    assert _basil_outlet("FOX") == "Fox News"
    assert _basil_outlet("hpo") == "HuffPost"
    assert is_own_outlet("Fox News", _basil_outlet("fox"))
    edges = _made("He told Fox News.", (), (), (("Fox News", "outlet"),), outlet=_basil_outlet("fox") or "")
    assert edges == set()
