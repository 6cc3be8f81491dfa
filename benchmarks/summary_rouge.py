"""Multi-News ROUGE of the story summary from cached summarizer inputs: for tuning ``compare.summary`` on the
even-numbered clusters in seconds rather than minutes.

    PYTHONPATH=src .venv/bin/python benchmarks/summary_rouge.py --cache FILE [--data ../shared/data]

The first run puts every cluster through ``parallax.evaluation.summaries.parallax_summary`` (extraction,
annotation, copies, sentence vectors, alignment: the evaluation's own path) and keeps the inputs it hands
``compare.summary.summarize`` in FILE; later runs re-summarize from FILE with the summary code as it is now and print
ROUGE-1/2/L (rouge-score, Porter stemming, at reference length, as the evaluation scores) on the even-numbered
clusters (which the summary's weights are fitted on), the odd-numbered ones (held out) and all. The pipeline before
the summary must be unchanged for the cache to hold; the figures to report come from
``python -m parallax.evaluation --only summaries``.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def build(data: Path) -> list[tuple[str, int, Any]]:
    """(reference, its words, the summarizer's input or None) of each cluster, in the file's order."""
    from parallax.annotate.nlp import annotate
    from parallax.compare import summary as module
    from parallax.evaluation import summaries

    summary: Any = module  # its summarize is replaced for the run
    real = summary.summarize
    out: list[tuple[str, int, Any]] = []
    for cluster in summaries.load(data):
        calls: list[Any] = []

        def recording(analysis: Any, vectors: Any, loaded: Any = None, calls: list[Any] = calls, **kwargs: Any) -> Any:
            calls.append((analysis, vectors, loaded))
            return real(analysis, vectors, loaded, **kwargs)

        summary.summarize = recording
        try:
            summaries.parallax_summary(list(annotate(summaries._articles(cluster))))
        finally:
            summary.summarize = real
        out.append((cluster.reference, len(cluster.reference.split()), calls[0] if calls else None))
    return out


def score(clusters: list[tuple[str, int, Any]]) -> dict[str, dict[str, float]]:
    from parallax.compare.summary import summarize
    from parallax.evaluation.summaries import SUMMARY_WORDS, cut, rouge

    rows = []
    for reference, words, given in clusters:
        sentences = [] if given is None else [s.text for s in summarize(*given, words=SUMMARY_WORDS)]
        rows.append(rouge(cut(sentences, words), reference))
    halves = {"even (fitted)": rows[0::2], "odd (held out)": rows[1::2], "all": rows}
    return {
        name: {key: statistics.fmean(r[key] for r in part) for key in ("rouge1", "rouge2", "rougeL")}
        for name, part in halves.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.cache.exists():
        clusters = pickle.loads(args.cache.read_bytes())
    else:
        clusters = build(args.data)
        args.cache.write_bytes(pickle.dumps(clusters))
    for name, row in score(clusters).items():
        print(f"{name:15s} " + "  ".join(f"{k} {v:.2f}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
