"""Quotes and their speakers on the GenderGapTracker quote set (``quotes_ggt``: Canadian news articles with every
quote, its speaker and its verb annotated by the SFU Discourse Lab, character offsets).

Scored as GenderGapTracker's ``NLP/evaluation/src/eval/evaluate_quotes.py`` (commit fe82ba2) scores, reimplemented
here with the same definitions:

* a predicted quote matches a gold quote when the share of the gold span's characters it covers,
  ``|gold ∩ predicted| / |gold|``, is above the threshold (0.3 and 0.8); gold quotes are taken in order and each
  takes the best-covering prediction still unmatched; unmatched gold quotes are false negatives, unmatched
  predictions false positives; precision, recall and F1 are pooled over all articles;
* speaker accuracy is over the matched quotes: the predicted speaker span overlaps the gold speaker span, or the
  gold quote has no speaker (a "floating" quote, which the annotators leave to the one before) and the prediction
  is marked floating too.

A floating prediction is a direct quote without an attribution of its own (Parallax: ``cue`` is ``None``; the
regex baseline: no speech verb next to it), as GenderGapTracker's own extractor marks its floating quotes. Quote
spans include their quotation marks, as the gold ones do. The gold is flat (one span per statement), so quoted words
that Parallax also returns inside a reported statement (a direct quote nested in a reported one) are not counted
a second time.

The gold offsets index GenderGapTracker's preprocessed text (line breaks turned into ``".\\n "``, curly double
quotes made straight); the released ``articleBodyText`` is not always that text, so each gold quote is located in
the released text (the occurrence of its words nearest the gold offset, curly and straight quotes alike) and its
speaker is moved with it. Parallax reads the released text as it is. One record has its id in place of its body:
its quotes cannot be found by anyone and it is left out (reported in the ``data`` field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..models import AnnotatedArticle, Article
from . import Measurement

__all__ = ["GgtQuote", "Scores", "load", "parallax_quotes", "regex_quotes", "run", "score"]

THRESHOLDS = (0.3, 0.8)  # evaluate_quotes.py's QUOTE_MATCH_THRESHOLDS
FAST_ARTICLES = 12  # the quality gate's subset: the first articles of the file
MIN_BODY_WORDS = 20  # a body shorter than this is not an article (one record holds only its id)

TASK = "quotes and speakers"
COMMAND = "make eval (parallax.evaluation.quotes)"

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class GgtQuote:
    """One quote as evaluate_quotes.py reads it: spans are (start, end) character offsets or ``None``."""

    quote: Span | None
    speaker: Span | None
    speaker_text: str = ""
    floating: bool = False


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    quotes: tuple[GgtQuote, ...]


@dataclass(frozen=True, slots=True)
class Scores:
    """Pooled counts of one system at one threshold."""

    true_positive: int
    false_positive: int
    false_negative: int
    speaker_match: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positive + self.false_negative
        return self.true_positive / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_match / self.true_positive if self.true_positive else 0.0


# --- scoring (evaluate_quotes.py) ---------------------------------------------------------------------------------


def _coverage(reference: Span | None, other: Span | None) -> float:
    """``calc_index_match_score``: the share of ``reference``'s characters that ``other`` covers."""
    if reference is None or other is None:
        return 0.0
    length = reference[1] - reference[0]
    if length <= 0 or other[1] <= other[0]:
        return 0.0
    return max(0, min(reference[1], other[1]) - max(reference[0], other[0])) / length


def _speaker_match(gold: GgtQuote, predicted: GgtQuote) -> bool:
    return _coverage(gold.speaker, predicted.speaker) > 0 or (predicted.floating and not gold.speaker_text.strip())


def score_article(gold: Sequence[GgtQuote], predicted: Sequence[GgtQuote], threshold: float) -> Scores:
    """``compare_res`` for one article: gold quotes in order, each taking the unmatched prediction that covers it
    best (strictly above ``threshold``; the first one on a tie)."""
    remaining = list(predicted)
    tp = fn = speakers = 0
    for quote in gold:
        best, best_score = -1, 0.0
        for i, candidate in enumerate(remaining):
            value = _coverage(quote.quote, candidate.quote)
            if value > threshold and value > best_score:
                best, best_score = i, value
        if best < 0:
            fn += 1
            continue
        tp += 1
        speakers += _speaker_match(quote, remaining[best])
        # evaluate_quotes.py drops every prediction equal to the best one (identical records are one quote)
        chosen = remaining[best]
        remaining = [q for q in remaining if q != chosen]
    return Scores(tp, len(remaining), fn, speakers)


