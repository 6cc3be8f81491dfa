"""Streaming stories: agreement with the batch clustering, and how grouping scales.

    .venv/bin/python scripts/stories_scale.py agree            # ECB+ and BASIL: batch vs streaming, BCubed F1
    .venv/bin/python scripts/stories_scale.py scale N          # group N synthetic articles by streaming
    .venv/bin/python scripts/stories_scale.py split            # ECB+: split checks on true and wrong stories

Reads ../shared/data (ECB+, BASIL; see its README) and annotates them once (spaCy), cached in CACHE.

``split`` runs ``StoryIndex.check`` on every ECB+ gold event of 6 or more documents seeded as one story (a
coherent story: it should not split), and on each ECB+ topic's two events seeded as one story (a wrong merge of two
events on one topic: it should split back into the two).

``scale N`` builds N articles from the annotated ECB+ and BASIL documents (596 real texts, 90 events): replica k of
an article is the same annotated record under a new id, published on day ``k * SPACING_DAYS`` after a base date (its
event's articles in one window, replicas three windows apart), so each replica of an event is its own story and
the right answer is known: gold = (event, replica). It times ``group_stories(streaming=True)`` alone (annotation
is done once beforehand and not counted; the lead encoder runs once per distinct text, as replicas repeat texts:
encoding costs the same per article at any N and is reported on its own line) and prints articles/s, BCubed F1
against that gold, and the peak RSS of the process (run each N in a fresh process, e.g. under /usr/bin/time -v).
"""

from __future__ import annotations

import dataclasses
import pickle
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from parallax.evaluation.clustering import load_basil, load_ecbplus
from parallax.evaluation.common import annotate_all, bcubed
from parallax.group.batch import group_stories
from parallax.models import AnnotatedArticle

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CACHE = Path("/tmp/parallax_stories_scale.pickle")
SPACING_DAYS = 45  # replicas three windows (WINDOW_DAYS 14) apart: never candidates for each other
BASE = date(2020, 1, 1)


def _corpora() -> dict[str, tuple[list[AnnotatedArticle], tuple[str, ...]]]:
    if CACHE.exists():
        cached: dict[str, tuple[list[AnnotatedArticle], tuple[str, ...]]] = pickle.loads(CACHE.read_bytes())
        return cached
    result = {}
    for corpus in (load_ecbplus(DATA), load_basil(DATA)):
        result[corpus.name] = (annotate_all(corpus.articles), corpus.gold)
    CACHE.write_bytes(pickle.dumps(result))
    return result


def _f1(stories: tuple[object, ...], ids: list[str], gold: tuple[str, ...]) -> float:
    story_of = {aid: n for n, s in enumerate(stories) for aid in s.articles}  # type: ignore[attr-defined]
    return bcubed([story_of[i] for i in ids], list(gold)).f1


def agree() -> None:
    for name, (articles, gold) in _corpora().items():
        ids = [a.id for a in articles]
        batch = group_stories(articles, streaming=False)
        start = time.perf_counter()
        stream = group_stories(articles, streaming=True)
        took = time.perf_counter() - start
        agreement = _f1(stream, ids, tuple(map(str, _labels(batch, ids))))
        same = {frozenset(s.articles) for s in batch} == {frozenset(s.articles) for s in stream}
        print(
            f"{name}: {len(articles)} docs; BCubed F1 batch {_f1(batch, ids, gold):.3f}, streaming "
            f"{_f1(stream, ids, gold):.3f}; batch-vs-streaming BCubed F1 {agreement:.3f}; "
            f"identical partition: {same}; streaming {took:.1f} s"
        )


def _labels(stories: tuple[object, ...], ids: list[str]) -> list[int]:
    story_of = {aid: n for n, s in enumerate(stories) for aid in s.articles}  # type: ignore[attr-defined]
    return [story_of[i] for i in ids]


def scale(size: int) -> None:
    pool: list[tuple[AnnotatedArticle, str, str]] = []
    for name, (articles, gold) in _corpora().items():
        pool.extend((a, f"{name}:{g}", name) for a, g in zip(articles, gold, strict=True))
    articles: list[AnnotatedArticle] = []
    gold: list[str] = []
    for n in range(size):
        source, event, _ = pool[n % len(pool)]
        replica = n // len(pool)
        day = BASE + timedelta(days=replica * SPACING_DAYS)
        article = dataclasses.replace(source.article, id=f"{source.id}~{replica}", published=day.isoformat())
        articles.append(dataclasses.replace(source, article=article))
        gold.append(f"{event}~{replica}")
    import numpy as np

    import parallax.embed

    encode = parallax.embed.encode
    cache: dict[str, np.ndarray] = {}  # type: ignore[type-arg]

    def encode_once(texts: list[str]) -> np.ndarray:  # type: ignore[type-arg]
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, encode(todo), strict=True))
        return np.stack([cache[t] for t in texts])

    group_stories(articles[:50], streaming=True)  # load the encoder and vocabulary outside the timing
    start = time.perf_counter()
    group_stories([a for a, _, _ in pool], streaming=True)
    took = 1000 * (time.perf_counter() - start) / len(pool)
    print(f"encoding {len(pool)} leads: {took:.1f} ms/article (with grouping)")
    parallax.embed.encode = encode_once  # type: ignore[assignment]
    group_stories([a for a, _, _ in pool], streaming=True)  # fill the cache
    start = time.perf_counter()
    stories = group_stories(articles, streaming=True)
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1 = _f1(stories, [a.id for a in articles], tuple(gold))
    print(
        f"{size} articles: {took:.1f} s, {size / took:.0f} articles/s, {1000 * took / size:.2f} ms/article, "
        f"{len(stories)} stories, BCubed F1 {f1:.3f}, peak RSS {rss:.0f} MB"
    )


def split() -> None:
    from collections import defaultdict

    from parallax.group.evidence import features
    from parallax.group.stream import StoryIndex

    articles, gold = _corpora()["ecbplus"]
    events: dict[str, list[AnnotatedArticle]] = defaultdict(list)
    for article, event in zip(articles, gold, strict=True):
        events[event].append(article)

    def check(members: list[AnnotatedArticle]) -> set[frozenset[str]]:
        index = StoryIndex()
        for feature in features(sorted(members, key=lambda a: a.id)):
            index.seed(feature, "one")
        index.check("one")
        return {frozenset(ids) for ids in index.stories().values()}

    coherent = [members for members in events.values() if len(members) >= 6]
    kept = sum(len(check(members)) == 1 for members in coherent)
    print(f"ECB+ gold events of 6+ documents seeded as one story: {kept} of {len(coherent)} kept whole")
    topics = sorted({event.split("ecb")[0] for event in events}, key=int)
    exact = 0
    for topic in topics:
        one, two = events[f"{topic}ecb"], events[f"{topic}ecbplus"]
        exact += check(one + two) == {frozenset(a.id for a in one), frozenset(a.id for a in two)}
    print(f"ECB+ topics whose two events were seeded as one story: {exact} of {len(topics)} split back exactly")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "agree":
        agree()
    elif len(sys.argv) == 2 and sys.argv[1] == "split":
        split()
    elif len(sys.argv) == 3 and sys.argv[1] == "scale":
        scale(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
