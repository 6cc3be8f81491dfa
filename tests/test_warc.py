"""WARC files recorded with warcio from real HTTP exchanges on 127.0.0.1, read back as articles."""

from __future__ import annotations

import gzip
import io
import struct
import time
import tracemalloc
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.extract.article import extract
from parallax.models import RawDocument, Rejection
from parallax.sources.common import IngestCounts
from parallax.sources.files import read_inputs
from parallax.sources.warc import HEADER_BYTES, read_warc

from .httpserver import Site, serve

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
PAGES = {"/news/fab-3-fire.html": "01_brennick_herald.html", "/news/death-trap.html": "02_daily_lantern.html"}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve() as running:
        for path, name in PAGES.items():
            running.page(path, (CORPUS / name).read_bytes())
        running.page("/img/fire.png", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
        running.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        yield running


def _record(site: Site, path: Path, urls: list[str]) -> Path:
    """A WARC of real HTTP exchanges (request and response records), as warcio's capture_http writes them."""
    from warcio.capture_http import capture_http

    with capture_http(str(path), gzip=path.name.endswith(".gz")):
        for url in urls:
            try:
                with urllib.request.urlopen(site.url(url)) as response:
                    response.read()
            except urllib.error.HTTPError as exc:
                exc.read()
    return path


CAPTURES = ["/news/fab-3-fire.html", "/img/fire.png", "/missing", "/news/death-trap.html", "/news/fab-3-fire.html"]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_pages_become_articles(site: Site, tmp_path: Path, name: str) -> None:
    warc = _record(site, tmp_path / name, CAPTURES)
    counts = IngestCounts()
    items = list(read_inputs([warc], counts=counts))
    docs = [d for d in items if isinstance(d, RawDocument)]
    assert [d.key for d in docs] == ["fab-3-fire", "death-trap"]
    assert [d.source for d in docs] == [site.url("/news/fab-3-fire.html"), site.url("/news/death-trap.html")]
    meta = dict(docs[0].meta)
    assert meta["url"] == site.url("/news/fab-3-fire.html")
    assert meta["captured"].startswith("20")  # the WARC-Date of the capture
    assert (counts.accepted, counts.duplicate, counts.rejected) == (2, 1, 0)  # the second capture of the first page
    assert counts.skipped == {"warc request": 5, "warc response image/png": 1, "warc response 404": 1}
    article = extract(docs[1])
    assert article.title is not None
    assert article.title.startswith("'Death trap' chip plant")


def test_capture_date_used_when_the_page_has_none(site: Site, tmp_path: Path) -> None:
    site.page(
        "/undated.html",
        "<html><body><article><p>" + "The council met and voted on the budget. " * 10 + "</p></article></body></html>",
    )
    warc = _record(site, tmp_path / "undated.warc.gz", ["/undated.html"])
    [doc] = [d for d in read_inputs([warc]) if isinstance(d, RawDocument)]
    article = extract(doc)
    assert article.published is not None
    assert article.published[:10] == dict(doc.meta)["captured"][:10]


def test_damaged_warc_keeps_what_was_read(site: Site, tmp_path: Path) -> None:
    warc = _record(site, tmp_path / "crawl.warc", ["/news/fab-3-fire.html", "/news/death-trap.html"])
    data = warc.read_bytes()
    cut = data.index(b"WARC/1", data.index(b"WARC-Type: response") + 10)  # from the second record on ...
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(data[:cut] + b"NOT A WARC HEADER\r\n\r\n" + data[cut:])
    items = list(read_inputs([damaged]))
    docs = [d for d in items if isinstance(d, RawDocument)]
    rejections = [r for r in items if isinstance(r, Rejection)]
    assert [d.key for d in docs] == ["fab-3-fire"]
    assert len(rejections) == 1
    assert rejections[0].document == str(damaged)
    assert rejections[0].reason == "format"
    assert "cannot read the WARC file" in rejections[0].message


def test_warc_from_stdin(site: Site, tmp_path: Path) -> None:
    warc = _record(site, tmp_path / "crawl.warc.gz", ["/news/death-trap.html"])
    docs = [d for d in read_inputs(["-"], stdin=io.BytesIO(warc.read_bytes())) if isinstance(d, RawDocument)]
    assert [d.key for d in docs] == ["death-trap"]


def test_oversized_record_rejected_and_the_rest_read(site: Site, tmp_path: Path) -> None:
    site.page("/huge.html", "<html><body>" + "<p>word</p>" * 20_000 + "</body></html>")
    warc = _record(site, tmp_path / "crawl.warc.gz", ["/huge.html", "/news/death-trap.html"])
    items = list(read_inputs([warc], max_bytes=100_000))
    assert [(r.reason, site.url("/huge.html") in r.message) for r in items if isinstance(r, Rejection)] == [
        ("too-large", True)
    ]
    assert [d.key for d in items if isinstance(d, RawDocument)] == ["death-trap"]


# --- record headers that never end (issue 15) -----------------------------------------------------------------------

MB = 1024 * 1024
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no time
PAD = b"X-Padding: " + b"a" * 1000 + b"\r\n"  # one header line; a megabyte of them compresses to ~1 KB


def _page_record(path: str) -> bytes:
    page = b"<html><body><p>" + b"The council met on Tuesday and voted on the budget. " * 8 + b"</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com" + path.encode() + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(len(http)).encode()
        + b"\r\n\r\n"
        + http
        + b"\r\n\r\n"
    )


