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
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from parallax.errors import ParallaxError
from parallax.models import Article, RawDocument, Rejection, Report

Target = Callable[[bytes], None]

ROOT = Path(__file__).resolve().parents[2]
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
    from parallax.extract.article import extract

    for doc in documents:
        article = clean(lambda doc=doc: extract(doc))
        if article is not None:
            assert article.text.strip()
            assert article.language == "en"


# --- targets --------------------------------------------------------------------------------------------------------


def decode(data: bytes) -> None:
    from parallax.sources.decode import decode_bytes

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
    from parallax.sources.records import records_from_text

    option, rest = split(data)
    text = text_of(rest)
    if option & 1:  # a real record around the fuzzed text, to reach the field mapping and the cleaner
        text = json.dumps({"title": text[:80], "maintext": text, "authors": [text[:20], [text[:5]]], "date": text[:30]})
    extracted(checked(records_from_text("fuzz.json", "fuzz", text, used=set())))


def csv_records(data: bytes) -> None:
    from parallax.sources.records import _csv_records

    option, rest = split(data)
    text = text_of(rest)
    if option & 1:
        text = "title,text,date\n" + text
    mapping = (("text", "text"),) if option & 2 else ()
    extracted(checked(_csv_records("fuzz.csv", "fuzz", text, set(), mapping)))


def feed(data: bytes) -> None:
    from parallax.sources.feeds import feed_links, sniff

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
    from parallax.sources.feeds import sitemap_links

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
    from parallax.sources.common import IngestCounts
    from parallax.sources.warc import read_warc

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
    from parallax.sources.common import IngestCounts
    from parallax.sources.files import _read_stdin

    checked(_read_stdin(io.BytesIO(data), 1 << 20, set(), set(), IngestCounts()))


def urls(data: bytes) -> None:
    from parallax.sources.fetch import _check_url
    from parallax.sources.urls import canonical_url, key_for_url

    text = text_of(data)
    for url in (text, "http://" + text, "https://[" + text):
        assert isinstance(canonical_url(url), str)
        assert key_for_url(url)
        checked_url = clean(lambda url=url: _check_url(url))
        assert checked_url is None or checked_url.lstrip().lower().startswith("http")


def dates(data: bytes) -> None:
    """Date reading (``iso_date``, metadata and headers) and resolution of relative dates (``dates.resolve``)."""
    from parallax.annotate.dates import resolve
    from parallax.extract.boilerplate import iso_date
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
    annotate_batch([data])


def annotate_batch(batch: Sequence[bytes]) -> None:
    """:func:`annotate` over many inputs in one call, each input its own article: spaCy batches them as the pipeline
    does (``nlp.pipe``), ~2.5x faster per input than one call each. The random engine of ``make fuzz`` uses it."""
    from parallax.annotate.nlp import annotate as annotate_all

    articles = [a for a in map(_fuzz_article, batch) if a is not None]
    done = 0
    for item, article in zip(annotate_all(articles, n_process=1), articles, strict=False):
        assert item.article is article
        text = article.text
        for quote in item.quotes:
            assert 0 <= quote.start <= quote.end <= len(text)
        for sentence in item.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
        done += 1
    assert done == len(articles), "an article was not annotated"


def _fuzz_article(data: bytes) -> Article | None:
    option, rest = split(data)
    text = text_of(rest)[:20_000]
    if not text.strip():
        return None
    published = ("2024-05-01", None, "2024-02-29T23:59:59+14:00")[option % 3]
    return Article(id="fuzz", source="fuzz", text=text, title=text[:60] or None, published=published)


def render(data: bytes) -> None:
    """The JSON, Markdown and HTML renderers over a real report whose free-text fields are the fuzzed text."""
    from parallax import codec
    from parallax.report.output import render as render_report

    option, rest = split(data)
    text = text_of(rest)
    report = codec.load(Report, _replaced(_base_report(), text, option))
    for fmt in ("json", "md", "html"):
        out = render_report(report, fmt)
        assert isinstance(out, str)
        assert out
        if fmt == "json":
            json.loads(out)


_BASE: list[Any] = []  # the skeleton (see _skeleton): built once per process from the example corpus or use_report()


