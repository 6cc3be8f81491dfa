"""Linkage: average-linkage agglomerative clustering of a similarity matrix, cut at a threshold.

Knows nothing of articles: the batch clusters the combined evidence of a whole batch with it, the stream a sample
of one story's members (a split check), the evaluation any similarity it compares with.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["SMALL", "Matrix", "cluster_vectors"]

Matrix = NDArray[np.float64]  # a square, symmetric similarity matrix

# Up to this many rows the tree is built here (``_small_partition``: SciPy's algorithm, step for step, in NumPy)
# rather than by SciPy: importing scipy.cluster costs a cold run ~0.2 s of CPU, more than clustering a few articles.
SMALL = 48


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
    distance = 1.0 - np.clip(similarity, -1.0, 1.0)
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    # shift so that every distance is non-negative: linkage needs a metric-like input; the cut shifts with it
    offset = max(0.0, -float(distance.min()))
    raw: list[int]
    if n <= SMALL:
        raw = _small_partition(distance + offset, 1.0 - threshold + offset)
    else:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        tree = linkage(squareform(distance + offset, checks=False), method="average")
        raw = [int(label) for label in fcluster(tree, t=1.0 - threshold + offset, criterion="distance")]
    relabel: dict[int, int] = {}
    return [relabel.setdefault(label, len(relabel)) for label in raw]


def _small_partition(distance: Matrix, cut: float) -> list[int]:
    """The flat clusters of average linkage over ``distance`` cut at ``cut``, one cluster id per row: SciPy's
    ``linkage(method="average")`` and ``fcluster(criterion="distance")`` step for step.

    The tree is built by SciPy's nearest-neighbour chain (``_hierarchy.nn_chain``), with its tie rule (the previous
    link of the chain wins a tie, else the lowest index) and its Lance-Williams update for average linkage, so even
    tied similarities give SciPy's partition (tests/test_cluster.py checks the two agree). Rows whose clusters merge
    where the highest merge below is within ``cut`` share a cluster."""
    n = distance.shape[0]
    d = distance.astype(np.float64, copy=True)
    size = np.ones(n)
    inf = np.inf
    parent = list(range(n))  # union-find over rows: merges within the cut
    # cluster slot (a cluster lives in the slot of its highest row) -> its highest merge (SciPy's "max dist")
    height = np.zeros(n)
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.flatnonzero(size > 0)[0]))
        while True:
            x = chain[-1]
            row = np.where(size > 0, d[x], inf)
            row[x] = inf
            nearest = int(np.argmin(row))
            if len(chain) > 1 and row[chain[-2]] <= row[nearest]:
                y, current = chain[-2], float(row[chain[-2]])
                break
            y, current = nearest, float(row[nearest])
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        nx, ny = size[x], size[y]
        size[x] = 0.0
        size[y] = nx + ny
        merged = (nx * d[x] + ny * d[y]) / (nx + ny)
        d[y, :] = merged
        d[:, y] = merged
        peak = max(current, height[x], height[y])
        if peak <= cut:
            parent[_root(parent, x)] = _root(parent, y)  # slot s always holds row s
        height[y] = peak
    return [_root(parent, i) for i in range(n)]


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
