"""The JSON API under ``/api``: stories, a story's report, articles, outlets, search, jobs (reads), ingest (a write).

Every response body is JSON; lists come as ``{"items": [...], "total": N, "limit": L, "offset": O}``; every error
as :mod:`parallax.web.errors` describes. Records are the store's (``StoryInfo``, ``ArticleInfo``, ...) field for
field; a story's report is the report JSON (schema ``parallax.report/1``, docs/REPORT_SCHEMA.md).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from ..store import MARK_END, MARK_START, JobState, Page, Store
from .access import require_read, require_write, settings_of
from .errors import WebError
from .uploads import Pasted, Upload, job_view, jobs_root, queue_uploads

__all__ = ["router", "store_of"]

router = APIRouter(prefix="/api")
reads = APIRouter(dependencies=[Depends(require_read)])

# The store caps a page at 500 rows; the API says so up front rather than silently returning fewer.
MAX_LIMIT = 500
# The largest offset a list accepts: far past any store here, and well inside the 64-bit integers SQLite and
# PostgreSQL take (an offset of 2**63 once reached the database and answered 500).
MAX_OFFSET = 10**12

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
IsoDate = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date, e.g. 2024-05-01")]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _plain(value: Any) -> Any:
    return dataclasses.asdict(value)


def _page(page: Page[Any]) -> dict[str, Any]:
    return {"items": [_plain(x) for x in page.items], "total": page.total, "limit": page.limit, "offset": page.offset}


@reads.get("/stories", summary="List stories", tags=["stories"])
def list_stories(
    request: Request,
    sort: Literal["newest", "largest"] = "newest",
    outlet: str | None = None,
    entity: str | None = None,
    since: IsoDate = None,
    until: IsoDate = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Stories, newest (latest publication) or largest (most articles) first, filtered by outlet, entity, dates."""
    page = store_of(request).list_stories(
        sort=sort, outlet=outlet, entity=entity, since=since, until=until, limit=limit, offset=offset
    )
    return _page(page)


@reads.get("/stories/{story_id}", summary="One story", tags=["stories"])
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    """A story's summary row and its articles."""
    store = store_of(request)
    info = store.get_story(story_id)
    went = store.merged_into(story_id) if info is None else None
    if went is not None:
        raise WebError(404, f"story {story_id!r} was merged into {went[0]!r}", hint=f"see /api/stories/{went[0]}")
    if info is None:
        raise WebError(404, f"no story {story_id!r}", hint="list stories at /api/stories")
    articles = store.list_articles(story_id=story_id, limit=MAX_LIMIT)
    return {**_plain(info), "members": [_plain(a) for a in articles.items]}


@reads.get("/stories/{story_id}/report", summary="A story's report", tags=["stories"])
def story_report(request: Request, story_id: str) -> dict[str, Any]:
    """The story's coverage report as JSON (schema parallax.report/1), as ``parallax analyze --format json``."""
    report = store_of(request).story_report(story_id)
    if report is None:
        raise WebError(404, f"no story {story_id!r}", hint="list stories at /api/stories")
    return report


@reads.get("/articles", summary="List articles", tags=["articles"])
def list_articles(
    request: Request, story: str | None = None, outlet: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Articles, newest published first, optionally of one story or one outlet."""
    return _page(store_of(request).list_articles(story_id=story, outlet=outlet, limit=limit, offset=offset))


@reads.get("/articles/{article_id}", summary="One article", tags=["articles"])
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """An article's summary row and, under ``article``, its record as in its story's report JSON (clean text,
    sentences, quotes, citations, loaded terms, tone, with character offsets)."""
    store = store_of(request)
    stored = store.get_article(article_id)
    if stored is None:
        raise WebError(404, f"no article {article_id!r}", hint="search articles at /api/search?q=...")
    report = store.story_report(stored.info.story_id) or {"articles": []}
    record = next((a for a in report["articles"] if a.get("id") == article_id), None)
    return {**_plain(stored.info), "article": record}


@reads.get("/outlets", summary="List outlets", tags=["outlets"])
def list_outlets(request: Request) -> dict[str, Any]:
    """Every outlet with stored articles, most articles first, with its tone and the sources it credits."""
    outlets = store_of(request).list_outlets()
    return {"items": [_plain(o) for o in outlets], "total": len(outlets), "limit": len(outlets), "offset": 0}


@reads.get("/outlets/{name:path}", summary="One outlet", tags=["outlets"])
def get_outlet(request: Request, name: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """An outlet's aggregates and its articles, newest first."""
    store = store_of(request)
    info = next((o for o in store.list_outlets() if o.name == name), None)
    if info is None:
        raise WebError(404, f"no outlet {name!r}", hint="list outlets at /api/outlets")
    return {**_plain(info), "members": _page(store.list_articles(outlet=name, limit=limit, offset=offset))}


@reads.get("/search", summary="Full-text search", tags=["search"])
def search(
    request: Request, q: Annotated[str, Query(max_length=500)] = "", limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    """Articles matching plain words (all must match, stemmed) and "quoted phrases", best first. Each hit's
    ``snippet`` is plain text; ``matches`` lists the matched words in it."""
    page = store_of(request).search(q, limit=limit, offset=offset)
    items = []
    for hit in page.items:
        record = _plain(hit)
        record["snippet"] = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
        record["matches"] = [part.split(MARK_END, 1)[0] for part in hit.snippet.split(MARK_START)[1:]]
        items.append(record)
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}


class ArticleIn(BaseModel):
    """An article to ingest: its text, and what is known about it."""

    text: str = Field(min_length=1, description="the article's text (plain text or HTML)")
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = Field("", description="publication date or time, ISO 8601")
    byline: str = ""


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=1000)


