"""A report as data frames: one polars DataFrame per kind of record, with real types, for notebooks and exports.

``report.tables()`` (or ``build_tables(report)``) gives a :class:`Tables`: ``articles``, ``stories``, ``facts``,
``fact_mentions``, ``quotes``, ``quote_mentions``, ``conflicts``, ``framing_terms``, ``tone``, ``omissions``,
``citations`` and ``entities``. Dates are ``pl.Date`` (the day an article gives) and ``pl.Datetime`` (the time it
gives, and the instant in UTC where it states its offset); lists are list columns (a story's articles and outlets, a
fact's sources), each beside a count where a count is useful; ids come with a human-readable ``outlet`` (the
article's outlet, or its id when it names none, with the id added where two articles share an outlet) and headlines.
``Tables.to_pandas()`` gives the same as pandas DataFrames, and ``Tables.write(folder, "csv" | "parquet")`` writes
one file per table (what ``parallax export`` does).

polars is an optional dependency (the ``parquet`` extra): it is imported when a table is built, and its absence is
one :class:`~parallax.errors.ConfigError` naming the extra. This module reads the records by attribute only (the
models are imported for type checking), so :mod:`parallax.models` can offer ``Report.tables()``.
"""

from __future__ import annotations

import csv
import importlib.util
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .days import publication_day
from .errors import ConfigError, ReportError

if TYPE_CHECKING:
    import polars as pl

    from .models import AnnotatedArticle, Report

__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "LIST_SEPARATOR",
    "TABLE_NAMES",
    "Tables",
    "build_tables",
    "defuse",
    "parse_published",
]

FORMATS = ("csv", "parquet")
# In CSV, a list cell is its items joined by this (a story's outlets: "Reuters; Sputnik").
LIST_SEPARATOR = "; "
# A CSV text cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)" in a title): it goes
# out with a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection). Numbers stay.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_HINT = "pip install 'parallax-news[parquet]'"


class Tables(NamedTuple):
    """A report's tables (polars DataFrames); ``docs/STORE.md`` lists every column."""

    articles: pl.DataFrame
    stories: pl.DataFrame
    facts: pl.DataFrame
    fact_mentions: pl.DataFrame
    quotes: pl.DataFrame
    quote_mentions: pl.DataFrame
    conflicts: pl.DataFrame
    figures: pl.DataFrame
    framing_terms: pl.DataFrame
    tone: pl.DataFrame
    omissions: pl.DataFrame
    citations: pl.DataFrame
    entities: pl.DataFrame

    def frames(self) -> Iterator[tuple[str, pl.DataFrame]]:
        """(name, table) for every table, in ``TABLE_NAMES`` order."""
        yield from zip(self._fields, self, strict=True)

    def to_pandas(self) -> dict[str, Any]:
        """Every table as a pandas DataFrame (needs pandas and pyarrow), by name."""
        missing = [name for name in ("pandas", "pyarrow") if importlib.util.find_spec(name) is None]
        if missing:
            raise ConfigError(f"pandas tables need {' and '.join(missing)}", hint="pip install pandas pyarrow")
        return {name: frame.to_pandas() for name, frame in self.frames()}

    def write(self, folder: str | os.PathLike[str], fmt: str = "csv") -> list[Path]:
        """Write each table to ``folder/NAME.csv`` (or ``.parquet``), rows in key order; returns the files written.

        CSV: list cells joined by ``LIST_SEPARATOR``, dates in ISO 8601, text that a spreadsheet would run as a
        formula with a leading apostrophe (:func:`defuse`). Parquet keeps the list, date and number types.
        """
        if fmt not in FORMATS:
            raise ConfigError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
        target = Path(folder)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReportError(f"cannot create export folder {target}: {exc.strerror or exc}") from exc
        written: list[Path] = []
        for name, frame in self.frames():
            path = target / f"{name}.{fmt}"
            ordered = frame.sort(KEYS[name], maintain_order=True, nulls_last=True)
            try:
                if fmt == "csv":
                    _write_csv(path, ordered)
                else:
                    ordered.write_parquet(path)
            except OSError as exc:
                raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
            written.append(path)
        return written


