"""Provenance: who each outlet cites, checked against the example corpus's planted attribution forms."""

from __future__ import annotations

import json

from parallax import Report

from .conftest import EXAMPLES

PLANTED = json.loads((EXAMPLES / "corpus.planted.json").read_text(encoding="utf-8"))


def _story(report: Report, article: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.stories if article in s.story.articles)


def test_every_planted_citation_is_an_edge_and_photo_credits_are_not(example_report: Report) -> None:
    for form in PLANTED["attribution_forms"]:
        story = _story(example_report, form["article"])
        edges = {(e.source, e.kind) for e in story.provenance if e.article_id == form["article"]}
        news = {source for source, kind in edges if kind in {"wire", "outlet"}}
        if form.get("citation", True):
            assert form["source"] in news, form
        else:
            assert form["source"] not in news, form  # a photo credit is not a source


def test_edges_point_at_the_sentences_that_credit_the_source(example_report: Report) -> None:
    by_id = {a.id: a for a in example_report.articles}
    for story in example_report.stories:
        for edge in story.provenance:
            assert edge.kind in {"wire", "outlet", "institution", "person", "anonymous"}
            assert edge.sentences
            article = by_id[edge.article_id]
            for index in edge.sentences:
                assert 0 <= index < len(article.sentences)


def test_sourcing_profile(example_report: Report) -> None:
    story = _story(example_report, "wires-1")
    sourcing = {s.article_id: s for s in story.sourcing}
    assert sourcing["07_ostervik_post"].copy_of == "wires-1"
    assert sourcing["wires-1"].copy_of is None
    # the tabloid leans on an unnamed technician ("who asked not to be named")
    assert sourcing["02_daily_lantern"].anonymous >= 1
    anonymous = {e.source for e in story.provenance if e.article_id == "02_daily_lantern" and e.kind == "anonymous"}
    assert "technician" in anonymous
    people = {e.source for e in story.provenance if e.kind == "person"}
    assert {"Petra Hollis", "Anselm Brody", "Dana Okoro"} <= people
    assert "Valmoran News Agency" not in people
    for s in story.sourcing:
        assert 0 <= s.anonymous <= s.attributed <= s.sentences
        assert 0.0 <= s.wire_share <= 1.0
        assert (s.top_wire is None) == (s.wire_share == 0.0)
    assert sourcing["01_brennick_herald"].top_wire == "Valmoran News Agency"
