"""The local runner: a batch analysed in this process, stage after stage (annotate in worker processes when large).

``analyze(inputs)`` reads, extracts and annotates (``stages``), then groups, compares and reports; bad documents
become ``Rejection`` records and the batch goes on. ``analyze_articles`` starts from extracted articles.

Each stage logs one INFO line (counts and seconds) to the ``parallax.engine`` loggers, and reports its progress to
the ``progress`` callback: ingest, extract, annotate, group, embed, compare.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from ..embed import Encoder, LazyEncoder
from ..models import Article, Rejection, Report
from ..settings import Settings
from ..sources import IngestCounts, Input
from .stages import (
    Progress,
    Timings,
    analyze_annotated,
    annotate,
    check_articles,
    encoder_of,
    extract,
    no_progress,
    read,
    split,
    timed,
)

__all__ = ["analyze", "analyze_articles"]

logger = logging.getLogger(__name__)


def analyze(
    inputs: Sequence[Input] | Input,
    *,
    settings: Settings | None = None,
    encoder: str | Encoder | None = None,
    progress: Progress | None = None,
    counts: IngestCounts | None = None,
) -> Report:
    """Analyse articles into a coverage report. ``inputs`` (a list, or one input alone) may mix:

    - paths of files and folders (.txt, .md, .html, .json, .jsonl, .csv, .parquet, .warc, optionally .gz), URLs of
      pages, RSS/Atom feeds and sitemaps, and ``-`` (standard input);
    - strings of text or HTML (or JSON records): a ``str`` is a URL when it starts with ``http(s)://``, a path when
      that file or folder exists, text when it holds a line break, starts with ``<``, ``{`` or ``[``, or has 20 words
      or more; any other string is a missing path and raises ``InputError``;
    - dicts: news-please records (``maintext``, ``title``, ``date_publish``, ``source_domain``, ``url``...) or
      trafilatura's JSON (``text``, ``title``, ``date``, ``sitename``/``hostname``, ``url``...);
    - ``Article`` objects.

    Every input goes through extraction (cleaning, the language and length checks); documents that cannot be read
    or used are listed in ``Report.rejections`` (document, stage, reason): ``text #3``, a record's URL or
    ``record #2 (its title)``, an article's source (else ``article <id>``). A path that does not exist raises
    ``InputError``. ``settings`` (None: the defaults) set the size limit, the fetch policy, CSV mapping, the worker
    processes; ``encoder`` overrides ``settings.encoder``: a name ("minilm", "static") or an ``Encoder`` object.
    ``progress(stage, done, total)`` hears of every stage as it goes; ``counts`` is kept up to date while inputs
    are read (accepted, duplicate, rejected, skipped).
    """
    settings, chosen = _chosen(settings, encoder)
    progress = progress or no_progress
    timings: Timings = []
    with timed(timings, "ingest"):
        documents, rejections = split(read(inputs, settings, counts=counts, progress=progress))
    logger.info("ingest took %.1f s: %d documents, %d rejected", timings[-1][1], len(documents), len(rejections))
    with timed(timings, "extract"):
        articles, failed = split(extract(documents, progress))
    logger.info("extract took %.1f s: %d articles, %d rejected", timings[-1][1], len(articles), len(failed))
    return _analyze_extracted(articles, settings, chosen, [*rejections, *failed], progress, timings)


def analyze_articles(
    articles: Sequence[Article],
    *,
    settings: Settings | None = None,
    encoder: str | Encoder | None = None,
    rejections: Sequence[Rejection] = (),
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> Report:
    """Analyse already extracted articles (the part of ``analyze`` after extraction; ``encoder`` as there).

    Their text is used as it is (not cleaned), but checked as extraction checks it: an article whose text is
    clearly not English is left out and listed in ``Report.rejections`` (stage ``extract``, reason ``language``).
    An article too long to analyse (over ``extract.MAX_ARTICLE_CHARS``, the bound extraction applies), or over the
    budget of one article (``settings.article_seconds``, ``settings.article_memory``; ``too-slow``), is left out and
    listed in ``Report.rejections`` (stage ``annotate``, or ``compare`` for one with more sentences or quotes than
    a story's comparison reads), after ``rejections``."""
    settings, chosen = _chosen(settings, encoder)
    checked, foreign = split(check_articles(articles))
    progress = progress or no_progress
    timings = timings if timings is not None else []
    return _analyze_extracted(checked, settings, chosen, [*rejections, *foreign], progress, timings)


def _chosen(settings: Settings | None, encoder: str | Encoder | None) -> tuple[Settings, Encoder]:
    """The run's settings (``encoder``, a name, overriding theirs) and its encoder."""
    settings = settings or Settings()
    if isinstance(encoder, str):
        settings = replace(settings, encoder=encoder)  # checked there: ModelError for an unknown name
        return settings, encoder_of(settings)
    if encoder is None:
        return settings, encoder_of(settings)
    if not callable(getattr(encoder, "encode", None)):
        raise TypeError(f"encoder must be a name or an object with encode(texts), not {type(encoder).__name__}")
    return settings, encoder


def _analyze_extracted(
    articles: Sequence[Article],
    settings: Settings,
    encoder: Encoder,
    rejections: Sequence[Rejection],
    progress: Progress,
    timings: Timings,
) -> Report:
    if len(articles) > 1 and isinstance(encoder, LazyEncoder):
        encoder.preload()  # grouping needs it next: its load overlaps spaCy's work on the second core
    with timed(timings, "annotate"):
        annotated, left_out = split(annotate(articles, settings, progress))
    logger.info("annotate took %.1f s: %d articles, %d left out", timings[-1][1], len(annotated), len(left_out))
    return analyze_annotated(
        annotated, encoder=encoder, rejections=[*rejections, *left_out], progress=progress, timings=timings
    )
