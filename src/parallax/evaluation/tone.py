"""Tone toward entities measured against BASIL's bias annotations (``shared/data/basil``).

BASIL (Fan et al., EMNLP 2019): 50 events x Fox News, New York Times, HuffPost (here 150 articles, 2010-2014), whose
annotators marked spans of lexical and informational bias, each with its **target** (a person or organisation:
``Barack_Obama``, ``Senate_Republicans``), its **polarity** toward that target (``pos``/``neg``), its **aim**
(``dir``: the span speaks of the target itself) and whether it sits inside a quotation (``quote``). A gold item is
one (article, gold sentence, target) with ``aim: dir``, whose spans agree on the polarity, and whose target the
article names (so that either system can speak of it); its voice is ``quoted`` when its spans are quotations.

Systems, measured in the same run on the same articles (rebuilt from the gold sentences, annotated by the pipeline):

* **parallax**: the evaluations ``annotate.targets`` aims at the target inside the gold sentence; the item's
  predicted polarity is the sign of their summed scores (none: no prediction), in one voice;
* **sentence-sentiment** (baseline, the tone Parallax gave before): VADER's compound score, in the outlet's own
  voice (direct quotations removed), of the pipeline's sentence(s) overlapping the gold sentence that name the
  target; positive above +0.05, negative below -0.05 (VADER's own thresholds), otherwise no prediction.

Figures: polarity **precision** (right sign / items given a sign) and **recall** (right sign / all items), for the
outlet's own voice (gold ``quote: no``, predictions in the own voice) and for quoted opinions (gold ``quote: yes``,
Parallax's quoted voice; the baseline removes quotations, so it has no quoted figure); **voice agreement** (of the
items Parallax gives a sign, the share whose voice is BASIL's). 81% of BASIL's spans are negative, so the share of
negative items is given beside precision as what always saying "negative" would score.

Fitted: ``compare.tone.MIN_VALENCE`` (the smallest |valence| that counts), chosen on the 2010-2012 events by
F0.5 (precision weighted twice as much as recall) of the own-voice items (``--fit`` prints the candidates); every
figure below is on 2013-2014. ``--fast`` (the quality gate): the first 10 events of 2013-2014.

Per-outlet means: each system's mean own-voice tone per outlet over its (article, main entity) scores on the
reported years (Parallax: ``compare.tone.entity_tone`` on each event's three articles; baseline: the mean sentence
sentiment of the sentences naming the entity, as ``entity_tone`` computed it before), beside BASIL's own:
per outlet, (positive - negative) / all over its own-voice ``dir`` spans.

Run ``python -m parallax.evaluation.tone ../shared/data`` (``--fast``, ``--fit``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..models import AnnotatedArticle, Evaluation, Story
from . import Measurement
from .common import BASIL_OUTLETS
from .loaded_language import BasilArticle, load_basil

__all__ = ["GoldItem", "load_items", "run", "score"]

FIT_YEARS = ("2010", "2011", "2012")
TEST_YEARS = ("2013", "2014")
FAST_EVENTS = 10
CANDIDATES = (0.5, 1.0, 1.5, 2.0, 2.5)
VADER_NEUTRAL = 0.05  # VADER's documented neutral band for the compound score
_STOP = frozenset("the of and a an s campaign administration officials lawmakers program programs bill".split())
OUTLETS = BASIL_OUTLETS  # code -> the outlet's name, as load_basil names it


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One gold sentence's polarity toward one target in one article, in one voice."""

    article: str
    sentence: tuple[int, int]  # the gold sentence's character range in the rebuilt text
    target: str
    polarity: int  # +1 / -1
    voice: str  # "own" / "quoted"


@dataclass(frozen=True, slots=True)
class Event:
    """One BASIL event: its year and its three articles, annotated, with their outlets and gold items."""

    year: str
    articles: tuple[AnnotatedArticle, ...]
    outlets: dict[str, str]
    items: tuple[GoldItem, ...]
    spans: tuple[tuple[str, int], ...]  # (outlet, polarity) of every own-voice dir span, for BASIL's outlet means


def _target_words(name: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", name.lower().replace("_", " ")))
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words} - _STOP


def matches(target: str, entity: str) -> bool:
    """Whether a BASIL target ("Barack_Obama", "Senate_Republicans") is the entity Parallax names ("Obama")."""
    gold, ours = _target_words(target), _target_words(entity)
    return bool(gold & ours)


