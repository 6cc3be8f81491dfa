"""Wires the stages together: ingest -> extract -> annotate -> group -> compare -> summarize -> Report.

Per story, compare is followed by summarize, tone (``tone``), omissions and exclusives (``coverage``) and
provenance (``provenance``); older reporting (``recycled``) is judged once the whole batch is grouped.

No analysis happens here; each stage is one call into its module. Bad documents become ``Rejection`` records and
the batch goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..annotate.nlp import annotate, within_limits
from ..compare.coverage import outlet_coverage
from ..compare.provenance import trace_sources
from ..compare.recycled import find_recycled
from ..compare.story import MAX_COMPARED, QUOTE_EMBED_MIN_WORDS, compare_story, compared_articles
from ..compare.summary import summarize
from ..compare.tone import entity_tone
from ..embed import encode, preload_encoder
from ..errors import InputError
from ..extract.article import extract
from ..group.batch import group_stories
from ..group.copies import find_duplicates
from ..models import AnnotatedArticle, Article, DuplicateGroup, RawDocument, Rejection, Report, Story, StoryAnalysis
from ..sources.common import MAX_BYTES, IngestCounts, IngestOptions
from ..sources.files import read_inputs
from ..version import __version__

__all__ = ["Progress", "analyze", "analyze_articles", "analyze_stories", "embed_sentences"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a stage runs."""

Matrix = NDArray[np.float32]

# Sentences embedded per chunk of stories in ``analyze_stories``: ~6 MB of vectors; the encoder's batches
# (BATCH_TOKENS) are far smaller, so its speed is the same as one call for everything.
EMBED_CHUNK_SENTENCES = 4096


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def analyze(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
    options: IngestOptions | None = None,
    counts: IngestCounts | None = None,
) -> Report:
    """Analyse files, folders, URLs (pages, feeds, sitemaps), WARC files and ``-`` (stdin) into a coverage report.

    Documents that cannot be read or used are listed in ``Report.rejections`` (document, stage, reason); a path
    that does not exist raises ``InputError``. ``options`` sets the fetch policy and CSV mapping; ``counts`` is
    kept up to date while inputs are read (accepted, duplicate, rejected, skipped).
    """
    report_progress = progress or _quiet
    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    documents: list[RawDocument] = []
    rejections: list[Rejection] = []
    counts = counts if counts is not None else IngestCounts()
    for item in read_inputs(paths, max_bytes=max_bytes, options=options, counts=counts):
        if isinstance(item, Rejection):
            rejections.append(item)
        else:
            documents.append(item)
        report_progress("ingest", counts.accepted + counts.rejected, 0)
    timings.append(("ingest", time.perf_counter() - started))

    lap = time.perf_counter()
    articles: list[Article] = []
    for done, doc in enumerate(documents, 1):
        try:
            articles.append(extract(doc))
        except InputError as exc:
            rejections.append(Rejection.from_error(doc.source, "extract", exc))
        report_progress("extract", done, len(documents))
    timings.append(("extract", time.perf_counter() - lap))
    return analyze_articles(articles, rejections=rejections, progress=progress, timings=timings)


def analyze_articles(
    articles: Sequence[Article],
    *,
    rejections: Sequence[Rejection] = (),
    progress: Progress | None = None,
    timings: list[tuple[str, float]] | None = None,
) -> Report:
    """Analyse already extracted articles (the part of ``analyze`` after extraction).

    An article too long to analyse (over ``extract.MAX_ARTICLE_CHARS``, the bound extraction applies) is left out
    and listed in ``Report.rejections`` (``too-large``, stage ``annotate``), after ``rejections``."""
    report_progress = progress or _quiet
    timings = timings if timings is not None else []
    articles, too_large = within_limits(articles)
    rejections = (*rejections, *too_large)

    if len(articles) > 1:
        preload_encoder()  # grouping needs it next: its 90 MB load overlaps spaCy's work on the second core
    lap = time.perf_counter()
    annotated: list[AnnotatedArticle] = []
    for done, item in enumerate(annotate(articles), 1):
        annotated.append(item)
        report_progress("annotate", done, len(articles))
    timings.append(("annotate", time.perf_counter() - lap))

    lap = time.perf_counter()
    duplicates = find_duplicates([a.article for a in annotated])
    stories = group_stories(annotated, duplicates=duplicates)
    timings.append(("group", time.perf_counter() - lap))

    analyses = analyze_stories(stories, annotated, duplicates, progress=progress, timings=timings)

    return Report(
        articles=tuple(annotated),
        stories=tuple(analyses),
        duplicates=duplicates,
        rejections=tuple(rejections),
        generated=datetime.now(UTC).replace(microsecond=0).isoformat(),
        version=__version__,
        timings=tuple(timings),
    )


