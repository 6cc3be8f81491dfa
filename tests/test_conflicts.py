"""Conflicts only between mentions of one claim about one counted thing at one time (issue 14, item 2), and the
moving-figures table. Each case is two small invented articles whose sentences are given as one fact, so that the
conflict rules are tested apart from alignment; the last tests run the whole pipeline."""

from __future__ import annotations

import json

import pytest

from parallax.annotate.nlp import annotate
from parallax.compare.story import find_conflicts
from parallax.models import AnnotatedArticle, Article, Conflict, Fact, FactMention, Figure

EARLY = "2024-03-05T08:00:00+00:00"
LATE = "2024-03-05T20:00:00+00:00"


def _articles(*texts: str, published: tuple[str | None, ...] = (EARLY, EARLY)) -> list[AnnotatedArticle]:
    return list(
        annotate(
            Article(id=f"a{i}", source=f"a{i}", text=text, outlet=f"Outlet {i}", published=when)
            for i, (text, when) in enumerate(zip(texts, published, strict=True))
        )
    )


def _fact(articles: list[AnnotatedArticle], index: int = 0) -> Fact:
    """Sentence ``index`` of each article, aligned as one fact."""
    mentions = tuple(
        FactMention(a.id, index, a.sentences[index].text, a.sentences[index].start, a.sentences[index].end)
        for a in articles
    )
    return Fact("f1", "s", mentions[0].text, mentions, tuple(a.id for a in articles))


def _run(*texts: str, published: tuple[str | None, ...] = (EARLY, EARLY)) -> tuple[list[Conflict], list[Figure]]:
    articles = _articles(*texts, published=published)
    return find_conflicts("s", [_fact(articles)], articles)


def kinds(conflicts: list[Conflict]) -> list[str]:
    return [c.kind for c in conflicts]


def test_a_bound_agrees_with_a_value_inside_it() -> None:
    conflicts, _ = _run(
        "More than 5,000 residents were evacuated from the valley on Tuesday.",
        "Some 5,200 residents were evacuated from the valley on Tuesday.",
    )
    assert conflicts == []


def test_two_exact_counts_of_one_thing_at_one_time_conflict() -> None:
    conflicts, figures = _run(
        "The indictment unsealed on Friday runs 47 pages.",
        "The indictment unsealed on Friday runs 48 pages.",
    )
    assert kinds(conflicts) == ["number"]
    assert "47 pages" in conflicts[0].description
    assert "48 pages" in conflicts[0].description
    assert figures == []


def test_magnitudes_conflict_and_are_never_compared_with_victims() -> None:
    conflicts, _ = _run(
        "A magnitude 7.7 earthquake struck off the northern coast on Monday.",
        "A 7.5-magnitude quake struck off the northern coast on Monday.",
    )
    assert kinds(conflicts) == ["number"]
    assert "magnitude" in conflicts[0].description
    conflicts, _ = _run(
        "The 7.7 magnitude quake struck the northern coast on Monday.",
        "There were 20 quake victims on the northern coast on Monday.",
    )
    assert conflicts == []


def test_a_rising_death_toll_is_a_moving_figure_not_a_conflict() -> None:
    conflicts, figures = _run(
        "The flood in the river town has killed 12 people, officials said.",
        "The flood in the river town has killed 31 people, officials said.",
        published=(EARLY, LATE),
    )
    assert conflicts == []
    assert len(figures) == 1
    assert [r.value for r in figures[0].reports] == [12.0, 31.0]  # publication order
    assert [r.published for r in figures[0].reports] == [EARLY, LATE]
    # published in the other order, the table still reads in publication order
    _, figures = _run(
        "The flood in the river town has killed 31 people, officials said.",
        "The flood in the river town has killed 12 people, officials said.",
        published=(LATE, EARLY),
    )
    assert [r.value for r in figures[0].reports] == [12.0, 31.0]


def test_two_counts_of_different_groups_in_one_sentence_are_never_compared() -> None:
    conflicts, figures = _run(
        "The storm killed 12 people and injured 40 people across the province.",
        "The storm killed 14 people across the province, the agency said.",
    )
    assert conflicts == []
    assert figures == []


def test_dates_of_different_events_are_never_compared() -> None:
    conflicts, _ = _run(
        "Most voters back the plan, according to a poll released Friday by the council.",
        "By Saturday, the mayor had clarified that he backed the plan as written by the council.",
        published=("2024-03-11", "2024-03-11"),
    )
    assert [c for c in conflicts if c.kind == "date"] == []


def test_one_event_given_two_days_conflicts() -> None:
    conflicts, _ = _run(
        "The council aide apologized on Friday for the post about the mayor's children.",
        "The council aide apologized Saturday for the post about the mayor's children.",
        published=("2024-03-11", "2024-03-11"),
    )
    assert kinds(conflicts) == ["date"]


