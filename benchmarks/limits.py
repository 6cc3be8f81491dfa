"""The bounds of issue 15, measured: hostile WARC records, the longest article annotate takes, the worst stories
compare takes within its budget. Prints one line per case (seconds, memory, outcome), the figures of
docs/RELIABILITY.md ("Bounds per record, article and story").

    .venv/bin/python benchmarks/limits.py [--data ../shared/data]
    PYTHONPATH=<an older tree>/src .venv/bin/python benchmarks/limits.py     # the same cases before the bounds

Memory is the traced peak (tracemalloc: Python's and NumPy's allocations) for the WARC and compare cases, and the
growth of the process's peak resident size for annotate (spaCy allocates outside Python's allocator). Each case runs
in a fresh child process. Where memory is traced, the case runs twice: timed without tracemalloc (which slows
Python's allocations several times), then traced.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import resource
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
PAGE = b"<html><body><p>" + b"The council met on Tuesday and voted on the budget. " * 8 + b"</p></body></html>"


def _response(http_headers: bytes, body: bytes, trailing: int = 0) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + http_headers + b"\r\n" + body
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/a.html\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(len(http) + trailing).encode()
        + b"\r\n\r\n"
        + http
    )


def endless_header(size: int) -> bytes:
    """A gzip member of WARC header lines going on for ``size`` bytes, never ended."""
    line = b"X-Padding: " + b"a" * 1000 + b"\r\n"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(b"WARC/1.0\r\nWARC-Type: response\r\n") + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(line * (MB // len(line))) + compressor.flush(zlib.Z_FULL_FLUSH)
    return GZIP_HEADER + head + block * (size // MB)


def one_huge_chunk(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    start = _response(b"Transfer-Encoding: chunked\r\n", b"%x\r\n" % size, trailing=size + len(b"\r\n0\r\n\r\n"))
    blocks = [compressor.compress(start)] + [compressor.compress(b" " * MB) for _ in range(size // MB)]
    return b"".join(blocks) + compressor.compress(b"\r\n0\r\n\r\n\r\n\r\n") + compressor.flush()


def gzip_bomb_chunk(size: int) -> bytes:
    packed = gzip.compress(b" " * size, compresslevel=9)
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(packed), packed)
    return gzip.compress(_response(b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n", body) + b"\r\n\r\n")


def warc_case(data: bytes) -> dict[str, Any]:
    from parallax.models import Rejection
    from parallax.sources.common import IngestCounts
    from parallax.sources.warc import read_warc

    def read() -> list[Any]:
        return list(read_warc(io.BytesIO(data), "a.warc.gz", max_bytes=20 * MB, used=set(), counts=IngestCounts()))

    seconds, peak, items = _timed_and_traced(read)
    outcome = ", ".join(f"{i.reason}" if isinstance(i, Rejection) else "page" for i in items)
    return {"seconds": seconds, "memory_mb": peak / MB, "outcome": outcome, "file_kb": len(data) / 1024}


def _timed_and_traced(call: Callable[[], Any]) -> tuple[float, int, Any]:
    """``call``'s seconds (untraced), then its traced peak (a second call under tracemalloc), and its result."""
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, result


def longest_article(data: Path) -> dict[str, Any]:
    """200,000 characters of real prose (BASIL articles joined), annotated in this process."""
    from parallax.annotate.nlp import annotate
    from parallax.extract.article import MAX_ARTICLE_CHARS
    from parallax.models import Article

    texts = []
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        texts.append("\n\n".join(" ".join(p) if isinstance(p, list) else p for p in record["body-paragraphs"]))
    joined = ""
    for text in sorted(texts, key=len, reverse=True):
        if len(joined) + len(text) + 2 > MAX_ARTICLE_CHARS:
            break
        joined += text + "\n\n"
    list(annotate([Article(id="warm", source="warm", text=texts[0])]))  # the model loaded before the clock
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    (done,) = annotate([Article(id="long", source="long", text=joined)])
    return {
        "seconds": time.perf_counter() - started,
        "memory_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
        "outcome": f"{len(joined):,} characters, {len(done.sentences):,} sentences, {len(done.quotes):,} quotes",
    }


def story_case(shape: str) -> dict[str, Any]:
    """compare_story over two articles at the compare budget (MAX_SENTENCES / 2 sentences, MAX_QUOTES / 2 quotes
    each)."""
    import random

    from parallax.compare import story as compare
    from parallax.models import AnnotatedArticle, Article, Quote, Sentence, Story

    # the budgets (issue 15); a tree from before them (PYTHONPATH=<older src>) is measured at the same sizes
    half, quote_count = getattr(compare, "MAX_SENTENCES", 4000) // 2, getattr(compare, "MAX_QUOTES", 2000) // 2
    rng = random.Random(1)
    articles, vectors = [], {}
    for side in ("a", "b"):
        lines = [
            "The council met today about the bridge."
            if shape == "repeated"
            else " ".join(f"w{rng.randrange(10**6)}" for _ in range(8)) + "."
            for _ in range(half)
        ]
        spans, pos = [], 0
        for i, line in enumerate(lines):
            spans.append(Sentence(side, i, pos, pos + len(line), line))
            pos += len(line) + 1
        quotes = tuple(Quote(side, s.text[:20], s.start, s.start + 20, s.index, "direct") for s in spans[:quote_count])
        article = Article(id=side, source=side, text=" ".join(lines), outlet=side)
        articles.append(AnnotatedArticle(article=article, sentences=tuple(spans), quotes=quotes))
        matrix = np.ones((half, 8)) if shape == "repeated" else np.random.default_rng(1).standard_normal((half, 8))
        vectors[side] = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
    seconds, peak, analysis = _timed_and_traced(
        lambda: compare.compare_story(Story("s", ("a", "b")), articles, vectors)
    )
    return {
        "seconds": seconds,
        "memory_mb": peak / MB,
        "outcome": f"{len(analysis.facts):,} facts, {len(analysis.quotes):,} quote groups",
    }


def _in_child(call: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: dict[str, Any] = pool.apply(call, args)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    cases: list[tuple[str, Callable[..., dict[str, Any]], tuple[Any, ...]]] = [
        ("WARC: a header that never ends (512 MB of header lines)", warc_case, (endless_header(512 * MB),)),
        ("WARC: one HTTP chunk of 256 MB", warc_case, (one_huge_chunk(256 * MB),)),
        ("WARC: a 1 KB gzip chunk inflating to 256 MB", warc_case, (gzip_bomb_chunk(256 * MB),)),
        ("annotate: the longest article (BASIL prose)", longest_article, (args.data,)),
        ("compare: 2 x 2,000 copies of one sentence, 2 x 1,000 quotes", story_case, ("repeated",)),
        ("compare: 2 x 2,000 sentences of distinct words, 2 x 1,000 quotes", story_case, ("distinct",)),
    ]
    for name, call, case_args in cases:
        result = _in_child(call, *case_args)
        extra = f", file {result['file_kb']:,.0f} KB" if "file_kb" in result else ""
        print(
            f"{name}: {result['seconds']:.2f} s, {result['memory_mb']:,.0f} MB{extra}: {result['outcome']}", flush=True
        )


if __name__ == "__main__":
    main()
