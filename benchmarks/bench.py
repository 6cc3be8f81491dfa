"""Benchmark: throughput per stage and end to end, peak memory, at 1k / 10k / 100k articles.

    .venv/bin/python benchmarks/bench.py [--sizes 1000,10000] [--data ../shared/data] [--output docs/BENCHMARKS.md]
    make bench SIZES=1000,10000,100000

The corpus is synthetic but made of real news text: the articles of ../shared/data (BASIL's 50 events x 3 outlets,
ECB+'s 446 documents in 40 events, Multi-News' 100 clusters), replicated deterministically (seed ``SEED``) until
the size is reached. Replica ``k`` of an event is a new event: its articles are dated ``k * REPLICA_DAYS`` days
later (with a jitter of up to ``JITTER_DAYS``), carry an outlet drawn from a pool of synthetic outlets and a
newswire dateline naming it, and its proper names (capitalised words the base texts never write in lower case)
are permuted by a mapping drawn for the replica: a replica is a different event about different people, not a
near-copy (MinHash dedup would otherwise fold every replica into its original's story); so are its digits. The
JSONL files are cached in .cache/bench/ (gitignored), never committed.

Each size runs in its own subprocess (so peak RSS, ``ru_maxrss``, is that size's alone), cold: the models load
inside the measured run, as with ``parallax analyze``. The run is ``parallax.analyze`` on the corpus as a folder of
JSONL shards (``SHARD_ARTICLES`` each), with its own per-stage timings (``Report.timings``). In the same subprocess
the baselines are measured: streaming and all-pairs story grouping of the whole batch (all-pairs up to
``--naive-max``), and on a sample the annotate stage in one process (``n_process=1``) and spaCy alone, so each
figure has a ratio measured on the same machine at the same load.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
SEED = 7
CORPUS_VERSION = 3  # bump when the corpus recipe changes: cached files carry it in their name
REPLICA_DAYS = 45  # replicas this far apart are separate events for the grouper (its date penalty is full at 14)
JITTER_DAYS = 1  # outlets report an event over a day or two
OUTLETS = 60  # size of the synthetic outlet pool
NAIVE_MAX = 2000  # all-pairs grouping is quadratic: measured up to this size by default
# Above this many articles a size runs as `parallax analyze -o` does (analyze_to: streamed, never held in memory);
# below, the library's analyze (the report in memory, for the baselines that need its articles).
STREAM_ABOVE = 20_000
ANNOTATE_SAMPLE = 100  # articles annotated in one process for the annotate baseline
SHARD_ARTICLES = 1000  # articles per JSONL shard of the corpus folder (a 10k file would pass the 20 MB input limit)
BASE_DAY = date(2012, 1, 2)  # ECB+ and Multi-News carry no dates: their events start here, one week apart
CITIES = ("LONDON", "WASHINGTON", "PARIS", "BERLIN", "NEW YORK", "TOKYO", "NAIROBI", "SYDNEY", "MADRID", "OTTAWA")


# --- corpus ---------------------------------------------------------------------------------------------------------


def _base_events(data: Path) -> list[list[dict[str, str]]]:
    """The real articles, grouped by event: each a dict with title, text, date (ISO) and outlet."""
    events: dict[str, list[dict[str, str]]] = {}
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        value = record.get("body-paragraphs") or []
        if isinstance(value, str):
            value = ast.literal_eval(value)
        paragraphs = [" ".join(p).strip() if isinstance(p, list) else str(p).strip() for p in value]
        events.setdefault("basil:" + str(record["triplet-uuid"]), []).append(
            {
                "title": str(record.get("title") or ""),
                "text": "\n\n".join(p for p in paragraphs if p),
                "date": str(record.get("date") or BASE_DAY.isoformat()),
                "outlet": str(record.get("source") or "basil"),
            }
        )
    ecb = [json.loads(line) for line in (data / "ecbplus" / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    for n, event in enumerate(sorted({str(r["event"]) for r in ecb})):
        day = (BASE_DAY + timedelta(days=7 * n)).isoformat()
        events["ecb:" + event] = [
            {"title": str(r.get("title") or ""), "text": str(r["text"]), "date": day, "outlet": "ecb"}
            for r in ecb
            if str(r["event"]) == event
        ]
    clusters = [
        json.loads(line)
        for line in (data / "multinews" / "clusters.jsonl").read_text(encoding="utf-8").split("\n")
        if line
    ]
    for n, cluster in enumerate(clusters):
        day = (BASE_DAY + timedelta(days=7 * n + 3)).isoformat()
        events["mn:" + str(cluster["id"])] = [
            {"title": "", "text": str(doc).strip(), "date": day, "outlet": "multinews"}
            for doc in cluster["documents"]
            if str(doc).strip()
        ]
    return [articles for _, articles in sorted(events.items())]


_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")


def _proper_names(events: list[list[dict[str, str]]]) -> list[str]:
    """Capitalised words never written in lower case anywhere in the base texts: names, not sentence starts."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for event in events:
        for article in event:
            for text in (article["title"], article["text"]):
                capitalised.update(_NAME.findall(text))
                lower.update(re.findall(r"\b[a-z]{3,}\b", text))
    return sorted(w for w in capitalised if w.lower() not in lower and w[:3].lower() not in _CALENDAR)


