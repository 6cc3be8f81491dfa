"""The ingest queue on the SQL backends: the ``jobs`` table (migration 005) behind the :class:`Store` job methods.

A claim is one transaction that picks the oldest queued job and marks it running: SQLite takes the database's write
lock first (``BEGIN IMMEDIATE``), PostgreSQL locks the row and skips rows other sessions hold (``FOR UPDATE SKIP
LOCKED``), so two workers never claim one job. Every later write names the worker that holds the job, so a worker
that lost its job (queued again because it looked dead) cannot overwrite what the next one records.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, cast

from ..errors import StoreError
from . import JOB_STATES, Job, JobState

__all__ = ["JobTable", "job_time"]

_COLUMNS = (
    "id, state, label, created, started, finished, worker, beat, attempts, folder, inputs, accepted, rejected,"
    " duplicate, error, result"
)


def job_time() -> str:
    """Now, as a UTC ISO timestamp to the microsecond: jobs queued in the same second keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class JobTable(ABC):
    """The job methods of :class:`~parallax.store.Store`, for a store that provides ``_run`` and ``_transaction``."""

    claim_lock = ""  # what makes the claim's SELECT lock its row and pass over rows locked by others
    _lock: threading.RLock

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]: ...

    def add_job(self, job_id: str, label: str, folder: str, inputs: Sequence[tuple[str, str]]) -> Job:
        listed = json.dumps([[staged, shown] for staged, shown in inputs], ensure_ascii=False)
        with self._lock, self._transaction():
            self._run(
                "INSERT INTO jobs (id, state, label, created, folder, inputs) VALUES (?, 'queued', ?, ?, ?, ?)",
                [job_id, label, job_time(), folder, listed],
            )
            rows = self._run(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id])
        return _job(rows[0])

    def get_job(self, job_id: str) -> Job | None:
        with self._lock:
            rows = self._run(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id])
        return _job(rows[0]) if rows else None

    def claim_job(self, worker: str) -> Job | None:
        stamp = job_time()
        with self._lock, self._transaction():
            waiting = self._run(
                f"SELECT id FROM jobs WHERE state = 'queued' ORDER BY created, id LIMIT 1{self.claim_lock}"
            )
            if not waiting:
                return None
            rows = self._run(
                "UPDATE jobs SET state = 'running', started = ?, beat = ?, worker = ?, attempts = attempts + 1"
                f" WHERE id = ? AND state = 'queued' RETURNING {_COLUMNS}",
                [stamp, stamp, worker, waiting[0][0]],
            )
        return _job(rows[0]) if rows else None

    def running_jobs(self) -> tuple[Job, ...]:
        with self._lock:
            rows = self._run(f"SELECT {_COLUMNS} FROM jobs WHERE state = 'running' ORDER BY created, id")
        return tuple(_job(r) for r in rows)

    def job_counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._run("SELECT state, count(*) FROM jobs GROUP BY state")
        counts: dict[str, int] = dict.fromkeys(JOB_STATES, 0)
        counts.update({str(state): int(n) for state, n in rows})
        return counts

    def beat_job(self, job_id: str, worker: str) -> None:
        with self._lock:
            self._run(
                "UPDATE jobs SET beat = ? WHERE id = ? AND worker = ? AND state = 'running'",
                [job_time(), job_id, worker],
            )

    def requeue_job(self, job_id: str, worker: str) -> bool:
        with self._lock, self._transaction():
            rows = self._run(
                "UPDATE jobs SET state = 'queued', worker = NULL, beat = NULL, started = NULL"
                " WHERE id = ? AND worker = ? AND state = 'running' RETURNING id",
                [job_id, worker],
            )
        return bool(rows)

    def finish_job(
        self,
        job_id: str,
        worker: str,
        *,
        failed: str | None = None,
        counts: tuple[int, int, int] = (0, 0, 0),
        result: Mapping[str, Any] | None = None,
    ) -> bool:
        accepted, rejected, duplicate = counts
        answer = json.dumps(dict(result), ensure_ascii=False) if result is not None else None
        with self._lock, self._transaction():
            rows = self._run(
                "UPDATE jobs SET state = ?, finished = ?, accepted = ?, rejected = ?, duplicate = ?, error = ?,"
                " result = ? WHERE id = ? AND worker = ? AND state = 'running' RETURNING id",
                ["failed" if failed else "done", job_time(), accepted, rejected, duplicate, failed, answer, job_id,
                 worker],
            )  # fmt: skip
        return bool(rows)


def _job(row: Sequence[Any]) -> Job:
    (job_id, state, label, created, started, finished, worker, beat, attempts, folder, inputs, accepted, rejected,
     duplicate, error, result) = row  # fmt: skip
    if state not in JOB_STATES:
        raise StoreError(f"job {job_id} has an unknown state {state!r}", hint="was the jobs table edited by hand?")
    return Job(
        id=job_id,
        state=cast(JobState, state),
        label=label,
        created=created,
        started=started,
        finished=finished,
        worker=worker,
        beat=beat,
        attempts=int(attempts),
        folder=folder,
        inputs=tuple((str(a), str(b)) for a, b in json.loads(inputs)),
        accepted=int(accepted),
        rejected=int(rejected),
        duplicate=int(duplicate),
        error=error,
        result=json.loads(result) if result else None,
    )
