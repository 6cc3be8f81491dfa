"""The JSON API's response models: what ``/api/openapi.json`` documents and every answer keeps to.

Times, per field:

- ``created``, ``updated``, ``added`` and a job's ``created``/``started``/``finished`` are when the store did something:
  timestamps in UTC, always with their offset (``2025-03-10T08:15:00+00:00``; JSON Schema ``format: date-time``).
- ``first_published``/``last_published`` of a story or an outlet are calendar days (``2025-03-10``, ``format:
  date``): the earliest and latest of the day its articles were published.
- An article's ``published`` is what its source said, as exactly as it said it: a day (``2019-01-19``), a time with
  its offset where the source gave one (``2025-03-10T09:15:00+01:00``), or a local time where it gave none
  (``2025-03-09T14:05:00``: no offset is invented). ``published_day`` is its calendar day, a ``date``.

Lists are one shape, :class:`Page`: ``items``, ``total``, ``limit``, ``offset``, and the URLs of the ``next`` and
``previous`` pages (``null`` at either end). Errors are :class:`ErrorOut`. A story's report is described by
:class:`ReportOut` (schema ``parallax.report/1``, docs/REPORT_SCHEMA.md); its records allow fields added later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from ..store import JobState

__all__ = [
    "ArticleDetail",
    "ArticleOut",
    "ArticlePage",
    "ErrorOut",
    "JobOut",
    "JobQueued",
    "OutletDetail",
    "OutletOut",
    "OutletPage",
    "Page",
    "ReportArticle",
    "ReportOut",
    "SearchHitOut",
    "SearchPage",
    "StoryDetail",
    "StoryOut",
    "StoryPage",
    "timestamp",
]

T = TypeVar("T")

# An ISO 8601 day, a time with an offset, or a local time (no offset known): what an article's ``published`` holds.
PUBLISHED_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?)?$"


def timestamp(value: str | datetime) -> datetime:
    """A stored time as an aware datetime: one stored without an offset is UTC (the store writes UTC only)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# A UTC timestamp written as ISO 8601 with ``+00:00`` (pydantic would write ``Z``; both are RFC 3339, the store and
# the report write ``+00:00``).
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda d: timestamp(d).isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2025-03-10T08:15:00+00:00"]}),
]
_PUBLISHED_DOC = (
    "when the source says it was published: a day, a time with its offset where the source gave one, or a local "
    "time where it gave none (no offset is invented); null when undated"
)
Published = Annotated[
    str | None,
    WithJsonSchema({
        "anyOf": [{"type": "string", "pattern": PUBLISHED_PATTERN}, {"type": "null"}],
        "description": _PUBLISHED_DOC,
        "examples": ["2019-01-19", "2025-03-10T09:15:00+01:00", "2025-03-09T14:05:00"],
    }),
]  # fmt: skip


class ErrorDetail(BaseModel):
    status: int = Field(description="the HTTP status, repeated")
    code: str = Field(description='a short code: "not-found", "invalid", "unauthorized", "conflict", ...')
    message: str = Field(description="what went wrong, in one line")
    hint: str = Field(description="what to do about it (may be empty)")


class ErrorOut(BaseModel):
    """Every error the server answers (4xx and 5xx), under ``/api`` and for clients that do not ask for HTML."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="rows in the whole list")
    limit: int = Field(description="rows per page, as asked")
    offset: int = Field(description="rows skipped before this page")
    next: str | None = Field(description="the URL of the next page; null on the last")
    previous: str | None = Field(description="the URL of the previous page; null on the first")


class StoryOut(BaseModel):
    """A story's summary row."""

    id: str
    title: str
    articles: int = Field(description="articles in the story")
    outlets: list[str] = Field(description="the outlets of its articles")
    facts: int
    conflicts: int
    first_published: date | None = Field(description="the day its earliest dated article was published")
    last_published: date | None = Field(description="the day its latest dated article was published")
    created: Timestamp = Field(description="when the store created the story (UTC)")
    updated: Timestamp = Field(description="when the store last recomputed it (UTC)")


class ArticleOut(BaseModel):
    """An article's summary row."""

    id: str
    story_id: str
    title: str | None
    outlet: str | None
    byline: str | None
    published: Published
    published_day: date | None = Field(description="the day of ``published``; null when undated")
    url: str | None
    source: str = Field(description="where it came from: its URL, or the name of the file it was read from")
    checksum: str = Field(description="content hash of its clean text (re-ingesting it changes nothing)")
    language: str
    words: int
    added: Timestamp = Field(description="when it was ingested (UTC)")


class OutletOut(BaseModel):
    """Aggregates over one outlet's articles."""

    name: str
    articles: int
    stories: int
    first_published: date | None
    last_published: date | None
    mean_tone: float = Field(description="the mean tone of its articles, -1 .. +1")
    quotes: int
    citations: int
    loaded_terms: int
    cites: list[tuple[str, int]] = Field(description="the sources its articles credit most: [source, articles]")


class SearchHitOut(BaseModel):
    article_id: str
    story_id: str
    title: str | None
    outlet: str | None
    published: Published
    snippet: str = Field(description="plain text around the match")
    matches: list[str] = Field(description="the matched words, as they appear in the snippet")
    rank: float = Field(description="higher is better; the scale depends on the store's backend")


class StoryPage(Page[StoryOut]):
    pass


class ArticlePage(Page[ArticleOut]):
    pass


class OutletPage(Page[OutletOut]):
    pass