def score(articles: Sequence[GoldArticle], predictions: Mapping[str, Sequence[GgtQuote]], threshold: float) -> Scores:
    """Counts pooled over articles, as ``print_results`` pools them."""
    total = Scores(0, 0, 0, 0)
    for article in articles:
        s = score_article(article.quotes, predictions.get(article.id, ()), threshold)
        total = Scores(
            total.true_positive + s.true_positive,
            total.false_positive + s.false_positive,
            total.false_negative + s.false_negative,
            total.speaker_match + s.speaker_match,
        )
    return total


# --- gold ---------------------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"“": '"', "”": '"', "〝": '"', "〞": '"', "\xa0": " "})


def _fold(text: str) -> str:
    """Same length, curly double quotes straight: how GenderGapTracker's preprocessing compares."""
    return text.translate(_FOLD)


def _span(index: str) -> Span | None:
    """``get_index``: "(12,40)" -> (12, 40), anything else None."""
    parts = [p.strip() for p in index.replace("(", "").replace(")", "").strip().split(",")]
    try:
        numbers = [int(p) for p in parts if p]
    except ValueError:
        return None
    return (numbers[0], numbers[1]) if len(numbers) == 2 else None


def _locate(text: str, words: str, near: int) -> int | None:
    """Start of the occurrence of ``words`` in ``text`` nearest ``near`` (both folded)."""
    words = _fold(words).strip()
    if not words:
        return None
    hits = [m.start() for m in re.finditer(re.escape(words), text)]
    return min(hits, key=lambda h: abs(h - near)) if hits else None


def _realign(text: str, raw: dict[str, str], shift: int) -> tuple[GgtQuote, int] | None:
    folded = _fold(text)
    quote = _span(raw.get("quote_index", ""))
    if quote is None:
        return None
    quote = (quote[0] + shift, quote[1] + shift)  # moved as the quote before it was
    words = raw.get("quote", "")
    if words.strip() and folded[quote[0] : quote[1]] != _fold(words):
        start = _locate(folded, words, quote[0])
        if start is None:
            return None
        shift += start - quote[0]
        quote = (start, start + len(_fold(words).strip()))
    speaker = _span(raw.get("speaker_index", ""))
    name = raw.get("speaker", "")
    if speaker is not None and name.strip():
        moved = (speaker[0] + shift, speaker[1] + shift)
        if folded[moved[0] : moved[1]] != _fold(name):
            at = _locate(folded, name, moved[0])
            moved = (at, at + len(_fold(name).strip())) if at is not None else moved
        speaker = moved
    return GgtQuote(quote, speaker, name, bool(raw.get("is_floating_quote"))), shift