def _endless_header(size: int, *, http: bool = False, finished: bool = False) -> bytes:
    """One gzip member of a response record whose WARC (or HTTP) header lines go on for ``size`` bytes, built from one
    compressed megabyte repeated (a full flush makes each copy of it independent). Unless ``finished``, the member
    and the file end there, mid-header, as an archive built to exhaust memory would."""
    start = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/endless.html\r\n"
    if http:
        start += b"Content-Type: application/http; msgtype=response\r\nContent-Length: 9999999999\r\n\r\n"
        start += b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    chunk = PAD * (MB // len(PAD))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip header and trailer written here
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    copies = size // len(chunk)
    member = GZIP_HEADER + head + block * copies
    if not finished:
        return member
    crc = zlib.crc32(start)
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    total = len(start) + copies * len(chunk)
    return member + compressor.flush() + struct.pack("<II", crc, total & 0xFFFFFFFF)


def _read_bounded(data: bytes, max_bytes: int) -> tuple[list[RawDocument | Rejection], float, int]:
    """What read_warc gives for ``data``, its time and the peak of Python's allocations while it ran."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        items = list(read_warc(io.BytesIO(data), "a.warc.gz", max_bytes=max_bytes, used=set(), counts=IngestCounts()))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return items, seconds, peak


@pytest.mark.parametrize("http", [False, True], ids=["warc-header", "http-header"])
def test_header_that_never_ends_is_rejected_in_bounded_memory(http: bool) -> None:
    """A member inflating to 512 MB of header lines (before the limit, warcio held them all: 3.78 GB and a
    MemoryError for a bigger one) is rejected by name within 5 s and 64 MB, and what came before it is kept."""
    good = gzip.compress(_page_record("/before.html"))
    items, seconds, peak = _read_bounded(good + _endless_header(512 * MB, http=http), max_bytes=MB)
    assert [type(i).__name__ for i in items] == ["RawDocument", "Rejection"]
    rejection = items[1]
    assert isinstance(rejection, Rejection)
    assert (rejection.document, rejection.stage, rejection.reason) == (f"a.warc.gz#{len(good)}", "ingest", "too-large")
    assert rejection.message == (
        f"the WARC record's headers are over the limit of {HEADER_BYTES:,} bytes (the rest of the archive is not read)"
    )
    assert seconds < 5
    assert peak < 64 * MB


def test_archive_goes_on_after_a_header_over_the_limit() -> None:
    """A finished member with 8 MB of header lines: that record is rejected, the next gzip member read."""
    first = gzip.compress(_page_record("/before.html"))
    endless = _endless_header(8 * MB, finished=True)
    archive = first + endless + gzip.compress(_page_record("/after.html"))
    items, _, peak = _read_bounded(archive, max_bytes=16 * MB)
    assert [i.key if isinstance(i, RawDocument) else i.document for i in items] == [
        "before",
        f"a.warc.gz#{len(first)}",
        "after",
    ]
    assert isinstance(items[1], Rejection)
    assert items[1].message.endswith("(the archive is read on from the next record)")
    assert peak < 64 * MB


def test_plain_warc_with_an_endless_header_line_stops_there() -> None:
    archive = _page_record("/before.html") + b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: " + b"a" * (4 * MB)
    items, _, _ = _read_bounded(archive, max_bytes=MB)
    assert [type(i).__name__ for i in items] == ["RawDocument", "Rejection"]
    assert isinstance(items[1], Rejection)
    assert items[1].reason == "too-large"
    assert items[1].document == f"a.warc.gz#{len(_page_record('/before.html'))}"


def _response(http_headers: bytes, body: bytes, trailing: int = 0) -> bytes:
    """A response record's start; ``trailing`` more bytes of its declared body follow it (written by the caller)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + http_headers + b"\r\n" + body
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/chunked.html\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(len(http) + trailing).encode()
        + b"\r\n\r\n"
        + http
    )


def test_chunked_and_gzipped_page_is_read() -> None:
    page = _page_record("/x.html").split(b"\r\n\r\n", 2)[2].rstrip()
    packed = gzip.compress(page)
    pieces = [packed[i : i + 100] for i in range(0, len(packed), 100)]
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    record = _response(b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", body + b"0\r\n\r\n") + b"\r\n\r\n"
    (doc,) = _read_bounded(gzip.compress(record), max_bytes=MB)[0]
    assert isinstance(doc, RawDocument)
    assert doc.data.decode() == page.decode()


def test_one_huge_http_chunk_is_not_held() -> None:
    """warcio reads an HTTP chunk whole (up to 2 GiB): a 256 MB chunk is now cut at twice the limit and rejected."""
    size = 256 * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    start = _response(b"Transfer-Encoding: chunked\r\n", b"%x\r\n" % size, trailing=size + len(b"\r\n0\r\n\r\n"))
    blocks = [compressor.compress(start)] + [compressor.compress(b" " * MB) for _ in range(size // MB)]
    archive = b"".join(blocks) + compressor.compress(b"\r\n0\r\n\r\n\r\n\r\n") + compressor.flush()
    items, _, peak = _read_bounded(archive, max_bytes=MB)
    assert [(type(i).__name__, getattr(i, "reason", "")) for i in items] == [("Rejection", "too-large")]
    assert peak < 64 * MB


def test_gzip_bomb_in_one_http_chunk_is_inflated_block_by_block() -> None:
    """warcio inflates a chunk whole: a 1 KB chunk of gzip that inflates to 256 MB is now cut at the limit."""
    packed = gzip.compress(b" " * (256 * MB), compresslevel=9)
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(packed), packed)
    record = _response(b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", body) + b"\r\n\r\n"
    items, _, peak = _read_bounded(gzip.compress(record), max_bytes=MB)
    assert [(type(i).__name__, getattr(i, "reason", "")) for i in items] == [("Rejection", "too-large")]
    assert peak < 64 * MB
