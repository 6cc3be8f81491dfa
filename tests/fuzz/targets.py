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
from parallax.models import AnnotatedArticle, Article, RawDocument, Rejection, Report

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
    dialect = ("standard", "auto", "excel-tab", "semicolon")[(option >> 2) & 3]  # the default and the sniffer
    extracted(checked(_csv_records("fuzz.csv", "fuzz", text, set(), mapping, dialect)))


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


def _supplement() -> Report:
    """Two invented articles (our own words) on one flood: a toll that rises between them (a moving figure) and an
    outlet's own judgment of a named person (entity tone)."""
    from parallax import analyze_articles
    from parallax.models import Article

    texts = [
        f"A flood in the river town of Marlow has killed {n} people, officials said on Tuesday. Mayor Tom Reyes is a "
        "reckless and dishonest leader. Rescue teams searched the flooded streets overnight."
        for n in (12, 31)
    ]
    published = ("2025-03-10T08:00:00+00:00", "2025-03-11T08:00:00+00:00")
    return analyze_articles(
        [
            Article(id=f"flood-{i}", source=f"flood-{i}.txt", text=text, title=f"Flood in Marlow {i}",
                    outlet=f"Outlet {i}", published=when)
            for i, (text, when) in enumerate(zip(texts, published, strict=True))
        ]
    )  # fmt: skip


def _skeleton(report: Report) -> Any:
    """``report`` dumped, each list of records cut to its first SKELETON_ITEMS, plus a rejection when it has none.

    Every section the renderers draw stays non-empty (asserted), and the records kept still refer to each other
    (a fact kept for each summary sentence and conflict kept that names one; coverage lists only facts kept):
    the cut removes repetition (57 facts rendered the same way), not code paths, and makes an input ~5x cheaper.
    """
    from parallax import codec
    from parallax.models import Rejection

    value = codec.dump(report)
    if not any(s["tone"] for s in value["stories"]) or not any(s["figures"] for s in value["stories"]):
        # the example corpus judges no one in its own voice and has no rising toll: a small invented story that
        # does, so the tone and figures sections are rendered too
        extra = codec.dump(_supplement())
        value["stories"] += extra["stories"]
        value["articles"] += extra["articles"]
    for story in value["stories"]:
        facts = story["facts"]
        for key in STORY_LISTS:
            story[key] = story[key][:SKELETON_ITEMS]
        wanted = {x["fact_id"] for x in (*story["summary"], *story["conflicts"], *story["figures"]) if x.get("fact_id")}
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
STORY_LISTS = ("quotes", "conflicts", "timeline", "summary", "tone", "provenance", "figures")
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


# --- issue 15: Parquet files, outlet metadata, dates at the calendar's edges ----------------------------------------

# The article every target below wraps its fuzzed field in: a citation, a quote and relative dates to resolve.
FIXED_TEXT = (
    "Officials said on Tuesday that the bridge would reopen next month, according to Reuters. \u201cWe are "
    "confident the repairs are complete,\u201d the transport minister told the Harbor Daily.\n\n"
    "Residents had waited since May 5 for the crossing; work began two weeks ago and ends next year, the city "
    "council said yesterday."
)
PARQUET_COLUMNS = ("title", "maintext", "date_publish", "source_domain", "url", "title_page", "language")


def parquet_bytes(text: str, rows: int = 1) -> bytes:
    """A valid Parquet file of ``rows`` news-please rows whose fields are pieces of ``text`` (NUL-separated), the
    author list included; a piece left empty is a null."""
    import polars as pl

    pieces = text.split("\x00")
    columns: dict[str, list[Any]] = {
        name: [pieces[(n + row) % len(pieces)] or None for row in range(rows)] for n, name in enumerate(PARQUET_COLUMNS)
    }
    columns["maintext"] = [(value or "") + " " + FIXED_TEXT for value in columns["maintext"]]
    columns["authors"] = [[p for p in pieces[:3] if p] for _ in range(rows)]
    buffer = io.BytesIO()
    pl.DataFrame(columns).write_parquet(buffer)
    return buffer.getvalue()


def parquet(data: bytes) -> None:
    """Parquet files: the bytes as a file; a valid file of fuzzed fields; a valid file with fuzzed bytes written
    over it; a valid file cut short. Every row read is extracted."""
    import os
    import tempfile

    from parallax.sources.records import parquet_records

    option, rest = split(data)
    mode = option % 4
    if mode == 0:
        content = rest
    else:
        content = parquet_bytes(text_of(rest), rows=1 + (option >> 2) % 3)
        if mode == 2:  # fuzzed bytes written over the file: pairs of (where, what)
            patched = bytearray(content)
            for at in range(0, len(rest) - 1, 2):
                patched[(rest[at] * 131 + at) % len(patched)] = rest[at + 1]
            content = bytes(patched)
        elif mode == 3:
            content = content[: (len(rest) * 37) % (len(content) + 1)] + rest[:64]
    handle, name = tempfile.mkstemp(suffix=".parquet", dir=_scratch())
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        extracted(checked(parquet_records(Path(name), "fuzz", set(), max_bytes=1 << 20)))
    finally:
        os.unlink(name)


