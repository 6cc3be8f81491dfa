"""Web archives: the HTML pages of a WARC or WARC.gz file (Common Crawl News, Heritrix, wget, warcio), streamed.

:func:`read_warc` walks the archive record by record with warcio, holding at most one record's payload (capped at
``max_bytes``) in memory, so a many-gigabyte crawl reads in constant memory. Each HTTP ``response`` record with
status 200 and an HTML content type becomes a ``RawDocument`` (``format="html"``) with the captured URL and the
capture date in its metadata. Other records (``warcinfo``, ``request``, ``metadata``, ``revisit``, redirects,
non-HTML responses) are skipped and counted in ``IngestCounts.skipped``; a page captured twice is counted as a
duplicate. A malformed archive ends with one rejection naming the offset where reading stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableSet
from typing import Any, BinaryIO

from ..errors import FormatError, InputError, TooLargeError
from ..models import RawDocument, Rejection
from .common import IngestCounts
from .decode import decode_bytes
from .urls import canonical_url, key_for_url, unique_key

__all__ = ["HTML_TYPES", "read_warc"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})  # what Common Crawl News keeps as article pages


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
    twice is read once).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen = seen if seen is not None else set()
    iterator = ArchiveIterator(stream, no_record_parse=False)
    records = iter(iterator)
    offset = 0
    while True:
        try:
            record = next(records, None)
        except Exception as exc:
            # warcio's parser fails on damaged archives with ArchiveLoadFailed, ValueError, OSError, EOFError, and on
            # some damaged records with other errors (AttributeError for a response without WARC-Target-URI, found
            # by fuzzing): in every case the archive cannot be read on from this record.
            yield _damaged(source, offset, exc)
            return
        if record is None:
            return
        offset = iterator.offset  # the record's start (get_record_offset() would consume the record)
        try:
            item = _page(record, source, offset, max_bytes, used, counts, seen)
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
            yield _damaged(source, offset, exc)
            return
        if item is not None:
            yield item


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
        data = record.content_stream().read(max_bytes + 1)  # warcio skips the rest of the record itself
        if len(data) > max_bytes:
            raise TooLargeError(f"the archived page is over the limit of {max_bytes:,} bytes")
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
