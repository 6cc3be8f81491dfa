"""The ingest queue's runner: workers that claim queued jobs from the store and run the store runner on them, in a
process of their own, so that the web server never runs an analysis and its reads stay fast while one runs.

The web app stages an upload with :func:`stage_job` (its files written under :func:`jobs_folder`, a queued row in the
store's ``jobs`` table) and answers at once. :func:`run_worker` loops: queue again the jobs whose worker died
(:func:`recover_jobs`), claim the oldest queued job (atomically: two workers never take one), ingest its files with
:func:`parallax.engine.store.ingest_paths` (sources and rejections named as uploaded), record ``done`` with the
counts and the answer, or ``failed`` with one line, and delete the staged files. :class:`WorkerProcess` runs that loop
in a child process and starts it again when it dies; ``parallax serve`` starts one.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from ..errors import ParallaxError, StoreError
from ..settings import Settings
from ..store import Job, Store, open_store
from .store import IngestResult, ingest_paths

__all__ = [
    "MAX_ATTEMPTS",
    "WorkerProcess",
    "ingest_answer",
    "jobs_folder",
    "recover_jobs",
    "run_job",
    "run_worker",
    "stage_job",
    "worker_name",
]

log = logging.getLogger(__name__)

# How often an idle worker looks for a queued job: one indexed query, so a job waits at most this long to start.
POLL_SECONDS = 0.2
# How often a worker running a job says so (the job's ``beat``), and how long a silent worker's job is left running
# before another worker takes it for orphaned: a job is never silent for long (a beat from a thread of its own), so
# twelve missed beats mean the worker is gone (a killed process, a machine that went down).
BEAT_SECONDS = 10.0
STALE_SECONDS = 120.0
# How often an idle worker looks for orphaned jobs (besides once when it starts).
RECOVER_SECONDS = 30.0
# The worker process's niceness: analysis yields the CPU to the process that serves reads (issue 15: reads stay fast
# while any ingest runs, benchmarks/load.py's hostile scenario).
WORKER_NICENESS = 10
# How long a worker whose server is gone (its pipe ended) may go on with its job before it puts the job back in
# the queue and ends: an analysis can run for minutes, and a server that stops or dies must not leave it behind.
ORPHAN_GRACE_SECONDS = 5.0
# Claims of one job before it is failed rather than queued again: a job that kills its worker (memory, a crash in a
# parser) would otherwise take down every worker in turn, forever.
MAX_ATTEMPTS = 3


class _Stop(Protocol):
    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


def worker_name() -> str:
    """This process's name as a worker: ``host:pid``, so a worker on the same machine can tell that it is gone."""
    return f"{socket.gethostname()}:{os.getpid()}"


def jobs_folder(store: Store, settings: Settings | None = None) -> Path:
    """Where uploads wait for a worker: beside an SQLite store's file (``parallax.db-jobs``), else (PostgreSQL, a store
    in memory) in the cache folder (``~/.cache/parallax/jobs``)."""
    if store.path is not None:
        return store.path.with_name(store.path.name + "-jobs")
    cache = settings.cache_dir if settings is not None and settings.cache_dir else Path.home() / ".cache" / "parallax"
    return cache / "jobs"


def stage_job(store: Store, root: Path, label: str, files: Sequence[tuple[str, str, bytes]]) -> Job:
    """Queue a job for ``files`` (the name to show, a safe file name, the bytes): each written to a folder of its own
    under ``root/<job id>/`` (private to this user), then the job added to the store as ``queued``."""
    job_id = secrets.token_hex(8)  # 64 random bits: a job's page cannot be guessed, and the id says nothing
    folder = root / job_id
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
        inputs: list[tuple[str, str]] = []
        for n, (shown, name, data) in enumerate(files, 1):
            # One folder per file: two uploads of one name do not collide, and each keeps its own name (ingest
            # derives the article's id from it).
            (folder / f"{n:04d}").mkdir()
            (folder / f"{n:04d}" / name).write_bytes(data)
            inputs.append((f"{n:04d}/{name}", shown))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(
            f"cannot stage the upload for ingest: {exc.strerror or exc}", hint=f"check that {root} can be written"
        ) from exc
    try:
        return store.add_job(job_id, label, str(folder), inputs)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def ingest_answer(result: IngestResult) -> dict[str, Any]:
    """An ingest's outcome as JSON: the ids ``added`` and ``unchanged``, stories ``created`` and ``updated``, and the
    ``rejections`` (document, stage, reason, message, hint)."""
    return {
        "added": list(result.added),
        "unchanged": list(result.unchanged),
        "created": list(result.created),
        "updated": list(result.updated),
        "rejections": [dataclasses.asdict(r) for r in result.rejections],
    }


