"""Speakers are people or organisations (issue 14, item 3): never a place, a product, a show, a dateline or a
label; "X's statement said" is X; names read from a title-case headline do not lengthen a speaker's name; one
person's name variants across outlets are one quote group. Every text here is invented for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.annotate.quotes import find_quotes
from parallax.compare.story import compare_story
from parallax.embed import get_encoder
from parallax.evaluation.quotes import basil_speakers
from parallax.models import Article, Quote, Story

from .conftest import annotate_text


def quotes(text: str) -> tuple[Quote, ...]:
    article, doc, sentences, entities = annotate_text(text)
    return find_quotes(article, doc, sentences, entities)


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in quotes(text)]


def test_a_dateline_is_never_the_speaker() -> None:
    text = (
        "KESTRELTON — Governor Alma Fenwick said on Monday that the northern bridge would stay closed for repairs "
        "until the end of the month."
    )
    assert "KESTRELTON" not in speakers(text)
    text = (
        "BANDA HALVIK, Norland (AP) -- The harbour authority said on Monday that all ferries would run again by "
        "the weekend after the storm."
    )
    assert not [s for s in speakers(text) if s and "HALVIK" in s.upper()]


def test_a_paragraph_label_is_never_the_speaker() -> None:
    text = (
        "The budget vote was delayed.\n\n"
        "UPDATE 3:15 p.m. -- New filings revealed that the campaign spent $4,000 on travel."
    )
    assert "UPDATE" not in speakers(text)


def test_a_product_is_never_the_speaker() -> None:
    text = (
        'The crash happened on a quiet road. "The driver did everything right," the Vantor Model Q said, '
        "according to a clip shared online."
    )
    assert not [s for s in speakers(text) if s and "Model Q" in s]


def test_a_city_is_never_the_speaker_but_a_country_speaks_for_its_government() -> None:
    text = (
        "Aid arrived in Banda Aceh, Indonesia, on Tuesday. Banda Aceh, Indonesia, said that the harbour had "
        "reopened to cargo ships after three days."
    )
    assert not [s for s in speakers(text) if s and "Aceh" in s]
    text = "Norland said on Tuesday that it would send two more aid ships to the region before the end of the week."
    assert speakers(text) == ["Norland"]


def test_quoted_words_are_never_the_speaker() -> None:
    text = 'Her brother was asked whether he would run again.\n\n"Never," Tomas Ardell said quickly.'
    assert speakers(text)[-1] == "Tomas Ardell"


def test_a_statement_or_website_speaks_for_its_owner() -> None:
    text = (
        'Brightwater Alliance attacked the plan. "We need a new leader in the House now," Brightwater '
        "Alliance's website said on Friday."
    )
    assert speakers(text)[-1] == "Brightwater Alliance"


def test_a_platform_is_never_the_antecedent_of_she() -> None:
    text = (
        "Marta Kellin, a council aide, posted a long message on Twitter on Friday.\n\n"
        '"Show a little respect for the office," she wrote.'
    )
    assert speakers(text)[-1] == "Marta Kellin"


def test_a_headline_does_not_lengthen_a_speaker_name() -> None:
    text = (
        "Delmar Ready to Veto Water Bill\n\n"
        "Governor Ruth Delmar said on Monday that she would veto the water bill unless the tax on farms was cut. "
        '"It is a bad bill for farmers," Delmar said.'
    )
    assert set(speakers(text)) == {"Ruth Delmar"}


def _annotated(aid: str, outlet: str, text: str):  # type: ignore[no-untyped-def]
    from parallax.annotate.nlp import annotate

    return next(annotate([Article(id=aid, source=aid, text=text, outlet=outlet, published="2024-03-05")]))


def test_name_variants_across_outlets_are_one_quote_group() -> None:
    a = _annotated(
        "a",
        "Outlet A",
        'Roger J. Stone Jr. spoke to reporters on Tuesday. "I will never testify against my friend," '
        "Roger J. Stone Jr. said outside the court.",
    )
    b = _annotated(
        "b",
        "Outlet B",
        'Roger Stone spoke outside the court on Tuesday. "I will never testify against my friend," Roger Stone said.',
    )
    story = Story(id="s", articles=("a", "b"), title="t")
    encoder = get_encoder("minilm")
    vectors = {x.id: encoder.encode([s.text for s in x.sentences]) for x in (a, b)}
    analysis = compare_story(story, [a, b], vectors, encode=encoder.encode)
    shared = [g for g in analysis.quotes if len({m.article_id for m in g.mentions}) == 2]
    assert len(shared) == 1
    assert shared[0].speaker == "Roger J. Stone Jr."
    assert not [c for c in analysis.conflicts if c.kind == "attribution"]


def test_cues_resolve_to_the_right_person() -> None:
    text = (
        "President Alma Fenwick met the union leaders on Monday. Later she spoke to reporters.\n\n"
        '"We will not let the port close," the president tweeted.\n\n'
        '"The talks go on tomorrow," she added.\n\n'
        'Union chief Tomas Ardell told the newspaper that the strike would end on Friday. "We have a deal in sight," '
        "he added."
    )
    found = {q.text: q.speaker for q in quotes(text)}
    assert found["We will not let the port close"] == "Alma Fenwick"
    assert found["The talks go on tomorrow"] == "Alma Fenwick"
    assert found["We have a deal in sight"] == "Tomas Ardell"
    told = [q for q in quotes(text) if q.kind == "reported" and "strike" in q.text]
    assert [q.speaker for q in told] == ["Tomas Ardell"]


@pytest.mark.slow
def test_basil_speaker_precision(shared: Path) -> None:
    """BASIL 2013-2014 (the time split): 16 of 17 annotated quotes given a speaker have the annotated person (94.1;
    82.4 before speaker typing). The floor is one quote below."""
    measured = basil_speakers(shared / "data")
    assert measured.parallax >= 88.0, measured


def test_a_title_is_never_the_speaker_the_person_after_it_is() -> None:
    text = (
        "The hearing went on for hours. Deputy Assistant Secretary for Port Security Charlene Vasko testified on "
        "Tuesday that the money had not been the issue."
    )
    assert speakers(text) == ["Charlene Vasko"]


def test_a_spokeswoman_for_someone_is_not_that_someone() -> None:
    text = "A spokeswoman for Delmar said the governor would not shy away from the fight over the budget."
    assert "Delmar" not in speakers(text)


def test_an_office_holder_is_not_a_relative_who_shares_the_name() -> None:
    text = (
        "A staffer apologized for a post that criticized Mara and Tessa Delmont's outfits at the ceremony.\n\n"
        "The daughters join President Delmont at the ceremony every year. Before the parade, the president "
        'remarked that it was "puzzling that I do this every year."'
    )
    assert speakers(text) == ["Delmont"]
    titled = (
        'President Oren Delmont spoke on Monday. Tessa Delmont was there too. "We will do it," President Delmont said.'
    )
    assert speakers(titled) == ["Oren Delmont"]


def test_a_qualified_role_is_the_person_given_that_qualifier() -> None:
    text = (
        "Talk show host Glenn Carver closed the conference on Saturday. Last year's speech was given by radio host "
        'Rick Sanders. "We need a big tent," the Fox News host complained.'
    )
    assert speakers(text) == ["Fox News host"]  # unsure: not the radio host named last
    text = (
        "Fox News host Glenn Carver closed the conference on Saturday. Last year's speech was given by radio host "
        'Rick Sanders. "We need a big tent," the Fox News host complained.'
    )
    assert speakers(text) == ["Glenn Carver"]


def test_he_is_never_the_person_a_speech_verb_speaks_of() -> None:
    text = (
        "Glenn Carver spoke for an hour on Saturday.\n\n" + "The crowd cheered and waved flags. " * 9 + "\n\n"
        'Saying President Johnson, he said, was "too simple an answer."\n\n"This is the disease in America," he said.'
    )
    found = speakers(text)
    assert len(found) >= 2  # and Carver is named too far back to tell
    assert "Johnson" not in found
    asked = 'Reporters asked Senator Johnson about the vote on Monday. "We will win it," he said.'
    assert speakers(asked) == ["Johnson"]  # the one asked may answer
