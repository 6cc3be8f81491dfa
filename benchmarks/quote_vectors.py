"""Benchmark: compare's quote vectors embedded in one batch per chunk vs one encoder call per quote.

    .venv/bin/python benchmarks/quote_vectors.py [PATH]     (default: examples/corpus)

Analyses PATH once, then times ``stages.analyze_stories`` (embed + compare) ROUNDS times each way, alternated,
and checks both give the same quote groups.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence

import parallax.engine.stages as stages
from parallax import analyze
from parallax.embed import Encoder
from parallax.models import AnnotatedArticle

ROUNDS = 2


def one_call_per_quote(articles: Sequence[AnnotatedArticle], encoder: Encoder) -> Callable[..., object]:
    return encoder.encode


def main() -> None:
    report = analyze([sys.argv[1] if len(sys.argv) > 1 else "examples/corpus"])
    stories = [a.story for a in report.stories]
    batched = stages._quote_encoder
    laps: dict[str, list[float]] = {}
    groups: dict[str, list[int]] = {}
    for _ in range(ROUNDS):
        for name, factory in (("one call per quote", one_call_per_quote), ("batched", batched)):
            stages._quote_encoder = factory  # type: ignore[assignment]
            start = time.perf_counter()
            out = stages.analyze_stories(stories, report.articles, report.duplicates)
            laps.setdefault(name, []).append(time.perf_counter() - start)
            groups[name] = [len(a.quotes) for a in out]
    for name, times in laps.items():
        print(f"{name}: " + ", ".join(f"{t:.2f} s" for t in times))
    print("same quote groups:", groups["batched"] == groups["one call per quote"])
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
