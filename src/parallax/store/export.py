"""Export a store's tables as CSV or Parquet files, one file per table, for spreadsheets and data frames.

The serialised records (``annotated``, ``analysis``, ``duplicates``, ``report``) and sentence vectors are left
out: they are the store's own format; the JSON API and ``parallax show --format json`` give the same data in the
documented report schema. In CSV, a text cell that starts like a formula (``= + - @``, tab, carriage return) gets a
leading apostrophe, so a spreadsheet shows it instead of running it.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ReportError
from ..extras import require
from . import Store

__all__ = ["EXPORT_FORMATS", "EXPORT_TABLES", "export"]

EXPORT_FORMATS = ("csv", "parquet")
EXPORT_TABLES = ("stories", "articles", "facts", "entities", "citations")
_LEFT_OUT = frozenset({"annotated", "analysis", "duplicates", "report", "vectors"})
# A CSV text cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)" in a title): it goes
# out with a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection). Numbers stay.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export(store: Store, folder: str | os.PathLike[str], fmt: str = "csv") -> list[Path]:
    """Write each of ``EXPORT_TABLES`` to ``folder/TABLE.csv`` (or ``.parquet``); returns the files written.

    The folder is created when missing. Raises :class:`~parallax.errors.ConfigError` for an unknown format and
    :class:`~parallax.errors.ReportError` when the folder cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        require("parquet", "Parquet export", "polars")
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create export folder {target}: {exc.strerror or exc}") from exc
    written: list[Path] = []
    for table in EXPORT_TABLES:
        columns, rows = store.rows(table)
        keep = [i for i, c in enumerate(columns) if c not in _LEFT_OUT]
        names = [columns[i] for i in keep]
        data = [[row[i] for i in keep] for row in rows]
        path = target / f"{table}.{fmt}"
        try:
            if fmt == "csv":
                _csv(path, names, data)
            else:
                _parquet(path, names, data)
        except OSError as exc:
            raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written.append(path)
    return written


def _csv(path: Path, names: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        writer.writerows([_cell(value) for value in row] for row in rows)


def _cell(value: Any) -> Any:
    """A text value that a spreadsheet would run as a formula, with a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _parquet(path: Path, names: list[str], rows: list[list[Any]]) -> None:
    import polars as pl

    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    schema = {name: _dtype(values) for name, values in columns.items()}
    pl.DataFrame(columns, schema=schema).write_parquet(path)


def _dtype(values: list[Any]) -> Any:
    """The Parquet column type for a column's values: whole numbers, numbers, else text (also when all null)."""
    import polars as pl

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pl.Int64
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pl.Float64
    return pl.String
