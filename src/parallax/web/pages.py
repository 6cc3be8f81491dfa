"""The HTML pages: story list, story (the full report with charts), article, outlets, search, upload and its job,
sign-in.

Server-rendered with Jinja2 (``layout.render_page``: autoescape on, StrictUndefined); no page has a script. The
story page embeds the report's own body (``render_html.render_report_body``), so it shows exactly what
``parallax analyze --format html`` shows for the story's articles.
"""

from __future__ import annotations

import math
import re
from datetime import date
from html import unescape
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from ..report import to_dict
from ..report.html import render_article_html, render_html, render_report_body
from ..store import Job, Store
from .access import COOKIE, can_read, require_read, require_write, settings_of
from .charts import coverage_chart, exclusives_chart, human_day, human_time, timeline_chart
from .errors import WebError, wants_page
from .layout import render_page
from .security import Throttle, cookie_value, cross_site, csrf_token, csrf_valid, same_token
from .uploads import Pasted, Upload, jobs_root, queue_uploads
from .views import article_label, outlet_view, snippet, tone

__all__ = ["router"]

router = APIRouter(default_response_class=HTMLResponse)
reads = APIRouter(default_response_class=HTMLResponse, dependencies=[Depends(require_read)])

IsoDate = Annotated[str, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
# How often a job's page reloads itself while the job waits or runs (a <meta> refresh: pages have no scripts).
JOB_REFRESH_SECONDS = 2
# New articles a job's page lists by title (each read from the store); the page counts the rest.
JOB_ARTICLES = 100
_LOST_STORY = "The link may be mistyped, or the story was removed; find stories on the story list."
_REPORT_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    settings = settings_of(request)
    return HTMLResponse(render_page(template, **{"writable": settings.writable, **context}), status_code=status)


def _pager(request: Request, page: int, total: int, size: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}

    def link(n: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'page': n})}"

    past = page > pages  # an old link, or a typed number: say so and lead to the last page, not "nothing here"
    return {
        "page": page,
        "pages": pages,
        "past": past and total > 0,
        "last": link(pages),
        "prev": link(min(page, pages + 1) - 1) if page > 1 and not past else None,
        "next": link(page + 1) if page < pages else None,
    }


