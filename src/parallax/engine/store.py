"""Incremental ingest: add articles to a store, growing stories instead of re-analysing everything.

``ingest_paths(store, paths)`` reads and extracts documents as ``analyze`` does, then:

1. drops articles already stored (same content hash of the clean text): re-ingesting is a no-op;
2. annotates only the new articles (stored ones keep their annotations, so spaCy never runs twice on an article);
3. groups the new articles among themselves exactly as a batch would (``cluster.group_stories``), then lets each
   new group join the stored story it is most similar to on average (the same evidence and ``cluster.THRESHOLD``
   as the batch, over the stored articles published within ``WINDOW_DAYS``), or start a new story; a new article
   that is a copy of a stored one joins that one's story. The stored stories worth scoring come from a
   ``streaming.StoryIndex`` (nearest lead embeddings, shared names), each scored on at most ``streaming.SAMPLE``
   of its members: no new-by-stored matrix;
4. **merges** two stored stories when the batch links them (the rule ``StoryIndex.add`` uses: a new article scores
   above ``cluster.THRESHOLD`` with both, and the two stories are similar on average, see ``StoryIndex.link``): the
   older story's id survives, the other's articles move to it and its id is kept as merged into the survivor;
5. **splits** each stored story the batch touched when ``StoryIndex.check`` says its members (with the new ones) no
   longer hold together: the part holding its oldest article keeps the id, the others become new stories named
   after their first article. Moved articles' reasons say why, now and whenever their story is recomputed;
6. recomputes only the stories that gained, lost or moved articles (compare + summarize) and saves everything in
   one transaction.
   Sentence vectors are computed once per article, at its ingest, and stored with it: a story that grows only
   embeds its new articles.

Stories keep the id they were created with (from their first article's content hash) as they grow.
Cost: merges load the absorbed stories' articles; a split check encodes the leads of each touched story's articles
(as recomputing it does anyway) and scores at most ``streaming.SPLIT_SAMPLE`` squared pairs, plus the others
against a sample of each part when it falls apart.

Reads: files (``read_inputs``) or ``Article`` records. Writes: the store; returns an :class:`IngestResult`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..annotate.nlp import within_limits
from ..days import publication_day, shifted
from ..embed import Encoder
from ..errors import ConcurrentWriteError
from ..group.batch import describe_story, group_stories
from ..group.copies import find_duplicates
from ..group.evidence import THRESHOLD, WINDOW_DAYS, features
from ..group.stream import SPLIT_MIN_PART, StoryIndex
from ..models import AnnotatedArticle, Article, RawDocument, Rejection, Story, content_id
from ..report import to_dict
from ..settings import Settings
from ..sources import IngestCounts, public_source
from ..store import Matrix, Store, StoryRecord
from .stages import (
    Progress,
    analyze_stories,
    annotate,
    build_report,
    check_articles,
    embed_sentences,
    encoder_of,
    extract,
    extract_one,
    no_progress,
    read,
    split,
)

__all__ = ["IngestResult", "ingest_annotated", "ingest_articles", "ingest_paths"]

# How often an ingest decides again when another ingest changed the same stories between its reading and saving.
SAVE_ATTEMPTS = 5
# At most this many stored articles are scored against a batch (most recently added first); undated stored
# articles are always candidates, within this cap. The cap bounds the lead embeddings an ingest computes.
MAX_CANDIDATES = 2000


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest did: articles ``added`` (their ids), documents ``unchanged`` (already stored: the stored
    article ids), stories ``created`` and ``updated`` (grown and recomputed), ``rejections``, stories ``merged``
    ((absorbed id, surviving id)) and ``split`` ((story id, new story id): the new one is also in ``created``)."""

    added: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    merged: tuple[tuple[str, str], ...] = ()
    split: tuple[tuple[str, str], ...] = ()

    @property
    def stories(self) -> tuple[str, ...]:
        """Every story this ingest created or recomputed."""
        return self.created + self.updated


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    counts: IngestCounts | None = None,
    batch: int = 0,
    names: Mapping[str, str] | None = None,
) -> IngestResult:
    """Read, extract and ingest articles into ``store``: files, folders, URLs, feeds, sitemaps, WARC, CSV, ``-``
    (as ``analyze`` reads them, with ``settings``; ``counts`` as for :func:`parallax.sources.read_inputs`).

    ``batch`` > 0 saves every ``batch`` articles in their own transaction (in input order), so an ingest that is
    killed keeps what it saved and a rerun goes on from there (stored articles are skipped); 0 saves everything in
    one transaction. Bad documents become ``rejections``; a path that does not exist raises ``InputError`` before
    anything is stored. ``names`` gives a path (as passed) the name its sources and rejections show instead: an
    uploaded file's own name for the file it was staged in.
    """
    if batch < 0:
        raise ValueError("batch must be 0 (one transaction) or a positive number of articles")
    settings = settings or Settings()
    progress = progress or no_progress
    read_back = read(paths, settings, counts=counts, progress=progress)
    if names:
        read_back = (_named(item, names) for item in read_back)
    if not batch:
        documents, rejections = split(read_back)
        articles, failed = split(extract(documents, progress))
        return ingest_articles(store, articles, settings=settings, rejections=[*rejections, *failed], progress=progress)
    # Batches are read, extracted and saved one after another: an ingest of 100k articles never holds more than a
    # batch of documents (rejections keep the order they would have all at once: reading's, then extraction's).
    unread: list[Rejection] = []
    failed = []
    stream = _extracted(read_back, unread, failed, progress)
    first = list(itertools.islice(stream, batch))
    following = list(itertools.islice(stream, batch))
    if not following:
        return ingest_articles(store, first, settings=settings, rejections=[*unread, *failed], progress=progress)
    parts = [ingest_articles(store, first, settings=settings, progress=progress)]
    while following:
        parts.append(ingest_articles(store, following, settings=settings, progress=progress))
        following = list(itertools.islice(stream, batch))
    return _joined(parts, [*unread, *failed])


