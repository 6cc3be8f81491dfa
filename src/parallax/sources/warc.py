"""Web archives: the HTML pages of a WARC or WARC.gz file (Common Crawl News, Heritrix, wget, warcio), streamed.

:func:`read_warc` walks the archive record by record with warcio, holding at most one record's payload (capped at
``max_bytes``) in memory, so a many-gigabyte crawl reads in constant memory. Each HTTP ``response`` record with
status 200 and an HTML content type becomes a ``RawDocument`` (``format="html"``) with the captured URL and the
capture date in its metadata. Other records (``warcinfo``, ``request``, ``metadata``, ``revisit``, redirects,
non-HTML responses) are skipped and counted in ``IngestCounts.skipped``; a page captured twice is counted as a
duplicate. A malformed archive ends with one rejection naming the offset where reading stopped. A record whose
headers pass ``HEADER_BYTES`` is rejected by name (``too-large``) without being held, and a WARC.gz goes on at its
next gzip member.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, MutableSet
from typing import Any, BinaryIO

from ..errors import FormatError, InputError, TooLargeError
from ..models import RawDocument, Rejection
from .common import IngestCounts
from .decode import decode_bytes
from .urls import canonical_url, key_for_url, unique_key

__all__ = ["HEADER_BYTES", "HTML_TYPES", "read_warc"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})  # what Common Crawl News keeps as article pages
# The most bytes of header lines (WARC and HTTP together, with the blank lines before them) read for one record.
# A real record's headers are a few dozen lines; warcio would hold a header that never ends whole (issue 15: a gzip
# member inflating to 3.78 GB of header lines ended in a MemoryError).
HEADER_BYTES = 64 * 1024
BLOCK_BYTES = 64 * 1024  # read at a time when skipping the rest of a gzip member
# At most this many times the input limit is read of one page's payload as stored (chunk lines and compression add
# a little to a page's size); past it the page is rejected as too large.
PAYLOAD_FACTOR = 2
ENCODINGS = frozenset({"gzip", "deflate"})  # the Content-Encodings inflated (warcio's own, without optional brotli)


def read_warc(
    stream: BinaryIO,
    source: str,
    *,
    max_bytes: int,
    used: set[str],
    counts: IngestCounts,
    seen: MutableSet[str] | None = None,
) -> Iterator[RawDocument | Rejection]:
    """The HTML pages archived in ``stream`` (a WARC, plain or gzipped), named ``source#<offset>`` for the user.

    ``used`` holds the keys already given in the batch; ``seen`` the canonical URLs already read (a page captured
    twice is read once). A record whose headers (WARC and HTTP together) pass ``HEADER_BYTES`` is rejected by name
    without being held; in a WARC.gz the archive goes on at the next gzip member.
    """
    from warcio.archiveiterator import ArchiveIterator

    seen = seen if seen is not None else set()
    iterator: Any = ArchiveIterator(stream, no_record_parse=False)
    iterator.reader = _HeaderLimit(iterator.reader)
    while iterator is not None:
        iterator = yield from _records(iterator, source, max_bytes, used, counts, seen)


def _records(
    iterator: Any, source: str, max_bytes: int, used: set[str], counts: IngestCounts, seen: MutableSet[str]
) -> Generator[RawDocument | Rejection, None, Any]:
    """The pages of ``iterator``'s records; at the end None, or an iterator over the rest of the archive after a
    record whose headers were too long."""
    from warcio.exceptions import ArchiveLoadFailed

    reader: _HeaderLimit = iterator.reader
    records = iter(iterator)
    offset = iterator.offset
    while True:
        reader.budget = HEADER_BYTES  # the blank lines before the next record, its WARC and its HTTP headers
        try:
            record = next(records, None)
        except _HeaderTooLong:
            start = iterator.offset
            resumed, lost = _after_member(iterator, max_bytes)
            yield _header_too_long(source, start, lost)
            return resumed
        except Exception as exc:
            # warcio's parser fails on damaged archives with ArchiveLoadFailed, ValueError, OSError, EOFError, and on
            # some damaged records with other errors (AttributeError for a response without WARC-Target-URI, found
            # by fuzzing): in every case the archive cannot be read on from this record.
            yield _damaged(source, offset, exc)
            return None
        reader.budget = None  # a page's body is capped by max_bytes, not by the header limit
        if record is None:
            return None
        offset = iterator.offset  # the record's start (get_record_offset() would consume the record)
        try:
            item = _page(record, source, offset, max_bytes, used, counts, seen)
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
            yield _damaged(source, offset, exc)
            return None
        if item is not None:
            yield item


class _HeaderTooLong(Exception):
    """Raised inside warcio's header parser when a record's header lines pass ``HEADER_BYTES``."""


class _HeaderLimit:
    """warcio's buffered (and gunzipping) reader, whose lines are counted against ``budget`` while a record's
    headers are read, so that a header that never ends is never held: warcio reads header lines with unbounded
    ``readline()`` calls and keeps every line."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.budget: int | None = None

    def readline(self, length: int | None = None) -> bytes:
        if self.budget is None:
            line: bytes = self.reader.readline(length)
            return line
        cap = self.budget + 1  # one byte over the budget tells a header over it
        line = self.reader.readline(cap if length is None else min(length, cap))
        self.budget -= len(line)
        if self.budget < 0:
            raise _HeaderTooLong
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)


