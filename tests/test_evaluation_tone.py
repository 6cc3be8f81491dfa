"""Tone toward entities against BASIL's target polarity: the target matching, and a real run on a few events."""

from __future__ import annotations

from pathlib import Path

from parallax.evaluation import Measurement
from parallax.evaluation.tone import TEST_YEARS, load_events, matches, run


def test_targets_match_by_their_words() -> None:
    assert matches("Barack_Obama", "Obama")
    assert matches("Senate_Republicans", "Republicans")
    assert matches("Obama_administration", "Barack Obama")
    assert not matches("Obama_administration", "Joe Biden")
    assert not matches("Justice_Department", "Lois Lerner")


def test_gold_items_sit_in_their_articles(shared: Path) -> None:
    [event] = load_events(shared / "data" / "basil", TEST_YEARS, events=1)
    assert len(event.articles) == 3
    assert event.items
    texts = {a.id: a.article.text for a in event.articles}
    for item in event.items:
        lo, hi = item.sentence
        assert texts[item.article][lo:hi].strip()
        assert item.polarity in (1, -1)
        assert item.voice in ("own", "quoted")


def test_run_reports_parallax_beside_the_sentence_sentiment_baseline(shared: Path) -> None:
    measurements = run(shared / "data", fast=True)
    assert all(isinstance(m, Measurement) for m in measurements)
    precision = next(m for m in measurements if m.name == "tone.basil.precision")
    assert set(precision.baselines) == {"sentence-sentiment", "always negative"}
    # precision first: Parallax's own-voice polarity is right more often than sentence sentiment's
    assert precision.parallax > precision.baselines["sentence-sentiment"]
    assert "2010-2012" in precision.notes
    outlets = [m for m in measurements if m.measure.startswith("mean own-voice tone")]
    assert len(outlets) == 3
