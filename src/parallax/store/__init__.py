"""The store: where ingested articles and their stories are kept, behind one narrow interface.

``open_store(url)`` gives a :class:`Store`: SQLite by default (a file, WAL mode; a plain path or ``sqlite:///path``),
PostgreSQL by URL (``postgresql://user@host:port/db``, psycopg 3). Nothing outside this package talks SQL.

What is kept, per article: its metadata, clean text and every annotation (serialised with :mod:`parallax.codec`,
so recomputing a story never re-runs spaCy), the story it belongs to, and rows for queries (entities, citations,
full-text index). Per story: its :class:`~parallax.models.StoryAnalysis`, the report JSON of that story alone
(``report.to_dict`` of a report holding the story's articles and analysis) and summary columns.

Story ids are stable: a story keeps the id it got when it was created (derived from its first article's content
hash) while it grows, so URLs stay valid. When an ingest merges two stories the older id survives and the other is
kept in ``merged_stories`` (``merged_into`` says where it went); when it splits one, the part holding the oldest
article keeps the id. Writes come only from :mod:`parallax.engine.store` (``ingest_paths``),
which decides which story each new article joins and recomputes only the stories that changed.

The store also holds the ingest queue (:class:`Job`): the web app adds a job for each upload, and a worker process
(:mod:`parallax.engine.jobs`) claims it, runs the store runner and records the outcome.

Reads return the records below (:class:`StoryInfo`, :class:`ArticleInfo`, :class:`OutletInfo`,
:class:`SearchHit`), lists of them in a :class:`Page`; a missing id gives ``None``, never an exception.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from ..embed.base import DIMENSIONS
from ..errors import ConfigError
from ..models import AnnotatedArticle, DuplicateGroup, Report, StoryAnalysis

__all__ = [
    "DEFAULT_DB",
    "JOB_STATES",
    "MARK_END",
    "MARK_START",
    "TABLES",
    "VECTOR_SIZE",
    "ArticleInfo",
    "Job",
    "JobState",
    "Matrix",
    "OutletInfo",
    "Page",
    "SearchHit",
    "Sort",
    "Store",
    "StoredArticle",
    "StoryInfo",
    "StoryRecord",
    "Table",
    "open_store",
]

DEFAULT_DB = "parallax.db"  # in the current folder, when no store is named (nor $PARALLAX_DB, read by the commands)

# Search snippets mark each matched term with these two private-use characters (never found in news text), so a
# caller can escape the snippet for HTML first and then turn the marks into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"

# Every table a backend keeps, in the order ``Store.rows`` and ``dump`` list them (full-text indexes excluded).
TABLES = ("schema_migrations", "stories", "articles", "entities", "citations", "facts", "merged_stories")

VECTOR_SIZE = DIMENSIONS  # the sentence encoders' width

Sort = Literal["newest", "largest"]

JobState = Literal["queued", "running", "done", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "running", "done", "failed")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list: ``items`` from position ``offset``; ``total`` counts the whole list."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class StoryInfo:
    """A story's summary row.

    ``first_published``/``last_published`` are the earliest and latest publication dates of its articles (ISO
    strings as the articles give them; ``None`` when none is dated). ``created`` and ``updated`` are UTC ISO
    timestamps of when the store created the story and last recomputed it.
    """

    id: str
    title: str
    articles: int
    outlets: tuple[str, ...]
    facts: int
    conflicts: int
    first_published: str | None
    last_published: str | None
    created: str
    updated: str


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article's summary row. ``checksum`` is the content hash of its clean text (re-ingesting it is a no-op);
    ``added`` the UTC ISO timestamp of when it was ingested; ``words`` the length of its clean text."""

    id: str
    story_id: str
    title: str | None
    outlet: str | None
    byline: str | None
    published: str | None
    url: str | None
    source: str
    checksum: str
    language: str
    words: int
    added: str


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One article as stored: its summary row and the full annotated record (clean text, sentences, entities,
    quotes, citations, dates, quantities, loaded terms: everything needed to highlight it)."""

    info: ArticleInfo
    annotated: AnnotatedArticle


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """Aggregates over one outlet's stored articles (articles without an outlet are not listed).

    ``cites`` are the upstream sources its articles credit most, with how many of its articles credit each.
    ``mean_tone`` is the average article tone (-1 .. +1).
    """

    name: str
    articles: int
    stories: int
    first_published: str | None
    last_published: str | None
    mean_tone: float
    quotes: int
    citations: int
    loaded_terms: int
    cites: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article matching a full-text query. ``snippet`` is plain text around the match with each matched term
    between MARK_START and MARK_END; ``rank`` orders hits (higher is better; scales differ between backends)."""

    article_id: str
    story_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """What ``Store.save`` writes for one new or recomputed story: its analysis (the story's ``id`` is the stable
    store id), the copies found among its articles, and its report JSON (``report.to_dict`` of the story alone)."""

    analysis: StoryAnalysis
    duplicates: tuple[DuplicateGroup, ...]
    report: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Job:
    """An ingest job: uploaded files staged on disk, waiting for a worker or run by one.

    ``label`` says what was sent, for people ("3 files uploaded"). ``state`` is ``queued`` (waiting), ``running``
    (claimed by ``worker``, "host:pid", which last reported at ``beat``), ``done`` or ``failed`` (``error`` says
    why, in one line). Times are UTC ISO timestamps. ``folder`` holds the staged files and ``inputs`` names them:
    (file in ``folder``, the name the uploader gave it). ``attempts`` counts the claims. Once done, ``accepted``,
    ``rejected`` and ``duplicate`` count the documents stored, rejected and already stored, and ``result`` holds the
    ingest's answer (``added``, ``unchanged``, ``created``, ``updated``, ``rejections``), as JSON.
    """

    id: str
    state: JobState
    label: str
    created: str
    started: str | None
    finished: str | None
    worker: str | None
    beat: str | None
    attempts: int
    folder: str
    inputs: tuple[tuple[str, str], ...]
    accepted: int
    rejected: int
    duplicate: int
    error: str | None
    result: dict[str, Any] | None


