"""BASIL lexical-bias evaluation: span matching on hand-made spans, and a real run on a few BASIL articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.annotate.framing import find_loaded_terms, loaded_candidates
from parallax.annotate.judge import FEATURES, Judge, features, judge_from, load_judge
from parallax.evaluation import Measurement
from parallax.evaluation.loaded_judge import fit_weights, fitting_examples, judge_json
from parallax.evaluation.loaded_language import (
    held_out_half,
    load_babe,
    load_basil,
    macro_f1,
    run,
    score_spans,
    score_words,
    vader_spans,
)
from parallax.models import Article, Sentence


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
    names = {m.name for m in measurements}
    assert {"loaded_language.babe.word_precision", "loaded_language.babe.sentence_macro_f1"} <= names
    assert "loaded_language.basil.held_out.span_f1" in names
    sentences = next(m for m in measurements if m.name == "loaded_language.babe.sentence_macro_f1")
    assert set(sentences.baselines) == {"vader-strong (lexicon)", "vader-compound"}
    assert ".804" in sentences.anchor
    assert sentences.parallax > max(sentences.baselines.values())


# --- BABE, the held-out half, and the experimental judge ------------------------------------------------------------


def test_word_scores_and_macro_f1_by_hand() -> None:
    text = "a truly awful and bizarre plan"
    # gold: "awful" (8) and "bizarre" (18); predicted "truly awful" (2..13): 2 words, 1 right; "bizarre" missed
    scores = score_words([(text, [(2, 13)], frozenset({8, 18}))])
    assert scores.precision == 0.5
    assert scores.recall == 0.5
    assert scores.predicted == 2
    assert scores.gold == 2
    assert scores.flag_precision == 1.0  # the one flag holds a biased word
    # biased class: P 1, R .5 (F1 2/3); unbiased class: P .5, R 1 (F1 2/3)
    assert macro_f1([True, False, False], [True, True, False]) == pytest.approx(2 / 3)
    assert macro_f1([True, False], [True, False]) == 1.0


def test_babe_gold_lands_on_the_listed_words(shared: Path) -> None:
    items = load_babe(shared / "data" / "babe", limit=40)
    assert len(items) == 40
    assert any(item.gold for item in items)
    for item in items:
        for start in item.gold:
            assert item.article.text[start].isalnum()


def test_held_out_half_is_the_odd_events(shared: Path) -> None:
    articles = load_basil(shared / "data" / "basil", limit=30)
    held = held_out_half(articles)
    events = {a.article.id.rsplit("_", 1)[0] for a in held}
    examples = fitting_examples([], articles)
    assert held
    assert examples
    assert not events & {e.group for e in examples}, "the fitting half must not hold a held-out event"
    assert len(held) + len(examples) == len(articles)


def test_logistic_regression_separates_a_separable_toy() -> None:
    rows = [[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]]
    weights, bias = fit_weights(rows, [False, False, False, True, True, True])
    assert weights[0] > 0
    assert bias + weights[0] * 0.1 < 0 < bias + weights[0] * 0.9


def test_judge_json_round_trip_and_feature_check() -> None:
    judge = Judge(tuple(0.1 for _ in FEATURES), -1.0, 0.4, {"bizarre": 1.5}, -3.0)
    again = judge_from(judge_json(judge, "test"))
    assert again == judge
    values = features(
        "", ["bizarre"], [0.0], prior=again.prior, base=-3.0, capital=False, speech=False, company=0, context=0.0
    )
    assert len(values) == len(FEATURES)
    with pytest.raises(ValueError, match="refit"):
        judge_from({**judge_json(judge, "test"), "features": ["prior"]})


def test_without_a_judge_the_candidates_are_the_lexicon_terms() -> None:
    text = "Regulators recklessly approved the plan. Critics were furious."
    article = Article(id="a", source="t", text=text)
    sentences = [Sentence("a", 0, 0, 40, text[:40]), Sentence("a", 1, 41, len(text), text[41:])]
    lexical = [c.term for c in loaded_candidates(article, sentences) if c.lexicon]
    assert [t.text for t in lexical] == ["recklessly", "furious"]
    if load_judge() is None:
        assert tuple(lexical) == find_loaded_terms(article, sentences)
