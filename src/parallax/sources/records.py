"""Structured inputs as documents: JSON, JSON-lines, CSV and Parquet records mapped onto article fields.

News-please and trafilatura JSON, schema.org fields and CSV columns (``--csv-map``) become ``RawDocument`` records
of ``format="record"`` with their fields in ``meta``; a bad record becomes a ``Rejection`` and the rest go on.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import (
    ConfigError,
    EmptyInputError,
    FormatError,
    InputError,
    TooLargeError,
)
from ..extras import require
from ..models import RawDocument, Rejection
from ..processes import spawn_context
from ..settings import MAX_BYTES, check_csv_dialect
from .decode import SNIFF_BYTES
from .urls import _URL, unique_key

log = logging.getLogger(__name__)

# Parquet: the most rows a file may hold, and the rows decoded at a time (see parquet_records).
MAX_PARQUET_ROWS = 100_000
PARQUET_SLICE = 256
PARQUET_SECONDS = 120.0  # a reading child that answers nothing for this long (one slice of rows) is stopped
MAX_FIELD_DEPTH = 4  # lists in a record field nested deeper than this are not names (news-please: one level)
# Where each record field is found, in order of preference: news-please first, then trafilatura's JSON, then
# common alternatives (schema.org's articleBody).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_page", "title_rss", "headline"),
    "text": ("maintext", "text", "content", "body", "articleBody"),
    "published": ("date_publish", "date", "published", "datePublished"),
    "outlet": ("source_domain", "outlet", "source", "sitename", "source-hostname", "hostname"),
    "url": ("url", "source"),
    "byline": ("authors", "author"),
    "language": ("language",),
}
# news-please's source_domain is a host name ("www.example.com"); its title_page, the page's <title>, usually ends
# with the site's own name ("Headline | Example News"), which names the outlet better.
SITE_NAME_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
SITE_NAME_MAX_WORDS = 6
CSV_DELIMITERS = (";", "\t", "|")  # the delimiters "standard" CSV reading accepts from a header without a comma


class _Semicolon(csv.excel):
    delimiter = ";"


class _Pipe(csv.excel):
    delimiter = "|"


_DIALECTS: dict[str, type[csv.Dialect]] = {
    "excel": csv.excel,
    "excel-tab": csv.excel_tab,
    "unix": csv.unix_dialect,
    "semicolon": _Semicolon,
    "pipe": _Pipe,
}
_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)  # "www.example.com", no spaces


def parse_csv_map(value: str) -> tuple[tuple[str, str], ...]:
    """``"title=headline,text=body"`` as ``(("title", "headline"), ("text", "body"))``; raises ConfigError."""
    pairs: list[tuple[str, str]] = []
    for part in value.split(","):
        if not part.strip():
            continue
        field_name, equals, column = part.partition("=")
        if not equals or not field_name.strip() or not column.strip():
            raise ConfigError(f"bad --csv-map entry {part.strip()!r}: write FIELD=COLUMN", hint="e.g. text=body")
        pairs.append((field_name.strip(), column.strip()))
    mapping = tuple(pairs)
    _check_csv_map(mapping)
    return mapping


def _check_csv_map(mapping: tuple[tuple[str, str], ...]) -> None:
    for field_name, _ in mapping:
        if field_name not in RECORD_FIELDS:
            raise ConfigError(
                f"unknown field {field_name!r} in the CSV mapping", hint=f"fields are: {', '.join(RECORD_FIELDS)}"
            )


def records_from_text(source: str, key: str, text: str, *, used: set[str]) -> Iterator[RawDocument | Rejection]:
    """The records of JSON text of unknown shape: one JSON value (object or list), else JSON lines."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as is an over-long integer
        lines = len([line for line in text.splitlines() if line.strip()]) > 1
    else:
        lines = False
    return _records(source, key, text, lines, used)


