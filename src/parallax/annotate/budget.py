"""The budget of one article in annotate: time and memory. An article over it is rejected as ``too-slow``, with its
name, and the batch goes on.

:func:`annotate_within` annotates like :func:`parallax.annotate.nlp.annotate` (same order, same records) under a
:class:`Budget`, two ways:

* **in worker processes** (large batches): each worker reports when it starts an article's annotators and when it
  has finished the article; the parent watches the clock and each worker's resident memory. A worker past the
  budget is killed (and replaced while there is work left), its article rejected, and the articles after it go to
  a worker again. While a worker is in spaCy's pass over a batch of articles, no one article can be blamed: that
  batch is run again one article at a time (each with its own budget), so the article that is slow alone is the
  one rejected.
* **in this process** (small batches, no start-up cost): the budget is checked after each annotator. A step cannot
  be interrupted here, so an article is abandoned at the first check past its budget: the overrun is one step, and
  each step is linear in the text (``tests/test_linear_time.py``, ``tests/test_regex_audit.py``), which is at most
  ``extract.MAX_ARTICLE_CHARS`` long. spaCy's own pass is not timed in process (it is shared by a batch); on its
  own it took ~15 s for 198,226 characters (benchmarks/limits.py, with the annotators).

Memory is the process's resident size (Linux ``/proc``; elsewhere only the time is watched): its growth while one
article is annotated (in process), or over what the worker held when it was ready (in workers).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import resources
from ..errors import TooSlowError
from ..models import AnnotatedArticle, Article, Rejection
from ..processes import spawn_context
from .nlp import PARALLEL_CHUNK, annotate_doc, check_length, default_processes

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["Budget", "annotate_within"]

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often the parent looks at its workers' clocks and memory
STOP_SECONDS = 5.0  # a worker asked to stop that is still running after this is killed


@dataclass(frozen=True, slots=True)
class Budget:
    """What one article may take in annotate: ``seconds`` of wall-clock time, ``memory`` bytes of resident memory."""

    seconds: float
    memory: int


def annotate_within(
    articles: Sequence[Article], budget: Budget, *, batch_size: int = 16, n_process: int | None = None
) -> Iterator[AnnotatedArticle | Rejection]:
    """Each article annotated, in order, or a ``too-slow`` Rejection (stage ``annotate``) for one over ``budget``.

    ``n_process`` as for ``nlp.annotate`` (None: one per CPU for large batches). Every article must be within
    ``extract.MAX_ARTICLE_CHARS`` (``nlp.within_limits`` sorts them first); a longer one raises ``TooLargeError``.
    """
    items = [check_length(article) for article in articles]
    workers = n_process if n_process is not None else default_processes(len(items))
    if workers <= 1 or len(items) < 2:
        yield from _in_process(items, budget, batch_size)
    else:
        yield from _Crew(items, budget, min(workers, -(-len(items) // PARALLEL_CHUNK))).run()


def _rejection(article: Article, why: str) -> Rejection:
    error = TooSlowError(f"article {article.id!r}: {why} (the budget of one article)", document=article.source)
    return Rejection.from_error(article.source or article.id, "annotate", error)


def _over_time(budget: Budget) -> str:
    return f"annotating it took over {budget.seconds:g} s"


def _over_memory(budget: Budget) -> str:
    return f"annotating it took over {budget.memory // (1024 * 1024):,} MB of memory"


def resident_bytes(pid: int | None = None) -> int | None:
    """The resident memory of process ``pid`` (None: this one) in bytes, or None where it cannot be read."""
    try:
        with open(f"/proc/{pid or 'self'}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


# --- in this process --------------------------------------------------------------------------------------------


def _in_process(articles: Sequence[Article], budget: Budget, batch_size: int) -> Iterator[AnnotatedArticle | Rejection]:
    nlp = resources.spacy_model()
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=1):
        try:
            yield annotate_doc(article, doc, _meter(budget))
        except _OverBudget as over:
            yield _rejection(article, over.why)


class _OverBudget(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _meter(budget: Budget) -> Callable[[], None]:
    """A check for one article's steps: raises ``_OverBudget`` once the budget is spent, counted from now."""
    deadline = time.monotonic() + budget.seconds
    start = resident_bytes()

    def check() -> None:
        if time.monotonic() > deadline:
            raise _OverBudget(_over_time(budget))
        now = resident_bytes() if start is not None else None
        if start is not None and now is not None and now - start > budget.memory:
            raise _OverBudget(_over_memory(budget))

    return check


# --- in worker processes ----------------------------------------------------------------------------------------


def _serve(conn: Connection) -> None:
    """A worker: loads spaCy, says it is ready, then annotates the tasks it is sent until it is sent None.

    Messages: ("ready", None, None), ("begin", index, None) before an article's annotators, ("done", index,
    AnnotatedArticle), ("idle", None, None) after a task, ("error", None, exception) when annotation fails (a bug).
    """
    try:
        nlp = resources.spacy_model()
        conn.send(("ready", None, None))
        while (task := conn.recv()) is not None:
            indexed, batch_size = task
            pairs = ((article.text, (index, article)) for index, article in indexed)
            for doc, (index, article) in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=1):
                conn.send(("begin", index, None))
                conn.send(("done", index, annotate_doc(article, doc)))
            conn.send(("idle", None, None))
    except Exception as exc:
        conn.send(("error", None, _picklable(exc)))


