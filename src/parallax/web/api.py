"""The JSON API under ``/api``: stories, a story's report, articles, outlets, search, jobs (reads), ingest (a write).

Every answer keeps to its model in :mod:`parallax.web.schemas` (and so to ``/api/openapi.json``): every list is a
:class:`~parallax.web.schemas.Page` (``items``, ``total``, ``limit``, ``offset``, ``next``, ``previous``), every
error is :class:`~parallax.web.schemas.ErrorOut`, times are as the schemas module says field by field. A story's
report is the report JSON (schema ``parallax.report/1``, docs/REPORT_SCHEMA.md), sent as stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from ..days import publication_day
from ..store import MARK_END, MARK_START, ArticleInfo, OutletInfo, Page, Store, StoryInfo
from .access import require_read, require_write, settings_of
from .errors import WebError
from .schemas import (
    ArticleDetail,
    ArticlePage,
    ErrorOut,
    JobOut,
    JobQueued,
    OutletDetail,
    OutletOut,
    OutletPage,
    ReportArticle,
    ReportOut,
    SearchHitOut,
    SearchPage,
    StoryDetail,
    StoryOut,
    StoryPage,
    timestamp,
)
from .uploads import Pasted, Upload, job_view, jobs_root, queue_uploads

__all__ = ["ARTICLE_ID", "openapi_document", "router", "store_of"]


def _operation_id(route: APIRoute) -> str:
    """An operation's id in the document: its function's name (``list_stories``), as a generated client names it."""
    return route.name


router = APIRouter(prefix="/api", generate_unique_id_function=_operation_id)
reads = APIRouter(dependencies=[Depends(require_read)], generate_unique_id_function=_operation_id)

# The store caps a page at 500 rows; the API says so up front rather than silently returning fewer.
MAX_LIMIT = 500
# The largest offset a list accepts: far past any store here, and well inside the 64-bit integers SQLite and
# PostgreSQL take (an offset of 2**63 once reached the database and answered 500).
MAX_OFFSET = 10**12
# An article id a caller may give: letters, digits, ".", "_" and "-", beginning and ending with a letter or digit,
# at most 100 characters (it names a file while the upload waits for the worker).
ARTICLE_ID = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$"
_ARTICLE_ID = re.compile(ARTICLE_ID)


def _real_date(value: str | None) -> str | None:
    """``value`` when it is a day that exists (``2024``, ``2024-05`` or ``2024-05-01``); raises ValueError."""
    if value is None:
        return None
    parts = [int(part) for part in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        raise ValueError(f"{value} is not a date ({exc})") from None
    return value


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
IsoDate = Annotated[
    str | None,
    AfterValidator(_real_date),
    Query(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="a year, month or day (ISO 8601: 2024, 2024-05, 2024-05-01) that exists, else 422",
    ),
]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# The errors every read may answer (401 only where reads need a token: openapi_document drops it elsewhere).
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("no or wrong read token (this server needs one for reads)"),
    422: _error("a parameter is invalid: the message names it"),
}


def _not_found(what: str) -> dict[int | str, dict[str, Any]]:
    return {**READ_ERRORS, 404: _error(what)}


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _link(request: Request, offset: int | None, limit: int) -> str | None:
    """The request's own URL (path and query) with another ``offset``; None for no page."""
    if offset is None:
        return None
    url = request.url.include_query_params(limit=limit, offset=offset)
    return f"{url.path}?{url.query}"


def _links(request: Request, total: int, limit: int, offset: int) -> dict[str, str | None]:
    """``next`` and ``previous`` of a page: the next while rows remain, the previous from any page but the first
    (from past the end: the last ``limit`` rows)."""
    after = offset + limit if offset + limit < total else None
    before = max(0, min(offset - limit, total - limit)) if offset > 0 else None
    return {"next": _link(request, after, limit), "previous": _link(request, before, limit)}


def _paged(request: Request, page: Page[Any], items: Sequence[Any]) -> dict[str, Any]:
    return {"items": list(items), "total": page.total, "limit": page.limit, "offset": page.offset,
            **_links(request, page.total, page.limit, page.offset)}  # fmt: skip


