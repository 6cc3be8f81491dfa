"""Load test: a bounded stream of requests at `parallax serve` on 127.0.0.1, p50/p99 latency and errors per endpoint.

    .venv/bin/python benchmarks/load.py [--requests N] [--concurrency C] [--max-seconds S] [--output FILE]

(``make load`` runs it with its defaults and writes the "## Load" section of docs/RELIABILITY.md.)

It ingests the bundled example corpus (examples/corpus) into a new SQLite store in a temporary folder, starts
``parallax serve`` on it as a separate process (a free port on 127.0.0.1, uploads enabled with a random token), then
sends exactly N requests from C concurrent clients (asyncio + httpx, one connection each), stopping early only if
S seconds pass. The mix, drawn from a fixed seed: story reads (the JSON story and the story page), searches (the
JSON API and the page, words from the stored text) and ingests (``POST /api/ingest`` of a new article each time:
real writes, spaCy and embedding included). An error is a transport failure, a timeout or any status other than
200. Latency is measured from sending a request to reading its whole answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
SEED = 8
# The share of each kind of request in the mix: mostly reads, as a newsroom tool is read far more than written.
MIX = {"story": 0.475, "search": 0.475, "ingest": 0.05}
REQUESTS = 1000
CONCURRENCY = 16
MAX_SECONDS = 600.0
TIMEOUT = 120.0  # seconds one request may take before it counts as an error


@dataclass
class Tally:
    """What one kind of request got: latencies (seconds) of the answered ones, and the errors."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class LoadResult:
    tallies: dict[str, Tally]
    seconds: float
    requests: int
    concurrency: int

    @property
    def errors(self) -> int:
        return sum(len(t.errors) for t in self.tallies.values())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _article(n: int, rng: random.Random) -> dict[str, str]:
    """A new article for an ingest request: several sentences, distinct per request (its own content hash)."""
    town = rng.choice(["Aldermoor", "Brightwater", "Dunross", "Fenmouth", "Glenhaven"])
    topic = rng.choice(["harbour dredging", "library hours", "parking fees", "flood defences", "street lighting"])
    lines = [
        f"Council members in {town} met on Tuesday to discuss {topic}, item {n} on the agenda.",
        f'"We will publish the minutes within a week," said the clerk, Ana Ferreira, after meeting {n}.',
        f"The meeting drew about {rng.randrange(20, 400)} residents, officials said.",
        f"A vote on the {town} budget is expected next month, according to the agenda.",
    ]
    return {"text": " ".join(lines), "title": f"{town} council on {topic} ({n})", "outlet": "Load Test Gazette"}


def plan(requests: int, stories: list[str], words: list[str], seed: int = SEED) -> list[tuple[str, str, str, Any]]:
    """The requests to send, in order: (kind, method, path, JSON body or None)."""
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    out: list[tuple[str, str, str, Any]] = []
    for n in range(requests):
        kind = rng.choices(kinds, weights)[0]
        if kind == "story":
            story = rng.choice(stories)
            out.append((kind, "GET", rng.choice([f"/api/stories/{story}", f"/stories/{story}"]), None))
        elif kind == "search":
            word = rng.choice(words)
            out.append((kind, "GET", rng.choice([f"/api/search?q={word}", f"/search?q={word}"]), None))
        else:
            out.append((kind, "POST", "/api/ingest", {"articles": [_article(n, rng)]}))
    return out


async def _drive(
    base: str, token: str, requests: list[tuple[str, str, str, Any]], concurrency: int, max_seconds: float
) -> LoadResult:
    tallies = {kind: Tally() for kind in MIX}
    position = 0
    start = time.perf_counter()
    deadline = start + max_seconds

    async def client() -> None:
        nonlocal position
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits, headers=headers) as http:
            while position < len(requests) and time.perf_counter() < deadline:
                kind, method, path, body = requests[position]
                position += 1
                began = time.perf_counter()
                try:
                    answer = await http.request(method, path, json=body)
                    await answer.aread()
                except httpx.HTTPError as exc:
                    tallies[kind].errors.append(f"{method} {path}: {type(exc).__name__}")
                    continue
                took = time.perf_counter() - began
                if answer.status_code == 200:
                    tallies[kind].latencies.append(took)
                else:
                    tallies[kind].errors.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return LoadResult(tallies, time.perf_counter() - start, position, concurrency)


