"""Benchmark: incremental ingest into a store, against analysing the same articles as one batch.

    .venv/bin/python benchmarks/store_ingest.py [FOLDER]     (default: ../shared/corpus/seeds)

Annotates FOLDER once (spaCy), then times, in one process (median of REPEATS runs, fresh SQLite stores in a
temporary folder):
- batch: ingest every article at once into an empty store;
- one by one: ingest the articles one at a time;
- re-ingest: the whole folder again (a no-op: content hashes);
- grow: add the last article of the largest story to a store holding the others, with stored sentence vectors,
  and without them (as a store from before migration 003 would be): what storing the vectors saves.
Times exclude reading, extraction and spaCy (the same for every mode); they include grouping, embedding,
comparison, summarising and the database.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from parallax import analyze
from parallax.engine.store import ingest_annotated
from parallax.store import open_store

REPEATS = 3


def timed(setup: Callable[[Path], None], work: Callable[[Path], None]) -> float:
    laps = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            setup(db)
            start = time.perf_counter()
            work(db)
            laps.append(time.perf_counter() - start)
    return statistics.median(laps)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/corpus/seeds"
    report = analyze([folder])
    articles = list(report.articles)
    largest = max(report.stories, key=lambda s: len(s.story.articles)).story
    grower = next(a for a in articles if a.id == largest.articles[-1])
    others = [a for a in articles if a is not grower]
    print(f"{len(articles)} articles, {len(report.stories)} stories in {folder}; largest: {len(largest.articles)}")

    def nothing(db: Path) -> None:
        return None

    def batch(db: Path) -> None:
        with open_store(db) as store:
            ingest_annotated(store, articles)

    def one_by_one(db: Path) -> None:
        with open_store(db) as store:
            for article in articles:
                ingest_annotated(store, [article])

    def all_but_last(db: Path) -> None:
        with open_store(db) as store:
            ingest_annotated(store, others)

    def without_vectors(db: Path) -> None:
        all_but_last(db)
        with sqlite3.connect(db) as raw:
            raw.execute("UPDATE articles SET vectors = NULL")

    def last(db: Path) -> None:
        with open_store(db) as store:
            ingest_annotated(store, [grower])

    print(f"batch into an empty store:      {timed(nothing, batch):6.2f} s")
    print(f"one by one:                     {timed(nothing, one_by_one):6.2f} s")
    print(f"re-ingest (no-op):              {timed(batch, batch):6.2f} s")
    print(f"grow, stored sentence vectors:  {timed(all_but_last, last):6.2f} s")
    print(f"grow, no stored vectors:        {timed(without_vectors, last):6.2f} s")


if __name__ == "__main__":
    main()
