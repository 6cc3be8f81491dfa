"""The Ray engine: the per-article stages (read, extract, annotate) as a Ray Data pipeline over sharded inputs.

``analyze_ray(paths)`` gives the same report as ``local.analyze(paths)``; ``ingest_ray(store, paths)`` the same
store as ``store.ingest_paths``. The stages are those of :mod:`parallax.engine.stages`; what runs where:

* the driver lists the inputs and cuts them into shards (``plan_shards``): one shard per file, and big JSON-lines
  files cut into ranges of ``SHARD_LINES`` lines (found by one streaming scan of the file);
* the cluster reads every shard, extracts and annotates its articles (``ray.data``: ``from_items`` ->
  ``flat_map(read + extract)`` -> ``map_batches(annotate)`` -> ``write_parquet``): one row per annotated article
  or rejection, the record as JSON (:mod:`parallax.codec`);
* the driver reads the Parquet rows back (polars), in input order, then groups and compares as the local runner does
  (``stages.analyze_annotated``; or ``store.ingest_annotated`` into a store).

Grouping needs every article at once, so it is not distributed; it is linear in articles (blocked by day, issue 7).
Ray is an optional extra (``pip install 'parallax-news[ray]'``); without it ``--engine ray`` fails with one line.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import codec
from ..errors import ConfigError
from ..models import AnnotatedArticle, Article, Rejection, Report
from ..settings import Settings
from ..sources import (
    IngestCounts,
    IngestOptions,
    canonical_url,
    file_kind,
    list_inputs,
    read_file,
    read_json_lines,
    unique_key,
)
from .stages import Progress, Timings, analyze_annotated, annotate, encoder_of, extract_one, no_progress
from .store import IngestResult, ingest_annotated

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "RAY_HINT",
    "SHARD_LINES",
    "RayOptions",
    "Shard",
    "analyze_ray",
    "check_ray",
    "ingest_ray",
    "plan_shards",
    "read_shard",
]

# A JSON-lines file with more lines than this is cut into shards of this many lines. News-please records run
# 3-10 kB, so a shard is 6-20 MB of input and ~1 minute of spaCy on one core: long enough that Ray's per-task
# overhead (~10 ms) is noise, short enough that a 2,000-core cluster stays busy on a few million articles.
SHARD_LINES = 2000
# Articles per annotate batch (one spaCy ``pipe`` call): nlp.annotate's own batch size.
ANNOTATE_BATCH = 16
# The object store of a Ray instance started here (bytes). The rows are annotated articles as JSON (~50-150 kB
# each): 256 MB holds a few thousand in flight, and Ray spills to disk beyond that. A cluster sets its own.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
RAY_HINT = "pip install 'parallax-news[ray]' (the ray extra: Ray Data and pyarrow)"


@dataclass(frozen=True, slots=True)
class RayOptions:
    """Where and how the Ray engine runs.

    ``address``: a running cluster (``ray://host:10001`` or ``host:6379``; None: ``Settings.ray_address``
    ($RAY_ADDRESS), else a local Ray instance started for the run and stopped after it). ``num_cpus``: the local
    instance's CPUs (None: all). ``output``: a folder to keep the annotated Parquet shards in (None: a temporary
    folder, deleted after). ``shard_lines``: lines per JSON-lines shard.
    """

    address: str | None = None
    num_cpus: int | None = None
    output: Path | None = None
    shard_lines: int = SHARD_LINES


@dataclass(frozen=True, slots=True)
class Shard:
    """A piece of the input read by one task: a whole file, or lines ``first``..``last`` of a JSON-lines file
    (``start``/``stop``: their byte range). ``key`` is the file's key in the batch; ``used`` every file key."""

    index: int
    path: str
    key: str
    first: int = 0
    last: int = 0
    start: int = 0
    stop: int = 0


