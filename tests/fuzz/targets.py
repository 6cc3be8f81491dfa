"""Fuzz targets: each takes raw bytes, feeds them to one reader or stage, and checks the outcome contract.

The contract (issue 8): for any input, a stage either returns a result or rejects the input cleanly, that is raises
a :class:`~parallax.errors.ParallaxError` with a message, or yields a :class:`~parallax.models.Rejection` with a
reason and a message. Any other exception escapes the target and is a bug. The same targets are driven by the
hypothesis properties of ``tests/fuzz/test_fuzz.py`` (fast, in ``make test``) and by ``tests/fuzz/long.py``
(atheris, ``make fuzz``).

Bytes are split into parts by :func:`split`: the first byte picks options, so coverage-guided fuzzers can reach
every branch from one input.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from parallax.errors import ParallaxError
from parallax.models import RawDocument, Rejection, Report

Target = Callable[[bytes], None]

ROOT = Path(__file__).resolve().parents[2]
# The report renderers get a real report (the bundled example corpus) with its free-text fields replaced.
RENDER_FIELDS = frozenset({"title", "outlet", "byline", "url", "source", "document", "message", "hint", "speaker"})
BASE_URL = "https://news.example.com/section/"


def split(data: bytes) -> tuple[int, bytes]:
    """(option byte, rest)."""
    return (data[0], data[1:]) if data else (0, b"")


def text_of(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def clean(call: Callable[[], Any]) -> Any:
    """``call()``; a ParallaxError is a clean rejection when it has a message (returns None)."""
    try:
        return call()
    except ParallaxError as exc:
        if not exc.message.strip():
            raise AssertionError(f"{type(exc).__name__} without a message") from exc
        return None


def checked(items: Iterable[RawDocument | Rejection]) -> list[RawDocument]:
    """The documents among ``items``; every rejection must name its reason and say why."""
    documents: list[RawDocument] = []
    for item in items:
        if isinstance(item, Rejection):
            assert item.reason, item
            assert item.message.strip(), item
            assert item.document, item
        else:
            assert isinstance(item, RawDocument), item
            documents.append(item)
    return documents


def extracted(documents: Iterable[RawDocument]) -> None:
    from parallax.extract import extract

    for doc in documents:
        article = clean(lambda doc=doc: extract(doc))
        if article is not None:
            assert article.text.strip()
            assert article.language == "en"


# --- targets --------------------------------------------------------------------------------------------------------


def decode(data: bytes) -> None:
    from parallax.ingest import decode_bytes

    option, rest = split(data)
    charset = ("utf-8", "cp1252", "shift_jis", "no-such-codec", None)[option % 5]
    text = clean(lambda: decode_bytes(rest, html=bool(option & 8), charset=charset))
    assert text is None or (isinstance(text, str) and text.strip())


def text_extract(data: bytes) -> None:
    _option, rest = split(data)
    extracted([RawDocument(source="fuzz.txt", key="fuzz", format="text", data=rest)])


def html_extract(data: bytes) -> None:
    option, rest = split(data)
    if option & 1:  # wrap the bytes in a page skeleton, so the parser reaches the body more often
        rest = b"<html><head><title>T</title></head><body><article>" + rest + b"</article></body></html>"
    extracted([RawDocument(source="fuzz.html", key="fuzz", format="html", data=rest)])


def json_records(data: bytes) -> None:
    """JSON, JSON lines: ``records_from_text`` then extraction of every record."""
    from parallax.ingest import records_from_text

    option, rest = split(data)
    text = text_of(rest)
    if option & 1:  # a real record around the fuzzed text, to reach the field mapping and the cleaner
        text = json.dumps({"title": text[:80], "maintext": text, "authors": [text[:20], [text[:5]]], "date": text[:30]})
    extracted(checked(records_from_text("fuzz.json", "fuzz", text, used=set())))


def csv_records(data: bytes) -> None:
    from parallax.ingest import _csv_records

    option, rest = split(data)
    text = text_of(rest)
    if option & 1:
        text = "title,text,date\n" + text
    mapping = (("text", "text"),) if option & 2 else ()
    extracted(checked(_csv_records("fuzz.csv", "fuzz", text, set(), mapping)))


def feed(data: bytes) -> None:
    from parallax.feeds import feed_links, sniff

    option, rest = split(data)
    sniff(rest, ("", "application/rss+xml", "text/xml")[option % 3])
    if option & 8:
        rest = b"<link>" + rest + b"</link>"
    if option & 4:
        rest = b'<?xml version="1.0"?><rss version="2.0"><channel><item>' + rest + b"</item></channel></rss>"
    links = clean(lambda: feed_links(rest, BASE_URL))
    for link in links or ():
        assert isinstance(link.url, str)


def sitemap(data: bytes) -> None:
    from parallax.feeds import sitemap_links

    option, rest = split(data)
    if option & 4:
        rest = b"<loc>" + rest + b"</loc>"
    if option & 1:
        rest = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>' + rest + b"</url></urlset>"
    if option & 2:
        import gzip

        rest = gzip.compress(rest, compresslevel=1)
    links = clean(lambda: sitemap_links(rest, BASE_URL, max_bytes=1 << 20))
    for link in links or ():
        assert isinstance(link.url, str)


def warc(data: bytes) -> None:
    from parallax.ingest import IngestCounts
    from parallax.warc import read_warc

    option, rest = split(data)
    if option & 1:  # a well-formed record header around the fuzzed payload
        body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + rest
        rest = (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: "
            + rest[:40].replace(b"\r", b"").replace(b"\n", b"")
            + b"\r\nWARC-Date: 2024-05-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            + b"Content-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
            + b"\r\n\r\n"
        )
    items = read_warc(io.BytesIO(rest), "fuzz.warc", max_bytes=1 << 20, used=set(), counts=IngestCounts())
    checked(items)


def stdin(data: bytes) -> None:
    """Standard input of any kind: sniffed, gunzipped, decoded, read as JSON, HTML or text."""
    from parallax.ingest import IngestCounts, _read_stdin

    checked(_read_stdin(io.BytesIO(data), 1 << 20, set(), set(), IngestCounts()))


def urls(data: bytes) -> None:
    from parallax.fetch import _check_url
    from parallax.ingest import canonical_url, key_for_url

    text = text_of(data)
    for url in (text, "http://" + text, "https://[" + text):
        assert isinstance(canonical_url(url), str)
        assert key_for_url(url)
        checked_url = clean(lambda url=url: _check_url(url))
        assert checked_url is None or checked_url.lstrip().lower().startswith("http")


def dates(data: bytes) -> None:
    """Date reading (``iso_date``, metadata and headers) and resolution of relative dates (``dates.resolve``)."""
    from parallax.boilerplate import iso_date
    from parallax.dates import resolve
    from parallax.models import TimeExpression

    option, rest = split(data)
    text = text_of(rest)
    value = iso_date(text)
    assert value is None or value[:4].isdigit()
    reference = date(1900 + option * 2, 1 + option % 12, 1 + option % 28)
    resolved = resolve(TimeExpression(text, 0, len(text), 0, "", "day", True), reference)
    assert isinstance(resolved.value, str)


def annotate(data: bytes) -> None:
    """Quotes, citations, dates, entities: the annotators over one article (needs spaCy)."""
    from parallax.models import Article
    from parallax.nlp import annotate as annotate_all

    option, rest = split(data)
    text = text_of(rest)[:20_000]
    if not text.strip():
        return
    published = ("2024-05-01", None, "2024-02-29T23:59:59+14:00")[option % 3]
    article = Article(id="fuzz", source="fuzz", text=text, title=text[:60] or None, published=published)
    for item in annotate_all([article]):
        for quote in item.quotes:
            assert 0 <= quote.start <= quote.end <= len(text)
        for sentence in item.sentences:
            assert text[sentence.start : sentence.end] == sentence.text


def render(data: bytes) -> None:
    """The JSON, Markdown and HTML renderers over a real report whose free-text fields are the fuzzed text."""
    from parallax import codec
    from parallax.report import render as render_report

    option, rest = split(data)
    text = text_of(rest)
    report = codec.load(Report, _replaced(_base_report(), text, option))
    for fmt in ("json", "md", "html"):
        out = render_report(report, fmt)
        assert isinstance(out, str)
        assert out
        if fmt == "json":
            json.loads(out)


_BASE: list[Any] = []  # the example corpus's report, dumped: analysed once per process, or given by use_report()


def use_report(report: Report) -> None:
    """Render ``report`` (the session's example report in the test suite) instead of analysing the corpus again."""
    from parallax import codec

    _BASE[:] = [codec.dump(report)]


def _base_report() -> Any:
    if not _BASE:
        from parallax import analyze, codec

        _BASE.append(codec.dump(analyze([ROOT / "examples" / "corpus"])))
    return _BASE[0]


def _replaced(value: Any, text: str, option: int) -> Any:
    """``value`` with every string in a RENDER_FIELDS field replaced by ``text`` (and, for odd ``option``, every
    empty one filled with it too)."""
    if isinstance(value, dict):
        return {
            k: text
            if k in RENDER_FIELDS and (isinstance(v, str) or (v is None and option & 1))
            else _replaced(v, text, option)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replaced(v, text, option) for v in value]
    return value


TARGETS: dict[str, Target] = {
    "decode": decode,
    "text": text_extract,
    "html": html_extract,
    "json": json_records,
    "csv": csv_records,
    "feed": feed,
    "sitemap": sitemap,
    "warc": warc,
    "stdin": stdin,
    "urls": urls,
    "dates": dates,
    "annotate": annotate,
    "render": render,
}