def run_job(store: Store, job: Job, worker: str, settings: Settings | None = None) -> None:
    """Ingest a claimed job's files and record its outcome; the staged files are deleted once it is recorded.

    A stop (``SystemExit``, ``KeyboardInterrupt``) while it runs puts the job back in the queue, files kept."""
    folder = Path(job.folder)
    paths = [folder / staged for staged, _ in job.inputs]
    names = {str(folder / staged): shown for staged, shown in job.inputs}
    began = time.monotonic()
    try:
        with _beating(store, job.id, worker):
            result = ingest_paths(store, paths, settings=settings, names=names)
    except ParallaxError as exc:
        _finish(store, job, worker, failed=_one_line(exc.message, exc.hint))
    except Exception as exc:  # the worker's boundary: a bug met by one job must not stop the queue
        log.exception("job %s (%s) failed", job.id, job.label)
        _finish(store, job, worker, failed=_one_line(f"internal error: {type(exc).__name__}: {exc}", "see the log"))
    except BaseException:
        store.requeue_job(job.id, worker)
        raise
    else:
        counts = (len(result.added), len(result.rejections), len(result.unchanged))
        _finish(store, job, worker, counts=counts, result=ingest_answer(result))
        log.info("job %s (%s): %d added, %d rejected, %d already stored in %.1f s", job.id, job.label, *counts,
                 time.monotonic() - began)  # fmt: skip


def _finish(store: Store, job: Job, worker: str, **outcome: Any) -> None:
    if store.finish_job(job.id, worker, **outcome):
        shutil.rmtree(job.folder, ignore_errors=True)
    else:  # taken for orphaned meanwhile and queued again: the next worker records it (and needs the files)
        log.warning("job %s was taken from worker %s before it finished", job.id, worker)


def _one_line(message: str, hint: str = "") -> str:
    text = " ".join(f"{message} (hint: {hint})".split()) if hint else " ".join(message.split())
    return text[:500]


