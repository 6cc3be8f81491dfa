"""The quotes and summaries evaluation tasks: their scorers on hand-made cases, and the fast quality gate on the
public data in ../shared/data (floors in tests/eval_floors_quotes_summaries.json: raise them when a change measures
better, never lower them silently)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.evaluation import Measurement
from parallax.evaluation import quotes as quote_eval
from parallax.evaluation import summaries as summary_eval
from parallax.evaluation.quotes import GgtQuote, score_article

FLOORS = json.loads((Path(__file__).parent / "eval_floors_quotes_summaries.json").read_text(encoding="utf-8"))
QUOTE_FLOORS: dict[str, float] = FLOORS["quotes"]
SUMMARY_FLOORS: dict[str, float] = FLOORS["summaries"]


def gold(start: int, end: int, speaker: tuple[int, int] | None = None, name: str = "") -> GgtQuote:
    return GgtQuote((start, end), speaker, name)


def test_a_quote_matches_on_the_share_of_the_gold_span_it_covers() -> None:
    g = [gold(0, 100, (110, 115), "Smith")]
    # covers 40% of the gold span: a match at 0.3, not at 0.8; a longer prediction costs nothing
    assert score_article(g, [GgtQuote((60, 300), None)], 0.3).true_positive == 1
    assert score_article(g, [GgtQuote((60, 300), None)], 0.8).true_positive == 0
    # exactly at the threshold is not above it
    s = score_article(g, [GgtQuote((70, 100), None)], 0.3)
    assert (s.true_positive, s.false_negative, s.false_positive) == (0, 1, 1)


def test_each_prediction_matches_one_gold_quote() -> None:
    g = [gold(0, 50), gold(60, 100)]
    s = score_article(g, [GgtQuote((0, 100), None)], 0.3)
    assert (s.true_positive, s.false_negative, s.false_positive) == (1, 1, 0)


def test_speaker_by_overlap_or_by_both_floating() -> None:
    g = [gold(0, 50, (55, 60), "Smith"), gold(70, 90)]  # the second has no speaker of its own: floating
    right = [GgtQuote((0, 50), (52, 57)), GgtQuote((70, 90), None, floating=True)]
    wrong = [GgtQuote((0, 50), (20, 30)), GgtQuote((70, 90), (60, 65))]
    assert score_article(g, right, 0.3).speaker_match == 2
    assert score_article(g, wrong, 0.3).speaker_match == 0


def test_regex_baseline_finds_a_quote_and_its_speaker() -> None:
    text = 'The bridge reopened. "We expect traffic to return by summer," Maria Lopez said on Monday.'
    (q,) = quote_eval.regex_quotes(text)
    assert q.quote is not None
    assert q.speaker is not None
    assert text[q.quote[0] : q.quote[1]].startswith('"We expect')
    assert text[q.speaker[0] : q.speaker[1]] == "Maria Lopez"


def test_summary_cut_and_baselines() -> None:
    assert summary_eval.cut(["One two three.", "Four five six."], 4) == "One two three. Four"


def _check(measurements: list[Measurement], floors: dict[str, float]) -> None:
    assert {m.measure for m in measurements} == set(floors)
    for m in measurements:
        assert m.parallax >= floors[m.measure], (m.measure, m.parallax, floors[m.measure])
        assert m.baselines, m.measure
        assert m.command


@pytest.mark.slow
def test_quotes_quality_gate(shared: Path) -> None:
    _check(quote_eval.run(shared / "data", fast=True), QUOTE_FLOORS)


@pytest.mark.slow
def test_summaries_quality_gate(shared: Path) -> None:
    pytest.importorskip("rouge_score", reason="the summary gate needs the eval extra: pip install '.[eval]'")
    _check(summary_eval.run(shared / "data", fast=True), SUMMARY_FLOORS)
