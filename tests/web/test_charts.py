"""The chart geometry, on the hand-made report of tests/test_report.py: one cell per fact and article, in the
report's fact order, with the states the report's own coverage matrix shows; timeline marks where the dates are."""

from __future__ import annotations

from datetime import date

from parallax.report import to_dict
from parallax.report.html import _view
from parallax.web.charts import CELL, TIMELINE_PAD, TIMELINE_W, _period, coverage_chart, timeline_chart
from tests.test_report import build_report


def test_coverage_cells_match_the_report_matrix() -> None:
    data = to_dict(build_report())
    view = _view(data)
    for n, story in enumerate(data["stories"]):
        chart = coverage_chart(data, n)
        matrix = view["stories"][n]["facts"]
        if not story["facts"]:
            assert chart is None
            continue
        assert chart is not None
        assert len(chart.rows) == len(matrix)
        assert len(chart.cells) == len(matrix) * len(story["articles"])
        states = [c.state for c in chart.cells]
        assert states == [cell["state"] for row in matrix for cell in row["cells"]]
        assert [r.href for r in chart.rows] == [f"#{row['anchor']}" for row in matrix]
        assert [r.independent for r in chart.rows] == [row["independent"] for row in matrix]
        assert all(0 <= r.bar <= 90 for r in chart.rows)
        assert chart.width > chart.bar_x > chart.label_w
        assert chart.height >= chart.head_h + len(matrix) * CELL


def test_timeline_marks_within_the_axis() -> None:
    data = to_dict(build_report())
    drawn = 0
    for n, story in enumerate(data["stories"]):
        chart = timeline_chart(data, n, base="/stories/x")
        if chart is None:
            continue
        drawn += 1
        assert len(chart.marks) >= len([t for t in story["timeline"] if _period(str(t["date"]), t["precision"])])
        for m in chart.marks:
            assert TIMELINE_PAD <= m.x <= TIMELINE_W - TIMELINE_PAD
            assert m.x + m.w <= TIMELINE_W - TIMELINE_PAD + 0.5
            assert m.href.startswith("/stories/x")
        assert [t.x for t in chart.ticks] == sorted(t.x for t in chart.ticks)
    assert drawn >= 1


def test_periods() -> None:
    assert _period("2020-08-23", "day") == (date(2020, 8, 23), date(2020, 8, 24))
    assert _period("2019-12", "month") == (date(2019, 12, 1), date(2020, 1, 1))
    assert _period("2019-06-01", "month") == (date(2019, 6, 1), date(2019, 7, 1))
    assert _period("2018", "year") == (date(2018, 1, 1), date(2019, 1, 1))
    assert _period("2020-02-30", "day") is None
    assert _period("soon", "day") is None