def _extracted(
    items: Iterable[RawDocument | Rejection], unread: list[Rejection], failed: list[Rejection], progress: Progress
) -> Iterator[Article]:
    """The article of each document read, one at a time; rejections of reading go to ``unread``, those of
    extraction to ``failed``."""
    done = 0
    for item in items:
        if isinstance(item, Rejection):
            unread.append(item)
            continue
        extracted = extract_one(item)
        done += 1
        progress("extract", done, 0)
        if isinstance(extracted, Rejection):
            failed.append(extracted)
        else:
            yield extracted


def _named(item: RawDocument | Rejection, names: Mapping[str, str]) -> RawDocument | Rejection:
    """A document or rejection with the path it names replaced by its name in ``names`` (``#record`` kept)."""
    named = item.source if isinstance(item, RawDocument) else item.document
    path, mark, rest = named.partition("#")
    if path not in names:
        return item
    shown = names[path] + mark + rest
    return replace(item, source=shown) if isinstance(item, RawDocument) else replace(item, document=shown)


def _joined(parts: Sequence[IngestResult], rejections: Sequence[Rejection]) -> IngestResult:
    """One result for an ingest saved in several batches (``rejections``: those made before the batches)."""
    created = dict.fromkeys(s for part in parts for s in part.created)
    absorbed = {gone for part in parts for gone, _ in part.merged}
    return IngestResult(
        added=tuple(a for part in parts for a in part.added),
        unchanged=tuple(a for part in parts for a in part.unchanged),
        created=tuple(s for s in created if s not in absorbed),  # created by one batch and grown by the next
        updated=tuple(
            dict.fromkeys(s for part in parts for s in part.updated if s not in created and s not in absorbed)
        ),
        rejections=(*rejections, *(r for part in parts for r in part.rejections)),
        merged=tuple(m for part in parts for m in part.merged),
        split=tuple(s for part in parts for s in part.split),
    )


