"""Story summaries on Multi-News (``multinews``: news clusters from the Multi-News test set, each with the human
summary written for the whole cluster).

Each cluster is one story: its documents go through the pipeline as ``parallax analyze`` runs it (extraction of
the plain text, annotation, copies, fact alignment, the summary), with the grouping step skipped because the
cluster is given. The summary's sentences are joined in the order the summary gives them and cut at the
reference's word count ("at reference length"), so that no system gains recall by being longer. Scored with
``rouge-score`` (Google's reimplementation of ROUGE-1.5.5): ROUGE-1, ROUGE-2 and ROUGE-L F-measure, Porter
stemming on, averaged over clusters.

Baselines, cut the same way and from the same sentences (the pipeline's own sentence splits, so that only the
choice of sentences differs): ``lead-3`` (the first three sentences of each document, as Multi-News's "First-3"),
``lead round-robin`` (each document's first sentence, then each one's second, ...) and ``LexRank`` (Erkan and Radev
2004: TF-IDF cosine graph over the cluster's sentences, edges above 0.1, PageRank by power iteration with damping
0.85, sentences by score, a sentence too similar to one taken skipped). Anchors: Multi-News paper (Fabbri et al.
2019) LexRank R-1 38.3, Hi-MAP 43.5.

The summary's weights (``compare.summary``) were fitted on the even-numbered clusters of the file (0, 2, ...): the
full run reports every cluster and, apart, the odd-numbered half, which nothing was fitted on.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..models import AnnotatedArticle, Article, RawDocument, Story, content_id
from . import Measurement

__all__ = ["Cluster", "cut", "lead", "lexrank", "load", "parallax_summary", "rouge", "round_robin", "run"]

FAST_CLUSTERS = 4  # the quality gate's subset: the first clusters of the file
LEXRANK_THRESHOLD = 0.1  # Erkan and Radev's edge threshold on TF-IDF cosine
LEXRANK_DAMPING = 0.85
LEXRANK_REDUNDANCY = 0.5  # a sentence this similar (TF-IDF cosine) to one already taken is skipped
SUMMARY_WORDS = 1000  # the word budget asked of Parallax's summary before the cut at reference length

TASK = "story summary"
COMMAND = "make eval (parallax.evaluation.summaries)"
ANCHOR = "Multi-News paper: LexRank R-1 38.3, Hi-MAP 43.5"
FITTED = "compare.summary's weights were fitted on the even-numbered ones"

Matrix = NDArray[np.float64]
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    documents: tuple[str, ...]
    reference: str


def load(data: Path, *, fast: bool = False) -> list[Cluster]:
    lines = (data / "multinews" / "clusters.jsonl").read_text(encoding="utf-8").splitlines()
    clusters = []
    for line in lines[:FAST_CLUSTERS] if fast else lines:
        record = json.loads(line)
        documents = record["documents"]
        if isinstance(documents, str):  # the LongBench form: one string, documents split by a marker
            documents = [d for d in split_documents(documents) if d.strip()]
        clusters.append(Cluster(str(record["id"]), tuple(documents), record["summary"]))
    return clusters


def split_documents(joined: str) -> list[str]:
    r"""The documents of a LongBench cluster, split at "|||||" with the white space around each marker removed, as
    ``re.split(r"\s*\|{5}\s*", joined)`` did (which rescanned a long run of white space from each of its
    characters: quadratic)."""
    pieces = joined.split("|||||")
    for n in range(1, len(pieces)):
        pieces[n - 1] = pieces[n - 1].rstrip()
        pieces[n] = pieces[n].lstrip()
    return pieces


def cut(sentences: Sequence[str], words: int) -> str:
    """The sentences joined, cut at ``words`` words."""
    return " ".join(" ".join(sentences).split()[:words])


# --- systems ------------------------------------------------------------------------------------------------------


def _articles(cluster: Cluster) -> list[Article]:
    """The cluster's documents through the extraction stage as plain text; unusable ones are left out."""
    from ..extract.article import extract

    articles = []
    for k, text in enumerate(cluster.documents):
        key = f"{cluster.id}-{k}"
        try:
            articles.append(extract(RawDocument(f"multinews#{key}", key, "text", text.encode("utf-8"))))
        except InputError:
            continue
    return articles


def _analyze(articles: Sequence[AnnotatedArticle]) -> list[str]:
    """The pipeline after annotation for one story, as ``pipeline.analyze_articles`` runs it: copies, sentence
    vectors, fact alignment, the summary (with a word budget instead of the report's sentence count)."""
    from ..compare.story import compare_story
    from ..compare.summary import summarize
    from ..embed import empty, get_encoder
    from ..group.copies import find_duplicates

    encoder = get_encoder()
    duplicates = find_duplicates([a.article for a in articles])
    copies = {copy: group.original for group in duplicates for copy in group.copies}
    texts = [s.text for a in articles for s in a.sentences]
    rows = encoder.encode(texts) if texts else empty()
    vectors = {}
    row = 0
    for a in articles:
        vectors[a.id] = rows[row : row + len(a.sentences)]
        row += len(a.sentences)
    ids = tuple(a.id for a in articles)
    story = Story(id=content_id(*ids), articles=ids)
    analysis = compare_story(story, articles, vectors, encode=encoder.encode, copies=copies)
    loaded = Counter((a.id, t.sentence) for a in articles for t in a.loaded_terms if t.kind != "hedge")
    return [s.text for s in summarize(analysis, vectors, loaded, words=SUMMARY_WORDS)]


