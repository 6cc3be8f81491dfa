"""The story page's charts, as geometry for the SVG templates (charts.html.j2) to draw; no markup here.

Both charts are drawn from the story's report JSON, the data the report itself shows:

- coverage: the fact × article matrix as a heat map (a cell per fact and article: states it, only it states it,
  a syndicated copy states it), each fact's row ending in a bar of how many outlets state it independently;
- timeline: a time axis spanning the dates the articles mention and their publication dates; mentioned dates on
  one lane (a dot for a day, a band for a month or year), publications on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..report.html import slug  # the report's own anchors, so that chart links land on its elements

__all__ = ["Coverage", "Timeline", "coverage_chart", "timeline_chart"]

# Sizes in SVG user units (px at 100% zoom), chosen so a 30 x 8 matrix fits a 1280 px page without scrolling.
CELL = 18  # a matrix cell
GAP = 3  # between cells
LABEL_W = 56  # the fact labels' column ("F12")
HEAD_H = 150  # the rotated article labels above the columns (MAX_LABEL characters at 60 degrees)
BAR_W = 90  # the independent-outlets bar after each row
TIMELINE_W = 680  # the timeline's width: beside the matrix of a few articles on a 1280 px page
TIMELINE_PAD = 40  # left and right margin, so the first and last labels fit
LANE_H = 46  # one lane of the timeline
MAX_LABEL = 24  # characters of an article label drawn in a chart (the full label is in the tooltip)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class Cell:
    x: int
    y: int
    state: str  # "hit", "only", "copy" or "" (not stated)
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Row:
    y: int
    label: str
    text: str
    href: str
    bar: int  # width of the independent-outlets bar
    independent: int


@dataclass(frozen=True, slots=True)
class Column:
    x: int
    label: str
    title: str


@dataclass(frozen=True, slots=True)
class Coverage:
    width: int
    height: int
    cell: int
    label_w: int
    head_h: int
    bar_x: int
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    w: float  # 0 for a point in time (a day), else the band's width (a month or a year)
    lane: int
    label: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    lanes: tuple[str, ...]
    lane_h: int
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def coverage_chart(report: dict[str, Any], story_index: int = 0, base: str = "") -> Coverage | None:
    """The coverage heat map of one story of a report JSON; ``None`` when the story has no facts."""
    stories = report.get("stories", [])
    if story_index >= len(stories) or not stories[story_index]["facts"]:
        return None
    story = stories[story_index]
    labels = {a["id"]: a.get("label") or a["id"] for a in report.get("articles", [])}
    members: list[str] = list(story["articles"])
    exclusive = {fid for fids in story["exclusives"].values() for fid in fids}
    facts = sorted(story["facts"], key=lambda f: (-len(f["independent"] or f["sources"]), -len(f["sources"])))
    widest = max(len(f["independent"] or f["sources"]) for f in facts) or 1
    step = CELL + GAP
    bar_x = LABEL_W + len(members) * step + 8
    rows, cells = [], []
    for i, f in enumerate(facts):
        y = HEAD_H + i * step
        stating = set(f["sources"]) | {m["article"] for m in f["mentions"]}
        independent = set(f["independent"])
        count = len(f["independent"] or f["sources"])
        href = f"{base}#fact-{slug(f['id'])}"
        rows.append(Row(y, f"F{i + 1}", f["text"], href, round(BAR_W * count / widest), count))
        for j, aid in enumerate(members):
            if aid not in stating:
                state, title = "", f"{labels.get(aid, aid)} does not state F{i + 1}"
            elif f["id"] in exclusive:
                state, title = "only", f"only {labels.get(aid, aid)} states F{i + 1}"
            elif independent and aid not in independent:
                state, title = "copy", f"{labels.get(aid, aid)} states F{i + 1} in a syndicated copy"
            else:
                state, title = "hit", f"{labels.get(aid, aid)} states F{i + 1}"
            cells.append(Cell(LABEL_W + j * step, y, state, f"{title}: {f['text']}", href))
    columns = tuple(
        Column(LABEL_W + j * step + CELL // 2, _short(labels.get(aid, aid)), labels.get(aid, aid))
        for j, aid in enumerate(members)
    )
    width = bar_x + BAR_W + 30
    height = HEAD_H + len(facts) * step + 4
    return Coverage(width, height, CELL, LABEL_W, HEAD_H, bar_x, tuple(rows), columns, tuple(cells))


def timeline_chart(report: dict[str, Any], story_index: int = 0, base: str = "") -> Timeline | None:
    """The timeline of one story: mentioned dates and publication dates on one axis; ``None`` without dates."""
    stories = report.get("stories", [])
    if story_index >= len(stories):
        return None
    story = stories[story_index]
    labels = {a["id"]: a.get("label") or a["id"] for a in report.get("articles", [])}
    published = {a["id"]: a.get("published") for a in report.get("articles", [])}
    spans: list[tuple[date, date, int, str, str, str]] = []  # start, end (exclusive), lane, label, title, href
    for t in story["timeline"]:
        period = _period(str(t["date"]), t["precision"])
        if period:
            who = ", ".join(labels.get(a, a) for a in t["articles"])
            spans.append((*period, 0, t["date"], f"{t['date']} ({t['precision']}): {t['text']} — {who}", base))
    for aid in story["articles"]:
        period = _period(published.get(aid) or "", "day")
        if period:
            label = labels.get(aid, aid)
            spans.append(
                (
                    period[0],
                    period[0],
                    1,
                    _short(label),
                    f"{label} published {published[aid]}",
                    f"{base}#article-{slug(aid)}",
                )
            )
    if not spans:
        return None
    first = min(s[0] for s in spans)
    last = max(max(s[1], s[0] + timedelta(days=1)) for s in spans)
    days = max((last - first).days, 1)
    scale = (TIMELINE_W - 2 * TIMELINE_PAD) / days

    def x(d: date) -> float:
        return round(TIMELINE_PAD + (d - first).days * scale, 1)

    marks = tuple(
        Mark(
            x(start),
            0.0 if end <= start + timedelta(days=1) else round((end - start).days * scale, 1),
            lane,
            label,
            title,
            href,
        )
        for start, end, lane, label, title, href in sorted(spans, key=lambda s: (s[2], s[0]))
    )
    lanes = ("Dates mentioned", "Published")
    return Timeline(TIMELINE_W, 30 + LANE_H * len(lanes) + 24, lanes, LANE_H, marks, _ticks(first, last, x))


def _period(value: str, precision: str) -> tuple[date, date] | None:
    """The days ``value`` covers at ``precision``: [start, end) — one day, a month, or a year."""
    m = _DATE.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if precision == "day" and month and day:
            start = date(year, month, day)
            return start, start + timedelta(days=1)
        if precision in ("day", "month") and month:
            start = date(year, month, 1)
            return start, date(year + month // 12, month % 12 + 1, 1)
        return date(year, 1, 1), date(year + 1, 1, 1)
    except (ValueError, OverflowError):  # not a date, or one whose end leaves the calendar (9999-12-31)
        return None


def _ticks(first: date, last: date, x: Any) -> tuple[Tick, ...]:
    """Axis ticks: days for a span under two months, months under three years, else years; at most ~10."""
    days = (last - first).days
    ticks: list[Tick] = []
    if days <= 62:
        step = max(1, days // 8)
        d = first
        while d <= last:
            ticks.append(Tick(x(d), d.strftime("%-d %b %Y")))
            if (date.max - d).days < step:
                break
            d += timedelta(days=step)
    elif days <= 3 * 366:
        months = (last.year - first.year) * 12 + last.month - first.month
        step = max(1, months // 8)
        y, m = first.year, first.month
        while y <= date.max.year and date(y, m, 1) <= last:
            if date(y, m, 1) >= first:
                ticks.append(Tick(x(date(y, m, 1)), date(y, m, 1).strftime("%b %Y")))
            m += step
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1  # past December 9999 the loop ends (no year 10000)
    else:
        step = max(1, (last.year - first.year) // 8)
        for year in range(first.year + (first != date(first.year, 1, 1)), last.year + 1, step):
            ticks.append(Tick(x(date(year, 1, 1)), str(year)))
    return tuple(ticks)
