"""Copies: exact and near-duplicate articles (syndicated wire copy) in one batch.

Exact copies share the checksum of their clean text. Near-duplicates (the same wire story with another title or
boilerplate, a sentence trimmed or added, a copy cut to its first paragraphs) are found with word 5-shingles and
MinHash signatures, bucketed by LSH banding so that the work grows linearly with the batch, and then verified on
the real shingle sets: a pair is a copy when the shorter text's shingles are mostly (``CONTAINMENT_MIN``) inside
the longer one. A second, smaller signature over each text's first shingles catches copies cut so short that
their Jaccard similarity to the full text falls below the banding's reach.

Grouping is the connected components of verified pairs, which depend only on the texts, never on input order.
The ``original`` of a group is the earliest published member (unknown dates last; ties by input order).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from ..models import Article, DuplicateGroup

__all__ = ["containment", "find_duplicates", "shingle_hashes"]

# Tuning constants. Shingle size 5 is the usual choice for near-duplicate news (Broder; trafilatura's dedup uses
# word n-grams likewise); 128 permutations in 64 bands of 2 rows put the LSH S-curve's midpoint near Jaccard 0.12:
# a pair at Jaccard 0.3 (a copy cut to a third) becomes a candidate with probability 0.998, one at 0.01 with
# 0.006, so verification stays cheap. CONTAINMENT_MIN 0.8 follows the brief: 80 % of the shorter text's shingles
# inside the longer one (checked on syndicated copies with different boilerplate and trimmed endings).
SHINGLE = 5
PERMUTATIONS = 128
BANDS = 64
LEAD_SHINGLES = 40  # the lead signature: copies trimmed to their first paragraph still share these
LEAD_PERMUTATIONS = 16
LEAD_BANDS = 8
CONTAINMENT_MIN = 0.8
MIN_SHINGLES = 8  # texts shorter than this (about a dozen words) only match exactly: too little evidence
SEED = 20240611

_WORD = re.compile(r"\w+", re.UNICODE)

Hashes = NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class _Doc:
    index: int  # position in the input
    shingles: Hashes  # sorted unique shingle hashes
    lead: Hashes  # unique hashes of the first LEAD_SHINGLES shingles


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(text: str) -> tuple[Hashes, Hashes]:
    """The sorted unique hashes of ``text``'s word SHINGLE-grams, and those of its first LEAD_SHINGLES."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        empty = np.zeros(0, dtype=np.uint64)
        return empty, empty
    size = min(SHINGLE, len(words))
    grams = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    hashes = np.fromiter((_hash64(g) for g in grams), dtype=np.uint64, count=len(grams))
    return np.unique(hashes), np.unique(hashes[:LEAD_SHINGLES])


def _permutations(count: int, salt: int) -> tuple[Hashes, Hashes]:
    rng = np.random.default_rng(SEED + salt)
    # multiply-shift hashing: odd multipliers, arithmetic modulo 2**64 (numpy wraps unsigned overflow)
    a = rng.integers(1, 2**63, size=count, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=count, dtype=np.uint64)
    return a, b


def _minhash(hashes: Hashes, a: Hashes, b: Hashes) -> Hashes:
    with np.errstate(over="ignore"):
        values = hashes[None, :] * a[:, None] + b[:, None]
    signature: Hashes = (values >> np.uint64(32)).min(axis=1)
    return signature


