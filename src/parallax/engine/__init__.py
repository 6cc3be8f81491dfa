"""Engine: the stages run end to end, one way per module.

- ``stages``: the stages, defined once: read, extract, annotate (worker processes), group, compare, and the report;
  the ``Progress`` callback type and its no-op.
- ``local``: a batch analysed in this process (``analyze``, ``analyze_articles``).
- ``store``: ingest into a store: incremental assignment to stored stories, merges, splits, recompute of the stories
  touched (``ingest_paths``, ``ingest_articles``, ``ingest_annotated``).
- ``ray``: read, extract and annotate as Ray Data tasks over sharded inputs, then the local or store runner's rest
  (``analyze_ray``, ``ingest_ray``; imported on demand: Ray is an optional extra).
- ``watch``: a polling loop over feeds, sitemaps and folders feeding the store runner (``watch``).
- ``jobs``: the ingest queue: uploads staged as jobs in the store, run by a worker loop in a process of its own
  (``stage_job``, ``run_worker``, ``WorkerProcess``), so the web server never runs an analysis.

Every runner takes ``settings`` (:class:`parallax.settings.Settings`; None: the defaults).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .local import analyze, analyze_articles
from .stages import Progress, analyze_stories, embed_sentences, no_progress

if TYPE_CHECKING:
    from .store import IngestResult, ingest_annotated, ingest_articles, ingest_paths

__all__ = [
    "IngestResult",
    "Progress",
    "analyze",
    "analyze_articles",
    "analyze_stories",
    "embed_sentences",
    "ingest_annotated",
    "ingest_articles",
    "ingest_paths",
    "no_progress",
]


def __getattr__(name: str) -> Any:
    """The store runner's names, imported on first use (``analyze`` does not need the store)."""
    if name not in ("IngestResult", "ingest_annotated", "ingest_articles", "ingest_paths"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import store

    value = getattr(store, name)
    globals()[name] = value
    return value
