"""Reading inputs into :class:`~parallax.models.RawDocument` records: files, folders, URLs, WARC files, stdin.

:func:`read_inputs` takes files, folders, URLs and ``-`` and yields one ``RawDocument`` per article, or a
:class:`~parallax.models.Rejection` for each document that cannot be read, so one bad file never stops a batch.
Text and HTML come out decoded and re-encoded as UTF-8 (``data``); JSON and JSON-lines records (news-please or
trafilatura output) and CSV rows come out as ``format="record"`` with their fields mapped into ``meta``. URLs
(pages, feeds, sitemaps) are read by :mod:`parallax.crawl` through :mod:`parallax.fetch`, WARC files by
:mod:`parallax.warc`; both are imported only when such an input comes.

A path that does not exist is a usage mistake, not a bad document: it raises :class:`~parallax.errors.InputError`
before anything is read.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import gzip
import io
import json
import os
import re
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableSet, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import urlsplit, urlunsplit

import charset_normalizer

from .errors import (
    BinaryInputError,
    ConfigError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    TooLargeError,
)
from .models import RawDocument, Rejection

if TYPE_CHECKING:
    from .fetch import Fetcher, FetchPolicy

__all__ = [
    "MAX_BYTES",
    "IngestCounts",
    "IngestOptions",
    "canonical_url",
    "decode_bytes",
    "key_for_url",
    "parquet_records",
    "parse_csv_map",
    "read_inputs",
    "records_from_text",
    "unique_key",
]

# --- tuning constants -----------------------------------------------------------------------------------------------

MAX_BYTES = 20 * 1024 * 1024  # the largest news page seen in AEB is ~1.5 MB; 20 MB leaves room for JSONL batches
SNIFF_BYTES = 8192  # the head inspected for binary content (as git and file(1) do)
CONTROL_RATIO = 0.05  # text has almost no C0 control characters; binaries have many (PNG head: ~30%)
UTF16_NUL_RATIO = 0.4  # UTF-16 without a BOM: NULs in at least this share of the even (or odd) bytes
# charset-normalizer ranks single-byte code pages that decode the same bytes equally (chaos within this much);
# among those, Windows-1252 is by far the most likely for English news (cp1250 would turn "è" into "č").
CHAOS_TIE = 0.02
PREFERRED_CODEC = "cp1252"

FileKind = Literal["text", "html", "json", "jsonl", "csv", "warc", "parquet"]
SUFFIXES: dict[str, FileKind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".parquet": "parquet",
}
# Query parameters that only track the click (dropped from URLs in seen-sets, so a link shared twice is read once).
TRACKING_PARAMETERS = ("utm_", "fbclid=", "gclid=", "mc_cid=", "mc_eid=")
MAX_FIELD_DEPTH = 4  # lists in a record field nested deeper than this are not names (news-please: one level)
MAX_KEY_CHARS = 80  # keys from URLs: long slugs cut here (article slugs run 40-70 characters)
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
MAGIC_NUMBERS = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF", b"MZ\x90")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}
_URL = re.compile(r"^https?://", re.IGNORECASE)
_KEY_CHARS = re.compile(r"[^\w.-]+")
_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)  # "www.example.com", no spaces


def read_inputs(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = MAX_BYTES,
    options: IngestOptions | None = None,
    counts: IngestCounts | None = None,
    seen: MutableSet[str] | None = None,
    fetcher: Fetcher | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Yield every document in ``paths``, or a Rejection for each bad one.

    ``paths`` holds files, folders (read recursively), ``http(s)://`` URLs (an article page, an RSS/Atom feed or a
    sitemap, whose articles are fetched) and ``-`` for standard input. Folders are walked in sorted order, skipping
    hidden files and folders and files of unknown type; a file of unknown type named explicitly is rejected. Keys
    are file names (or the URL's last path segment) without extension, made unique in the batch (``-2``,
    ``-3``...); records in a JSON list, JSON-lines or CSV file get ``<stem>-<n>``. WARC files are streamed.

    ``counts`` (if given) is kept up to date as items are yielded; ``seen`` holds canonical URLs already read (a
    URL in it is not fetched again, and read URLs are added); ``fetcher`` replaces the one built from
    ``options.fetch``. Raises ``InputError`` at once if a path does not exist.
    """
    if isinstance(paths, (str, Path)) or not isinstance(paths, Sequence):
        raise TypeError("read_inputs() takes a sequence of paths; wrap a single path in a list")
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise TypeError("max_bytes must be a positive int")
    options = options or IngestOptions()
    _check_csv_map(options.csv_map)
    sources = _collect(paths)
    counts = counts if counts is not None else IngestCounts()
    return _counted(_read_all(sources, max_bytes, options, counts, seen, fetcher, stdin), counts)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to read inputs: the fetch policy for URLs (None: the default, polite and guarded) and the CSV columns
    of each field (``(("title", "headline"), ("text", "body"))``; unmapped fields are found by their usual names).
    """

    fetch: FetchPolicy | None = None
    csv_map: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class IngestCounts:
    """Running counts of one ingest: documents yielded, duplicates dropped, rejections, records skipped by kind."""

    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)
    on_change: Callable[[IngestCounts], None] | None = None


def _counted(items: Iterator[RawDocument | Rejection], counts: IngestCounts) -> Iterator[RawDocument | Rejection]:
    for item in items:
        if isinstance(item, Rejection):
            counts.rejected += 1
        else:
            counts.accepted += 1
        if counts.on_change is not None:
            counts.on_change(counts)
        yield item


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


# --- finding inputs -------------------------------------------------------------------------------------------------


def _collect(paths: Sequence[str | Path]) -> list[tuple[str, Path | str, str]]:
    """(kind, file or URL, key) for every input; kind is "file", "url" or "stdin"; file keys unique in the batch."""
    found: list[tuple[str, Path | str]] = []
    seen: set[Path] = set()
    for raw in paths:
        if isinstance(raw, str) and _URL.match(raw):
            found.append(("url", raw))
            continue
        if isinstance(raw, str) and raw == "-":
            found.append(("stdin", raw))
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"no such file or folder: {path}", document=str(path), hint="check the path")
        for file in _walk(path) if path.is_dir() else [path]:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(("file", file))
    used: set[str] = set()
    return [
        (kind, item, unique_key(_split_name(item)[0], used) if isinstance(item, Path) else "") for kind, item in found
    ]


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and _split_name(Path(name))[1] is not None:
                files.append(Path(root) / name)
    return files


def _split_name(path: Path) -> tuple[str, FileKind | None]:
    """(stem, kind): ``a.html.gz`` gives ``("a", "html")``; kind is None for an unknown extension."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name, None
    return stem, SUFFIXES.get("." + suffix.lower())