def _story(info: StoryInfo) -> StoryOut:
    return StoryOut(id=info.id, title=info.title, articles=info.articles, outlets=list(info.outlets),
                    facts=info.facts, conflicts=info.conflicts, first_published=publication_day(info.first_published),
                    last_published=publication_day(info.last_published), created=timestamp(info.created),
                    updated=timestamp(info.updated))  # fmt: skip


def _article(info: ArticleInfo) -> dict[str, Any]:
    return {"id": info.id, "story_id": info.story_id, "title": info.title, "outlet": info.outlet,
            "byline": info.byline, "published": info.published, "published_day": publication_day(info.published),
            "url": info.url, "source": info.source, "checksum": info.checksum, "language": info.language,
            "words": info.words, "added": info.added}  # fmt: skip


def _outlet(info: OutletInfo) -> dict[str, Any]:
    return {"name": info.name, "articles": info.articles, "stories": info.stories,
            "first_published": publication_day(info.first_published),
            "last_published": publication_day(info.last_published), "mean_tone": info.mean_tone,
            "quotes": info.quotes, "citations": info.citations, "loaded_terms": info.loaded_terms,
            "cites": [list(c) for c in info.cites]}  # fmt: skip


def _members(request: Request, page: Page[ArticleInfo]) -> ArticlePage:
    return ArticlePage.model_validate(_paged(request, page, [_article(a) for a in page.items]))


