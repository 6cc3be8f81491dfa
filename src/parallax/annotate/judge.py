"""The word-in-context judge of loaded language: a logistic regression over each candidate term of ``framing``.

``framing`` proposes candidates: every match of the curated lexicon, and every word of the outlet's own voice that
the judge's word table or VADER's valence lexicon knows. A judge scores each with the features below and keeps the
ones at or over its threshold. Hedges and scare quotes are loaded by definition and are never judged.

No judge is shipped (``data/loaded_judge.json`` is absent, so ``load_judge`` is ``None`` and the lexicon's matches
stand): fitted on BABE and BASIL's even events, 5-fold cross-validated, it did not beat the lexicon where it
matters. On BABE words it reached precision .61 at recall .22 (threshold .4; the lexicon alone: .57 / .23), but on
BASIL's even events every threshold lowered span F1 (lexicon alone .276; .21 at .3 and .4): the word table learned
BABE's 2017-2020 partisan vocabulary, which BASIL's 2010-2014 annotators do not mark
(``python -m parallax.evaluation.loaded_language --cv``; issue 16). A contextual judge (MiniLM's last-layer state
of each candidate word, ``evaluation.loaded_context``) failed the same way: BABE, 5-fold, P .600 R .341 against the
lexicon's .570 / .230, but on BASIL's odd events no threshold reached the lexicon's span F1 (.390).

Features of a candidate (``FEATURES``, in order):

* ``kind:K``: the lexicon kind that matched (one indicator per judged kind), ``kind:none`` for a word only the word
  table or VADER proposed;
* ``prior``: the word table's log-odds that the word is loaded where it stands in the fitting data (the most loaded
  word of a multi-word term), smoothed toward the base rate; ``unseen``: no word of the term is in the table;
* ``valence`` and ``negative``: VADER's largest |valence| / 4 among the term's words, and whether one is negative;
* ``words``: the term's word count (at most 4) / 4; ``adverb``: a one-word term ending in "-ly";
* ``capital``: the term starts with a capital inside its sentence (a name's word, rarely the outlet's wording);
* ``speech``: its sentence attributes words to someone ("said", "according to"): paraphrased speech;
* ``company``: how many other candidates share the sentence (at most 3) / 3: slanted sentences cluster;
* ``context``: how loaded the rest of the sentence reads: the mean of its two highest word-table log-odds over the
  base rate (words of the term itself left out), / 4.

The table and weights are data, not code: ``evaluation.loaded_judge.fit_judge`` fits them and ``judge_json`` gives
the file's form. Nothing here reads the fitting data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..errors import ModelError
from .lexicon import KINDS

__all__ = [
    "ALWAYS_KINDS",
    "FEATURES",
    "JUDGED_KINDS",
    "JUDGE_RESOURCE",
    "Judge",
    "features",
    "load_judge",
]

JUDGE_RESOURCE = "data/loaded_judge.json"
# Loaded by definition: never judged, always reported.
ALWAYS_KINDS = frozenset({"hedge", "scare-quote"})
JUDGED_KINDS = tuple(k for k in KINDS if k not in ALWAYS_KINDS)  # the lexicon's kinds, in its order
FEATURES = (
    *(f"kind:{k}" for k in JUDGED_KINDS),
    "kind:none",
    "prior",
    "unseen",
    "valence",
    "negative",
    "words",
    "adverb",
    "capital",
    "speech",
    "company",
    "context",
)
PRIOR_CLIP = 6.0  # log-odds are clipped to +-6 (a word seen loaded 400 times in 400 is no surer than 1 in 400 less)


@dataclass(frozen=True, slots=True)
class Judge:
    """A fitted judge: weights over ``FEATURES``, the word table (word -> log-odds) and the threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    prior: Mapping[str, float]
    base: float  # the log-odds of a word not in the table

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keeps(self, values: Sequence[float]) -> bool:
        return self.probability(values) >= self.threshold


def features(
    kind: str,
    words: Sequence[str],
    valences: Sequence[float],
    *,
    prior: Mapping[str, float],
    base: float,
    capital: bool,
    speech: bool,
    company: int,
    context: float,
) -> list[float]:
    """The feature vector of one candidate (``words``: its word forms, lower case; ``kind``: "" when no lexicon
    entry matched; ``valences``: VADER's valence of each word, 0 when it has none)."""
    known = [prior[w] for w in words if w in prior]
    strongest = max((abs(v) for v in valences), default=0.0)
    values = [1.0 if kind == k else 0.0 for k in JUDGED_KINDS]
    values.append(0.0 if kind else 1.0)
    values += [
        max(-PRIOR_CLIP, min(PRIOR_CLIP, max(known))) if known else base,
        0.0 if known else 1.0,
        strongest / 4.0,
        1.0 if any(v < 0 for v in valences) else 0.0,
        min(len(words), 4) / 4.0,
        1.0 if len(words) == 1 and words[0].endswith("ly") else 0.0,
        1.0 if capital else 0.0,
        1.0 if speech else 0.0,
        min(company, 3) / 3.0,
        context / 4.0,
    ]
    return values


@cache
def load_judge() -> Judge | None:
    """The judge shipped with the package; ``None`` when none is shipped (the lexicon's matches then stand)."""
    path = resources.files("parallax").joinpath(JUDGE_RESOURCE)
    if not path.is_file():
        return None
    try:
        return judge_from(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"the loaded-language judge {JUDGE_RESOURCE} is invalid: {exc}",
            hint="reinstall parallax-news, or refit it with parallax.evaluation.loaded_judge.fit_judge",
        ) from exc


def judge_from(data: Mapping[str, Any]) -> Judge:
    """A judge from its JSON form; raises ValueError when it does not fit ``FEATURES``."""
    if tuple(data["features"]) != FEATURES:
        raise ValueError("its features are not this version's; refit it")
    weights = tuple(float(w) for w in data["weights"])
    prior = {str(k): float(v) for k, v in data["prior"].items()}
    return Judge(weights, float(data["bias"]), float(data["threshold"]), prior, float(data["base"]))
