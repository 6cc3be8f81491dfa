"""Loaded language measured against BASIL's lexical-bias spans (``shared/data/basil``) and BABE's biased words and
sentences (``shared/data/babe``).

BASIL (Fan et al., EMNLP 2019) has 150 articles (50 events x Fox News, New York Times, HuffPost) whose annotators
marked spans of *lexical bias* (``"bias": "lex"``: the wording itself is slanted, as opposed to informational bias,
the choice of facts). Every article is rebuilt from its gold sentences (sentences joined by a space, paragraphs by a
blank line) so that gold offsets (given per sentence: annotation id ``pN`` is flat sentence ``N``) map exactly onto
the text, and the gold sentence split is the one handed to the detectors. Both systems see the same text.

Fitting and reporting: the lexicon's 2026-12 pruning (entries removed because an ordinary news sense dominates) read
the flags on BABE and on the BASIL events of *even* index (events in path order); the events of *odd* index are the
held-out half (``held_out_half``, rows "held-out half"). BABE figures are therefore fitting figures for that pruning.
The automatic rule it started from (drop a flagged phrase with at least 2 flags and precision under .34 in the
fitting folds), 5-fold cross-validated, gave BABE word precision .570 at recall .223; the shipped pruning is the part
of that rule's list with an ordinary news sense, plus "complain" and "wreckage", which issue 16 names.
The lexicon itself was first written beside all 150 BASIL articles (see ``framing.py``), so even the held-out half
is close to, but not strictly, held out.

Systems, measured in the same run:

* **parallax**: ``framing.find_loaded_terms`` (curated lexicon, scare quotes, sarcasm patterns; skips the text
  inside direct quotations, as it judges the outlet's own voice);
* **vader-lexicon** (baseline): every word with a non-zero valence in VADER's sentiment lexicon (the plain lexicon
  that ships with ``vaderSentiment``), whole-word, case-insensitive;
* **vader-strong** (baseline): the same, only words with |valence| >= 2 (VADER's clearly emotive words);
* **vader-compound** (BABE sentences only): a sentence is biased when VADER's compound score is at least .05 in size
  (VADER's documented neutral band); the paper's fine-tuned RoBERTa (.804 macro F1) is the anchor.

BASIL matching (reported both ways, micro-averaged):

* **span overlap** (the headline figure, the usual lenient span match in span-detection evaluations): a predicted
  span is correct when it shares at least one word token with a gold lexical-bias span of the same article;
  a gold span is found when at least one predicted span shares a word token with it. Precision = correct predicted
  spans / predicted spans; recall = found gold spans / gold spans; F1 their harmonic mean.
* **token** (strict): the word tokens inside predicted spans against the word tokens inside gold spans
  (precision, recall and F1 over token positions).

BABE: **biased words** are word tokens: those inside Parallax's terms (hedges left out: epistemic caution, not
slant, and BABE does not mark them) against the tokens that are one of the sentence's listed biased words, pooled
over sentences. **Sentences**: biased when a non-hedge term is flagged in them; macro F1 over the two classes.

Parallax judges the outlet's own voice and skips direct quotations by design; BASIL also marks lexical bias inside
quotations (49 of its 240 spans). A row therefore scores span F1 against the gold spans BASIL marks as outside
quotations only (``"quote": "no"``), every prediction still counting. Another row leaves Parallax's hedges out.

Word tokens are ``\\w+`` runs (so quotation marks and punctuation never decide a match). Run
``python -m parallax.evaluation.loaded_language ../shared/data`` (``--fast``: the first 30 BASIL articles and the
first 300 BABE sentences; ``--cv``: the experimental judge's cross-validation, see ``loaded_judge``).
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
from ..annotate.lexicon import fold, tokenize
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


# --- BABE: biased words and biased sentences -------------------------------------------------------------------------

FAST_SENTENCES = 300  # the first 300 BABE sentences in file order for the quick gate
VADER_SENTENCE = 0.05  # VADER's own documented cut for a non-neutral compound score, fixed a priori
PAPER_SENTENCE_F1 = 0.804  # Spinde et al. (Findings of EMNLP 2021), best fine-tuned model, sentence-level macro F1


@dataclass(frozen=True, slots=True)
class BabeSentence:
    """One BABE sentence as a one-sentence article, its expert label and the start offsets of its biased words."""

    article: Article
    sentence: Sentence
    biased: bool
    gold: frozenset[int]


def load_babe(babe: Path, *, limit: int | None = None) -> list[BabeSentence]:
    """Read ``babe/sentences.jsonl``; a word token is gold when it is (a piece of) one of the sentence's biased
    words (BABE lists words, not offsets, so every occurrence of a listed word in its sentence counts)."""
    out: list[BabeSentence] = []
    with (babe / "sentences.jsonl").open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if limit is not None and i >= limit:
                break
            row = json.loads(line)
            text = str(row["text"])
            pieces = {w for word in row.get("biased_words", []) for w in _WORD_RE.findall(fold(str(word)))}
            tokens = tokenize(fold(text), 0, len(text))
            gold = frozenset(t.start for t in tokens if t.word and (t.form in pieces or t.base in pieces))
            article = Article(id=f"babe-{i}", source="babe", text=text)
            out.append(BabeSentence(article, Sentence(article.id, 0, 0, len(text), text), bool(row["biased"]), gold))
    return out


@dataclass(frozen=True, slots=True)
class WordScores:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int
    flag_precision: float = 0.0  # flags holding at least one biased word / flags (BASIL's overlap match)


def score_words(items: Sequence[tuple[str, Sequence[Span], frozenset[int]]]) -> WordScores:
    """Word-level scores over (text, predicted spans, gold word starts): the word tokens inside predicted spans
    against the gold word tokens, pooled over all sentences."""
    predicted = correct = gold = flags = right = 0
    for text, spans, starts in items:
        folded = fold(text)
        words = [{t.start for t in tokenize(folded, s, e) if t.word} for s, e in spans]
        inside = set().union(*words) if words else set()
        predicted += len(inside)
        correct += len(inside & starts)
        gold += len(starts)
        flags += len(words)
        right += sum(1 for w in words if w & starts)
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return WordScores(p, r, _f1(p, r), predicted, gold, right / flags if flags else 0.0)


def macro_f1(predicted: Sequence[bool], gold: Sequence[bool]) -> float:
    """The mean of the F1 of the biased class and the F1 of the unbiased class."""
    scores = []
    for side in (True, False):
        tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p == side and g == side)
        fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p == side and g != side)
        fn = sum(1 for p, g in zip(predicted, gold, strict=True) if p != side and g == side)
        scores.append(_f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0))
    return sum(scores) / 2


def evaluate_babe(items: Sequence[BabeSentence]) -> dict[str, tuple[WordScores, float]]:
    """Per system: biased-word scores and sentence-level macro F1 (a sentence is biased when the system flags a
    word in it; Parallax's hedges do not make a sentence biased). VADER: words of |valence| >= 2 for words; its
    compound score over ``VADER_SENTENCE`` in size for sentences."""
    from ..annotate.framing import sentence_tones

    gold = [item.biased for item in items]
    ours: list[tuple[str, Sequence[Span], frozenset[int]]] = []
    strong: list[tuple[str, Sequence[Span], frozenset[int]]] = []
    ours_sentences: list[bool] = []
    compound: list[bool] = []
    for item in items:
        text = item.article.text
        terms = find_loaded_terms(item.article, [item.sentence])
        ours.append((text, [(t.start, t.end) for t in terms if t.kind != "hedge"], item.gold))
        ours_sentences.append(any(t.kind != "hedge" for t in terms))
        strong.append((text, vader_spans(text, strong=True), item.gold))
        tone = sentence_tones(item.article, [item.sentence]).get(0, (0.0, 0))[0]
        compound.append(abs(tone) >= VADER_SENTENCE)
    return {
        "parallax": (score_words(ours), macro_f1(ours_sentences, gold)),
        "vader-strong": (score_words(strong), macro_f1([bool(s) for _, s, _ in strong], gold)),
        "vader-compound": (WordScores(0.0, 0.0, 0.0, 0, 0), macro_f1(compound, gold)),
    }


def held_out_half(articles: Sequence[BasilArticle]) -> list[BasilArticle]:
    """The articles of the events of odd index (events in path order): the half never used for fitting."""
    events: dict[str, int] = {}
    for item in articles:
        events.setdefault(item.article.id.rsplit("_", 1)[0], len(events))
    return [item for item in articles if events[item.article.id.rsplit("_", 1)[0]] % 2 == 1]


def _basil_rows(articles: Sequence[BasilArticle]) -> list[tuple[str, str, float, dict[str, float]]]:
    scores = evaluate(articles)
    held = evaluate(held_out_half(articles))
    own = evaluate(articles, own_voice=True)
    slant = evaluate(articles, hedges=False)
    names = ("vader-lexicon", "vader-strong")
    rows: list[tuple[str, str, float, dict[str, float]]] = []
    for label, key, result in (
        ("span F1 (token-overlap match)", "basil.span_f1", scores),
        ("span F1, held-out half (odd events)", "basil.held_out.span_f1", held),
    ):
        rows.append((label, key, result["parallax"].span_f1, {n: result[n].span_f1 for n in names}))
    for label, key, result in (
        ("span precision (token-overlap match)", "basil.span_precision", scores),
        ("span precision, held-out half (odd events)", "basil.held_out.span_precision", held),
    ):
        rows.append((label, key, result["parallax"].span_precision, {n: result[n].span_precision for n in names}))
    rows.append(
        (
            "span recall, held-out half (odd events)",
            "basil.held_out.span_recall",
            held["parallax"].span_recall,
            {n: held[n].span_recall for n in names},
        )
    )
    rows.append(
        (
            "span recall (token-overlap match)",
            "basil.span_recall",
            scores["parallax"].span_recall,
            {n: scores[n].span_recall for n in names},
        )
    )
    rows.append(("token F1", "", scores["parallax"].token_f1, {n: scores[n].token_f1 for n in names}))
    rows.append(
        (
            "span F1, own-voice gold only (spans outside quotations)",
            "",
            own["parallax"].span_f1,
            {n: own[n].span_f1 for n in names},
        )
    )
    rows.append(
        (
            "span F1, hedges not counted (slant only)",
            "",
            slant["parallax"].span_f1,
            {n: slant[n].span_f1 for n in names},
        )
    )
    return rows


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    """BASIL lexical-bias spans (all articles and the held-out half) and BABE biased words and sentences, for
    Parallax and the VADER baselines of the same run."""
    articles = load_basil(Path(data) / "basil", limit=FAST_ARTICLES if fast else None)
    described = f"basil: {len(articles)} articles, {sum(len(a.gold) for a in articles)} lexical-bias spans"
    command = "python -m parallax.evaluation.loaded_language ../shared/data" + (" --fast" if fast else "")
    out = [
        Measurement(
            task="loaded language (lexical bias spans)",
            data=described,
            measure=measure,
            parallax=round(value, 3),
            baselines={k: round(v, 3) for k, v in baselines.items()},
            anchor="no published span-level figure for BASIL lexical bias (the paper reports sentence-level F1)",
            command=command,
            name=f"loaded_language.{key}" if key else "",
        )
        for measure, key, value, baselines in _basil_rows(articles)
    ]
    babe_dir = Path(data) / "babe"
    if (babe_dir / "sentences.jsonl").is_file():
        out += _babe_measurements(load_babe(babe_dir, limit=FAST_SENTENCES if fast else None), command)
    return out


def _babe_measurements(items: Sequence[BabeSentence], command: str) -> list[Measurement]:
    results = evaluate_babe(items)
    ours, ours_sentences = results["parallax"]
    strong, strong_sentences = results["vader-strong"]
    compound = results["vader-compound"][1]
    described = (
        f"babe: {len(items)} sentences ({sum(i.biased for i in items)} biased), {ours.gold} biased-word tokens; "
        f"Parallax flags {ours.predicted} words (hedges not counted), "
        f"VADER |valence| >= {STRONG_VALENCE:g} {strong.predicted}"
    )
    word_rows = [
        ("biased-word precision", "babe.word_precision", ours.precision, strong.precision),
        ("biased-word recall", "babe.word_recall", ours.recall, strong.recall),
        (
            "flag precision (a flag holds a biased word: BASIL's overlap match)",
            "babe.flag_precision",
            ours.flag_precision,
            strong.flag_precision,
        ),
        ("biased-word F1", "babe.word_f1", ours.f1, strong.f1),
    ]
    out = [
        Measurement(
            task="loaded language (BABE biased words)",
            data=described,
            measure=measure,
            parallax=round(value, 3),
            baselines={"vader-strong": round(base, 3)},
            anchor="BABE publishes no word-level figure",
            goal=">= .60 at recall >= .40" if key == "babe.word_precision" else "",
            command=command,
            name=f"loaded_language.{key}",
        )
        for measure, key, value, base in word_rows
    ]
    out.append(
        Measurement(
            task="loaded language (BABE biased sentences)",
            data=described,
            measure="sentence-level macro F1 (a sentence is biased when a word in it is flagged)",
            parallax=round(ours_sentences, 3),
            baselines={"vader-strong (lexicon)": round(strong_sentences, 3), "vader-compound": round(compound, 3)},
            anchor=f"fine-tuned RoBERTa {PAPER_SENTENCE_F1} (Spinde et al. 2021, full BABE, 5-fold)",
            command=command,
            name="loaded_language.babe.sentence_macro_f1",
        )
    )
    return out


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    data = Path(args[0]) if args else Path("../shared/data")
    if not (data / "basil" / "articles").is_dir():
        print(f"{data}/basil/articles: not found; pass the shared data folder (e.g. ../shared/data)", file=sys.stderr)
        return 1
    if "--cv" in argv:
        return _print_cv(data)
    for m in run(data, fast="--fast" in argv):
        baselines = ", ".join(f"{k} {v:.3f}" for k, v in m.baselines.items())
        print(f"{m.measure:56} parallax {m.parallax:.3f}  {baselines}  [{m.data}]")
    return 0


def _print_cv(data: Path) -> int:
    """The experimental judge, out of fold: BABE words and BASIL even-event spans per threshold (``--cv``)."""
    from .loaded_judge import FOLDS, cv_curve, fitting_examples

    babe = load_babe(data / "babe")
    basil = load_basil(data / "basil")
    examples = fitting_examples(babe, basil)
    gold = {a.article.id: a.gold for a in basil}
    print(f"judge fitted on BABE + BASIL even events, {FOLDS}-fold cross-validation, hedges not counted")
    for threshold, kept in cv_curve(examples, (0.1, 0.2, 0.3, 0.4, 0.5)):
        words = score_words(
            [(e.article.text, spans, e.gold) for e, spans in zip(examples, kept, strict=True) if e.source == "babe"]
        )
        spans = score_spans(
            [
                (e.article.text, k, gold[e.article.id])
                for e, k in zip(examples, kept, strict=True)
                if e.source == "basil"
            ]
        )
        name = "lexicon alone" if threshold < 0 else f"threshold {threshold:.2f}"
        print(
            f"{name:16} BABE words P {words.precision:.3f} R {words.recall:.3f}  "
            f"BASIL even spans P {spans.span_precision:.3f} R {spans.span_recall:.3f} F1 {spans.span_f1:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
