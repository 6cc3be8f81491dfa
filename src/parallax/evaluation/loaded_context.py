"""Experiment: a contextual judge of loaded language (issue 16): MiniLM's last-layer state of each candidate word.

Candidates are the words of the outlet's own voice (``framing.loaded_candidates`` with every word proposed: outside
the skipped quotations), less function words, numbers and names' words (a capital inside the sentence), plus the
lexicon's own matches (scare quotes and sarcasm patterns included; hedges left out, neither data set marks them).
Each candidate's features: the mean of MiniLM's last-layer states over its word pieces (384 values, the words of a
multi-word term averaged), and a few cheap ones: the lexicon matched it, its sentence attributes speech, it is an
"-ly" adverb, VADER's valence and whether it is negative. An L2-regularised logistic regression (L-BFGS on
standardised features, L2 100) scores them. Three ways to use the scores: "judge" (every candidate at or over the
threshold), "filter" (only the lexicon's matches so scored) and "add" (the lexicon's plus the others so scored).

Evaluation: BABE by 5-fold cross-validation (folds by sentence), the threshold chosen inside the fitting folds only
(an inner cross-validation: the lowest threshold whose inner out-of-fold precision reaches the lexicon's, read on
the same inner folds); BASIL's odd events (held out) scored by the judge fitted on BABE and BASIL's even events.
The lexicon alone is reported beside it from the same candidates. Token states are cached (``--cache DIR``) since
they cost most of the run: ``python -m parallax.evaluation.loaded_context ../shared/data --cache /tmp/loaded2``.

Result (2026-12, hedges not counted on either side): it wins on BABE and loses on BASIL, so it is not shipped.
BABE, 5-fold: the lexicon P .570 R .230 F1 .328; the judge P .600 R .341 F1 .435 (thresholds .40/.45 chosen inside
the fitting folds). BASIL's odd events, fitted on BABE and the even events: the lexicon P .366 R .418 F1 .390; the
judge at the threshold chosen on the even events (.85) P .235 R .066 F1 .103, and no threshold of any mode beats
the lexicon's F1 there (best "filter" .379, "add" .387; "judge" .273). The states learn BABE's 2017-2020 partisan
vocabulary, which BASIL's annotators do not mark (the same failure as ``loaded_judge``'s word table).
"""

from __future__ import annotations

import logging
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..annotate.judge import ALWAYS_KINDS
from ..annotate.lexicon import fold, tokenize
from ..models import Sentence
from .loaded_judge import Example
from .loaded_language import Scores, WordScores, score_spans, score_words

log = logging.getLogger(__name__)

__all__ = ["word_states"]

Matrix = NDArray[np.float32]


def word_states(encoder: object, text: str, sentences: Sequence[Sentence]) -> dict[int, Matrix]:
    """Each word token's contextual state (the mean of its word pieces' last-layer states, its sentence encoded
    alone), keyed by the token's start offset in ``text``."""
    folded = fold(text)
    ordered = [s for s in sentences if s.end > s.start]
    encoded = encoder.token_states([text[s.start : s.end] for s in ordered])  # type: ignore[attr-defined]
    out: dict[int, Matrix] = {}
    for sentence, (offsets, states) in zip(ordered, encoded, strict=True):
        starts = offsets[:, 0] + sentence.start
        ends = offsets[:, 1] + sentence.start
        for token in tokenize(folded, sentence.start, sentence.end):
            if not token.word:
                continue
            inside = (starts < token.end) & (ends > token.start)
            if inside.any():
                out[token.start] = states[inside].mean(axis=0)
    return out


def cache_states(path: Path, items: Sequence[tuple[str, str, Sequence[Sentence]]]) -> dict[str, dict[int, Matrix]]:
    """``word_states`` of each (id, text, sentences), read from ``path`` (an .npz) when there, else computed and
    written there."""
    if path.is_file():
        data = np.load(path)
        ids, starts, states = data["ids"], data["starts"], data["states"]
        out: dict[str, dict[int, Matrix]] = {}
        names = [str(n) for n in data["names"]]
        for row in range(len(starts)):
            out.setdefault(names[ids[row]], {})[int(starts[row])] = states[row].astype(np.float32)
        return out
    from ..embed.minilm import load_encoder

    encoder = load_encoder()
    out = {}
    for name, text, sentences in items:
        out[name] = word_states(encoder, text, sentences)
    names = [name for name, _, _ in items]
    rows = [(i, s, v) for i, name in enumerate(names) for s, v in out[name].items()]
    np.savez(
        path,
        names=np.asarray(names),
        ids=np.asarray([r[0] for r in rows], dtype=np.int32),
        starts=np.asarray([r[1] for r in rows], dtype=np.int64),
        states=np.asarray([r[2] for r in rows], dtype=np.float16).reshape(-1, 384),
    )
    return out


