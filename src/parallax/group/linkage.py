"""Linkage: average-linkage agglomerative clustering of a similarity matrix, cut at a threshold.

Knows nothing of articles: the batch clusters the combined evidence of a whole batch with it, the stream a sample
of one story's members (a split check), the evaluation any similarity it compares with.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Matrix", "cluster_vectors"]

Matrix = NDArray[np.float64]  # a square, symmetric similarity matrix


def cluster_vectors(similarity: Matrix, threshold: float) -> list[int]:
    """Average-linkage clusters of a symmetric similarity matrix, cut where the average similarity < ``threshold``.

    Returns one label per row (0, 1, ... in order of first appearance). Deterministic: ties merge the pair with the
    lowest indices first.
    """
    n = similarity.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [0]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - np.clip(similarity, -1.0, 1.0)
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    # shift so that every distance is non-negative: linkage needs a metric-like input; the cut shifts with it
    offset = max(0.0, -float(distance.min()))
    condensed = squareform(distance + offset, checks=False)
    tree = linkage(condensed, method="average")
    raw = fcluster(tree, t=1.0 - threshold + offset, criterion="distance")
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(label), len(relabel)) for label in raw]
