"""Provenance typed right: people, outlets, wires and institutions; no self-citation; aliases merged in an article;
the Markdown sources table lists what the JSON lists. Synthetic texts, plus real BASIL articles read from
../shared/data/basil (never copied into the repository)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from parallax import Report
from parallax.annotate.citations import is_own_outlet, is_station, merge_short_forms
from parallax.annotate.nlp import annotate
from parallax.compare.provenance import trace_sources
from parallax.models import AnnotatedArticle, Article, Entity, Quote, Story
from parallax.report.json_form import to_dict
from parallax.report.markdown import render_markdown

from .conftest import SHARED

BASIL = SHARED / "data" / "basil" / "articles"
OUTLETS = {"nyt": "The New York Times", "fox": "Fox News", "hpo": "HuffPost"}


def _edges(*articles: AnnotatedArticle) -> dict[str, set[tuple[str, str]]]:
    story = Story(id="s", articles=tuple(a.id for a in articles), reasons=(), title="t")
    edges, _ = trace_sources(story, articles)
    out: dict[str, set[tuple[str, str]]] = {a.id: set() for a in articles}
    for e in edges:
        out[e.article_id].add((e.source, e.kind))
    return out


def _annotated(text: str, outlet: str, article_id: str = "a") -> AnnotatedArticle:
    return next(iter(annotate([Article(id=article_id, source=article_id, text=text, outlet=outlet)])))


def test_people_with_initials_suffixes_and_short_names_are_people() -> None:
    text = (
        "Roger J. Stone Jr. said on Monday that he would testify. "
        '"I have nothing to hide," Roger J. Stone Jr. said.\n\n'
        "Paul D. Ryan said the House would vote next week.\n\n"
        'Donald Trump spoke at the White House on Tuesday. "We will win," Trump said.'
    )
    edges = _edges(_annotated(text, "Northfield Courier"))["a"]
    people = {s for s, k in edges if k == "person"}
    assert {"Roger J. Stone Jr.", "Paul D. Ryan", "Donald Trump"} <= people
    assert not {s for s, k in edges if k == "institution"} & {"Roger J. Stone Jr.", "Paul D. Ryan", "Trump"}
    assert ("Trump", "person") not in edges  # merged into Donald Trump


def test_a_product_is_no_source_and_a_station_is_an_outlet() -> None:
    base = _annotated("The car caught fire on the highway, the company said. Nobody was hurt.", "Northfield Courier")
    text = base.article.text
    product = Entity("Tesla Model X", "PRODUCT", 0, 3, 0, "Tesla Model X")
    quotes = (
        Quote(base.id, "caught fire", 8, 19, 0, "reported", "Tesla Model X", cue="said"),
        Quote(base.id, "Nobody was hurt", text.index("Nobody"), len(text) - 1, 1, "reported", "WPLG", cue="said"),
    )
    article = replace(base, entities=(*base.entities, product), quotes=quotes)
    edges = _edges(article)["a"]
    assert not {s for s, _ in edges} & {"Tesla Model X"}
    assert ("WPLG", "outlet") in edges
    assert all(is_station(name) for name in ("WPLG", "Local 10", "KDVR-TV"))
    assert not any(is_station(name) for name in ("WHO", "CEO"))


def test_wires_are_wires_and_aliases_merge_in_an_article() -> None:
    text = (
        "The talks ended without a deal, according to Interfax. TASS reported the same, citing a diplomat.\n\n"
        "The Associated Press reported that the ministers met for three hours, "
        "and AP later said they would meet again.\n\n"
        "The Washington Post reported that the deal had collapsed, and the Post said a new round was planned."
    )
    edges = _edges(_annotated(text, "Northfield Courier"))["a"]
    news = {(s, k) for s, k in edges if k in ("wire", "outlet")}
    assert {("Interfax", "wire"), ("TASS", "wire"), ("Associated Press", "wire")} <= news
    assert ("The Washington Post", "outlet") in news
    assert not {s for s, _ in news} & {"AP", "Post", "the Post"}
    assert merge_short_forms(["The Washington Post", "Post", "AP"]) == {
        "Post": "The Washington Post",
        "AP": "Associated Press",
    }


def test_an_outlet_never_cites_itself() -> None:
    fox = _annotated(
        'Fox News has learned that the plan was dropped. "It is over," Fox News said, citing two officials.', "Fox News"
    )
    post = _annotated(
        "The plan was dropped, the Post reported on Monday, according to three officials familiar with it.",
        "The Washington Post",
        "b",
    )
    edges = _edges(fox, post)
    assert not {s for s, _ in edges["a"]} & {"Fox News", "Fox"}
    assert not {s for s, _ in edges["b"]} & {"Post", "The Washington Post"}
    assert is_own_outlet("the Post", "The Washington Post")
    assert is_own_outlet("the Times", "The New York Times")
    assert is_own_outlet("AP", "Associated Press")
    assert not is_own_outlet("The Times", "The Washington Post")


def _basil(name: str) -> AnnotatedArticle:
    path = next(BASIL.glob(f"*/{name}.json"), None)
    if path is None:
        pytest.skip("../shared/data/basil is not beside the repository")
    data = json.loads(path.read_text(encoding="utf-8"))
    text = "\n\n".join(" ".join(p) for p in data["body-paragraphs"])
    outlet = OUTLETS[data["source"].lower()]
    return next(iter(annotate([Article(id=name, source=name, text=text, title=data["title"], outlet=outlet)])))


def test_basil_a_politician_with_an_initial_is_a_person() -> None:
    edges = _edges(_basil("29ffd053-7684-469b-a600-97000579bd01_3"))["29ffd053-7684-469b-a600-97000579bd01_3"]
    assert ("Paul D. Ryan", "person") in edges
    assert ("Paul D. Ryan", "institution") not in edges


def test_basil_short_forms_of_a_cited_paper_merge_and_fox_does_not_cite_itself() -> None:
    cheney = "11c9f251-35c8-4452-b052-df9be61464c6_2"
    edges = _edges(_basil(cheney))[cheney]
    news = {s for s, k in edges if k in ("wire", "outlet", "institution")}
    assert "The New York Times" in news
    assert not news & {"Times", "The Times"}
    for name in ("74708dbf-5dfc-4c66-8419-d7dbc00e4a06_2", "1bb79cc1-5d69-4136-a23d-6dbd300cbf25_3"):
        assert not {s for s, _ in _edges(_basil(name))[name]} & {"Fox News", "Fox"}


def test_markdown_sources_table_lists_what_the_json_lists(example_report: Report) -> None:
    data = to_dict(example_report)
    markdown = render_markdown(example_report)
    labels = {a["id"]: a for a in data["articles"]}
    for story in data["stories"]:
        for aid, sources in story["citations"].items():
            row = next(
                (line for line in markdown.splitlines() if line.startswith("| ") and all(s in line for s in sources)),
                None,
            )
            assert row is not None or not sources, (aid, sources)
    kinds = {c["kind"] for a in labels.values() for c in a["citations"]}
    listed = {s for story in data["stories"] for sources in story["citations"].values() for s in sources}
    cited = {c["source"] for a in labels.values() for c in a["citations"]}
    assert cited == listed, "the story lists every citation its articles carry, institutions included"
    if "institution" in kinds:
        assert "Institutions" in markdown


def test_a_surname_after_an_honorific_is_a_person_and_a_review_is_an_outlet() -> None:
    text = (
        "Mr. Cleaver spoke to reporters outside the Capitol on Monday. "
        '"We will keep fighting for this bill," Cleaver said.\n\n'
        "The measure is likely to fail, according to the Spokesman-Review."
    )
    edges = _edges(_annotated(text, "Northfield Courier"))["a"]
    assert ("Cleaver", "person") in edges
    assert ("Spokesman-Review", "outlet") in edges


def test_a_product_named_as_a_speaker_is_no_source_even_unlabelled() -> None:
    base = _annotated("The car caught fire on the highway. Nobody was hurt.", "Northfield Courier")
    quotes = (
        Quote(base.id, "caught fire", 8, 19, 0, "reported", "Tesla Model X", cue="said"),
        Quote(base.id, "Nobody was hurt", 35, 50, 1, "reported", "Galaxy S9", cue="said"),
        Quote(base.id, "Nobody was hurt", 35, 50, 1, "reported", "Dana Okoro", cue="said"),
    )
    edges = _edges(replace(base, quotes=quotes))["a"]
    assert edges == {("Dana Okoro", "person")}