_CALENDAR = frozenset("mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec".split())


def _rename(text: str, renames: dict[str, str], digits: dict[int, int] | None = None) -> str:
    text = _NAME.sub(lambda m: renames.get(m.group(0), m.group(0)), text) if renames else text
    return text.translate(digits) if digits else text


def build_corpus(data: Path, size: int, seed: int = SEED) -> Path:
    """The JSONL corpus of ``size`` articles (cached): news-please style records."""
    path = CACHE / f"corpus-v{CORPUS_VERSION}-{size}-seed{seed}.jsonl"
    if path.is_file():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    events = _base_events(data)
    outlets = [f"{rng.choice(['daily', 'morning', 'evening', 'weekly'])}-{n:02d}.example" for n in range(OUTLETS)]
    names = _proper_names(events)
    renames: dict[str, str] = {}
    digits: dict[int, int] = {}
    written = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        replica = 0
        while written < size:
            if replica:
                # one renaming per replica, shared by its articles: an event's reports still name the same people
                shuffled = random.Random(seed * 1_000_003 + replica).sample(names, len(names))
                renames = dict(zip(names, shuffled, strict=True))
                order = random.Random(seed + replica).sample("0123456789", 10)
                digits = {ord(str(d)): ord(order[d]) for d in range(10)}
            for e, event in enumerate(events):
                for a, article in enumerate(event):
                    if written >= size:
                        break
                    day = date.fromisoformat(article["date"][:10]) + timedelta(
                        days=replica * REPLICA_DAYS + rng.randint(0, JITTER_DAYS)
                    )
                    outlet = rng.choice(outlets)
                    city = rng.choice(CITIES)
                    dateline = f"{city}, {day:%B} {day.day} ({outlet}) - "
                    record = {
                        "title": _rename(article["title"], renames, digits),
                        "maintext": dateline + _rename(article["text"], renames, digits),
                        "date_publish": day.isoformat(),
                        "source_domain": outlet,
                        "url": f"https://{outlet}/{day:%Y/%m/%d}/r{replica}-e{e}-a{a}",
                    }
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
            replica += 1
    tmp.replace(path)
    return path


def shard_corpus(path: Path, shard: int = SHARD_ARTICLES) -> Path:
    """The corpus as a folder of JSONL shards of ``shard`` articles each (``part-0000.jsonl``...), the way a large
    collection arrives (and under the reader's per-file size limit); read in name order it is the same sequence."""
    folder = path.with_suffix("")
    done = folder / ".complete"
    if done.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.jsonl"):
        old.unlink()
    with path.open(encoding="utf-8") as stream:
        part: list[str] = []
        number = 0
        for line in stream:
            part.append(line)
            if len(part) == shard:
                (folder / f"part-{number:04d}.jsonl").write_text("".join(part), encoding="utf-8")
                part, number = [], number + 1
        if part:
            (folder / f"part-{number:04d}.jsonl").write_text("".join(part), encoding="utf-8")
    done.write_text("", encoding="utf-8")
    return folder


# --- one size, in a subprocess --------------------------------------------------------------------------------------