def use_report(report: Report) -> None:
    """Render ``report`` (the session's example report in the test suite) instead of analysing the corpus again."""
    _BASE[:] = [_skeleton(report)]


def _base_report() -> Any:
    if not _BASE:
        from parallax import analyze

        _BASE.append(_skeleton(analyze([ROOT / "examples" / "corpus"])))
    return _BASE[0]


def _skeleton(report: Report) -> Any:
    """``report`` dumped, each list of records cut to its first SKELETON_ITEMS, plus a rejection when it has none.

    Every section the renderers draw stays non-empty (asserted), and the records kept still refer to each other
    (a fact kept for each summary sentence and conflict kept that names one; coverage lists only facts kept):
    the cut removes repetition (57 facts rendered the same way), not code paths, and makes an input ~5x cheaper.
    """
    from parallax import codec
    from parallax.models import Rejection

    value = codec.dump(report)
    for story in value["stories"]:
        facts = story["facts"]
        for key in STORY_LISTS:
            story[key] = story[key][:SKELETON_ITEMS]
        wanted = {x["fact_id"] for x in (*story["summary"], *story["conflicts"]) if x.get("fact_id")}
        story["facts"] = [f for n, f in enumerate(facts) if n < SKELETON_ITEMS or f["id"] in wanted]
        kept = {f["id"] for f in story["facts"]}
        for coverage in story["coverage"]:
            coverage["omitted"] = [i for i in coverage["omitted"] if i in kept]
            coverage["exclusive"] = [i for i in coverage["exclusive"] if i in kept]
        for tone in story["tone"]:
            tone["sentences"] = tone["sentences"][:SKELETON_ITEMS]
    for article in value["articles"]:
        for key in ARTICLE_LISTS:
            article[key] = article[key][:SKELETON_ITEMS]
    if not value["rejections"]:
        rejection = Rejection("fuzz.txt", "extract", "empty", "no article text found", "check the file")
        value["rejections"] = [codec.dump(rejection)]
    sections = [value["duplicates"], value["rejections"]]
    sections += [[x for s in value["stories"] for x in s[key]] for key in (*STORY_LISTS, "facts", "recycled")]
    sections += [[x for a in value["articles"] for x in a[key]] for key in (*ARTICLE_LISTS, "sentences")]
    assert all(sections), "the example report should fill every section the renderers draw"
    return value


# Lists cut in the skeleton (their other records are rendered by the same code) and the fields the fuzzed text goes
# into: titles, names, URLs, messages as they are; text with offsets into it (article text, sentences, quotes,
# facts) fitted to the length it had, so that every offset still points inside it.
SKELETON_ITEMS = 3
STORY_LISTS = ("quotes", "conflicts", "timeline", "summary", "tone", "provenance")
ARTICLE_LISTS = ("entities", "quotes", "citations", "dates", "quantities", "loaded_terms", "title_terms")
RENDER_FIELDS = frozenset(
    {"title", "outlet", "byline", "url", "source", "document", "message", "hint", "speaker", "description", "entity",
     "name", "cue"}
)  # fmt: skip
FITTED_FIELDS = frozenset({"text"})


def _replaced(value: Any, text: str, option: int) -> Any:
    """``value`` with every string in a RENDER_FIELDS field replaced by ``text`` (and, for odd ``option``, every
    empty one filled with it too), and every FITTED_FIELDS string by ``text`` repeated or cut to its length."""
    if isinstance(value, dict):
        return {
            k: text
            if k in RENDER_FIELDS and (isinstance(v, str) or (v is None and option & 1))
            else _fitted(text, len(v))
            if k in FITTED_FIELDS and isinstance(v, str)
            else _replaced(v, text, option)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replaced(v, text, option) for v in value]
    return value


def _fitted(text: str, length: int) -> str:
    return (text * (length // len(text) + 1))[:length] if text else ""


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
# Targets that also take a batch of inputs at once (the random engine's batches; a failing batch is replayed one
# input at a time to find the input at fault).
BATCHED: dict[str, Callable[[Sequence[bytes]], None]] = {"annotate": annotate_batch}