def _require_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        message = f"--engine ray needs Ray Data, which is not installed (no module named {exc.name!r})"
        raise ConfigError(message, hint=RAY_HINT) from exc
    return ray


def check_ray(paths: Sequence[str | Path]) -> None:
    """Raise ``ConfigError`` (one line, with a hint) when Ray is not installed or an input is a URL or stdin."""
    _require_ray()
    for path in paths:
        _files_only(str(path), "url" if "://" in str(path) else "stdin" if str(path) == "-" else "file")


def _files_only(item: str, kind: str) -> None:
    if kind != "file":
        raise ConfigError(
            f"the Ray engine reads files and folders, not {item!r}",
            hint="save URLs and stdin to a WARC or JSONL file first, or use --engine local",
        )


def plan_shards(paths: Sequence[str | Path], *, shard_lines: int = SHARD_LINES) -> list[Shard]:
    """The shards of the input files (folders walked as ``read_inputs`` walks them); raises ``InputError`` for a
    missing path and ``ConfigError`` for URLs and stdin, which the Ray engine does not read."""
    shards: list[Shard] = []
    for kind, item, key in list_inputs(paths):
        _files_only(str(item), kind)
        path = Path(item)
        ranges = _line_ranges(path, shard_lines) if file_kind(path) == "jsonl" else None
        if not ranges:
            shards.append(Shard(len(shards), str(path), key))
            continue
        for first, last, start, stop in ranges:
            shards.append(Shard(len(shards), str(path), key, first, last, start, stop))
    return shards


def _line_ranges(path: Path, shard_lines: int) -> list[tuple[int, int, int, int]] | None:
    """(first line, last line, start byte, stop byte) per ``shard_lines`` lines; None if the file is one shard."""
    if path.name.lower().endswith(".gz"):
        return None  # a gzipped stream cannot be entered in the middle: one shard
    ranges: list[tuple[int, int, int, int]] = []
    try:
        with path.open("rb") as stream:
            first, start, offset, line = 1, 0, 0, 0
            for line, raw in enumerate(stream, 1):
                offset += len(raw)
                if line - first + 1 == shard_lines:
                    ranges.append((first, line, start, offset))
                    first, start = line + 1, offset
            if line >= first:
                ranges.append((first, line, start, offset))
    except OSError:
        return None  # the reading task reports it
    return ranges if len(ranges) > 1 else None


# --- the per-shard work (runs on the cluster) ----------------------------------------------------------------------


def read_shard(shard: Shard, used: set[str], max_bytes: int, options: IngestOptions) -> Iterator[Any]:
    """What one task reads: the shard's documents and rejections, as ``read_inputs`` yields them for its file
    (same keys, same names), then the file's ``IngestCounts`` if WARC records were skipped or repeated. ``used``
    holds every file key of the batch."""
    path = Path(shard.path)
    if shard.stop:
        yield from read_json_lines(
            path, shard.key, first=shard.first, start=shard.start, stop=shard.stop, max_bytes=max_bytes, used=used
        )
        return
    counts = IngestCounts()
    yield from read_file(path, shard.key, max_bytes=max_bytes, used=used, counts=counts, options=options)
    if counts.duplicate or counts.skipped:
        yield counts


def _row(shard: int, item: int, kind: str, record: Any, checksum: str = "") -> dict[str, Any]:
    return {
        "shard": shard,
        "item": item,
        "kind": kind,
        "checksum": checksum,
        "record": json.dumps(codec.dump(record), ensure_ascii=False),
    }