def csv_dialect(name: str, text: str) -> type[csv.Dialect] | csv.Dialect:
    """The csv module's dialect that ``name`` (``settings.CSV_DIALECTS``) asks for, for a file beginning ``text``.

    "standard" is RFC 4180 (Python's excel dialect: comma, fields in double quotes, a quote inside one doubled), the
    way Python's csv module, spreadsheets and pandas write CSV; only its delimiter is guessed, and only from the
    header line: one with no comma that holds semicolons, tabs or pipes (the most frequent) is read with that. Quoting
    is never guessed: ``csv.Sniffer`` ("auto") once read ``doublequote=False`` off a file the csv module wrote, and
    three articles became one cut short plus fifteen bogus rejections.
    """
    check_csv_dialect(name)
    if name == "auto":
        try:
            return csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=",;\t|")
        except csv.Error:
            return csv.excel
    if name == "standard":
        header = text[: text.find("\n")] if "\n" in text else text
        if "," not in header:
            counts = {delimiter: header.count(delimiter) for delimiter in CSV_DELIMITERS}
            delimiter = max(counts, key=lambda d: counts[d])
            if counts[delimiter]:
                return _DIALECTS[{";": "semicolon", "\t": "excel-tab", "|": "pipe"}[delimiter]]
        return csv.excel
    return _DIALECTS[name]


def _csv_records(
    source: str, key: str, text: str, used: set[str], mapping: tuple[tuple[str, str], ...], dialect: str = "standard"
) -> Iterator[RawDocument | Rejection]:
    """One record per CSV row; ``mapping`` names the column of each field, other fields are found by their usual
    names (as in JSON records). ``dialect`` says how the file is read (``settings.CSV_DIALECTS``; see
    :func:`csv_dialect`)."""
    reading = csv_dialect(dialect, text)
    log.info(
        "%s: read as CSV (%s): delimiter %r, quote %r%s",
        source,
        dialect,
        reading.delimiter,
        reading.quotechar,
        "" if reading.doublequote else ", quotes inside fields not doubled",
    )
    # A field may be as long as the file (itself within the input limit): an article's text over csv's default of
    # 128 KB once ended the file there, its later rows lost. A row too long to analyse is rejected by extraction.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=reading)
    header = reader.fieldnames or []
    missing = [column for _, column in mapping if column not in header]
    if missing:
        yield Rejection.from_error(
            source,
            "ingest",
            FormatError(
                f"CSV has no column {', '.join(map(repr, missing))} (its columns: {', '.join(header)})",
                hint="fix --csv-map FIELD=COLUMN to name columns of the file",
            ),
        )
        return
    mapped = {column for _, column in mapping}
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # this row is malformed: rejected by name, the rows after it still read
            yield Rejection.from_error(f"{source}#{reader.line_num}", "ingest", FormatError(f"invalid CSV: {exc}"))
            continue
        record: dict[str, Any] = {k: v for k, v in row.items() if k is not None and k not in mapped}
        for field_name, column in mapping:
            record[RECORD_FIELDS[field_name][0]] = row.get(column)
        yield _record_document(f"{source}#{n}", f"{key}-{n}", record, used)


def _record_document(name: str, key: str, record: dict[str, Any], used: set[str]) -> RawDocument | Rejection:
    """A record as a document named ``name`` and keyed ``key`` (made unique in ``used``), or its rejection."""
    try:
        meta = _record_meta(record)
    except InputError as exc:
        return Rejection.from_error(name, "ingest", exc)
    return RawDocument(source=name, key=unique_key(key, used), format="record", meta=meta)


def _records(source: str, key: str, text: str, lines: bool, used: set[str]) -> Iterator[RawDocument | Rejection]:
    """The records of a JSON (one object or a list) or JSON-lines file; each bad one is rejected alone."""
    if lines:
        yield from json_lines(source, key, text, used=used)
        return
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        yield Rejection.from_error(source, "ingest", FormatError(f"invalid JSON: {_json_error(exc)}"))
        return
    numbered = isinstance(value, list)
    items = list(enumerate(value, 1)) if numbered else [(0, value)]
    for n, item in items:
        name = f"{source}#{n}" if numbered else source
        try:
            meta = _object_meta(item)
        except InputError as exc:
            yield Rejection.from_error(name, "ingest", exc)
            continue
        record_key = unique_key(f"{key}-{n}", used) if numbered else key
        yield RawDocument(source=name, key=record_key, format="record", meta=meta)


