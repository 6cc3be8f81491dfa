"""The app factory: :func:`create_app` wires a store and settings into a FastAPI application."""

from __future__ import annotations

from importlib.resources import files

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from ..engine.jobs import jobs_folder
from ..store import Store
from ..version import __version__
from . import api, health, pages
from .access import require_read
from .caching import ApiCache
from .errors import install_handlers
from .middleware import AccessLog, BodyLimit, HeadAsGet, SecurityHeaders
from .settings import Settings

__all__ = ["GZIP_MINIMUM", "create_app"]

# Answers at least this long (bytes) are gzipped for clients that accept it: below ~1 KB the saving is smaller than
# the cost, and a short body may not even fill one TCP packet.
GZIP_MINIMUM = 1024

DESCRIPTION = """Stories, their coverage reports, articles, outlets and full-text search over a Parallax store.

Reads are public unless the server sets a read token; writes (`POST /api/ingest`) need the write token. An ingest
answers 202 with a job at once; a worker process runs it, and `GET /api/jobs/{id}` says when it is done.
Send a token as `Authorization: Bearer TOKEN`. Every error has the shape
`{"error": {"status": ..., "code": ..., "message": ..., "hint": ...}}` (`ErrorOut`). Every list has the shape
`{"items": [...], "total", "limit", "offset", "next", "previous"}`: `next` and `previous` are the URLs of the
neighbouring pages, null at either end. Times the store sets are UTC with their offset (`+00:00`); days are
`YYYY-MM-DD`; an article's `published` is as its source gave it (with an offset only where the source gave one)."""


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    """The web app and JSON API over ``store``; ``settings`` default to :meth:`Settings.from_env`.

    The app does not close the store: its owner does (``parallax serve`` on shutdown). Uploads are queued as jobs
    in the store, their files staged in :func:`parallax.engine.jobs.jobs_folder`; the app runs none of them: a worker
    does (``parallax serve`` starts one; ``parallax worker`` runs one; in Python, ``engine.jobs.run_worker``).
    """
    settings = settings if settings is not None else Settings.from_env()
    app = FastAPI(
        title="Parallax",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,  # served below, behind the read token like every other read
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN, which this app never does
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.jobs_folder = jobs_folder(store, settings.run)
    install_handlers(app)
    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(pages.router, include_in_schema=False)  # pages are HTML: not part of the API
    report_css = files("parallax.report").joinpath("templates", "report.css").read_bytes()
    readers = [Depends(require_read)]

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=readers)
    def openapi_document() -> JSONResponse:
        return JSONResponse(api.openapi_document(app.openapi(), public=settings.public))

    @app.get("/static/report.css", include_in_schema=False, dependencies=readers)
    def report_stylesheet(request: Request) -> Response:
        # The report's own stylesheet, so the story page looks like the HTML report.
        return Response(report_css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    # The app's own stylesheet stays public: the sign-in page needs it, and it holds no data.
    app.mount("/static", StaticFiles(packages=[("parallax.web", "static")]), name="static")
    # The last added is the outermost: the access log sees what leaves (gzipped bytes, the final status); the
    # security headers go on every response, the size limit's 413 included; HEAD runs as GET outside gzip, so that
    # its headers are those of the GET; ETags are computed on the body before it is compressed (hence weak).
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes, seconds=settings.body_seconds)
    app.add_middleware(ApiCache, private=not settings.public)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    return app