Matrix = NDArray[np.float32]
"""Sentence vectors of one article: one row of ``VECTOR_SIZE`` per sentence."""

Table = tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]
"""A table's column names and its rows (sorted by primary key), as ``Store.rows`` returns it."""


class Store(Protocol):
    """The store interface every backend implements. Backends are safe to share between threads.

    Dates in filters (``since``, ``until``) are ISO strings compared with the articles' publication dates.
    ``limit`` is capped by the backend at 500.
    """

    url: str  # where it is, for messages (a PostgreSQL URL without its password)
    path: Path | None  # the database file (SQLite); None for a server (PostgreSQL) or a store in memory

    # --- reading: the CLI and the web app ---------------------------------------------------------------------

    def list_stories(
        self,
        *,
        sort: Sort = "newest",
        outlet: str | None = None,
        entity: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[StoryInfo]:
        """Stories, newest first (latest publication date; undated last) or largest first (most articles).

        ``outlet`` keeps stories with an article from that outlet; ``entity`` those naming that entity (its full
        name as the annotations give it, or a surname; case-insensitive); ``since``/``until`` those with an article
        published in that range (inclusive).
        """
        ...

    def get_story(self, story_id: str) -> StoryInfo | None:
        """One story's summary row."""
        ...

    def story_report(self, story_id: str) -> dict[str, Any] | None:
        """The story's report JSON: schema ``parallax.report/1`` holding its articles and this one story."""
        ...

    def load_report(self, story_id: str) -> Report | None:
        """The story as a :class:`~parallax.models.Report` (its articles, analysis and copies), for the Markdown
        and HTML renderers: ``render(store.load_report(id), "html")`` is the story's HTML report."""
        ...

    def list_articles(
        self,
        *,
        story_id: str | None = None,
        outlet: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[ArticleInfo]:
        """Articles, newest published first (undated last), optionally of one story or one outlet."""
        ...

    def get_article(self, article_id: str) -> StoredArticle | None:
        """One article with all its annotations."""
        ...

    def list_outlets(self) -> tuple[OutletInfo, ...]:
        """Every outlet with stored articles, most articles first."""
        ...

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> Page[SearchHit]:
        """Full-text search over article titles and text (SQLite FTS5; PostgreSQL tsvector), best match first.

        ``query`` is plain words (all must match, stemmed) and "quoted phrases"; other syntax is ignored, so any
        user input is safe. An empty query gives an empty page.
        """
        ...

    def counts(self) -> dict[str, int]:
        """How many ``articles``, ``stories`` and ``outlets`` are stored."""
        ...

    # --- writing: only parallax.engine.store calls these ---------------------------------------------------------

    def find_checksums(self, checksums: list[str]) -> dict[str, str]:
        """Which of these content hashes are stored: checksum -> the stored article's id."""
        ...

    def find_ids(self, article_ids: list[str]) -> set[str]:
        """Which of these article ids are taken."""
        ...

    def recent_articles(
        self, *, since: str | None, until: str | None, limit: int
    ) -> tuple[tuple[str, AnnotatedArticle], ...]:
        """(story id, article) for stored articles published in [since, until] (``None``: unbounded) and for
        undated ones: the candidates a new article may join. At most ``limit``, most recently added first."""
        ...

    def story_articles(self, story_id: str) -> tuple[AnnotatedArticle, ...]:
        """Every article of a story, in the story's order."""
        ...

    def sentence_vectors(self, article_ids: list[str]) -> dict[str, Matrix]:
        """The stored sentence vectors of these articles (those that have them), by article id."""
        ...

    def article_notes(self, article_ids: list[str]) -> dict[str, str]:
        """Why these articles last changed story (a merge or a split), for those that ever did."""
        ...

    def merged_into(self, story_id: str) -> tuple[str, str] | None:
        """Where a story merged into another went: (the story now holding its articles, why), or ``None`` when
        ``story_id`` was never merged away (or is a story again)."""
        ...

    def save(
        self,
        articles: list[tuple[str, AnnotatedArticle]],
        stories: list[StoryRecord],
        vectors: Mapping[str, Matrix] | None = None,
        *,
        moves: Sequence[tuple[str, str, str, str]] = (),
        merged: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        """In one transaction: add new articles as (story id, article) with their sentence ``vectors`` (by article
        id), create or replace these stories (an existing story keeps its ``created`` time), move stored articles
        to another story (``moves``: article id, from story, to story, why: a merge or a split), and drop the
        stories merged away (``merged``: absorbed id, surviving id, why; the absorbed id is kept in
        ``merged_stories``). Articles already stored by id are an error; so is a story that changed since the
        caller read it (``ConcurrentWriteError``)."""
        ...

    # --- the ingest queue: the web app adds jobs, workers (parallax.engine.jobs) run them ------------------------

    def add_job(self, job_id: str, label: str, folder: str, inputs: Sequence[tuple[str, str]]) -> Job:
        """Queue a job whose files are staged in ``folder`` (``inputs``: file in it, name shown)."""
        ...

    def get_job(self, job_id: str) -> Job | None:
        """One job."""
        ...

    def claim_job(self, worker: str) -> Job | None:
        """The oldest queued job, now ``running`` for ``worker`` (its ``attempts`` counted), or ``None`` when none
        waits. Atomic: two workers, in any processes, never claim the same job."""
        ...

    def running_jobs(self) -> tuple[Job, ...]:
        """Every job in the ``running`` state, oldest first (to find those whose worker died)."""
        ...

    def job_counts(self) -> dict[str, int]:
        """How many jobs are in each state (``queued``, ``running``, ``done``, ``failed``; 0 for none): one cheap
        query, which ``/healthz`` also uses to see that the store answers."""
        ...

    def beat_job(self, job_id: str, worker: str) -> None:
        """Record that ``worker`` still runs the job (its ``beat``)."""
        ...

    def requeue_job(self, job_id: str, worker: str) -> bool:
        """Put a job ``worker`` was running back in the queue; False when ``worker`` no longer held it."""
        ...

    def finish_job(
        self,
        job_id: str,
        worker: str,
        *,
        failed: str | None = None,
        counts: tuple[int, int, int] = (0, 0, 0),
        result: Mapping[str, Any] | None = None,
    ) -> bool:
        """Record the end of a job ``worker`` was running: ``done`` with ``counts`` (accepted, rejected, duplicate)
        and ``result``, or ``failed`` with that one-line reason. False when ``worker`` no longer held it (it was
        queued again or finished meanwhile): nothing is written then."""
        ...

    # --- maintenance ------------------------------------------------------------------------------------------

    def migrate(self) -> tuple[str, ...]:
        """Apply the migrations not applied yet, in order; returns their names (empty when up to date).
        ``open_store`` calls it, so a store is always up to date once opened."""
        ...

    def migrations(self) -> tuple[str, ...]:
        """The names of the applied migrations, in the order they were applied."""
        ...

    def rows(self, table: str) -> Table:
        """All rows of one of ``TABLES``, sorted by primary key (for export, and to compare whole stores)."""
        ...

    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating and migrating where needed) the store at ``url``.

    ``url`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``), ``sqlite:///path``, or a plain file path
    (SQLite); ``None`` means ``DEFAULT_DB`` in the current folder (the commands read ``$PARALLAX_DB`` first: see
    :func:`parallax.settings.store_url`). Raises :class:`~parallax.errors.ConfigError` for any other URL scheme,
    :class:`~parallax.errors.StoreError` when the store cannot be opened.
    """
    if url is None:
        url = DEFAULT_DB
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    if not isinstance(url, str):
        raise TypeError(f"open_store() expects a URL or path, not {type(url).__name__}")
    target = url.strip()
    scheme = urlsplit(target).scheme.lower() if "://" in target else ""
    if scheme in ("postgresql", "postgres"):
        return _backend("postgres").open_postgres(target)  # type: ignore[no-any-return]
    if scheme == "sqlite":
        # as SQLAlchemy spells it: sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:///:memory:
        path = target[len("sqlite:///") :] if target.lower().startswith("sqlite:///") else ""
        if not path:
            raise ConfigError(f"no file in store URL {target!r}", hint="write sqlite:///path/to/parallax.db")
        return _backend("sqlite").open_sqlite(path)  # type: ignore[no-any-return]
    if scheme:
        raise ConfigError(
            f"unknown store URL scheme {scheme!r} in {target!r}",
            hint="use a file path (SQLite), sqlite:///path or postgresql://user@host/db",
        )
    return _backend("sqlite").open_sqlite(str(Path(target).expanduser()))  # type: ignore[no-any-return]


def _backend(name: str) -> Any:
    # Imported on demand: the PostgreSQL backend loads psycopg, which a SQLite user never needs.
    return importlib.import_module(f"{__name__}.{name}")