def load_items(item: BasilArticle) -> tuple[list[GoldItem], list[int]]:
    """The article's gold items (see the module docstring) and the polarity of each own-voice ``dir`` span."""
    path = Path(item.article.source)
    annotation = path.parent.parent.parent / "annotations" / path.parent.name / f"{path.stem}_ann.json"
    rows = json.loads(annotation.read_text(encoding="utf-8")).get("phrase-level-annotations", [])
    grouped: dict[tuple[int, str, str], set[int]] = {}
    spans: list[int] = []
    for row in rows:
        number = str(row["id"]).lstrip("p")
        if not number.isdigit():
            continue  # the headline's spans ("title"): the headline is not among the rebuilt sentences
        index = int(number)
        if row.get("aim") != "dir" or row.get("polarity") not in ("pos", "neg") or index >= len(item.sentences):
            continue
        polarity = 1 if row["polarity"] == "pos" else -1
        voice = "quoted" if row.get("quote") == "yes" else "own"
        grouped.setdefault((index, str(row["target"]), voice), set()).add(polarity)
        if voice == "own":
            spans.append(polarity)
    items = [
        GoldItem(item.article.id, (item.sentences[i].start, item.sentences[i].end), target, next(iter(p)), voice)
        for (i, target, voice), p in sorted(grouped.items())
        if len(p) == 1
    ]
    return items, spans


def load_events(basil: Path, years: Sequence[str], *, events: int | None = None) -> list[Event]:
    """BASIL's events of ``years`` (the first ``events`` of them), annotated once by the pipeline."""
    from ..annotate.nlp import annotate

    chosen = [a for a in load_basil(basil) if Path(a.article.source).parent.name in years]
    by_event: dict[str, list[BasilArticle]] = {}
    for a in chosen:
        by_event.setdefault(a.article.id.rsplit("_", 1)[0], []).append(a)
    keys = sorted(by_event, key=lambda k: (Path(by_event[k][0].article.source).parent.name, k))[:events]
    picked = [a for k in keys for a in by_event[k]]
    annotated = {a.id: a for a in annotate([a.article for a in picked])}
    out: list[Event] = []
    for key in keys:
        items: list[GoldItem] = []
        spans: list[tuple[str, int]] = []
        outlets: dict[str, str] = {}
        for a in by_event[key]:
            data = json.loads(Path(a.article.source).read_text(encoding="utf-8"))
            outlets[a.article.id] = str(data.get("source", ""))
            gold, polarities = load_items(a)
            items += gold
            spans += [(outlets[a.article.id], p) for p in polarities]
        year = Path(by_event[key][0].article.source).parent.name
        articles = tuple(annotated[a.article.id] for a in by_event[key])
        out.append(Event(year, articles, outlets, tuple(items), tuple(spans)))
    return out


def _named(article: AnnotatedArticle, target: str, lo: int, hi: int) -> bool:
    return any(matches(target, e.name) for e in article.entities if lo <= e.start < hi)


def predict(article: AnnotatedArticle, item: GoldItem, voice: str, min_valence: float) -> int:
    """Parallax's sign toward the item's target inside its gold sentence, in ``voice`` (0: none). BASIL's
    ``quote: no`` is Parallax's own and attributed voices (a reported "X slammed Y" is outside quotation marks)."""
    lo, hi = item.sentence
    total = sum(e.score for e in _aimed(article, item.target, lo, hi, voice, min_valence))
    return (total > 0) - (total < 0)


def _aimed(
    article: AnnotatedArticle, target: str, lo: int, hi: int, voice: str, min_valence: float
) -> Iterator[Evaluation]:
    for e in article.evaluations:
        wanted = e.voice == "quoted" if voice == "quoted" else e.voice != "quoted"
        if lo <= e.start < hi and wanted and abs(e.score) * 4 >= min_valence - 1e-9 and matches(target, e.entity):
            yield e