def parallax_summary(articles: Sequence[AnnotatedArticle]) -> list[str]:
    """Parallax's summary sentences for one cluster, in the order the summary gives them."""
    return _analyze(articles) if articles else []


def lead(articles: Sequence[AnnotatedArticle], n: int = 3) -> list[str]:
    """The first ``n`` sentences of each document, document by document."""
    return [s.text for a in articles for s in a.sentences[:n]]


def round_robin(articles: Sequence[AnnotatedArticle]) -> list[str]:
    """Each document's first sentence, then each one's second, and so on."""
    out: list[str] = []
    depth = max((len(a.sentences) for a in articles), default=0)
    for k in range(depth):
        out.extend(a.sentences[k].text for a in articles if k < len(a.sentences))
    return out


def _tfidf(texts: Sequence[str]) -> Matrix:
    """Unit-length TF-IDF rows (raw counts, smoothed IDF over ``texts``)."""
    counts = [Counter(_TOKEN.findall(t.lower())) for t in texts]
    df: Counter[str] = Counter()
    for row in counts:
        df.update(row.keys())
    columns = {term: i for i, term in enumerate(df)}
    n = len(texts)
    matrix = np.zeros((n, max(1, len(columns))), dtype=np.float64)
    for i, row in enumerate(counts):
        for term, count in row.items():
            matrix[i, columns[term]] = count * (math.log((1 + n) / (1 + df[term])) + 1.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: Matrix = matrix / np.where(norms > 0, norms, 1.0)
    return out


def lexrank(articles: Sequence[AnnotatedArticle]) -> list[str]:
    """LexRank (Erkan and Radev 2004) over the cluster's sentences, highest score first, near-repeats skipped."""
    texts = [s.text for a in articles for s in a.sentences]
    if not texts:
        return []
    vectors = _tfidf(texts)
    similarity = vectors @ vectors.T
    graph = (similarity > LEXRANK_THRESHOLD).astype(np.float64)
    degree = graph.sum(axis=1, keepdims=True)
    transition = graph / np.where(degree > 0, degree, 1.0)
    n = len(texts)
    scores = np.full(n, 1.0 / n)
    for _ in range(100):
        updated = (1 - LEXRANK_DAMPING) / n + LEXRANK_DAMPING * transition.T @ scores
        if float(np.abs(updated - scores).sum()) < 1e-8:
            scores = updated
            break
        scores = updated
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if all(similarity[i, j] < LEXRANK_REDUNDANCY for j in chosen):
            chosen.append(int(i))
    return [texts[i] for i in chosen]


# --- scoring ------------------------------------------------------------------------------------------------------


def rouge(summary: str, reference: str) -> dict[str, float]:
    """ROUGE-1, -2 and -L F-measure (rouge-score, Porter stemming), in percent."""
    scorer = _scorer()
    scores = scorer.score(reference, summary)
    return {name: 100 * scores[name].fmeasure for name in ("rouge1", "rouge2", "rougeL")}


_SCORER: list[Any] = []


def _scorer() -> Any:
    if not _SCORER:
        try:
            from rouge_score import rouge_scorer  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError as exc:  # an optional dependency: one line saying how to get it
            raise ImportError("the summary evaluation needs rouge-score: pip install 'parallax-news[eval]'") from exc
        _SCORER.append(rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True))
    return _SCORER[0]


def run(data: Path, *, fast: bool = False) -> list[Measurement]:
    """ROUGE-1/2/L F at reference length for Parallax and the lead-3, round-robin lead and LexRank baselines."""
    from ..annotate.nlp import annotate

    clusters = load(data, fast=fast)
    systems: dict[str, Callable[[Sequence[AnnotatedArticle]], list[str]]] = {
        "parallax": parallax_summary,
        "lead-3": lead,
        "lead round-robin": round_robin,
        "LexRank": lexrank,
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    for cluster in clusters:
        annotated = list(annotate(_articles(cluster)))
        words = len(cluster.reference.split())
        for name, system in systems.items():
            results[name].append(rouge(cut(system(annotated), words), cluster.reference))
    about = " (fast subset)" if fast else " (the even-numbered half fitted the summary's weights)"
    out = _rows(f"multinews: {len(clusters)} clusters + reference{about}", results)
    if not fast:
        # the summary's weights were fitted on the even-numbered clusters: the odd ones are the held-out figure
        held = {name: rows[1::2] for name, rows in results.items()}
        out += _rows(f"multinews: the {len(held['parallax'])} odd-numbered clusters, held out ({FITTED})", held)
    return out


def _rows(described: str, results: dict[str, list[dict[str, float]]]) -> list[Measurement]:
    goals = {"rouge1": ">= 47", "rouge2": ">= 16.5", "rougeL": ""}
    out = []
    for key, label in (("rouge1", "ROUGE-1 F"), ("rouge2", "ROUGE-2 F"), ("rougeL", "ROUGE-L F")):

        def mean(name: str, key: str = key) -> float:
            return round(statistics.fmean(r[key] for r in results[name]), 1) if results[name] else 0.0

        out.append(
            Measurement(
                task=TASK,
                data=described,
                measure=f"{label} at reference length",
                parallax=mean("parallax"),
                baselines={name: mean(name) for name in results if name != "parallax"},
                anchor=ANCHOR if key == "rouge1" else "",
                goal=goals[key],
                command=COMMAND,
            )
        )
    return out
