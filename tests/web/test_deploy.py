"""docs/DEPLOY.md's commands, run as written (issue 18: "the commands tested").

Each command is read from the guide itself (its one line that starts so), with its paths and ports swapped for
temporary ones, and run through bash: `parallax serve` over SQLite with an ingest worker, `curl` on /healthz, both
SQLite backup commands on the store being served; the PostgreSQL role and database, `PARALLAX_DB`, `pg_dump` and
`pg_restore` on the store suite's throwaway server; the systemd unit through `systemd-analyze verify`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from parallax.store import open_store
from tests.conftest import EXAMPLES, ROOT
from tests.store import conftest as store_fixtures
from tests.web.conftest import _free_port

postgres_server = store_fixtures.postgres_server  # the store suite's throwaway PostgreSQL server, a fixture here too

GUIDE = ROOT / "docs" / "DEPLOY.md"
TOKEN = "deploy-test-write-token-0123456789"
EXE = Path(sys.executable).with_name("parallax")


def guide_line(start: str) -> str:
    """The guide's one line (a command) that starts with ``start``."""
    found = [line.strip() for line in GUIDE.read_text().splitlines() if line.strip().startswith(start)]
    assert len(found) == 1, f"DEPLOY.md has {len(found)} lines starting {start!r}"
    return found[0]


def guide_block(language: str) -> str:
    """The guide's one fenced block in ``language``."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```$", GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"DEPLOY.md has {len(blocks)} {language} blocks"
    return str(blocks[0])


def _env(**extra: str) -> dict[str, str]:
    """This environment without PARALLAX_* settings, ``parallax`` (this checkout's) first on PATH, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env["PATH"] = f"{EXE.parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


def bash(command: str, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stderr}"
    return done.stdout


@contextmanager
def served(command: str, env: dict[str, str], log: Path) -> Iterator[Path]:
    """``command`` (a `parallax serve` line) running in its own session, its stderr in ``log``; SIGTERM at the end,
    and the log checked for a clean stop."""
    with log.open("w") as stderr:
        proc = subprocess.Popen(["bash", "-c", f"exec {command}"], stderr=stderr, env=env, start_new_session=True)
    try:
        yield log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
            raise


def healthy(curl: str, env: dict[str, str], log: Path, seconds: float = 90) -> dict[str, object]:
    """The guide's curl on /healthz, tried until the server answers 200; its JSON."""
    deadline = time.monotonic() + seconds
    while True:
        done = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, env=env, timeout=30)
        if done.returncode == 0:
            answer: dict[str, object] = json.loads(done.stdout)
            return answer
        assert time.monotonic() < deadline, f"no healthy server: {done.stderr}\n{log.read_text()}"
        time.sleep(0.3)