def containment(a: Hashes, b: Hashes) -> float:
    """The share of the smaller set of shingle hashes found in the other (0 when either is empty)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / min(len(a), len(b))


def _date_key(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        when = datetime.fromisoformat(published.strip())
    except ValueError:
        return None
    if when.tzinfo is not None:
        try:
            when = when.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # at the calendar's edge (9999-12-31T23:00-05:00): the local time is near enough
            when = when.replace(tzinfo=None)
    return when


def _candidates(docs: Sequence[_Doc]) -> set[tuple[int, int]]:
    """Pairs (as positions in ``docs``) that share at least one LSH bucket of the full or the lead signature.

    The buckets are filled one band at a time from the signatures (one row per document): a dict of every band's
    keys at once held ~80 entries per document (~2 GB at 100k articles); one band's holds one."""
    full = _permutations(PERMUTATIONS, 0)
    lead = _permutations(LEAD_PERMUTATIONS, 1)
    kept = [pos for pos, doc in enumerate(docs) if len(doc.shingles) >= MIN_SHINGLES]
    pairs: set[tuple[int, int]] = set()
    if not kept:
        return pairs
    signatures = np.stack([_minhash(docs[pos].shingles, *full) for pos in kept])
    leads = np.stack([_minhash(docs[pos].lead, *lead) for pos in kept])
    for table, bands in ((signatures, BANDS), (leads, LEAD_BANDS)):
        rows = table.shape[1] // bands
        for band in range(bands):
            buckets: dict[bytes, list[int]] = defaultdict(list)
            keys = np.ascontiguousarray(table[:, band * rows : (band + 1) * rows])
            for pos, key in zip(kept, keys, strict=True):
                buckets[key.tobytes()].append(pos)
            for members in buckets.values():
                for i, first in enumerate(members):
                    for second in members[i + 1 :]:
                        pairs.add((first, second))
    return pairs


class _Components:
    """Union-find over positions; components come out independent of the order of unions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def find_duplicates(articles: Sequence[Article]) -> tuple[DuplicateGroup, ...]:
    """Groups of copies in ``articles``: exact (same checksum) and near-duplicates (syndicated, trimmed copies).

    Each group names its ``original`` (the earliest published; unknown dates count as latest, ties go to input
    order) and its ``copies`` with their similarity to the original (the share of the shorter text's word
    5-shingles found in the other; 1.0 for exact copies). ``exact`` is true when every copy is an exact copy.
    Articles without words are never grouped. Groups are ordered by the input position of their original.
    """
    if isinstance(articles, (str, bytes)) or not all(isinstance(a, Article) for a in articles):
        raise TypeError("find_duplicates() takes a sequence of Article records")

    # one representative per distinct checksum; exact copies follow their representative
    by_checksum: dict[str, list[int]] = defaultdict(list)
    docs: list[_Doc] = []
    shingled: dict[str, _Doc] = {}
    position: dict[str, int] = {}  # checksum -> position in docs
    for index, article in enumerate(articles):
        if not _WORD.search(article.text):
            continue
        checksum = article.checksum
        if checksum not in by_checksum:
            shingles, lead = shingle_hashes(article.text)
            shingled[checksum] = _Doc(index, shingles, lead)
            position[checksum] = len(docs)
            docs.append(shingled[checksum])
        by_checksum[checksum].append(index)

    components = _Components(len(docs))
    edge_similarity: dict[int, float] = defaultdict(float)
    for first, second in sorted(_candidates(docs)):
        score = containment(docs[first].shingles, docs[second].shingles)
        if score >= CONTAINMENT_MIN:
            components.union(first, second)
            edge_similarity[first] = max(edge_similarity[first], score)
            edge_similarity[second] = max(edge_similarity[second], score)

    members: dict[int, list[int]] = defaultdict(list)
    for pos in range(len(docs)):
        members[components.find(pos)].extend(by_checksum[articles[docs[pos].index].checksum])

    def order(index: int) -> tuple[bool, datetime, int]:
        when = _date_key(articles[index].published)
        return (when is None, when or datetime.min, index)

    groups: list[tuple[int, DuplicateGroup]] = []
    for indices in members.values():
        if len(indices) < 2:
            continue
        ranked = sorted(indices, key=order)
        original = articles[ranked[0]]
        source = shingled[original.checksum]
        copies: list[str] = []
        similarity: list[float] = []
        for index in ranked[1:]:
            copy = articles[index]
            copies.append(copy.id)
            if copy.checksum == original.checksum:
                similarity.append(1.0)
                continue
            doc = shingled[copy.checksum]
            direct = containment(source.shingles, doc.shingles)
            # joined through another member (a chain of copies): report the edge it joined by
            best = direct if direct >= CONTAINMENT_MIN else edge_similarity[position[copy.checksum]]
            similarity.append(round(best, 4))
        exact = all(articles[i].checksum == original.checksum for i in ranked[1:])
        groups.append((ranked[0], DuplicateGroup(original.id, tuple(copies), tuple(similarity), exact)))
    groups.sort(key=lambda item: item[0])
    return tuple(group for _, group in groups)