def _read_and_extract(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Ray Data ``flat_map``: one shard -> a row per article (extracted) or rejection, numbered in read order."""
    shard = Shard(**json.loads(row["shard"]))
    used = set(json.loads(row["used"]))
    csv_map = tuple(tuple(pair) for pair in json.loads(row["csv_map"]))
    options = IngestOptions(csv_map=csv_map, csv_dialect=str(row["csv_dialect"]))
    rows: list[dict[str, Any]] = []
    for item, found in enumerate(read_shard(shard, used, int(row["max_bytes"]), options)):
        if isinstance(found, IngestCounts):
            rows.append(_row(shard.index, item, "counts", [found.duplicate, sorted(found.skipped.items())]))
            continue
        extracted = found if isinstance(found, Rejection) else extract_one(found)
        if isinstance(extracted, Rejection):
            rows.append(_row(shard.index, item, "rejection", extracted))
        else:
            rows.append(_row(shard.index, item, "article", extracted, extracted.checksum))
    return rows


def _annotate_batch(batch: Any) -> Any:
    """Ray Data ``map_batches`` (pyarrow tables): article rows become annotated-article rows (or a rejection, for an
    article too long to analyse); others pass."""
    import pyarrow as pa

    rows = batch.to_pylist()
    todo = [i for i, r in enumerate(rows) if r["kind"] == "article"]
    articles = [codec.load(Article, json.loads(rows[i]["record"])) for i in todo]
    done = annotate(articles, Settings(), batch_size=ANNOTATE_BATCH)
    for i, result in zip(todo, done, strict=True):
        kind = "rejection" if isinstance(result, Rejection) else "annotated"
        rows[i] = {**rows[i], "kind": kind, "record": json.dumps(codec.dump(result), ensure_ascii=False)}
    return pa.Table.from_pylist(rows, schema=batch.schema)


# --- the driver ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Annotated:
    articles: list[AnnotatedArticle]
    rejections: list[Rejection]
    timings: Timings


def _run(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    ray_options: RayOptions,
    counts: IngestCounts,
    progress: Progress,
) -> _Annotated:
    """Read, extract and annotate on Ray; the results back on the driver in input order."""
    ray = _require_ray()
    started = time.perf_counter()
    shards = plan_shards(paths, shard_lines=ray_options.shard_lines)
    if ray_options.output is not None and any(ray_options.output.glob("*.parquet")):
        raise ConfigError(
            f"{ray_options.output} already holds Parquet files (rows of an earlier run would mix with this one's)",
            hint="give --parquet-out a new or empty folder",
        )
    if not shards:
        return _Annotated([], [], [("ingest", 0.0)])
    started_here = not ray.is_initialized()
    if started_here:
        _start(ray, ray_options.address or settings.ray_address, ray_options.num_cpus)
    data_logger = logging.getLogger("ray.data")
    level = data_logger.level
    try:
        progress("annotate", 0, len(shards))
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the CLI shows its own; Ray Data's logs stay in /tmp/ray/session_*
        data_logger.setLevel(logging.ERROR)
        with tempfile.TemporaryDirectory(prefix="parallax-ray-") as scratch:
            folder = ray_options.output or Path(scratch)
            items = _tasks(shards, settings)
            dataset = (
                ray.data.from_items(items, override_num_blocks=len(items))
                .flat_map(_read_and_extract)
                .map_batches(_annotate_batch, batch_size=ANNOTATE_BATCH, batch_format="pyarrow")
            )
            dataset.write_parquet(str(folder))
            progress("annotate", len(shards), len(shards))
            warc = {s.index for s in shards if file_kind(Path(s.path)) == "warc"}
            result = _collect_rows(folder, counts, warc)
    finally:
        data_logger.setLevel(level)
        if started_here:
            ray.shutdown()
    result.timings.append(("ingest+extract+annotate (ray)", time.perf_counter() - started))
    return result


def _start(ray: Any, address: str | None, num_cpus: int | None) -> None:
    """Connect to the cluster at ``address``, or start a local Ray instance for the run (``address`` None)."""
    local: dict[str, Any] = {}
    if not address:  # a local instance, started for this run
        local = {"num_cpus": num_cpus, "object_store_memory": LOCAL_OBJECT_STORE_BYTES}
    ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="error", **local)


def _tasks(shards: Sequence[Shard], settings: Settings) -> list[dict[str, Any]]:
    """One Ray Data item per shard: the shard, every file key of the batch, and the read settings it needs."""
    used = json.dumps(sorted({s.key for s in shards}))
    return [
        {
            "shard": json.dumps({f: getattr(s, f) for f in Shard.__slots__}),
            "used": used,
            "max_bytes": settings.max_bytes,
            "csv_map": json.dumps(settings.csv_map),
            "csv_dialect": settings.csv_dialect,
        }
        for s in shards
    ]


def _collect_rows(folder: Path, counts: IngestCounts, warc: set[int]) -> _Annotated:
    """The Parquet rows written by the pipeline as records, in input order; WARC captures of one URL in several
    shards are read once, and keys repeated across shards made unique, as one local read would."""
    import polars as pl

    files = sorted(folder.glob("*.parquet"))
    if not files:
        return _Annotated([], [], [])
    frame = pl.concat([pl.read_parquet(f) for f in files]).sort(["shard", "item"])
    articles: list[AnnotatedArticle] = []
    rejections: list[Rejection] = []
    ids: set[str] = set()
    urls: set[str] = set()
    for row in frame.iter_rows(named=True):
        data = json.loads(row["record"])
        if row["kind"] == "counts":
            counts.duplicate += data[0]
            for reason, n in data[1]:
                counts.skipped[reason] += n
        elif row["kind"] == "rejection":
            rejection = codec.load(Rejection, data)
            rejections.append(rejection)
            if rejection.stage == "ingest":
                counts.rejected += 1
            else:
                counts.accepted += 1  # read, then rejected by extraction (as read_inputs counts it)
        else:
            annotated = codec.load(AnnotatedArticle, data)
            if row["shard"] in warc and annotated.article.url:
                url = canonical_url(annotated.article.url)
                if url in urls:
                    counts.duplicate += 1
                    continue
                urls.add(url)
            counts.accepted += 1
            if annotated.id in ids:
                annotated = annotated.renamed(unique_key(annotated.id, ids))
            ids.add(annotated.id)
            articles.append(annotated)
    return _Annotated(articles, rejections, [])


def analyze_ray(
    paths: Sequence[str | Path],
    *,
    settings: Settings | None = None,
    ray_options: RayOptions | None = None,
    counts: IngestCounts | None = None,
    progress: Progress | None = None,
) -> Report:
    """``local.analyze`` with reading, extraction and annotation on Ray (files and folders only).

    Grouping and comparison run here, on the driver, over every annotated article. Raises ``ConfigError`` when
    Ray is not installed (with the hint to install the extra) and ``InputError`` for a missing path.
    """
    settings = settings or Settings()
    progress = progress or no_progress
    counts = counts if counts is not None else IngestCounts()
    done = _run(paths, settings=settings, ray_options=ray_options or RayOptions(), counts=counts, progress=progress)
    return analyze_annotated(
        done.articles,
        encoder=encoder_of(settings),
        rejections=done.rejections,
        progress=progress,
        timings=done.timings,
    )


def ingest_ray(
    store: Store,
    paths: Sequence[str | Path],
    *,
    settings: Settings | None = None,
    ray_options: RayOptions | None = None,
    counts: IngestCounts | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """``store.ingest_paths`` with reading, extraction and annotation on Ray; stories are assigned and saved here
    (``store.ingest_annotated``). Returns the ``IngestResult``. Articles already stored are annotated again on the
    cluster (the store is not asked first) and then skipped, as repeats are."""
    settings = settings or Settings()
    progress = progress or no_progress
    counts = counts if counts is not None else IngestCounts()
    done = _run(paths, settings=settings, ray_options=ray_options or RayOptions(), counts=counts, progress=progress)
    result = ingest_annotated(store, done.articles, settings=settings, progress=progress)
    return replace(result, rejections=(*result.rejections, *done.rejections))
