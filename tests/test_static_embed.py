"""The static sentence encoder distilled from MiniLM (static_embed.py): vectors, the switch, and its quality gate.

The table is distilled once per cache folder (~25 s on 2 cores) and then read from the cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from parallax import Report, Settings, analyze
from parallax.cli.main import cli
from parallax.embed import DIMENSIONS, encode, factory, get_encoder
from parallax.embed.static import load_static, static_path
from parallax.errors import ModelError
from parallax.report import to_dict
from parallax.settings import ENCODER_ENV

from .conftest import EXAMPLES

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))["static"]
STATIC = Settings(encoder="static")


def test_vectors_shape_norm_and_order() -> None:
    encoder = load_static()
    assert static_path().is_file()  # distilled once, then cached
    texts = ["Officials said the bridge would reopen next month.", "", "rain"]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any()  # no tokens, no direction
    again = encoder.encode([texts[2], texts[0]])
    assert np.allclose(again[1], vectors[0], atol=1e-6)
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_related_sentences_closer_than_unrelated() -> None:
    a, b, c = load_static().encode(
        [
            "The minister said the country is ready to work with the telecoms company on new networks.",
            "The country is willing to cooperate with the telecoms firm on networks, the minister said.",
            "Heavy rain flooded several streets in the old town on Sunday night.",
        ]
    )
    assert a @ b > 0.6
    assert a @ c < 0.3  # unrelated sentences near 0, as with MiniLM, thanks to the subtracted mean


def test_follows_minilm_on_sentence_pairs() -> None:
    sentences = [
        "The central bank raised interest rates by half a point on Thursday.",
        "Interest rates went up by 0.5 percentage points, the central bank said.",
        "The football club signed a new striker for the coming season.",
        "A striker joined the club on a three-year contract.",
        "Floods forced thousands of residents to leave their homes.",
        "Thousands were evacuated as rivers burst their banks after heavy rain.",
        "The company reported a drop in quarterly profits.",
        "Quarterly earnings at the firm fell short of forecasts.",
    ]
    static = load_static().encode(sentences)
    minilm = encode(sentences)
    upper = np.triu_indices(len(sentences), 1)
    correlation = np.corrcoef((static @ static.T)[upper], (minilm @ minilm.T)[upper])[0, 1]
    assert correlation > 0.6, correlation
    # each sentence's nearest other sentence is its pair's partner under both encoders
    for vectors in (static, minilm):
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -1.0)
        assert [int(i) ^ 1 for i in similarity.argmax(axis=1)] == list(range(len(sentences)))


def test_switch_and_unknown_encoder() -> None:
    assert Settings.from_env({ENCODER_ENV: "static"}).encoder == "static"
    assert get_encoder("static") is load_static()
    assert np.allclose(get_encoder("static").encode(["a port strike"]), load_static().encode(["a port strike"]))
    with pytest.raises(ModelError, match="unknown sentence encoder"):
        Settings.from_env({ENCODER_ENV: "word2vec"})
    with pytest.raises(ModelError, match="unknown sentence encoder"):
        get_encoder("glove")


def _scores(scorer: ModuleType, report: Report, gold: Path) -> dict[str, float]:
    result: dict[str, Any] = scorer.score(json.loads(json.dumps(to_dict(report))), json.loads(gold.read_text("utf-8")))
    return {k: float(v) for k, v in result.items()}


def test_quality_gate_with_static_encoder(scorer: ModuleType, shared: Path, seed_report: Report) -> None:
    seeds = analyze([shared / "corpus" / "seeds"], settings=STATIC)
    examples = analyze([EXAMPLES / "corpus"], settings=STATIC)
    for name, report, gold in (
        ("seeds", seeds, shared / "eval" / "seeds.gold.json"),
        ("examples", examples, EXAMPLES / "corpus.gold.json"),
    ):
        scores = _scores(scorer, report, gold)
        failed = {m: (scores[m], floor) for m, floor in FLOORS[name].items() if scores[m] < floor - 1e-9}
        assert not failed, (name, failed)
    # the stories themselves do not depend on the encoder here: the same groups as with MiniLM
    assert sorted(s.story.articles for s in seeds.stories) == sorted(s.story.articles for s in seed_report.stories)


def test_cli_encoder_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kinds: list[str] = []
    real = factory.get_encoder

    def spy(kind: str = "minilm", *args: Any, **kwargs: Any) -> Any:
        kinds.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(factory, "get_encoder", spy)
    monkeypatch.delenv(ENCODER_ENV, raising=False)
    args = ["analyze", str(EXAMPLES / "corpus"), "--encoder", "static", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "r.json"), "-q"])
    assert result.exit_code == 0, result.output
    assert set(kinds) == {"static"}  # the run used the static encoder...
    assert ENCODER_ENV not in os.environ  # ...passed down, not through the environment
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["stories"]
    bad = CliRunner().invoke(cli, ["analyze", str(EXAMPLES / "corpus"), "--encoder", "bert"])
    assert bad.exit_code == 2
    assert "--encoder" in bad.output
