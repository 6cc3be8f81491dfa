"""``GET /healthz``: whether this server can answer, for a load balancer or an orchestrator.

Open without a token even where reads need one: it tells nothing of the store's contents. It asks the store one cheap
question (how many ingest jobs are in each state): 200 with ``{"status": "ok", "version", "store": "ok", "jobs":
{"queued", "running"}}`` when the store answers within 5 s, else 503 with ``"status": "unavailable"``, ``"store":
"unreachable"`` and ``Retry-After``; the reason goes to the server's log, never to the caller.
"""

from __future__ import annotations

import logging
from typing import Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..store import Store
from ..version import __version__

__all__ = ["HEALTH_SECONDS", "Health", "router"]

logger = logging.getLogger(__name__)

router = APIRouter()

# How long the store may take to answer the health check's query before the server is reported unavailable: an
# orchestrator's probe usually gives up after 1 to 10 s.
HEALTH_SECONDS = 5.0


class HealthJobs(BaseModel):
    queued: int = Field(description="ingest jobs waiting for a worker")
    running: int = Field(description="ingest jobs a worker is running")


class Health(BaseModel):
    """Whether the server and its store answer."""

    status: Literal["ok", "unavailable"]
    version: str = Field(description="the Parallax version serving")
    store: Literal["ok", "unreachable"]
    jobs: HealthJobs | None = Field(description="the ingest queue (null when the store did not answer)")


@router.get(
    "/healthz",
    summary="Health check",
    tags=["health"],
    response_model=Health,
    responses={503: {"model": Health, "description": "the store did not answer"}},
)
async def healthz(request: Request) -> JSONResponse:
    """200 when the server and its store answer (no token needed), 503 when the store does not."""
    store: Store = request.app.state.store
    headers = {"cache-control": "no-store"}
    try:
        with anyio.fail_after(HEALTH_SECONDS):
            counts = await anyio.to_thread.run_sync(store.job_counts, abandon_on_cancel=True)
    except Exception as exc:  # any failure of the store (closed, unreachable, timed out) means "unavailable"
        logger.warning("health check: the store did not answer: %s", str(exc) or type(exc).__name__)
        down = Health(status="unavailable", version=__version__, store="unreachable", jobs=None)
        return JSONResponse(down.model_dump(), status_code=503, headers={**headers, "retry-after": "10"})
    jobs = HealthJobs(queued=counts.get("queued", 0), running=counts.get("running", 0))
    up = Health(status="ok", version=__version__, store="ok", jobs=jobs)
    return JSONResponse(up.model_dump(), headers=headers)
