"""Export a report's tables, from a store or from a report, as CSV or Parquet files: one file per table.

One code path: the store's stories are read back as one :class:`~parallax.models.Report` (each story's analysis,
articles and copies, as ``parallax show`` reads them), its tables are built by :func:`parallax.tables.build_tables`
(``report.tables()``) and written by :meth:`parallax.tables.Tables.write`. From a store, ``stories`` also gets the
``created``/``updated`` times and ``articles`` the ``added`` time (UTC). The tables and their columns are listed in
``docs/STORE.md``. In CSV, lists are joined by ``"; "`` and a text cell that starts like a formula (``= + - @``, tab,
carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of running it; Parquet keeps the list,
date and number types.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..models import Report
from ..tables import FORMATS, FORMULA_STARTS, TABLE_NAMES, Tables, build_tables, defuse
from . import Store, StoryInfo

__all__ = ["EXPORT_FORMATS", "EXPORT_TABLES", "FORMULA_STARTS", "defuse", "export", "store_report", "store_tables"]

EXPORT_FORMATS = FORMATS
EXPORT_TABLES = TABLE_NAMES
PAGE = 500  # the store's largest page


def export(source: Store | Report, folder: str | os.PathLike[str], fmt: str = "csv") -> list[Path]:
    """Write the tables of ``source`` (a store, or a report) to ``folder/TABLE.csv`` (or ``.parquet``); returns the
    files written, in ``EXPORT_TABLES`` order.

    The folder is created when missing. Raises :class:`~parallax.errors.ConfigError` for an unknown format or when
    polars is not installed, :class:`~parallax.errors.ReportError` when the folder cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    tables = build_tables(source) if isinstance(source, Report) else store_tables(source)
    return tables.write(folder, fmt)


def store_report(store: Store) -> Report:
    """Every stored story as one report: the stories newest first (as ``parallax stories`` lists them), each with
    its articles and copies."""
    return _report(store, [s.id for s in _stories(store)])


def store_tables(store: Store) -> Tables:
    """The tables of :func:`store_report`, with the store's own times: stories' ``created`` and ``updated``,
    articles' ``added`` (``pl.Datetime`` in UTC)."""
    stories = _stories(store)
    tables = build_tables(_report(store, [s.id for s in stories]))
    added: dict[str, datetime | None] = {}
    while articles := store.list_articles(limit=PAGE, offset=len(added)).items:
        added.update((a.id, _instant(a.added)) for a in articles)
    created = {s.id: _instant(s.created) for s in stories}
    updated = {s.id: _instant(s.updated) for s in stories}
    return tables._replace(
        stories=_with(tables.stories, {"created": created, "updated": updated}),
        articles=_with(tables.articles, {"added": added}),
    )


def _stories(store: Store) -> list[StoryInfo]:
    found: dict[str, StoryInfo] = {}
    while page := store.list_stories(limit=PAGE, offset=len(found)).items:
        found.update((s.id, s) for s in page)
    return list(found.values())


def _report(store: Store, story_ids: list[str]) -> Report:
    parts = [r for r in (store.load_report(sid) for sid in story_ids) if r is not None]
    return Report(
        articles=tuple(a for r in parts for a in r.articles),
        stories=tuple(s for r in parts for s in r.stories),
        duplicates=tuple(g for r in parts for g in r.duplicates),
        generated=max((r.generated for r in parts), default=""),
        version=parts[0].version if parts else "",
    )


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _with(frame: Any, columns: dict[str, dict[str, datetime | None]]) -> Any:
    """``frame`` with a UTC time column per entry of ``columns``, looked up by the row's ``id``."""
    import polars as pl

    ids = frame["id"].to_list()
    utc = pl.Datetime("us", "UTC")
    return frame.with_columns([pl.Series(name, [v.get(i) for i in ids], dtype=utc) for name, v in columns.items()])