TABLE_NAMES: tuple[str, ...] = Tables._fields
# The columns that order each table's rows in a written file (a store's own keys, so exports compare equal).
KEYS: dict[str, list[str]] = {
    "articles": ["id"],
    "stories": ["id"],
    "facts": ["story_id", "id"],
    "fact_mentions": ["story_id", "fact_id", "related", "article_id", "sentence"],
    "quotes": ["story_id", "id"],
    "quote_mentions": ["story_id", "quote_id", "article_id", "start"],
    "conflicts": ["story_id", "id"],
    "figures": ["story_id", "figure_id", "position"],
    "framing_terms": ["article_id", "in_title", "start"],
    "tone": ["story_id", "entity", "article_id"],
    "omissions": ["story_id", "article_id", "fact_id"],
    "citations": ["article_id", "source", "kind"],
    "entities": ["article_id", "name", "label"],
}


UNKNOWN_OUTLET = "Unknown outlet"  # an article whose outlet no field names
LABEL_TITLE_CHARS = 40  # the headline that tells two articles of one outlet apart, cut here


def defuse(value: Any) -> Any:
    """A text value that a spreadsheet would run as a formula, with a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def parse_published(value: str | None) -> tuple[date | None, datetime | None, datetime | None]:
    """An article's ``published`` as (day, local date and time, instant in UTC): the time parts are ``None`` when the
    value gives no time, the UTC instant also when it gives no offset (``2020-08-24T11:07:12``)."""
    day = publication_day(value)
    if value is None or day is None or len(value.strip()) <= 10:
        return day, None, None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return day, None, None
    if moment.tzinfo is None:
        return day, moment, None
    return day, moment.replace(tzinfo=None), moment.astimezone(UTC)


def _polars() -> Any:
    try:
        import polars
    except ImportError as exc:
        raise ConfigError("tables need polars, which is not installed", hint=PARQUET_HINT) from exc
    return polars


def build_tables(report: Report) -> Tables:
    """The report's tables (see the module's docstring); raises :class:`~parallax.errors.ConfigError` without
    polars."""
    polars = _polars()
    context = _Context(report)
    built: dict[str, pl.DataFrame] = {}
    for name in TABLE_NAMES:
        schema = {column: _dtype(polars, kind) for column, kind in SCHEMAS[name]}
        rows = list(BUILDERS[name](context))
        if rows and list(rows[0]) != list(schema):  # a builder and its schema must name the same columns
            raise RuntimeError(f"table {name}: the rows' columns {list(rows[0])} are not {list(schema)}")
        built[name] = polars.DataFrame(rows, schema=schema, orient="row")
    return Tables(**built)


# --- the tables' columns ------------------------------------------------------------------------------------------

_TYPES = {
    "str": "String",
    "int": "Int64",
    "float": "Float64",
    "bool": "Boolean",
    "date": "Date",
}


def _dtype(pl: Any, kind: str) -> Any:
    if kind == "datetime":
        return pl.Datetime("us")
    if kind == "utc":
        return pl.Datetime("us", time_zone="UTC")
    if kind.startswith("list:"):
        return pl.List(_dtype(pl, kind[5:]))
    return getattr(pl, _TYPES[kind])


SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("id", "str"), ("story_id", "str"), ("outlet", "str"), ("label", "str"), ("title", "str"),
        ("byline", "str"), ("published", "date"), ("published_local", "datetime"), ("published_utc", "utc"),
        ("url", "str"), ("source", "str"), ("language", "str"), ("format", "str"), ("word_count", "int"),
        ("sentence_count", "int"), ("tone", "float"), ("quote_count", "int"), ("citation_count", "int"),
        ("loaded_term_count", "int"),
        ("cites", "list:str"), ("duplicate_of", "str"), ("text", "str"),
    ),
    "stories": (
        ("id", "str"), ("title", "str"), ("article_ids", "list:str"), ("article_count", "int"),
        ("outlets", "list:str"), ("outlet_count", "int"), ("fact_count", "int"), ("quote_count", "int"),
        ("conflict_count", "int"), ("first_published", "date"), ("last_published", "date"),
        ("compared", "list:str"), ("sampled", "bool"),
    ),
    "facts": (
        ("story_id", "str"), ("id", "str"), ("position", "int"), ("text", "str"), ("sources", "list:str"),
        ("source_outlets", "list:str"), ("source_count", "int"), ("independent", "list:str"),
        ("independent_count", "int"), ("first", "str"), ("first_outlet", "str"), ("mention_count", "int"),
        ("related_count", "int"), ("exclusive", "bool"),
    ),
    "fact_mentions": (
        ("story_id", "str"), ("fact_id", "str"), ("article_id", "str"), ("outlet", "str"), ("related", "bool"),
        ("sentence", "int"), ("text", "str"), ("start", "int"), ("end", "int"), ("similarity", "float"),
        ("confidence", "float"),
    ),
    "quotes": (
        ("story_id", "str"), ("id", "str"), ("speaker", "str"), ("text", "str"), ("mention_count", "int"),
        ("article_ids", "list:str"), ("outlets", "list:str"), ("direct", "bool"),
    ),
    "quote_mentions": (
        ("story_id", "str"), ("quote_id", "str"), ("article_id", "str"), ("outlet", "str"), ("speaker", "str"),
        ("kind", "str"), ("text", "str"), ("sentence", "int"), ("start", "int"), ("end", "int"),
    ),
    "conflicts": (
        ("story_id", "str"), ("id", "str"), ("kind", "str"), ("description", "str"), ("fact_id", "str"),
        ("article_ids", "list:str"), ("outlets", "list:str"), ("values", "list:str"), ("sentences", "list:int"),
        ("texts", "list:str"),
    ),
    "figures": (
        ("story_id", "str"), ("figure_id", "str"), ("counts", "str"), ("fact_id", "str"), ("position", "int"),
        ("article_id", "str"), ("outlet", "str"), ("published", "date"), ("published_utc", "utc"), ("value", "float"),
        ("text", "str"), ("sentence", "int"),
    ),
    "framing_terms": (
        ("article_id", "str"), ("story_id", "str"), ("outlet", "str"), ("text", "str"), ("kind", "str"),
        ("in_title", "bool"), ("sentence", "int"), ("start", "int"), ("end", "int"),
    ),
    "tone": (
        ("story_id", "str"), ("entity", "str"), ("label", "str"), ("article_id", "str"), ("outlet", "str"),
        ("score", "float"), ("sentences", "list:int"), ("sentence_scores", "list:float"), ("quoted_score", "float"),
        ("quoted_sentences", "list:int"),
    ),
    "omissions": (
        ("story_id", "str"), ("article_id", "str"), ("outlet", "str"), ("fact_id", "str"), ("fact", "str"),
        ("stated_by", "list:str"), ("stated_by_count", "int"),
    ),
    "citations": (
        ("article_id", "str"), ("source", "str"), ("kind", "str"), ("mentions", "int"), ("sentences", "list:int"),
        ("cues", "list:str"), ("outlet", "str"), ("story_id", "str"),
    ),
    "entities": (
        ("article_id", "str"), ("name", "str"), ("label", "str"), ("mentions", "int"), ("sentences", "list:int"),
        ("outlet", "str"), ("story_id", "str"),
    ),
}  # fmt: skip


# --- the rows -----------------------------------------------------------------------------------------------------

Row = dict[str, Any]


class _Context:
    """What every table needs: the articles by id, their labels, and the story holding each article."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.articles = {a.id: a for a in report.articles}
        self.labels = article_labels(report.articles)
        self.story_of = {aid: s.story.id for s in report.stories for aid in s.story.articles}
        self.duplicate_of: dict[str, str] = {}
        for group in report.duplicates:
            for copy in group.copies:
                self.duplicate_of.setdefault(copy, group.original)

    def label(self, article_id: str) -> str:
        return self.labels.get(article_id, article_id)

    def outlet(self, article_id: str) -> str:
        """The article's outlet, or its id when it names none (or is not in the report)."""
        a = self.articles.get(article_id)
        return ((a.article.outlet or "").strip() if a is not None else "") or article_id