def ingest_articles(
    store: Store,
    articles: Sequence[Article],
    *,
    settings: Settings | None = None,
    rejections: Sequence[Rejection] = (),
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest extracted articles: store the new ones, assign them to stories, recompute the stories that changed.

    An article too long to analyse (over ``extract.MAX_ARTICLE_CHARS``, the bound extraction applies), one whose text
    is clearly not English (``language``, the check extraction makes), or one over the budget of one article
    (``too-slow``, ``stages.annotate``) is not stored: it comes back in ``rejections``, and the others are ingested."""
    if isinstance(articles, (str, bytes)) or not all(isinstance(a, Article) for a in articles):
        raise TypeError("ingest_articles() takes a sequence of Article records")
    settings = settings or Settings()
    progress = progress or no_progress
    # Too-large articles are set aside first, so that they never take an id or count as repeats; only the articles
    # not stored yet are annotated (stored ones keep their annotations).
    articles, foreign = split(check_articles(articles))
    articles, too_large = within_limits(articles)
    new, unchanged = _new_articles(store, articles)
    annotated, too_slow = split(annotate(new, settings, progress))
    left_out = (*rejections, *foreign, *too_large, *too_slow)
    return _add(store, annotated, unchanged, left_out, progress, encoder_of(settings))


def ingest_annotated(
    store: Store,
    annotated: Sequence[AnnotatedArticle],
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest articles annotated elsewhere (e.g. a ``Report``'s articles): as ``ingest_articles``, without NLP."""
    if isinstance(annotated, (str, bytes)) or not all(isinstance(a, AnnotatedArticle) for a in annotated):
        raise TypeError("ingest_annotated() takes a sequence of AnnotatedArticle records")
    return _add(store, annotated, (), (), progress or no_progress, encoder_of(settings or Settings()))


def _add(
    store: Store,
    annotated: Sequence[AnnotatedArticle],
    unchanged: Sequence[str],
    rejections: Sequence[Rejection],
    report_progress: Progress,
    encoder: Encoder,
) -> IngestResult:
    """Assign new annotated articles to stories, recompute those stories, save everything in one transaction.

    The store may change between reading and saving (another ingest, in this process or another): ``save`` then
    refuses with ``ConcurrentWriteError`` and the whole decision is made again on the new state, up to
    SAVE_ATTEMPTS times. Articles are stored with their source as readers may see it (``public_source``: a URL,
    or a file's base name, never the folders of the machine that read it).
    """
    annotated = [_public(a) for a in annotated]
    by_checksum: dict[str, AnnotatedArticle] = {}
    for item in annotated:
        by_checksum.setdefault(item.article.checksum, item)
    vectors_of: dict[str, Matrix] = {}  # by checksum: ids may change between attempts, texts do not
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        new, repeats = _new_articles(store, [a.article for a in annotated])
        pending = [by_checksum[article.checksum].renamed(article.id) for article in new]
        if not pending:
            return IngestResult(unchanged=(*unchanged, *repeats), rejections=tuple(rejections))
        if not vectors_of:
            report_progress("embed", 0, 1)
            # once per article, ever: stored with it, so that later recomputations of its story never re-embed it
            embedded = embed_sentences(pending, encoder)
            vectors_of = {a.article.checksum: embedded[a.id] for a in pending}
            report_progress("embed", 1, 1)
        fresh = {a.id: vectors_of[a.article.checksum] for a in pending}

        report_progress("group", 0, 1)
        plan = _assign(store, pending, encoder)
        members, created = plan.members, plan.created
        report_progress("group", 1, 1)
        records: list[StoryRecord] = []
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        older = [a.id for group in members.values() for a in group if a.id not in fresh]
        vectors = {**store.sentence_vectors(older), **fresh}
        notes = {**store.article_notes(older), **{aid: why for aid, _, _, why in plan.moves}}
        for done, (story_id, story_articles) in enumerate(members.items(), 1):
            records.append(_recompute(story_id, story_articles, now, vectors, notes, encoder=encoder))
            report_progress("compare", done, len(members))

        story_of = {a.id: story_id for story_id, group in members.items() for a in group}
        try:
            store.save(
                [(story_of[a.id], a) for a in pending],
                records,
                fresh,
                moves=plan.moves,
                merged=[(gone, plan.resolve(into), why) for gone, into, why in plan.merged],
            )
        except ConcurrentWriteError:
            if attempt == SAVE_ATTEMPTS:
                raise
            continue
        return IngestResult(
            added=tuple(a.id for a in pending),
            unchanged=(*unchanged, *repeats),
            created=tuple(s for s in members if s in created),
            updated=tuple(s for s in members if s not in created),
            rejections=tuple(rejections),
            merged=tuple((gone, plan.resolve(into)) for gone, into, _ in plan.merged),
            split=tuple(plan.splits),
        )
    raise AssertionError("unreachable")  # the loop returns or raises


def _public(item: AnnotatedArticle) -> AnnotatedArticle:
    shown = public_source(item.article.source)
    return item if shown == item.article.source else replace(item, article=replace(item.article, source=shown))


def _new_articles(store: Store, articles: Sequence[Article]) -> tuple[list[Article], list[str]]:
    """The articles not stored yet (by content hash), each with an id not taken in the store; and the stored ids
    of the others (a repeat within the batch counts as its first occurrence)."""
    stored = store.find_checksums(sorted({a.checksum for a in articles}))
    first: dict[str, Article] = {}
    unchanged: list[str] = []
    for article in articles:
        if article.checksum in stored:
            unchanged.append(stored[article.checksum])
        elif article.checksum in first:
            unchanged.append(first[article.checksum].id)
        else:
            first[article.checksum] = article
    # Ids come from file names, which repeat across ingests ("article.txt"): a taken id gets the content hash.
    batch = list(first.values())
    taken = store.find_ids(sorted({a.id for a in batch}))
    used: set[str] = set()
    new: list[Article] = []
    for article in batch:
        article_id = article.id
        if article_id in taken or article_id in used:
            article_id = f"{article.id}-{article.checksum[:8]}"
            size = 8
            while article_id in used or store.find_ids([article_id]):
                size += 4
                article_id = f"{article.id}-{article.checksum[:size]}"
        used.add(article_id)
        new.append(article if article_id == article.id else replace(article, id=article_id))
    return new, unchanged


@dataclass
class _Plan:
    """What an ingest decided: story id -> all its articles (stored ones first, oldest story's first), the new
    story ids, stored articles (and new ones a split moved) as (article, from, to, why), stories merged away as
    (absorbed, survivor at the time, why), and splits as (story, new story)."""

    members: dict[str, list[AnnotatedArticle]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    moves: list[tuple[str, str, str, str]] = field(default_factory=list)
    merged: list[tuple[str, str, str]] = field(default_factory=list)
    splits: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, story_id: str) -> str:
        """The story that now holds ``story_id``'s articles (following this ingest's merges)."""
        into = {gone: survivor for gone, survivor, _ in self.merged}
        while story_id in into:
            story_id = into[story_id]
        return story_id


def _assign(store: Store, annotated: Sequence[AnnotatedArticle], encoder: Encoder) -> _Plan:
    """Which story each new article joins, which stored stories merge and which split (see the module docstring)."""
    batch_duplicates = find_duplicates([a.article for a in annotated])
    groups = group_stories(annotated, duplicates=batch_duplicates, encoder=encoder)
    by_id = {a.id: a for a in annotated}

    candidates = _candidates(store, annotated)
    plan = _Plan()
    targets: list[str | None] = [None] * len(groups)
    links: list[tuple[str, str, str, float]] = []
    if candidates:
        targets, links = _best_stories(groups, by_id, candidates, encoder)
    for best, other, bridge, between in links:  # the oldest story survives
        one, two = plan.resolve(best), plan.resolve(other)
        if one == two:
            continue
        created_at = {s: (info.created if (info := store.get_story(s)) else "", s) for s in (one, two)}
        survivor, absorbed = sorted((one, two), key=lambda s: created_at[s])
        why = (
            f"story {absorbed} merged into {survivor}: new article {bridge} fits both, and they are similar on "
            f"average ({between:.2f})"
        )
        plan.merged.append((absorbed, survivor, why))
    stored: dict[str, list[AnnotatedArticle]] = {}
    added: dict[str, list[AnnotatedArticle]] = {}
    for group, target in zip(groups, targets, strict=True):
        new_members = [by_id[i] for i in group.articles]
        if target is None:
            target = _story_id(new_members[0])
            plan.created.add(target)
            stored[target] = []
        else:
            target = plan.resolve(target)
            if target not in stored:
                stored[target] = list(store.story_articles(target))
        added.setdefault(target, []).extend(new_members)
    for absorbed, _, why in plan.merged:
        survivor = plan.resolve(absorbed)
        if survivor not in stored:
            stored[survivor] = list(store.story_articles(survivor))
        for article in store.story_articles(absorbed):
            stored[survivor].append(article)
            plan.moves.append((article.id, absorbed, survivor, f"moved from story {absorbed}: {why}"))
    plan.members = {sid: [*stored[sid], *added.get(sid, [])] for sid in stored}
    for story_id in [s for s in plan.members if s not in plan.created]:
        _split(store, plan, story_id, encoder)
    return plan


def _split(store: Store, plan: _Plan, story_id: str, encoder: Encoder) -> None:
    """Split a stored story the batch touched when its members no longer hold together (``StoryIndex.check``)."""
    members = plan.members[story_id]
    if len(members) < 2 * SPLIT_MIN_PART:
        return
    index = StoryIndex()
    for feature in features(members, encoder=encoder):
        index.seed(feature, story_id)
    notes = index.check(story_id)
    source = {aid: frm for aid, frm, _, _ in plan.moves}
    for part in index.splits:
        new_id, first = part.into, part.articles[0]
        while new_id in plan.members or store.get_story(new_id) is not None:
            new_id = content_id(new_id, first)
        moved = set(part.articles)
        plan.members[new_id] = [a for a in members if a.id in moved]
        plan.members[story_id] = [a for a in plan.members[story_id] if a.id not in moved]
        plan.created.add(new_id)
        plan.splits.append((story_id, new_id))
        plan.moves = [m for m in plan.moves if m[0] not in moved]
        for article_id in part.articles:
            why = notes[article_id].replace(
                f"split from story {story_id}", f"split from story {story_id} into {new_id}"
            )
            plan.moves.append((article_id, source.get(article_id, story_id), new_id, why))


def _candidates(store: Store, annotated: Sequence[AnnotatedArticle]) -> list[tuple[str, AnnotatedArticle]]:
    days = [d for d in (publication_day(a.article.published) for a in annotated) if d is not None]
    since = until = None
    if days and len(days) == len(annotated):
        since = shifted(min(days), -WINDOW_DAYS).isoformat()
        until = shifted(max(days), WINDOW_DAYS + 1).isoformat()  # published may carry a time of day
    return list(store.recent_articles(since=since, until=until, limit=MAX_CANDIDATES))


def _best_stories(
    groups: Sequence[Story],
    by_id: dict[str, AnnotatedArticle],
    candidates: Sequence[tuple[str, AnnotatedArticle]],
    encoder: Encoder,
) -> tuple[list[str | None], list[tuple[str, str, str, float]]]:
    """For each new group, the stored story it joins (highest average similarity above THRESHOLD; a story holding
    an article it copies wins outright), or ``None``; and the links the groups make between stored stories:
    (story joined, other story, bridging article, average similarity between the two stories) where an article
    of the group scores above THRESHOLD with both and ``StoryIndex.link`` says they belong together."""
    new_articles = [by_id[i] for group in groups for i in group.articles]
    stored_articles = [a for _, a in candidates]
    everything = [*new_articles, *stored_articles]
    prepared = features(everything, encoder=encoder)
    index = StoryIndex()
    for (story_id, _), feature in zip(candidates, prepared[len(new_articles) :], strict=True):
        index.seed(feature, story_id)
    row = {a.id: prepared[i] for i, a in enumerate(new_articles)}
    copied: dict[str, str] = {}  # new article id -> story of the stored article it copies (or is copied by)
    stored_story = {a.id: story_id for story_id, a in candidates}
    for copies in find_duplicates([a.article for a in everything]):
        ids = (copies.original, *copies.copies)
        stories = [stored_story[i] for i in ids if i in stored_story]
        for i in ids:
            if i in row and stories:
                copied.setdefault(i, stories[0])

    targets: list[str | None] = []
    links: list[tuple[str, str, str, float]] = []
    for group in groups:
        rows = [row[i] for i in group.articles]
        forced = [copied[i] for i in group.articles if i in copied]
        if forced:
            targets.append(forced[0])
            continue
        # the group's average over the stories any of its articles finds as candidates (every row scored)
        stories = sorted({s for feature in rows for s in index.candidates(feature)})
        above: list[tuple[float, str]] = []
        per_article: dict[str, list[float | None]] = {}
        for story_id in stories:
            found = [index.average(feature, story_id) for feature in rows]
            per_article[story_id] = [f[0] if f is not None else None for f in found]
            average = float(np.mean([f[0] for f in found if f is not None]))
            if average >= THRESHOLD:
                above.append((average, story_id))
        above.sort(reverse=True)
        targets.append(above[0][1] if above else None)
        for _, other in above[1:]:
            best = above[0][1]
            bridges = [
                rows[n].id
                for n, (x, y) in enumerate(zip(per_article[best], per_article[other], strict=True))
                if x is not None and y is not None and x >= THRESHOLD and y >= THRESHOLD
            ]
            between = index.link(best, other) if bridges else None
            if between is not None:
                links.append((best, other, bridges[0], between))
    return targets, links


def _recompute(
    story_id: str,
    articles: Sequence[AnnotatedArticle],
    now: str,
    vectors: Mapping[str, Matrix],
    notes: Mapping[str, str] | None = None,
    *,
    encoder: Encoder | None = None,
) -> StoryRecord:
    """A story's analysis and report JSON from all its articles (annotations and sentence vectors as stored: no
    NLP or embedding reruns; ``encoder`` embeds the leads and the quotes compare cannot match by wording). ``notes``:
    why an article was moved here (a merge or split), added to its reason."""
    duplicates = find_duplicates([a.article for a in articles])
    story = describe_story(articles, duplicates=duplicates, encoder=encoder)
    moved = notes or {}
    reasons = tuple((aid, f"{why}; {moved[aid]}" if aid in moved else why) for aid, why in story.reasons)
    story = replace(story, id=story_id, reasons=reasons)
    (analysis,) = analyze_stories([story], articles, duplicates, encoder=encoder, vectors=vectors)
    by_id = {a.id: a for a in articles}
    report = build_report([by_id[i] for i in story.articles], [analysis], duplicates, generated=now)
    return StoryRecord(analysis=analysis, duplicates=tuple(duplicates), report=to_dict(report))


def _story_id(first: AnnotatedArticle) -> str:
    """A new story's id: from its first article's content hash, so it never changes as the story grows."""
    return content_id("story", first.article.checksum)