def unique_key(key: str, used: set[str]) -> str:
    """``key``, or ``key-2``, ``key-3``... when already in ``used``; the key returned is added to ``used``."""
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}-{n}"
    used.add(candidate)
    return candidate


def canonical_url(url: str) -> str:
    """The URL as remembered in a seen-set: scheme and host lower-cased, default port, fragment and tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``) dropped."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    except ValueError:  # a malformed authority ("http://[::1", port 99999): remembered as written
        return url.strip()
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith(TRACKING_PARAMETERS)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def key_for_url(url: str) -> str:
    """A readable key for a URL: its last path segment without extension (``/2024/05/budget-vote.html`` gives
    ``budget-vote``), else its host."""
    try:
        parts = urlsplit(url)
        path, host = parts.path, parts.hostname
    except ValueError:  # a malformed authority ("http://[::1"): what follows it names the page
        path, host = re.split(r"[?#]", url.split("://", 1)[-1].partition("/")[2], maxsplit=1)[0], None
    segments = [s for s in path.split("/") if s]
    name = segments[-1] if segments else (host or "page")
    stem = name.rsplit(".", 1)[0] if "." in name and segments else name
    return _KEY_CHARS.sub("-", stem).strip("-")[:MAX_KEY_CHARS] or "page"


# --- reading --------------------------------------------------------------------------------------------------------


def _read_all(
    sources: list[tuple[str, Path | str, str]],
    max_bytes: int,
    options: IngestOptions,
    counts: IngestCounts,
    seen: MutableSet[str] | None,
    fetcher: Fetcher | None,
    stdin: BinaryIO | None,
) -> Iterator[RawDocument | Rejection]:
    used = {key for _, _, key in sources if key}
    seen = seen if seen is not None else set()
    own: Fetcher | None = None
    try:
        for kind, item, key in sources:
            if kind == "url":
                from .crawl import read_url

                if fetcher is None:
                    from .fetch import Fetcher as FetcherClass
                    from .fetch import FetchPolicy as PolicyClass

                    fetcher = own = FetcherClass(options.fetch or PolicyClass(max_bytes=max_bytes))
                yield from read_url(str(item), fetcher, used=used, counts=counts, seen=seen)
            elif kind == "stdin":
                yield from _read_stdin(stdin, max_bytes, used, seen, counts)
            else:
                assert isinstance(item, Path)
                signature = _signature(item)
                if signature in seen:  # read before (by an earlier poll of parallax watch), unchanged since
                    counts.duplicate += 1
                    continue
                yield from _read_file(item, key, max_bytes, used, seen, counts, options)
                seen.add(signature)
    finally:
        if own is not None:
            own.close()


def _signature(path: Path) -> str:
    """A file as remembered in a seen-set: its real path, size and modification time (a changed file is new)."""
    try:
        info = path.stat()
    except OSError:
        return f"file:{path}"
    return f"file:{path.resolve()}?size={info.st_size}&mtime={info.st_mtime_ns}"


def _read_file(
    path: Path,
    key: str,
    max_bytes: int,
    used: set[str],
    seen: MutableSet[str],
    counts: IngestCounts,
    options: IngestOptions,
) -> Iterator[RawDocument | Rejection]:
    try:
        kind = _split_name(path)[1]
        if kind is None:
            raise FormatError(
                f"unsupported file type {path.name!r}",
                hint="use .txt, .md, .html, .json, .jsonl, .csv, .parquet or .warc (optionally .gz)",
            )
        if kind == "warc":
            yield from _read_warc_file(path, max_bytes, used, seen, counts)
            return
        if kind == "parquet":
            yield from parquet_records(path, key, used)
            return
        text = decode_bytes(_read_bytes(path, max_bytes), html=kind == "html")
    except InputError as exc:
        yield _rejection(str(path), exc)
        return
    if kind in ("text", "html"):
        yield RawDocument(source=str(path), key=key, format=kind, data=text.encode("utf-8"))
    elif kind == "csv":
        yield from _csv_records(str(path), key, text, used, options.csv_map)
    else:
        yield from _records(str(path), key, text, kind == "jsonl", used)


def _read_warc_file(
    path: Path, max_bytes: int, used: set[str], seen: MutableSet[str], counts: IngestCounts
) -> Iterator[RawDocument | Rejection]:
    from .warc import read_warc

    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    with stream:
        yield from read_warc(stream, str(path), max_bytes=max_bytes, used=used, counts=counts, seen=seen)


def _read_stdin(
    stdin: BinaryIO | None, max_bytes: int, used: set[str], seen: MutableSet[str], counts: IngestCounts
) -> Iterator[RawDocument | Rejection]:
    """Standard input, its kind sniffed: a WARC is streamed; anything else is read whole (up to ``max_bytes``)."""
    from .feeds import sniff

    stream = stdin if stdin is not None else sys.stdin.buffer
    head = stream.read(SNIFF_BYTES)
    if sniff(head) == "warc":
        from .warc import read_warc

        joined = io.BufferedReader(_Prefixed(head, stream))
        yield from read_warc(joined, "stdin", max_bytes=max_bytes, used=used, counts=counts, seen=seen)
        return
    data = head + stream.read(max_bytes + 1 - len(head))
    key = unique_key("stdin", used)
    try:
        if len(data) > max_bytes:
            raise TooLargeError(f"standard input is over the limit of {max_bytes:,} bytes")
        if data[:2] == b"\x1f\x8b":
            data = _gunzip_bytes(data, max_bytes)
        kind = sniff(data)
        text = decode_bytes(data, html=kind == "html")
    except InputError as exc:
        yield _rejection("stdin", exc)
        return
    if kind == "json":
        yield from records_from_text("stdin", key, text, used=used)
    elif kind in ("html", "text"):
        yield RawDocument(source="stdin", key=key, format=kind, data=text.encode("utf-8"))
    else:
        yield _rejection("stdin", FormatError(f"standard input is a {kind}; pass its URL instead"))


class _Prefixed(io.RawIOBase):
    """A byte stream that replays ``head`` and then reads on from ``rest`` (stdin cannot seek back)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _gunzip_bytes(data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise FormatError(f"not a valid gzip file ({exc})") from exc
    if len(out) > max_bytes:
        raise TooLargeError(f"decompresses to over the limit of {max_bytes:,} bytes")
    return out


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes (decompressed for .gz), never reading more than ``max_bytes`` + 1."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise InputError(f"not a regular file: {path.name}")
        size = info.st_size
        if size > max_bytes:
            raise TooLargeError(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        if size == 0:
            raise EmptyInputError("file is empty (0 bytes)")
        if not path.name.lower().endswith(".gz"):
            return path.read_bytes()
        with gzip.open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise FormatError(f"not a valid gzip file ({exc})") from exc
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise TooLargeError(f"file decompresses to over the limit of {max_bytes:,} bytes")
    return data


def decode_bytes(data: bytes, *, html: bool = False, charset: str | None = None) -> str:
    """Text from bytes: a BOM, else UTF-8, else the charset of the HTTP header (``charset``), else the page's
    declared charset (HTML), else charset-normalizer's guess.

    Raises ``EmptyInputError`` (nothing but whitespace), ``BinaryInputError`` (NUL or control bytes, or a known
    binary file signature) or ``EncodingError`` (no encoding decodes it cleanly).
    """
    if not data.strip():
        raise EmptyInputError("file is empty or holds only whitespace")
    text = _decode(data, html=html, charset=charset)
    if not text.strip():
        raise EmptyInputError("file holds only whitespace")
    return text


def _decode(data: bytes, *, html: bool, charset: str | None = None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"invalid {codec.upper()} after a byte-order mark ({exc.reason})") from exc
    head = data[:SNIFF_BYTES]
    if head.startswith(MAGIC_NUMBERS):
        raise BinaryInputError("file is binary (it starts with a known binary file signature)")
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            # the NUL pattern of UTF-16 also fits arrays of small numbers: the text must be text
            _reject_binary(text[: SNIFF_BYTES // 2].encode("utf-8", "replace"))
            return text
    _reject_binary(head)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for declared in (_codec(charset) if charset else None, _declared_charset(data) if html else None):
        if declared:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass
    return _guess(data)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the head looks like ASCII-range UTF-16 (NUL in every other byte)."""
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= UTF16_NUL_RATIO * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= UTF16_NUL_RATIO * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _reject_binary(head: bytes) -> None:
    if b"\x00" in head:
        raise BinaryInputError("file is binary (it contains NUL bytes)")
    controls = sum(byte in _CONTROL_BYTES for byte in head)
    if controls > CONTROL_RATIO * len(head):
        raise BinaryInputError(f"file is binary ({controls} control bytes in the first {len(head)})")


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    if not match:
        return None
    return _codec(match.group(1).decode("ascii"))


def _codec(name: str) -> str | None:
    """Python's codec for a declared charset name, or None when unknown."""
    name = name.strip().lower()
    # Browsers (WHATWG) read Latin-1 and ASCII declarations as Windows-1252; so do we.
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        name = "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess(data: bytes) -> str:
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise EncodingError("cannot decode the text: no encoding fits its bytes")
    for match in results:
        if match.chaos <= best.chaos + CHAOS_TIE and PREFERRED_CODEC in match.could_be_from_charset:
            try:
                return data.decode(PREFERRED_CODEC)
            except UnicodeDecodeError:
                break
    return str(best)


# --- records --------------------------------------------------------------------------------------------------------


def records_from_text(source: str, key: str, text: str, *, used: set[str]) -> Iterator[RawDocument | Rejection]:
    """The records of JSON text of unknown shape: one JSON value (object or list), else JSON lines."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as is an over-long integer
        lines = len([line for line in text.splitlines() if line.strip()]) > 1
    else:
        lines = False
    return _records(source, key, text, lines, used)


def _csv_records(
    source: str, key: str, text: str, used: set[str], mapping: tuple[tuple[str, str], ...]
) -> Iterator[RawDocument | Rejection]:
    """One record per CSV row; ``mapping`` names the column of each field, other fields are found by their usual
    names (as in JSON records). The dialect (comma, semicolon, tab) is sniffed from the head."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = reader.fieldnames or []
    missing = [column for _, column in mapping if column not in header]
    if missing:
        yield _rejection(
            source,
            FormatError(
                f"CSV has no column {', '.join(map(repr, missing))} (its columns: {', '.join(header)})",
                hint="fix --csv-map FIELD=COLUMN to name columns of the file",
            ),
        )
        return
    mapped = {column for _, column in mapping}
    try:
        for n, row in enumerate(reader, 1):
            record: dict[str, Any] = {k: v for k, v in row.items() if k is not None and k not in mapped}
            for field_name, column in mapping:
                record[RECORD_FIELDS[field_name][0]] = row.get(column)
            name = f"{source}#{n}"
            try:
                meta = _record_meta(record)
            except InputError as exc:
                yield _rejection(name, exc)
                continue
            yield RawDocument(source=name, key=unique_key(f"{key}-{n}", used), format="record", meta=meta)
    except csv.Error as exc:
        yield _rejection(f"{source}#{reader.line_num}", FormatError(f"invalid CSV: {exc}"))


def _records(source: str, key: str, text: str, lines: bool, used: set[str]) -> Iterator[RawDocument | Rejection]:
    """The records of a JSON (one object or a list) or JSON-lines file; each bad one is rejected alone."""
    items: Iterable[tuple[int, str | None, Any]]
    if lines:
        items, numbered = _json_lines(text), True
    else:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield _rejection(source, FormatError(f"invalid JSON: {_json_error(exc)}"))
            return
        numbered = isinstance(value, list)
        items = [(n, None, item) for n, item in enumerate(value, 1)] if numbered else [(0, None, value)]
    for n, error, value in items:
        name = f"{source}#{n}" if numbered else source
        try:
            if error is not None:
                raise FormatError(error)
            if not isinstance(value, dict):
                raise FormatError(f"expected a JSON object, found {type(value).__name__}")
            meta = _record_meta(value)
        except InputError as exc:
            yield _rejection(name, exc)
            continue
        record_key = unique_key(f"{key}-{n}", used) if numbered else key
        yield RawDocument(source=name, key=record_key, format="record", meta=meta)


def parquet_records(
    path: Path, key: str, used: set[str], *, first: int = 1, last: int | None = None
) -> Iterator[RawDocument | Rejection]:
    """The rows of a Parquet file as records (the columns of news-please JSON: ``maintext``, ``title``...), named
    ``<path>#<row>`` and keyed ``<key>-<row>`` (rows counted from 1); ``first``/``last`` read a range of rows."""
    import polars as pl  # imported late: only Parquet inputs need it

    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        yield _rejection(str(path), FormatError(f"cannot read the Parquet file: {exc}".splitlines()[0]))
        return
    stop = frame.height if last is None else min(last, frame.height)
    for n, record in enumerate(frame.slice(first - 1, max(stop - first + 1, 0)).iter_rows(named=True), first):
        name = f"{path}#{n}"
        try:
            meta = _record_meta(record)
        except InputError as exc:
            yield _rejection(name, exc)
            continue
        yield RawDocument(source=name, key=unique_key(f"{key}-{n}", used), format="record", meta=meta)


def _json_lines(text: str) -> Iterator[tuple[int, str | None, Any]]:
    """(line number, error or None, value) for every non-blank line."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, None, json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield n, f"invalid JSON line: {_json_error(exc)}", None


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


def _rejection(document: str, exc: InputError) -> Rejection:
    return Rejection(document=document, stage="ingest", reason=exc.reason, message=exc.message, hint=exc.hint)