class SearchPage(Page[SearchHitOut]):
    pass


# --- the report (docs/REPORT_SCHEMA.md) ----------------------------------------------------------------------------


class _Open(BaseModel):
    """A report record: the fields listed, and any the report gains later."""

    model_config = ConfigDict(extra="allow")


class _Span(_Open):
    start: int
    end: int


class ReportSentence(_Span):
    index: int
    paragraph: int


class ReportEntity(_Span):
    text: str
    label: str
    name: str
    sentence: int


class ReportQuote(_Span):
    text: str
    speaker: str | None
    kind: str
    cue: str | None
    sentence: int


class ReportCitation(_Span):
    source: str
    kind: str
    cue: str
    sentence: int


class ReportDate(_Span):
    text: str
    value: str
    precision: str
    relative: bool
    sentence: int


class ReportQuantity(_Span):
    text: str
    value: float | None
    unit: str
    counts: str
    sentence: int


class ReportTerm(_Span):
    text: str
    kind: str
    sentence: int | None = None


class ReportArticle(_Open):
    """An article as its story's report holds it: clean text and everything found in it, with character offsets."""

    id: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    byline: str | None
    published: Published
    language: str
    format: str
    text: str
    cites: list[str]
    citations: list[ReportCitation]
    sentences: list[ReportSentence]
    entities: list[ReportEntity]
    quotes: list[ReportQuote]
    dates: list[ReportDate]
    quantities: list[ReportQuantity]
    loaded_terms: list[ReportTerm]
    title_terms: list[ReportTerm]
    tone: float | None
    duplicate_of: str | None
    label: str


class ReportMention(_Span):
    article: str
    sentence: str
    index: int
    similarity: float | None
    confidence: float | None


class ReportFact(_Open):
    id: str
    text: str
    sources: list[str]
    independent: list[str]
    first: str | None
    mentions: list[ReportMention]
    related: list[ReportMention]


class ReportStory(_Open):
    id: str
    title: str
    articles: list[str]
    compared: list[str]
    reasons: dict[str, str]
    outlets: list[str]
    facts: list[ReportFact]
    exclusives: dict[str, list[str]]
    quotes: list[dict[str, Any]]
    citations: dict[str, list[str]]
    conflicts: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    framing: list[dict[str, Any]]
    tone: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    provenance: dict[str, Any]
    sourcing: list[dict[str, Any]]
    recycled: list[dict[str, Any]]


class ReportCounts(_Open):
    articles: int
    stories: int
    facts: int
    rejected: int
    duplicates: int


class ReportDuplicate(_Open):
    original: str
    copies: list[str]
    similarity: list[float | None]
    exact: bool


class ReportRejection(_Open):
    document: str
    stage: str
    reason: str
    message: str
    hint: str


class ReportOut(_Open):
    """A story's coverage report (schema ``parallax.report/1``), as ``parallax analyze --format json`` writes it."""

    schema_: str = Field(alias="schema", description='"parallax.report/1.N"')
    version: str = Field(description="the Parallax version that wrote it")
    generated: str = Field(description="when it was computed (UTC, ISO 8601)")
    counts: ReportCounts
    articles: list[ReportArticle]
    stories: list[ReportStory]
    duplicates: list[ReportDuplicate]
    rejections: list[ReportRejection]


# --- details ------------------------------------------------------------------------------------------------------


class StoryDetail(StoryOut):
    """A story's summary row and a page of its articles."""

    members: ArticlePage = Field(description="its articles, newest first (``limit``/``offset`` page them)")


class OutletDetail(OutletOut):
    """An outlet's aggregates and a page of its articles."""

    members: ArticlePage = Field(description="its articles, newest first (``limit``/``offset`` page them)")


class ArticleDetail(ArticleOut):
    """An article's summary row and its record in its story's report."""

    article: ReportArticle | None = Field(description="as in its story's report JSON; null if the report lacks it")


# --- ingest -------------------------------------------------------------------------------------------------------


class JobCounts(BaseModel):
    accepted: int = Field(description="articles stored")
    rejected: int = Field(description="documents rejected (see result.rejections)")
    duplicate: int = Field(description="articles already stored: left as they were")


class JobRejection(BaseModel):
    document: str = Field(description='the document as it was sent: "story.html", "pasted article 2"')
    stage: str
    reason: str
    message: str
    hint: str


class JobResult(BaseModel):
    added: list[str] = Field(description="the ids of the articles stored")
    unchanged: list[str] = Field(description="the stored ids of articles that were already stored")
    created: list[str] = Field(description="stories created")
    updated: list[str] = Field(description="stories that grew and were recomputed")
    rejections: list[JobRejection]


class JobOut(BaseModel):
    """An ingest job: where it stands, its counts and, once done, what the ingest did."""

    id: str
    state: JobState = Field(description="queued, running, done or failed")
    label: str = Field(description='what was sent, e.g. "3 files uploaded"')
    created: Timestamp = Field(description="when it was queued (UTC)")
    started: Timestamp | None = Field(description="when a worker took it (UTC)")
    finished: Timestamp | None = Field(description="when it ended (UTC)")
    counts: JobCounts
    error: str | None = Field(description="why it failed, in one line (with a hint)")
    result: JobResult | None = Field(description="once done: what the ingest did")


class JobQueued(BaseModel):
    job: str = Field(description="the job's id")
    url: str = Field(description="where its state is: GET it until it is done or failed")
    state: Literal["queued"]
    label: str
