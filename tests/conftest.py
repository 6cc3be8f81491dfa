"""Shared fixtures: paths to the bundled example corpus and to ../shared (evaluation data beside the repo)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from parallax import Report, analyze

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "eval" / "score_report.py").is_file():
        pytest.skip("../shared (evaluation data) is not beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def scorer(shared: Path) -> ModuleType:
    """The external scorer, ../shared/eval/score_report.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("score_report", shared / "eval" / "score_report.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_report", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_report() -> Report:
    """The bundled example corpus, analysed once per test session."""
    return analyze([EXAMPLES / "corpus"])


@pytest.fixture(scope="session")
def seed_report(shared: Path) -> Report:
    """The seed corpus in ../shared, analysed once per test session."""
    return analyze([shared / "corpus" / "seeds"])