# --- candidates and their features ----------------------------------------------------------------------------------

_STOP = frozenset(
    """a an the and or but nor so yet for of in on at by to from with without into onto upon over under about above
    below after before during since until than then as if when while where who whom whose which what that this these
    those there here it its it's he him his she her hers they them their theirs we us our ours you your yours i me my
    mine is are was were be been being am do does did done doing have has had having will would shall should can
    could may might must not no yes also just only very too more most less least much many some any all each every
    both either neither other another such same own one two three first last new said says say told according
    percent mr mrs ms year years day days time week weeks month months people""".split()
)
CHEAP = ("lexicon", "speech", "adverb", "valence", "negative")


class _EveryWord(Mapping[str, float]):
    """A word table that rates every word over the base rate: ``loaded_candidates`` then proposes each word of the
    outlet's own voice."""

    def __getitem__(self, word: str) -> float:
        return 1.0

    def __contains__(self, word: object) -> bool:
        return True

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(())

    def __len__(self) -> int:
        return 1  # not empty: ``loaded_candidates`` reads an empty table as none


@dataclass(frozen=True, slots=True)
class Item:
    """One scored unit (a BABE sentence or a BASIL article): its candidates' spans, cheap features, states and
    labels, and whether each is always kept (scare quotes) or a lexicon match."""

    name: str
    source: str  # "babe", "basil-even", "basil-odd"
    spans: list[tuple[int, int]]
    lexicon: NDArray[np.bool_]
    always: NDArray[np.bool_]
    x: Matrix  # candidates x (384 + len(CHEAP))
    y: NDArray[np.bool_]
    text: str
    gold: frozenset[int]  # start offsets of the gold word tokens
    gold_spans: tuple[tuple[int, int], ...] = ()  # BASIL's gold spans


def candidates_of(
    example: Example, states: Mapping[int, Matrix], source: str, gold_spans: tuple[tuple[int, int], ...] = ()
) -> Item:
    from ..annotate.framing import loaded_candidates
    from ..annotate.judge import FEATURES

    index = {name: FEATURES.index(name) for name in ("speech", "adverb", "valence", "negative", "capital")}
    folded = fold(example.article.text)
    spans: list[tuple[int, int]] = []
    rows: list[NDArray[np.float32]] = []
    lexical: list[bool] = []
    always: list[bool] = []
    labels: list[bool] = []
    for c in loaded_candidates(example.article, example.sentences, _EveryWord(), 0.0):
        if c.term.kind == "hedge":
            continue
        words = [t for t in tokenize(folded, c.term.start, c.term.end) if t.word]
        if not c.lexicon and (
            c.features[index["capital"]]
            or not words[0].base.isalpha()
            or len(words[0].base) < 3
            or words[0].base in _STOP
        ):
            continue
        vectors = [states[t.start] for t in words if t.start in states]
        state = np.mean(vectors, axis=0) if vectors else np.zeros(384, dtype=np.float32)
        cheap = [1.0 if c.lexicon else 0.0, *(c.features[index[n]] for n in CHEAP[1:])]
        rows.append(np.concatenate([state, np.asarray(cheap, dtype=np.float32)]))
        spans.append((c.term.start, c.term.end))
        lexical.append(c.lexicon)
        always.append(c.term.kind in ALWAYS_KINDS)
        labels.append(any(t.start in example.gold for t in words))
    x = np.asarray(rows, dtype=np.float32).reshape(-1, 384 + len(CHEAP))
    return Item(
        example.article.id,
        source,
        spans,
        np.asarray(lexical, bool),
        np.asarray(always, bool),
        x,
        np.asarray(labels, bool),
        example.article.text,
        example.gold,
        gold_spans,
    )


def load_items(data: Path, cache: Path) -> list[Item]:
    """BABE sentences and all BASIL articles as items (token states from the cache, computed there once)."""
    import pickle

    stored = cache / "items.pkl"
    if stored.is_file():
        try:
            with stored.open("rb") as handle:
                loaded: list[Item] = pickle.load(handle)
            return loaded
        except (AttributeError, pickle.UnpicklingError):  # written by another entry point: rebuilt below
            pass
    from .loaded_language import load_babe, load_basil

    babe = load_babe(data / "babe")
    babe_states = cache_states(cache / "babe_states.npz", [(b.article.id, b.article.text, [b.sentence]) for b in babe])
    basil = load_basil(data / "basil")
    basil_states = cache_states(
        cache / "basil_states.npz", [(b.article.id, b.article.text, b.sentences) for b in basil]
    )
    items = [
        candidates_of(
            Example(b.article, (b.sentence,), b.gold, b.article.id, "babe"), babe_states[b.article.id], "babe"
        )
        for b in babe
    ]
    events: dict[str, int] = {}
    for b in basil:
        event = b.article.id.rsplit("_", 1)[0]
        side = "basil-odd" if events.setdefault(event, len(events)) % 2 else "basil-even"
        folded = fold(b.article.text)
        gold = frozenset(
            t.start
            for s in b.sentences
            for t in tokenize(folded, s.start, s.end)
            if t.word and any(a < t.end and t.start < e for a, e in b.gold)
        )
        example = Example(b.article, tuple(b.sentences), gold, event, side)
        items.append(candidates_of(example, basil_states.get(b.article.id, {}), side, tuple(b.gold)))
    with stored.open("wb") as handle:
        pickle.dump(items, handle)
    return items


