"""Shared fixtures: paths to the bundled example corpus and to ../shared (evaluation data beside the repo)."""

from __future__ import annotations

import importlib.util
import re
import sys
from bisect import bisect_right
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from parallax import Report, analyze
from parallax.models import Article, Entity, Sentence
from parallax.resources import spacy_model

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


def annotate_text(text: str, article_id: str = "t", outlet: str | None = None) -> tuple[Article, Any, list, list]:  # type: ignore[type-arg]
    """The inputs nlp.py hands over to the annotators, built directly: sentences from spaCy cut at line breaks,
    entities from NER (for testing quotes and citations apart from nlp.py's own repairs)."""
    doc = spacy_model()(text)
    sentences: list[Sentence] = []
    for sent in doc.sents:
        for line in re.finditer(r"[^\n]+", text[sent.start_char : sent.end_char]):
            piece = line.group(0)
            start = sent.start_char + line.start() + len(piece) - len(piece.lstrip())
            end = sent.start_char + line.end() - (len(piece) - len(piece.rstrip()))
            if end > start:
                paragraph = text.count("\n\n", 0, start)
                sentences.append(Sentence(article_id, len(sentences), start, end, text[start:end], paragraph))
    starts = [s.start for s in sentences]
    entities = [
        Entity(e.text, e.label_, e.start_char, e.end_char, max(bisect_right(starts, e.start_char) - 1, 0), e.text)
        for e in doc.ents
    ]
    return Article(id=article_id, source=article_id, text=text, outlet=outlet), doc, sentences, entities
