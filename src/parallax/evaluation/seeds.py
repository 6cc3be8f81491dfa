"""The seed corpus scored by the shared scorer: ``parallax analyze ../shared/corpus/seeds`` against
``../shared/eval/seeds.gold.json`` with ``../shared/eval/score_report.py`` (its own code, imported from where it
lies). ``data`` is ``shared/data``; the corpus and the scorer are its siblings. No baseline: the scorer's measures
are specific to Parallax's report. The same figures are gated by tests/test_quality.py, so the fast run is the full
run (five articles)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from . import Measurement

__all__ = ["run"]

TASK = "the seeds"
GOAL = ">= .95"


def _scorer(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score_report", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    from ..engine.local import analyze
    from ..report import to_dict

    shared = data.resolve().parent
    report = analyze([shared / "corpus" / "seeds"])
    gold = json.loads((shared / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))
    scores: dict[str, Any] = _scorer(shared / "eval" / "score_report.py").score(
        json.loads(json.dumps(to_dict(report))), gold
    )
    command = "parallax analyze ../shared/corpus/seeds -o seeds.json; python3 ../shared/eval/score_report.py ..."
    ordered = [*sorted((k for k in scores if k != "overall"), key=str), "overall"]
    return [
        Measurement(
            task=TASK,
            data=f"seeds: {len(report.articles)} articles + gold (../shared/eval)",
            measure=measure,
            parallax=float(scores[measure]),
            anchor="-",
            goal=GOAL if measure == "overall" else "",
            command=command,
            name=f"seeds.{measure}",
        )
        for measure in ordered
        if measure in scores
    ]
