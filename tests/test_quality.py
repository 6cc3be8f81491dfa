"""The quality gate: the pipeline's scores on the seed corpus and on the bundled example corpus, measured with the
external scorer (../shared/eval/score_report.py), must not fall below the floors pinned in quality_floors.json."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from parallax import Report
from parallax.report import to_dict

from .conftest import EXAMPLES

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


def _scores(scorer: ModuleType, report: Report, gold: Path) -> dict[str, float]:
    report_json = json.loads(json.dumps(to_dict(report)))
    result: dict[str, Any] = scorer.score(report_json, json.loads(gold.read_text(encoding="utf-8")))
    return {k: float(v) for k, v in result.items()}


@pytest.fixture(scope="module")
def seed_scores(scorer: ModuleType, shared: Path, seed_report: Report) -> dict[str, float]:
    return _scores(scorer, seed_report, shared / "eval" / "seeds.gold.json")


@pytest.fixture(scope="module")
def example_scores(scorer: ModuleType, example_report: Report) -> dict[str, float]:
    return _scores(scorer, example_report, EXAMPLES / "corpus.gold.json")


@pytest.mark.parametrize("measure", sorted(FLOORS["seeds"]))
def test_seed_floor(seed_scores: dict[str, float], measure: str) -> None:
    assert seed_scores[measure] >= FLOORS["seeds"][measure] - 1e-9, seed_scores


@pytest.mark.parametrize("measure", sorted(FLOORS["examples"]))
def test_example_floor(example_scores: dict[str, float], measure: str) -> None:
    assert example_scores[measure] >= FLOORS["examples"][measure] - 1e-9, example_scores


def test_floors_name_real_measures(seed_scores: dict[str, float]) -> None:
    for corpus in ("seeds", "examples"):
        assert set(FLOORS[corpus]) <= set(seed_scores), corpus
