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
from datetime import date, datetime, timedelta
from typing import Any

# the report's own anchors: chart links land on its elements
from ..report.html import anchored_sentences, slug

__all__ = [
    "Coverage",
    "Exclusives",
    "Timeline",
    "coverage_chart",
    "exclusives_chart",
    "human_day",
    "human_time",
    "timeline_chart",
]

# Sizes in SVG user units (px at 100% zoom), chosen so a 30 x 8 matrix fits a 1280 px page without scrolling.
CELL = 18  # a matrix cell
GAP = 3  # between cells
LABEL_W = 430  # the fact labels' column: a fact's text, up to FACT_CHARS characters
FACT_CHARS = 60  # characters of a fact's text drawn as its row's label (the link leads to its row, with all of it)
HEAD_H = 150  # the rotated article labels above the columns (MAX_LABEL characters at 60 degrees)
BAR_W = 90  # the independent-outlets bar after each row
EXCLUSIVE_LABEL_W = 330  # the article labels before the bars of facts only each article states
EXCLUSIVE_W = 240  # the longest of those bars
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
class Bar:
    y: int
    label: str
    title: str
    count: int
    width: int
    href: str


@dataclass(frozen=True, slots=True)
class Exclusives:
    width: int
    height: int
    label_w: int
    bar_h: int
    bars: tuple[Bar, ...]


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


