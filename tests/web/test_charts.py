"""The chart geometry, on the hand-made report of tests/test_report.py: a row per fact (labelled with its text) and a
cell per article that states it, in the report's fact order, with the states the report's coverage table shows;
timeline marks where the dates are; every link lands on an element of the page."""

from __future__ import annotations

import re
from datetime import date

from parallax.report import to_dict
from parallax.report.html import _view, render_html
from parallax.web.charts import (
    CELL,
    TIMELINE_PAD,
    TIMELINE_W,
    Cell,
    _period,
    coverage_chart,
    exclusives_chart,
    timeline_chart,
)
from tests.test_report import build_report


def _page_ids() -> set[str]:
    """The ids of the HTML report of the hand-made report: every chart link must land on one of them."""
    return set(re.findall(r' id="([^"]+)"', render_html(build_report())))


def test_coverage_cells_match_the_report_matrix() -> None:
    data = to_dict(build_report())
    view = _view(data)
    ids = _page_ids()
    for n, story in enumerate(data["stories"]):
        chart = coverage_chart(data, n)
        single = coverage_chart(data, n, single=True)
        matrix = view["stories"][n]["facts"]  # the facts more than one article states
        only = [row for o in view["stories"][n]["only"] for row in o["rows"]]  # the facts only one states
        if not story["facts"]:
            assert chart is None
            assert single is None
            continue
        assert (chart is None) == (not matrix)
        assert (single is None) == (not only)
        if chart is not None:
            assert [r.href for r in chart.rows] == [f"#{row['anchor']}" for row in matrix]
            assert [r.text for r in chart.rows] == [row["text"] for row in matrix]  # rows labelled by the fact
            assert [r.independent for r in chart.rows] == [row["independent"] for row in matrix]
            # a cell per article that states the fact (none for those that do not), in the table's states
            states = [c.state for c in chart.cells]
            assert states == [b["state"] for row in matrix for b in row["by"] if b["id"] in story["articles"]]
            assert all(0 <= r.bar <= 90 for r in chart.rows)
            assert chart.width > chart.bar_x > chart.label_w
            assert chart.height >= chart.head_h + len(matrix) * CELL
        if single is not None:
            assert sorted(r.href for r in single.rows) == sorted(f"#{row['anchor']}" for row in only)
            assert {c.state for c in single.cells} == {"only"}
        for c in (chart, single):
            for x in [*(c.rows if c else ()), *(c.cells if c else ())]:
                assert x.href[1:] in ids, x.href  # every link lands on an element of the page
                assert x.title if isinstance(x, Cell) else x.label  # and is named (its <title>, its text)
        bars = exclusives_chart(data, n)
        assert (sum(b.count for b in bars.bars) if bars else 0) == len(only)
        assert all(b.href[1:] in ids for b in (bars.bars if bars else ()))


def test_timeline_marks_within_the_axis() -> None:
    data = to_dict(build_report())
    drawn = 0
    for n, story in enumerate(data["stories"]):
        chart = timeline_chart(data, n, base="/stories/x")
        if chart is None:
            continue
        drawn += 1
        events = [t for t in story["timeline"] if t.get("lane") != "background"]  # background years: listed only
        dates = {(t["date"], t["precision"]) for t in events if _period(str(t["date"]), t["precision"])}
        assert len([m for m in chart.marks if m.lane == 0]) == len(dates)  # one mark per date
        for m in chart.marks:
            assert TIMELINE_PAD <= m.x <= TIMELINE_W - TIMELINE_PAD
            assert m.x + m.w <= TIMELINE_W - TIMELINE_PAD + 0.5
            assert m.href.startswith("/stories/x")
        assert [t.x for t in chart.ticks] == sorted(t.x for t in chart.ticks)
    assert drawn >= 1


def test_timeline_marks_link_to_their_sentences() -> None:
    """A dated mark links to a sentence that dates it (an anchor of the page), a publication to its article."""
    data = to_dict(build_report())
    ids = _page_ids()
    for n in range(len(data["stories"])):
        chart = timeline_chart(data, n)
        if chart is None:
            continue
        for m in chart.marks:
            assert m.href[1:] in ids, m.href
            assert m.href.startswith("#a-" if m.lane == 0 else "#article-")
            assert m.title


def test_periods() -> None:
    assert _period("2020-08-23", "day") == (date(2020, 8, 23), date(2020, 8, 24))
    assert _period("2019-12", "month") == (date(2019, 12, 1), date(2020, 1, 1))
    assert _period("2019-06-01", "month") == (date(2019, 6, 1), date(2019, 7, 1))
    assert _period("2018", "year") == (date(2018, 1, 1), date(2019, 1, 1))
    assert _period("2020-02-30", "day") is None
    assert _period("soon", "day") is None
    # at the calendar's edges (issue 15): an end past 9999-12-31 is no period, and nothing raises
    assert _period("9999-12-31", "day") is None
    assert _period("9999-12", "month") is None
    assert _period("9999", "year") is None
    assert _period("9999-12-30", "day") == (date(9999, 12, 30), date(9999, 12, 31))
    assert _period("0001-01-01", "day") == (date(1, 1, 1), date(1, 1, 2))


def test_ticks_stop_at_the_calendar_end() -> None:
    from parallax.web.charts import _ticks

    ticks = _ticks(date(9999, 12, 1), date(9999, 12, 31), lambda d: float(d.day))
    assert ticks[-1].label.endswith("9999")
    assert [t.x for t in ticks] == sorted(t.x for t in ticks)