@reads.get("/stories", summary="List stories", tags=["stories"], responses=READ_ERRORS)
def list_stories(
    request: Request,
    sort: Literal["newest", "largest"] = "newest",
    outlet: str | None = None,
    entity: str | None = None,
    since: IsoDate = None,
    until: IsoDate = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> StoryPage:
    """Stories, newest (latest publication) or largest (most articles) first, filtered by outlet, entity, dates
    (``since``/``until`` compare with the articles' publication days)."""
    page = store_of(request).list_stories(
        sort=sort, outlet=outlet, entity=entity, since=since, until=until, limit=limit, offset=offset
    )
    return StoryPage.model_validate(_paged(request, page, [_story(s) for s in page.items]))


@reads.get("/stories/{story_id}", summary="One story", tags=["stories"], responses=_not_found("no such story"))
def get_story(request: Request, story_id: str, limit: Limit = MAX_LIMIT, offset: Offset = 0) -> StoryDetail:
    """A story's summary row and, under ``members``, a page of its articles, newest first (by default all of
    them, up to 500)."""
    store = store_of(request)
    info = store.get_story(story_id)
    went = store.merged_into(story_id) if info is None else None
    if went is not None:
        raise WebError(404, f"story {story_id!r} was merged into {went[0]!r}", hint=f"see /api/stories/{went[0]}")
    if info is None:
        raise WebError(404, f"no story {story_id!r}", hint="list stories at /api/stories")
    members = _members(request, store.list_articles(story_id=story_id, limit=limit, offset=offset))
    return StoryDetail(**_story(info).model_dump(), members=members)


@reads.get(
    "/stories/{story_id}/report",
    summary="A story's report",
    tags=["stories"],
    response_model=None,
    responses={200: {"model": ReportOut, "description": "the report JSON"}, **_not_found("no such story")},
)
def story_report(request: Request, story_id: str) -> JSONResponse:
    """The story's coverage report as JSON (schema parallax.report/1), as ``parallax analyze --format json``."""
    report = store_of(request).story_report(story_id)
    if report is None:
        raise WebError(404, f"no story {story_id!r}", hint="list stories at /api/stories")
    return JSONResponse(report)


@reads.get("/articles", summary="List articles", tags=["articles"], responses=READ_ERRORS)
def list_articles(
    request: Request, story: str | None = None, outlet: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> ArticlePage:
    """Articles, newest published first, optionally of one story or one outlet."""
    return _members(request, store_of(request).list_articles(story_id=story, outlet=outlet, limit=limit, offset=offset))


@reads.get("/articles/{article_id}", summary="One article", tags=["articles"], responses=_not_found("no such article"))
def get_article(request: Request, article_id: str) -> ArticleDetail:
    """An article's summary row and, under ``article``, its record as in its story's report JSON (clean text,
    sentences, quotes, citations, loaded terms, tone, with character offsets)."""
    store = store_of(request)
    stored = store.get_article(article_id)
    if stored is None:
        raise WebError(404, f"no article {article_id!r}", hint="search articles at /api/search?q=...")
    report = store.story_report(stored.info.story_id) or {"articles": []}
    record = next((a for a in report["articles"] if a.get("id") == article_id), None)
    found = ReportArticle.model_validate(record) if record is not None else None
    return ArticleDetail(**_article(stored.info), article=found)


@reads.get("/outlets", summary="List outlets", tags=["outlets"], responses=READ_ERRORS)
def list_outlets(request: Request, limit: Limit = 50, offset: Offset = 0) -> OutletPage:
    """Every outlet with stored articles, most articles first, with its tone and the sources it credits."""
    outlets = store_of(request).list_outlets()
    page = Page(tuple(outlets[offset : offset + limit]), len(outlets), limit, offset)
    return OutletPage.model_validate(_paged(request, page, [_outlet(o) for o in page.items]))


@reads.get("/outlets/{name:path}", summary="One outlet", tags=["outlets"], responses=_not_found("no such outlet"))
def get_outlet(request: Request, name: str, limit: Limit = 50, offset: Offset = 0) -> OutletDetail:
    """An outlet's aggregates and, under ``members``, a page of its articles, newest first."""
    store = store_of(request)
    info = next((o for o in store.list_outlets() if o.name == name), None)
    if info is None:
        raise WebError(404, f"no outlet {name!r}", hint="list outlets at /api/outlets")
    members = _members(request, store.list_articles(outlet=name, limit=limit, offset=offset))
    return OutletDetail(**OutletOut.model_validate(_outlet(info)).model_dump(), members=members)


@reads.get("/search", summary="Full-text search", tags=["search"], responses=READ_ERRORS)
def search(
    request: Request, q: Annotated[str, Query(max_length=500)] = "", limit: Limit = 20, offset: Offset = 0
) -> SearchPage:
    """Articles matching plain words (all must match, stemmed) and "quoted phrases", best first. Each hit's
    ``snippet`` is plain text; ``matches`` lists the matched words in it."""
    page = store_of(request).search(q, limit=limit, offset=offset)
    items = [
        SearchHitOut(
            article_id=hit.article_id,
            story_id=hit.story_id,
            title=hit.title,
            outlet=hit.outlet,
            published=hit.published,
            snippet=hit.snippet.replace(MARK_START, "").replace(MARK_END, ""),
            matches=[part.split(MARK_END, 1)[0] for part in hit.snippet.split(MARK_START)[1:]],
            rank=hit.rank,
        )
        for hit in page.items
    ]
    return SearchPage.model_validate(_paged(request, page, items))


class ArticleIn(BaseModel):
    """An article to ingest: its text, and what is known about it."""

    text: str = Field(min_length=1, description="the article's text (plain text or HTML)")
    id: str | None = Field(
        None,
        description="the id to store it under (kept as given; the request is refused when it is malformed, given "
        "twice or already taken); left out, one is made",
        json_schema_extra={"pattern": ARTICLE_ID, "maxLength": 100},
    )
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = Field("", description="publication date or time, ISO 8601")
    byline: str = ""


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=1000)


@reads.get(
    "/jobs/{job_id}",
    summary="An ingest job",
    tags=["ingest"],
    response_model=JobOut,
    responses=_not_found("no such job"),
)
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    """An ingest job queued by ``POST /api/ingest``: ``queued``, ``running``, then ``done`` (with ``counts`` and
    ``result``) or ``failed`` (with ``error``)."""
    job = store_of(request).get_job(job_id)
    if job is None:
        raise WebError(404, f"no job {job_id!r}", hint="POST /api/ingest answers with the URL of its job")
    return job_view(job)


def _check_ids(store: Store, articles: Sequence[ArticleIn]) -> None:
    """Refuse caller-given ids that are malformed or given twice (422) or already taken in the store (409)."""
    given: dict[str, int] = {}
    for n, article in enumerate(articles):
        if article.id is None:
            continue
        if not _ARTICLE_ID.match(article.id):
            raise WebError(
                422,
                f"articles.{n}.id: {article.id[:120]!r} is not a valid article id",
                hint="an id is 1 to 100 letters, digits, '.', '_' or '-', beginning and ending with a letter or digit",
            )
        if article.id in given:
            raise WebError(
                422,
                f"articles.{n}.id: {article.id!r} is given twice (also articles.{given[article.id]}.id)",
                hint="give each article its own id",
            )
        given[article.id] = n
    taken = sorted(store.find_ids(sorted(given)))
    if taken:
        more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
        raise WebError(
            409,
            f"articles.{given[taken[0]]}.id: article {taken[0]!r} is already stored{more}",
            hint="choose ids not yet taken, or leave id out to have one made",
        )


_INGEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/IngestIn"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["files"], "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    },
}  # fmt: skip
# The models the ingest body names (``openapi_extra`` cannot), added to the document's schemas by the app.
INGEST_SCHEMAS = (IngestIn,)


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
        400: _error("nothing to ingest, or a form field that holds no file"),
        401: _error("no or wrong write token"),
        403: _error("writes disabled on this server"),
        409: _error("an article id given is already stored"),
        413: _error("body over the upload limit"),
        415: _error("neither JSON nor a multipart form"),
        422: _error("the JSON body is not as described, or an article id is malformed or given twice"),
    },
)
async def ingest(request: Request) -> JSONResponse:
    """Add articles: a JSON body ``{"articles": [{"text": ..., "title": ..., "outlet": ..., "id": ...}]}``, or a
    multipart form with one or more ``files`` (.txt, .html, .json, .jsonl). Needs the write token. Answers 202 at
    once with a job: a worker process ingests the articles, and ``GET /api/jobs/{id}`` says when it is done and
    what it did (articles already stored are left alone, ``unchanged``; bad ones come back as ``rejections``,
    naming the document and the reason). A JSON article's ``id``, when given, is the id it is stored under; one
    malformed or given twice answers 422, one already stored 409, and nothing is queued. (An article whose text is
    already stored keeps its stored id, listed under ``unchanged``; an id another ingest takes between this request
    and its run gets the text's hash appended, as any taken id does: ``added`` lists the ids stored.)"""
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
        await run_in_threadpool(_check_ids, store_of(request), body.articles)
        pasted = [Pasted(**{**a.model_dump(), "id": a.id or ""}) for a in body.articles]
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