def json_lines(
    source: str, key: str, text: str, *, used: set[str], first: int = 1, max_bytes: int | None = None
) -> Iterator[RawDocument | Rejection]:
    """The records of JSON-lines ``text``, one per non-blank line, named ``<source>#<line>`` and keyed
    ``<key>-<line>`` (made unique in ``used``); each bad line is rejected alone. ``first`` is the number of the
    text's first line (for a range of a larger file); a line over ``max_bytes`` (if given) is rejected as too large.
    """
    for n, line in enumerate(text.splitlines(), first):
        if not line.strip():
            continue
        name = f"{source}#{n}"
        try:
            if max_bytes is not None and len(line.encode("utf-8")) > max_bytes:
                raise TooLargeError(f"the record is over the limit of {max_bytes:,} bytes")
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise FormatError(f"invalid JSON line: {_json_error(exc)}") from exc
            meta = _object_meta(value)
        except InputError as exc:
            yield Rejection.from_error(name, "ingest", exc)
            continue
        yield RawDocument(source=name, key=unique_key(f"{key}-{n}", used), format="record", meta=meta)


def _object_meta(value: Any) -> tuple[tuple[str, str], ...]:
    """A parsed JSON value's fields (``_record_meta``); raises unless it is an object."""
    if not isinstance(value, dict):
        raise FormatError(f"expected a JSON object, found {type(value).__name__}")
    return _record_meta(value)


