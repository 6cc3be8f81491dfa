"""Uploaded articles into the store: files and pasted articles are written to a private temporary folder, then
ingested with :func:`parallax.engine.store.ingest_paths`, exactly as ``parallax ingest FOLDER`` would.

Rejections name the document as the uploader named it (``story.html``, ``pasted article 2``), never the folder.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..engine.store import IngestResult, ingest_paths
from ..settings import Settings as RunSettings
from ..store import Store

__all__ = ["Pasted", "Upload", "ingest_uploads"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

# One ingest at a time in a server process. Ingests are CPU-bound (spaCy, embedding, comparison) and hold the GIL,
# so two at once finish no sooner; and two that grow the same story make one of them decide again (up to
# incremental.SAVE_ATTEMPTS times, then fail): under the load test (benchmarks/load.py, 16 clients) some did.
# Reads never wait for it. Ingests from other processes are still handled by the store's retry.
_INGESTS = threading.Lock()


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file: the name the client gave it (only its extension matters to ingest) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Pasted:
    """An article typed or pasted into the form (or posted as JSON): its text and what is known about it."""

    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""
    byline: str = ""

    def record(self) -> dict[str, str]:
        """As a JSON record ingest reads (``text``, ``title``, ``outlet``, ...), empty fields left out."""
        fields = {"title": self.title, "text": self.text, "outlet": self.outlet, "url": self.url,
                  "published": self.published, "author": self.byline}  # fmt: skip
        return {k: v.strip() for k, v in fields.items() if v and v.strip()}


def ingest_uploads(
    store: Store, files: Sequence[Upload] = (), pasted: Sequence[Pasted] = (), settings: RunSettings | None = None
) -> IngestResult:
    """Ingest uploaded files and pasted articles into ``store`` with ``settings`` (the app's ``Settings.run``; None:
    the defaults); bad ones come back as rejections."""
    with tempfile.TemporaryDirectory(prefix="parallax-upload-") as tmp:
        folder = Path(tmp)
        names: dict[str, str] = {}  # file written -> the name to show
        for n, upload in enumerate(files, 1):
            # One folder per file, so that two uploads of the same name do not collide and the file keeps its own
            # name (ingest derives the article's id from it).
            path = folder / f"{n:04d}" / _safe(upload.name)
            path.parent.mkdir()
            path.write_bytes(upload.data)
            names[str(path)] = upload.name or f"file {n}"
        for n, item in enumerate(pasted, 1):
            path = folder / f"pasted-{n:04d}" / "pasted.json"
            path.parent.mkdir()
            path.write_text(json.dumps(item.record(), ensure_ascii=False), encoding="utf-8")
            names[str(path)] = f"pasted article {n}"
        if not names:
            return IngestResult()
        # Each file by name, not the folder: a folder walk skips unknown file types silently, a named file is
        # rejected with its reason.
        with _INGESTS:
            result = ingest_paths(store, [Path(p) for p in names], settings=settings)
    rejections = tuple(replace(r, document=_shown(r.document, names, folder)) for r in result.rejections)
    return replace(result, rejections=rejections)


def _safe(name: str) -> str:
    """A file name that cannot leave the folder: the last path part, odd characters replaced, extension kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", base).lstrip(".")[-100:] or "upload"


def _shown(document: str, names: dict[str, str], folder: Path) -> str:
    path, hash_, rest = document.partition("#")
    shown = names.get(path)
    if shown is None:
        return document.replace(str(folder) + "/", "")
    return shown + hash_ + rest