# --- the logistic regression -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: float

    def probability(self, x: Matrix) -> NDArray[np.float64]:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        out: NDArray[np.float64] = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        return out


def fit(x: Matrix, y: NDArray[np.bool_], l2: float) -> Model:
    """L2-regularised logistic regression on standardised features (L-BFGS; the bias is not penalised)."""
    from scipy.optimize import minimize

    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    target = y.astype(np.float64)

    def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        margin = z @ w[1:] + w[0]
        p = 1 / (1 + np.exp(-np.clip(margin, -30, 30)))
        value = float(np.sum(np.logaddexp(0, margin) - target * margin) + 0.5 * l2 * w[1:] @ w[1:])
        g = p - target
        grad = np.concatenate([[g.sum()], z.T @ g + l2 * w[1:]])
        return value, grad

    result = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return Model(mean, scale, result.x[1:], float(result.x[0]))


# --- evaluation ------------------------------------------------------------------------------------------------------

THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))


def _stack(items: Sequence[Item]) -> tuple[Matrix, NDArray[np.bool_]]:
    xs = [i.x for i in items if len(i.y)]
    ys = [i.y for i in items if len(i.y)]
    return np.concatenate(xs), np.concatenate(ys)


MODES = ("judge", "filter", "add")


def _kept(item: Item, p: NDArray[np.float64] | None, threshold: float, mode: str = "judge") -> list[tuple[int, int]]:
    """The item's flagged spans: the lexicon's (``p`` None), else by ``mode``: "judge", every candidate scored at
    or over the threshold; "filter", the lexicon's matches so scored; "add", the lexicon's plus the others so
    scored. Scare quotes are always kept."""
    if p is None:
        keep = item.lexicon
    elif mode == "filter":
        keep = (item.lexicon & (p >= threshold)) | item.always
    elif mode == "add":
        keep = item.lexicon | (p >= threshold)
    else:
        keep = (p >= threshold) | item.always
    return [span for span, k in zip(item.spans, keep, strict=True) if k]


def _group(item: Item) -> str:
    return item.name if item.source == "babe" else item.name.rsplit("_", 1)[0]


def _oof(items: Sequence[Item], folds: int, l2: float, seed: int = 16) -> list[NDArray[np.float64]]:
    """Out-of-fold probabilities per item (folds by item)."""
    groups = sorted({_group(it) for it in items})
    random.Random(seed).shuffle(groups)
    fold_of = {i: groups.index(_group(it)) % folds for i, it in enumerate(items)}
    out: list[NDArray[np.float64]] = [np.zeros(0) for _ in items]
    for k in range(folds):
        train = [it for i, it in enumerate(items) if fold_of[i] != k]
        model = fit(*_stack(train), l2)
        for i, it in enumerate(items):
            if fold_of[i] == k:
                out[i] = model.probability(it.x) if len(it.y) else np.zeros(0)
        log.info("fold %d of %d fitted", k + 1, folds)
    return out


def _words(items: Sequence[Item], kept: Sequence[list[tuple[int, int]]]) -> WordScores:
    return score_words([(i.text, k, i.gold) for i, k in zip(items, kept, strict=True)])


def _spans(items: Sequence[Item], kept: Sequence[list[tuple[int, int]]]) -> Scores:
    return score_spans([(i.text, k, i.gold_spans) for i, k in zip(items, kept, strict=True)])


def _pick(items: Sequence[Item], probs: Sequence[NDArray[np.float64]], measure: str) -> float:
    """The lowest threshold whose out-of-fold precision on ``items`` reaches the lexicon's on the same items
    (``measure``: "words" for BABE's word precision, "spans" for BASIL's span precision); 1.0 when none does."""

    def precision(kept: Sequence[list[tuple[int, int]]]) -> float:
        return _words(items, kept).precision if measure == "words" else _spans(items, kept).span_precision

    floor = precision([_kept(i, None, 0) for i in items])
    for t in THRESHOLDS:
        if precision([_kept(i, p, t) for i, p in zip(items, probs, strict=True)]) >= floor:
            return t
    return 1.0