def baseline(article: AnnotatedArticle, item: GoldItem, tones: dict[int, tuple[float, int]]) -> int:
    """The sentence-sentiment sign: own-voice VADER of the pipeline's sentences overlapping the gold sentence that
    name the target (0: none, or within VADER's neutral band)."""
    lo, hi = item.sentence
    scores = [
        tones[s.index][0]
        for s in article.sentences
        if s.start < hi and s.end > lo and s.index in tones and _named(article, item.target, s.start, s.end)
    ]
    if not scores:
        return 0
    mean = sum(scores) / len(scores)
    return 1 if mean > VADER_NEUTRAL else -1 if mean < -VADER_NEUTRAL else 0


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    predicted: int
    items: int
    negative_share: float

    @property
    def f05(self) -> float:
        p, r = self.precision, self.recall
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


def _given(s: Score) -> str:
    """How many items a precision rests on, for the row's label: "8 given a sign", or "none given a sign: 0 means
    no prediction, not wrong ones"."""
    if s.predicted:
        return f"{s.predicted} given a sign"
    return "none given a sign: .000 means no prediction, not wrong ones"


def _score(pairs: Sequence[tuple[int, int]]) -> Score:
    """(predicted sign, gold sign) pairs -> precision and recall of the sign."""
    given = [(p, g) for p, g in pairs if p]
    right = sum(1 for p, g in given if p == g)
    negative = sum(1 for _, g in pairs if g < 0)
    return Score(
        right / len(given) if given else 0.0,
        right / len(pairs) if pairs else 0.0,
        len(given),
        len(pairs),
        negative / len(pairs) if pairs else 0.0,
    )


def score(events: Sequence[Event], *, min_valence: float) -> dict[str, Score]:
    """Parallax own-voice and quoted, the baseline own-voice, and Parallax's voice agreement, over ``events``."""
    from ..annotate.framing import sentence_tones

    own: list[tuple[int, int]] = []
    quoted: list[tuple[int, int]] = []
    base: list[tuple[int, int]] = []
    voice_pairs: list[tuple[int, int]] = []
    for event in events:
        by_id = {a.id: a for a in event.articles}
        tones = {a.id: sentence_tones(a.article, a.sentences) for a in event.articles}
        for item in event.items:
            article = by_id[item.article]
            if not any(matches(item.target, e.name) for e in article.entities):
                continue
            mine = predict(article, item, item.voice, min_valence)
            other = predict(article, item, "quoted" if item.voice == "own" else "own", min_valence)
            if item.voice == "own":
                own.append((mine, item.polarity))
                base.append((baseline(article, item, tones[item.article]), item.polarity))
            else:
                quoted.append((mine, item.polarity))
            if mine or other:
                voice_pairs.append((1 if mine else -1, 1))
    return {"own": _score(own), "quoted": _score(quoted), "baseline": _score(base), "voice": _score(voice_pairs)}


def outlet_means(events: Sequence[Event], *, min_valence: float) -> dict[str, dict[str, float]]:
    """Per outlet: Parallax's and the baseline's mean own-voice tone over (article, main entity), and BASIL's."""
    from ..annotate.framing import sentence_tones
    from ..compare.tone import canonical_names, entity_tone, main_entities

    ours: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    gold: dict[str, list[int]] = {}
    for event in events:
        story = Story(id=event.articles[0].id, articles=tuple(a.id for a in event.articles))
        for t in entity_tone(story, event.articles):
            if t.sentences:
                ours.setdefault(event.outlets[t.article_id], []).append(t.score)
        canonical = canonical_names(event.articles)
        entities = main_entities(event.articles)
        for a in event.articles:
            tones = sentence_tones(a.article, a.sentences)
            for entity in entities:
                named = {e.sentence for e in a.entities if canonical.get(e.name) == entity and e.sentence in tones}
                if named:
                    base.setdefault(event.outlets[a.id], []).append(sum(tones[i][0] for i in named) / len(named))
        for outlet, polarity in event.spans:
            gold.setdefault(outlet, []).append(polarity)
    del min_valence  # entity_tone applies compare.tone.MIN_VALENCE itself

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {
        outlet: {
            "parallax": mean(ours.get(outlet, [])),
            "sentence-sentiment": mean(base.get(outlet, [])),
            "basil": mean([float(p) for p in gold.get(outlet, [])]),
            "parallax_n": float(len(ours.get(outlet, []))),
        }
        for outlet in OUTLETS
    }


