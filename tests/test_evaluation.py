"""The evaluation's quality gate: every task of ``parallax.evaluation`` on its small fixed subset (``fast=True``)
must not fall below the floors pinned in eval_floors.json (floored to 2 decimals at measured figures). Raise a
floor when a change improves the figure; never lower one without saying why. The seeds task is gated by
test_quality.py (same corpus, same scorer), so it is not run twice here."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from parallax.evaluation import Measurement
from parallax.evaluation.common import bcubed, pairwise, pearson, tfidf_cosine
from parallax.evaluation.extraction import score_pages, shingle_counts
from parallax.evaluation.runner import goal_met, render_table, run_tasks

from .conftest import SHARED

FLOORS: dict[str, dict[str, float]] = json.loads((Path(__file__).parent / "eval_floors.json").read_text("utf-8"))[
    "floors"
]
DATA = SHARED / "data"


@pytest.fixture(scope="module")
def data() -> Path:
    if not (DATA / "README.md").is_file():
        pytest.skip("../shared/data (public evaluation data) is not beside the repository")
    return DATA


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(FLOORS))
def test_task_above_floors(data: Path, task: str) -> None:
    module = importlib.import_module(f"parallax.evaluation.{task}")
    measured = {m.name: m.parallax for m in module.run(data, fast=True) if m.name}
    floors = FLOORS[task]
    assert set(floors) <= set(measured), (
        f"floors name measures the task no longer reports: {set(floors) - set(measured)}"
    )
    below = {name: (measured[name], floor) for name, floor in floors.items() if measured[name] < floor - 1e-9}
    assert not below, f"below the pinned floor (measured, floor): {below}"


# --- the scores themselves, on hand-made inputs ---------------------------------------------------------------------


def test_bcubed_and_pairwise_by_hand() -> None:
    gold = ["a", "a", "b", "b"]
    assert bcubed([0, 0, 1, 1], gold).f1 == pytest.approx(1.0)
    everything = bcubed([0, 0, 0, 0], gold)
    assert everything.precision == pytest.approx(0.5)
    assert everything.recall == pytest.approx(1.0)
    singletons = pairwise([0, 1, 2, 3], gold)
    assert singletons.precision == 1.0  # no pair put together
    assert singletons.recall == 0.0
    merged = pairwise([0, 0, 0, 1], gold)  # pairs put together: (0,1) (0,2) (1,2); right: (0,1)
    assert merged.precision == pytest.approx(1 / 3)
    assert merged.recall == pytest.approx(1 / 2)


def test_shingle_scoring_follows_the_benchmark() -> None:
    gold = "one two three four five"  # shingles: (one..four), (two..five)
    assert shingle_counts(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_counts(gold, "one two three four six")
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    # A page with an empty gold body and an empty prediction counts as 1 in both means.
    precision, recall, f1 = score_pages({"a": gold, "b": ""}, {"a": gold, "b": ""})
    assert (precision, recall, f1) == (1.0, 1.0, 1.0)
    # F1 is the harmonic mean of the mean precision and the mean recall.
    precision, recall, f1 = score_pages({"a": gold, "b": gold}, {"a": gold, "b": ""})
    assert precision == 1.0  # the empty prediction has no tp + fp: left out of the precision mean
    assert recall == 0.5
    assert f1 == pytest.approx(2 / 3)


def test_tfidf_and_pearson() -> None:
    similarity = tfidf_cosine(["storm hits coast", "storm hits the coast", "election results announced"])
    assert similarity[0, 1] > 0.5 > similarity[0, 2]
    assert similarity[0, 2] == 0.0
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_goal_parsing() -> None:
    assert goal_met(0.976, ">= .975") is True
    assert goal_met(0.9899, ">= .99") is False
    assert goal_met(0.5, "88 / 80 / 90") is None


def test_missing_task_is_listed_not_run(tmp_path: Path) -> None:
    results = run_tasks(["no_such_task"], tmp_path)
    assert [r.status for r in results] == ["not run"]
    page = render_table(results, command="x", commit="abc", when="2026-01-01T00:00:00Z", seconds=1.0)
    assert "| no_such_task | - | - | not run |" in page


def test_table_row_from_a_measurement() -> None:
    from parallax.evaluation.runner import TaskResult

    m = Measurement("t", "d", "F1", 0.9612, {"base": 0.95}, anchor="a .958", goal=">= .975", command="cmd")
    page = render_table(
        [TaskResult("x", "ok", (m,))], command="c", commit="abc+dirty", when="2026-11-23T18:00:00Z", seconds=60
    )
    assert "| t | d | F1 | **.961** | base .950 | a .958 | >= .975 | **no** | `cmd` | 2026-11-23 | abc+dirty |" in page