_SCHEMES = {
    "readToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "the read token (PARALLAX_READ_TOKEN), where the server sets one; the write token reads too. "
        "Also taken as 'X-Parallax-Token: TOKEN'.",
    },
    "writeToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "the write token (PARALLAX_TOKEN): needed by POST /api/ingest. Also taken as "
        "'X-Parallax-Token: TOKEN'.",
    },
}


def openapi_document(base: dict[str, Any], public: bool) -> dict[str, Any]:
    """The app's OpenAPI document (``base``: FastAPI's) with the token schemes: API reads need ``readToken`` (or
    ``writeToken``) unless ``public`` (then they need none, and answer no 401), writes ``writeToken``; ``/healthz``
    needs none."""
    doc = {**base, "components": {**base.get("components", {})}}
    schemas = doc["components"]["schemas"] = dict(doc["components"].get("schemas", {}))
    for model in INGEST_SCHEMAS:
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(model_schema.pop("$defs", {}))
        schemas[model.__name__] = model_schema
    doc["components"]["securitySchemes"] = _SCHEMES
    paths: dict[str, Any] = {}
    for path, operations in base.get("paths", {}).items():
        paths[path] = {}
        for method, operation in operations.items():
            operation = {**operation, "responses": dict(operation.get("responses", {}))}
            if not path.startswith("/api/"):  # /healthz: open to all
                pass
            elif method == "post":
                operation["security"] = [{"writeToken": []}]
            elif public:
                operation["security"] = []
                operation["responses"].pop("401", None)
            else:
                operation["security"] = [{"readToken": []}, {"writeToken": []}]
            paths[path][method] = operation
    doc["paths"] = paths
    return doc