def fit(events: Sequence[Event]) -> tuple[float, dict[float, Score]]:
    """The candidate ``MIN_VALENCE`` with the best own-voice F0.5 on ``events`` (ties: the larger, more precise)."""
    scores = {c: score(events, min_valence=c)["own"] for c in CANDIDATES}
    best = max(scores, key=lambda c: (round(scores[c].f05, 6), c))
    return best, scores


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    """Own-voice and quoted polarity toward BASIL's targets on 2013-2014, beside the sentence-sentiment baseline."""
    from ..compare.tone import MIN_VALENCE

    events = load_events(Path(data) / "basil", TEST_YEARS, events=FAST_EVENTS if fast else None)
    return measurements(events, MIN_VALENCE, fast=fast)


def measurements(events: Sequence[Event], min_valence: float, *, fast: bool = False) -> list[Measurement]:
    scores = score(events, min_valence=min_valence)
    own, quoted, base, voice = scores["own"], scores["quoted"], scores["baseline"], scores["voice"]
    means = outlet_means(events, min_valence=min_valence)
    n_articles = sum(len(e.articles) for e in events)
    data = (
        f"basil 2013-2014: {len(events)} events, {n_articles} articles; {own.items} own-voice and {quoted.items} "
        f"quoted gold (sentence, target) items whose target the article names"
    )
    command = "python -m parallax.evaluation.tone ../shared/data" + (" --fast" if fast else "")
    task = "tone toward entities"
    split = f"MIN_VALENCE {min_valence:g} chosen on 2010-2012; reported on 2013-2014"
    prefix = "tone.basil"
    rows = [
        (
            f"own-voice polarity precision ({_given(own)})",
            own.precision,
            {"sentence-sentiment": base.precision, "always negative": own.negative_share},
            "precision",
        ),
        ("own-voice polarity recall", own.recall, {"sentence-sentiment": base.recall}, "recall"),
        (
            f"quoted-opinion polarity precision ({_given(quoted)})",
            quoted.precision,
            {"always negative": quoted.negative_share},
            "quoted_precision",
        ),
        ("quoted-opinion polarity recall", quoted.recall, {}, "quoted_recall"),
        ("voice agreement (own vs quoted) on items given a polarity", voice.precision, {}, "voice_agreement"),
    ]
    out = [
        Measurement(
            task=task,
            data=data,
            measure=measure,
            parallax=round(value, 3),
            baselines={k: round(v, 3) for k, v in baselines.items()},
            anchor="no published figure for BASIL target polarity",
            command=command,
            name=f"{prefix}.{key}",
            notes=f"tone: {split}; items with a predicted sign: parallax {own.predicted} own / {quoted.predicted} "
            f"quoted, sentence-sentiment {base.predicted} own.",
        )
        for measure, value, baselines, key in rows
    ]
    for outlet, label in OUTLETS.items():
        m = means[outlet]
        out.append(
            Measurement(
                task=task,
                data=data,
                measure=f"mean own-voice tone, {label}, over {m['parallax_n']:.0f} (article, entity) scores "
                f"(BASIL's own: {m['basil']:+.2f})",
                parallax=round(m["parallax"], 3),
                baselines={"sentence-sentiment": round(m["sentence-sentiment"], 3)},
                anchor="BASIL (pos - neg) / spans, own voice",
                command=command,
                notes="tone: per-outlet means are over (article, main entity) pairs with an own-voice score; BASIL's "
                "over its own-voice dir spans.",
            )
        )
    return out


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    data = Path(args[0]) if args else Path("../shared/data")
    if not (data / "basil" / "articles").is_dir():
        print(f"{data}/basil/articles: not found; pass the shared data folder (e.g. ../shared/data)", file=sys.stderr)
        return 1
    if "--fit" in argv:
        best, scores = fit(load_events(data / "basil", FIT_YEARS))
        for c, s in scores.items():
            print(
                f"MIN_VALENCE {c:<4g} own-voice P {s.precision:.3f} R {s.recall:.3f} F0.5 {s.f05:.3f} ({s.predicted})"
            )
        print(f"best on {'-'.join((FIT_YEARS[0], FIT_YEARS[-1]))}: {best:g}")
        return 0
    for m in run(data, fast="--fast" in argv):
        baselines = ", ".join(f"{k} {v:.3f}" for k, v in m.baselines.items())
        print(f"{m.measure:60} parallax {m.parallax:+.3f}  {baselines}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