_SCRATCH: list[str] = []


def _scratch() -> str:
    """A folder for this process's temporary files (removed when the process ends)."""
    if not _SCRATCH:
        import tempfile

        folder = tempfile.TemporaryDirectory(prefix="parallax-fuzz-")
        _SCRATCH.append(folder.name)
        _KEEP.append(folder)
    return _SCRATCH[0]


_KEEP: list[Any] = []


def outlets(data: bytes) -> None:
    """Outlet names as sources give them (an HTML page's og:site_name, a text file's Source: header, a CSV column, a
    news-please record's source_domain and title_page), extracted, then through the citation finder's own-outlet
    test, the catalogue lookup and the provenance graph."""
    from parallax.annotate.citations import find_citations, lookup_source, strip_trailing
    from parallax.compare.provenance import trace_sources
    from parallax.models import Citation, Quote, Story

    option, rest = split(data)
    name = text_of(rest)
    article = clean(lambda: _extract_one(_outlet_carrier(option % 4, name, rest)))
    names = {name, name.strip(), *([article.outlet] if article is not None and article.outlet else [])}
    doc, sentences, entities = _fixed_parse()
    annotated = []
    for n, outlet in enumerate(sorted(names)):
        assert len(strip_trailing(outlet)) <= len(outlet)
        found = lookup_source(outlet)
        assert found is None or found[1] in ("wire", "outlet")
        own = Article(id=f"a{n}", source="fuzz", text=FIXED_TEXT, outlet=outlet)
        citations = find_citations(own, doc, sentences, entities)
        extra = (
            Citation(own.id, outlet, "outlet", "according to", 0, 0, 1),
            Citation(own.id, outlet, "wire", "via", 1, 2, 3),
        )
        quote = Quote(own.id, "We are confident", 0, 16, 0, "direct", speaker=outlet or None)
        annotated.append(
            AnnotatedArticle(
                own, sentences=sentences, entities=entities, citations=(*citations, *extra), quotes=(quote,)
            )
        )
    edges, sourcing = trace_sources(Story("s", tuple(a.id for a in annotated)), annotated)
    assert len(sourcing) == len(annotated)
    assert all(edge.article_id in {a.id for a in annotated} for edge in edges)


def _outlet_carrier(carrier: int, name: str, raw: bytes) -> RawDocument:
    import csv

    if carrier == 0:
        page = (
            b'<html><head><meta property="og:site_name" content="' + raw + b'"><title>Bridge</title></head>'
            b"<body><article><p>" + FIXED_TEXT.encode() + b"</p></article></body></html>"
        )
        return RawDocument(source="fuzz.html", key="fuzz", format="html", data=page)
    if carrier == 1:
        text = f"Bridge to reopen\nSource: {name}\n\n{FIXED_TEXT}\n"
        return RawDocument(source="fuzz.txt", key="fuzz", format="text", data=text.encode("utf-8", "surrogatepass"))
    if carrier == 2:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([("title", "text", "outlet"), ("Bridge", FIXED_TEXT, name)])
        return RawDocument(source="fuzz.csv", key="fuzz", format="csv", data=buffer.getvalue().encode())
    record = {"maintext": FIXED_TEXT, "source_domain": name, "title_page": f"Bridge to reopen | {name}"}
    return RawDocument(source="fuzz.json", key="fuzz", format="json", data=json.dumps(record).encode())


def _extract_one(document: RawDocument) -> Article | None:
    """The article in ``document``: records (CSV, JSON) read first, then extracted; None when there is none."""
    from parallax.extract.article import extract
    from parallax.sources.records import _csv_records, records_from_text

    if document.format in ("html", "text"):
        return extract(document)
    text = document.data.decode("utf-8")
    if document.format == "csv":
        items = _csv_records(document.source, document.key, text, set(), ())
    else:
        items = records_from_text(document.source, document.key, text, used=set())
    records = checked(items)
    return extract(records[0]) if records else None


_PARSED: list[Any] = []