def _records(corpus: Path) -> int:
    """The articles in a corpus folder (its lines)."""
    count = 0
    for shard in corpus.glob("part-*.jsonl"):
        with shard.open(encoding="utf-8") as stream:
            count += sum(1 for _ in stream)
    return count


def run_streamed(corpus: Path, encoder: str) -> dict[str, Any]:
    """A size over ``STREAM_ABOVE``: ``parallax.analyze_to`` into a JSON file (what ``parallax analyze -o`` runs: the
    batch is never held), cold. The baselines that need the annotated articles in memory are not run; words per
    article are counted in the corpus records."""
    started = time.perf_counter()
    from parallax import Settings, analyze_to

    written = analyze_to([corpus], [(CACHE / "streamed-report.json", "json")], settings=Settings(encoder=encoder))
    total = time.perf_counter() - started
    words = 0
    for shard in sorted(corpus.glob("part-*.jsonl")):
        with shard.open(encoding="utf-8") as stream:
            words += sum(len(str(json.loads(line).get("maintext", "")).split()) for line in stream)
    return {
        "encoder": encoder,
        "articles": written.articles,
        "words": words,
        "stories": written.stories,
        "multi": None,
        "rejected": len(written.rejections),
        "timings": dict(written.timings),
        "total": total,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "streamed": True,
    }


def run_one(corpus: Path, naive_max: int, encoder: str) -> dict[str, Any]:
    """Analyse the corpus cold with the given sentence encoder; then the naive baselines. Printed as one JSON object.
    A corpus of more than ``STREAM_ABOVE`` articles runs streamed instead (``run_streamed``)."""
    if _records(corpus) > STREAM_ABOVE:
        return run_streamed(corpus, encoder)
    started = time.perf_counter()
    from parallax import Settings, analyze

    report = analyze([corpus], settings=Settings(encoder=encoder))
    total = time.perf_counter() - started
    n = len(report.articles)
    if report.rejections and not n:
        first = report.rejections[0]
        sys.exit(f"bench: every document was rejected, e.g. {first.document}: {first.reason} ({first.message})")
    result: dict[str, Any] = {
        "encoder": encoder,
        "articles": n,
        "words": sum(len(a.article.text.split()) for a in report.articles),
        "sentences": sum(len(a.sentences) for a in report.articles),
        "stories": len(report.stories),
        "multi": sum(1 for s in report.stories if len(s.story.articles) > 1),
        "rejected": len(report.rejections),
        "timings": dict(report.timings),
        "total": total,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if n <= naive_max:
        from parallax.embed import get_encoder
        from parallax.group.batch import group_stories
        from parallax.group.copies import find_duplicates

        chosen = get_encoder(encoder)  # the run's encoder, loaded by the run: the baselines group with it too
        duplicates = find_duplicates([a.article for a in report.articles])
        lap = time.perf_counter()
        group_stories(report.articles, duplicates=duplicates, streaming=False, encoder=chosen)
        result["naive_group"] = time.perf_counter() - lap
        lap = time.perf_counter()
        group_stories(report.articles, duplicates=duplicates, streaming=True, encoder=chosen)
        result["stream_group"] = time.perf_counter() - lap
    sample = [a.article for a in report.articles[:ANNOTATE_SAMPLE]]
    from parallax.annotate import nlp

    lap = time.perf_counter()
    list(nlp.annotate(sample, n_process=1))
    result["naive_annotate"] = (time.perf_counter() - lap, len(sample))
    lap = time.perf_counter()
    list(nlp.annotate(sample))
    result["annotate_sample"] = (time.perf_counter() - lap, len(sample))
    # spaCy's own pipeline alone, one process, on the same sample: the ceiling of the annotate stage per core
    from parallax.resources import spacy_model

    model = spacy_model()
    lap = time.perf_counter()
    for _ in model.pipe((a.text for a in sample), batch_size=16):
        pass
    result["spacy_sample"] = (time.perf_counter() - lap, len(sample), sum(len(a.text.split()) for a in sample))
    result["spacy_all"] = spacy_alone([a.article.text for a in report.articles])
    return result


def spacy_alone(texts: list[str]) -> tuple[float, int, int]:
    """spaCy's pipeline as Parallax loads it (``resources.spacy_model``), alone, over ``texts`` with as many
    worker processes as the shipped annotate stage uses for that many articles (``nlp.default_processes``),
    workers' start-up included as in the annotate stage: (seconds, articles, processes). The ceiling of
    annotate, and of the whole run, measured on the same articles."""
    from parallax.annotate.nlp import default_processes
    from parallax.resources import spacy_model

    processes = default_processes(len(texts))
    lap = time.perf_counter()
    model = spacy_model()
    for _ in model.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.perf_counter() - lap, len(texts), processes


# --- cold start -----------------------------------------------------------------------------------------------------

COLD_RUNS = 3  # cold runs per variant, alternated; the median is reported
BASELINE_RUNS = 1  # end-to-end runs per variant against --baseline (alternated; the fastest is reported)

_COLD = """
import resource, sys, time
started = time.perf_counter()
from parallax.cli import cli
try:
    cli(sys.argv[1:], prog_name="parallax", standalone_mode=False)
finally:
    # the largest process's peak: the command's own, or a child's (annotate workers of a larger batch)
    rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print("COLD", time.perf_counter() - started, rss, file=sys.stderr)
"""


def _checkout(ref: str) -> Path:
    """The sources of commit ``ref`` (git archive into .cache/bench), to run beside the working tree's."""
    sha = _git("rev-parse", "--short", ref)
    if sha == "?":
        sys.exit(f"bench: cannot resolve the baseline commit {ref!r} (hint: run from a git clone, or BASELINE=)")
    folder = CACHE / f"src-{sha}"
    if not (folder / "src" / "parallax").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "src"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    weights = folder / "src" / "parallax" / "weights"  # gitignored: the tree's (built by make) serve the baseline
    if (ROOT / "src" / "parallax" / "weights").is_dir() and not weights.exists():
        weights.symlink_to(ROOT / "src" / "parallax" / "weights")
    return folder / "src"


def _source_env(src: Path) -> dict[str, str]:
    """The environment of a run of the sources in ``src``: on the path, with their bytecode compiled once (into
    ``.cache/bench/pycache``, ``_compiled``), as an installed package's is. Without it, a run with
    PYTHONDONTWRITEBYTECODE set compiles all of Parallax's sources again (~0.2 s of CPU per cold run) while the
    libraries it imports are read from their installed bytecode."""
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_ENCODER", "PYTHONDONTWRITEBYTECODE")}
    env |= {"PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
    _compiled(src, env)
    return env


_COMPILED: set[Path] = set()


def _compiled(src: Path, env: dict[str, str]) -> None:
    if src not in _COMPILED:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], env=env, capture_output=True, check=False)
        _COMPILED.add(src)


