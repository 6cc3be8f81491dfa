"""The story timeline, resolved in context (issue 16): the year a passage sets, the coming weekday or month for
deadlines and plans, background years in a lane of their own, one entry per event with all its sources, and an
honest empty state when no article carries a publication date. Short synthetic articles written for these tests."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from parallax import analyze_articles, render, to_dict
from parallax.annotate import annotate
from parallax.compare.timeline import build_timeline
from parallax.models import AnnotatedArticle, Article, TimelineEntry
from parallax.report import from_dict


def _article(aid: str, text: str, published: str | None, outlet: str | None = None) -> Article:
    return Article(id=aid, source=aid, text=text, outlet=outlet or aid.title(), published=published)


def _annotated(*articles: Article) -> list[AnnotatedArticle]:
    return list(annotate(articles, n_process=1))


def _dated(article: AnnotatedArticle) -> dict[str, str]:
    """expression text -> resolved value"""
    return {e.text: e.value for e in article.dates}


def _on(timeline: Sequence[TimelineEntry], day: str) -> list[TimelineEntry]:
    return [t for t in timeline if t.date == day]


# --- the year a passage sets ------------------------------------------------------------------------------------------

RECOUNT = (
    "The inquiry published its findings on Thursday.\n\n"
    "The trouble at the plant began in 2016, when it changed owners. On July 22 that year, a valve failed and "
    "flooded the basement.\n\n"
    "On Oct. 7, inspectors ordered the plant closed."
)


def test_a_passage_year_carries_to_the_bare_dates_after_it() -> None:
    (article,) = _annotated(_article("recount", RECOUNT, "2019-03-15"))
    found = _dated(article)
    assert found["July 22 that year"] == "2016-07-22"
    assert found["Oct. 7"] == "2016-10-07"
    assert found["Thursday"] == "2019-03-14"  # before the passage: the publication's week


def test_another_year_takes_over_and_that_year_refers_to_it() -> None:
    text = (
        "The firm was founded in 2011. It moved to the harbour in 2014. On May 3, it opened its first shop there, "
        "and in September that year it hired its hundredth worker."
    )
    (article,) = _annotated(_article("years", text, "2019-03-15"))
    found = _dated(article)
    assert found["May 3"] == "2014-05-03"
    assert found["September that year"] == "2014-09"


def test_a_year_the_passage_does_not_set_leaves_bare_dates_to_the_publication() -> None:
    # "since 2016" and "the 2016 election" are background, not the time of the narration
    text = "The company has grown since 2016. On Feb. 26, it opened a plant near the 2016 election venue."
    (article,) = _annotated(_article("since", text, "2019-03-15"))
    assert _dated(article)["Feb. 26"] == "2019-02-26"


def test_a_weekday_brings_the_passage_back_to_the_publication() -> None:
    text = "In 2016, the mill closed.\n\nOn Tuesday, the new owners met the union. On March 1, they signed a deal."
    (article,) = _annotated(_article("back", text, "2019-03-15"))
    assert _dated(article)["March 1"] == "2019-03-01"


def test_a_passage_year_ends_two_paragraphs_on() -> None:
    text = (
        "In 2016, the mill closed.\n\nWorkers left the town.\n\nThe council met the buyers.\n\n"
        "On March 1, they signed a deal."
    )
    (article,) = _annotated(_article("far", text, "2019-03-15"))
    assert _dated(article)["March 1"] == "2019-03-01"


def test_a_future_verb_is_not_dated_in_a_past_passage() -> None:
    text = "The plant closed in 2016. It will reopen on Oct. 7, the owners said."
    (article,) = _annotated(_article("reopen", text, "2019-03-15"))
    assert _dated(article)["Oct. 7"] == "2019-10-07"


def test_that_year_without_a_year_before_it_is_not_a_date() -> None:
    (article,) = _annotated(_article("lost", "On July 22 that year, a valve failed.", "2019-03-15"))
    assert all(not e.value.startswith("2019-07") for e in article.dates)


def test_a_passage_year_dates_an_article_without_a_publication_date() -> None:
    (article,) = _annotated(_article("undated", RECOUNT, None))
    found = _dated(article)
    assert found["July 22 that year"] == "2016-07-22"
    assert found["Oct. 7"] == "2016-10-07"
    assert found["Thursday"] == ""  # relative to a publication date it does not have


# --- the coming month or weekday for deadlines and plans ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expression", "value"),
    [
        ("Lawmakers face the February deadline to pass a budget.", "2019-01-10", "February", "2019-02"),
        ("The February deadline for the bids is close.", "2019-01-10", "February", "2019-02"),
        ("The new line is expected to open in March.", "2019-01-10", "March", "2019-03"),
        ("The strike ended in February after three weeks.", "2019-01-10", "February", "2018-02"),
        ("Tuesday is the deadline for the bids.", "2019-01-12", "Tuesday", "2019-01-15"),
        ("The council plans to vote on Tuesday.", "2019-01-12", "Tuesday", "2019-01-15"),
        ("The bids are due Tuesday, the council said.", "2019-01-12", "Tuesday", "2019-01-15"),
        ("The board met on Tuesday to review the bids.", "2019-01-12", "Tuesday", "2019-01-08"),
    ],
)
def test_deadlines_and_plans_look_forward_past_tense_looks_back(
    text: str, published: str, expression: str, value: str
) -> None:
    (article,) = _annotated(_article("cue", text, published))
    assert _dated(article)[expression] == value


# --- lanes, merging, captions -----------------------------------------------------------------------------------------

ELECTION = [
    _article(
        "ledger",
        "The senator lost her seat in the 2016 election. On Monday she announced a new campaign. "
        "Her loss in the 2016 election still shapes the party. Aides said the 2016 election taught her patience.",
        "2019-03-13",
    ),
    _article(
        "post",
        "Critics recall the 2016 election and its aftermath. The senator announced a comeback campaign on Monday. "
        "The 2016 election was close in her state. Donors from the 2016 election are back.",
        "2019-03-12",
    ),
    _article(
        "herald",
        "The senator, defeated in the 2016 election, launched a new campaign on Monday. "
        "The 2016 election results were contested. In 2016 the party spent heavily on her race.",
        "2019-03-12",
    ),
]


def test_background_years_go_to_their_own_lane() -> None:
    timeline = build_timeline(_annotated(*ELECTION))
    of_2016 = [t for t in timeline if t.date.startswith("2016")]
    assert of_2016, "the background year is kept, apart"
    assert all(t.lane == "background" for t in of_2016)
    assert len(of_2016) <= 2  # "the 2016 election" once, whatever the number of sentences naming it
    events = [t for t in timeline if t.lane == "events"]
    assert [t.date for t in events] == ["2019-03-11"]


def test_one_event_told_by_three_outlets_is_one_entry_with_every_source() -> None:
    timeline = build_timeline(_annotated(*ELECTION))
    (monday,) = _on(timeline, "2019-03-11")
    assert monday.articles == ("ledger", "post", "herald")
    assert {aid for aid, _ in monday.sentences} == {"ledger", "post", "herald"}
    assert len(monday.texts) == len(monday.sentences)
    assert any("comeback" in text for text in monday.texts)


def test_different_events_on_one_day_stay_apart() -> None:
    articles = _annotated(
        _article(
            "a",
            "Police arrested two men at the harbour on Monday. The mayor opened the new library on Monday.",
            "2019-03-13",
        )
    )
    assert len(_on(build_timeline(articles), "2019-03-11")) == 2


CAPTIONED = [
    _article(
        "wire",
        "Protesters gather outside parliament on June 12, 2019. REUTERS/Jane Doe\n\n"
        "Thousands of people marched on Sunday against the bill. Police used tear gas on Wednesday.",
        None,
    ),
    _article(
        "paper",
        "Demonstrators march in the rain, June 9, 2019. (Photo by John Roe/Getty Images)\n\n"
        "The marchers returned on Sunday, organisers said.",
        None,
    ),
]


def test_without_publication_dates_no_captions_and_no_guesses() -> None:
    timeline = build_timeline(_annotated(*CAPTIONED))
    assert timeline == ()


def test_captions_date_nothing_even_with_a_publication_date() -> None:
    (article,) = _annotated(
        _article(
            "dated",
            "Protesters gather outside parliament on June 12, 2019. REUTERS/Jane Doe\n\n"
            "Thousands of people marched on Sunday against the bill.",
            "2019-06-17",
        )
    )
    assert [t.date for t in build_timeline([article])] == ["2019-06-16"]


def test_the_reports_say_so_when_nothing_anchors_the_dates() -> None:
    report = analyze_articles(CAPTIONED, encoder="static")
    stories = to_dict(report)["stories"]
    assert stories
    assert all(story["timeline"] == [] for story in stories)
    markdown = render(report, "markdown")
    assert "No dated events: the articles carry no publication dates to anchor relative dates." in markdown


def test_the_json_and_markdown_show_the_lanes_apart() -> None:
    report = analyze_articles(ELECTION, encoder="static")
    stories = to_dict(report)["stories"]
    entries = [t for s in stories for t in s["timeline"]]
    assert {t["lane"] for t in entries} == {"events", "background"}
    monday = next(t for t in entries if t["date"] == "2019-03-11")
    assert len(monday["sentences"]) >= 3
    assert all(set(x) == {"article", "index", "text"} for x in monday["sentences"])
    assert to_dict(from_dict(to_dict(report)))["stories"] == stories  # lanes and wording read back
    markdown = render(report, "markdown")
    assert "### Timeline" in markdown
    assert "#### Background" in markdown
    assert markdown.index("2019-03-11") < markdown.index("#### Background") < markdown.index("**2016**")