def load(data: Path, *, fast: bool = False) -> tuple[list[GoldArticle], int, int]:
    """The gold articles with their quotes placed in the released text; also how many gold quotes could not be
    placed and how many records were left out for having no body."""
    lines = (data / "quotes_ggt" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    articles: list[GoldArticle] = []
    lost = skipped = 0
    for line in lines[:FAST_ARTICLES] if fast else lines:
        record = json.loads(line)
        text = record.get("articleBodyText") or ""
        if len(text.split()) < MIN_BODY_WORDS:
            skipped += 1
            continue
        quotes: list[GgtQuote] = []
        shift = 0
        for raw in json.loads(record.get("quotations") or "[]"):
            placed = _realign(text, raw, shift)
            if placed is None:
                lost += 1
                continue
            quote, shift = placed
            quotes.append(quote)
        articles.append(GoldArticle(str(record.get("_id", len(articles))), text, tuple(quotes)))
    return articles, lost, skipped


# --- systems ------------------------------------------------------------------------------------------------------

_MARKS = "\"“”„«»‘’'"


def _with_marks(text: str, start: int, end: int) -> Span:
    """A direct quote's span with its quotation marks (and the comma before a closing mark), as the gold has it."""
    if start > 0 and text[start - 1] in _MARKS:
        start -= 1
    if end < len(text) and text[end] in ",." and end + 1 < len(text) and text[end + 1] in _MARKS:
        end += 1
    if end < len(text) and text[end] in _MARKS:
        end += 1
    return start, end


def parallax_quotes(annotated: AnnotatedArticle) -> list[GgtQuote]:
    """Parallax's quotes of one article in the scorer's form."""
    text = annotated.article.text
    reported = [(q.start, q.end) for q in annotated.quotes if q.kind == "reported"]
    out = []
    for q in annotated.quotes:
        if q.kind == "direct" and any(a <= q.start and q.end <= b for a, b in reported):
            continue  # quoted words inside a reported statement: one quote in the gold's flat scheme
        span = _with_marks(text, q.start, q.end) if q.kind == "direct" else (q.start, q.end)
        has_speaker = q.speaker_start is not None and q.speaker_end is not None and q.cue is not None
        speaker = (q.speaker_start or 0, q.speaker_end or 0) if has_speaker else None
        out.append(GgtQuote(span, speaker, q.speaker or "", floating=q.kind == "direct" and q.cue is None))
    return out


_VERBS = (
    "said|says|told|tells|added|adds|stated|explained|wrote|writes|noted|argued|insisted|warned|asked|"
    "announced|claimed|according to"
)
# Words and the white space between them are bounded ({1,40}, {1,10}): unbounded, a run of capitals or of spaces
# was rescanned from each of its characters (quadratic; tests/test_regex_audit.py).
_NAME = r"(?:[A-Z][\w'’.-]{1,40}(?:\s{1,10}[A-Z][\w'’.-]{1,40}){0,3}|[Hh]e|[Ss]he|[Tt]hey|[Tt]he\s{1,10}\w{1,40})"
_DIRECT = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")
_AFTER = re.compile(
    rf"\s{{0,10}}(?:(?P<v1>{_VERBS})\s{{1,10}}(?P<n1>{_NAME})|(?P<n2>{_NAME})\s{{1,10}}(?P<v2>{_VERBS}))\b"
)
_BEFORE = re.compile(rf"(?P<n>{_NAME})\s{{1,10}}(?:{_VERBS})[,:]?\s*$")
_REPORTED = re.compile(rf"(?P<n>{_NAME})\s{{1,10}}(?:{_VERBS})\s{{1,10}}(?:that\s{{1,10}})?(?P<q>[^.\n\"“”]{{15,}})")
REGEX_MIN_WORDS = 4  # a shorter quoted span is a title or a scare quote


def regex_quotes(text: str) -> list[GgtQuote]:
    """The regex baseline: quoted spans of at least ``REGEX_MIN_WORDS`` words with "X said" / "said X" right
    after or "X said:" right before, on the same line; and "X said (that) ..." up to the end of the sentence."""
    out: list[GgtQuote] = []
    taken: list[Span] = []
    for m in _DIRECT.finditer(text):
        if len(m.group(1).split()) < REGEX_MIN_WORDS:
            continue
        line_end = text.find("\n", m.end())
        after = _AFTER.match(text, m.end(), line_end if line_end >= 0 else len(text))
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = _BEFORE.search(text[line_start : m.start()])
        speaker: Span | None = None
        if after is not None:
            group = "n1" if after.group("n1") else "n2"
            speaker = (after.start(group), after.end(group))
        elif before is not None:
            speaker = (line_start + before.start("n"), line_start + before.end("n"))
        out.append(GgtQuote((m.start(), m.end()), speaker, "", floating=speaker is None))
        taken.append((m.start(), m.end()))
    for m in _REPORTED.finditer(text):
        if any(a <= m.start("q") < b for a, b in taken):
            continue
        out.append(GgtQuote((m.start("q"), m.end("q")), (m.start("n"), m.end("n")), ""))
    return sorted(out, key=lambda q: q.quote or (0, 0))


def _annotate(articles: Sequence[GoldArticle]) -> Iterable[AnnotatedArticle]:
    from ..annotate.nlp import annotate

    return annotate(Article(id=a.id, source=f"quotes_ggt#{a.id}", text=a.text) for a in articles)


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    """Quote F1 at 0.3 and 0.8 overlap and speaker accuracy (at 0.3) for Parallax and the regex baseline."""
    articles, lost, skipped = load(data, fast=fast)
    predictions = {a.id: parallax_quotes(a) for a in _annotate(articles)}
    baseline = {a.id: regex_quotes(a.text) for a in articles}
    n_quotes = sum(len(a.quotes) for a in articles)
    described = f"quotes_ggt: {len(articles)} articles, {n_quotes} gold quotes"
    if skipped or lost:
        described += f" ({skipped} record without body text left out, {lost} gold quotes not found in the text)"
    measures: list[tuple[str, Callable[[Scores], float], str, str]] = [
        ("quote F1 @0.3", lambda s: s.f1, "GenderGapTracker 83.7", ">= 88"),
        ("quote F1 @0.8", lambda s: s.f1, "GenderGapTracker 76.1", ">= 80"),
        ("speaker accuracy @0.3", lambda s: s.speaker_accuracy, "GenderGapTracker 86.5", ">= 90"),
    ]
    out = []
    for k, (measure, value, anchor, goal) in enumerate(measures):
        threshold = THRESHOLDS[1] if k == 1 else THRESHOLDS[0]
        ours = score(articles, predictions, threshold)
        theirs = score(articles, baseline, threshold)
        out.append(
            Measurement(
                task=TASK,
                data=described + (" (fast subset)" if fast else ""),
                measure=measure,
                parallax=round(100 * value(ours), 1),
                baselines={"regex": round(100 * value(theirs), 1)},
                anchor=anchor,
                goal=goal,
                command=COMMAND,
            )
        )
    if not fast and (data / "basil" / "annotations").is_dir():
        out.append(basil_speakers(data))
    return out


# BASIL speaker precision: the named people BASIL's annotators give as the speakers of its quote spans (one person:
# "Rick_Perry"; not groups, campaigns or "other_*"), against the speaker Parallax gives a quote overlapping the span.
# The speaker rules were written reading 2010-2014 speakers; the split below is only a time split.
BASIL_YEARS = range(2013, 2015)
_GROUP_WORDS = ("campaign", "lawmakers", "officials", "party", "democrats", "republicans", "companies", "and_")


def _surname(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z'’-]+", name) if w.lower().rstrip(".") not in ("jr", "sr", "ii", "iii")]
    return words[-1].lower() if words else ""


def _year(published: str | None) -> int:
    return int(published[:4]) if published and published[:4].isdigit() else 0


def basil_speakers(data: Path, years: range = BASIL_YEARS) -> Measurement:
    """Speaker precision on BASIL's quote annotations of ``years``: of the annotated quotes (a named person
    speaking) that Parallax finds with a speaker, the share whose speaker is that person (by surname); baseline: the
    nearest PERSON entity before the quote in its sentence."""
    from ..annotate.nlp import annotate
    from .clustering import load_basil

    corpus = load_basil(data)
    wanted = {p.name.removesuffix("_ann.json"): p for p in (data / "basil" / "annotations").glob("*/*_ann.json")}
    articles = [a for a in corpus.articles if _year(a.published) in years]
    right = wrong = base_right = base_wrong = spans = 0
    for annotated in annotate(a for a in articles if a.id in wanted):
        gold = json.loads(wanted[annotated.id].read_text(encoding="utf-8"))
        text = annotated.article.text
        for item in gold.get("phrase-level-annotations", ()):
            speaker = str(item.get("speaker", ""))
            if item.get("quote") != "yes" or "_" not in speaker or speaker.startswith("other_"):
                continue
            if not speaker[:1].isupper() or any(w in speaker.lower() for w in _GROUP_WORDS):
                continue
            start = text.find(str(item["txt"]).strip('“”"'))
            if start < 0:
                continue
            spans += 1
            end = start + len(str(item["txt"]))
            ours = [q for q in annotated.quotes if q.speaker and q.start < end and q.end > start]
            expected = _surname(speaker.replace("_", " "))
            if ours:
                best = max(ours, key=lambda q: min(q.end, end) - max(q.start, start))
                right, wrong = (
                    right + (_surname(best.speaker or "") == expected),
                    wrong + (_surname(best.speaker or "") != expected),
                )
            sentence = next((x for x in annotated.sentences if x.start <= start < x.end), None)
            people = [e for e in annotated.entities if e.label == "PERSON" and sentence and sentence.start <= e.start]
            people = [e for e in people if e.start < start] or people
            if people:
                near = min(people, key=lambda e: abs(e.start - start))
                base_right += _surname(near.name) == expected
                base_wrong += _surname(near.name) != expected
    return Measurement(
        task=TASK,
        data=f"basil {years.start}-{years.stop - 1}: {len(articles)} articles, {spans} quote spans a named person "
        f"speaks (BASIL annotations); Parallax gives {right + wrong} a speaker",
        measure="speaker precision (BASIL)",
        parallax=round(100 * right / max(1, right + wrong), 1),
        baselines={"nearest PERSON in the sentence": round(100 * base_right / max(1, base_right + base_wrong), 1)},
        goal="",
        command=COMMAND,
        notes="Held out by time only: the speaker rules were written reading speakers of every BASIL year.",
    )
