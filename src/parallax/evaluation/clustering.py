"""Story clustering on BASIL (50 events x 3 outlets) and ECB+ (40 events inside 20 topics, two per topic).

Gold: BASIL's ``triplet-uuid`` (one event reported by Fox News, the New York Times and HuffPost, dated) and ECB+'s
``event`` (topic + ecb/ecbplus sub-corpus: two different events on one topic, undated). Scored with BCubed and
pairwise precision / recall / F1 (see :mod:`parallax.evaluation.common`).

Parallax: :func:`parallax.group.batch.group_stories` on the articles annotated by the pipeline (title and body), with
its constants as committed (calibrated on ECB+, see group/evidence.py; BASIL is reported, not fitted).
Baseline: TF-IDF (scikit-learn defaults) + average-linkage clustering on cosine distance. Its threshold is chosen
on the *other* data set (the best BCubed F1 there), which is how it would be used on unseen data; the figure at the
threshold that is best on the data itself is reported beside it, as an upper bound that flatters it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embed import Encoder, get_encoder
from ..models import AnnotatedArticle, Article
from . import Measurement
from .common import BASIL_OUTLETS, PRF, annotate_all, average_linkage, bcubed, best_threshold, pairwise, tfidf_cosine

__all__ = ["Corpus", "load_basil", "load_ecbplus", "run"]

FAST_EVENTS = {"basil": 12, "ecbplus": 10}  # the quality gate's subset: the first events (BASIL) or topics (ECB+)
TASK = "story clustering"
ANCHORS = {
    "basil": "TF-IDF average linkage, best threshold: .962",
    "ecbplus": "TF-IDF average linkage, best threshold: .876",
}
GOALS = {"basil": ">= .99", "ecbplus": ">= .95"}
NOTES = {
    "basil": "BASIL: Parallax's clustering constants were calibrated on ECB+ (all 446 docs); BASIL is held out. Its "
    "one error merges two successive events of one week (an election upset and the leadership race it opened, six "
    "articles): both events' articles are about the same central politicians, so the 'unshared' penalty fires "
    "only in part. A cut of 0.10 splits them (BASIL BCubed F1 1.0) but costs ECB+ 0.006 (the calibration picked 0.08).",
    "ecbplus": "ECB+: the calibration set (weights, threshold, penalties: grid in evidence.py). The 'unshared' penalty "
    "(salient names the other article never mentions) took it from .918 to .932. What stands in the way of .95: in "
    "a few topics the two events share the people, places and wording (a second offer to the same player, the same "
    "rule made and then reversed), so their average similarity across the two events is within a few hundredths of "
    "that inside one event; tried without gain: a text embedding of the whole window in place of the lead, a "
    "mentioned-year penalty, other weights.",
}
TASKS = {"basil": "story clustering", "ecbplus": "event vs topic"}


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    described: str
    articles: tuple[Article, ...]
    gold: tuple[str, ...]


def load_basil(data: Path, *, events: int | None = None) -> Corpus:
    """BASIL's articles (title, paragraphs, date, outlet) with their triplet as gold; the first ``events`` triplets
    (by the order of their first article's file) when given."""
    articles: list[Article] = []
    gold: list[str] = []
    kept: list[str] = []
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        triplet = str(record["triplet-uuid"])
        if triplet not in kept:
            if events is not None and len(kept) >= events:
                continue
            kept.append(triplet)
        paragraphs = [" ".join(p).strip() if isinstance(p, list) else str(p).strip() for p in _paragraphs(record)]
        text = "\n\n".join(p for p in paragraphs if p)
        articles.append(
            Article(
                id=path.stem,
                source=str(path),
                text=text,
                title=record.get("title") or None,
                published=record.get("date") or None,
                outlet=_basil_outlet(record.get("source")),
            )
        )
        gold.append(triplet)
    described = f"basil: {len(articles)} articles, {len(kept)} events (triplet-uuid)"
    return Corpus("basil", described, tuple(articles), tuple(gold))


def _basil_outlet(code: object) -> str | None:
    """BASIL's outlet code ("fox", "HPO") as the outlet's name; another value as it is."""
    if not code:
        return None
    return BASIL_OUTLETS.get(str(code).lower(), str(code))


def _paragraphs(record: dict[str, object]) -> list[object]:
    value = record.get("body-paragraphs") or []
    if isinstance(value, str):  # some releases store the list as its Python repr
        import ast

        value = ast.literal_eval(value)
    return list(value) if isinstance(value, list) else []


def load_ecbplus(data: Path, *, topics: int | None = None) -> Corpus:
    """ECB+ documents (title + text) with their event as gold; the first ``topics`` topics (by number) when given."""
    rows = [
        json.loads(line)
        for line in (data / "ecbplus" / "docs.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    numbers = sorted({int(r["topic"]) for r in rows})
    keep = set(numbers[:topics]) if topics is not None else set(numbers)
    rows = [r for r in rows if int(r["topic"]) in keep]
    articles = tuple(
        Article(id=str(r["id"]), source=f"ecbplus/docs.jsonl#{r['id']}", text=str(r["text"]), title=r.get("title"))
        for r in rows
    )
    gold = tuple(str(r["event"]) for r in rows)
    described = f"ecbplus: {len(rows)} docs, {len(set(gold))} events inside {len(keep)} topics"
    return Corpus("ecbplus", described, articles, gold)


def _bcubed_f1(labels: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    return bcubed(labels, gold).f1


def _parallax_labels(
    corpus: Corpus, annotated: Sequence[AnnotatedArticle], encoder: Encoder | None = None
) -> list[int]:
    from ..group.batch import group_stories

    stories = group_stories(annotated, encoder=encoder)
    story_of = {aid: n for n, story in enumerate(stories) for aid in story.articles}
    return [story_of[a.id] for a in corpus.articles]


CV_PENALTIES = tuple(round(0.1 + 0.05 * k, 2) for k in range(11))  # UNSHARED_PENALTY 0.1 .. 0.6
CV_THRESHOLDS = tuple(round(0.04 + 0.01 * k, 2) for k in range(17))  # THRESHOLD 0.04 .. 0.20
CV_PLATEAU = 0.02  # a setting scores the mean BCubed F1 over its threshold +- this (a plateau, not a spike)


def _topic(event: str) -> int:
    match = re.match(r"\d+", event)
    return int(match.group()) if match else 0


def held_out_halves(corpus: Corpus, annotated: Sequence[AnnotatedArticle]) -> tuple[float, list[str]]:
    """ECB+ BCubed F1 with UNSHARED_PENALTY and THRESHOLD fitted on half of the topics (alternate topic numbers) and
    scored on the other half, both ways: the mean of the two held-out figures, and a line per direction."""
    from ..group.evidence import all_pairs, article_profile, combine
    from ..group.linkage import cluster_vectors

    evidence = all_pairs([article_profile(a, i) for i, a in enumerate(annotated)])
    topics = sorted({_topic(g) for g in corpus.gold})
    halves = (set(topics[0::2]), set(topics[1::2]))
    matrices = {
        p: combine(
            evidence.lead,
            evidence.names,
            evidence.words,
            evidence.strangers,
            evidence.unshared,
            evidence.time,
            unshared_penalty=p,
        )
        for p in CV_PENALTIES
    }

    def score(rows: list[int], penalty: float, threshold: float) -> float:
        block = matrices[penalty][np.ix_(rows, rows)]
        return bcubed(cluster_vectors(block, threshold), [corpus.gold[i] for i in rows]).f1

    figures, lines = [], []
    for fit, report in ((0, 1), (1, 0)):
        fit_rows = [i for i, g in enumerate(corpus.gold) if _topic(g) in halves[fit]]
        report_rows = [i for i, g in enumerate(corpus.gold) if _topic(g) in halves[report]]
        smoothed = {
            (p, t): float(np.mean([score(fit_rows, p, round(t + d, 2)) for d in (-CV_PLATEAU, 0.0, CV_PLATEAU)]))
            for p in CV_PENALTIES
            for t in CV_THRESHOLDS
        }
        penalty, threshold = max(smoothed, key=lambda key: (smoothed[key], -key[0], -key[1]))
        held = score(report_rows, penalty, threshold)
        figures.append(held)
        lines.append(
            f"fitted on topics {sorted(halves[fit])} (penalty {penalty}, cut {threshold}): held-out BCubed F1 "
            f"{held:.3f} on topics {sorted(halves[report])}"
        )
    return float(np.mean(figures)), lines


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    corpora = [
        load_basil(data, events=FAST_EVENTS["basil"] if fast else None),
        load_ecbplus(data, topics=FAST_EVENTS["ecbplus"] if fast else None),
    ]
    tfidf = {c.name: tfidf_cosine([f"{a.title or ''}\n\n{a.text}" for a in c.articles]) for c in corpora}
    best = {c.name: best_threshold(tfidf[c.name], c.gold, _bcubed_f1) for c in corpora}
    command = "python -m parallax.evaluation --only clustering" + (" --fast" if fast else "")
    measurements: list[Measurement] = []
    for corpus in corpora:
        other = next(c.name for c in corpora if c.name != corpus.name)
        threshold = best[other][0]
        baseline = average_linkage(tfidf[corpus.name], threshold)
        at_best = average_linkage(tfidf[corpus.name], best[corpus.name][0])
        annotated = annotate_all(corpus.articles)
        ours = _parallax_labels(corpus, annotated)
        ours_static = _parallax_labels(corpus, annotated, get_encoder("static"))
        scores: dict[str, tuple[PRF, PRF, PRF]] = {
            measure: (fn(ours, corpus.gold), fn(baseline, corpus.gold), fn(at_best, corpus.gold))
            for measure, fn in (("BCubed", bcubed), ("pairwise", pairwise))
        }
        described = corpus.described + (" (fast subset)" if fast else "")
        for measure, (mine, theirs, flattered) in scores.items():
            for part in ("precision", "recall", "f1"):
                is_goal = measure == "BCubed" and part == "f1"
                measurements.append(
                    Measurement(
                        task=TASKS[corpus.name],
                        data=described,
                        measure=f"{measure} {'F1' if part == 'f1' else part}",
                        parallax=getattr(mine, part),
                        baselines={
                            f"TF-IDF avg-link @{threshold:.2f} (best on {other})": getattr(theirs, part),
                            f"TF-IDF avg-link @{best[corpus.name][0]:.2f} (best here)": getattr(flattered, part),
                        },
                        anchor=ANCHORS[corpus.name] if is_goal else "",
                        goal=GOALS[corpus.name] if is_goal else "",
                        command=command,
                        name=f"clustering.{corpus.name}.{measure.lower()}_{part}",
                        notes=NOTES[corpus.name] if is_goal else "",
                    )
                )
        if corpus.name == "ecbplus":
            held, lines = held_out_halves(corpus, annotated)
            measurements.append(
                Measurement(
                    task=TASKS[corpus.name],
                    data=described,
                    measure="BCubed F1, held-out half (constants fitted on the other half of the topics)",
                    parallax=held,
                    baselines={},
                    anchor="",
                    goal=">= .90",
                    command=command,
                    name="clustering.ecbplus.bcubed_f1_held_out",
                    notes="ECB+ cross-validation over topics: UNSHARED_PENALTY and THRESHOLD fitted on alternate "
                    "topics, scored on the others, both ways (the figure is the mean): " + "; ".join(lines) + ".",
                )
            )
        measurements.append(
            Measurement(
                task=TASKS[corpus.name],
                data=described,
                measure="BCubed F1, static encoder (--encoder static)",
                parallax=bcubed(ours_static, corpus.gold).f1,
                baselines={},
                anchor="",
                goal="",
                command=command,
                name=f"clustering.{corpus.name}.bcubed_f1_static",
                notes="The same grouping with lead vectors from the static table distilled from MiniLM "
                "(static_embed.py), the encoder for large batches; constants unchanged.",
            )
        )
    return measurements