class JobCounts(BaseModel):
    accepted: int = Field(description="articles stored")
    rejected: int = Field(description="documents rejected (see result.rejections)")
    duplicate: int = Field(description="articles already stored: left as they were")


class JobOut(BaseModel):
    """An ingest job: where it stands, its counts and, once done, what the ingest did."""

    id: str
    state: JobState = Field(description="queued, running, done or failed")
    label: str = Field(description='what was sent, e.g. "3 files uploaded"')
    created: str
    started: str | None
    finished: str | None
    counts: JobCounts
    error: str | None = Field(description="why it failed, in one line (with a hint)")
    result: dict[str, Any] | None = Field(
        description="once done: the article ids added and unchanged, the stories created and updated, the rejections"
    )


class JobQueued(BaseModel):
    job: str = Field(description="the job's id")
    url: str = Field(description="where its state is: GET it until it is done or failed")
    state: str
    label: str


@reads.get("/jobs/{job_id}", summary="An ingest job", tags=["ingest"], response_model=JobOut)
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    """An ingest job queued by ``POST /api/ingest``: ``queued``, ``running``, then ``done`` (with ``counts`` and
    ``result``) or ``failed`` (with ``error``)."""
    job = store_of(request).get_job(job_id)
    if job is None:
        raise WebError(404, f"no job {job_id!r}", hint="POST /api/ingest answers with the URL of its job")
    return job_view(job)


_INGEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object", "required": ["articles"], "properties": {
            "articles": {"type": "array", "minItems": 1, "maxItems": 1000, "items": ArticleIn.model_json_schema()}}}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    },
}  # fmt: skip


@router.post(
    "/ingest",
    summary="Add articles",
    tags=["ingest"],
    status_code=202,
    response_model=JobQueued,
    openapi_extra={"requestBody": _INGEST_BODY},
    responses={
        202: {
            "description": "queued: the job's id and URL (also in the Location header)",
            "headers": {"Location": {"description": "the job's URL", "schema": {"type": "string"}}},
        },
        401: {"description": "no or wrong write token"},
        403: {"description": "writes disabled"},
        413: {"description": "body over the upload limit"},
    },
)
async def ingest(request: Request) -> JSONResponse:
    """Add articles: a JSON body ``{"articles": [{"text": ..., "title": ..., "outlet": ...}]}``, or a multipart
    form with one or more ``files`` (.txt, .html, .json, .jsonl). Needs the write token. Answers 202 at once with a
    job: a worker process ingests the articles, and ``GET /api/jobs/{id}`` says when it is done and what it did
    (articles already stored are left alone, ``unchanged``; bad ones come back as ``rejections``, naming the
    document and the reason)."""
    require_write(request)
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    files: list[Upload] = []
    pasted: list[Pasted] = []
    if kind == "application/json":
        try:
            body = IngestIn.model_validate_json(await request.body())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ()))
            raise WebError(
                422,
                f"{where or 'body'}: {first.get('msg', 'invalid')}",
                hint='send {"articles": [{"text": "...", "title": "...", "outlet": "..."}]}',
            ) from None
        pasted = [Pasted(**a.model_dump()) for a in body.articles]
    elif kind == "multipart/form-data":
        limit = settings_of(request).max_upload_bytes
        async with request.form(max_files=1000, max_fields=100, max_part_size=limit) as form:
            for item in form.getlist("files"):
                if isinstance(item, str):
                    raise WebError(400, "the 'files' field must hold files", hint="send multipart file parts")
                files.append(Upload(item.filename or "", await item.read()))
    else:
        raise WebError(
            415, f"cannot ingest a {kind or 'bodiless'} request", hint="send application/json or multipart/form-data"
        )
    if not files and not pasted:
        raise WebError(400, "nothing to ingest", hint="send at least one article or file")
    job = await run_in_threadpool(queue_uploads, store_of(request), jobs_root(request), files, pasted)
    url = f"/api/jobs/{job.id}"
    queued = {"job": job.id, "url": url, "state": job.state, "label": job.label}
    return JSONResponse(queued, status_code=202, headers={"location": url})


router.include_router(reads)
