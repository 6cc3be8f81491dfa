"""The ingest queue's runner (engine/jobs.py): staging, running and recording a job; orphaned jobs; the worker loop in
a thread and in a child process that is killed mid-job."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parallax.engine.jobs import (
    MAX_ATTEMPTS,
    WorkerProcess,
    jobs_folder,
    recover_jobs,
    run_job,
    run_worker,
    stage_job,
)
from parallax.store import Job, Store, open_store
from tests.conftest import EXAMPLES

HTML = EXAMPLES / "corpus" / "01_brennick_herald.html"
TEXT = EXAMPLES / "corpus" / "04_dunmere_courier.txt"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "parallax.db") as opened:
        yield opened  # type: ignore[misc]


def _dead_pid() -> int:
    """A process id that no process has: one of ours that has ended."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def _wait(store: Store, job_id: str, states: tuple[str, ...], seconds: float = 300) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        job = store.get_job(job_id)
        assert job is not None
        if job.state in states:
            return job
        assert time.monotonic() < deadline, f"job still {job.state}"
        time.sleep(0.1)


def test_a_staged_job_runs_and_records_its_outcome(store: Store) -> None:
    root = jobs_folder(store)
    assert root == store.path.with_name("parallax.db-jobs")  # type: ignore[union-attr]
    files = [("My Story (1).html", "My_Story_1_.html", HTML.read_bytes()), ("notes.pdf", "notes.pdf", b"%PDF-1.4 x")]
    job = stage_job(store, root, "2 files uploaded", files)
    assert job.state == "queued"
    assert (root / job.id).is_dir()
    assert oct((root / job.id).stat().st_mode & 0o777) == "0o700"
    claimed = store.claim_job("me:1")
    assert claimed is not None
    run_job(store, claimed, "me:1")
    done = store.get_job(job.id)
    assert done is not None
    assert (done.state, done.accepted, done.rejected, done.duplicate) == ("done", 1, 1, 0)
    assert done.result is not None
    assert done.result["added"] == ["My_Story_1_"]
    assert [r["document"] for r in done.result["rejections"]] == ["notes.pdf"]  # as uploaded, no folder
    stored = store.get_article("My_Story_1_")
    assert stored is not None
    assert stored.info.source == "My Story (1).html"  # the uploaded file's name, not where it was staged
    assert stored.annotated.article.source == "My Story (1).html"
    assert str(root) not in str(store.story_report(stored.info.story_id))
    assert not (root / job.id).exists()  # the staged files are gone once the outcome is recorded


def test_a_job_whose_files_are_gone_fails_with_one_line(store: Store) -> None:
    job = stage_job(store, jobs_folder(store), "1 file uploaded", [("a.txt", "a.txt", TEXT.read_bytes())])
    (Path(job.folder) / "0001" / "a.txt").unlink()
    claimed = store.claim_job("me:1")
    assert claimed is not None
    run_job(store, claimed, "me:1")
    failed = store.get_job(job.id)
    assert failed is not None
    assert failed.state == "failed"
    assert failed.error is not None
    assert "\n" not in failed.error
    assert "(hint: " in failed.error


def test_orphaned_jobs_are_queued_again_or_failed(store: Store) -> None:
    here = socket.gethostname()
    for n in range(4):
        store.add_job(f"j{n}", "1 file uploaded", f"/nowhere/{n}", [])
    dead, alive = f"{here}:{_dead_pid()}", f"{here}:{os.getpid()}"
    assert store.claim_job(dead) is not None  # j0: its worker's process is gone
    assert store.claim_job(alive) is not None  # j1: its worker is this process
    assert store.claim_job("elsewhere:1") is not None  # j2, j3: workers on another machine
    assert store.claim_job("elsewhere:2") is not None
    soon = datetime.now(UTC) + timedelta(minutes=1)
    assert recover_jobs(store, now=soon) == ["j0"]  # the others were heard from a minute ago
    assert sorted(recover_jobs(store, now=soon + timedelta(minutes=4))) == ["j1", "j2", "j3"]  # silent: all gone
    assert all(j.state == "queued" for j in (store.get_job(f"j{n}") for n in range(4)))  # type: ignore[union-attr]

    # a job that stops every worker that takes it is failed after MAX_ATTEMPTS claims, not queued forever
    while (job := store.get_job("j0")) is not None and job.state == "queued":
        while store.claim_job(dead) is not None:
            pass
        recover_jobs(store)
    assert job is not None
    assert (job.state, job.attempts) == ("failed", MAX_ATTEMPTS)
    assert job.error is not None
    assert job.error.startswith(f"the worker stopped {MAX_ATTEMPTS} times while running this job")


