"""Article similarity on SemEval-2022 Task 8 (multilingual news article similarity), its English-English pairs.

Each pair has a gold ``Overall`` from 1 (very similar: the same event) to 4 (very dissimilar), averaged over
annotators; the texts are truncated (~1 KB). Scored with Pearson's r between a system's score and ``-Overall``
(the sign that makes similar = high, so a good system scores positive).

Parallax: :func:`parallax.group.evidence.text_similarity`, the cosine of the sentence encoder's embeddings of the two
texts (no fitted constant). Also reported: :func:`parallax.group.evidence.pair_similarity`, the combined evidence that
story clustering cuts (lead embedding, names, static word rarity, minus the "strangers" and time penalties), whose
constants were calibrated on ECB+ to separate events, not to grade similarity. Baseline: TF-IDF cosine
(scikit-learn defaults, IDF over the pairs' texts). Anchors: the task winner's 0.818 over all languages (not English
alone); TF-IDF cosine 0.73.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..embed import get_encoder
from ..models import Article
from . import Measurement
from .common import annotate_all, pearson, tfidf_cosine

__all__ = ["run"]

FAST_PAIRS = 60  # the quality gate's subset: the first pairs of the file
TASK = "article similarity"
ANCHOR = "winner .818 (all languages); TF-IDF cosine .73"
GOAL = ">= .85"


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    from ..group.evidence import pair_similarity, text_similarity

    lines = (data / "semeval2022" / "training_set.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    rows = [r for r in rows if r.get("lang1") == "en" and r.get("lang2") == "en"]
    if fast:
        rows = rows[:FAST_PAIRS]
    gold = [-float(r["Overall"]) for r in rows]
    texts = [" ".join(str(r[side]).split()) for r in rows for side in ("text1", "text2")]
    articles = [Article(id=f"{n // 2}-{n % 2}", source="semeval2022", text=t) for n, t in enumerate(texts)]
    embedded = text_similarity(articles)
    ours = [float(embedded[2 * i, 2 * i + 1]) for i in range(len(rows))]
    embedded_static = text_similarity(articles, encoder=get_encoder("static"))
    ours_static = [float(embedded_static[2 * i, 2 * i + 1]) for i in range(len(rows))]
    combined = pair_similarity(annotate_all(articles))
    evidence = [float(combined[2 * i, 2 * i + 1]) for i in range(len(rows))]
    tfidf = tfidf_cosine(texts)
    baseline = [float(tfidf[2 * i, 2 * i + 1]) for i in range(len(rows))]
    described = f"semeval2022: {len(rows)} English pairs, gold Overall 1 (same) .. 4" + (
        " (fast subset)" if fast else ""
    )
    command = "python -m parallax.evaluation --only similarity" + (" --fast" if fast else "")
    return [
        Measurement(
            task=TASK,
            data=described,
            measure="Pearson r with -Overall (text_similarity)",
            parallax=pearson(ours, gold),
            baselines={"TF-IDF cosine": pearson(baseline, gold)},
            anchor=ANCHOR,
            goal=GOAL,
            command=command,
            name="similarity.semeval2022.pearson",
            notes="Similarity: group.evidence.text_similarity (encoder cosine of title + text, no fitted constant) is "
            "the graded score; group.evidence.pair_similarity (the story-cutting evidence, constants calibrated on "
            "ECB+ to separate events on one topic, with time and strangers penalties) is reported beside it.",
        ),
        Measurement(
            task=TASK,
            data=described,
            measure="Pearson r with -Overall (pair_similarity, clustering evidence)",
            parallax=pearson(evidence, gold),
            baselines={"TF-IDF cosine": pearson(baseline, gold)},
            anchor="",
            goal="",
            command=command,
            name="similarity.semeval2022.pearson_clustering_evidence",
        ),
        Measurement(
            task=TASK,
            data=described,
            measure="Pearson r with -Overall (text_similarity, static encoder)",
            parallax=pearson(ours_static, gold),
            baselines={"TF-IDF cosine": pearson(baseline, gold)},
            anchor="",
            goal="",
            command=command,
            name="similarity.semeval2022.pearson_static",
        ),
    ]
