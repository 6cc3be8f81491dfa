"""BASIL lexical-bias evaluation: span matching on hand-made spans, and a real run on a few BASIL articles."""

from __future__ import annotations

from pathlib import Path

from parallax.evaluation import Measurement
from parallax.evaluation.loaded_language import load_basil, run, score_spans, vader_spans


def test_overlap_match_counts_shared_word_tokens_only() -> None:
    text = "a very bad and quite awful day"
    # predicted: "very bad" overlaps gold "bad"; "day" matches nothing; gold "awful" is missed
    scores = score_spans([(text, [(2, 10), (27, 30)], [(7, 10), (21, 26)])])
    assert scores.span_precision == 0.5
    assert scores.span_recall == 0.5
    assert abs(scores.token_precision - 1 / 3) < 1e-9
    assert scores.token_recall == 0.5
    # touching a span with punctuation only is no match
    assert score_spans([("bad, good", [(3, 5)], [(0, 3)])]).span_precision == 0.0


def test_vader_baseline_is_whole_words() -> None:
    text = "Badly, the horrible plan was good."
    found = {text[s:e].lower() for s, e in vader_spans(text)}
    assert {"horrible", "good"} <= found
    assert "the" not in found
    assert {text[s:e] for s, e in vader_spans(text, strong=True)} == {"Badly", "horrible"}


def test_basil_offsets_land_on_the_gold_words(shared: Path) -> None:
    articles = load_basil(shared / "data" / "basil", limit=12)
    assert articles
    spans = [(a, s) for a in articles for s in a.gold]
    assert spans
    for article, (start, end) in spans:
        piece = article.article.text[start:end]
        assert piece.strip()
        assert "\n\n" not in piece


def test_run_returns_parallax_and_baselines_from_one_run(shared: Path) -> None:
    measurements = run(shared / "data", fast=True)
    assert all(isinstance(m, Measurement) for m in measurements)
    f1 = next(m for m in measurements if m.measure.startswith("span F1"))
    assert set(f1.baselines) == {"vader-lexicon", "vader-strong"}
    assert 0.0 < f1.parallax <= 1.0
    assert f1.parallax > max(f1.baselines.values())
    assert "loaded_language" in f1.command
