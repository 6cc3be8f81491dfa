"""Copies: recall and precision of ``dedup.find_duplicates`` on real texts and synthetic near-copies, and its speed.

    .venv/bin/python scripts/dedup_check.py [N]

Reads ECB+ and BASIL from ../shared/data (596 real news texts: several outlets per event, none a copy of another)
and makes one near-copy of each of the first N/2 texts (default all), the edits syndication makes, chosen in turn:
cut to its first half; a new first and last line (outlet boilerplate) and 20 words dropped in the middle; the last
third cut and one word in every 100 replaced; exact copy under a new id (titles changed throughout). Gold: each
copy belongs with its source, nothing else is a copy. Prints pair precision and recall (pairs inside reported
groups vs gold pairs) and the time per article. Real same-event reports by different outlets are the hard negatives.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import sys
import time
from pathlib import Path

from parallax.evaluation.clustering import load_basil, load_ecbplus
from parallax.group.copies import containment, find_duplicates, shingle_hashes
from parallax.models import Article

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _copy(article: Article, kind: int, rng: random.Random) -> Article:
    words = article.text.split()
    if kind == 0:
        text = " ".join(words[: max(1, len(words) // 2)])
    elif kind == 1:
        middle = len(words) // 2
        kept = words[: middle - 10] + words[middle + 10 :]  # a sentence-sized stretch dropped
        text = "Distributed by a wire service.\n" + " ".join(kept) + "\nAll rights reserved, reprinted with permission."
    elif kind == 2:
        kept = words[: max(1, 2 * len(words) // 3)]
        for start in range(0, len(kept), 100):  # one word changed in each 100 (a house-style edit)
            kept[rng.randrange(start, min(start + 100, len(kept)))] = "changed"
        text = " ".join(kept)
    else:
        text = article.text
    return dataclasses.replace(article, id=f"{article.id}~copy", text=text, title=f"Syndicated: {article.title or ''}")


def main(limit: int | None) -> None:
    originals = [*load_ecbplus(DATA).articles, *load_basil(DATA).articles]
    rng = random.Random(11)
    count = len(originals) if limit is None else min(len(originals), limit // 2)
    copies = [_copy(a, n % 4, rng) for n, a in enumerate(originals[:count])]
    articles = [*originals, *copies]
    rng.shuffle(articles)
    gold = {frozenset((a.id, f"{a.id}~copy")) for a in originals[:count]}
    start = time.perf_counter()
    groups = find_duplicates(articles)
    took = time.perf_counter() - start
    found = {frozenset(p) for g in groups for p in itertools.combinations((g.original, *g.copies), 2)}
    hits = len(found & gold)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(gold) if gold else 1.0
    by_kind = [0, 0, 0, 0]
    for n, a in enumerate(originals[:count]):
        by_kind[n % 4] += frozenset((a.id, f"{a.id}~copy")) in found
    # pairs outside the gold: are the two source texts themselves copies (real syndication inside the data)?
    source = {a.id: a for a in originals}
    extra = sorted(found - gold, key=sorted)
    real = [tuple(source[i.removesuffix("~copy")] for i in sorted(pair)) for pair in extra]
    levels = [containment(shingle_hashes(a.text)[0], shingle_hashes(b.text)[0]) for a, b in real if a.id != b.id]
    if levels:
        direct = sum(level >= 0.8 for level in levels)
        print(
            f"{len(extra)} pairs outside the synthetic gold, {len(levels)} between distinct source texts: {direct} of "
            f"those are direct copies in the data (shingle containment >= 0.8), the rest joined through a chain "
            f"of copies (min containment {min(levels):.3f})"
        )
    print(
        f"{len(articles)} articles ({count} near-copies): pair precision {precision:.3f}, recall {recall:.3f} "
        f"(found per edit: half {by_kind[0]}, boilerplate+dropped stretch {by_kind[1]}, cut+replaced {by_kind[2]}, "
        f"exact {by_kind[3]}; of {[len(range(k, count, 4)) for k in range(4)]}); "
        f"{1000 * took / len(articles):.2f} ms/article"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