def babe_cv(items: Sequence[Item], l2: float, folds: int = 5) -> dict[str, Any]:
    """BABE word figures, 5-fold by sentence: the lexicon alone, the judge at the threshold chosen inside each
    fitting part (3-fold inner cross-validation), and the out-of-fold curve at every threshold (for reading only)."""
    order = list(range(len(items)))
    random.Random(16).shuffle(order)
    fold_of = {i: k % folds for k, i in enumerate(order)}
    probs: list[NDArray[np.float64]] = [np.zeros(0) for _ in items]
    chosen: list[float] = [0.0 for _ in items]
    for k in range(folds):
        train = [it for i, it in enumerate(items) if fold_of[i] != k]
        threshold = _pick(train, _oof(train, 3, l2), "words")
        model = fit(*_stack(train), l2)
        for i, it in enumerate(items):
            if fold_of[i] == k:
                probs[i] = model.probability(it.x) if len(it.y) else np.zeros(0)
                chosen[i] = threshold
        log.info("outer fold %d: threshold %.2f", k + 1, threshold)
    lexicon = _words(items, [_kept(i, None, 0) for i in items])
    judged = _words(items, [_kept(i, p, t) for i, p, t in zip(items, probs, chosen, strict=True)])
    curve = {t: _words(items, [_kept(i, p, t) for i, p in zip(items, probs, strict=True)]) for t in THRESHOLDS}
    return {"lexicon": lexicon, "judge": judged, "thresholds": sorted(set(chosen)), "curve": curve}


def basil_held_out(items: Sequence[Item], l2: float, with_even: bool = True) -> dict[str, Any]:
    """BASIL's odd events scored by the judge fitted on BABE (and BASIL's even events); the threshold chosen by
    out-of-fold span precision on the even events (BABE word precision when they are not used)."""
    train = [i for i in items if i.source == "babe" or (with_even and i.source == "basil-even")]
    held = [i for i in items if i.source == "basil-odd"]
    oof = _oof(train, 5, l2)
    if with_even:
        even = [(i, p) for i, p in zip(train, oof, strict=True) if i.source == "basil-even"]
        threshold = _pick([i for i, _ in even], [p for _, p in even], "spans")
    else:
        threshold = _pick(train, oof, "words")
    model = fit(*_stack(train), l2)
    probs = [model.probability(i.x) if len(i.y) else np.zeros(0) for i in held]
    lexicon = _spans(held, [_kept(i, None, 0) for i in held])
    judged = _spans(held, [_kept(i, p, threshold) for i, p in zip(held, probs, strict=True)])
    curve = {
        (mode, t): _spans(held, [_kept(i, p, t, mode) for i, p in zip(held, probs, strict=True)])
        for mode in MODES
        for t in THRESHOLDS[1::2]
    }
    return {"lexicon": lexicon, "judge": judged, "threshold": threshold, "curve": curve, "model": model}


def main(argv: Sequence[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args = [a for a in argv if not a.startswith("--")]
    data = Path(args[0]) if args else Path("../shared/data")
    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv else Path(".")
    l2 = float(argv[argv.index("--l2") + 1]) if "--l2" in argv else 100.0
    items = load_items(data, cache)
    babe = [i for i in items if i.source == "babe"]
    print(
        f"candidates: BABE {sum(len(i.y) for i in babe)} ({sum(int(i.y.sum()) for i in babe)} biased); "
        f"BASIL {sum(len(i.y) for i in items if i.source != 'babe')}; L2 {l2:g}"
    )
    if "--basil-only" not in argv:
        result = babe_cv(babe, l2)
        for name in ("lexicon", "judge"):
            w = result[name]
            print(f"BABE 5-fold {name:8} words P {w.precision:.3f} R {w.recall:.3f} F1 {w.f1:.3f} n {w.predicted}")
        print("  thresholds chosen:", result["thresholds"])
        for t, w in result["curve"].items():
            print(f"  t {t:.2f} P {w.precision:.3f} R {w.recall:.3f} F1 {w.f1:.3f}")
    for with_even in (True, False):
        held = basil_held_out(items, l2, with_even)
        for name in ("lexicon", "judge"):
            sc = held[name]
            print(
                f"BASIL odd (fit BABE{' + even' if with_even else ''}) {name:8} span P {sc.span_precision:.3f} "
                f"R {sc.span_recall:.3f} F1 {sc.span_f1:.3f} n {sc.predicted}  threshold {held['threshold']}"
            )
        for (mode, t), sc in held["curve"].items():
            print(
                f"  {mode:6} t {t:.2f} P {sc.span_precision:.3f} R {sc.span_recall:.3f} "
                f"F1 {sc.span_f1:.3f} n {sc.predicted}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
