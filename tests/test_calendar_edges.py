"""Publication dates at the calendar's edges (issue 15): 0001-01-01, 0001-01-08, 9999-12-31 and a time zone that
carries 9999-12-31 past the year's end once moved to UTC. They once raised OverflowError in copy detection, date
resolution and the store's candidate window: ``analyze`` exited with a traceback, the API answered 500 and ``watch``
crashed on every restart. Each is now an ordinary article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax import analyze, render
from parallax.report import FORMATS

from .conftest import EXAMPLES

EDGES = ("9999-12-31T23:00:00-05:00", "0001-01-01", "0001-01-08", "9999-12-31")


def _body() -> str:
    text = next(p for p in sorted((EXAMPLES / "corpus").glob("*.txt"))).read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n")[1:] if p.strip()]
    return "\n\n".join(paragraphs) + "\n\nIt happened yesterday, on Tuesday; more is due next year and in two weeks."


@pytest.fixture(scope="module")
def edge_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edges")
    for n, published in enumerate(EDGES):
        text = _body() + f"\n\nThis is edition number {n} of the edge report, dated {published}."
        record = {"title": f"Edge {n}", "outlet": f"Edge Outlet {n}", "published": published, "text": text}
        (folder / f"edge-{n}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_analyze_and_render_at_the_calendar_edges(edge_folder: Path) -> None:
    report = analyze([edge_folder])
    assert report.rejections == ()
    assert len(report.articles) == len(EDGES)
    for article in report.articles:
        for expression in article.dates:  # relative dates that would leave the calendar are left unresolved
            year = expression.value.partition("-")[0]
            assert not year or 1 <= int(year) <= 9999, expression
    for fmt in FORMATS:
        assert render(report, fmt)


def test_ingest_at_the_calendar_edges_stores_everything(edge_folder: Path, tmp_path: Path) -> None:
    """The store's candidate window (publication +- 14 days) is held at the calendar's ends: every article stored."""
    from parallax import ingest_paths, open_store

    with open_store(tmp_path / "edges.db") as store:
        first = ingest_paths(store, [edge_folder])
        again = ingest_paths(store, [edge_folder])
        assert first.rejections == ()
        assert len(first.added) == len(EDGES)
        assert len(again.unchanged) == len(EDGES)
        assert store.counts()["articles"] == len(EDGES)


def test_shifted_holds_at_the_ends() -> None:
    from datetime import date

    from parallax.days import shifted

    assert shifted(date(1, 1, 1), -14) == date.min
    assert shifted(date(9999, 12, 31), 15) == date.max
    assert shifted(date(2020, 2, 28), 2) == date(2020, 3, 1)


def test_timeline_chart_of_a_story_dated_at_the_calendars_end() -> None:
    # found by the date_edges fuzz target: the month ticks stepped past 9999-12 (ValueError)
    from parallax.web.charts import timeline_chart

    entries = [
        {"date": day, "precision": "day", "text": "x", "articles": ["a"], "sentences": [{"article": "a", "index": 0}]}
        for day in ("9999-05-05", "9999-12-30")
    ]
    story = {"articles": ["a"], "timeline": entries, "facts": []}  # the fields the JSON report always has
    article = {"id": "a", "published": None, "text": "x", "sentences": [{"index": 0, "start": 0, "end": 1}]}
    assert timeline_chart({"articles": [article], "stories": [story]}) is not None
