"""Fitting the loaded-language judge (``annotate.judge``) on BABE and half of BASIL, and cross-validating it.

Fitting data: every BABE sentence (``shared/data/babe``: expert labels of the biased words) and the BASIL articles
of the events of even index (``shared/data/basil``, events in path order; their lexical-bias spans). The BASIL
events of odd index are never read here: ``loaded_language`` reports them as the held-out half.

* The word table: for each word form, how often it stands inside a gold span (BASIL) or is one of its sentence's
  biased words (BABE), over how often it occurs; smoothed toward the base rate (``SMOOTHING`` pseudo-occurrences)
  and stored as log-odds. Words seen loaded at least ``MIN_LOADED`` times are stored, and words VADER or the lexicon
  know that were seen ``MIN_SEEN`` times (their low rate is information too).
* The weights: L2-regularised logistic regression (IRLS) over the candidates of ``framing.loaded_candidates``, a
  candidate labelled loaded when one of its words is gold. While fitting the weights, each item's own counts are
  left out of the table (leave-one-out), so the prior feature is not its own label.
* The threshold: to be read off the out-of-fold figures (``FOLDS``-fold cross-validation, BABE by sentence and
  BASIL by event): ``python -m parallax.evaluation.loaded_language --cv ../shared/data`` prints them beside the
  lexicon alone. No threshold met issue 16's targets, and every one lowered BASIL's span F1, so no judge is shipped
  (``judge_json`` gives the file's form should a later one earn its place).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..annotate.framing import Candidate, loaded_candidates
from ..annotate.judge import ALWAYS_KINDS, FEATURES, Judge
from ..annotate.lexicon import fold, tokenize
from ..models import Article, Sentence

__all__ = [
    "Example",
    "Prior",
    "cv_curve",
    "fit_judge",
    "fit_weights",
    "fitting_examples",
    "judge_json",
    "known_words",
    "out_of_fold",
    "word_counts",
]

SMOOTHING = 2.0
MIN_LOADED = 1
MIN_SEEN = 3
L2 = 1.0
FOLDS = 5
SEED = 16


@dataclass(frozen=True, slots=True)
class Example:
    """One fitting item: an article (a BABE sentence is a one-sentence article), its sentences and the start offsets
    of its gold word tokens; ``group`` keeps an event's articles in one fold; ``source`` is "babe" or "basil"."""

    article: Article
    sentences: tuple[Sentence, ...]
    gold: frozenset[int]
    group: str
    source: str


def word_counts(example: Example) -> tuple[Counter[str], Counter[str]]:
    """(occurrences, loaded occurrences) of each word form in the example's sentences."""
    seen: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    folded = fold(example.article.text)
    for sentence in example.sentences:
        for token in tokenize(folded, sentence.start, sentence.end):
            if token.word:
                seen[token.base] += 1
                if token.start in example.gold:
                    loaded[token.base] += 1
    return seen, loaded


class Prior(Mapping[str, float]):
    """The word table as log-odds, optionally leaving one example's counts out."""

    def __init__(self, seen: Counter[str], loaded: Counter[str], keep: frozenset[str], rate: float) -> None:
        self.seen, self.loaded, self.keep, self.rate = seen, loaded, keep, rate
        self.minus: tuple[Counter[str], Counter[str]] = (Counter(), Counter())

    def without(self, example_counts: tuple[Counter[str], Counter[str]]) -> Prior:
        other = Prior(self.seen, self.loaded, self.keep, self.rate)
        other.minus = example_counts
        return other

    @property
    def base(self) -> float:
        return math.log(self.rate / (1 - self.rate))

    def __getitem__(self, word: str) -> float:
        if word not in self.keep:
            raise KeyError(word)
        n = self.seen[word] - self.minus[0][word]
        k = self.loaded[word] - self.minus[1][word]
        if n <= 0:
            raise KeyError(word)
        p = (k + SMOOTHING * self.rate) / (n + SMOOTHING)
        return math.log(p / (1 - p))

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self.keep and self.seen[word] - self.minus[0][word] > 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.keep)

    def __len__(self) -> int:
        return len(self.keep)


def build_prior(examples: Sequence[Example], known: frozenset[str]) -> Prior:
    seen: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    for example in examples:
        s, k = word_counts(example)
        seen.update(s)
        loaded.update(k)
    rate = max(1e-4, sum(loaded.values()) / max(1, sum(seen.values())))
    keep = frozenset(w for w in seen if loaded[w] >= MIN_LOADED or (w in known and seen[w] >= MIN_SEEN))
    return Prior(seen, loaded, keep, rate)


def labelled(example: Example, prior: Mapping[str, float], base: float) -> list[tuple[Candidate, bool]]:
    """The example's judged candidates, each with its label (a gold word inside it)."""
    out = []
    folded = fold(example.article.text)
    for c in loaded_candidates(example.article, example.sentences, prior, base):
        if c.term.kind in ALWAYS_KINDS:
            continue
        starts = {t.start for t in tokenize(folded, c.term.start, c.term.end) if t.word}
        out.append((c, bool(starts & example.gold)))
    return out


