"""A batch analysed into report files without holding it: ``analyze_to(inputs, targets)``.

The stages are ``local.analyze``'s, run so that memory stays bounded as the batch grows:

- documents are read, extracted and annotated ``STREAM_BATCH`` at a time, and each annotated article goes to a
  ``Spill`` (a temporary SQLite file) instead of a list;
- copies and stories are found over the spill (grouping streams a large batch in date order, a chunk at a time);
- stories are compared ``COMPARE_ARTICLES`` articles at a time (only their articles read back), and each story's
  part of the report is written as soon as it is compared (``report.stream.ReportStream``);
- the report files are assembled at the end: the articles read once more, one at a time.

The report is the same as ``render(analyze(inputs), fmt)`` writes (the test suite checks it byte for byte). JSON
and Markdown are written this way; a target in HTML makes the run hold the whole report, as ``analyze`` does (see
``report.stream``).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..compare.recycled import find_recycled
from ..embed import Encoder, LazyEncoder
from ..group.batch import group_stories
from ..group.copies import find_duplicates
from ..models import AnnotatedArticle, Article, Rejection, Report, Story
from ..report.output import write
from ..report.stream import ReportStream, streamed
from ..settings import Settings
from ..sources import IngestCounts, Input
from ..tables import article_labels
from ..version import __version__
from .local import _chosen, analyze
from .spill import ArticlesOf, Spill
from .stages import Progress, Timings, analyze_stories, annotate, extract, no_progress, read, split

__all__ = ["COMPARE_ARTICLES", "STREAM_BATCH", "Written", "analyze_to"]

logger = logging.getLogger(__name__)

# Documents read, extracted and annotated together: large enough that the annotate workers' start-up (~2 s) is
# small beside their work, small enough that their texts are a few tens of MB.
STREAM_BATCH = 4000
# Articles of the stories compared together (their sentence vectors and records in memory at once).
COMPARE_ARTICLES = 2000


@dataclass(frozen=True)
class Written:
    """What ``analyze_to`` wrote: the files, and the counts a caller reports."""

    paths: tuple[Path, ...]
    articles: int
    stories: int
    facts: int
    rejections: tuple[Rejection, ...]
    timings: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, report: Report, paths: tuple[Path, ...] = ()) -> Written:
        """The counts of a report held in memory (written to ``paths``)."""
        facts = sum(len(s.facts) for s in report.stories)
        return cls(paths, len(report.articles), len(report.stories), facts, report.rejections, report.timings)


def analyze_to(
    inputs: Sequence[Input] | Input,
    targets: Sequence[tuple[str | Path, str]],
    *,
    settings: Settings | None = None,
    encoder: str | Encoder | None = None,
    progress: Progress | None = None,
    counts: IngestCounts | None = None,
) -> Written:
    """Analyse ``inputs`` (as ``analyze`` takes them) into report files: ``targets`` are (path, format) pairs
    (json, md, markdown, html). With only JSON and Markdown targets the batch is never held in memory (see the
    module docstring); with an HTML target the whole report is built, as ``analyze`` does, and written to each."""
    if not targets or not all(streamed(fmt) for _, fmt in targets):
        report = analyze(inputs, settings=settings, encoder=encoder, progress=progress, counts=counts)
        return Written.of(report, tuple(write(report, path, fmt) for path, fmt in targets))
    settings, chosen = _chosen(settings, encoder)
    progress = progress or no_progress
    timings: dict[str, float] = {}
    with Spill() as spill:
        held = _Held()
        rejections = _annotate_into(spill, held, inputs, settings, chosen, progress, counts, timings)
        return _compare_and_write(spill, held, targets, chosen, rejections, progress, timings)


class _Held:
    """What the later stages read of every article, kept as each is spilled (no pass over the spill for it):
    publication dates (the recycled check's batch reference) and what ``article_labels`` reads."""

    def __init__(self) -> None:
        self.published: list[str | None] = []
        self.stubs: list[AnnotatedArticle] = []

    def add(self, a: AnnotatedArticle) -> None:
        self.published.append(a.article.published)
        first = a.sentences[:1]
        text = a.article.text[: first[0].end] if first else ""
        article = Article(id=a.id, source="", text=text, title=a.article.title, outlet=a.article.outlet)
        self.stubs.append(AnnotatedArticle(article=article, sentences=first))


def _annotate_into(
    spill: Spill,
    held: _Held,
    inputs: Sequence[Input] | Input,
    settings: Settings,
    encoder: Encoder,
    progress: Progress,
    counts: IngestCounts | None,
    timings: dict[str, float],
) -> list[Rejection]:
    """Read, extract and annotate ``STREAM_BATCH`` documents at a time into ``spill``; the rejections, in the order
    ``analyze`` lists them (reading, extraction, annotation)."""
    read_back: list[Rejection] = []
    failed: list[Rejection] = []
    left_out: list[Rejection] = []
    documents = read(inputs, settings, counts=counts, progress=progress)
    preloaded = False
    extracted = 0
    while True:
        lap = time.perf_counter()
        batch, rejected = split(itertools.islice(documents, STREAM_BATCH))
        read_back += rejected
        _add(timings, "ingest", lap)
        if not batch and not rejected:
            break
        lap = time.perf_counter()
        articles, bad = split(extract(batch, _offset(progress, "extract", extracted)))
        extracted += len(batch)
        failed += bad
        _add(timings, "extract", lap)
        if articles and not preloaded and isinstance(encoder, LazyEncoder):
            encoder.preload()  # grouping needs it: its load overlaps spaCy's work on the second core
            preloaded = True
        lap = time.perf_counter()
        for item in annotate(articles, settings, _offset(progress, "annotate", len(spill))):
            if isinstance(item, Rejection):
                left_out.append(item)
            else:
                spill.append(item)
                held.add(item)
        _add(timings, "annotate", lap)
    logger.info(
        "annotate took %.1f s: %d articles, %d left out", timings.get("annotate", 0.0), len(spill), len(left_out)
    )
    return [*read_back, *failed, *left_out]


def _compare_and_write(
    spill: Spill,
    held: _Held,
    targets: Sequence[tuple[str | Path, str]],
    encoder: Encoder,
    rejections: list[Rejection],
    progress: Progress,
    timings: dict[str, float],
) -> Written:
    lap = time.perf_counter()
    progress("group", 0, len(spill))
    duplicates = find_duplicates(ArticlesOf(spill))
    stories = group_stories(spill, duplicates=duplicates, encoder=encoder) if len(spill) else ()
    progress("group", len(spill), len(spill))
    _add(timings, "group", lap)
    logger.info("group took %.1f s: %d articles into %d stories", timings["group"], len(spill), len(stories))
    labels = article_labels(held.stubs)
    held.stubs.clear()
    stream = ReportStream(targets, labels, duplicates)
    try:
        done = 0
        for chunk in _chunks(stories):
            members = [spill.get(aid) for story in chunk for aid in story.articles]
            part: Timings = []
            analyses = analyze_stories(
                chunk,
                members,
                duplicates,
                encoder=encoder,
                progress=_offset(progress, "compare", done),
                timings=part,
            )
            recycled = find_recycled(chunk, members, batch_published=held.published)
            by_id = {a.id: a for a in members}
            for analysis in analyses:
                analysis = replace(analysis, recycled=recycled.get(analysis.story.id, ()))
                stream.add(analysis, {aid: by_id[aid] for aid in analysis.story.articles})
            for stage, seconds in part:
                timings[stage] = timings.get(stage, 0.0) + seconds
            done += len(chunk)
        progress("write", 0, len(targets))
        generated = datetime.now(UTC).replace(microsecond=0).isoformat()
        paths = stream.finish(spill, len(spill), rejections, generated=generated, version=__version__)
        progress("write", len(targets), len(targets))
    finally:
        stream.close()
    order = ("ingest", "extract", "annotate", "group", "embed", "compare")
    return Written(
        tuple(paths),
        len(spill),
        len(stories),
        stream.facts,
        tuple(rejections),
        tuple((stage, timings[stage]) for stage in order if stage in timings),
    )


def _chunks(stories: Sequence[Story]) -> Iterator[list[Story]]:
    """Consecutive stories of about ``COMPARE_ARTICLES`` articles in all."""
    chunk: list[Story] = []
    size = 0
    for story in stories:
        chunk.append(story)
        size += len(story.articles)
        if size >= COMPARE_ARTICLES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _offset(progress: Progress, stage: str, before: int) -> Progress:
    """``progress`` for one part of a stage: counts go on from ``before``, the total is not known (0)."""

    def told(name: str, done: int, total: int) -> None:
        progress(name, before + done if name == stage else done, 0 if name == stage else total)

    return told


def _add(timings: dict[str, float], stage: str, started: float) -> None:
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