def _short(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _sentence_href(aid: str, index: int, anchored: dict[str, frozenset[int]], base: str) -> str:
    """A link to a sentence of the story's page when it has an anchor there, else to the article."""
    if index in anchored.get(aid, frozenset()):
        return f"{base}#a-{slug(aid)}-s-{index}"
    return f"{base}#article-{slug(aid)}"


def coverage_chart(
    report: dict[str, Any], story_index: int = 0, base: str = "", *, single: bool = False
) -> Coverage | None:
    """The coverage heat map of one story of a report JSON: the facts more than one article states (``single``:
    the facts only one article states), each row labelled with the fact's text; ``None`` when there are none.

    Only the cells of articles that state a fact are drawn (a band per row guides the eye): a 50-article story
    would otherwise draw tens of thousands of empty cells. Each drawn cell links to the sentence that states it."""
    stories = report.get("stories", [])
    if story_index >= len(stories):
        return None
    story = stories[story_index]
    labels = {a["id"]: a.get("label") or a["id"] for a in report.get("articles", [])}
    outlets = {a["id"]: a.get("outlet") or labels.get(a["id"], a["id"]) for a in report.get("articles", [])}
    anchored = anchored_sentences(report)
    members: list[str] = list(story["articles"])
    exclusive = {fid for fids in story["exclusives"].values() for fid in fids}
    ordered = sorted(story["facts"], key=lambda f: (-len(f["independent"] or f["sources"]), -len(f["sources"])))
    number = {f["id"]: i for i, f in enumerate(ordered, 1)}
    facts = [f for f in ordered if (f["id"] in exclusive) == single]
    if not facts:
        return None
    widest = max(len({outlets.get(a, a) for a in f["independent"] or f["sources"]}) for f in ordered) or 1
    step = CELL + GAP
    bar_x = LABEL_W + len(members) * step + 8
    rows, cells = [], []
    for i, f in enumerate(facts):
        y = HEAD_H + i * step
        first: dict[str, int] = {}
        for m in f["mentions"]:
            first.setdefault(m["article"], m["index"])
        stating = set(f["sources"]) | set(first)
        independent = set(f["independent"])
        count = len({outlets.get(a, a) for a in f["independent"] or f["sources"]})
        href = f"{base}#fact-{slug(f['id'])}"
        rows.append(Row(y, _short(f["text"], FACT_CHARS), f["text"], href, round(BAR_W * count / widest), count))
        for j, aid in enumerate(members):
            if aid not in stating:
                continue
            if f["id"] in exclusive:
                state, says = "only", "only it states"
            elif independent and aid not in independent:
                state, says = "copy", "states, in a syndicated copy,"
            else:
                state, says = "hit", "states"
            title = f"{labels.get(aid, aid)} {says} F{number[f['id']]}"
            link = _sentence_href(aid, first[aid], anchored, base) if aid in first else f"{base}#article-{slug(aid)}"
            cells.append(Cell(LABEL_W + j * step, y, state, title, link))
    columns = tuple(
        Column(LABEL_W + j * step + CELL // 2, _short(labels.get(aid, aid)), labels.get(aid, aid))
        for j, aid in enumerate(members)
    )
    width = bar_x + BAR_W + 70
    height = HEAD_H + len(facts) * step + 4
    return Coverage(width, height, CELL, LABEL_W, HEAD_H, bar_x, tuple(rows), columns, tuple(cells))


def exclusives_chart(report: dict[str, Any], story_index: int = 0, base: str = "") -> Exclusives | None:
    """How many facts only each article states: a bar per article that has any, linking to its list on the page
    (``only-{story}-{article}``); ``None`` when no article has one."""
    stories = report.get("stories", [])
    if story_index >= len(stories):
        return None
    story = stories[story_index]
    labels = {a["id"]: a.get("label") or a["id"] for a in report.get("articles", [])}
    counts = [(aid, len(story["exclusives"].get(aid, []))) for aid in story["articles"]]
    counts = [(aid, n) for aid, n in counts if n]
    if not counts:
        return None
    widest = max(n for _, n in counts)
    step = CELL + GAP
    bars = tuple(
        Bar(
            i * step,
            _short(labels.get(aid, aid), 2 * MAX_LABEL),
            labels.get(aid, aid),
            n,
            max(1, round(EXCLUSIVE_W * n / widest)),
            f"{base}#only-{slug(story['id'])}-{slug(aid)}",
        )
        for i, (aid, n) in enumerate(counts)
    )
    return Exclusives(EXCLUSIVE_LABEL_W + EXCLUSIVE_W + 80, len(bars) * step + 4, EXCLUSIVE_LABEL_W, CELL, bars)


def timeline_chart(report: dict[str, Any], story_index: int = 0, base: str = "") -> Timeline | None:
    """The timeline of one story: the dated events (not the background years, lane ``background``) and the
    publication dates on one axis; ``None`` without dates."""
    stories = report.get("stories", [])
    if story_index >= len(stories):
        return None
    story = stories[story_index]
    labels = {a["id"]: a.get("label") or a["id"] for a in report.get("articles", [])}
    published = {a["id"]: a.get("published") for a in report.get("articles", [])}
    anchored = anchored_sentences(report)
    spans: list[tuple[date, date, int, str, str, str]] = []  # start, end (exclusive), lane, label, title, href
    dated: dict[tuple[str, str], list[dict[str, Any]]] = {}  # one mark per date: entries of one date overlap
    for t in story["timeline"]:
        if t.get("lane", "events") == "background":
            continue  # years given for context (the list below the chart has them): they would stretch the axis
        dated.setdefault((str(t["date"]), t["precision"]), []).append(t)
    for (when, precision), entries in dated.items():
        period = _period(when, precision)
        if period:
            who = ", ".join(dict.fromkeys(labels.get(a, a) for t in entries for a in t["articles"]))
            said = [(x["article"], x["index"]) for t in entries for x in t["sentences"]]
            cited = [a for t in entries for a in t["articles"]]
            href = next(
                (_sentence_href(a, i, anchored, base) for a, i in said if i in anchored.get(a, frozenset())),
                f"{base}#article-{slug(cited[0])}" if cited else base or "#",
            )
            label = _human(period[0], precision)
            many = f" ({len(entries)} sentences)" if len(entries) > 1 else ""
            spans.append((*period, 0, label, f"{label}{many}, in {who}", href))
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
                    f"{label} published {_human(period[0], 'day')}",
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


def human_time(stamp: str | None) -> str:
    """A stored ISO timestamp as readers write it: "7 December 2026, 12:30 UTC" (the offset's name when it is
    not UTC: "+01:00"); the stamp itself when it is not one, "" for none."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    zone = "" if moment.tzinfo is None else (" UTC" if moment.utcoffset() == timedelta(0) else f" {moment:%z}")
    if zone and zone != " UTC":
        zone = f" {zone[1:4]}:{zone[4:]}"
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M}{zone}"


def human_day(value: str | None) -> str:
    """An article's publication date as readers write it ("24 August 2020"); "" when it has none or it is not one."""
    period = _period(value or "", "day")
    return _human(period[0], "day") if period else (value or "")


def _human(day: date, precision: str) -> str:
    """A date as readers write it, at its precision: "23 August 2020", "June 2019", "2018"."""
    if precision == "day":
        return f"{day.day} {day.strftime('%B %Y')}"
    return day.strftime("%B %Y") if precision == "month" else str(day.year)


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