def fit_weights(rows: Sequence[Sequence[float]], labels: Sequence[bool]) -> tuple[list[float], float]:
    """L2-regularised logistic regression by iteratively reweighted least squares (the bias is not penalised)."""
    x = np.hstack([np.ones((len(rows), 1)), np.asarray(rows, dtype=float)])
    y = np.asarray(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 1e-6
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return [float(v) for v in w[1:]], float(w[0])


def fit_judge(examples: Sequence[Example], known: frozenset[str], threshold: float = 0.5) -> Judge:
    """The judge fitted on ``examples`` (leave-one-out priors for the weights; the full table for use)."""
    prior = build_prior(examples, known)
    rows: list[tuple[float, ...]] = []
    labels: list[bool] = []
    for example in examples:
        for candidate, label in labelled(example, prior.without(word_counts(example)), prior.base):
            rows.append(candidate.features)
            labels.append(label)
    weights, bias = fit_weights(rows, labels)
    table = {w: round(prior[w], 3) for w in sorted(prior.keep) if w in prior}
    return Judge(tuple(weights), bias, threshold, table, prior.base)


def folds_of(examples: Sequence[Example]) -> list[int]:
    """A fold number per example; the examples of one group share a fold."""
    groups = sorted({e.group for e in examples})
    random.Random(SEED).shuffle(groups)
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    return [fold_of[e.group] for e in examples]


def out_of_fold(examples: Sequence[Example], known: frozenset[str]) -> list[list[tuple[Candidate, float]]]:
    """Per example, its candidates with the probability given by the judge fitted on the other folds (hedges and
    scare quotes: probability 1)."""
    fold_numbers = folds_of(examples)
    out: list[list[tuple[Candidate, float]]] = [[] for _ in examples]
    for k in range(FOLDS):
        train = [e for e, f in zip(examples, fold_numbers, strict=True) if f != k]
        judge = fit_judge(train, known)
        for i, example in enumerate(examples):
            if fold_numbers[i] != k:
                continue
            for c in loaded_candidates(example.article, example.sentences, judge.prior, judge.base):
                p = 1.0 if c.term.kind in ALWAYS_KINDS else judge.probability(c.features)
                out[i].append((c, p))
    return out


def judge_json(judge: Judge, about: str) -> dict[str, Any]:
    return {
        "about": about,
        "features": list(FEATURES),
        "bias": round(judge.bias, 6),
        "weights": [round(w, 6) for w in judge.weights],
        "threshold": round(judge.threshold, 4),
        "base": round(judge.base, 4),
        "prior": judge.prior,
    }


def known_words() -> frozenset[str]:
    """Words VADER or the lexicon know (their low loaded rate in the fitting data is kept in the table)."""
    from ..annotate.lexicon import load_lexicon

    vader = {w for w in _vader_lexicon() if re.fullmatch(r"[a-z]+", w)}
    return frozenset(vader | {k for k in load_lexicon().index if re.fullmatch(r"[a-z]+", k)})


def _vader_lexicon() -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    lexicon: dict[str, float] = SentimentIntensityAnalyzer().lexicon
    return [w for w, v in lexicon.items() if v]


def fitting_examples(babe: Sequence[Any], basil: Sequence[Any]) -> list[Example]:
    """BABE sentences (``loaded_language.BabeSentence``) and the BASIL articles (``BasilArticle``) of even events
    as examples; the odd events are left out here, whatever is passed."""
    out = [Example(b.article, (b.sentence,), b.gold, b.article.id, "babe") for b in babe]
    events: dict[str, int] = {}
    for item in basil:
        event = item.article.id.rsplit("_", 1)[0]
        if events.setdefault(event, len(events)) % 2:
            continue
        folded = fold(item.article.text)
        gold = frozenset(
            t.start
            for s in item.sentences
            for t in tokenize(folded, s.start, s.end)
            if t.word and any(a < t.end and t.start < b for a, b in item.gold)
        )
        out.append(Example(item.article, tuple(item.sentences), gold, event, "basil"))
    return out


def cv_curve(
    examples: Sequence[Example], thresholds: Sequence[float]
) -> list[tuple[float, list[list[tuple[int, int]]]]]:
    """Per threshold (``-1``: the lexicon alone, no judge): each example's kept spans, out of fold. Hedges are left
    out (not slant; neither data set marks them); scare quotes are kept (loaded by definition)."""
    oof = out_of_fold(examples, known_words())
    rows: list[tuple[float, list[list[tuple[int, int]]]]] = []
    for threshold in (-1.0, *thresholds):
        kept = [
            [
                (c.term.start, c.term.end)
                for c, p in scored
                if c.term.kind != "hedge" and (c.lexicon if threshold < 0 else p >= threshold)
            ]
            for scored in oof
        ]
        rows.append((threshold, kept))
    return rows