def _picklable(exc: Exception) -> Exception:
    import pickle
    import traceback

    try:
        pickle.dumps(exc)
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)).strip())


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    task: list[int] = field(default_factory=list)  # the indexes of the articles it has not finished
    batch: int = 1  # spaCy's batch size for its task
    begun: bool = False  # in the annotators of task[0] (not in spaCy's pass over a batch)
    deadline: float = float("inf")
    base: int | None = None  # resident bytes when it was ready


class _Crew:
    """Worker processes annotating ``items`` under ``budget``; :meth:`run` gives the results in input order."""

    def __init__(self, items: Sequence[Article], budget: Budget, size: int) -> None:
        # spawn, not fork: the caller may hold threads (the web app, BLAS); each worker loads its own spaCy model.
        # Workers never import the caller's __main__ (``processes``): an unguarded script is not re-run in each.
        self.context = spawn_context()
        self.items = items
        self.budget = budget
        self.size = size
        self.todo: deque[tuple[list[int], int]] = deque(
            (list(range(i, min(i + PARALLEL_CHUNK, len(items)))), PARALLEL_CHUNK)
            for i in range(0, len(items), PARALLEL_CHUNK)
        )
        self.results: dict[int, AnnotatedArticle | Rejection] = {}
        self.workers: list[_Worker] = []

    def run(self) -> Iterator[AnnotatedArticle | Rejection]:
        from multiprocessing.connection import wait

        done = 0
        try:
            while done < len(self.items):
                self._assign()
                for conn in wait([w.conn for w in self.workers], timeout=POLL_SECONDS):
                    worker = next(w for w in self.workers if w.conn is conn)
                    while self._receive(worker) and worker.conn.poll():
                        pass  # every message waiting, so that the clocks are read from the latest
                self._watch()
                while done in self.results:
                    yield self.results.pop(done)
                    done += 1
        finally:
            for worker in self.workers:
                self._stop(worker)

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _assign(self) -> None:
        while self.todo and len(self.workers) < self.size:
            self.workers.append(self._start())
        for worker in self.workers:
            if worker.ready and not worker.task and self.todo:
                indexes, batch = self.todo.popleft()
                worker.task, worker.batch, worker.begun = indexes, batch, False
                worker.deadline = time.monotonic() + self.budget.seconds
                worker.conn.send(([(i, self.items[i]) for i in indexes], batch))

    def _receive(self, worker: _Worker) -> bool:
        """Read one message of ``worker``; False when it has ended."""
        try:
            kind, index, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return False
        now = time.monotonic()
        if kind == "error":
            raise payload
        if kind == "ready":
            worker.ready, worker.base = True, resident_bytes(worker.process.pid)
        elif kind == "begin":
            worker.begun = True
            if worker.batch > 1:  # spaCy's pass was the batch's: the annotators get a budget of their own
                worker.deadline = now + self.budget.seconds
        elif kind == "done":
            self.results[index] = payload
            worker.task.remove(index)
            worker.begun, worker.deadline = False, now + self.budget.seconds
        return True

    def _watch(self) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if not worker.task:
                continue
            if now > worker.deadline:
                self._blame(worker, _over_time(self.budget))
                continue
            rss = resident_bytes(worker.process.pid) if worker.base is not None else None
            if rss is not None and worker.base is not None and rss - worker.base > self.budget.memory:
                self._blame(worker, _over_memory(self.budget))

    def _lost(self, worker: _Worker) -> None:
        """A worker that ended by itself (killed by the system for memory, or crashed)."""
        worker.process.join(STOP_SECONDS)
        if not worker.ready:
            raise RuntimeError(f"an annotate worker ended while starting (exit code {worker.process.exitcode})")
        if worker.task:
            self._blame(worker, f"the process annotating it ended (exit code {worker.process.exitcode})")
        else:
            self._retire(worker)

    def _blame(self, worker: _Worker, why: str) -> None:
        """``worker`` went over the budget: the article it was on is rejected, or, while it was in spaCy's pass over
        a batch, that batch is run again one article at a time. The rest of its task goes back first in line."""
        pending = worker.task
        if worker.begun or worker.batch == 1:
            logger.info(
                "annotate worker %s stopped: article %r: %s", worker.process.pid, self.items[pending[0]].id, why
            )
            self.results[pending[0]] = _rejection(self.items[pending[0]], why)
            if pending[1:]:
                self.todo.appendleft((pending[1:], worker.batch))
        else:
            logger.info(
                "annotate worker %s stopped in spaCy's pass over %d articles: %s; they run again one at a time",
                worker.process.pid,
                len(pending[: worker.batch]),
                why,
            )
            if pending[worker.batch :]:
                self.todo.appendleft((pending[worker.batch :], worker.batch))
            self.todo.appendleft((pending[: worker.batch], 1))
        worker.task = []
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker``; ``_assign`` starts another when there is work left for it."""
        worker.process.kill()
        self._stop(worker)
        self.workers.remove(worker)

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):  # it may have ended already
            worker.conn.send(None)
        worker.process.join(STOP_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
