"""Continuous ingest: poll feeds, sitemaps, pages and folders, and add what is new to the store until stopped.

:func:`watch` polls each source every ``interval`` seconds. A feed or sitemap is fetched again each time, but only
the articles it lists that were never read before are fetched (the :class:`SeenState`, kept in a JSON file beside
the store, remembers canonical URLs and ``file:`` signatures of path, size and modification time). New documents
are read and extracted (:mod:`parallax.engine.stages`) and handed to :func:`parallax.engine.store.ingest_articles`,
which files them into stories.

A source that fails (the feed itself cannot be fetched, the folder is gone) is retried with exponential backoff
(``interval`` x 2, x 4, ... up to ``max_backoff``); the others go on. URLs read in a poll become "seen" only after
their articles are stored, so a crash or a stop mid-poll never loses an article (and a URL that failed to fetch
never becomes seen: the next poll tries it again). Setting ``stop`` (the CLI does on SIGINT or SIGTERM) ends the
watch after the document being read: what was read is stored and the state saved.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, MutableSet, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError, InputError
from ..models import RawDocument, Rejection
from ..settings import Settings
from ..sources import IngestCounts
from ..sources.fetch import Fetcher, FetchPolicy
from ..store import Store
from .stages import extract, read, split
from .store import IngestResult, ingest_articles

__all__ = ["PollResult", "SeenState", "WatchOptions", "watch"]

# --- tuning constants -----------------------------------------------------------------------------------------------

INTERVAL_S = 300.0  # news feeds refresh every few minutes; RSS <ttl> values seen in practice are 5-60 minutes
MAX_BACKOFF_S = 3600.0  # a source failing for hours is retried at least hourly
MAX_SEEN = 500_000  # seen entries kept (oldest dropped first): ~60 MB of JSON at most, years of a busy feed
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """How to watch: the poll interval and backoff cap (seconds), one poll only. (The size limit and the fetch policy
    are the run's ``Settings``.)"""

    interval: float = INTERVAL_S
    max_backoff: float = MAX_BACKOFF_S
    once: bool = False


@dataclass(frozen=True, slots=True)
class PollResult:
    """One poll of one source: what it added to the store, what was already there, and what went wrong.

    ``error`` is set when the source itself failed (it is then retried after ``retry_in`` seconds).
    """

    source: str
    added: int
    unchanged: int
    duplicate: int
    rejections: tuple[Rejection, ...]
    stories: int
    error: str | None
    retry_in: float


class SeenState(MutableSet[str]):
    """An ordered set of seen URLs and file signatures, saved to a JSON file (atomically) and loaded from it."""

    def __init__(self, path: Path | None = None, *, limit: int = MAX_SEEN) -> None:
        self.path = path
        self._limit = limit
        self._items: dict[str, None] = {}
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the watch state {path}: {exc}", hint="delete it to start afresh") from exc
        if not isinstance(data, dict) or not isinstance(data.get("seen"), list):
            raise ConfigError(f"{path} is not a watch state file", hint="delete it or pass another --state")
        self._items = dict.fromkeys(str(item) for item in data["seen"])

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, value: str) -> None:
        self._items[value] = None
        if len(self._items) > self._limit:
            del self._items[next(iter(self._items))]

    def discard(self, value: str) -> None:
        self._items.pop(value, None)

    def save(self) -> None:
        """Write the state file (a temporary file renamed over it, so a crash never leaves half a file)."""
        if self.path is None:
            return
        payload = json.dumps({"version": STATE_VERSION, "seen": list(self._items)}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class _Pending(MutableSet[str]):
    """What one poll reads: seen if in the state or read in this poll; committed to the state once stored."""

    def __init__(self, base: SeenState) -> None:
        self.base = base
        self.new: dict[str, None] = {}

    def __contains__(self, item: object) -> bool:
        return item in self.new or item in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (item for item in self.new if item not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(item not in self.base for item in self.new)

    def add(self, value: str) -> None:
        self.new[value] = None

    def discard(self, value: str) -> None:
        self.new.pop(value, None)

    def commit(self) -> None:
        for item in self.new:
            self.base.add(item)


def watch(
    store: Store,
    sources: Sequence[str],
    *,
    settings: Settings | None = None,
    options: WatchOptions | None = None,
    state: SeenState | None = None,
    stop: threading.Event | None = None,
    on_poll: Callable[[PollResult], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll ``sources`` (feed, sitemap or page URLs, folders, files) into ``store`` until ``stop`` is set.

    With ``options.once`` every source is polled once and the call returns. ``on_poll`` is called after each poll
    of a source. ``settings`` (None: the defaults) set the size limit, the fetch policy and how new articles are
    analysed. Raises ``ConfigError`` for a source that is neither a URL nor an existing path.
    """
    settings = settings or Settings()
    options = options or WatchOptions()
    state = state if state is not None else SeenState()
    stop = stop or threading.Event()
    if not sources:
        raise ConfigError("nothing to watch", hint="name feeds, sitemaps or folders")
    for source in sources:
        if not source.lower().startswith(("http://", "https://")) and not Path(source).exists():
            raise ConfigError(f"no such file or folder: {source}", hint="check the path, or give an http(s) URL")
    due = dict.fromkeys(sources, clock())
    failures = dict.fromkeys(sources, 0)
    policy = settings.fetch or FetchPolicy(max_bytes=settings.max_bytes)
    with Fetcher(policy, sleep=stop.wait) as fetcher:  # a stop cuts any politeness wait short
        while not stop.is_set():
            for source in sources:
                if stop.is_set() or due[source] > clock():
                    continue
                result = _poll(store, source, fetcher, state, stop, settings)
                failures[source] = failures[source] + 1 if result.error else 0
                delay = min(options.interval * 2 ** failures[source], options.max_backoff)
                due[source] = clock() + delay
                state.save()
                if on_poll is not None:
                    on_poll(_with_retry(result, delay if result.error else 0.0))
            if options.once:
                break
            wait = min(due.values()) - clock()
            if wait > 0:
                stop.wait(wait)
    state.save()


def _poll(
    store: Store, source: str, fetcher: Fetcher, state: SeenState, stop: threading.Event, settings: Settings
) -> PollResult:
    pending = _Pending(state)
    counts = IngestCounts()
    documents: list[RawDocument] = []
    rejections: list[Rejection] = []
    error: str | None = None
    try:
        for item in read([source], settings, counts=counts, seen=pending, fetcher=fetcher):
            if isinstance(item, Rejection):
                rejections.append(item)
                if item.document == source:  # the feed, sitemap or page itself: the source failed
                    error = f"{item.reason}: {item.message}"
            else:
                documents.append(item)
            if stop.is_set():
                break
    except InputError as exc:  # the folder vanished between polls
        error = f"{exc.reason}: {exc.message}"
    articles, failed = split(extract(documents))
    rejections += failed
    result = (
        ingest_articles(store, articles, settings=settings, rejections=rejections)
        if articles
        else IngestResult(rejections=tuple(rejections))
    )
    pending.commit()
    return PollResult(
        source=source,
        added=len(result.added),
        unchanged=len(result.unchanged),
        duplicate=counts.duplicate,
        rejections=result.rejections,
        stories=len(result.stories),
        error=error,
        retry_in=0.0,
    )


def _with_retry(result: PollResult, retry_in: float) -> PollResult:
    return replace(result, retry_in=retry_in)
