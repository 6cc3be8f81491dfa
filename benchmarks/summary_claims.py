"""Summary sentences that state one claim: pairs of sentences of one story's summary whose gold claims intersect.

    PYTHONPATH=src .venv/bin/python benchmarks/summary_claims.py [--data ../shared/data] [--show] [--cache FILE]

The claim golds are those of ``parallax.evaluation.claims``: the training golds (the seeds,
``../shared/eval/seeds.claims.json`` over ``../shared/corpus/seeds``, and the BASIL triples of
``tests/data/claims/train``) and the held-out golds (``tests/data/claims/*.json``), never used to fit anything. Each
gold's articles go through the pipeline as the report builds it (``engine.local.analyze`` for the seeds,
``analyze_articles`` for the BASIL triples of one set together, as ``evaluation.claims.gold_reports`` does); each
summary sentence gets the gold claims of the annotated sentences whose anchors it contains
(``../shared/eval/score_claims.py``'s ``claims_of``, over every article of the gold), and a pair of sentences of one
story's summary whose claim sets intersect is "two sentences of one claim". Sentences that map to no gold sentence
are not counted. Also printed: the summaries' sentences, mapped sentences and summary_citation_precision (the
scorer's), per set.

``--cache FILE`` keeps each story's summarizer input (the analysis, sentence vectors and loaded terms, recorded as
the pipeline calls ``summarize``) in FILE on the first run and re-summarizes from it on later ones, so that a change
to ``compare.summary`` is measured in seconds (the pipeline before the summary must be unchanged for that to hold).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDS = ROOT / "tests" / "data" / "claims"


def _scorer(shared: Path) -> Any:
    path = shared / "eval" / "score_claims.py"
    spec = importlib.util.spec_from_file_location("score_claims", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(run: Any) -> tuple[Any, list[tuple[Any, Any, Any]]]:
    """Run ``run()`` with the pipeline's ``summarize`` recording its inputs."""
    from parallax.engine import stages as module

    stages: Any = module  # its summarize is replaced for the run
    real = stages.summarize
    calls: list[tuple[Any, Any, Any]] = []

    def recording(analysis: Any, vectors: Any, loaded: Any = None, **kwargs: Any) -> Any:
        mine = {a: vectors[a] for a in analysis.story.articles if a in vectors}
        calls.append((analysis, mine, dict(loaded or {})))
        return real(analysis, vectors, loaded, **kwargs)

    stages.summarize = recording
    try:
        return run(), calls
    finally:
        stages.summarize = real


def build(data: Path) -> dict[str, Any]:
    """The summarizer inputs of every story of each gold set, and the golds."""
    from parallax.engine.local import analyze, analyze_articles
    from parallax.evaluation.clustering import load_basil

    shared = data.resolve().parent
    corpus = load_basil(data)
    sets: dict[str, Any] = {}
    seeds_gold = json.loads((shared / "eval" / "seeds.claims.json").read_text(encoding="utf-8"))
    _, calls = _record(lambda: analyze([shared / "corpus" / "seeds"]))
    sets["seeds"] = {"golds": {"seeds": seeds_gold}, "stories": calls}
    for name, folder in (("train", GOLDS / "train"), ("held-out", GOLDS)):
        golds = {
            p.stem.split(".")[0]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("basil-*.claims.json"))
        }
        wanted = {name.removeprefix("basil-") for name in golds}
        articles = [a for a in corpus.articles if a.id[:8] in wanted]
        _, calls = _record(lambda articles=articles: analyze_articles(articles))
        sets[name] = {"golds": golds, "stories": calls}
    return sets


def count(sets: dict[str, Any], scorer: Any, show: bool = False) -> dict[str, dict[str, float]]:
    """Per set: pairs of one story's summary sentences whose gold claims intersect, and the summary's figures."""
    from parallax.compare.summary import summarize

    out = {}
    for name, entry in sets.items():
        pairs = sentences = mapped = cited = cited_ok = 0
        for analysis, vectors, loaded in entry["stories"]:
            summary = summarize(analysis, vectors, loaded)
            for gold_name, gold in entry["golds"].items():
                arts = set(gold["articles"])
                if not arts & set(analysis.story.articles):
                    continue
                rows = []
                for s in summary:
                    claims = set().union(*(scorer.claims_of(gold, a, s.text) for a in arts))
                    sentences += 1
                    mapped += bool(claims)
                    rows.append((s, claims))
                    for a in s.sources:
                        if a in arts and claims:
                            cited += 1
                            states = {c for g in gold["articles"][a] for c in scorer.sentence_claims(g)}
                            cited_ok += bool(claims & states)
                for (s, c), (t, d) in itertools.combinations(rows, 2):
                    if c & d:
                        pairs += 1
                        if show:
                            print(f"[{name} {gold_name}] ONE CLAIM {sorted(c & d)}:\n  {s.text}\n  {t.text}")
        out[name] = {
            "one-claim pairs": pairs,
            "sentences": sentences,
            "mapped": mapped,
            "summary_citation_precision": cited_ok / cited if cited else 1.0,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--show", action="store_true", help="print each pair of sentences of one claim")
    args = parser.parse_args(argv)
    if args.cache is not None and args.cache.exists():
        sets = pickle.loads(args.cache.read_bytes())
    else:
        sets = build(args.data)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(sets))
    scorer = _scorer(args.data.resolve().parent)
    figures = count(sets, scorer, args.show)
    training = {k: sum(figures[s][k] for s in ("seeds", "train")) for k in ("one-claim pairs", "sentences", "mapped")}
    for name, row in [*figures.items(), ("training (seeds + train)", training)]:
        print(
            f"{name:26s} " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