def parquet_records(
    path: Path, key: str, used: set[str], *, first: int = 1, last: int | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[RawDocument | Rejection]:
    """The rows of a Parquet file as records (the columns of news-please JSON: ``maintext``, ``title``...), named
    ``<path>#<row>`` and keyed ``<key>-<row>`` (rows counted from 1); ``first``/``last`` read a range of rows.

    Parquet compresses so well that the file's size says little (a 7 KB file held 2,000,000 rows, 3.2 GB decoded):
    a file of over ``MAX_PARQUET_ROWS`` rows is rejected from its metadata before anything is decoded, and rows are
    decoded ``PARQUET_SLICE`` at a time, the reading stopping with a ``too-large`` rejection once their text passes
    ``max_bytes``, the limit of any other input.

    The file is read in a child process (``_parquet_rows``): polars' Rust reader can abort the whole process on a
    damaged file (found by fuzzing: "memory allocation of 2305843009213693952 bytes failed"), and a child that ends
    so, or answers nothing for ``PARQUET_SECONDS``, is a ``format`` rejection of the file; so is every Parquet file
    where polars (the parquet extra) is not installed."""
    try:
        require("parquet", "reading Parquet files", "polars", error=FormatError)
    except FormatError as exc:
        yield Rejection.from_error(str(path), "ingest", exc)
        return
    for kind, payload in _parquet_rows(path, first, last, max_bytes):
        if kind == "rows":
            for n, record in payload:
                yield _record_document(f"{path}#{n}", f"{key}-{n}", record, used)
        else:
            error = TooLargeError(payload) if kind == "too-large" else FormatError(payload)
            yield Rejection.from_error(str(path), "ingest", error)


def _parquet_rows(path: Path, first: int, last: int | None, max_bytes: int) -> list[tuple[str, Any]]:
    """What the reading child sends for ``path``: ("rows", [(row number, record), ...]) per slice, then ("too-large"
    | "format", message) when reading stops early; a child that dies or stalls ends the list with a "format" one.

    One child serves every Parquet file of this process, one at a time (started on first use, again after one
    dies); the rows come back whole, at most ``max_bytes`` of text. In a daemon process, which may not start
    children, the file is read here."""
    request = (str(path), first, last, max_bytes, (MAX_PARQUET_ROWS, PARQUET_SLICE))
    if multiprocessing.current_process().daemon:
        return list(_parquet_messages(*request))
    with _READER_LOCK:
        conn = _reader()
        conn.send(request)
        messages: list[tuple[str, Any]] = []
        while True:
            if not conn.poll(PARQUET_SECONDS):
                _stop_reader()
                messages.append(
                    ("format", f"cannot read the Parquet file: no answer from its reader in {PARQUET_SECONDS:g} s")
                )
                return messages
            try:
                kind, payload = conn.recv()
            except EOFError:
                code = _stop_reader()
                messages.append(("format", f"cannot read the Parquet file: its reader stopped (exit code {code})"))
                return messages
            if kind == "end":
                return messages
            messages.append((kind, payload))


_READER: list[Any] = []  # [process, connection] of the reading child, while it runs
_READER_LOCK = threading.Lock()


def _reader() -> Any:
    """The reading child's connection, the child started if it is not running."""
    if _READER and not _READER[0].is_alive():
        _stop_reader()
    if not _READER:
        # spawn, not fork: the caller may hold threads (the web app, BLAS), and polars' thread pool does not survive
        # a fork; and it never imports the caller's __main__ (``processes``), which a script without a guard re-runs
        context: Any = spawn_context()
        parent, child = context.Pipe()
        process = context.Process(target=_serve_parquet, args=(child,), daemon=True)
        process.start()
        child.close()
        _READER[:] = [process, parent]
    return _READER[1]


def _stop_reader() -> int | None:
    """Stop the reading child; its exit code."""
    if not _READER:
        return None
    process, conn = _READER
    _READER.clear()
    process.kill()
    process.join()
    conn.close()
    code: int | None = process.exitcode
    return code


def _serve_parquet(conn: Any) -> None:
    """The reading child: reads each file it is sent, sending back its messages, then ("end", None)."""
    while (request := conn.recv()) is not None:
        for message in _parquet_messages(*request):
            conn.send(message)
        conn.send(("end", None))


def _parquet_messages(
    path: str, first: int, last: int | None, max_bytes: int, limits: tuple[int, int]
) -> Iterator[tuple[str, Any]]:
    """The rows of the file a slice at a time, then why reading stopped early, if it did (see ``_parquet_rows``)."""
    import polars as pl

    max_rows, slice_rows = limits
    try:
        scan = pl.scan_parquet(path)
        rows = int(scan.select(pl.len()).collect().item())
        if rows > max_rows:
            yield "too-large", f"the Parquet file holds {rows:,} rows, over the limit of {max_rows:,}"
            return
        stop = rows if last is None else min(last, rows)
        decoded = 0
        for start in range(first - 1, stop, slice_rows):
            frame = scan.slice(start, min(slice_rows, stop - start)).collect()
            batch: list[tuple[int, dict[str, Any]]] = []
            for n, record in enumerate(frame.iter_rows(named=True), start + 1):
                decoded += sum(len(v) for v in record.values() if isinstance(v, str))
                if decoded > max_bytes:
                    yield "rows", batch
                    yield "too-large", f"the Parquet file's text passes the limit of {max_bytes:,} bytes at row {n}"
                    return
                batch.append((n, record))
            yield "rows", batch
    except (OSError, pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        # a damaged file can also make the reader panic ("thrift bool field"): PanicException is a BaseException
        yield "format", f"cannot read the Parquet file: {exc}".splitlines()[0]


def _json_error(exc: ValueError | RecursionError) -> str:
    """Why JSON text cannot be read, in one line: a syntax error with its place, nesting too deep for the parser,
    or an integer too long to convert (Python refuses over 4,300 digits)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";", 1)[0]


def _record_meta(record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The record's fields under Parallax's names, as strings; raises if it has no article text."""
    meta: dict[str, str] = {}
    for name, fields in RECORD_FIELDS.items():
        for field in fields:
            value = _as_text(record.get(field))
            if not value:
                continue
            if name == "url" and not _URL.match(value):
                continue
            if name == "outlet" and _URL.match(value):
                continue
            meta[name] = value
            break
    site = _site_name(_as_text(record.get("title_page")), meta.get("title", ""))
    if site and _HOST.match(meta.get("outlet", "")):
        meta["outlet"] = site
    if "text" not in meta:
        if any(field in record for field in RECORD_FIELDS["text"]):
            raise EmptyInputError("the record's text field is empty")
        raise FormatError(
            "record has no text field (maintext, text, content or body)",
            hint="records must be news-please or trafilatura JSON, with the article text in one of those fields",
        )
    return tuple(meta.items())


def _site_name(page_title: str, title: str) -> str | None:
    """ "Example News" from the page title "Headline | Example News" when the headline part is ``title``."""
    for separator in SITE_NAME_SEPARATORS:
        head, found, tail = page_title.rpartition(separator)
        if found and head.strip().casefold() == title.casefold() and 1 <= len(tail.split()) <= SITE_NAME_MAX_WORDS:
            return tail.strip()
    return None


def _as_text(value: Any, depth: int = 0) -> str:
    """A field as one string: lists of names read "A and B" / "A, B and C"; None, objects and lists nested deeper
    than MAX_FIELD_DEPTH are empty."""
    if value is None or isinstance(value, (dict, bool)):
        return ""
    if isinstance(value, list):
        if depth >= MAX_FIELD_DEPTH:
            return ""
        names = [s for s in (_as_text(v, depth + 1) for v in value) if s]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]
    return str(value).strip()
