"""Do two sentences state the same claim? A small logistic model over pair features.

Topical similarity alone never joins two sentences into one fact: "Russia is ready to cooperate with Huawei" and
"Russia needs to cooperate with either Huawei or Western companies" have a MiniLM cosine of .83. The model reads
what a cosine misses: how much of each sentence's content the other shares, figures that disagree, a negation on
one side only, names one sentence has and the other lacks, word order (rapidfuzz ratios) and length.

The weights (``data/same_claim.json``) are fitted on the training half of the Microsoft Research Paraphrase Corpus
(news sentences from different outlets about one story, label 1 = same meaning) by ``python -m
parallax.evaluation.claims --fit``; nothing else shapes them. Its test half is reported in docs/EVALUATION.md.
Features are computed only for the candidate pairs alignment proposes (a few per sentence), never for all pairs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from ..errors import ModelError
from .words import content_terms

__all__ = [
    "FEATURES",
    "LINK_FEATURES",
    "PairModel",
    "claim_link_model",
    "fit_pair_model",
    "link_features",
    "pair_features",
    "same_claim_model",
]

MODEL_RESOURCE = "data/same_claim.json"
LINK_RESOURCE = "data/claim_link.json"
FEATURES = (
    "cosine",  # MiniLM cosine of the two sentences
    "overlap_min",  # shared content words / content words of the shorter sentence
    "overlap_max",  # shared content words / content words of the longer sentence
    "numbers_differ",  # both carry figures: the share of figures only one of them has
    "numbers_one_side",  # only one of them carries figures
    "negation_differs",  # a negation on one side only (odd count of negators)
    "names_differ",  # capitalised words (not sentence-initial) only one of them has, as a share of all
    "order_ratio",  # rapidfuzz token_sort_ratio / 100
    "set_ratio",  # rapidfuzz token_set_ratio / 100
    "length_ratio",  # |log(words a / words b)|
    "cosine_x_overlap",  # cosine x overlap_max
)
# The link model: is a candidate pair of one story the same claim? Its inputs are the paraphrase probability above
# and what the story around the pair says.
LINK_FEATURES = (
    "same_meaning",  # P(same meaning) of the paraphrase model (MSRP)
    "similarity",  # the mixed similarity alignment ranks by (compare.align.sentence_similarity)
    "lexical",  # the IDF-weighted content-word cosine inside the story
    "cosine",  # MiniLM cosine
    "margin_min",  # min over the two sentences of (this pair's similarity - its best in the other's article), <= 0
    "margin_max",  # max of the same
    "speakers_differ",  # both sentences quote someone, and no speaker in common
    "numbers_differ",
    "negation_differs",
    "overlap_min",
)
MAX_CHARS = 2_000  # a pair feature reads this much of each sentence (a "sentence" of 50 KB is no sentence)

_NUMBER = re.compile(r"\d[\d,.]{0,30}")
_NEGATION = re.compile(
    r"\b(?:not|no|never|without|none|nobody|nothing|neither|nor|denied|denies|refused|rejected)\b|n['’]t\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<=[^\W\d_])[\s,;:]{1,3}([A-Z][a-zA-Z]{1,40})")

Vector = NDArray[np.float64]


def _numbers(text: str) -> set[float]:
    out: set[float] = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(".,").replace(",", "")
        try:
            out.add(float(raw))
        except ValueError:
            continue
    return out


def _names(text: str) -> set[str]:
    return {m.group(1).lower() for m in _NAME.finditer(text)}


def pair_features(a: str, b: str, cosine: float) -> list[float]:
    """The ``FEATURES`` of one sentence pair, ``cosine`` being their encoder cosine."""
    a, b = a[:MAX_CHARS], b[:MAX_CHARS]
    left, right = set(content_terms(a)), set(content_terms(b))
    shared = len(left & right)
    overlap_min = shared / max(1, min(len(left), len(right)))
    overlap_max = shared / max(1, max(len(left), len(right)))
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    both = bool(numbers_a and numbers_b)
    numbers_differ = len(numbers_a ^ numbers_b) / max(1, len(numbers_a | numbers_b)) if both else 0.0
    one_side = 1.0 if bool(numbers_a) != bool(numbers_b) else 0.0
    negation = 1.0 if len(_NEGATION.findall(a)) % 2 != len(_NEGATION.findall(b)) % 2 else 0.0
    names_a, names_b = _names(a), _names(b)
    names = len(names_a ^ names_b) / max(1, len(names_a | names_b)) if names_a or names_b else 0.0
    length = abs(math.log(max(1, len(a.split())) / max(1, len(b.split()))))
    return [
        cosine,
        overlap_min,
        overlap_max,
        numbers_differ,
        one_side,
        negation,
        names,
        fuzz.token_sort_ratio(a, b) / 100.0,
        fuzz.token_set_ratio(a, b) / 100.0,
        length,
        cosine * overlap_max,
    ]


@dataclass(frozen=True, slots=True)
class PairModel:
    """Standardised logistic regression: P(same claim) = sigmoid(bias + weights . (x - mean) / scale)."""

    bias: float
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    about: str = ""
    threshold: float = 0.5  # the decision threshold fitted with the model (the link model's LINK_MIN)

    def probability(self, rows: Sequence[Sequence[float]]) -> Vector:
        """P(same claim) of each feature row."""
        if not rows:
            return np.zeros(0, dtype=np.float64)
        x = (np.asarray(rows, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = self.bias + x @ np.asarray(self.weights)
        result: Vector = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
        return result

    def to_dict(self, features: Sequence[str] = FEATURES) -> dict[str, object]:
        return {
            "about": self.about,
            "features": list(features),
            "bias": self.bias,
            "weights": list(self.weights),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
        }


def link_features(pair: Sequence[float], same_meaning: float, context: Sequence[float]) -> list[float]:
    """The ``LINK_FEATURES`` of one candidate pair: its ``pair_features``, the paraphrase probability, and
    ``context`` = (similarity, lexical, margin_min, margin_max, speakers_differ) from the story."""
    similarity, lexical, margin_min, margin_max, speakers = context
    return [
        same_meaning,
        similarity,
        lexical,
        pair[0],
        margin_min,
        margin_max,
        speakers,
        pair[3],
        pair[5],
        pair[1],
    ]


def fit_pair_model(rows: Sequence[Sequence[float]], labels: Sequence[int], *, l2: float = 1.0) -> PairModel:
    """Fit the logistic model by Newton's method (L2 penalty on the weights, not the bias)."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    w = np.zeros(z.shape[1])
    penalty = l2 * np.diag(np.r_[0.0, np.ones(z.shape[1] - 1)])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -40.0, 40.0)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return PairModel(
        bias=float(w[0]),
        weights=tuple(float(v) for v in w[1:]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
    )


def _load(resource: str, features: Sequence[str]) -> PairModel:
    try:
        raw = json.loads(resources.files("parallax").joinpath(resource).read_text(encoding="utf-8"))
        if list(raw["features"]) != list(features):
            raise ValueError("its features are not this version's")
        return PairModel(
            bias=float(raw["bias"]),
            weights=tuple(float(v) for v in raw["weights"]),
            mean=tuple(float(v) for v in raw["mean"]),
            scale=tuple(float(v) for v in raw["scale"]),
            about=str(raw.get("about", "")),
            threshold=float(raw.get("threshold", 0.5)),
        )
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(
            f"the model {resource} cannot be read: {exc}",
            hint="reinstall Parallax, or refit it with python -m parallax.evaluation.claims --fit",
        ) from exc


@cache
def same_claim_model() -> PairModel:
    """The paraphrase model shipped with Parallax (``data/same_claim.json``, fitted on MSRP train)."""
    return _load(MODEL_RESOURCE, FEATURES)


@cache
def claim_link_model() -> PairModel:
    """The link model shipped with Parallax (``data/claim_link.json``, fitted on the training claim golds); its
    ``threshold`` is the P(same claim) at which alignment joins two sentences."""
    return _load(LINK_RESOURCE, LINK_FEATURES)