def test_the_worker_loop_runs_queued_jobs_until_stopped(store: Store) -> None:
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(store,), kwargs={"stop": stop, "name": "thread:1"})
    worker.start()
    try:
        job = stage_job(
            store, jobs_folder(store), "1 file uploaded", [("courier.txt", "courier.txt", TEXT.read_bytes())]
        )
        done = _wait(store, job.id, ("done", "failed"))
    finally:
        stop.set()
        worker.join(60)
    assert not worker.is_alive()
    assert (done.state, done.accepted, done.worker) == ("done", 1, "thread:1")


def test_a_worker_process_killed_mid_job_is_replaced_and_the_job_done(tmp_path: Path) -> None:
    """The worker runs in a child process; killed (SIGKILL) while it runs a job, it is started again, finds the job
    orphaned (its process is gone), queues it again and runs it: the job ends done, its article stored once."""
    db = tmp_path / "parallax.db"
    with open_store(db) as store:
        # enough articles that the job is still running when the kill comes
        files = [(f"{n}-{p.name}", f"{n}-{p.name}", p.read_bytes()) for n in range(3) for p in
                 sorted((EXAMPLES / "corpus").iterdir())]  # fmt: skip
        job = stage_job(store, jobs_folder(store), f"{len(files)} files uploaded", files)
        workers = WorkerProcess(str(db))
        workers.start()
        try:
            running = _wait(store, job.id, ("running", "done", "failed"), 120)
            assert running.state == "running"
            first = workers.pid
            assert first is not None
            os.kill(first, signal.SIGKILL)
            done = _wait(store, job.id, ("done", "failed"))
            assert workers.pid != first
        finally:
            workers.stop()
        assert done.state == "done", done.error
        assert done.attempts == 2
        assert done.result is not None
        assert store.counts()["articles"] == len(done.result["added"]) > 0
        assert not Path(done.folder).exists()


def test_a_worker_process_may_annotate_in_processes_of_its_own(tmp_path: Path) -> None:
    """A job of PARALLEL_MIN_ARTICLES articles or more annotates in worker processes (annotate.nlp): the ingest
    worker's process must be allowed children (a daemon is not: the job failed, found by `make load`)."""
    import json

    from parallax.annotate.nlp import PARALLEL_MIN_ARTICLES
    from parallax.settings import Settings

    text = ("The harbour authority said on Tuesday that dredging would resume next month, after a review of the "
            "costs. Residents asked the council to publish the contract, and a spokesman said it would.")  # fmt: skip
    records = [{"title": f"Brief {n}", "text": f"{text} Item {n} ran late."} for n in range(PARALLEL_MIN_ARTICLES)]
    lines = [json.dumps(record) for record in records]
    db = tmp_path / "parallax.db"
    with open_store(db) as store:
        job = stage_job(
            store, jobs_folder(store), "1 file uploaded", [("briefs.jsonl", "briefs.jsonl", "\n".join(lines).encode())]
        )
        workers = WorkerProcess(str(db), Settings(processes=2))
        workers.start()
        try:
            done = _wait(store, job.id, ("done", "failed"))
        finally:
            workers.stop()
    assert done.state == "done", done.error
    assert done.accepted == PARALLEL_MIN_ARTICLES