@contextmanager
def _beating(store: Store, job_id: str, worker: str) -> Iterator[None]:
    """Say every BEAT_SECONDS, from a thread, that ``worker`` still runs the job, until the block ends."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(BEAT_SECONDS):
            try:
                store.beat_job(job_id, worker)
            except StoreError as exc:  # a missed beat only makes the job look older
                log.warning("job %s: cannot record that it still runs: %s", job_id, exc)

    thread = threading.Thread(target=beat, name=f"parallax-beat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def recover_jobs(store: Store, *, now: datetime | None = None) -> list[str]:
    """Queue again the running jobs whose worker is gone (a process of this machine that no longer exists, or any
    worker silent for STALE_SECONDS), or fail those claimed MAX_ATTEMPTS times already; their ids."""
    now = now or datetime.now(UTC)
    recovered = []
    for job in store.running_jobs():
        if job.worker is None or not _orphaned(job, now):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            why = _one_line(
                f"the worker stopped {job.attempts} times while running this job (killed, or out of memory)",
                "send the files one at a time to find the one that stops it",
            )
            if store.finish_job(job.id, job.worker, failed=why):
                shutil.rmtree(job.folder, ignore_errors=True)
                recovered.append(job.id)
        elif store.requeue_job(job.id, job.worker):
            recovered.append(job.id)
    if recovered:
        log.warning("jobs whose worker stopped: %s", ", ".join(recovered))
    return recovered


def _orphaned(job: Job, now: datetime) -> bool:
    host, _, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    beat = job.beat or job.started
    return beat is None or (now - datetime.fromisoformat(beat)).total_seconds() > STALE_SECONDS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def run_worker(store: Store, settings: Settings | None = None, *, stop: _Stop, name: str | None = None) -> None:
    """Run queued jobs one at a time until ``stop`` is set (checked between jobs): the worker's loop. A store that
    cannot be reached is tried again every few seconds; it does not end the loop."""
    worker = name or worker_name()
    recovered_at = -RECOVER_SECONDS
    while not stop.is_set():
        try:
            if time.monotonic() - recovered_at >= RECOVER_SECONDS:
                recover_jobs(store)
                recovered_at = time.monotonic()
            job = store.claim_job(worker)
        except StoreError as exc:
            log.warning("ingest worker: %s; trying again in 5 s", exc)
            stop.wait(5.0)
            continue
        if job is None:
            stop.wait(POLL_SECONDS)
        else:
            run_job(store, job, worker, settings)


class WorkerProcess:
    """One worker in a child process (multiprocessing's spawn: a fresh interpreter sharing nothing with the server
    but the store), started again when it dies. ``url`` is the store's full URL (a password included: it goes to the
    child through a pipe, never on a command line)."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        self._url = url
        self._settings = settings
        self._context = multiprocessing.get_context("spawn")
        # The child stops when this pipe ends: closed by stop(), or by the end of this process, however it ends (a
        # pipe, not an Event: no named semaphores to leak when the server is killed).
        self._stop_read, self._stop_write = self._context.Pipe(duplex=False)
        self._stopping = threading.Event()
        self._process: Any = None
        self._watch: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id (None before it starts)."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the child, and a thread that starts it again whenever it dies until :meth:`stop`."""
        self._spawn()
        self._watch = threading.Thread(target=self._supervise, name="parallax-worker-watch", daemon=True)
        self._watch.start()

    def _spawn(self) -> None:
        # Not a daemon: a large job annotates in processes of its own (annotate.nlp), which a daemon may not start.
        # The child ends with this process all the same: its pipe ends.
        process = self._context.Process(
            target=_child, args=(self._url, self._settings, self._stop_read), name="parallax-worker", daemon=False
        )
        process.start()
        self._process = process

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            self._process.join(1.0)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            log.warning("the ingest worker stopped (exit code %s); starting another", self._process.exitcode)
            self._stopping.wait(1.0)  # a worker that cannot start at all is not started again in a tight loop
            if not self._stopping.is_set():
                self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker: it ends between jobs, or puts its job back in the queue and ends ORPHAN_GRACE_SECONDS
        later; one still alive after ``timeout`` seconds is terminated, then killed."""
        self._stopping.set()
        self._stop_write.close()
        if self._watch is not None:
            self._watch.join()
        if self._process is None:
            return
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


class _Ended:
    """Set once the server's end of the pipe is closed (it stopped us, or it is gone)."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe
        self._ended = False

    def is_set(self) -> bool:
        return self.wait(0)

    def wait(self, timeout: float | None = None) -> bool:
        if not self._ended and self._pipe.poll(timeout):
            self._ended = True
        return self._ended


def _child(url: str, settings: Settings | None, pipe: Connection) -> None:
    """The worker process: Ctrl-C is the server's to handle (it stops us), SIGTERM puts the running job back, and
    the CPU goes to the server first (WORKER_NICENESS)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    logging.basicConfig(level=logging.INFO, format="parallax worker %(process)d: %(message)s")
    with open_store(url) as store:
        threading.Thread(target=_leave_when_orphaned, args=(store, pipe), daemon=True).start()
        run_worker(store, settings, stop=_Ended(pipe))


def _leave_when_orphaned(store: Store, pipe: Connection) -> None:
    """Once the pipe ends (the server stopped us, or is gone), give the loop ORPHAN_GRACE_SECONDS to end between
    jobs; a job still running then goes back to the queue, and the process ends (an analysis in C code would not
    see a signal until it returns)."""
    pipe.poll(None)
    time.sleep(ORPHAN_GRACE_SECONDS)
    worker = worker_name()
    for job in store.running_jobs():
        if job.worker == worker and store.requeue_job(job.id, worker):
            log.warning("the server is gone: job %s (%s) is queued again", job.id, job.label)
    os._exit(0)
