"""The ingest queue (the ``jobs`` table) on every backend: order, atomic claims, and who may record an outcome."""

from __future__ import annotations

import threading
from collections import Counter

from parallax.store import Store, open_store


def test_a_job_goes_from_queued_to_done(store: Store) -> None:
    job = store.add_job("j1", "2 files uploaded", "/data/jobs/j1", [("0001/a.txt", "a.txt"), ("0002/b.html", "b.html")])
    assert (job.state, job.label, job.attempts, job.started, job.result) == (
        "queued",
        "2 files uploaded",
        0,
        None,
        None,
    )
    assert job.inputs == (("0001/a.txt", "a.txt"), ("0002/b.html", "b.html"))
    assert store.get_job("j1") == job
    assert store.get_job("nope") is None

    claimed = store.claim_job("host:1")
    assert claimed is not None
    assert (claimed.id, claimed.state, claimed.worker, claimed.attempts) == ("j1", "running", "host:1", 1)
    assert claimed.started is not None
    assert store.claim_job("host:2") is None  # nothing else waits
    assert store.running_jobs() == (claimed,)

    assert not store.finish_job("j1", "host:2", counts=(9, 9, 9))  # not the worker that holds it
    answer = {"added": ["a"], "unchanged": [], "created": ["s"], "updated": [], "rejections": []}
    assert store.finish_job("j1", "host:1", counts=(1, 1, 0), result=answer)
    done = store.get_job("j1")
    assert done is not None
    assert (done.state, done.accepted, done.rejected, done.duplicate, done.error) == ("done", 1, 1, 0, None)
    assert done.result == answer
    assert done.finished is not None
    assert done.finished >= done.started >= done.created  # type: ignore[operator]
    assert not store.finish_job("j1", "host:1")  # once finished, for good
    assert store.running_jobs() == ()


def test_jobs_are_claimed_oldest_first_and_can_fail_or_go_back(store: Store) -> None:
    for n in range(3):
        store.add_job(f"j{n}", f"job {n}", f"/f/{n}", [])
    first = store.claim_job("w")
    assert first is not None
    assert first.id == "j0"
    assert store.requeue_job("j0", "w")
    assert not store.requeue_job("j0", "w")  # no longer running
    again = store.claim_job("w2")
    assert again is not None
    assert (again.id, again.attempts, again.worker) == ("j0", 2, "w2")
    assert store.finish_job("j0", "w2", failed="cannot read the staged files: gone (hint: upload them again)")
    failed = store.get_job("j0")
    assert failed is not None
    assert (failed.state, failed.error, failed.result) == (
        "failed",
        "cannot read the staged files: gone (hint: upload them again)",
        None,
    )
    assert [store.claim_job("w").id for _ in range(2)] == ["j1", "j2"]  # type: ignore[union-attr]


def test_two_workers_never_claim_one_job(store_url: str) -> None:
    """Four workers, each with its own connection, race for 40 jobs: every job is claimed exactly once."""
    with open_store(store_url) as store:
        for n in range(40):
            store.add_job(f"job-{n:02d}", "one file uploaded", "/f", [])
    claimed: list[str] = []
    guard = threading.Lock()

    def work(name: str) -> None:
        with open_store(store_url) as mine:
            while (job := mine.claim_job(name)) is not None:
                with guard:
                    claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(claimed) == [f"job-{n:02d}" for n in range(40)]
    assert Counter(claimed).most_common(1)[0][1] == 1


def test_job_counts_by_state(store: Store) -> None:
    """``job_counts`` (what /healthz reports): every state, zero where none is."""
    assert store.job_counts() == {"queued": 0, "running": 0, "done": 0, "failed": 0}
    for n in range(4):
        store.add_job(f"c{n}", f"job {n}", f"/f/{n}", [])
    running = store.claim_job("w")
    failing = store.claim_job("w")
    assert running is not None
    assert failing is not None
    assert store.finish_job(failing.id, "w", failed="gone")
    assert store.job_counts() == {"queued": 2, "running": 1, "done": 0, "failed": 1}
