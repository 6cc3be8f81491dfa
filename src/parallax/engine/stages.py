"""The stages, defined once: read -> extract -> annotate -> group -> compare -> report.

Each stage takes the records of the one before and gives its own, with a ``Rejection`` for each document it cannot
use (the batch goes on). No analysis happens here: each stage is calls into its package. The runners only decide how
the stages execute: ``local`` in this process (annotate in worker processes), ``store`` into a store (incremental
assignment), ``ray`` as Ray Data tasks, ``watch`` in a polling loop.

Per story, compare is followed by summarize, tone (``tone``), omissions and exclusives (``coverage``) and provenance
(``provenance``); older reporting (``recycled``) is judged once the whole batch is grouped.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableSet, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..annotate.budget import Budget, annotate_within
from ..annotate.nlp import PARALLEL_MIN_ARTICLES, within_limits
from ..compare.coverage import outlet_coverage
from ..compare.provenance import trace_sources
from ..compare.recycled import find_recycled
from ..compare.story import (
    MAX_COMPARED,
    QUOTE_EMBED_MIN_WORDS,
    check_comparable,
    compare_story,
    compared_articles,
)
from ..compare.summary import summarize
from ..compare.tone import entity_tone
from ..embed import Advance, Encoder, LazyEncoder, Matrix, empty, encode_counted
from ..errors import InputError
from ..extract.article import check_language
from ..extract.article import extract as extract_article
from ..group.batch import group_stories
from ..group.copies import find_duplicates
from ..models import (
    AnnotatedArticle,
    Article,
    DuplicateGroup,
    RawDocument,
    Rejection,
    Report,
    Story,
    StoryAnalysis,
)
from ..settings import Settings
from ..sources import IngestCounts, IngestOptions, Input, read_items
from ..version import __version__

if TYPE_CHECKING:
    from ..sources.fetch import Fetcher

__all__ = [
    "EMBED_CHUNK_SENTENCES",
    "Progress",
    "Timings",
    "analyze_annotated",
    "analyze_stories",
    "annotate",
    "build_report",
    "check_articles",
    "embed_sentences",
    "encoder_of",
    "extract",
    "extract_one",
    "group",
    "no_progress",
    "read",
    "split",
    "timed",
]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a stage runs (a total of 0: not known yet)."""

Timings = list[tuple[str, float]]
"""Seconds per stage, in the order they ran (``Report.timings``)."""

# Sentences embedded per chunk of stories in ``analyze_stories``: ~6 MB of vectors; the encoder's batches
# (BATCH_TOKENS) are far smaller, so its speed is the same as one call for everything.
EMBED_CHUNK_SENTENCES = 4096

T = TypeVar("T")

logger = logging.getLogger(__name__)


def no_progress(stage: str, done: int, total: int) -> None:
    """The ``Progress`` of a run nobody watches."""
    return None


def split(items: Iterable[T | Rejection]) -> tuple[list[T], list[Rejection]]:
    """A stage's output as (the records it made, the rejections), each in order."""
    kept: list[T] = []
    rejections: list[Rejection] = []
    for item in items:
        if isinstance(item, Rejection):
            rejections.append(item)
        else:
            kept.append(item)
    return kept, rejections


