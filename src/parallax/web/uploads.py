"""Uploaded articles into the ingest queue: files and pasted articles are staged on disk as one job
(:func:`parallax.engine.jobs.stage_job`), which a worker process ingests as ``parallax ingest FILES`` would. The
request is answered at once, with the job; the server that answers reads never runs an analysis.

Rejections and stored sources name each document as the uploader named it (``story.html``, ``pasted article 2``),
never the folder it was staged in. :func:`job_view` is a job as the API and the job page show it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request

from ..engine.jobs import stage_job
from ..store import Job, Store

__all__ = ["Pasted", "Upload", "job_view", "jobs_root", "label", "queue_uploads"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file: the name the client gave it (only its extension matters to ingest) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Pasted:
    """An article typed or pasted into the form (or posted as JSON): its text and what is known about it; ``id``,
    when not empty, the id to store it under (checked by the caller: see ``api.ARTICLE_ID``)."""

    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""
    byline: str = ""
    id: str = ""

    def record(self) -> dict[str, str]:
        """As a JSON record ingest reads (``text``, ``title``, ``outlet``, ...), empty fields left out."""
        fields = {"title": self.title, "text": self.text, "outlet": self.outlet, "url": self.url,
                  "published": self.published, "author": self.byline}  # fmt: skip
        return {k: v.strip() for k, v in fields.items() if v and v.strip()}


def jobs_root(request: Request) -> Path:
    """Where this app stages uploads for the worker (``create_app`` sets it from the store)."""
    root: Path = request.app.state.jobs_folder
    return root


def queue_uploads(store: Store, root: Path, files: Sequence[Upload] = (), pasted: Sequence[Pasted] = ()) -> Job:
    """Stage uploaded files and pasted articles under ``root`` as one queued job of ``store``; the job.

    A pasted article with an ``id`` is staged as ``<id>.json``, so that ingest gives it that id (as it gives a file
    its name), and before the others, so that no made-up id ("pasted", "pasted-2") takes it first."""
    staged = [(upload.name or f"file {n}", _safe(upload.name), upload.data) for n, upload in enumerate(files, 1)]
    numbered = sorted(enumerate(pasted, 1), key=lambda pair: not pair[1].id)  # stable: given ids first, in order
    for n, item in numbered:
        record = json.dumps(item.record(), ensure_ascii=False).encode("utf-8")
        staged.append((f"pasted article {n}", f"{item.id}.json" if item.id else "pasted.json", record))
    return stage_job(store, root, label(len(files), len(pasted)), staged)


def label(files: int, pasted: int) -> str:
    """What a job holds, for people: "3 files uploaded", "1 file and 2 articles uploaded"."""
    parts = [f"{files} file{'s' if files != 1 else ''}"] if files else []
    if pasted:
        parts.append(f"{pasted} article{'s' if pasted != 1 else ''}")
    return " and ".join(parts) + " uploaded"


def job_view(job: Job) -> dict[str, Any]:
    """A job as the API answers it: where it stands, its counts and, once done, the ingest's answer (``result``:
    ``added``, ``unchanged``, ``created``, ``updated``, ``rejections``). Where its files wait and which worker runs
    it stay inside the server."""
    return {
        "id": job.id,
        "state": job.state,
        "label": job.label,
        "created": job.created,
        "started": job.started,
        "finished": job.finished,
        "counts": {"accepted": job.accepted, "rejected": job.rejected, "duplicate": job.duplicate},
        "error": job.error,
        "result": job.result,
    }


def _safe(name: str) -> str:
    """A file name that cannot leave the folder: the last path part, odd characters replaced, extension kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", base).lstrip(".")[-100:] or "upload"
