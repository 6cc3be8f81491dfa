"""The hostile corpus (issue 8): each document gives its documented outcome (docs/RELIABILITY.md, "Hostile input"),
within bounded time and memory, and the batch goes on.

The corpus is built in a temporary folder at test time (the 200 MB file is sparse, the gzip bombs are concatenated
gzip members, so building it takes well under a second and little disk). Reading and extraction run in a child
process with an address-space limit, which reports each document's outcome and time and its own peak memory; the
full analysis of the same folder runs in a second child process.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import resource
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from parallax.cli.common import EXIT_REJECTED
from parallax.errors import TooLargeError
from parallax.models import Rejection
from parallax.sources.common import IngestCounts
from parallax.sources.feeds import sitemap_links
from parallax.sources.fetch import Fetcher, FetchPolicy
from parallax.sources.files import read_inputs
from parallax.sources.warc import read_warc

from .httpserver import serve

MB = 1024 * 1024
# Bounds for the child that reads and extracts the corpus. Python with trafilatura and lxml loaded peaks at ~90 MB;
# reading the 200 MB file, or decompressing a bomb whole, would pass PEAK_MB at once. The address-space limit
# stops a runaway child before it can hurt the machine.
PEAK_MB = 400
ADDRESS_SPACE = 3 * 1024 * MB
DOCUMENT_SECONDS = 30  # a generous ceiling per document (the slowest, the 10 MB line, takes ~0.1 s here)
BOMB_BYTES = 1024 * MB  # what each gzip bomb decompresses to

# Written for these tests (fictional town and people).
PARAGRAPHS = (
    "The council of Harrowgate voted on Tuesday to close the old river bridge for repairs, after engineers found "
    "cracks in two of its supports during a routine inspection last month.",
    "The mayor, Ellen Marsh, said the closure would last about six weeks and that a temporary ferry would carry "
    "foot passengers across the river during the works, which are expected to cost about 2 million pounds.",
    "Shop owners on both banks told the local paper that they feared losing customers, and asked the council to "
    "reduce their business rates until the bridge reopens to traffic in the spring.",
)
ARTICLE = "Bridge to close for repairs\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
QUOTES = (
    "\u201cThe bridge is not safe for heavy traffic any more,\u201d said Ellen Marsh, the mayor of Harrowgate.",
    "\u201cWe found cracks in two supports and we will not take any risks with them,\u201d the chief engineer, "
    "Tom Reyes, told reporters.",
    "\u201cA ferry will run every twenty minutes while the works go on,\u201d said the council's transport officer.",
    "\u201cMy customers come from the other bank, and I cannot lose them for six weeks,\u201d said a baker, Ann Cole.",
)

# name -> the documented outcome: ("rejected", stage, reason) or ("accepted", how the text must read).
OUTCOMES: dict[str, tuple[str, ...]] = {
    "empty.txt": ("rejected", "ingest", "empty"),
    "binary.txt": ("rejected", "ingest", "binary"),
    "huge.txt": ("rejected", "ingest", "too-large"),
    "invalid-utf8.txt": ("accepted", "cp1252"),
    "utf16-nobom.txt": ("accepted", "same"),
    "deep-nesting.html": ("rejected", "extract", "empty"),
    "bomb.html.gz": ("rejected", "ingest", "too-large"),
    "bomb.warc.gz": ("rejected", "ingest", "too-large"),
    "one-line.txt": ("rejected", "extract", "too-large"),
    "controls.txt": ("accepted", "controls"),
    "controls-dense.txt": ("rejected", "ingest", "binary"),
    "arabic.txt": ("rejected", "extract", "language"),
    "mixed-rtl.txt": ("accepted", "rtl"),
    "cjk.txt": ("rejected", "extract", "language"),
    "emoji.txt": ("rejected", "extract", "empty"),
    "all-quotes.txt": ("accepted", "quotes"),
}


def gzip_bomb(size: int, chunk: bytes = b" " * (16 * MB), prefix: bytes = b"") -> bytes:
    """Gzip data that decompresses to ``prefix`` and then ``size`` bytes of ``chunk``, built from one compressed
    chunk repeated: a multi-member gzip stream (as ``gzip -c a b``) is one valid file."""
    member = gzip.compress(chunk, compresslevel=9)
    return gzip.compress(prefix) + member * (size // len(chunk))


def warc_bomb(size: int) -> bytes:
    """A WARC.gz whose one response record holds an HTML page of ``size`` bytes, in one gzip member."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>"
    body_length = len(http) + size
    header = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/bomb.html\r\n"
        b"WARC-Date: 2024-05-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(body_length).encode() + b"\r\n\r\n" + http
    )
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # one gzip member, as WARC.gz requires per record
    out = [compressor.compress(header)]
    block = b" " * (16 * MB)
    for _ in range(size // len(block)):
        out.append(compressor.compress(block))
    out.append(compressor.compress(b"\r\n\r\n") + compressor.flush())
    return b"".join(out)


def build_corpus(folder: Path) -> None:
    """The hostile documents of OUTCOMES, written into ``folder``."""
    rng = random.Random(8)
    folder.mkdir(parents=True, exist_ok=True)
    write = lambda name, data: (folder / name).write_bytes(data)  # noqa: E731
    write("empty.txt", b"")
    write("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(64 * 1024))
    with (folder / "huge.txt").open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * MB)
    # Latin-1 accents in otherwise English text: not UTF-8, read as Windows-1252.
    write(
        "invalid-utf8.txt",
        (ARTICLE.replace("Ellen Marsh", "Hélène Marsh").replace("Shop owners", "Café owners").encode("cp1252")),
    )
    write("utf16-nobom.txt", ARTICLE.encode("utf-16-le"))
    depth = 10_000
    write(
        "deep-nesting.html",
        (
            "<html><head><title>Deep</title></head><body>"
            + "<div>" * depth
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
            + "</div>" * depth
            + "</body></html>"
        ).encode(),
    )
    write("bomb.html.gz", gzip_bomb(BOMB_BYTES, prefix=b"<html><body><p>"))
    write("bomb.warc.gz", warc_bomb(BOMB_BYTES // 4))
    line = " ".join(PARAGRAPHS) + " "
    write("one-line.txt", (line * (10 * MB // len(line) + 1)).encode()[: 10 * MB])
    controls = "".join(ch + ("\x07" if i % 97 == 0 else "\x1b" if i % 89 == 0 else "") for i, ch in enumerate(ARTICLE))
    write("controls.txt", controls.encode())
    write("controls-dense.txt", bytes(rng.choice(b"\x01\x02\x03\x04\x05\x06ab ") for _ in range(4000)))
    arabic = "قال المجلس إن الجسر سيغلق للإصلاح. "  # "the council said the bridge will close for repairs."
    write("arabic.txt", (arabic * 60).encode())
    rtl = ARTICLE.replace("Ellen Marsh", "\u202bאלן מרש\u202c (Ellen Marsh)").replace("river", "\u200friver\u200e")
    write("mixed-rtl.txt", rtl.encode())
    write(
        "cjk.txt",
        (
            "\u5e02\u8bae\u4f1a\u5468\u4e8c\u6295\u7968\u51b3\u5b9a\u5173\u95ed\u8001\u6865\u8fdb\u884c"
            "\u7ef4\u4fee\u3002" * 120
        ).encode(),
    )
    write("emoji.txt", (" ".join(["\U0001f309\U0001f6a7", "\U0001f62e", "\U0001f44d\U0001f3fd"] * 200)).encode())
    write("all-quotes.txt", ("\n\n".join(QUOTES) + "\n").encode())


# --- reading and extraction, in a bounded child process --------------------------------------------------------------

CHILD = """
import json, resource, sys, time
from pathlib import Path
from parallax.errors import InputError
from parallax.extract import extract
from parallax.sources import read_inputs
from parallax.models import Rejection

outcomes = {}
for path in sorted(Path(sys.argv[1]).iterdir()):
    started = time.perf_counter()
    for item in read_inputs([path]):
        if isinstance(item, Rejection):
            outcome = ["rejected", item.stage, item.reason, item.message, item.hint]
        else:
            try:
                article = extract(item)
            except InputError as exc:
                outcome = ["rejected", "extract", exc.reason, str(exc), exc.hint]
            else:
                outcome = ["accepted", article.text]
    outcomes[path.name] = outcome + [time.perf_counter() - started]
# The peak resident memory of this program: VmHWM belongs to the process's own memory map, made new at exec (the
# getrusage peak would also count the parent's memory, copied at fork, before exec).
status = Path("/proc/self/status")
lines = status.read_text().splitlines() if status.exists() else []
hwm = [int(line.split()[1]) for line in lines if line.startswith("VmHWM:")]
peak = hwm[0] / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcomes": outcomes, "peak_mb": peak}))
"""


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    build_corpus(folder)
    return folder


def run_child(corpus: Path) -> dict[str, Any]:
    """Each document's outcome and seconds, and the child's peak memory (MB), read in the bounded child."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus)],
        capture_output=True,
        text=True,
        timeout=DOCUMENT_SECONDS * len(OUTCOMES),
        preexec_fn=_limit_address_space,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def read_outcomes(corpus: Path) -> dict[str, Any]:
    return run_child(corpus)


def test_corpus_is_complete(corpus: Path) -> None:
    assert sorted(p.name for p in corpus.iterdir()) == sorted(OUTCOMES)
    assert (corpus / "huge.txt").stat().st_size == 200 * MB
    assert len((corpus / "one-line.txt").read_bytes().splitlines()) == 1


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_documented_outcome(name: str, read_outcomes: dict[str, Any]) -> None:
    expected = OUTCOMES[name]
    *outcome, seconds = read_outcomes["outcomes"][name]
    assert seconds < DOCUMENT_SECONDS
    if expected[0] == "rejected":
        status, stage, reason, message, hint = outcome
        assert (status, stage, reason) == expected, message
        assert message.strip()
        assert "\n" not in message
        assert hint.strip()
        return
    assert outcome[0] == "accepted", outcome
    text = outcome[1]
    how = expected[1]
    if how == "same":
        assert text.split() == " ".join(PARAGRAPHS).split()  # the first line is the title
    elif how == "cp1252":
        assert "Hélène Marsh" in text
        assert "Café owners" in text
    elif how == "controls":  # the control characters are dropped, the words kept
        assert not any(ch in text for ch in "\x07\x1b")
        assert text.split() == " ".join(PARAGRAPHS).split()
    elif how == "rtl":
        assert "Ellen Marsh" in text
        assert "\u05d0\u05dc\u05df" in text
    elif how == "quotes":
        assert text.split() == "\n\n".join(QUOTES).split()


def test_memory_is_bounded(read_outcomes: dict[str, Any]) -> None:
    """Neither the 200 MB file nor the 1 GB bombs are ever held in memory."""
    assert read_outcomes["peak_mb"] < PEAK_MB


def test_size_messages(read_outcomes: dict[str, Any]) -> None:
    outcomes = read_outcomes["outcomes"]
    assert "209,715,200 bytes" in outcomes["huge.txt"][3]
    assert "decompresses to over the limit" in outcomes["bomb.html.gz"][3]
    assert "over the limit" in outcomes["bomb.warc.gz"][3]
    assert "10,485,760 characters" in outcomes["one-line.txt"][3]


# --- the whole pipeline over the corpus -------------------------------------------------------------------------------


def test_analyze_reports_every_document(corpus: Path, tmp_path: Path) -> None:
    """``parallax analyze`` over the folder: a report with the accepted articles analysed (the quotes of the
    all-quotes article found) and one rejection per other document; nothing crashes."""
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "analyze", str(corpus), "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == EXIT_REJECTED, proc.stderr[-3000:]  # the report is written; some inputs were rejected
    report = json.loads(out.read_text())
    rejected = {Path(r["document"]).name.split("#")[0]: (r["stage"], r["reason"]) for r in report["rejections"]}
    expected = {name: tuple(o[1:]) for name, o in OUTCOMES.items() if o[0] == "rejected"}
    assert rejected == expected
    sources = {Path(a["source"]).name: a for a in report["articles"]}
    assert sorted(sources) == sorted(name for name, o in OUTCOMES.items() if o[0] == "accepted")
    speakers = {q["speaker"] for q in sources["all-quotes.txt"]["quotes"]}
    assert len(sources["all-quotes.txt"]["quotes"]) == len(QUOTES)
    assert {"Ellen Marsh", "Tom Reyes", "Ann Cole"} <= speakers


# --- decompression paths other than files ----------------------------------------------------------------------------


def test_gzipped_sitemap_bomb_is_capped() -> None:
    bomb = gzip_bomb(256 * MB, prefix=b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    with pytest.raises(TooLargeError, match="decompresses to over the limit"):
        sitemap_links(bomb, "https://news.example.com/", max_bytes=MB)


def test_gzip_bomb_on_stdin_is_capped() -> None:
    (item,) = read_inputs(["-"], stdin=io.BytesIO(gzip_bomb(256 * MB)), max_bytes=MB)
    assert isinstance(item, Rejection)
    assert item.reason == "too-large"


def test_warc_bomb_rejects_the_record_and_reads_on() -> None:
    page = b"<html><body>" + " ".join(PARAGRAPHS).encode() + b"</body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    good = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/bridge.html\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(len(http)).encode()
        + b"\r\n\r\n"
        + http
        + b"\r\n\r\n"
    )
    archive = warc_bomb(64 * MB) + gzip.compress(good)
    items = list(read_warc(io.BytesIO(archive), "a.warc.gz", max_bytes=MB, used=set(), counts=IngestCounts()))
    assert [type(i).__name__ for i in items] == ["Rejection", "RawDocument"]
    assert isinstance(items[0], Rejection)
    assert items[0].reason == "too-large"


def test_gzip_bomb_over_http_is_capped() -> None:
    """A server sending a gzip bomb as ``Content-Encoding: gzip``: the fetcher stops past its limit."""
    bomb = gzip.compress(b" " * (256 * MB), compresslevel=1)
    with serve() as site:
        site.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
        policy = FetchPolicy(host_interval=0, allow_private=True, max_bytes=MB)
        with Fetcher(policy) as fetcher, pytest.raises(TooLargeError, match="over the limit"):
            fetcher.fetch(site.url("/bomb"))


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://a.example:port/", "http://a.example/\x00", "http://a.example/" + "a" * 70_000],
)
def test_malformed_url_is_one_rejection(url: str) -> None:
    """A malformed URL (given by the user, or listed in a feed or sitemap) is rejected with a reason; the batch goes
    on. Each is refused before any connection is made."""
    from parallax.sources.crawl import read_url

    with Fetcher(FetchPolicy(host_interval=0, retries=0, respect_robots=False)) as fetcher:
        items = list(read_url(url, fetcher, used=set(), counts=IngestCounts(), seen=set()))
    assert len(items) == 1
    assert isinstance(items[0], Rejection)
    assert items[0].reason == "format"
    assert items[0].message


def test_malformed_links_in_a_sitemap_are_left_out() -> None:
    sitemap = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://[::1</loc></url>'
        b"<url><loc>/2024/bridge.html</loc></url></urlset>"
    )
    links = sitemap_links(sitemap, "https://news.example.com/", max_bytes=MB)
    assert [link.url for link in links] == ["https://news.example.com/2024/bridge.html"]


# --- what fuzzing found (each crashed before its fix) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": ' + "7" * 5000 + "}", "Exceeds the limit"),
        ('{"text": "a"}\n{"text": ' + "7" * 5000 + "}", "Exceeds the limit"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_json_is_a_format_rejection(text: str, message: str) -> None:
    from parallax.sources.records import records_from_text

    items = list(records_from_text("a.json", "a", text, used=set()))
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(rejections) == 1
    assert rejections[0].reason == "format"
    assert message in rejections[0].message


def test_deeply_nested_record_field_reads_as_empty() -> None:
    from parallax.sources.records import records_from_text

    text = '{"text": "' + " ".join(PARAGRAPHS) + '", "authors": ' + "[" * 900 + '"A"' + "]" * 900 + "}"
    (doc,) = records_from_text("a.json", "a", text, used=set())
    assert not isinstance(doc, Rejection)
    assert "byline" not in dict(doc.meta)


@pytest.mark.parametrize(
    "url", ["http://[::1", "https://news.example.com:99999/a", "http://[::1/x/story.html", "http://[::1/[a]/?q=[#["]
)
def test_malformed_urls_in_seen_sets_and_keys(url: str) -> None:
    from parallax.sources.urls import canonical_url, key_for_url

    assert canonical_url(url)
    assert key_for_url(url)


def test_warc_response_without_target_uri_ends_the_archive_with_a_rejection() -> None:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(http)).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"
    )
    items = list(read_warc(io.BytesIO(record), "a.warc", max_bytes=MB, used=set(), counts=IngestCounts()))
    assert len(items) == 1
    assert isinstance(items[0], Rejection)
    assert items[0].reason == "format"
    assert "offset 0" in items[0].message


@pytest.mark.parametrize("reference", ["&#x110000;", "&#99999999999999999999999;", "&#xD800;", "&#" + "9" * 5000 + ";"])
def test_feed_with_a_character_reference_to_no_character_is_read(reference: str) -> None:
    """feedparser raised ValueError, OverflowError or UnicodeEncodeError on these; they now read as U+FFFD."""
    from parallax.sources.feeds import feed_links

    feed = (
        '<rss version="2.0"><channel><item><title>Bridge ' + reference + "</title>"
        "<link>https://news.example.com/bridge.html</link></item></channel></rss>"
    ).encode()
    (link,) = feed_links(feed, "https://news.example.com/")
    assert link.title == "Bridge \ufffd"


def test_feed_that_breaks_feedparser_is_a_format_rejection() -> None:
    """A <link> closed oddly makes feedparser's loose parser raise KeyError('links'): the feed is rejected."""
    from parallax.errors import FormatError
    from parallax.sources.feeds import feed_links

    feed = (  # the fuzzer's input (a mutation of tests/fuzz/long.py's feed seed)
        b'<rss version="2.0"' + b'\xc2\xab\xc2\xab.0"' * 6 + b"\xc2\xab\xc2\xab><channel><item?>><title>Bridge</title>"
        b"<link>/a/b.html</li&#0;&#0;\xbc\xe5\x96\xb8\xae\x89&\xb6\xed>\xc8\xae\xcb)nk>"
        b"<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item></chann"
    )
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>' + feed + b"</link></item></channel></rss>"
    with pytest.raises(FormatError, match="cannot read the feed"):
        feed_links(feed, "https://news.example.com/")


def test_feed_with_an_element_named_links_is_read() -> None:
    """A <links> element garbles feedparser's entry (its "links" a string, its "link" a dict): that entry is left
    out, and the others are read."""
    from parallax.sources.feeds import feed_links

    feed = (
        b'<rss version="2.0"><channel><item><title>Bridge</title><links>x</links>'
        b"<link>https://news.example.com/bridge.html</link></item>"
        b"<item><title>Ferry</title><link>https://news.example.com/ferry.html</link></item></channel></rss>"
    )
    assert [link.url for link in feed_links(feed, "https://news.example.com/")] == [
        "https://news.example.com/ferry.html"
    ]


if __name__ == "__main__":  # python -m tests.test_hostile: the figures of docs/RELIABILITY.md's corpus table
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        build_corpus(Path(tmp))
        measured = run_child(Path(tmp))
    for name, (*outcome, seconds) in sorted(measured["outcomes"].items()):
        what = f"{outcome[1]}: {outcome[2]}: {outcome[3]}" if outcome[0] == "rejected" else "accepted"
        print(f"{name:20} {seconds:7.3f} s  {what}")
    print(f"peak memory of the reading process: {measured['peak_mb']:.0f} MB (bound {PEAK_MB} MB)")
