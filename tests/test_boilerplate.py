"""The plain-text line cleaner: titles, header metadata, boilerplate lines, and never a lost body paragraph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.extract.boilerplate import STOP_WORDS, CleanText, clean_text, iso_date, normalise

SHARED = Path(__file__).resolve().parents[2] / "shared"

BODY = [
    "The town council approved the new budget on Monday after a debate that lasted more than four hours.",
    "Opposition members said the plan would raise local taxes for families with children by about 3 percent.",
    "The mayor said the money would pay for repairs to two schools and a bridge over the river.",
]


def _text(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


def test_title_byline_outlet_and_date_from_a_header_line() -> None:
    text = _text(
        "Council approves budget after long debate",
        "By Jane Doe Source: Riverside Post Published: 2021/3/9 18:05:00",
        *BODY,
    )
    clean = clean_text(text)
    assert clean.title == "Council approves budget after long debate"
    assert clean.byline == "Jane Doe"
    assert clean.outlet == "Riverside Post"
    assert clean.published == "2021-03-09T18:05:00"
    assert clean.paragraphs == tuple(BODY)
    assert clean.removed == ("By Jane Doe Source: Riverside Post Published: 2021/3/9 18:05:00",)


@pytest.mark.parametrize(
    ("line", "byline", "outlet", "published"),
    [
        ("By Jane Doe | Riverside Post | March 9, 2021", "Jane Doe", "Riverside Post", "2021-03-09"),
        ("By JANE DOE and JOHN ROE", "JANE DOE and JOHN ROE", None, None),
        ("By Jane Doe, Staff Writer", "Jane Doe", None, None),
        ("By Jane Doe, Riverside Post", "Jane Doe", "Riverside Post", None),
        ("Published: 9 March 2021 11:07 GMT", None, None, "2021-03-09T11:07:00"),
        ("Updated on Mar. 10, 2021", None, None, "2021-03-10"),
        ("Source: Riverside Post", None, "Riverside Post", None),
    ],
)
def test_header_line_forms(line: str, byline: str | None, outlet: str | None, published: str | None) -> None:
    clean = clean_text(_text("Council approves budget", line, *BODY))
    assert (clean.byline, clean.outlet, clean.published) == (byline, outlet, published)
    assert line not in clean.paragraphs
    assert clean.paragraphs == tuple(BODY)


def test_published_wins_over_updated() -> None:
    clean = clean_text(_text("Headline here", "Published: 2021-03-09", "Updated: 2021-03-11", *BODY))
    assert clean.published == "2021-03-09"


def test_prose_starting_with_by_is_not_a_byline() -> None:
    line = "By the time the firefighters arrived, the roof of the old mill had already collapsed."
    clean = clean_text(_text(line, *BODY))
    assert clean.byline is None
    assert clean.paragraphs[0] == line


def test_a_long_first_sentence_is_not_a_title() -> None:
    clean = clean_text("\n".join(BODY))
    assert clean.title is None
    assert clean.paragraphs == tuple(BODY)


def test_title_repeated_and_outlet_line() -> None:
    clean = clean_text(_text("Budget passes", "Budget passes", "Riverside Post", *BODY))
    assert clean.title == "Budget passes"
    assert clean.outlet == "Riverside Post"
    assert clean.paragraphs == tuple(BODY)
    assert clean.removed == ("Budget passes", "Riverside Post")


def test_title_in_a_text_without_blank_lines() -> None:
    clean = clean_text("\n".join(["Budget passes after long night", *BODY]))
    assert clean.title == "Budget passes after long night"
    assert clean.paragraphs == tuple(BODY)


def test_a_date_line_under_the_title() -> None:
    clean = clean_text(_text("Budget passes", "Tuesday, March 9, 2021", *BODY))
    assert clean.published == "2021-03-09"
    assert clean.paragraphs == tuple(BODY)


JUNK = [
    "Tags: budget, council, taxes",
    "Share this article",
    "Leave a comment",
    "Your email address will not be published. Required fields are marked *",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "comments powered by Disqus",
    "We use cookies to give you the best experience on our website.",
    "© 2021 Riverside Media Group. All rights reserved.",
    "Subscribe to our newsletter",
    "Read more: Council elections set for May",
    "Related: Mayor defends bridge plan",
    "Advertisement",
    "(Reporting by Jane Doe; Editing by John Roe)",
    "Reporting by Jane Doe in Riverside; Writing by John Roe; Editing by Ann Poe",
]


@pytest.mark.parametrize("junk", JUNK)
def test_boilerplate_lines_are_dropped_anywhere(junk: str) -> None:
    for position in (0, 2, 3):
        lines = list(BODY)
        lines.insert(position, junk)
        clean = clean_text(_text(*lines))
        assert clean.paragraphs == tuple(BODY), (position, junk)
        assert junk in clean.removed


@pytest.mark.parametrize(
    "caption",
    [
        "The old bridge over the river, seen from the north bank in May. (Photo: Riverside Post)",
        "Council members vote on the budget. Photo: Jane Doe",
        "The mayor speaks to reporters outside the town hall. Getty Images",
        "A protester holds a sign. (AP Photo/John Roe)",
        "Photo: the new school building",
    ],
)
def test_captions_are_dropped(caption: str) -> None:
    clean = clean_text(_text(BODY[0], caption, *BODY[1:]))
    assert clean.paragraphs == tuple(BODY)


def test_bulleted_link_list_is_dropped_but_a_list_of_sentences_stays() -> None:
    links = ["• Council Elections Set for May", "• Bridge Repairs Begin", "• New Library Hours"]
    facts = ["• The budget grows by 4 percent.", "• Two schools get new roofs.", "• The bridge reopens in June."]
    clean = clean_text(_text(*BODY, *facts, *links))
    assert clean.paragraphs == (*BODY, *facts)


def test_lists_of_facts_without_sentence_punctuation_stay() -> None:
    tour = ["June 9 – Tampa, FL @ Harbor Arena", "June 10 – Orlando, FL @ Lake Hall", "June 12 – Miami, FL @ Bay Dome"]
    groups = ["Norway (Group A): Third appearance", "Chile (Group B): First appearance", "Ghana (Group C): Fifth"]
    clean = clean_text(_text(*BODY, *groups, *tour))
    assert clean.paragraphs == (*BODY, *groups, *tour)


def test_a_list_under_a_list_heading_goes_with_it() -> None:
    clean = clean_text(_text(*BODY, "Related stories:", "Mayor defends bridge plan", "school repairs start soon"))
    assert clean.paragraphs == tuple(BODY)


def test_subheadings_in_the_middle_stay_and_junk_at_the_edges_goes() -> None:
    lines = ["Menu", "Search", BODY[0], "What happens next", BODY[1], BODY[2], "Disclaimer", "Jane Doe"]
    clean = clean_text("\n".join(lines))
    assert clean.paragraphs == (BODY[0], "What happens next", BODY[1], BODY[2])


def test_light_mode_keeps_lines_that_are_not_clearly_boilerplate() -> None:
    lines = [BODY[0], "What happens next", BODY[1], "Share this article", BODY[2], "Jane Doe"]
    clean = clean_text("\n".join(lines), light=True, title="Budget passes")
    assert clean.paragraphs == (BODY[0], "What happens next", BODY[1], BODY[2], "Jane Doe")
    assert clean.title is None


def test_a_known_title_is_removed_where_it_repeats() -> None:
    clean = clean_text("\n".join(["Budget passes", *BODY]), light=True, title="Budget Passes")
    assert clean.paragraphs == tuple(BODY)


def test_normalise_keeps_quotes_and_removes_invisible_characters() -> None:
    raw = "He said \u201cno\u201d \u2014 it\u2019s\u00a0final.\u200b\u00ad\r\nCafe\u0301  au\tlait\x07"
    assert normalise(raw) == "He said \u201cno\u201d \u2014 it\u2019s final.\nCaf\u00e9 au lait"


def test_clean_text_rejects_bytes() -> None:
    with pytest.raises(TypeError):
        clean_text(b"text")  # type: ignore[arg-type]


def test_empty_text() -> None:
    assert clean_text("  \n\n ") == CleanText(paragraphs=())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020/8/24 11:07:12", "2020-08-24T11:07:12"),
        ("2020-08-24", "2020-08-24"),
        ("2020-08-24 11:07:12", "2020-08-24T11:07:12"),
        ("2020-08-24T11:07:12Z", "2020-08-24T11:07:12+00:00"),
        ("August 24, 2020", "2020-08-24"),
        ("Aug. 24, 2020 at 3:05 p.m. EDT", "2020-08-24T15:05:00"),
        ("Monday, 24 August 2020 11:07 GMT", "2020-08-24T11:07:00"),
        ("Mon, 24 Aug 2020 11:07:12 +0000", "2020-08-24T11:07:12+00:00"),
        ("24.08.2020", "2020-08-24"),
        ("8/24/2020", "2020-08-24"),
        ("24/8/2020", "2020-08-24"),
        ("3/4/2021", "2021-03-04"),
        ("3.4.2021", "2021-04-03"),
        ("2 hours ago", None),
        ("May 2020", None),
        ("31/02/2020", None),
        ("", None),
    ],
)
def test_iso_date(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


_PROSE_WORDS = ["council", "river", "budget", "school", "voters", "bridge", "plan", "money", "week", "report"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_PROSE_WORDS, "the", "of", "and", "to", "was", "it"]), min_size=8, max_size=40),
        min_size=1,
        max_size=8,
    )
)
def test_prose_lines_are_never_dropped(sentences: list[list[str]]) -> None:
    lines = [" ".join(words).capitalize() + "." for words in sentences]
    lines = [line for line in lines if sum(w in STOP_WORDS for w in line.lower().split()) >= 2]
    clean = clean_text("\n\n".join(lines))
    assert clean.paragraphs == tuple(lines)


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    return {tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))}


def test_gold_article_bodies_keep_their_content() -> None:
    """Clean text (the benchmark's gold bodies) must come through almost whole: content recall first."""
    path = SHARED / "data" / "aeb" / "ground-truth.json"
    if not path.is_file():
        pytest.skip("../shared/data/aeb is not available")
    gold = json.loads(path.read_text(encoding="utf-8"))
    recalls = []
    for page in gold.values():
        body = page["articleBody"]
        words = [w.lower() for w in body.split()[:2000]]
        letters = [c for c in body if c.isalpha()]
        if (
            sum(w in STOP_WORDS for w in words) < 0.15 * len(words)
            or sum(c.isascii() for c in letters) < len(letters) / 2
        ):
            continue  # not English prose
        kept = _shingles("\n".join(clean_text(body).paragraphs))
        reference = _shingles(body)
        recalls.append(len(kept & reference) / len(reference))
    assert len(recalls) > 100
    assert sum(recalls) / len(recalls) >= 0.99
    assert min(recalls) >= 0.85


@pytest.mark.parametrize(
    "line",
    [
        "Source: the ministry's own figures, which were published last week",
        "Date: to be announced after the summer",
        "Author: unknown",
        "By then the river had risen by two metres",
    ],
)
def test_label_like_prose_is_kept(line: str) -> None:
    clean = clean_text(_text(BODY[0], line, *BODY[1:]))
    assert line in clean.paragraphs
    assert (clean.byline, clean.outlet, clean.published) == (None, None, None)


@pytest.mark.parametrize(
    "line",
    [
        "Subscribers to the service will pay more from January, the company said.",
        "Copyright law in the EU was changed in 2019 to protect news publishers online.",
        "Most popular among voters was the plan to cut taxes for small firms.",
        "Sponsored by the city, the festival runs for three days and is free for everyone.",
        "Privacy policy changes at the firm drew a fine of 2 million euros last year.",
    ],
)
def test_sentences_that_start_like_boilerplate_are_kept(line: str) -> None:
    clean = clean_text(_text(BODY[0], line, *BODY[1:]))
    assert line in clean.paragraphs
