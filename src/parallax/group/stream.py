"""Streaming stories: place each new article in a story without comparing it with every other article.

A :class:`StoryIndex` holds the stories seen so far. For a new article it

1. finds **candidate stories**: the stories of its nearest articles by lead embedding (an approximate
   nearest-neighbour index, faiss HNSW, one per week of publication so that the time window is a handful of index
   lookups and old weeks can be dropped) within ``WINDOW_DAYS``, plus the recent stories that share one of its salient
   names (an inverted index, ``NAME_POSTINGS`` recent entries per name);
2. scores it against each candidate story with exactly the evidence ``group_stories`` uses (``evidence.score``:
   lead cosine, names, word rarity, the strangers / unshared / time penalties): the **average** combined similarity
   to the story's members, or to ``SAMPLE`` of them spread evenly over the story when it is larger (average
   linkage, estimated);
3. joins the best story whose average reaches ``THRESHOLD``, or starts a new one. When the article scores above the
   threshold with two stories and those two stories are, on average, similar above the threshold to each other,
   they **merge**: the older story's id survives and the merge is recorded;
4. **splits** a story whose members no longer hold together: after a merge, and whenever a story has grown by
   ``SPLIT_GROWTH`` since its last check, ``check`` re-clusters a sample of its members (at most ``SPLIT_SAMPLE``,
   average linkage at ``THRESHOLD`` on the same scores) and assigns the others to the nearest part; parts of
   at least ``SPLIT_MIN_PART`` articles whose mutual average similarity is below the threshold become stories of
   their own. The part holding the story's oldest article keeps the id; the others are named after their first
   article, and every moved article's reason says so.

Every placement says why ("joined story X: similarity 0.31 on average over 5 articles; closest Y (lead cosine
0.82); shares Lavrov, Huawei; 1 day apart"). The work per article is bounded by the number of neighbours,
candidate stories and sample size: time grows linearly with the stream and no step compares all pairs. A check
costs at most SPLIT_SAMPLE^2 / 2 scores plus, when the sample falls apart, SAMPLE scores per part (at most
SPLIT_SAMPLE / SPLIT_MIN_PART parts) for each other member; a story is checked again only once it has doubled, so
each article is re-assigned O(1) times on average: checks stay linear in the stream.

``group_stories`` uses this for large batches (articles fed in date order); ``parallax.engine.store`` uses it to find
the stored stories a new article may join.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..days import publication_day
from ..extras import install_hint, missing
from ..models import AnnotatedArticle, content_id
from .evidence import FOCUS_GRACE_DAYS, THRESHOLD, TYPE_WEIGHTS, WINDOW_DAYS, Features, Vector, score
from .linkage import cluster_vectors
from .stories import STARTS, joined_reason

__all__ = [
    "NEIGHBOURS",
    "SAMPLE",
    "SPLIT_GROWTH",
    "SPLIT_MIN_PART",
    "SPLIT_SAMPLE",
    "Placement",
    "Split",
    "StoryIndex",
    "in_date_order",
]

# Tuning constants (bounds on the work per article, not fitted to a data set; their agreement with the batch
# clustering is measured in tests/test_streaming.py and docs/EVALUATION.md).
# Nearest articles (by lead cosine) looked up per article; their stories are the main candidates.
NEIGHBOURS = 24
# Candidate stories scored in full per article (the best by nearest-neighbour cosine and shared names).
MAX_STORIES = 8
# Members a candidate story is scored on (evenly spread over the story; all of them when it is smaller).
SAMPLE = 16
# Recent (article, story) entries kept per salient name for the name-overlap candidates.
NAME_POSTINGS = 32
# Names that make a story a candidate when shared (people, named events, organisations, places with a name).
CANDIDATE_NAME_WEIGHT = 0.3
# HNSW graph degree and search breadth (faiss defaults are 32 / 16; 64 keeps recall near exact at this size).
HNSW_M = 32
HNSW_EF_SEARCH = 64
# Below this many vectors a week's index is searched exactly (numpy), which is faster and exact. Without faiss (the
# scale extra) every week is searched exactly: the same or better neighbours, slower for weeks of many thousands.
EXACT_BELOW = 2048
# Split checks (see StoryIndex.check). A part must hold this many articles to become a story of its own: a lone
# article that fits its story badly is refine's business, not a split's (a prior, not fitted).
SPLIT_MIN_PART = 3
# Members re-clustered exactly per check (all pairs of the sample: 48 -> 1128 scores). A bound on work, not fitted.
SPLIT_SAMPLE = 48
# A story is checked again once it holds this many times the articles it held at its last check (so each article
# takes part in O(1) checks on average), and first at 2 * SPLIT_MIN_PART articles.
SPLIT_GROWTH = 2.0

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article went: its ``story``, why (``reason``), the stories merged into it on the way, and
    ``moved``: (article id, note) for the other articles that a split triggered by this placement moved (append
    the note to their reasons)."""

    article: str
    story: str
    reason: str
    merged: tuple[str, ...] = ()
    moved: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Split:
    """A story that fell apart: ``articles`` left ``story`` for the new story ``into``; ``similarity`` is the
    average combined similarity between the moved part and the rest (sampled), below ``THRESHOLD``."""

    story: str
    into: str
    articles: tuple[str, ...]
    similarity: float


