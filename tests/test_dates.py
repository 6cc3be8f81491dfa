"""Dates in article text, resolved at the precision the text gives, relative ones against the publication date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.dates import find_dates, resolve
from parallax.annotate.nlp import segment_sentences
from parallax.models import Article, TimeExpression
from parallax.resources import spacy_model

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
MONDAY = date(2020, 8, 24)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy_model()


def dates(nlp: Any, text: str, reference: date | None = MONDAY) -> tuple[TimeExpression, ...]:
    article = Article(id="t", source="t", text=text)
    doc = nlp(text)
    sentences = segment_sentences(article, doc)
    found = find_dates(doc, sentences, reference)
    for expr in found:
        assert text[expr.start : expr.end] == expr.text
        assert sentences[expr.sentence].start <= expr.start < expr.end <= sentences[expr.sentence].end
    return found


def values(nlp: Any, text: str, reference: date | None = MONDAY) -> list[tuple[str, str]]:
    return [(e.value, e.precision) for e in dates(nlp, text, reference)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # absolute forms keep the precision the text gives
        ("The ferry sank off the coast on Feb 26, 2018, the agency said.", ("2018-02-26", "day")),
        ("The ferry sank off the coast on 26 February 2018.", ("2018-02-26", "day")),
        ("The bridge reopened to traffic in June 2019 after repairs.", ("2019-06", "month")),
        ("Construction of the dam began in 2018 under the old government.", ("2018", "year")),
        ("The filing is dated 2019-11-05 in the court records.", ("2019-11-05", "day")),
        # relative forms, against a Monday publication date (2020-08-24)
        ("The two leaders spoke by phone on Sunday.", ("2020-08-23", "day")),
        ("The board told staff on Monday that the plant would close.", ("2020-08-24", "day")),
        ("The minister resigned last Monday after the vote.", ("2020-08-17", "day")),
        ("The talks will resume on Friday in Geneva.", ("2020-08-28", "day")),
        ("The governor signed the bill on August 23 in the capital.", ("2020-08-23", "day")),
        ("The governor signed the bill on 23 August in the capital.", ("2020-08-23", "day")),
        ("Last year, the company doubled its staff in the region.", ("2019", "year")),
        ("The firm plans a second factory next year in the south.", ("2021", "year")),
        ("This year in March, the bank opened a new branch.", ("2020-03", "month")),
        ("The bank opened a new branch in March this year.", ("2020-03", "month")),
        ("The bank opened a new branch in March.", ("2020-03", "month")),
        ("The bank opened a new branch in October.", ("2019-10", "month")),  # after August: last October
        ("The bank will open a new branch in October.", ("2020-10", "month")),  # future tense: this October
        ("Prices rose sharply last month across the country.", ("2020-07", "month")),
        ("Earlier this month, the union called a strike.", ("2020-08", "month")),
        ("Earlier in the year, the regulator fined the bank.", ("2020", "year")),
        ("The storm hit the coast yesterday, officials said.", ("2020-08-23", "day")),
        ("The storm hit the coast three days ago, officials said.", ("2020-08-21", "day")),
    ],
)
def test_resolves(nlp: Any, text: str, expected: tuple[str, str]) -> None:
    assert values(nlp, text) == [expected]


def test_weekday_on_the_publication_day_is_that_day(nlp: Any) -> None:
    sunday = date(2020, 8, 23)
    assert values(nlp, "The two leaders spoke by phone on Sunday.", sunday) == [("2020-08-23", "day")]


def test_month_day_far_ahead_of_publication_is_last_year(nlp: Any) -> None:
    assert values(nlp, "The fire started on December 30 near the port.", date(2021, 1, 5)) == [("2020-12-30", "day")]


def test_tense_decides_the_year_of_a_month_day(nlp: Any) -> None:
    # a scheduled event months ahead stays in the future; a past-tense verb moves a date just ahead back a year
    assert values(nlp, "The hearing was scheduled for June 28.", date(2020, 2, 20)) == [("2020-06-28", "day")]
    assert values(nlp, "The treaty was signed on May 5 in Vienna.", date(2020, 4, 30)) == [("2019-05-05", "day")]
    assert values(nlp, "The treaty will be signed on January 4.", date(2020, 12, 20)) == [("2021-01-04", "day")]


def test_a_future_cue_far_up_the_parse_still_counts(nlp: Any) -> None:
    # "Monday" sits five steps below "disclose" (evening, on, call, during): the coming Monday, not the last one
    text = "The chairman is expected to disclose his plans during a call with board members on Monday evening."
    assert values(nlp, text, date(2020, 8, 23)) == [("2020-08-24", "day")]
    # a past verb that far up tells of something else: the election keeps its own date
    text = "Some members were pushing for a delay of the August 27 vote for the board chair."
    assert values(nlp, text, date(2020, 8, 21)) == [("2020-08-27", "day")]


def test_month_day_inside_a_name_is_not_a_date(nlp: Any) -> None:
    assert values(nlp, "The 14 March Alliance won the vote.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The company reported the breach last week.",
        "Regulators have recently tightened the rules.",
        "In recent weeks, protests have spread to other cities.",
        "The firm was given 90 days to sell the unit.",
        "A yearlong ban on imports ended without fanfare.",
        "Output has doubled over the past decade.",
        "A 50-year-old man was arrested at the scene.",
        "The network will expand across the country over the next year.",
        "Black Friday sales beat expectations for retailers.",
        "The Sunday Times first reported the story.",
        "Theresa May spoke to reporters outside the building.",
        "About 2000 people marched through the city centre.",
        "Officials may announce more measures soon.",
    ],
)
def test_skips_vague_spans_durations_ages_and_names(nlp: Any, text: str) -> None:
    assert values(nlp, text) == []


def test_relative_dates_without_reference_are_left_for_later(nlp: Any) -> None:
    found = dates(nlp, "The two leaders spoke on Sunday about the deal signed on Feb 26, 2018.", None)
    assert [(e.text, e.value, e.relative) for e in found] == [
        ("Sunday", "", True),
        ("Feb 26, 2018", "2018-02-26", False),
    ]
    assert found[0].precision == "day"
    resolved = resolve(found[0], MONDAY)
    assert (resolved.value, resolved.precision, resolved.relative) == ("2020-08-23", "day", True)
    assert (resolved.start, resolved.end, resolved.sentence) == (found[0].start, found[0].end, found[0].sentence)
    assert resolve(found[1], MONDAY) == found[1]


def test_resolve_against_another_reference(nlp: Any) -> None:
    (expr,) = dates(nlp, "Last year, the company doubled its staff.", MONDAY)
    assert resolve(expr, date(2015, 3, 1)).value == "2014"


def test_sentence_index_and_offsets(nlp: Any) -> None:
    text = "The port closed. It reopened on Sunday.\n\nInspectors visited in June 2019."
    found = dates(nlp, text)
    assert [(e.text, e.sentence) for e in found] == [("Sunday", 1), ("June 2019", 2)]


def test_seed_dates(nlp: Any) -> None:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("the seed corpus (../shared/corpus/seeds) is not beside the repository")
    found: set[str] = set()
    for path in files:
        found |= {e.value for e in dates(nlp, path.read_text(encoding="utf-8"), MONDAY)}
    # the three dated events of the seed story: the remarks (a relative date), a month, a year
    assert {"2020-08-23", "2019-06", "2018"} <= found
