"""Export a store's tables as CSV or Parquet files, one file per table, for spreadsheets and data frames.

The serialised records (``annotated``, ``analysis``, ``duplicates``, ``report``) are left out: they are the store's
own format; the JSON API and ``parallax show --format json`` give the same data in the documented report schema.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ReportError
from . import Store

__all__ = ["EXPORT_FORMATS", "EXPORT_TABLES", "export"]

EXPORT_FORMATS = ("csv", "parquet")
EXPORT_TABLES = ("stories", "articles", "facts", "entities", "citations")
_LEFT_OUT = frozenset({"annotated", "analysis", "duplicates", "report"})


def export(store: Store, folder: str | os.PathLike[str], fmt: str = "csv") -> list[Path]:
    """Write each of ``EXPORT_TABLES`` to ``folder/TABLE.csv`` (or ``.parquet``); returns the files written.

    The folder is created when missing. Raises :class:`~parallax.errors.ConfigError` for an unknown format and
    :class:`~parallax.errors.ReportError` when the folder cannot be written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
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
        writer.writerows(rows)


def _parquet(path: Path, names: list[str], rows: list[list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    # An empty column has no type to infer; text is the safe guess (every key and label column is text).
    arrays = [pa.array(values) if values else pa.array([], type=pa.string()) for values in columns.values()]
    pq.write_table(pa.table(arrays, names=names), path)