def analyze_stories(
    stories: Sequence[Story],
    annotated: Sequence[AnnotatedArticle],
    duplicates: Sequence[DuplicateGroup] = (),
    *,
    progress: Progress | None = None,
    timings: list[tuple[str, float]] | None = None,
    vectors: Mapping[str, Matrix] | None = None,
) -> tuple[StoryAnalysis, ...]:
    """Compare and summarise stories already grouped (the part of ``analyze_articles`` after grouping).

    ``annotated`` must hold every article of every story; ``duplicates`` the copies among them. ``vectors`` may
    hold sentence vectors computed earlier (``embed_sentences``), by article id; other articles are embedded here.
    """
    report_progress = progress or _quiet
    timings = timings if timings is not None else []
    by_id = {a.id: a for a in annotated}
    copies = {copy: group.original for group in duplicates for copy in group.copies}
    known = vectors or {}
    loaded = Counter((a.id, t.sentence) for a in annotated for t in a.loaded_terms if t.kind != "hedge")
    analyses: list[StoryAnalysis] = []
    embed_seconds = compare_seconds = 0.0
    # Stories go through embed + compare a chunk at a time, so only one chunk's sentence vectors are held at once
    # (at 100k articles all of them would take ~4 GB); a chunk is large enough to keep the encoder's batches full.
    for chunk in _chunks(stories, by_id):
        lap = time.perf_counter()
        # the articles compare reads: every article of a story, or its sample when it is large (compared_articles)
        multi = [
            a
            for story in chunk
            if len(story.articles) > 1
            for a in compared_articles([by_id[i] for i in story.articles], copies)
        ]
        sentence_vectors = _embed([a for a in multi if a.id not in known])
        sentence_vectors.update({a.id: known[a.id] for a in multi if a.id in known})
        quote_encode = _quote_encoder(multi)
        embed_seconds += time.perf_counter() - lap
        lap = time.perf_counter()
        for story in chunk:
            members = [by_id[i] for i in story.articles]
            story_vectors = {a.id: sentence_vectors.get(a.id, _empty(len(a.sentences))) for a in members}
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
    return tuple(analyses)


def _quote_encoder(articles: Sequence[AnnotatedArticle]) -> Callable[[Sequence[str]], Matrix]:
    """``encode`` for compare, with the quotes it may embed encoded beforehand in one batch.

    compare embeds a quote only when wording alone does not match it to another, one call per quote: on a loaded
    2-core machine those single-sentence calls took 92% of the compare stage (py-spy, 1,000 articles). One batch
    for every candidate quote of the chunk costs less than those calls even when some vectors go unused.
    """
    texts = sorted(
        {
            q.text
            for a in articles
            for q in a.quotes
            if (q.kind == "direct" or q.speaker) and len(q.text.split()) >= QUOTE_EMBED_MIN_WORDS
        }
    )
    cache = dict(zip(texts, encode(texts), strict=True)) if texts else {}

    def cached(batch: Sequence[str]) -> Matrix:
        missing = [t for t in batch if t not in cache]
        if missing:
            cache.update(zip(missing, encode(missing), strict=True))
        return np.stack([cache[t] for t in batch]) if batch else np.zeros((0, 384), dtype=np.float32)

    return cached


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


def _empty(rows: int) -> Matrix:
    # Articles alone in their story are not embedded: their facts are their own sentences. Zero rows keep shapes.
    return np.zeros((rows, 384), dtype=np.float32)


def embed_sentences(articles: Sequence[AnnotatedArticle]) -> dict[str, Matrix]:
    """Every sentence of the articles as a vector (one encoder call): article id -> (sentences x 384) matrix."""
    return _embed(articles)


def _embed(articles: Sequence[AnnotatedArticle]) -> dict[str, Matrix]:
    """One encoder call for every sentence of the articles that share a story with others."""
    texts = [s.text for article in articles for s in article.sentences]
    vectors = encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    by_article: dict[str, Matrix] = {}
    row = 0
    for article in articles:
        by_article[article.id] = vectors[row : row + len(article.sentences)]
        row += len(article.sentences)
    return by_article