@contextmanager
def timed(timings: Timings, stage: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings`` as ``stage``."""
    started = time.perf_counter()
    yield
    timings.append((stage, time.perf_counter() - started))
    logger.debug("%s: %.1f s", stage, timings[-1][1])


def encoder_of(settings: Settings) -> LazyEncoder:
    """The sentence encoder the settings choose, loaded on first use."""
    return LazyEncoder(settings.encoder, settings.device, settings.encoder_dir, settings.cache_dir)


# --- read, extract, annotate: per document ----------------------------------------------------------------------


def read(
    paths: Sequence[Input] | Input,
    settings: Settings,
    *,
    counts: IngestCounts | None = None,
    progress: Progress = no_progress,
    seen: MutableSet[str] | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Every document in ``paths`` (files, folders, URLs, feeds, sitemaps, WARC, ``-``, and text, records and
    articles held in memory: :mod:`parallax.sources.inputs`), or a Rejection for each bad one, read with the
    settings' size limit, fetch policy and CSV columns (:func:`parallax.sources.read_items`; ``counts``, ``seen``
    and ``fetcher`` as there). Raises ``InputError`` for a path that does not exist."""
    counts = counts if counts is not None else IngestCounts()
    options = IngestOptions(fetch=settings.fetch, csv_map=settings.csv_map, csv_dialect=settings.csv_dialect)
    for item in read_items(
        paths, max_bytes=settings.max_bytes, options=options, counts=counts, seen=seen, fetcher=fetcher
    ):
        yield item
        progress("ingest", counts.accepted + counts.rejected, 0)


def extract_one(document: RawDocument) -> Article | Rejection:
    """The article in one document, or why there is none."""
    try:
        return extract_article(document)
    except InputError as exc:
        return Rejection.from_error(document.source, "extract", exc)


def extract(documents: Sequence[RawDocument], progress: Progress = no_progress) -> Iterator[Article | Rejection]:
    """The article in each document, or a Rejection, in order."""
    for done, document in enumerate(documents, 1):
        yield extract_one(document)
        progress("extract", done, len(documents))


def check_articles(articles: Sequence[Article]) -> Iterator[Article | Rejection]:
    """Each article given already extracted (``analyze_articles``), or a Rejection (stage ``extract``, reason
    ``language``) for one whose text is clearly not English: the check extraction makes on every document."""
    for article in articles:
        if not isinstance(article, Article):
            raise TypeError(f"analyze_articles() takes Article records, not {type(article).__name__}")
        try:
            check_language(article.text)
        except InputError as exc:
            name = article.source or f"article {article.id}"
            yield Rejection.from_error(name, "extract", exc, message=f"article {article.id!r}: {exc.message}")
        else:
            yield article


def annotate(
    articles: Sequence[Article], settings: Settings, progress: Progress = no_progress, *, batch_size: int = 16
) -> Iterator[AnnotatedArticle | Rejection]:
    """Each article annotated, in order, or a Rejection instead (the batch goes on): ``too-large`` (stage
    ``annotate``) for an article too long to analyse (over ``extract.MAX_ARTICLE_CHARS``), ``too-slow`` (stage
    ``annotate``) for one over the budget of one article (``settings.article_seconds``, ``settings.article_memory``),
    ``too-slow`` (stage ``compare``) for one with more sentences or quotes than a story's comparison reads. A batch
    of ``PARALLEL_MIN_ARTICLES`` or more is shared by ``settings.processes`` worker processes (None: one per CPU); a
    smaller one runs here (no start-up cost)."""
    kept, too_large = within_limits(articles)
    fits = {id(article) for article in kept}
    rejections = iter(too_large)
    workers = settings.processes if settings.processes and len(kept) >= PARALLEL_MIN_ARTICLES else None
    budget = Budget(settings.article_seconds, settings.article_memory)
    position = 0
    progress("annotate", 0, len(kept))  # shown at once: the workers take seconds to start
    for done, item in enumerate(annotate_within(kept, budget, batch_size=batch_size, n_process=workers), 1):
        while id(articles[position]) not in fits:
            yield next(rejections)
            position += 1
        yield item if isinstance(item, Rejection) else _comparable(item)
        position += 1
        progress("annotate", done, len(kept))
    yield from rejections


def _comparable(annotated: AnnotatedArticle) -> AnnotatedArticle | Rejection:
    try:
        return check_comparable(annotated)
    except InputError as exc:
        return Rejection.from_error(exc.document, "compare", exc)


# --- group, compare, report: per batch ----------------------------------------------------------------------------


def group(
    annotated: Sequence[AnnotatedArticle], encoder: Encoder
) -> tuple[tuple[Story, ...], tuple[DuplicateGroup, ...]]:
    """The batch's stories, and the copies among its articles (syndication)."""
    duplicates = find_duplicates([a.article for a in annotated])
    return group_stories(annotated, duplicates=duplicates, encoder=encoder), duplicates


def build_report(
    annotated: Sequence[AnnotatedArticle],
    analyses: Sequence[StoryAnalysis],
    duplicates: Sequence[DuplicateGroup],
    rejections: Sequence[Rejection] = (),
    timings: Sequence[tuple[str, float]] = (),
    *,
    generated: str | None = None,
) -> Report:
    """The report of a batch (or of one stored story): its records, this version, when (``generated``: now)."""
    return Report(
        articles=tuple(annotated),
        stories=tuple(analyses),
        duplicates=tuple(duplicates),
        rejections=tuple(rejections),
        generated=generated or datetime.now(UTC).replace(microsecond=0).isoformat(),
        version=__version__,
        timings=tuple(timings),
    )


def analyze_annotated(
    annotated: Sequence[AnnotatedArticle],
    *,
    encoder: Encoder,
    rejections: Sequence[Rejection] = (),
    progress: Progress = no_progress,
    timings: Timings | None = None,
) -> Report:
    """The stages after annotation for a whole batch: group, compare, and the report."""
    timings = timings if timings is not None else []
    with timed(timings, "group"):
        progress("group", 0, len(annotated))
        stories, duplicates = group(annotated, encoder)
        progress("group", len(annotated), len(annotated))
    logger.info(
        "group took %.1f s: %d articles into %d stories (%d groups of copies)",
        timings[-1][1],
        len(annotated),
        len(stories),
        len(duplicates),
    )
    analyses = analyze_stories(stories, annotated, duplicates, encoder=encoder, progress=progress, timings=timings)
    return build_report(annotated, analyses, duplicates, rejections, timings)


def analyze_stories(
    stories: Sequence[Story],
    annotated: Sequence[AnnotatedArticle],
    duplicates: Sequence[DuplicateGroup] = (),
    *,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    timings: Timings | None = None,
    vectors: Mapping[str, Matrix] | None = None,
) -> tuple[StoryAnalysis, ...]:
    """Compare and summarise stories already grouped (the stage after ``group``).

    ``annotated`` must hold every article of every story; ``duplicates`` the copies among them. ``vectors`` may
    hold sentence vectors computed earlier (``embed_sentences``), by article id; other articles are embedded here
    with ``encoder`` (None: the default, MiniLM). ``progress`` hears of "embed" (sentences and quotes embedded, of all
    to embed, after each of the encoder's batches) and "compare" (stories done).
    """
    report_progress = progress or no_progress
    encoder = encoder or LazyEncoder()
    timings = timings if timings is not None else []
    by_id = {a.id: a for a in annotated}
    copies = {copy: group.original for group in duplicates for copy in group.copies}
    known = vectors or {}
    loaded = Counter((a.id, t.sentence) for a in annotated for t in a.loaded_terms if t.kind != "hedge")
    analyses: list[StoryAnalysis] = []
    embed_seconds = compare_seconds = 0.0
    # Stories go through embed + compare a chunk at a time, so only one chunk's sentence vectors are held at once
    # (at 100k articles all of them would take ~4 GB); a chunk is large enough to keep the encoder's batches full.
    plan = _plan(stories, by_id, copies)
    to_embed = sum(len({s.text for a in multi if a.id not in known for s in a.sentences}) for _, multi in plan)
    quotes = sum(len(_candidate_quotes(multi)) for _, multi in plan)
    advance = _EmbedProgress(to_embed + quotes, progress) if progress is not None and to_embed + quotes else None
    for chunk, multi in plan:
        lap = time.perf_counter()
        sentence_vectors = embed_sentences([a for a in multi if a.id not in known], encoder, advance=advance)
        sentence_vectors.update({a.id: known[a.id] for a in multi if a.id in known})
        quote_encode = _quote_encoder(multi, encoder, advance)
        embed_seconds += time.perf_counter() - lap
        lap = time.perf_counter()
        for story in chunk:
            members = [by_id[i] for i in story.articles]
            # articles alone in their story are not embedded (their facts are their own sentences): zero rows
            story_vectors = {a.id: sentence_vectors.get(a.id, empty(len(a.sentences))) for a in members}
            analysis = compare_story(story, members, story_vectors, encode=quote_encode, copies=copies)
            edges, sourcing = trace_sources(story, members, copies)
            analyses.append(
                replace(
                    analysis,
                    summary=summarize(analysis, sentence_vectors, loaded),
                    tone=entity_tone(story, members),
                    coverage=outlet_coverage(story, analysis.facts, copies),
                    provenance=edges,
                    sourcing=sourcing,
                )
            )
            report_progress("compare", len(analyses), len(stories))
        compare_seconds += time.perf_counter() - lap
    lap = time.perf_counter()
    recycled = find_recycled(stories, annotated)
    analyses = [replace(a, recycled=recycled.get(a.story.id, ())) for a in analyses]
    timings.append(("embed", embed_seconds))
    timings.append(("compare", compare_seconds + time.perf_counter() - lap))
    logger.info("embed took %.1f s: %d sentences, %d quotes", embed_seconds, to_embed, quotes)
    logger.info(
        "compare took %.1f s: %d stories, %d facts, %d conflicts",
        timings[-1][1],
        len(analyses),
        sum(len(a.facts) for a in analyses),
        sum(len(a.conflicts) for a in analyses),
    )
    return tuple(analyses)


class _EmbedProgress:
    """``Advance`` for the embed stage: the texts (sentences, then quotes) embedded so far, told to ``progress``."""

    def __init__(self, total: int, progress: Progress) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        progress("embed", 0, total)

    def __call__(self, n: int) -> None:
        self.done += n
        self.progress("embed", self.done, self.total)


def embed_sentences(
    articles: Sequence[AnnotatedArticle], encoder: Encoder | None = None, *, advance: Advance | None = None
) -> dict[str, Matrix]:
    """Every sentence of the articles as a vector, in one encoder call (``encoder`` None: the default, MiniLM):
    article id -> (sentences x ``DIMENSIONS``) matrix. A text that occurs more than once (syndicated copies,
    boilerplate lines) is embedded once. ``advance(n)`` (if given) is called as each batch of ``n`` distinct
    sentences is done (``embed.encode_counted``)."""
    texts = [s.text for article in articles for s in article.sentences]
    distinct = list(dict.fromkeys(texts))
    chosen = encoder or LazyEncoder()
    if not distinct:
        vectors = empty()
    else:
        unique = encode_counted(chosen, distinct, advance) if advance is not None else chosen.encode(distinct)
        row_of = {text: row for row, text in enumerate(distinct)}
        vectors = unique[[row_of[text] for text in texts]]
    by_article: dict[str, Matrix] = {}
    row = 0
    for article in articles:
        by_article[article.id] = vectors[row : row + len(article.sentences)]
        row += len(article.sentences)
    return by_article


def _candidate_quotes(articles: Sequence[AnnotatedArticle]) -> list[str]:
    """The quotes of the articles that compare may embed (direct or attributed, long enough), each once."""
    return sorted(
        {
            q.text
            for a in articles
            for q in a.quotes
            if (q.kind == "direct" or q.speaker) and len(q.text.split()) >= QUOTE_EMBED_MIN_WORDS
        }
    )


def _quote_encoder(
    articles: Sequence[AnnotatedArticle], encoder: Encoder, advance: Advance | None = None
) -> Callable[[Sequence[str]], Matrix]:
    """``encode`` for compare, with the quotes it may embed encoded beforehand in one batch (``advance`` as for
    ``embed_sentences``).

    compare embeds a quote only when wording alone does not match it to another, one call per quote: on a loaded
    2-core machine those single-sentence calls took 92% of the compare stage (py-spy, 1,000 articles). One batch
    for every candidate quote of the chunk costs less than those calls even when some vectors go unused.
    """
    texts = _candidate_quotes(articles)
    if not texts:
        cache: dict[str, Matrix] = {}
    else:
        vectors = encode_counted(encoder, texts, advance) if advance is not None else encoder.encode(texts)
        cache = dict(zip(texts, vectors, strict=True))

    def cached(batch: Sequence[str]) -> Matrix:
        missing = [t for t in batch if t not in cache]
        if missing:
            cache.update(zip(missing, encoder.encode(missing), strict=True))
        return np.stack([cache[t] for t in batch]) if batch else empty()

    return cached


def _plan(
    stories: Sequence[Story], by_id: Mapping[str, AnnotatedArticle], copies: Mapping[str, str]
) -> list[tuple[list[Story], list[AnnotatedArticle]]]:
    """The chunks of stories (``_chunks``), each with the articles compare reads in it: every article of a story of
    several, or its sample when it is large (``compared_articles``)."""
    return [
        (
            chunk,
            [
                a
                for s in chunk
                if len(s.articles) > 1
                for a in compared_articles([by_id[i] for i in s.articles], copies)
            ],
        )
        for chunk in _chunks(stories, by_id)
    ]


def _chunks(stories: Sequence[Story], by_id: Mapping[str, AnnotatedArticle]) -> Iterator[list[Story]]:
    """Consecutive stories holding about ``EMBED_CHUNK_SENTENCES`` sentences to embed (stories of one: none)."""
    chunk: list[Story] = []
    size = 0
    for story in stories:
        chunk.append(story)
        if len(story.articles) > 1:
            size += sum(len(by_id[i].sentences) for i in story.articles[:MAX_COMPARED])
        if size >= EMBED_CHUNK_SENTENCES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