def _fixed_parse() -> tuple[Any, tuple[Any, ...], tuple[Any, ...]]:
    """spaCy's Doc of FIXED_TEXT with its sentences and entities, parsed once per process."""
    if not _PARSED:
        from parallax import resources
        from parallax.annotate.nlp import find_entities, segment_sentences

        doc = resources.spacy_model()(FIXED_TEXT)
        sentences = segment_sentences(Article(id="fixed", source="fuzz", text=FIXED_TEXT), doc)
        _PARSED.extend([doc, sentences, find_entities(doc, sentences)])
    return _PARSED[0], _PARSED[1], _PARSED[2]


# Publication dates at and past the calendar's ends, with offsets, and malformed ones (issue 15: OverflowError in
# copy detection, date resolution, the store's candidate window and the timeline chart).
EDGE_DATES = (
    "0001-01-01",
    "0001-01-08",
    "9999-12-31",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.999999+00:00",
    "0001-01-01T00:00:00-23:59",
    "2024-02-29T23:59:59+14:00",
    "0000-00-00",
    "10000-01-01",
    "-0001-12-31",
    "9999-12-31T24:00:00",
    "2024-13-01",
    "9999-W52-7",
    "0001-001",
    "9999-12",
)


def date_edges(data: bytes) -> None:
    """Publication dates near the calendar's ends (or the fuzzed text itself): read as days, shifted, used as the
    reference of relative dates, compared by copy detection, on a story's timeline and in its JSON form, and as the
    store's candidate window. (The web app's timeline chart is left to the web app's tests: its month ticks still
    pass 9999-12 for a story dated there, see tests/test_calendar_edges.py.)"""
    from parallax.annotate.dates import find_dates, resolve
    from parallax.days import publication_day, shifted
    from parallax.extract.boilerplate import iso_date
    from parallax.group.copies import find_duplicates
    from parallax.models import TimeExpression

    option, rest = split(data)
    base = EDGE_DATES[option % len(EDGE_DATES)]
    text = text_of(rest)
    published = (base, base + text, text, base[: len(text) % (len(base) + 1)] + text)[(option >> 4) % 4]
    day = publication_day(published)
    value = iso_date(published)
    assert value is None or isinstance(value, str)
    for reference in (day, date.min, date.max):
        if reference is None:
            continue
        for delta in (-15, 15, len(text) * 1000, -len(text) * 1000):
            assert isinstance(shifted(reference, delta), date)
        for phrase in ("yesterday", "next year", "two weeks ago", "in 3 days", "last month", "Tuesday", text):
            resolved = resolve(TimeExpression(phrase, 0, len(phrase), 0, "", "day", True), reference)
            year = resolved.value.partition("-")[0]
            assert not year or 1 <= int(year) <= 9999, resolved
    doc, sentences, _ = _fixed_parse()
    found = find_dates(doc, sentences, day)
    other = EDGE_DATES[(option * 7 + 3) % len(EDGE_DATES)]
    articles = [
        Article(id="a", source="a", text=FIXED_TEXT, published=published, outlet="A"),
        Article(id="b", source="b", text=FIXED_TEXT, published=other, outlet="B"),
    ]
    assert len(find_duplicates(articles)) <= 1
    annotated = [AnnotatedArticle(a, sentences=sentences, dates=found) for a in articles]
    _dated_story(annotated)
    _candidate_window(annotated)


def _dated_story(annotated: list[AnnotatedArticle]) -> None:
    """The story's timeline (compare) and the report's JSON form of it."""
    import numpy as np

    from parallax.compare.story import compare_story
    from parallax.models import Story
    from parallax.report.json_form import to_dict

    story = Story("s", tuple(a.id for a in annotated))
    vectors = {a.id: np.ones((len(a.sentences), 4), dtype=np.float32) / 2 for a in annotated}
    analysis = compare_story(story, annotated, vectors)
    report = Report(articles=tuple(annotated), stories=(analysis,), generated="2024-05-01T00:00:00+00:00")
    json.dumps(to_dict(report))


_STORE: list[Any] = []


def _candidate_window(annotated: list[AnnotatedArticle]) -> None:
    """The stored articles a new batch is compared with: a window of days around its publication dates."""
    from parallax.engine.store import _candidates
    from parallax.store import open_store

    if not _STORE:
        _STORE.append(open_store("sqlite:///:memory:"))
    assert isinstance(_candidates(_STORE[0], annotated), list)


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
    "parquet": parquet,
    "outlets": outlets,
    "date_edges": date_edges,
}
# Targets that also take a batch of inputs at once (the random engine's batches; a failing batch is replayed one
# input at a time to find the input at fault).
BATCHED: dict[str, Callable[[Sequence[bytes]], None]] = {"annotate": annotate_batch}