def _timed_cli(src: Path, args: list[str], encoder: str | None) -> tuple[float, float, float]:
    """``parallax ARGS`` from the sources in ``src``, in a fresh interpreter: (wall s, CPU s of the child, RSS MB).
    ``encoder`` None: the sources' own default."""
    env = _source_env(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if encoder:
        env["PARALLAX_ENCODER"] = encoder
    proc = subprocess.run(
        [sys.executable, "-c", _COLD, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = [x for x in proc.stderr.splitlines() if x.startswith("COLD ")]
    if proc.returncode not in (0, 3) or not line:  # 3: some documents rejected, the report written
        sys.exit(f"bench: run of {src} failed: {proc.stderr.strip().splitlines()[-1:]}")
    _, wall_text, rss_text = line[-1].split()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(wall_text), cpu, int(rss_text) / 1024


def against_baseline(corpus: Path, baseline: str, encoder: str | None, runs: int = BASELINE_RUNS) -> dict[str, Any]:
    """``parallax analyze`` on the corpus, end to end, with the baseline commit's sources and this tree's, alternated
    (baseline, tree, baseline, tree): the fastest of each, so the ratio compares runs at the same load. ``encoder``
    None: each side's own default path (the previous default against this tree's)."""
    out = CACHE / "baseline-report.json"
    args = ["analyze", str(corpus), "--format", "json", "-o", str(out), "-q"]
    laps: dict[str, list[tuple[float, float, float]]] = {"baseline": [], "tree": []}
    for _ in range(runs):
        laps["baseline"].append(_timed_cli(_checkout(baseline), args, encoder))
        laps["tree"].append(_timed_cli(ROOT / "src", args, encoder))
    return {name: min(laps[name]) for name in laps} | {
        "encoder": encoder or "default",
        "commit": _git("rev-parse", "--short", baseline),
        "runs": runs,
    }


def cold_start(seeds: Path, baseline: str | None, encoders: list[str]) -> list[tuple[str, float, float, float]]:
    """``parallax analyze`` on the seed folder in a fresh interpreter: (variant, median wall s, CPU s, RSS MB).

    The working tree runs once per encoder (the static one's table already cached by the sized runs).
    """
    variants = [(f"working tree, {encoder}", ROOT / "src", encoder) for encoder in encoders]
    if baseline:
        variants.append((f"baseline {_git('rev-parse', '--short', baseline)}", _checkout(baseline), "minilm"))
    laps: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in variants}
    out = CACHE / "cold.json"
    for _ in range(COLD_RUNS):
        for name, src, encoder in variants:
            laps[name].append(_timed_cli(src, ["analyze", str(seeds), "--format", "json", "-o", str(out)], encoder))
    rows: list[tuple[str, float, float, float]] = []
    for name, _, _ in variants:
        runs = sorted(laps[name])
        wall, cpu, rss = runs[len(runs) // 2]
        rows.append((name, wall, cpu, rss))
    return rows


# --- driver ---------------------------------------------------------------------------------------------------------


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} CPUs ({cpu}), {mem} RAM, Python {platform.python_version()}"


def _rate(n: int, seconds: float | None) -> str:
    return f"{n / seconds:,.1f}" if seconds else "-"


BEGIN = "<!-- bench:begin (written by make bench) -->"
END = "<!-- bench:end -->"
STAGES = ("ingest", "extract", "annotate", "group", "embed", "compare")


def _table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| articles | encoder | words/article | stories (multi) | "
        + " | ".join(STAGES)
        + " | end to end | s/1k articles | peak RSS |",
        "|---:|---|---:|---:|" + "---:|" * len(STAGES) + "---:|---:|---:|",
    ]
    for r in results:
        n = r["articles"]
        cells = [_rate(n, r["timings"].get(s)) for s in STAGES]
        lines.append(
            f"| {n:,} | {r['encoder']} | {r['words'] / max(n, 1):.0f} | {r['stories']:,} ({_multi(r)}) | "
            + " | ".join(cells)
            + f" | **{_rate(n, r['total'])}** | {1000 * r['total'] / max(n, 1):.1f} | {r['rss_mb']:,.0f} MB |"
        )
    return lines


def _multi(result: dict[str, Any]) -> str:
    return "streamed" if result.get("multi") is None else f"{result['multi']:,}"


def _ratios(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| articles | encoder | group (shipped, cold) | group, streaming (warm) | group, naive all-pairs (warm) "
        "| ratio | annotate, n_process=1 (sample) | annotate as shipped (sample) | ratio "
        "| spaCy alone, n_process=1 (sample) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "naive_annotate" not in r:  # a streamed size (STREAM_ABOVE)
            continue
        n = r["articles"]
        group = r["timings"].get("group", 0.0)
        naive = r.get("naive_group")
        stream = r.get("stream_group")
        naive_cells = (
            f"{stream:.2f} s | {naive:.2f} s | {naive / stream:.2f}x"
            if naive and stream
            else "(as shipped) | not run (quadratic) | -"
        )
        one_s, one_n = r["naive_annotate"]
        par_s, par_n = r["annotate_sample"]
        lines.append(
            f"| {n:,} | {r['encoder']} | {group:.2f} s | {naive_cells} | {one_n / one_s:.1f}/s | "
            f"{par_n / par_s:.1f}/s | {one_s / par_s:.2f}x | {_spacy_cell(r)} |"
        )
    return lines


def _write(
    args: argparse.Namespace,
    sizes: list[int],
    encoders: list[str],
    results: list[dict[str, Any]],
    cold: list[tuple[str, float, float, float]],
    commit: str,
    load_before: tuple[float, float, float],
    began: float,
    *,
    final: bool,
) -> None:
    """The measured block of docs/BENCHMARKS.md (or stdout), from the results so far."""
    command = (
        "make bench SIZES="
        + ",".join(str(s) for s in sizes)
        + f" ENCODERS={','.join(encoders)}"
        + (f" BASELINE={args.baseline}" if args.baseline else "")
    )
    lines = [
        "# Benchmarks",
        "",
        f"Command: `{command}` (benchmarks/bench.py), commit `{commit}`, started "
        + f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(began))}.",
        "",
        f"Machine: {_machine()}. Load average (1 min) before: {load_before[0]:.2f}; after each size: "
        + ", ".join(f"{r['articles']:,} {r['encoder']}: {r['load'][0]:.2f}" for r in results)
        + ". The machine is shared: compare ratios measured in the same run rather than absolute rates across runs.",
        "",
        "Articles per second per stage and end to end (cold: model loading included, as with `parallax analyze`);",
        "peak RSS of the subprocess that ran the size.",
        "",
        *_table(results),
        "",
        "Baselines measured in the same subprocess after the run (models loaded): the whole batch grouped by streaming",
        f"and by naive all-pairs average linkage (up to {NAIVE_MAX:,} articles; ratio = all-pairs / streaming), and on "
        f"the first {ANNOTATE_SAMPLE} articles the annotate stage in one process, as shipped, and spaCy's pipeline "
        "alone (the ceiling of annotate per core).",
        "",
        *_ratios(results),
        "",
        *_ceiling(results),
        *_where(results),
        *_against(results),
        f"Cold `parallax analyze` on the {len(list(args.seeds.glob('*.txt')))} seed articles (fresh interpreter, "
        f"JSON output; median of {COLD_RUNS} runs, variants alternated):",
        "",
        "| variant | wall | CPU (user + sys) | peak RSS (largest process) |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {wall:.2f} s | {cpu:.2f} s | {rss:,.0f} MB |" for name, wall, cpu, rss in cold],
        "",
    ]
    if not final:
        lines += ["(Run in progress: the sizes still to run and the cold start are not measured yet.)", ""]
    text = "\n".join(lines)
    if args.output:
        # A hand-written analysis may follow the measured part: only the text between the markers is replaced.
        previous = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if BEGIN in previous and END in previous:
            head, rest = previous.split(BEGIN, 1)
            text = head + BEGIN + "\n" + "\n".join(lines[2:]) + rest[rest.index(END) :]
        args.output.write_text(text, encoding="utf-8")
        if final:
            print(f"bench: wrote {args.output}", file=sys.stderr)
    else:
        print(text)


