"""The local runner: a batch analysed in this process, stage after stage (annotate in worker processes when large).

``analyze(paths)`` reads, extracts and annotates (``stages``), then groups, compares and reports; bad documents
become ``Rejection`` records and the batch goes on. ``analyze_articles`` starts from extracted articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..models import Article, Rejection, Report
from ..settings import Settings
from ..sources import IngestCounts
from .stages import Progress, Timings, analyze_annotated, annotate, encoder_of, extract, no_progress, read, split, timed

__all__ = ["analyze", "analyze_articles"]


def analyze(
    paths: Sequence[str | Path],
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    counts: IngestCounts | None = None,
) -> Report:
    """Analyse files, folders, URLs (pages, feeds, sitemaps), WARC files and ``-`` (stdin) into a coverage report.

    Documents that cannot be read or used are listed in ``Report.rejections`` (document, stage, reason); a path
    that does not exist raises ``InputError``. ``settings`` (None: the defaults) set the encoder, the size limit,
    the fetch policy and CSV mapping; ``counts`` is kept up to date while inputs are read (accepted, duplicate,
    rejected, skipped).
    """
    settings = settings or Settings()
    progress = progress or no_progress
    timings: Timings = []
    with timed(timings, "ingest"):
        documents, rejections = split(read(paths, settings, counts=counts, progress=progress))
    with timed(timings, "extract"):
        articles, failed = split(extract(documents, progress))
    return analyze_articles(
        articles, settings=settings, rejections=[*rejections, *failed], progress=progress, timings=timings
    )


def analyze_articles(
    articles: Sequence[Article],
    *,
    settings: Settings | None = None,
    rejections: Sequence[Rejection] = (),
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> Report:
    """Analyse already extracted articles (the part of ``analyze`` after extraction).

    An article too long to analyse (over ``extract.MAX_ARTICLE_CHARS``, the bound extraction applies), or over the
    budget of one article (``settings.article_seconds``, ``settings.article_memory``; ``too-slow``), is left out and
    listed in ``Report.rejections`` (stage ``annotate``, or ``compare`` for one with more sentences or quotes than
    a story's comparison reads), after ``rejections``."""
    settings = settings or Settings()
    progress = progress or no_progress
    timings = timings if timings is not None else []
    encoder = encoder_of(settings)
    if len(articles) > 1:
        encoder.preload()  # grouping needs it next: its load overlaps spaCy's work on the second core
    with timed(timings, "annotate"):
        annotated, left_out = split(annotate(articles, settings, progress))
    return analyze_annotated(
        annotated, encoder=encoder, rejections=[*rejections, *left_out], progress=progress, timings=timings
    )
