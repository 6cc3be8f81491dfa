"""``parallax serve`` as a user runs it: a real process over a store that ``parallax ingest`` filled."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from parallax.store import Store
from parallax.web.security import CSP
from tests.web.conftest import _free_port


def test_serve_shows_the_ingested_stories(seed_store: Store, tmp_path: Path) -> None:
    port = _free_port()
    db = seed_store.url
    exe = Path(sys.executable).with_name("parallax")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    with subprocess.Popen(
        [str(exe), "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    ) as proc:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    home = httpx.get(base + "/", timeout=5)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                    assert time.monotonic() < deadline, "parallax serve did not start"
                    time.sleep(0.2)
            stories = seed_store.list_stories().items
            assert home.status_code == 200
            assert home.headers["content-security-policy"] == CSP
            for story in stories:
                assert f'href="/stories/{story.id}"' in home.text
                page = httpx.get(f"{base}/stories/{story.id}", timeout=30)
                assert page.status_code == 200
            refused = httpx.post(base + "/api/ingest", json={"articles": [{"text": "x"}]}, timeout=5)
            assert refused.status_code == 403  # no PARALLAX_TOKEN: read-only
        finally:
            proc.terminate()
            proc.wait(10)
        assert "read-only" in (proc.stderr.read() if proc.stderr else "")


def test_serve_needs_a_store_unless_it_takes_uploads(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("parallax")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    missing = subprocess.run(
        [str(exe), "serve", "--db", str(tmp_path / "none.db"), "--port", str(_free_port())],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "no store at" in missing.stderr
    assert not (tmp_path / "none.db").exists()


def test_serve_with_uploads_starts_on_a_new_store(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("parallax")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}, "PARALLAX_TOKEN": "t0ken"}
    port = _free_port()
    db = tmp_path / "new.db"
    with subprocess.Popen(
        [str(exe), "serve", "--db", str(db), "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                    assert time.monotonic() < deadline, "parallax serve did not start"
                    time.sleep(0.2)
            assert home.status_code == 200
            assert "No stories yet" in home.text
            assert db.exists()
        finally:
            proc.terminate()
            proc.wait(10)
        assert "uploads enabled" in (proc.stderr.read() if proc.stderr else "")


def _started(proc: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/api/stories", timeout=5)
            return
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "parallax serve did not start"
            time.sleep(0.2)


def _job(base: str, job_id: str, states: tuple[str, ...], seconds: float = 300) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, object] = httpx.get(f"{base}/api/jobs/{job_id}", timeout=30).json()
        if job["state"] in states:
            return job
        assert time.monotonic() < deadline, f"job still {job['state']}"
        time.sleep(0.1)


def test_uploads_run_in_a_worker_process_and_survive_a_restart(tmp_path: Path) -> None:
    """`parallax serve` answers an upload with a job that its worker process (not the server's) runs; killed
    outright (the server and its worker, SIGKILL) while a job runs, a restarted server's worker queues the job
    again and finishes it."""
    from parallax.store import open_store
    from tests.conftest import EXAMPLES

    exe = Path(sys.executable).with_name("parallax")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}, "PARALLAX_TOKEN": "t0ken"}
    db, port = tmp_path / "jobs.db", _free_port()
    base, auth = f"http://127.0.0.1:{port}", {"authorization": "Bearer t0ken"}
    corpus = sorted((EXAMPLES / "corpus").iterdir())
    command = [str(exe), "serve", "--db", str(db), "--port", str(port)]

    def serve() -> subprocess.Popen[str]:
        proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
        _started(proc, base)
        return proc

    proc = serve()
    try:
        one = httpx.post(f"{base}/api/ingest", files=[("files", (corpus[0].name, corpus[0].read_bytes()))],
                         headers=auth, timeout=30)  # fmt: skip
        assert one.status_code == 202, one.text
        assert one.headers["location"] == f"/api/jobs/{one.json()['job']}"
        done = _job(base, one.json()["job"], ("done", "failed"))
        assert done["state"] == "done", done
        with open_store(db) as store:
            first = store.get_job(one.json()["job"])
        assert first is not None
        assert first.worker is not None
        assert first.worker.rsplit(":", 1)[1] != str(proc.pid)  # ingested outside the server's process

        parts = [("files", (f"{n}-{p.name}", p.read_bytes())) for n in range(3) for p in corpus]
        many = httpx.post(f"{base}/api/ingest", files=parts, headers=auth, timeout=30).json()["job"]
        assert _job(base, many, ("running", "done", "failed"))["state"] == "running"
        os.killpg(proc.pid, signal.SIGKILL)  # the server and its worker, mid-job
        proc.communicate(timeout=10)
        proc = serve()
        finished = _job(base, many, ("done", "failed"))
        assert finished["state"] == "done", finished
        with open_store(db) as store:
            again = store.get_job(many)
            assert again is not None
            assert again.attempts == 2
            assert store.counts()["articles"] == len(done["result"]["added"]) + len(finished["result"]["added"])  # type: ignore[index]
    finally:
        proc.terminate()
        _, said = proc.communicate(timeout=30)
    assert "uploads enabled, 1 ingest worker" in said


def test_a_server_that_stops_or_dies_leaves_no_worker_behind(tmp_path: Path) -> None:
    """A job can run for minutes (here an article of 40,000 quotation marks). When `parallax serve` stops (SIGTERM)
    or is killed alone (SIGKILL, not its worker), its worker puts the job back in the queue and ends within
    seconds; it does not go on analysing for a server that is gone."""
    from parallax.store import open_store

    exe = Path(sys.executable).with_name("parallax")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}, "PARALLAX_TOKEN": "t0ken"}
    db, port = tmp_path / "long.db", _free_port()
    base = f"http://127.0.0.1:{port}"
    text = "The harbour authority said on Tuesday that dredging would resume next month, after a review.\n\n"
    body = {"articles": [{"text": text + '"a" ' * 10_000}]}

    def running_worker() -> int:
        deadline = time.monotonic() + 120
        with open_store(db) as store:
            while True:
                job = store.get_job(job_id)
                assert job is not None
                if job.state == "running" and job.worker:
                    return int(job.worker.rsplit(":", 1)[1])
                assert job.state == "queued", job
                assert time.monotonic() < deadline, "the job did not start"
                time.sleep(0.1)

    def gone(pid: int, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.2)
        return False

    for stop in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port)], stderr=subprocess.PIPE,
                                text=True, env=env)  # fmt: skip
        try:
            _started(proc, base)
            if stop == signal.SIGTERM:
                answer = httpx.post(f"{base}/api/ingest", json=body, headers={"authorization": "Bearer t0ken"})
                job_id = answer.json()["job"]
            worker = running_worker()
            time.sleep(2)  # well into the job
            proc.send_signal(stop)
            proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
        assert gone(worker), f"worker {worker} still runs after the server got {stop.name}"
        with open_store(db) as store:
            job = store.get_job(job_id)
        assert job is not None
        assert job.state == "queued", (stop.name, job)  # back in the queue, for the next start


def test_serve_log_level_and_access_log_switches(tmp_path: Path) -> None:
    """`--log-level` sets what is logged (the access log is at info), `--no-access-log` turns the lines off; the
    options reach uvicorn (it logs its start at info)."""
    from parallax.store import open_store

    exe = Path(sys.executable).with_name("parallax")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    db = tmp_path / "parallax.db"
    open_store(db).close()

    def logged(*options: str, group: tuple[str, ...] = ()) -> str:
        port = _free_port()
        command = [str(exe), *group, "serve", "--db", str(db), "--port", str(port), *options]
        with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as proc:
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
                        break
                    except httpx.TransportError:
                        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                        assert time.monotonic() < deadline, "parallax serve did not start"
                        time.sleep(0.2)
                httpx.get(f"http://127.0.0.1:{port}/api/stories?token=hidden-value", timeout=5)
            finally:
                proc.terminate()
                _, said = proc.communicate(timeout=30)
        return said

    default = logged()
    assert "INFO uvicorn.error: Started server process" in default
    assert '"GET /healthz HTTP/1.1" 200' in default
    assert '"GET /api/stories?token=*** HTTP/1.1" 200' in default
    assert "hidden-value" not in default
    quiet = logged("--no-access-log")
    assert "Started server process" in quiet
    assert "parallax.web.access" not in quiet
    warnings = logged("--log-level", "warning")
    assert "Started server process" not in warnings
    assert "parallax.web.access" not in warnings
    debug = logged("--log-level", "debug", "--no-proxy-headers", "--forwarded-allow-ips", "10.0.0.1")
    assert "parallax.web.access" in debug
    # the level given to `parallax` itself holds unless serve's own says otherwise; each line once, with its time
    assert "parallax.web.access" not in logged(group=("--quiet",))
    assert "parallax.web.access" not in logged(group=("--log-level", "warning"))
    assert "parallax.web.access" in logged("--log-level", "info", group=("-q",))
    lines = [line for line in default.splitlines() if "parallax.web.access" in line]
    assert len(lines) == len(set(lines)) == 2, lines
    stamped = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO parallax\.web\.access: ")
    assert all(stamped.match(line) for line in lines), lines