def _after_member(iterator: Any, max_bytes: int) -> tuple[Any, bool]:
    """An iterator over the records after the gzip member where a header was too long (None at the archive's end),
    and whether the rest of the archive is lost: in a plain WARC the header's end cannot be found, and a member that
    holds over ``max_bytes`` more is not inflated further."""
    from warcio.archiveiterator import ArchiveIterator

    reader: _HeaderLimit = iterator.reader
    reader.budget = None
    if reader.decompressor is None:
        return None, True
    skipped = 0
    while skipped <= max_bytes:
        block = reader.read(BLOCK_BYTES)  # stops at the member's end
        if not block:
            break
        skipped += len(block)
    if skipped > max_bytes:
        return None, True
    start = iterator.fh.tell() - reader.rem_length()
    if not reader.read_next_member():
        return None, False
    resumed: Any = ArchiveIterator(iterator.fh, no_record_parse=False)
    resumed.reader = reader
    resumed.offset = start
    return resumed, False


def _header_too_long(source: str, offset: int, lost: bool) -> Rejection:
    rest = "the rest of the archive is not read" if lost else "the archive is read on from the next record"
    error = TooLargeError(
        f"the WARC record's headers are over the limit of {HEADER_BYTES:,} bytes ({rest})",
        hint="the archive is damaged or was built to exhaust memory; rebuild it or leave it out",
    )
    return Rejection.from_error(f"{source}#{offset}", "ingest", error)


def _page(
    record: Any, source: str, offset: int, max_bytes: int, used: set[str], counts: IngestCounts, seen: MutableSet[str]
) -> RawDocument | Rejection | None:
    """The HTML page of one record, a rejection, or None for a record skipped (counted) or a page seen before."""
    kind = record.rec_type
    if kind != "response" or record.http_headers is None:
        counts.skipped[f"warc {kind}"] += 1
        return None
    status = record.http_headers.get_statuscode()
    content_type = record.http_headers.get_header("Content-Type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if status != "200":
        counts.skipped[f"warc response {status}"] += 1
        return None
    if media not in HTML_TYPES:
        counts.skipped[f"warc response {media or 'without content type'}"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    name = f"{source}#{offset}"
    canonical = canonical_url(url) if url else ""
    if canonical and canonical in seen:
        counts.duplicate += 1
        return None
    try:
        data = _payload(record, max_bytes)  # warcio skips the rest of the record itself
        text = decode_bytes(data, html=True, charset=_charset(content_type))
    except InputError as exc:
        return Rejection.from_error(name, "ingest", exc, message=f"{url}: {exc.message}" if url else None)
    if canonical:
        seen.add(canonical)
    meta = [("url", url)] if url else []
    captured = record.rec_headers.get_header("WARC-Date")
    if captured:
        meta.append(("captured", captured))
    key = unique_key(key_for_url(url) if url else f"record-{offset}", used)
    return RawDocument(source=url or name, key=key, format="html", data=text.encode("utf-8"), meta=tuple(meta))


def _payload(record: Any, max_bytes: int) -> bytes:
    """The archived page's bytes, de-chunked and decompressed as warcio's ``content_stream()`` does, within bounds:
    warcio reads a whole HTTP chunk at once (up to 2 GiB) and inflates a chunk whole, so at most
    ``PAYLOAD_FACTOR * max_bytes`` bytes of the record are read and they are inflated block by block."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    capped = _Capped(record.raw_stream, PAYLOAD_FACTOR * max_bytes)
    stream: Any = capped
    if record.http_headers.get_header("transfer-encoding") == "chunked":
        stream = ChunkedDataReader(stream)  # de-chunked only: the chunks are no bigger than the cap
    encoding = (record.http_headers.get_header("content-encoding") or "").lower()
    if encoding in ENCODINGS:
        stream = BufferedReader(stream, decomp_type=encoding)  # inflates one block of 16 KiB at a time
    data: bytes = stream.read(max_bytes + 1)
    if len(data) > max_bytes or capped.cut:
        raise TooLargeError(f"the archived page is over the limit of {max_bytes:,} bytes")
    return data


class _Capped:
    """A record's payload, read at most ``limit`` bytes; ``cut`` tells that there was more."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.left = limit
        self.cut = False

    def read(self, length: int | None = None) -> bytes:
        return self._take(self.stream.read, length)

    def readline(self, length: int | None = None) -> bytes:
        return self._take(self.stream.readline, length)

    def _take(self, method: Any, length: int | None) -> bytes:
        want = self.left if length is None or length < 0 else min(length, self.left)
        if want <= 0:
            self.cut = self.cut or bool(self.stream.read(1))
            return b""
        data: bytes = method(want)
        self.left -= len(data)
        return data


def _damaged(source: str, offset: int, exc: Exception) -> Rejection:
    error = FormatError(
        f"cannot read the WARC file after offset {offset}: {type(exc).__name__}: {exc}".replace("\n", " "),
        hint="the archive is damaged",
    )
    return Rejection.from_error(source, "ingest", error)


def _charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
