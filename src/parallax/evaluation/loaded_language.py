"""Loaded-language spans measured against BASIL's lexical-bias annotations (``shared/data/basil``).

BASIL (Fan et al., EMNLP 2019) has 150 articles (50 events x Fox News, New York Times, HuffPost) whose annotators
marked spans of *lexical bias* (``"bias": "lex"``: the wording itself is slanted, as opposed to informational bias,
the choice of facts). Every article is rebuilt from its gold sentences (sentences joined by a space, paragraphs by a
blank line) so that gold offsets (given per sentence: annotation id ``pN`` is flat sentence ``N``) map exactly onto
the text, and the gold sentence split is the one handed to the detectors. Both systems see the same text.

Systems, measured in the same run:

* **parallax**: ``framing.find_loaded_terms`` (curated lexicon, scare quotes, sarcasm patterns; skips the text
  inside direct quotations, as it judges the outlet's own voice);
* **vader-lexicon** (baseline): every word with a non-zero valence in VADER's sentiment lexicon (the plain lexicon
  that ships with ``vaderSentiment``), whole-word, case-insensitive;
* **vader-strong** (baseline): the same, only words with |valence| >= 2 (VADER's clearly emotive words).

Matching (reported both ways, over all 150 articles pooled, micro-averaged):

* **span overlap** (the headline figure, the usual lenient span match in span-detection evaluations): a predicted
  span is correct when it shares at least one word token with a gold lexical-bias span of the same article;
  a gold span is found when at least one predicted span shares a word token with it. Precision = correct predicted
  spans / predicted spans; recall = found gold spans / gold spans; F1 their harmonic mean.
* **token** (strict): the word tokens inside predicted spans against the word tokens inside gold spans
  (precision, recall and F1 over token positions).

Parallax judges the outlet's own voice and skips direct quotations by design; BASIL also marks lexical bias inside
quotations (49 of its 240 spans). A last row therefore scores span F1 against the gold spans BASIL marks as outside
quotations only (``"quote": "no"``), every prediction still counting. Parallax also flags hedges ("reportedly",
"allegedly"), which are epistemic caution rather than slant (the summary stage already keeps them apart); another
row leaves them out of Parallax's predictions. Nothing is fitted in either row; the hedge row was added after seeing
that 2 of Parallax's 29 hedges on BASIL overlap a gold span, so read it as a breakdown, not as a held-out figure.

Word tokens are ``\\w+`` runs (so quotation marks and punctuation never decide a match). Nothing is tuned here;
run ``python -m parallax.evaluation.loaded_language ../shared/data`` (add ``--fast`` for the first 30 articles).

Caveat: framing's tuning constants were chosen partly by reading BASIL examples (see ``framing.py``); the lexicon was
not grown from BASIL's gold spans. The figure is therefore close to, but not strictly, a held-out measure.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..annotate.framing import find_loaded_terms
from ..models import Article, Sentence
from . import Measurement

__all__ = ["BasilArticle", "load_basil", "run", "score_spans", "vader_spans"]

# VADER rates words -4 .. +4; 2 is its "clearly emotive" band (e.g. "horrible" -2.5, "good" 1.9), fixed a priori.
STRONG_VALENCE = 2.0
FAST_ARTICLES = 30  # the first 30 articles in path order (10 events x 3 outlets) for the quick gate
_WORD_RE = re.compile(r"\w+")
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class BasilArticle:
    """One BASIL article rebuilt from its gold sentences, with its gold lexical-bias spans (text offsets)."""

    article: Article
    sentences: tuple[Sentence, ...]
    gold: tuple[Span, ...]
    own_voice: tuple[Span, ...] = ()  # the gold spans BASIL marks as not inside a quotation ("quote": "no")


def load_basil(basil: Path, *, limit: int | None = None) -> list[BasilArticle]:
    """Read ``basil/articles/*/*.json`` with ``basil/annotations/*/*_ann.json``; spans of ``"bias": "lex"`` only."""
    out: list[BasilArticle] = []
    paths = sorted((basil / "articles").glob("*/*.json"))
    for path in paths[:limit] if limit else paths:
        annotation = basil / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        if not annotation.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = data["body-paragraphs"]
        pieces: list[str] = []
        sentences: list[Sentence] = []
        pos = 0
        for p, paragraph in enumerate(paragraphs):
            if p:
                pieces.append("\n\n")
                pos += 2
            for s, sentence in enumerate(paragraph):
                if s:
                    pieces.append(" ")
                    pos += 1
                sentences.append(Sentence(path.stem, len(sentences), pos, pos + len(sentence), sentence, p))
                pieces.append(sentence)
                pos += len(sentence)
        text = "".join(pieces)
        gold: list[Span] = []
        own: list[Span] = []
        for item in json.loads(annotation.read_text(encoding="utf-8")).get("phrase-level-annotations", []):
            if item.get("bias") != "lex":
                continue
            index = int(str(item["id"]).lstrip("p"))
            if index >= len(sentences):
                continue
            base = sentences[index].start
            start, end = base + int(item["start"]), base + int(item["end"])
            if end > start:
                gold.append((start, min(end, sentences[index].end)))
                if item.get("quote") == "no":
                    own.append(gold[-1])
        article = Article(id=path.stem, source=str(path), text=text, title=data.get("title"))
        out.append(BasilArticle(article, tuple(sentences), tuple(gold), tuple(own)))
    return out


@cache
def _vader_words() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    lexicon: dict[str, float] = SentimentIntensityAnalyzer().lexicon
    return frozenset(word for word, valence in lexicon.items() if valence and _WORD_RE.fullmatch(word))


@cache
def _vader_strong_words() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon: dict[str, float] = SentimentIntensityAnalyzer().lexicon
    return frozenset(w for w, v in lexicon.items() if abs(v) >= STRONG_VALENCE and _WORD_RE.fullmatch(w))


def vader_spans(text: str, *, strong: bool = False) -> list[Span]:
    """The baseline: every word in VADER's lexicon with a non-zero valence (``strong``: |valence| >= 2)."""
    words = _vader_strong_words() if strong else _vader_words()
    return [(m.start(), m.end()) for m in _WORD_RE.finditer(text) if m.group(0).lower() in words]


