"""WARC files recorded with warcio from real HTTP exchanges on 127.0.0.1, read back as articles."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.extract.article import extract
from parallax.models import RawDocument, Rejection
from parallax.sources.common import IngestCounts
from parallax.sources.files import read_inputs

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