def article_labels(articles: Iterable[AnnotatedArticle]) -> dict[str, str]:
    """A short display name per article for readers (the JSON report's ``label``): its outlet (``Unknown outlet``
    when none is known), told apart by a short headline (or first sentence) where outlets repeat (else by a
    number); never a file name or an internal id."""
    listed = list(articles)
    names = {a.id: (a.article.outlet or "").strip() or UNKNOWN_OUTLET for a in listed}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    labels: dict[str, str] = {}
    taken: set[str] = set()
    counts: dict[str, int] = {}
    for a in listed:
        name = names[a.id]
        label = name
        if seen[name] > 1:
            counts[name] = counts.get(name, 0) + 1
            headline = _short(a.article.title or _first_sentence(a))
            label = f"{name}: {headline}" if headline else f"{name} #{counts[name]}"
        while label in taken:  # two articles of one outlet under one headline
            counts[name] = counts.get(name, 0) + 1
            label = f"{name} #{counts[name]}"
        taken.add(label)
        labels[a.id] = label
    return labels


def _first_sentence(a: AnnotatedArticle) -> str:
    """The article's first sentence (what stands for a headline when it has none), else nothing."""
    return a.article.text[a.sentences[0].start : a.sentences[0].end] if a.sentences else ""


def _short(title: str, limit: int = LABEL_TITLE_CHARS) -> str:
    """``title`` on one line, cut at a word boundary to about ``limit`` characters."""
    line = " ".join(title.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip(",;:-–—") + "…"


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _articles(c: _Context) -> Iterator[Row]:
    for a in c.report.articles:
        art = a.article
        day, local, utc = parse_published(art.published)
        yield {
            "id": art.id,
            "story_id": c.story_of.get(art.id),
            "outlet": art.outlet,
            "label": c.label(art.id),
            "title": art.title,
            "byline": art.byline,
            "published": day,
            "published_local": local,
            "published_utc": utc,
            "url": art.url,
            "source": art.source,
            "language": art.language,
            "format": art.format,
            "word_count": len(art.text.split()),
            "sentence_count": len(a.sentences),
            "tone": float(a.tone),
            "quote_count": len(a.quotes),
            "citation_count": len(a.citations),
            "loaded_term_count": len(a.loaded_terms),
            "cites": _unique(x.source for x in a.citations if x.kind in ("wire", "outlet")),
            "duplicate_of": c.duplicate_of.get(art.id),
            "text": art.text,
        }


def _stories(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        members = [c.articles[aid] for aid in s.story.articles if aid in c.articles]
        days = [d for d in (publication_day(a.article.published) for a in members) if d is not None]
        outlets = _unique(c.outlet(aid) for aid in s.story.articles)  # names, each once
        yield {
            "id": s.story.id,
            "title": s.story.title,
            "article_ids": list(s.story.articles),
            "article_count": len(s.story.articles),
            "outlets": outlets,
            "outlet_count": len(outlets),
            "fact_count": len(s.facts),
            "quote_count": len(s.quotes),
            "conflict_count": len(s.conflicts),
            "first_published": min(days, default=None),
            "last_published": max(days, default=None),
            "compared": list(s.compared or s.story.articles),
            "sampled": bool(s.compared) and len(s.compared) < len(s.story.articles),
        }


def _facts(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for position, f in enumerate(s.facts):
            stating = _unique([*f.sources, *(m.article_id for m in f.mentions)])
            yield {
                "story_id": s.story.id,
                "id": f.id,
                "position": position,
                "text": f.text,
                "sources": list(f.sources),
                "source_outlets": [c.label(a) for a in f.sources],
                "source_count": len(f.sources),
                "independent": list(f.independent),
                "independent_count": len(f.independent),
                "first": f.first,
                "first_outlet": c.label(f.first) if f.first else None,
                "mention_count": len(f.mentions),
                "related_count": len(f.related),
                "exclusive": len(stating) == 1,
            }


def _fact_mentions(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for f in s.facts:
            for related, mentions in ((False, f.mentions), (True, f.related)):
                for m in mentions:
                    yield {
                        "story_id": s.story.id,
                        "fact_id": f.id,
                        "article_id": m.article_id,
                        "outlet": c.label(m.article_id),
                        "related": related,
                        "sentence": m.sentence,
                        "text": _sentence(c, m.article_id, m.start, m.end, m.text),
                        "start": m.start,
                        "end": m.end,
                        "similarity": float(m.similarity),
                        "confidence": float(m.confidence),
                    }


def _sentence(c: _Context, article_id: str, start: int, end: int, fallback: str) -> str:
    a = c.articles.get(article_id)
    if a is not None and 0 <= start < end <= len(a.article.text):
        return a.article.text[start:end]
    return fallback


def _quotes(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for q in s.quotes:
            ids = _unique(m.article_id for m in q.mentions)
            yield {
                "story_id": s.story.id,
                "id": q.id,
                "speaker": q.speaker,
                "text": q.mentions[0].text if q.mentions else "",
                "mention_count": len(q.mentions),
                "article_ids": ids,
                "outlets": [c.label(a) for a in ids],
                "direct": any(m.kind == "direct" for m in q.mentions),
            }


def _quote_mentions(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for q in s.quotes:
            for m in q.mentions:
                yield {
                    "story_id": s.story.id,
                    "quote_id": q.id,
                    "article_id": m.article_id,
                    "outlet": c.label(m.article_id),
                    "speaker": q.speaker,
                    "kind": m.kind,
                    "text": m.text,
                    "sentence": m.sentence,
                    "start": m.start,
                    "end": m.end,
                }


def _conflicts(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for x in s.conflicts:
            ids = [m.article_id for m in x.mentions]
            yield {
                "story_id": s.story.id,
                "id": x.id,
                "kind": x.kind,
                "description": x.description,
                "fact_id": x.fact_id,
                "article_ids": ids,
                "outlets": [c.label(a) for a in ids],
                "values": [m.value for m in x.mentions],
                "sentences": [m.sentence for m in x.mentions],
                "texts": [m.text for m in x.mentions],
            }


def _figures(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for f in s.figures:
            for position, r in enumerate(f.reports):
                day, _, utc = parse_published(r.published)
                yield {
                    "story_id": s.story.id,
                    "figure_id": f.id,
                    "counts": f.counts,
                    "fact_id": f.fact_id,
                    "position": position,
                    "article_id": r.article_id,
                    "outlet": c.label(r.article_id),
                    "published": day,
                    "published_utc": utc,
                    "value": float(r.value),
                    "text": r.text,
                    "sentence": r.sentence,
                }


def _framing_terms(c: _Context) -> Iterator[Row]:
    for a in c.report.articles:
        for in_title, terms in ((True, a.title_terms), (False, a.loaded_terms)):
            for t in terms:
                yield {
                    "article_id": a.id,
                    "story_id": c.story_of.get(a.id),
                    "outlet": c.label(a.id),
                    "text": t.text,
                    "kind": t.kind,
                    "in_title": in_title,
                    "sentence": None if in_title else t.sentence,
                    "start": t.start,
                    "end": t.end,
                }


def _tone(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        for t in s.tone:
            yield {
                "story_id": s.story.id,
                "entity": t.entity,
                "label": t.label,
                "article_id": t.article_id,
                "outlet": c.label(t.article_id),
                "score": float(t.score),
                "sentences": [x.sentence for x in t.sentences],
                "sentence_scores": [float(x.score) for x in t.sentences],
                "quoted_score": None if t.quoted_score is None else float(t.quoted_score),
                "quoted_sentences": [x.sentence for x in t.quoted],
            }


def _omissions(c: _Context) -> Iterator[Row]:
    for s in c.report.stories:
        facts = {f.id: f for f in s.facts}
        for coverage in s.coverage:
            for fact_id in coverage.omitted:
                fact = facts.get(fact_id)
                sources = list(fact.sources) if fact is not None else []
                yield {
                    "story_id": s.story.id,
                    "article_id": coverage.article_id,
                    "outlet": c.label(coverage.article_id),
                    "fact_id": fact_id,
                    "fact": fact.text if fact is not None else None,
                    "stated_by": sources,
                    "stated_by_count": len(sources),
                }


def _citations(c: _Context) -> Iterator[Row]:
    for a in c.report.articles:
        grouped: dict[tuple[str, str], list[Any]] = {}
        for x in a.citations:
            grouped.setdefault((x.source, x.kind), []).append(x)
        for (source, kind), found in sorted(grouped.items()):
            yield {
                "article_id": a.id,
                "source": source,
                "kind": kind,
                "mentions": len(found),
                "sentences": [x.sentence for x in found],
                "cues": _unique(x.cue for x in found),
                "outlet": c.label(a.id),
                "story_id": c.story_of.get(a.id),
            }


def _entities(c: _Context) -> Iterator[Row]:
    for a in c.report.articles:
        grouped: dict[tuple[str, str], list[int]] = {}
        for e in a.entities:
            name = (e.name or e.text).strip()
            if name:
                grouped.setdefault((name, e.label), []).append(e.sentence)
        for (name, label), sentences in sorted(grouped.items()):
            yield {
                "article_id": a.id,
                "name": name,
                "label": label,
                "mentions": len(sentences),
                "sentences": sentences,
                "outlet": c.label(a.id),
                "story_id": c.story_of.get(a.id),
            }


BUILDERS: dict[str, Callable[[_Context], Iterator[Row]]] = {
    "articles": _articles,
    "stories": _stories,
    "facts": _facts,
    "fact_mentions": _fact_mentions,
    "quotes": _quotes,
    "quote_mentions": _quote_mentions,
    "conflicts": _conflicts,
    "figures": _figures,
    "framing_terms": _framing_terms,
    "tone": _tone,
    "omissions": _omissions,
    "citations": _citations,
    "entities": _entities,
}


# --- CSV ----------------------------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    """One CSV cell: lists joined by ``LIST_SEPARATOR``, dates in ISO 8601, booleans as true/false, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return defuse(LIST_SEPARATOR.join("" if v is None else str(v) for v in value))
    return defuse(value)


def _write_csv(path: Path, frame: pl.DataFrame) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(frame.columns)
        writer.writerows([_csv_cell(v) for v in row] for row in frame.iter_rows())
