"""What several evaluation tasks share: the scores (BCubed, pairwise, Pearson), a TF-IDF baseline written out in
full (scikit-learn's ``TfidfVectorizer`` defaults, so the baselines need no extra dependency), and annotation of
articles read from the public data.

Nothing here is tuned: the baselines are the textbook methods, set up as scikit-learn sets them up by default.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models import AnnotatedArticle, Article

__all__ = [
    "BASIL_OUTLETS",
    "PRF",
    "annotate_all",
    "average_linkage",
    "bcubed",
    "best_threshold",
    "pairwise",
    "pearson",
    "tfidf_cosine",
]

Matrix = NDArray[np.float64]

# BASIL names its outlets by code; reports (and the own-outlet rule: "told Fox News" in a Fox News article is no
# citation) and the evaluation rows need their names, one spelling everywhere.
BASIL_OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}

# scikit-learn's default token pattern: runs of two or more word characters, lower-cased.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Where the TF-IDF baseline's threshold is searched: cosine cuts 0.01 .. 0.99 in steps of 0.01.
THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(1, 100))


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def bcubed(labels: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """BCubed precision and recall (Bagga and Baldwin 1998): per item, the share of its predicted cluster that
    shares its gold cluster, and the share of its gold cluster found in its predicted cluster; averaged over items."""
    if len(labels) != len(gold) or not labels:
        raise ValueError("bcubed() needs one predicted and one gold label per item")
    predicted: dict[Hashable, set[int]] = defaultdict(set)
    truth: dict[Hashable, set[int]] = defaultdict(set)
    for i, (label, g) in enumerate(zip(labels, gold, strict=True)):
        predicted[label].add(i)
        truth[g].add(i)
    precision = recall = 0.0
    for label, g in zip(labels, gold, strict=True):
        shared = len(predicted[label] & truth[g])
        precision += shared / len(predicted[label])
        recall += shared / len(truth[g])
    return PRF(precision / len(labels), recall / len(labels))


def pairwise(labels: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """Pairwise precision and recall: of the item pairs put together, the share that belong together; of the pairs
    that belong together, the share put together. No pair either way counts as 1."""
    if len(labels) != len(gold) or not labels:
        raise ValueError("pairwise() needs one predicted and one gold label per item")

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    together = pairs(Counter(labels).values())
    belong = pairs(Counter(gold).values())
    both = pairs(Counter(zip(labels, gold, strict=True)).values())
    return PRF(both / together if together else 1.0, both / belong if belong else 1.0)


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson's correlation coefficient."""
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.size < 2:
        raise ValueError("pearson() needs two sequences of the same length, at least 2")
    return float(np.corrcoef(a, b)[0, 1])


def tfidf_cosine(texts: Sequence[str]) -> Matrix:
    """Cosine similarities of TF-IDF vectors as scikit-learn's ``TfidfVectorizer()`` makes them by default: raw
    counts of lower-cased tokens of 2+ word characters, smoothed IDF ``ln((1 + n) / (1 + df)) + 1`` over ``texts``,
    rows scaled to unit length."""
    from scipy.sparse import csr_matrix

    counts = [Counter(_TOKEN.findall(text.lower())) for text in texts]
    document_frequency: Counter[str] = Counter()
    for row in counts:
        document_frequency.update(row.keys())
    columns = {term: i for i, term in enumerate(sorted(document_frequency))}
    n = len(texts)
    idf = {t: math.log((1 + n) / (1 + df)) + 1.0 for t, df in document_frequency.items()}
    data: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for row in counts:
        weights = {t: c * idf[t] for t, c in row.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for term, weight in weights.items():
            indices.append(columns[term])
            data.append(weight / norm)
        pointers.append(len(indices))
    matrix = csr_matrix((data, indices, pointers), shape=(n, max(1, len(columns))), dtype=np.float64)
    similarity: Matrix = np.asarray((matrix @ matrix.T).todense())
    np.fill_diagonal(similarity, 1.0)
    return similarity


def average_linkage(similarity: Matrix, threshold: float) -> list[int]:
    """Average-linkage agglomerative clusters on cosine distance, cut at distance ``1 - threshold`` (scikit-learn's
    ``AgglomerativeClustering(metric="precomputed", linkage="average", distance_threshold=1 - threshold)``)."""
    from ..group.linkage import cluster_vectors

    return cluster_vectors(similarity, threshold)


def best_threshold(
    similarity: Matrix, gold: Sequence[Hashable], score: Callable[[list[int], Sequence[Hashable]], float]
) -> tuple[float, float]:
    """The cut in ``THRESHOLDS`` with the highest ``score`` (the first, if several tie), and that score."""
    best = (THRESHOLDS[0], -1.0)
    for threshold in THRESHOLDS:
        value = score(average_linkage(similarity, threshold), gold)
        if value > best[1] + 1e-12:
            best = (threshold, value)
    return best


def annotate_all(articles: Sequence[Article]) -> list[AnnotatedArticle]:
    """Every article through the pipeline's annotation stage (spaCy and the annotators), in input order."""
    from ..annotate.nlp import annotate

    return list(annotate(articles))
