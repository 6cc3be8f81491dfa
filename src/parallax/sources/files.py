"""Reading inputs into :class:`~parallax.models.RawDocument` records: files, folders, URLs, WARC files, stdin.

:func:`read_inputs` takes files, folders, URLs and ``-`` and yields one ``RawDocument`` per article, or a
:class:`~parallax.models.Rejection` for each document that cannot be read, so one bad file never stops a batch.
Text and HTML come out decoded and re-encoded as UTF-8 (``data``); JSON and JSON-lines records (news-please or
trafilatura output) and CSV rows come out as ``format="record"`` with their fields mapped into ``meta``. URLs
(pages, feeds, sitemaps) are read by :mod:`parallax.sources.crawl` through :mod:`parallax.sources.fetch`, WARC files by
:mod:`parallax.sources.warc`; both are imported only when such an input comes.

A path that does not exist is a usage mistake, not a bad document: it raises :class:`~parallax.errors.InputError`
before anything is read.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Iterator, MutableSet, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import (
    EmptyInputError,
    FormatError,
    InputError,
    TooLargeError,
)
from ..models import RawDocument, Rejection
from ..settings import check_csv_dialect
from .common import MAX_BYTES, SUFFIXES, FileKind, IngestCounts, IngestOptions
from .decode import SNIFF_BYTES, decode_bytes
from .records import _check_csv_map, _csv_records, _records, json_lines, parquet_records, records_from_text
from .urls import _URL, unique_key

if TYPE_CHECKING:
    from .fetch import Fetcher


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
    check_csv_dialect(options.csv_dialect)
    sources = list_inputs(paths)
    counts = counts if counts is not None else IngestCounts()
    return _counted(_read_all(sources, max_bytes, options, counts, seen, fetcher, stdin), counts)


def _counted(items: Iterator[RawDocument | Rejection], counts: IngestCounts) -> Iterator[RawDocument | Rejection]:
    for item in items:
        if isinstance(item, Rejection):
            counts.rejected += 1
        else:
            counts.accepted += 1
        if counts.on_change is not None:
            counts.on_change(counts)
        yield item


def list_inputs(paths: Sequence[str | Path]) -> list[tuple[str, Path | str, str]]:
    """(kind, file or URL, key) for every input, folders walked as :func:`read_inputs` walks them; kind is "file",
    "url" or "stdin"; file keys are unique in the batch. Raises ``InputError`` for a path that does not exist."""
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
            try:
                resolved = file.resolve()
            except (OSError, RuntimeError):  # a symlink loop: kept under its own name, rejected when read
                resolved = file.absolute()
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


def file_kind(path: Path) -> FileKind | None:
    """The kind of file a name says (``a.jsonl.gz``: "jsonl"), None for an unknown extension."""
    return _split_name(path)[1]


def _split_name(path: Path) -> tuple[str, FileKind | None]:
    """(stem, kind): ``a.html.gz`` gives ``("a", "html")``; kind is None for an unknown extension."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name, None
    return stem, SUFFIXES.get("." + suffix.lower())


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


def read_file(
    path: Path,
    key: str,
    *,
    max_bytes: int = MAX_BYTES,
    used: set[str],
    seen: MutableSet[str] | None = None,
    counts: IngestCounts | None = None,
    options: IngestOptions | None = None,
) -> Iterator[RawDocument | Rejection]:
    """One file's documents (and rejections) as :func:`read_inputs` yields them for it, under ``key`` (its key in
    the batch, from :func:`list_inputs`); ``used`` holds the keys taken in the batch, and gets the file's records'.
    WARC captures already in ``seen`` are skipped and counted in ``counts``."""
    yield from _read_file(
        path,
        key,
        max_bytes,
        used,
        seen if seen is not None else set(),
        counts if counts is not None else IngestCounts(),
        options or IngestOptions(),
    )


def read_json_lines(
    path: Path, key: str, *, first: int, start: int, stop: int, max_bytes: int = MAX_BYTES, used: set[str]
) -> Iterator[RawDocument | Rejection]:
    """Lines ``first``... of a JSON-lines file, held in its bytes ``start``..``stop``, as :func:`read_inputs` reads
    them in the whole file (same names, same keys): how a large file is read in ranges by several workers. A line
    over ``max_bytes`` is rejected as too large."""
    try:
        with path.open("rb") as stream:
            stream.seek(start)
            data = stream.read(stop - start)
        text = decode_bytes(data)
    except OSError as exc:
        error = InputError(f"cannot read the file: {exc.strerror or exc}")
        yield Rejection.from_error(f"{path}#{first}", "ingest", error)
        return
    except InputError as exc:
        yield Rejection.from_error(f"{path}#{first}", "ingest", exc)
        return
    yield from json_lines(str(path), key, text, used=used, first=first, max_bytes=max_bytes)


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
            yield from parquet_records(path, key, used, max_bytes=max_bytes)
            return
        text = decode_bytes(_read_bytes(path, max_bytes), html=kind == "html")
    except InputError as exc:
        yield Rejection.from_error(str(path), "ingest", exc)
        return
    if kind in ("text", "html"):
        yield RawDocument(source=str(path), key=key, format=kind, data=text.encode("utf-8"))
    elif kind == "csv":
        yield from _csv_records(str(path), key, text, used, options.csv_map, options.csv_dialect)
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
    yield from read_data(data, "stdin", key, max_bytes=max_bytes, used=used, what="standard input")


def read_data(
    data: bytes, source: str, key: str, *, max_bytes: int = MAX_BYTES, used: set[str], what: str = ""
) -> Iterator[RawDocument | Rejection]:
    """The documents in ``data`` of unknown kind (standard input, a string given to ``analyze``), named ``source``
    and keyed ``key``: its kind sniffed, HTML or text as one document, JSON as records (:func:`records_from_text`;
    their keys made unique in ``used``), gzip decompressed; a feed, sitemap or WARC is rejected (pass its URL or
    file), as is data over ``max_bytes``. ``what`` names it in messages (default: ``source``)."""
    what = what or source
    try:
        if len(data) > max_bytes:
            raise TooLargeError(f"{what} is over the limit of {max_bytes:,} bytes")
        if data[:2] == b"\x1f\x8b":
            data = _gunzip_bytes(data, max_bytes)
        from .feeds import sniff

        kind = sniff(data)
        text = decode_bytes(data, html=kind == "html")
    except InputError as exc:
        yield Rejection.from_error(source, "ingest", exc)
        return
    if kind == "json":
        yield from records_from_text(source, key, text, used=used)
    elif kind in ("html", "text"):
        yield RawDocument(source=source, key=key, format=kind, data=text.encode("utf-8"))
    else:
        yield Rejection.from_error(source, "ingest", FormatError(f"{what} is a {kind}; pass its URL instead"))


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
