"""Crash safety: ``parallax ingest --batch`` killed with SIGKILL at 20 seeded random points, each time followed by the
checks of a whole store; then a last run completes the rest. Nothing saved is lost, nothing is stored twice, nothing
is corrupt, and each rerun goes on from the saved batches (it adds only what is missing). On SQLite (a file) and on
PostgreSQL (the test suite's throwaway server, a new database; the server keeps running: the client is killed in
the middle of its transactions, and the server must roll them back).

Kill points are drawn from SEED: a few at a random time after the start (while Python imports, the store opens or
the documents are read), the others at a random time after the run's next save (while it annotates, embeds, groups
or saves the following batch). Tying them to saves, not to the clock alone, keeps them inside the batches on a busy
machine too."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.articles import write_articles
from tests.reliability.integrity import check_store, count_articles
from tests.store.conftest import make_url

KILLS = 20
EARLY = 5  # of the KILLS, those at a time after the start; the others come after a save
ARTICLES = 60  # more than 20 runs can save on a fast machine: the kills must leave work to resume
BATCH = 1
SEED = 8
EARLY_DELAY = (0.1, 2.5)  # seconds after the start
AFTER_SAVE = (0.0, 0.5)  # seconds after the run's first save (short: a run saves about one article then)
WAIT_FOR_SAVE = 300  # seconds at most for a run's first save (a busy CI machine)


def _wait_for_save(process: subprocess.Popen[bytes], db: str, before: int | None) -> None:
    deadline = time.monotonic() + WAIT_FOR_SAVE
    while process.poll() is None and count_articles(db) == before:
        assert time.monotonic() < deadline, "the ingest saved nothing"
        time.sleep(0.05)


def _ingest(folder: Path, db: str) -> subprocess.Popen[bytes]:
    parallax = Path(sys.executable).with_name("parallax")
    return subprocess.Popen(
        [str(parallax), "ingest", str(folder), "--db", str(db), "--batch", str(BATCH), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_nine_then_resume(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    folder = tmp_path / "in"
    paths = write_articles(folder, ARTICLES)
    expected = {p.stem: p.read_text(encoding="utf-8").splitlines()[0] for p in paths}
    db = make_url(backend, tmp_path, request)
    rng = random.Random(SEED)
    points = [("start", rng.uniform(*EARLY_DELAY)) for _ in range(EARLY)]
    points += [("save", rng.uniform(*AFTER_SAVE)) for _ in range(KILLS - EARLY)]
    rng.shuffle(points)
    assert len(set(points)) == KILLS  # 20 different kill points

    stored: list[int] = []
    killed_alive = 0
    for after, delay in points:
        before = count_articles(db)
        process = _ingest(folder, db)
        if after == "save":
            _wait_for_save(process, db, before)
        time.sleep(delay)
        alive = process.poll() is None
        if alive:
            os.killpg(process.pid, signal.SIGKILL)
            killed_alive += 1
        process.wait(30)
        assert process.stderr is not None
        errors = process.stderr.read().decode()
        process.stderr.close()
        assert alive or process.returncode == 0, errors
        if count_articles(db) is not None:  # the store exists and is migrated
            titles = check_store(db)
            assert all(expected[i] == t for i, t in titles.items())  # ids are the file names: none renamed
            stored.append(len(titles))
        else:
            stored.append(0)
        assert stored == sorted(stored), "a kill lost saved articles"

    assert killed_alive >= KILLS - 2, "the kills must land in a running ingest"
    assert stored[-1] < ARTICLES, "the killed runs should not have finished the work"
    final = _ingest(folder, db)
    _, errors = final.communicate(timeout=600)
    assert final.returncode == 0, errors.decode()
    titles = check_store(db)
    assert titles == expected  # every article once, under its own id
    progress = [b - a for a, b in zip([0, *stored], stored, strict=False)]
    assert sum(1 for step in progress if step > 0) >= KILLS - EARLY - 2, f"reruns did not go on: {stored}"