def _against(results: list[dict[str, Any]]) -> list[str]:
    """The end-to-end comparison with ``--baseline``: ``parallax analyze`` from the CLI, cold, both trees alternated."""
    rows = [r for r in results if "against" in r]
    if not rows:
        return []
    lines = [
        "This tree against the baseline commit (the previous default: each side's own default encoder and "
        "settings), `parallax analyze` on the same corpus end to end (cold, JSON output; fastest of "
        f"{rows[0]['against']['runs']} run(s) of each, alternated; ratio = this tree / baseline, under 1 is faster):",
        "",
        "| articles | encoder | baseline | wall | CPU | this tree: wall | CPU | ratio wall | ratio CPU "
        "| RSS (base, tree) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        a = r["against"]
        (bw, bc, br), (tw, tc, tr) = a["baseline"], a["tree"]
        lines.append(
            f"| {r['articles']:,} | {a['encoder']} | `{a['commit']}` | {bw:.1f} s | {bc:.1f} s | {tw:.1f} s | "
            f"{tc:.1f} s | {tw / bw:.3f} | {tc / bc:.3f} | {br:,.0f} / {tr:,.0f} MB |"
        )
    return [*lines, ""]


def _ceiling(results: list[dict[str, Any]]) -> list[str]:
    """End to end and the annotate stage against spaCy alone on the same articles (same processes, same run)."""
    rows = [r for r in results if "spacy_all" in r]
    if not rows:
        return []
    lines = [
        "spaCy's pipeline alone (as Parallax loads it) over the same articles with as many processes as the annotate "
        "stage, measured in the same subprocess after the run: the ceiling. Ratio = spaCy alone / Parallax "
        "(articles/s; 1.0 would be spaCy's own speed).",
        "",
        "| articles | encoder | processes | spaCy alone | annotate stage | ratio | end to end | ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        seconds, n, processes = r["spacy_all"]
        ceiling = n / seconds
        annotate = r["articles"] / r["timings"]["annotate"] if r["timings"].get("annotate") else 0.0
        end = r["articles"] / r["total"]
        lines.append(
            f"| {r['articles']:,} | {r['encoder']} | {processes} | {ceiling:,.1f}/s | {annotate:,.1f}/s | "
            f"{ceiling / annotate if annotate else 0:.2f}x | {end:,.1f}/s | {ceiling / end:.2f}x |"
        )
    return [*lines, ""]


def _where(results: list[dict[str, Any]]) -> list[str]:
    """Seconds per stage and their share of the end-to-end time ("start-up" = imports and model loads)."""
    lines = [
        "Where the time goes: seconds per stage (share of the end-to-end time); start-up is what no stage counts "
        "(imports, loading spaCy and the encoder where a stage does not).",
        "",
        "| articles | encoder | " + " | ".join(STAGES) + " | start-up | end to end |",
        "|---:|---|" + "---:|" * len(STAGES) + "---:|---:|",
    ]
    for r in results:
        total = r["total"]
        spent = [r["timings"].get(stage, 0.0) for stage in STAGES]
        cells = [f"{x:,.1f} s ({100 * x / total:.0f}%)" for x in [*spent, max(0.0, total - sum(spent))]]
        lines.append(f"| {r['articles']:,} | {r['encoder']} | " + " | ".join(cells) + f" | {total:,.1f} s |")
    return [*lines, ""]


def _spacy_cell(result: dict[str, Any]) -> str:
    if "spacy_sample" not in result:
        return "-"
    seconds, n, words = result["spacy_sample"]
    return f"{n / seconds:.1f}/s ({words / seconds:,.0f} words/s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--naive-max", type=int, default=NAIVE_MAX)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    parser.add_argument(
        "--baseline", default=None, help="a commit whose cold start and end-to-end run are measured beside this tree's"
    )
    parser.add_argument(
        "--baseline-runs", type=int, default=BASELINE_RUNS, help="end-to-end runs of each side against --baseline"
    )
    parser.add_argument(
        "--encoders", default="static,minilm", help="sentence encoders to run each size with (static, minilm)"
    )
    parser.add_argument("--run", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:
        print(json.dumps(run_one(args.run, args.naive_max, args.encoders)))
        return
    if not (args.data / "basil").is_dir():
        sys.exit(f"bench: no evaluation data at {args.data} (hint: pass --data PATH to the shared data folder)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    began = time.time()
    commit = _git("rev-parse", "--short", "HEAD") + (
        " with uncommitted changes" if _git("status", "--porcelain", "src") else ""
    )
    encoders = [e.strip() for e in args.encoders.split(",") if e.strip()]
    for size in sizes:
        corpus = shard_corpus(build_corpus(args.data, size))
        for encoder in encoders:
            print(f"bench: {size:,} articles, {encoder} ({corpus.relative_to(ROOT)}) ...", file=sys.stderr, flush=True)
            run = [sys.executable, __file__, "--run", str(corpus), "--naive-max", str(args.naive_max)]
            proc = subprocess.run([*run, "--encoders", encoder], capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                sys.exit(f"bench: the {size:,}-article run failed: {proc.stderr.strip().splitlines()[-1:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["load"] = os.getloadavg()
            if args.baseline and encoder == encoders[-1]:  # once per size: each side's own default path
                print(
                    f"bench: {size:,} articles, default path, against {args.baseline} ...", file=sys.stderr, flush=True
                )
                result["against"] = against_baseline(corpus, args.baseline, None, args.baseline_runs)
            results.append(result)
            print("\n".join(_table(results[-1:]) + _against(results[-1:])), file=sys.stderr, flush=True)
            if args.output:  # rows so far, so that a run stopped early still leaves its measured sizes
                _write(args, sizes, encoders, results, [], commit, load_before, began, final=False)
    cold = cold_start(args.seeds, args.baseline, encoders) if args.seeds.is_dir() else []
    _write(args, sizes, encoders, results, cold, commit, load_before, began, final=True)


if __name__ == "__main__":
    main()