def run_load(
    base: str, token: str, *, requests: int, concurrency: int, max_seconds: float = MAX_SECONDS, seed: int = SEED
) -> LoadResult:
    """Send ``requests`` requests (the mix of :func:`plan`) to the server at ``base`` from ``concurrency`` clients."""
    with httpx.Client(base_url=base, timeout=TIMEOUT) as http:
        stories = [s["id"] for s in http.get("/api/stories", params={"limit": 500}).json()["items"]]
        article = http.get("/api/articles", params={"limit": 1}).json()["items"][0]["id"]
        text = http.get(f"/api/articles/{article}").json()["article"]["text"]
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{6,}", text)})[:40]
    if not stories or not words:
        raise SystemExit("the store holds no story to read")
    return asyncio.run(_drive(base, token, plan(requests, stories, words, seed), concurrency, max_seconds))


@contextmanager
def served(db: Path, token: str) -> Iterator[str]:
    """``parallax serve`` on ``db`` as a separate process on a free port; its base URL. Stopped on exit."""
    port = _free_port()
    parallax = Path(sys.executable).with_name("parallax")
    env = {**os.environ, "PARALLAX_TOKEN": token}
    env.pop("PARALLAX_READ_TOKEN", None)
    process = subprocess.Popen(
        [str(parallax), "serve", "--db", str(db), "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/stories", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("parallax serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def seeded_store(folder: Path) -> Path:
    """A new SQLite store holding the example corpus."""
    db = folder / "parallax.db"
    parallax = Path(sys.executable).with_name("parallax")
    subprocess.run([str(parallax), "ingest", str(EXAMPLES), "--db", str(db), "--quiet"], check=True)
    return db


def table(result: LoadResult) -> str:
    lines = [
        "| requests | count | errors | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    everything = Tally()
    for kind, tally in result.tallies.items():
        everything.latencies += tally.latencies
        everything.errors += tally.errors
        lines.append(_row(kind, tally))
    lines.append(_row("all", everything))
    return "\n".join(lines)


def _row(kind: str, tally: Tally) -> str:
    top = max(tally.latencies) * 1000 if tally.latencies else float("nan")
    p50, p99 = tally.percentile(50) * 1000, tally.percentile(99) * 1000
    return f"| {kind} | {tally.count} | {len(tally.errors)} | {p50:.0f} | {p99:.0f} | {top:.0f} |"


def section(result: LoadResult, command: str) -> str:
    cpu = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        "## Load\n\n"
        f"`{command}` (benchmarks/load.py): `parallax serve` over a SQLite store holding the example corpus, on "
        f"127.0.0.1; {result.requests} requests from {result.concurrency} concurrent clients in "
        f"{result.seconds:.1f} s ({result.requests / result.seconds:.1f} requests/s). The mix (seed {SEED}): "
        "story = `GET /api/stories/{id}` or `/stories/{id}`, search = `GET /api/search?q=` or `/search?q=`, "
        "ingest = `POST /api/ingest` of one new article (spaCy, embedding, grouping and the story's recomputation "
        "included). An error is any status but 200, a timeout or a transport failure.\n\n"
        f"{table(result)}\n\n"
        f"Measured on {platform.machine()} with {cpu} CPU cores (load average {load:.1f} at the end: the machine was "
        f"shared), Python {platform.python_version()}. The server is one uvicorn process; ingests run in its thread "
        "pool one at a time (web/uploads.py), each saved in one SQLite transaction, so reads go on during them "
        "(WAL); an ingest's latency is its NLP plus its wait for the ingests queued before it. `make test` runs a "
        "short version (tests/reliability/test_load.py: 200 requests, no error allowed).\n"
    )


def write_section(path: Path, text: str) -> None:
    """Replace the "## Load" section of ``path`` (up to the next "## " heading) with ``text``, or append it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Reliability\n"
    match = re.search(r"^## Load\n.*?(?=^## |\Z)", old, flags=re.MULTILINE | re.DOTALL)
    if match:
        new = old[: match.start()] + text + ("\n" if old[match.end() :] else "") + old[match.end() :]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS)
    parser.add_argument("--output", type=Path, default=None, help="write the '## Load' section of this Markdown file")
    args = parser.parse_args(argv)
    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="parallax-load-") as tmp, served(seeded_store(Path(tmp)), token) as base:
        sizes = {"requests": args.requests, "concurrency": args.concurrency, "max_seconds": args.max_seconds}
        result = run_load(base, token, **sizes)
    print(table(result))
    print(f"{result.requests} requests in {result.seconds:.1f} s, {result.errors} errors")
    for tally in result.tallies.values():
        for error in tally.errors[:5]:
            print("error:", error)
    if args.output is not None:
        command = "make load" if argv is None and os.environ.get("MAKELEVEL") else "python benchmarks/load.py"
        write_section(args.output, section(result, command))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