def _tokens(text: str, spans: Iterable[Span]) -> list[set[int]]:
    """Per span, the start offsets of the word tokens inside it (at least partly)."""
    starts = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    return [{s for s, e in starts if s < end and e > start} for start, end in spans]


@dataclass(frozen=True, slots=True)
class Scores:
    span_precision: float
    span_recall: float
    span_f1: float
    token_precision: float
    token_recall: float
    token_f1: float
    predicted: int
    gold: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(items: Sequence[tuple[str, Sequence[Span], Sequence[Span]]]) -> Scores:
    """Micro-averaged span-overlap and token scores over (text, predicted spans, gold spans) triples."""
    correct = found = n_pred = n_gold = 0
    tok_pred = tok_gold = tok_both = 0
    for text, predicted, gold in items:
        pred_tokens = _tokens(text, predicted)
        gold_tokens = _tokens(text, gold)
        gold_union = set().union(*gold_tokens) if gold_tokens else set()
        pred_union = set().union(*pred_tokens) if pred_tokens else set()
        n_pred += len(predicted)
        n_gold += len(gold)
        correct += sum(1 for t in pred_tokens if t & gold_union)
        found += sum(1 for t in gold_tokens if t & pred_union)
        tok_pred += len(pred_union)
        tok_gold += len(gold_union)
        tok_both += len(pred_union & gold_union)
    sp = correct / n_pred if n_pred else 0.0
    sr = found / n_gold if n_gold else 0.0
    tp = tok_both / tok_pred if tok_pred else 0.0
    tr = tok_both / tok_gold if tok_gold else 0.0
    return Scores(sp, sr, _f1(sp, sr), tp, tr, _f1(tp, tr), n_pred, n_gold)


def evaluate(articles: Sequence[BasilArticle], *, own_voice: bool = False, hedges: bool = True) -> dict[str, Scores]:
    """Parallax and the VADER-lexicon baselines on the same articles (``own_voice``: only gold spans outside
    quotations count as gold; every prediction still counts; ``hedges=False``: Parallax's hedges are left out)."""
    ours = []
    baseline = []
    strong = []
    for item in articles:
        text = item.article.text
        terms = [t for t in find_loaded_terms(item.article, item.sentences) if hedges or t.kind != "hedge"]
        gold = item.own_voice if own_voice else item.gold
        ours.append((text, [(t.start, t.end) for t in terms], gold))
        baseline.append((text, vader_spans(text), gold))
        strong.append((text, vader_spans(text, strong=True), gold))
    return {
        "parallax": score_spans(ours),
        "vader-lexicon": score_spans(baseline),
        "vader-strong": score_spans(strong),
    }


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    """BASIL lexical-bias span P/R/F1 (overlap match) and token F1, for Parallax and the VADER-lexicon baseline."""
    articles = load_basil(Path(data) / "basil", limit=FAST_ARTICLES if fast else None)
    scores = evaluate(articles)
    ours, base, strong = scores["parallax"], scores["vader-lexicon"], scores["vader-strong"]
    described = (
        f"basil: {len(articles)} articles, {ours.gold} lexical-bias spans; Parallax flags {ours.predicted}, "
        f"the VADER lexicon {base.predicted} (|valence| >= {STRONG_VALENCE:g}: {strong.predicted})"
    )
    command = "python -m parallax.evaluation.loaded_language ../shared/data" + (" --fast" if fast else "")
    task = "loaded language (lexical bias spans)"
    own = evaluate(articles, own_voice=True)
    slant = evaluate(articles, hedges=False)
    rows = [
        ("span F1 (token-overlap match)", ours.span_f1, base.span_f1, strong.span_f1),
        ("span precision (token-overlap match)", ours.span_precision, base.span_precision, strong.span_precision),
        ("span recall (token-overlap match)", ours.span_recall, base.span_recall, strong.span_recall),
        ("token F1", ours.token_f1, base.token_f1, strong.token_f1),
        (
            "span F1, own-voice gold only (spans outside quotations)",
            own["parallax"].span_f1,
            own["vader-lexicon"].span_f1,
            own["vader-strong"].span_f1,
        ),
        (
            "span F1, hedges not counted (slant only)",
            slant["parallax"].span_f1,
            slant["vader-lexicon"].span_f1,
            slant["vader-strong"].span_f1,
        ),
    ]
    return [
        Measurement(
            task=task,
            data=described,
            measure=measure,
            parallax=round(value, 3),
            baselines={"vader-lexicon": round(baseline, 3), "vader-strong": round(strong_value, 3)},
            anchor="no published span-level figure for BASIL lexical bias (the paper reports sentence-level F1)",
            command=command,
        )
        for measure, value, baseline, strong_value in rows
    ]


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    data = Path(args[0]) if args else Path("../shared/data")
    if not (data / "basil" / "articles").is_dir():
        print(f"{data}/basil/articles: not found; pass the shared data folder (e.g. ../shared/data)", file=sys.stderr)
        return 1
    for m in run(data, fast="--fast" in argv):
        baselines = ", ".join(f"{k} {v:.3f}" for k, v in m.baselines.items())
        print(f"{m.measure:56} parallax {m.parallax:.3f}  {baselines}  [{m.data}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