def test_the_guide_serves_sqlite_with_health_log_and_live_backups(tmp_path: Path) -> None:
    lib, backups = tmp_path / "lib", tmp_path / "backups"
    lib.mkdir()
    backups.mkdir()
    port = _free_port()

    def local(command: str) -> str:
        swapped = command.replace("/var/lib/parallax", str(lib)).replace("/var/backups/parallax", str(backups))
        return swapped.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("--port 8000", f"--port {port}")

    serve, curl = local(guide_line("parallax serve --host")), local(guide_line("curl -fsS"))
    assert "--workers 1" in serve
    env = _env(PARALLAX_DB=str(lib / "parallax.db"), PARALLAX_TOKEN=TOKEN)
    with served(serve, env, tmp_path / "serve.log") as log:
        health = healthy(curl, env, log)
        assert health["status"] == health["store"] == "ok"
        # an upload, run by the server's worker process: the store is live, and holds something to back up
        base, auth = f"http://127.0.0.1:{port}", {"authorization": f"Bearer {TOKEN}"}
        article = EXAMPLES / "corpus" / "04_dunmere_courier.txt"
        queued = httpx.post(f"{base}/api/ingest", files=[("files", (article.name, article.read_bytes()))],
                            headers=auth, timeout=30)  # fmt: skip
        assert queued.status_code == 202, queued.text
        deadline = time.monotonic() + 300
        while (job := httpx.get(f"{base}{queued.json()['url']}", timeout=30).json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the upload was not ingested"
            time.sleep(0.2)
        assert job["state"] == "done", job
        with open_store(lib / "parallax.db") as live:
            counts = live.counts()
        assert counts["articles"] == 1
        for start in ('sqlite3 /var/lib/parallax/parallax.db ".backup', 'python3 -c "import sqlite3;'):
            backup = backups / "parallax.db"
            backup.unlink(missing_ok=True)
            bash(local(guide_line(start)), env)  # while the server runs
            with sqlite3.connect(backup) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            with open_store(backup) as copy:
                assert copy.counts() == counts, start
            bash(f"parallax stories --db {backup}", env)  # the commands open it as a store
        assert httpx.get(f"{base}/healthz", timeout=30).json()["jobs"] == {"queued": 0, "running": 0}
    said = log.read_text()
    assert f"Parallax on http://127.0.0.1:{port}/" in said
    assert re.search(r'INFO parallax\.web\.access: 127\.0\.0\.1 "GET /healthz HTTP/1\.1" 200 \d+ B', said), said
    assert re.search(r'"POST /api/ingest HTTP/1\.1" 202 ', said), said
    assert TOKEN not in said


def test_the_guide_sets_up_and_backs_up_postgresql(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The role and database as the guide creates them (named ``guide`` here: the test server's superuser is
    ``parallax``), its PARALLAX_DB, `parallax serve` and /healthz over it, then pg_dump while it serves and
    pg_restore into a new database."""
    for tool in ("psql", "pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    server_url: str = request.getfixturevalue("postgres_server")
    address = server_url.split("@", 1)[1].split("/", 1)[0]  # 127.0.0.1:PORT
    backups = tmp_path / "backups"
    backups.mkdir()
    port = _free_port()

    def local(command: str) -> str:
        command = re.sub(r"\bparallax\b", "guide", command) if "psql" in command else command
        command = command.replace("sudo -u postgres psql", f'psql "{server_url}"')
        command = command.replace("/var/backups/parallax", str(backups))
        return command.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("--port 8000", f"--port {port}")

    bash(local(guide_line('sudo -u postgres psql -c "CREATE ROLE')), _env())
    bash(local(guide_line('sudo -u postgres psql -c "CREATE DATABASE')), _env())
    db_line = guide_line("PARALLAX_DB=postgresql://")
    url = re.sub(r"\bparallax\b", "guide", db_line.split("=", 1)[1]).replace("127.0.0.1:5432", address)
    env = _env(PARALLAX_DB=url)
    bash(f"parallax ingest --quiet {EXAMPLES / 'corpus' / '04_dunmere_courier.txt'}", env, timeout=300)
    with open_store(url) as store:
        counts = store.counts()
        articles = store.rows("articles")
    assert counts["articles"] == 1
    with served(local(guide_line("parallax serve --host")), env, tmp_path / "serve.log") as log:
        health = healthy(local(guide_line("curl -fsS")), env, log)
        assert health["store"] == "ok"
        bash(local(guide_line("pg_dump ")), env)  # while the server runs
    dump = backups / "parallax.dump"
    assert dump.stat().st_size > 0
    listed = bash(f"pg_restore --list {dump}", env)
    assert "TABLE public articles" in listed
    # restore into a new, empty database owned by the same role
    bash(f'psql "{server_url}" -c "CREATE DATABASE guide_restored OWNER guide"', env)
    restored_url = url.rsplit("/", 1)[0] + "/guide_restored"
    bash(local(guide_line("pg_restore ")), _env(PARALLAX_DB=restored_url))
    with open_store(restored_url) as restored:
        assert restored.counts() == counts
        assert restored.rows("articles") == articles


def test_the_guide_options_and_unit_file(tmp_path: Path) -> None:
    """Every option the guide names is one `parallax serve` takes; its systemd unit verifies (where systemd-analyze
    is installed)."""
    help_text = subprocess.run([str(EXE), "serve", "--help"], capture_output=True, text=True, env=_env(),
                               timeout=60, check=True).stdout  # fmt: skip
    named = set(re.findall(r"`(--[a-z-]+)", GUIDE.read_text()))
    named |= set(re.findall(r"(--[a-z-]+)", guide_line("ExecStart=")))
    assert {"--workers", "--log-level", "--no-access-log", "--forwarded-allow-ips"} <= named
    for option in sorted(named):
        assert option in help_text, f"DEPLOY.md names {option}, which parallax serve does not take"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    unit = guide_block("ini").replace("/opt/parallax/venv/bin/parallax", str(EXE))
    env_file = tmp_path / "parallax.env"
    env_file.write_text("PARALLAX_DB=/var/lib/parallax/parallax.db\n")
    unit = unit.replace("/etc/parallax/parallax.env", str(env_file))
    (tmp_path / "parallax.service").write_text(unit)
    verified = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "parallax.service")],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "parallax.service" not in verified.stderr, verified.stderr  # no warning about the unit itself