def _check_day(label: str, value: str) -> None:
    """A 422 page, in the form's words, for a date filter that is no calendar date (2019-13-45)."""
    if not value:
        return
    year, month, day = [*value.split("-"), "01", "01"][:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        hint = "Write dates as 2025-03-09, or clear the filter."
        raise WebError(422, f"“{label}” is not a date on the calendar: {value}", hint=hint) from None


# --- reads ---------------------------------------------------------------------------------------------------------


@reads.get("/", summary="Story list")
def stories(
    request: Request,
    sort: Literal["newest", "largest"] = "newest",
    outlet: str = "",
    entity: Annotated[str, Query(max_length=200)] = "",
    since: IsoDate = "",
    until: IsoDate = "",
    page: PageNo = 1,
) -> HTMLResponse:
    for label, value in (("From", since), ("To", until)):
        _check_day(label, value)
    store = _store(request)
    size = settings_of(request).page_size
    result = store.list_stories(
        sort=sort,
        outlet=outlet or None,
        entity=entity.strip() or None,
        since=since or None,
        until=until or None,
        limit=size,
        offset=(page - 1) * size,
    )
    filters = {"sort": sort, "outlet": outlet, "entity": entity, "since": since, "until": until}
    return _page(
        request,
        "stories.html.j2",
        title="Stories",
        nav="stories",
        stories=result.items,
        total=result.total,
        counts=store.counts(),
        outlets=[o.name for o in store.list_outlets()],
        filters=filters,
        filtered=any(v for k, v in filters.items() if k != "sort"),
        pager=_pager(request, page, result.total, size),
    )


@reads.get("/stories/{story_id}", summary="Story page", response_model=None)
def story(request: Request, story_id: str) -> HTMLResponse | RedirectResponse:
    store = _store(request)
    info = store.get_story(story_id)
    went = store.merged_into(story_id) if info is None else None
    if went is not None:  # merged into another story by an ingest: the old link leads there
        return RedirectResponse(f"/stories/{quote(went[0], safe='')}", status_code=301)
    report = store.load_report(story_id)
    if info is None or report is None:
        raise WebError(404, f"no story {story_id!r}", hint="find stories on the story list at /")
    data = to_dict(report)  # once, for the charts and the report's body (a 50-article story's takes ~70 ms)
    outlets = len(info.outlets)
    counted = f"{info.articles} article{'s' if info.articles != 1 else ''}"
    counted += f" from {outlets} outlet{'s' if outlets != 1 else ''}"
    charts = render_page(
        "charts.html.j2",
        coverage=coverage_chart(data),
        exclusives=exclusives_chart(data),
        counted=counted,
    )
    timeline = render_page("timeline.html.j2", timeline=timeline_chart(data))
    members = store.list_articles(story_id=story_id, limit=500).items
    dates = {a.id: human_day(a.published) for a in members}
    aside = Markup(
        render_page("story_aside.html.j2", info=info, members=members, dates=dates, updated=human_time(info.updated))
    )
    body = render_report_body(data, aside=aside, details=Markup(charts), timeline=Markup(timeline))
    return _page(request, "story.html.j2", title=info.title or story_id, info=info, body=body, nav="stories")


@reads.get("/stories/{story_id}/report.html", summary="A story's standalone HTML report")
def story_report_page(request: Request, story_id: str) -> HTMLResponse:
    """Exactly what ``parallax analyze --format html`` writes for the story's articles, with its own policy."""
    report = _store(request).load_report(story_id)
    if report is None:
        raise WebError(404, f"There is no story “{story_id}” here", hint=_LOST_STORY)
    html = render_html(report)
    policy = _REPORT_CSP.search(html)
    if policy is None:  # the report always carries its policy; refuse to serve it without one
        raise WebError(500, "the report has no Content-Security-Policy")
    return HTMLResponse(html, headers={"content-security-policy": unescape(policy.group(1))})


@reads.get("/articles/{article_id}", summary="Article page")
def article(request: Request, article_id: str) -> HTMLResponse:
    store = _store(request)
    stored = store.get_article(article_id)
    if stored is None:
        raise WebError(404, f"There is no article “{article_id}” here", hint="Search for it by its words instead.")
    info = stored.info
    story_info = store.get_story(info.story_id)
    report = store.load_report(info.story_id)
    base = f"/stories/{quote(info.story_id, safe='')}"
    text = render_article_html(report, article_id, base) if report is not None else None
    return _page(
        request,
        "article.html.j2",
        title=article_label(info),
        info=info,
        story=story_info,
        text=text,
        annotated=stored.annotated,
        tone=tone(stored.annotated.tone),
        nav="",
    )


@reads.get("/outlets", summary="Outlet list")
def outlets(request: Request) -> HTMLResponse:
    rows = [{"info": o, "tone": tone(o.mean_tone)} for o in _store(request).list_outlets()]
    return _page(request, "outlets.html.j2", title="Outlets", outlets=rows, nav="outlets")


@reads.get("/outlets/{name:path}", summary="Outlet page")
def outlet(request: Request, name: str) -> HTMLResponse:
    view = outlet_view(_store(request), name)
    if view is None:
        raise WebError(404, f"There is no outlet “{name}” here", hint="The outlets page lists every outlet stored.")
    return _page(request, "outlet.html.j2", title=name, view=view, nav="outlets")


@reads.get("/search", summary="Search page")
def search(request: Request, q: Annotated[str, Query(max_length=500)] = "", page: PageNo = 1) -> HTMLResponse:
    size = settings_of(request).page_size
    result = _store(request).search(q, limit=size, offset=(page - 1) * size) if q.strip() else None
    return _page(
        request,
        "search.html.j2",
        title=f"Search: {q}" if q else "Search",
        q=q,
        hits=[snippet(h) for h in result.items] if result else [],
        total=result.total if result else 0,
        pager=_pager(request, page, result.total if result else 0, size),
        nav="search",
    )


# --- upload (a write) ------------------------------------------------------------------------------------------------


# The upload form's fields for one pasted article, kept and shown again when the form must be sent again.
PASTED_FIELDS = ("title", "outlet", "published", "url", "byline", "text")


@reads.get("/upload", summary="Upload form")
def upload_form(request: Request) -> HTMLResponse:
    return _upload_page(request)


def _upload_page(
    request: Request, status: int = 200, kept: dict[str, str] | None = None, problem: str = "", files: int = 0
) -> HTMLResponse:
    """The upload form; sent back with what the reader pasted (``kept``) and what to do (``problem``) when the
    upload could not be taken as it was (a wrong token, an expired form, nothing chosen)."""
    settings = settings_of(request)
    return _page(
        request,
        "upload.html.j2",
        status=status,
        title="Add articles",
        csrf=csrf_token(settings.secret),
        limit=settings.max_upload_bytes,
        kept=kept or {},
        problem=problem,
        lost_files=files,
        nav="upload",
    )


@router.post("/upload", summary="Upload articles")
async def upload(request: Request) -> HTMLResponse:
    settings = settings_of(request)
    if cross_site(request.headers, request.headers.get("host", "")):
        raise WebError(403, "cross-site form posts are refused", hint="use the upload form on this site")
    files: list[Upload] = []
    async with request.form(max_files=100, max_fields=20, max_part_size=settings.max_upload_bytes) as form:
        kept = {f: _text(form.get(f)) for f in PASTED_FIELDS}
        chosen = [item for item in form.getlist("files") if not isinstance(item, str) and item.filename]
        problem = _upload_problem(request, _text(form.get("csrf")), _text(form.get("token")))
        if problem:
            return _upload_page(request, problem[0], kept, problem[1], files=len(chosen))
        for item in chosen:
            files.append(Upload(item.filename or "", await item.read()))
    pasted = [Pasted(**kept)] if kept["text"].strip() else []
    if not files and not pasted:
        if not wants_page(request.scope):
            raise WebError(400, "nothing to add", hint="choose files or paste an article's text")
        nothing = "Nothing was added: choose one or more files, or paste an article's text, then press Add articles."
        return _upload_page(request, 400, kept, nothing)
    job = await run_in_threadpool(queue_uploads, _store(request), jobs_root(request), files, pasted)
    return _job_page(request, job, status=202)


def _upload_problem(request: Request, csrf: str, token: str) -> tuple[int, str] | None:
    """Why an upload form cannot be taken as sent (its status and what to tell the reader), or ``None``. A client
    that is no browser (it does not accept HTML) gets the error itself, in the API's shape."""
    settings = settings_of(request)
    browser = wants_page(request.scope)
    if not csrf_valid(settings.secret, csrf, settings.csrf_ttl):
        if not browser:
            raise WebError(403, "the form has expired or did not come from this site", hint="reload /upload")
        return 403, (
            "This form was open too long (or came from another site), so nothing was added. Press Add articles again."
        )
    try:
        require_write(request, token)
    except WebError as exc:
        if exc.status != 401 or not browser:
            raise
        return 401, (
            "The write token is not right, so nothing was added. Type the write token again (whoever runs this "
            "site set it when starting the server) and press Add articles."
        )
    return None


@reads.get("/jobs/{job_id}", summary="An upload's job")
def job_page(request: Request, job_id: str) -> HTMLResponse:
    """Where an upload stands: queued, running (the page reloads itself every few seconds), then what it added."""
    job = _store(request).get_job(job_id)
    if job is None:
        raise WebError(404, f"There is no upload “{job_id}” here", hint="Add articles on the upload page.")
    return _job_page(request, job)


def _job_page(request: Request, job: Job, status: int = 200) -> HTMLResponse:
    store = _store(request)
    result = job.result or {}
    touched = [s for s in (store.get_story(sid) for sid in [*result.get("created", []), *result.get("updated", [])])
               if s is not None]  # fmt: skip
    listed = result.get("added", [])
    added = [a.info for a in (store.get_article(aid) for aid in listed[:JOB_ARTICLES]) if a is not None]
    waiting = job.state in ("queued", "running")
    return _page(
        request,
        "job.html.j2",
        status=status,
        title=job.label,
        job=job,
        refresh=f"{JOB_REFRESH_SECONDS}; url=/jobs/{quote(job.id, safe='')}" if waiting else None,
        created=set(result.get("created", [])),
        stories=touched,
        added=added,
        more=max(0, len(listed) - JOB_ARTICLES),
        rejections=result.get("rejections", []),
        nav="upload",
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- sign-in (only needed when reads are token-protected) ---------------------------------------------------------


@router.get("/login", summary="Sign-in form")
def login_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> HTMLResponse:
    return _login_page(request, _local(next))


def _login_page(request: Request, after: str, status: int = 200, failed: bool = False) -> HTMLResponse:
    """The sign-in form; ``after``: the page it leads to once signed in (where the reader was sent from)."""
    settings = settings_of(request)
    signed_in = can_read(request)
    return _page(
        request,
        "login.html.j2",
        status=status,
        title="Sign in",
        csrf=csrf_token(settings.secret),
        public=settings.public,
        failed=failed,
        signed_in=signed_in,
        readable=signed_in,
        after=after,
    )


def _local(target: str) -> str:
    """``target`` when it is a path of this site ("/stories/x?page=2"), else "/": the sign-in page never sends a
    reader to another site."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\")) and not any(c in target for c in "\r\n\\")
    return target if ok else "/"


@router.post("/login", summary="Sign in")
async def login(request: Request) -> Response:
    settings = settings_of(request)
    if cross_site(request.headers, request.headers.get("host", "")):
        raise WebError(403, "cross-site form posts are refused", hint="use the sign-in form on this site")
    throttle, client = _login_throttle(request), request.client.host if request.client else "?"
    wait = throttle.wait(client)
    if wait:
        raise WebError(
            429, "too many failed sign-ins from this address", hint=f"try again in {wait} s", retry_after=wait
        )
    async with request.form(max_files=0, max_fields=5, max_part_size=4096) as form:  # csrf, token, next
        if not csrf_valid(settings.secret, _text(form.get("csrf")), settings.csrf_ttl):
            raise WebError(403, "the form has expired or did not come from this site", hint="reload /login")
        token = _text(form.get("token"))
        after = _local(_text(form.get("next")) or "/")
    if not (same_token(token, settings.read_token) or same_token(token, settings.token)):
        throttle.failed(client)
        return _login_page(request, after, status=401, failed=True)
    response = RedirectResponse(after, status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE, cookie_value(token), httponly=True, samesite="strict", secure=secure, max_age=30 * 24 * 3600
    )
    return response


def _login_throttle(request: Request) -> Throttle:
    """The app's sign-in throttle (one per app, made on first use)."""
    state = request.app.state
    if getattr(state, "login_throttle", None) is None:
        state.login_throttle = Throttle()
    throttle: Throttle = state.login_throttle
    return throttle


router.include_router(reads)