log = logging.getLogger(__name__)


@cache
def _faiss() -> Any:
    """The faiss module, or None where the scale extra is not installed (said once, in the log)."""
    if missing("faiss") is not None:
        log.info(
            "faiss is not installed: weeks of over %d articles are searched exactly (%s)",
            EXACT_BELOW,
            install_hint("scale"),
        )
        return None
    import faiss

    return faiss


class _Week:
    """The lead vectors of one week's articles: exact search while small, an HNSW graph once large (with faiss)."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.ids: list[str] = []
        self.vectors: Vector = np.zeros((64, dimension), dtype=np.float32)  # rows beyond len(ids) are spare
        self.graph: object | None = None

    def add(self, article_id: str, vector: Vector) -> None:
        if self.graph is None:
            if len(self.ids) == len(self.vectors):
                self.vectors = np.concatenate([self.vectors, np.zeros_like(self.vectors)])
            self.vectors[len(self.ids)] = vector
            self.ids.append(article_id)
            if len(self.ids) >= EXACT_BELOW and (faiss := _faiss()) is not None:
                graph = faiss.IndexHNSWFlat(self.dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
                graph.hnsw.efSearch = HNSW_EF_SEARCH
                graph.add(self.vectors[: len(self.ids)])
                self.graph, self.vectors = graph, np.zeros((0, self.dimension), dtype=np.float32)
        else:
            self.ids.append(article_id)
            self.graph.add(vector[None, :])  # type: ignore[attr-defined]

    def search(self, vector: Vector, k: int) -> list[tuple[float, str]]:
        if self.graph is not None:
            scores, rows = self.graph.search(vector[None, :], k)  # type: ignore[attr-defined]
            return [(float(s), self.ids[int(r)]) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0]
        if not self.ids:
            return []
        sims = self.vectors[: len(self.ids)] @ vector
        top = np.argpartition(-sims, k)[:k] if len(sims) > k else np.arange(len(sims))
        top = top[np.lexsort((top, -sims[top]))]  # best first, ties by insertion order
        return [(float(sims[i]), self.ids[int(i)]) for i in top]


@dataclass
class _Story:
    id: str
    members: list[str] = field(default_factory=list)
    created: int = 0  # creation order: the older story survives a merge
    checked: int = 0  # how many members it had at its last split check


def _new_story_id(article: AnnotatedArticle) -> str:
    return content_id("story", article.article.checksum)


class StoryIndex:
    """Stories built one article at a time (see the module docstring). Not thread-safe."""

    def __init__(self, *, story_id: Callable[[AnnotatedArticle], str] = _new_story_id) -> None:
        self._story_id = story_id
        self._features: dict[str, Features] = {}
        self._story_of: dict[str, str] = {}
        self._stories: dict[str, _Story] = {}
        self._weeks: dict[int | None, _Week] = {}
        self._postings: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=NAME_POSTINGS))
        self._created = 0
        self._newest: int | None = None
        self.merges: list[tuple[str, str, str]] = []  # (surviving story, merged story, article that bridged them)
        self.splits: list[Split] = []
        self._merged_into: dict[str, str] = {}
        self._founding: dict[str, str] = {}  # article id -> the id a story it starts (or splits off) gets

    # --- reading ---------------------------------------------------------------------------------------------------

    def story_of(self, article_id: str) -> str:
        return self._resolve(self._story_of[article_id])

    def stories(self) -> dict[str, list[str]]:
        """Story id -> its article ids in the order they joined, stories in creation order."""
        return {s.id: list(s.members) for s in sorted(self._stories.values(), key=lambda s: s.created)}

    @property
    def newest(self) -> int | None:
        """The latest publication day (ordinal) seen."""
        return self._newest

    def __len__(self) -> int:
        return len(self._story_of)

    # --- writing ---------------------------------------------------------------------------------------------------

    def seed(self, article: Features, story_id: str) -> None:
        """Record an article already placed elsewhere (a stored story) without deciding anything."""
        if story_id not in self._stories:
            self._stories[story_id] = _Story(story_id, created=self._created)
            self._created += 1
        self._founding.setdefault(article.id, content_id("story", article.checksum or article.id))
        self._insert(article, story_id)

    def join(self, article: Features, story_id: str) -> None:
        """Put an article in a known story (a copy joins its original's story)."""
        self.seed(article, self._resolve(story_id))

    def add(self, article: AnnotatedArticle, feature: Features) -> Placement:
        """Decide ``article``'s story (``feature``: its features), record it, and say why."""
        averages = self.scores(feature)
        above = sorted(((avg, sid) for sid, (avg, _, _) in averages.items() if avg >= THRESHOLD), reverse=True)
        self._founding[article.id] = self._story_id(article)
        if not above:
            story_id = self._free_id(self._founding[article.id], article.id)
            self._stories[story_id] = _Story(story_id, created=self._created)
            self._created += 1
            self._insert(feature, story_id)
            return Placement(article.id, story_id, STARTS)
        best = above[0][1]
        merged: list[str] = []
        for _, other in above[1:]:
            survivor, absorbed = self._merge_order(self._resolve(best), self._resolve(other))
            if survivor != absorbed and self._linked(survivor, absorbed):
                self._merge(survivor, absorbed, article.id)
                merged.append(absorbed)
        target = self._resolve(best)
        self._insert(feature, target)
        avg, count, closest = averages[best]
        reason = self._reason(feature, target, avg, count, closest)
        if merged:
            reason += "; merged " + ", ".join(merged) + f" into {target}"
        moved = self._maybe_check(target, force=bool(merged))
        if article.id in moved:
            reason += "; " + moved.pop(article.id)
        return Placement(article.id, self.story_of(article.id), reason, tuple(merged), tuple(moved.items()))

    def check(self, story_id: str) -> dict[str, str]:
        """Split ``story_id`` where its members no longer hold together (see the module docstring, step 4).

        Re-clusters an even sample of at most SPLIT_SAMPLE of its members by average linkage on ``score`` cut at
        THRESHOLD; when that finds more than one part, every other member joins the part it is most similar to on
        average (over at most SAMPLE of the part's sampled members). Parts smaller than SPLIT_MIN_PART, and parts
        whose mutual average similarity reaches THRESHOLD, are put back together (the most similar first). What
        remains apart becomes new stories: the part holding the story's oldest member keeps ``story_id``, each
        other part is named after its first member (as a story it started would be). Members whose features were
        forgotten (``forget_before``) stay. Returns, per moved article, the note to append to its reason.

        Bounded: at most SPLIT_SAMPLE * (SPLIT_SAMPLE - 1) / 2 scores for the sample, and at most
        SAMPLE * SPLIT_SAMPLE / SPLIT_MIN_PART per other member (only when the sample falls apart).
        """
        story = self._stories[self._resolve(story_id)]
        live = [m for m in story.members if m in self._features]
        story.checked = len(story.members)
        if len(live) < 2 * SPLIT_MIN_PART:
            return {}
        sample = _spread(live, SPLIT_SAMPLE)
        feats = [self._features[m] for m in sample]
        matrix = np.ones((len(sample), len(sample)))
        for i in range(len(sample)):
            for j in range(i + 1, len(sample)):
                matrix[i, j] = matrix[j, i] = score(feats[i], feats[j])
        labels = cluster_vectors(matrix, THRESHOLD)
        if max(labels) == 0:
            return {}
        parts: dict[int, list[int]] = defaultdict(list)  # label -> positions in ``sample``
        for position, label in enumerate(labels):
            parts[label].append(position)
        # parts too small even to be counted on a sample: back into the part they are most similar to
        self._fold(parts, matrix, {label: len(rows) for label, rows in parts.items()}, SPLIT_MIN_PART)
        if len(parts) < 2:
            return {}
        part_of = {sample[p]: label for label, rows in parts.items() for p in rows}
        sampled = set(sample)
        for member in live:
            if member not in sampled:
                feature = self._features[member]
                part_of[member] = max(
                    parts,
                    key=lambda label: (
                        np.mean([score(feature, feats[p]) for p in _spread(parts[label], SAMPLE)]),
                        -label,
                    ),
                )
        sizes = {label: sum(1 for m in live if part_of[m] == label) for label in parts}
        self._fold(parts, matrix, sizes, SPLIT_MIN_PART, part_of)
        if len(parts) < 2:
            return {}
        keep = part_of[live[0]]
        notes: dict[str, str] = {}
        for label in sorted(parts, key=lambda lab: live.index(next(m for m in live if part_of[m] == lab))):
            if label == keep:
                continue
            others = [p for lab, rows in parts.items() if lab != label for p in rows]
            between = float(matrix[np.ix_(parts[label], others)].mean())
            moved = [m for m in story.members if part_of.get(m) == label]
            new_id = self._free_id(self._founding.get(moved[0], content_id("story", moved[0])), moved[0])
            self._stories[new_id] = _Story(new_id, moved, created=self._created, checked=len(moved))
            self._created += 1
            for member in moved:
                self._story_of[member] = new_id
                notes[member] = f"split from story {story.id}: average similarity {between:.2f} to its other part"
            self.splits.append(Split(story.id, new_id, tuple(moved), between))
        story.members = [m for m in story.members if m not in notes]
        story.checked = len(story.members)
        return notes

    def _fold(
        self,
        parts: dict[int, list[int]],
        matrix: NDArray[np.float64],
        sizes: dict[int, int],
        smallest: int,
        part_of: dict[str, int] | None = None,
    ) -> None:
        """Put parts back together, the most similar pair first (average over the sample ``matrix``): a part
        smaller than ``smallest`` joins the part it is most similar to; any two parts whose average reaches
        THRESHOLD join. ``sizes`` (and ``part_of``, article -> label) follow."""
        while len(parts) > 1:

            def average(a: int, b: int) -> float:
                return float(matrix[np.ix_(parts[a], parts[b])].mean())

            labels = sorted(parts)
            small = sorted((sizes[lab], lab) for lab in labels if sizes[lab] < smallest)
            if small:
                absorbed = small[0][1]
                into = max((lab for lab in labels if lab != absorbed), key=lambda lab: (average(absorbed, lab), -lab))
            else:
                pairs = [(average(a, b), -a, -b) for i, a in enumerate(labels) for b in labels[i + 1 :]]
                best = max(pairs)
                if best[0] < THRESHOLD:
                    return
                into, absorbed = -best[1], -best[2]
            parts[into].extend(parts.pop(absorbed))
            sizes[into] += sizes.pop(absorbed)
            if part_of is not None:
                for member, label in part_of.items():
                    if label == absorbed:
                        part_of[member] = into

    def scores(self, feature: Features) -> dict[str, tuple[float, int, str]]:
        """Candidate story id -> (average combined similarity over its sampled members, members scored, closest)."""
        result: dict[str, tuple[float, int, str]] = {}
        for story_id in self._candidates(feature):
            found = self.average(feature, story_id)
            if found is not None:
                result[story_id] = found
        return result

    def candidates(self, feature: Features) -> list[str]:
        """The stories worth scoring for an article: those of its nearest articles within the window, and recent
        ones sharing a salient name (at most MAX_STORIES, nearest first)."""
        return self._candidates(feature)

    def average(self, feature: Features, story_id: str) -> tuple[float, int, str] | None:
        """The article's average combined similarity to a story's (sampled) members, how many, and the closest."""
        sample = self._sample(self._resolve(story_id), feature.id)
        if not sample:
            return None
        values = [(score(feature, self._features[m]), m) for m in sample]
        avg = sum(v for v, _ in values) / len(values)
        closest = max(values, key=lambda item: (item[0], item[1]))[1]
        return avg, len(values), closest

    # --- internals -------------------------------------------------------------------------------------------------

    def _insert(self, feature: Features, story_id: str) -> None:
        self._features[feature.id] = feature
        self._story_of[feature.id] = story_id
        self._stories[story_id].members.append(feature.id)
        week = None if feature.day is None else feature.day // 7
        if week not in self._weeks:
            self._weeks[week] = _Week(len(feature.lead))
        self._weeks[week].add(feature.id, feature.lead)
        for key in self._candidate_names(feature):
            self._postings[key].append(feature.id)
        if feature.day is not None:
            self._newest = feature.day if self._newest is None else max(self._newest, feature.day)

    def _candidate_names(self, feature: Features) -> list[str]:
        names = feature.profile.names
        return sorted(k for k in feature.profile.salient if TYPE_WEIGHTS[names[k][1]] >= CANDIDATE_NAME_WEIGHT)

    def _in_window(self, feature: Features, other_id: str) -> bool:
        other = self._features.get(other_id)
        if other is None:
            return False
        if feature.day is None or other.day is None:
            return True
        return abs(feature.day - other.day) <= WINDOW_DAYS

    def _candidates(self, feature: Features) -> list[str]:
        # Dated articles: their window, and the undated (whose time penalty is graded, see evidence._time_penalty).
        # Undated ones: the period they talk about (their focus, +- FOCUS_GRACE_DAYS, where the penalty is still
        # zero), the most recent window, and the undated.
        weeks: set[int | None] = {None}
        if feature.day is not None:
            weeks.update(range((feature.day - WINDOW_DAYS) // 7, (feature.day + WINDOW_DAYS) // 7 + 1))
        else:
            if feature.focus is not None:
                centre = feature.focus.toordinal()
                weeks.update(range((centre - FOCUS_GRACE_DAYS) // 7, (centre + FOCUS_GRACE_DAYS) // 7 + 1))
            if self._newest is not None:
                weeks.update(range((self._newest - WINDOW_DAYS) // 7, self._newest // 7 + 1))
        rank: dict[str, float] = {}
        for week in sorted(weeks, key=lambda w: (w is None, w or 0)):
            index = self._weeks.get(week)
            if index is None:
                continue
            for sim, other in index.search(feature.lead, NEIGHBOURS):
                if other != feature.id and self._in_window(feature, other):
                    story = self.story_of(other)
                    rank[story] = max(rank.get(story, -1.0), sim)
        for key in self._candidate_names(feature):
            for other in self._postings.get(key, ()):
                if other != feature.id and self._in_window(feature, other):
                    story = self.story_of(other)
                    rank[story] = max(rank.get(story, -1.0), 0.0)  # a shared name: a candidate at least
        return [s for _, s in sorted(((-v, s) for s, v in rank.items()))[:MAX_STORIES]]

    def _sample(self, story_id: str, leave_out: str = "") -> list[str]:
        members = [m for m in self._stories[story_id].members if m in self._features and m != leave_out]
        return _spread(members, SAMPLE)

    def _maybe_check(self, story_id: str, *, force: bool = False) -> dict[str, str]:
        """``check`` the story after a merge (``force``) or once it has grown SPLIT_GROWTH times since its last
        check (and holds at least 2 * SPLIT_MIN_PART articles)."""
        story = self._stories[self._resolve(story_id)]
        size = len(story.members)
        if size < 2 * SPLIT_MIN_PART or not (force or size >= SPLIT_GROWTH * story.checked):
            return {}
        return self.check(story.id)

    def _free_id(self, story_id: str, article_id: str) -> str:
        """``story_id``, or one derived from it when a live story has it (a repeat of a text)."""
        while story_id in self._stories:
            story_id = content_id(story_id, article_id)
        return story_id

    def _resolve(self, story_id: str) -> str:
        while story_id not in self._stories:
            story_id = self._merged_into[story_id]
        return story_id

    def _merge_order(self, a: str, b: str) -> tuple[str, str]:
        return (a, b) if self._stories[a].created <= self._stories[b].created else (b, a)

    def _linked(self, a: str, b: str) -> bool:
        return self.link(a, b) is not None

    def link(self, a: str, b: str) -> float | None:
        """Do stories ``a`` and ``b`` belong together? Their sampled members' average similarity (returned when
        they do; ``None`` when not) reaches THRESHOLD (as average linkage asks), and so does each sampled member's
        average to the other story: one bridging article must not drag in a member that fits the other story on
        no evidence of its own (chaining)."""
        left = [self._features[m] for m in self._sample(self._resolve(a))]
        right = [self._features[m] for m in self._sample(self._resolve(b))]
        if not left or not right:
            return None
        scores = np.array([[score(x, y) for y in right] for x in left])
        linked = (
            scores.mean() >= THRESHOLD
            and scores.mean(axis=1).min() >= THRESHOLD
            and scores.mean(axis=0).min() >= THRESHOLD
        )
        return float(scores.mean()) if linked else None

    def _merge(self, survivor: str, absorbed: str, article_id: str) -> None:
        gone = self._stories.pop(absorbed)
        self._stories[survivor].members.extend(gone.members)
        for member in gone.members:
            self._story_of[member] = survivor
        self.merges.append((survivor, absorbed, article_id))
        self._merged_into[absorbed] = survivor

    def _reason(self, feature: Features, story_id: str, avg: float, count: int, closest_id: str) -> str:
        closest = self._features[closest_id]
        lead = float(np.dot(feature.lead, closest.lead))
        apart = None if feature.day is None or closest.day is None else abs(feature.day - closest.day)
        return joined_reason(story_id, avg, count, closest_id, lead, feature.profile, closest.profile, apart)

    def refine(self, article_ids: Sequence[str]) -> dict[str, str]:
        """A second look at placed articles, now that later ones have arrived: where an article fits its own story
        and another (both above THRESHOLD) and the two stories are similar on average, they merge (the older id
        survives); an article moves to the candidate story it is most similar to on average (its own scored without
        it) when that beats its own story and reaches THRESHOLD. Returns, per article touched, what happened (to
        append to its reason). Linear, like ``add``."""
        moved: dict[str, str] = {}
        for article_id in article_ids:
            feature = self._features.get(article_id)
            if feature is None:
                continue
            own = self.story_of(article_id)
            averages = self.scores(feature)
            own_score = averages.get(own, (-math.inf, 0, ""))[0]
            above = sorted(
                ((avg, sid) for sid, (avg, _, _) in averages.items() if sid != own and avg >= THRESHOLD), reverse=True
            )
            if own_score >= THRESHOLD:  # two stories this article fits: do they belong together?
                for _, other in above:
                    if other in self._stories and own in self._stories and self._linked(own, other):
                        survivor, absorbed = self._merge_order(own, other)
                        self._merge(survivor, absorbed, article_id)
                        note = f"merged story {absorbed} into {survivor}"
                        moved[article_id] = f"{moved[article_id]}; {note}" if article_id in moved else note
                        for member, split in self._maybe_check(survivor, force=True).items():
                            moved[member] = f"{moved[member]}; {split}" if member in moved else split
                        own = self.story_of(article_id)
            best = above[0] if above and above[0][1] in self._stories and above[0][1] != own else None
            if best is None or best[0] <= own_score:
                continue
            target = best[1]
            members = self._stories[own].members
            members.remove(article_id)
            if not members:
                del self._stories[own]
                self._merged_into[own] = target
            self._stories[target].members.append(article_id)
            self._story_of[article_id] = target
            avg, count, closest = averages[target]
            note = "on a second look, " + self._reason(feature, target, avg, count, closest)
            moved[article_id] = f"{moved[article_id]}; {note}" if article_id in moved else note
        return moved

    def forget_before(self, day: int) -> int:
        """Drop the features of articles whose day is before ``day`` (they can no longer be candidates): memory
        stays bounded by the window. Returns how many were dropped; their story membership is kept."""
        old = [aid for aid, f in self._features.items() if f.day is not None and f.day < day]
        for aid in old:
            del self._features[aid]
        for week in [w for w in self._weeks if w is not None and (w + 1) * 7 <= day]:
            del self._weeks[week]
        return len(old)


def _spread(items: Sequence[T], size: int) -> list[T]:
    """At most ``size`` of ``items``, evenly spread (the first always among them); all of them when fewer."""
    if len(items) <= size:
        return list(items)
    step = len(items) / size
    return [items[int(i * step)] for i in range(size)]


def in_date_order(articles: Iterable[AnnotatedArticle]) -> list[AnnotatedArticle]:
    """Articles by publication day (undated last), then id: the order ``group_stories`` streams a large batch."""

    def key(a: AnnotatedArticle) -> tuple[bool, date, str]:
        day = publication_day(a.article.published)
        return (day is None, day or date.max, a.id)

    return sorted(articles, key=key)