def test_antonymous_predicates_of_one_claim_conflict() -> None:
    conflicts, _ = _run(
        "Air traffic control granted the pilot's request to climb to 30,000 feet.",
        "Air traffic control denied the pilot's request to climb to 30,000 feet.",
    )
    assert kinds(conflicts) == ["predicate"]
    assert conflicts[0].description == "granted vs denied"
    # a negation turns the sentence round: no conflict is claimed
    conflicts, _ = _run(
        "Air traffic control granted the pilot's request to climb.",
        "Air traffic control never denied that it granted the pilot's request to climb.",
    )
    assert [c for c in conflicts if c.kind == "predicate"] == []


def test_two_sides_of_one_town_conflict() -> None:
    conflicts, _ = _run(
        "The plane came down in a field about 10 miles west of Dunmore on Sunday.",
        "The plane came down in a field about 10 miles south of Dunmore on Sunday.",
    )
    assert kinds(conflicts) == ["place"]
    assert conflicts[0].description == "west of Dunmore vs south of Dunmore"
    conflicts, _ = _run(
        "The plane came down about 10 miles west of Dunmore on Sunday.",
        "The plane came down about 10 miles northwest of Dunmore on Sunday.",
    )
    assert conflicts == []


def test_two_first_names_for_one_official_conflict() -> None:
    articles = _articles(
        "Police Chief Daniel Okafor said the road would reopen on Monday.",
        "Police Chief David Okafor said the road would reopen on Monday.",
    )
    conflicts, _ = find_conflicts("s", [], articles)
    assert kinds(conflicts) == ["name"]
    assert "Daniel Okafor" in conflicts[0].description
    assert "David Okafor" in conflicts[0].description
    # an initial agrees with the name it starts
    articles = _articles(
        "Police Chief Daniel Okafor said the road would reopen on Monday.",
        "Police Chief D. Okafor said the road would reopen on Monday.",
    )
    assert find_conflicts("s", [], articles)[0] == []


def test_figures_in_every_report_format() -> None:
    from parallax import analyze_articles
    from parallax.report import from_dict, render, to_dict

    texts = (
        "A flood in the river town of Marlow has killed 12 people, officials said on Tuesday. "
        "Rescue teams searched the flooded streets overnight.",
        "A flood in the river town of Marlow has killed 31 people, officials said on Tuesday. "
        "Rescue teams searched the flooded streets overnight.",
    )
    articles = [
        Article(
            id=f"a{i}",
            source=f"a{i}",
            text=t,
            title=f"Flood kills people in Marlow {i}",
            outlet=f"Outlet {i}",
            published=when,
        )
        for i, (t, when) in enumerate(zip(texts, (EARLY, LATE), strict=True))
    ]
    report = analyze_articles(articles)
    data = to_dict(report)
    story = next(s for s in data["stories"] if len(s["articles"]) == 2)
    assert not [c for c in story["conflicts"] if c["kind"] == "number"]
    (figure,) = story["figures"]
    assert figure["counts"] == "people killed"
    assert [r["value"] for r in figure["reports"]] == [12.0, 31.0]
    assert [r["article"] for r in figure["reports"]] == ["a0", "a1"]
    markdown = render(report, "markdown")
    assert "### How figures moved" in markdown
    assert "12 people" in markdown
    assert "31 people" in markdown
    html = render(report, "html")
    assert "How figures moved" in html
    assert "31 people" in html
    back = to_dict(from_dict(json.loads(json.dumps(data))))
    assert back["stories"] == data["stories"]
    pytest.importorskip("polars")
    rows = report.tables().figures.to_dicts()
    assert [(r["article_id"], r["position"], r["value"], r["counts"]) for r in rows] == [
        ("a0", 0, 12.0, "people killed"),
        ("a1", 1, 31.0, "people killed"),
    ]
    assert [r["outlet"] for r in rows] == ["Outlet 0", "Outlet 1"]
    assert all(r["published"] is not None and "people" in r["text"] for r in rows)


def test_a_short_form_of_a_first_name_is_the_same_name() -> None:
    for short, full in (("Ben", "Benjamin"), ("Joe", "Joseph"), ("Bill", "William")):
        articles = _articles(
            f"Police Chief {short} Okafor said the road would reopen on Monday.",
            f"Police Chief {full} Okafor said the road would reopen on Monday.",
        )
        assert find_conflicts("s", [], articles)[0] == [], (short, full)


def test_a_date_before_its_verb_is_read_too() -> None:
    conflicts, _ = _run(
        "A council aide on Friday apologized for the post about the mayor's children.",
        "The council aide had to apologize Saturday for the post about the mayor's children.",
        published=("2024-03-11", "2024-03-11"),
    )
    assert kinds(conflicts) == ["date"]
    conflicts, _ = _run(
        "A council aide on Friday apologized for the post about the mayor's children.",
        "The council aide resigned Monday over the post about the mayor's children.",
        published=("2024-03-11", "2024-03-11"),
    )
    assert conflicts == []
