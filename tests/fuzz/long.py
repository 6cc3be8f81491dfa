"""The long fuzz runs (``make fuzz``): every target of tests/fuzz/targets.py for N inputs, figures into a report.

    python -m tests.fuzz.long [--runs 100000] [--targets text,html] [--output docs/RELIABILITY.md]

Each target runs in its own process under atheris (coverage-guided, libFuzzer) when it is installed (``pip install
atheris``, the ``fuzz`` extra), else under a random mutator of the same seeds (``--engine random``). A target passes
when all its inputs ran and none raised anything but a clean rejection; the first unexpected exception stops it,
and the input is saved under ``--artifacts``. The table of inputs, time and failures per target replaces the part
of ``--output`` between the ``fuzz:begin`` and ``fuzz:end`` markers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"
# Inputs per call for the targets that take batches (tests/fuzz/targets.py BATCHED): the pipeline's spaCy batch size.
BATCH = 16
MAX_LEN = 8192  # the largest input a run generates; hostile sizes (200 MB, 10 MB lines) are in tests/test_hostile.py

# Seeds: one small valid input per target (written here for fuzzing), which the fuzzers mutate.
_ARTICLE = (
    "Officials said on Tuesday that the bridge would reopen next month. \u201cWe are confident the repairs are "
    "complete,\u201d the transport minister told reporters, according to Reuters. The work cost $4.5 million.\n\n"
    "Residents had waited since May 5, 2024, for the crossing to reopen, the city council said."
)
_PAGE = f"<html><head><title>Bridge</title></head><body><article><p>{_ARTICLE}</p></article></body></html>"
_BODY = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + _PAGE.encode()
_WARC = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.com/a/bridge.html\r\n"
    b"WARC-Date: 2024-05-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY + b"\r\n\r\n"
)
SEEDS: dict[str, list[bytes]] = {
    "decode": [
        b"\x00" + _ARTICLE.encode(),
        b"\x08" + _PAGE.encode("utf-16"),
        b"\x01" + _ARTICLE.encode("cp1252", "replace"),
    ],
    "text": [b"\x00" + f"Bridge to reopen\nBy A. Writer\nPublished: May 6, 2024\n\n{_ARTICLE}".encode()],
    "html": [b"\x00" + _PAGE.encode(), b"\x01" + f"<p>{_ARTICLE}</p>".encode()],
    "json": [b"\x00" + json.dumps({"title": "Bridge", "maintext": _ARTICLE}).encode(), b"\x01" + _ARTICLE.encode()],
    "csv": [
        b"\x00" + f'title,text\nBridge,"{_ARTICLE}"\n'.encode(),
        b"\x01" + f'Bridge,"{_ARTICLE}",2024-05-06'.encode(),
    ],
    "feed": [
        b"\x00" + b'<rss version="2.0"><channel><item><title>Bridge</title><link>/a/b.html</link>'
        b"<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    ],
    "sitemap": [
        b"\x00" + b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/b.html</loc>'
        b"</url></urlset>",
        b"\x01<loc>https://news.example.com/x</loc>",
    ],
    "warc": [b"\x00" + _WARC, b"\x01" + _PAGE.encode()],
    "stdin": [_PAGE.encode(), _WARC, json.dumps({"text": _ARTICLE}).encode()],
    "urls": [b"https://www.example.com:8080/2024/05/bridge-reopens.html?utm_source=x&id=3#top"],
    "dates": [b"\x00May 5, 2024", b"\x07last Tuesday", b"\x10two weeks ago", b"\x012024-05-06T10:00:00+02:00"],
    "annotate": [b"\x00" + _ARTICLE.encode()],
    "render": ["\x00<b>Bridge</b> & \u201cco\u201d".encode(), b"\x01"],
    # a valid file of these fields (\x01), the same with bytes written over it (\x02) or cut (\x03); the raw bytes
    # of a valid file (\x00) are added by _seeds
    "parquet": [
        bytes([mode]) + f"Bridge\x00{_ARTICLE}\x002024-05-06\x00news.example.com\x00https://news.example.com/a".encode()
        for mode in (1, 2, 3, 5, 9)
    ],
    "outlets": [
        b"\x00The Harbor Daily",
        b"\x01Reuters news agency's",
        b"\x02Daily Lantern",
        b"\x03www.example.com",
        "\x01Agence France-Presse\u2019s".encode(),
    ],
    "date_edges": [bytes([n]) for n in range(16)] + [b"\x10T23:59:59+14:00", b"\x23", b"\x2a yesterday", b"\x39-12-31"],
}

DESCRIPTIONS = {
    "decode": "bytes to text: BOMs, UTF-8, UTF-16 without BOM, declared and guessed charsets, binary sniffing",
    "text": "plain-text articles: decoding, the line cleaner (header, boilerplate), language check",
    "html": "HTML pages: trafilatura and lxml, metadata, timestamps, the light cleaner",
    "json": "JSON and JSON-lines records (news-please, trafilatura), field mapping, extraction of each record",
    "csv": "CSV/TSV rows: dialect sniffing, column mapping, extraction of each row",
    "feed": "RSS/Atom feeds (feedparser) and sniffing of what a resource is",
    "sitemap": "XML sitemaps and sitemap indexes, plain and gzipped (lxml, entities and network off)",
    "warc": "WARC archives (warcio): records, HTTP headers, charsets, payload caps",
    "stdin": "standard input of any kind: sniffed, gunzipped, decoded, read as JSON, HTML or text",
    "urls": "canonical URLs and keys of URLs (seen-sets, document keys)",
    "dates": "date reading (metadata, headers, bylines) and resolution of relative dates",
    "annotate": "quotes, speakers, citations, dates, entities, quantities, loaded terms (spaCy annotators)",
    "render": "the JSON, Markdown and HTML renderers: hostile titles, outlets, URLs, speakers, messages, texts, quotes",
    "parquet": "Parquet files (polars, in a child process): raw bytes, files of fuzzed fields, damaged and cut files",
    "outlets": "outlet names (og:site_name, Source: header, CSV and JSON columns): extraction, citations, provenance",
    "date_edges": "publication dates at the calendar's ends, with offsets, malformed: days, relative dates, copies, "
    "timeline, store window",
}


@dataclass
class Result:
    target: str
    engine: str
    inputs: int
    seconds: float
    unexpected: int
    detail: str = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--targets", default="", help="comma-separated target names (default: all)")
    parser.add_argument("--engine", choices=("auto", "atheris", "random"), default="auto")
    parser.add_argument("--max-seconds", type=float, default=0, help="stop each target after this long (0: never)")
    parser.add_argument("--output", type=Path, help="markdown file whose fuzz:begin..fuzz:end part is replaced")
    parser.add_argument("--artifacts", type=Path, default=ROOT / "fuzz-artifacts", help="where failing inputs go")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "random"
    if args.worker:
        return _worker(args.worker, engine, args.runs, args.artifacts, args.result, args.max_seconds)

    from .targets import TARGETS

    names = [n for n in args.targets.split(",") if n] or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)} (known: {', '.join(TARGETS)})")
    results: list[Result] = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            command = [
                sys.executable,
                "-m",
                "tests.fuzz.long",
                "--worker",
                name,
                "--engine",
                engine,
                "--runs",
                str(args.runs),
                "--artifacts",
                str(args.artifacts),
                "--result",
                str(out),
                "--max-seconds",
                str(args.max_seconds),
            ]
            started = time.perf_counter()
            proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            output = proc.stdout + proc.stderr
            done = re.search(r"Done (\d+) runs in (\d+) second", output)
            if out.is_file():
                result = Result(**json.loads(out.read_text()))
            elif proc.returncode == 0 and done:  # libFuzzer ends the process itself after its last run
                result = Result(name, engine, int(done.group(1)), time.perf_counter() - started, 0)
            else:  # the worker died: atheris stops on the first unexpected exception
                runs_seen = re.findall(r"#(\d+)\s", output)
                inputs = int(runs_seen[-1]) if runs_seen else 0
                result = Result(name, engine, inputs, time.perf_counter() - started, 1, _crash_line(output))
        results.append(result)
        status = "ok" if result.unexpected == 0 else f"FAILED: {result.detail}"
        print(f"{name:10} {result.engine:8} {result.inputs:>9,} inputs {result.seconds:8.1f} s  {status}", flush=True)
        if args.output:  # after each target, so a long run interrupted keeps what it measured
            _write(args.output, [result], args.runs)
    return 0 if all(r.unexpected == 0 and r.inputs >= args.runs for r in results) else 1


def _crash_line(output: str) -> str:
    lines = [line for line in output.splitlines() if re.match(r"^\w+(Error|Exception)\b", line.strip())]
    return lines[-1].strip()[:200] if lines else output.strip().splitlines()[-1][:200] if output.strip() else "died"


def _worker(name: str, engine: str, runs: int, artifacts: Path, result: Path | None, max_seconds: float) -> int:
    artifacts.mkdir(parents=True, exist_ok=True)
    if engine == "atheris":
        import atheris

        with atheris.instrument_imports(include=["parallax"]):
            import parallax.annotate.dates
            import parallax.extract.article
            import parallax.extract.boilerplate
            import parallax.sources.feeds
            import parallax.sources.files
            import parallax.sources.warc

            if name in ("parquet", "outlets", "date_edges"):
                import parallax.compare.provenance
                import parallax.compare.story
                import parallax.days
                import parallax.group.copies
                import parallax.sources.records
            if name in ("annotate", "render", "outlets", "date_edges"):
                import parallax.annotate.citations
                import parallax.annotate.nlp
                import parallax.annotate.quotes
            if name == "render":
                import parallax.report.html
                import parallax.report.markdown  # noqa: F401
    from .targets import TARGETS, _base_report

    target = TARGETS[name]
    if name == "render":
        _base_report()  # analysed once, before the clock starts
    count = 0

    def run(data: bytes) -> None:
        nonlocal count
        count += 1
        target(data)

    started = time.perf_counter()
    if engine == "atheris":
        import atheris

        with tempfile.TemporaryDirectory() as corpus:
            for n, seed in enumerate(_seeds(name)):
                Path(corpus, f"seed-{n}").write_bytes(seed)
            flags = [
                sys.argv[0],
                f"-runs={runs}",
                f"-max_len={MAX_LEN}",
                f"-artifact_prefix={artifacts}/{name}-",
                "-print_final_stats=1",
                "-rss_limit_mb=4096",
                "-timeout=60",
                *([f"-max_total_time={int(max_seconds)}"] if max_seconds else []),
                corpus,
            ]
            atheris.Setup(flags, run)
            atheris.Fuzz()  # never returns: libFuzzer exits after its last run, printing "Done N runs in S second(s)"
    else:
        rng = random.Random(8)
        from .strategies import PIECES
        from .targets import BATCHED

        batched = BATCHED.get(name)
        size = BATCH if batched else 1
        seeds = _seeds(name)
        while count < runs:
            if max_seconds and time.perf_counter() - started > max_seconds:
                break
            batch = [_mutate(rng, rng.choice(seeds), PIECES) for _ in range(min(size, runs - count))]
            try:
                if batched:
                    batched(batch)
                    count += len(batch)
                else:
                    run(batch[0])
            except Exception:
                trace = traceback.format_exc()
                failed = _failing(target, batch) if batched else (batch[0], trace)
                data, trace = failed or (b"".join(batch), trace)
                path = artifacts / f"{name}-{count + 1 if batched else count}"
                path.write_bytes(data)
                suffix = "" if failed else f" (a batch of {len(batch)}; no input fails alone)"
                detail = trace.strip().splitlines()[-1][:200] + f" (input: {path}){suffix}"
                _save(result, Result(name, engine, count, time.perf_counter() - started, 1, detail))
                return 1
    _save(result, Result(name, engine, count, time.perf_counter() - started, 0))
    return 0


def _seeds(name: str) -> list[bytes]:
    """The seeds of a target, with those that are built (a valid Parquet file's bytes)."""
    if name == "parquet":
        from .targets import parquet_bytes

        return [*SEEDS[name], b"\x00" + parquet_bytes(f"Bridge\x00{_ARTICLE}\x002024-05-06")]
    return SEEDS[name]


def _failing(target: Callable[[bytes], None], batch: list[bytes]) -> tuple[bytes, str] | None:
    """The first input of a failed batch that fails alone, with its traceback."""
    for data in batch:
        try:
            target(data)
        except Exception:
            return data, traceback.format_exc()
    return None


def _mutate(rng: random.Random, seed: bytes, pieces: tuple[str, ...]) -> bytes:
    """A random mutation of ``seed``: pieces inserted, bytes flipped, chunks repeated, cut or dropped."""
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        op = rng.randrange(6)
        if op == 0:
            data[at:at] = rng.choice(pieces).encode("utf-8", "surrogatepass") * rng.choice((1, 1, 2, 50))
        elif op == 1 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 2:
            data[at:at] = data[at : at + rng.randint(1, 64)] * rng.randint(2, 20)
        elif op == 3:
            del data[at : at + rng.randint(1, 64)]
        elif op == 4:
            data[at:at] = rng.randbytes(rng.randint(1, 16))
        else:
            del data[at:]
    return bytes(data[:MAX_LEN])


def _save(path: Path | None, result: Result) -> None:
    if path is not None:
        path.write_text(json.dumps(asdict(result)))


def _write(path: Path, results: list[Result], runs: int) -> None:
    """The table of results between the markers of ``path`` (created with the markers when missing); rows of
    targets not run this time are kept."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if commit.returncode == 0:
        stamp += f", {commit.stdout.strip()}"
    text = path.read_text() if path.is_file() else ""
    rows: dict[str, str] = {}
    if BEGIN in text and END in text:
        for line in text[text.index(BEGIN) : text.index(END)].splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| ") and cells[0] in DESCRIPTIONS:
                rows[cells[0]] = line
    for r in results:
        failure = f" ({r.detail})" if r.detail else ""
        rows[r.target] = (
            f"| {r.target} | {DESCRIPTIONS.get(r.target, r.target)} | {r.engine} | {r.inputs:,} | {r.seconds:,.0f} "
            f"| {r.unexpected}{failure} | {stamp} |"
        )
    lines = [
        BEGIN,
        f"Machine of the last run: Python {platform.python_version()}, {os.cpu_count()} CPUs shared with other work.",
        "",
        "| target | what it reads | engine | inputs | seconds | unexpected exceptions | run on (commit) |",
        "|---|---|---|---:|---:|---:|---|",
        *(rows[name] for name in DESCRIPTIONS if name in rows),
        END,
    ]
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text + ("\n" if text else "") + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
