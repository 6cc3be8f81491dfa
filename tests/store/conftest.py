"""Store backends for the contract suite: an SQLite file, and a real PostgreSQL server started for the session.

The server is Debian's PostgreSQL (``make test`` installs it when missing): ``initdb`` makes a throwaway cluster in
a temporary folder, ``pg_ctl`` starts it on 127.0.0.1 on a free port with its socket in that folder, and stops it
at the end. PostgreSQL refuses to run as root, so under root the cluster belongs to the ``postgres`` user and the
commands run through ``runuser``. Every test gets a new, empty database.

Without PostgreSQL the PostgreSQL half of the suite is skipped, unless ``PARALLAX_TEST_POSTGRES=required`` (set by
``make test``) turns that into a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.store import Store, open_store

REQUIRED = os.environ.get("PARALLAX_TEST_POSTGRES", "") == "required"
_names = itertools.count()


def _bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: beside pg_ctl on PATH, else Debian's newest /usr/lib/postgresql."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"PostgreSQL is required for this run but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason} (make test installs PostgreSQL)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A running PostgreSQL server for the session: yields the URL of its maintenance database."""
    folder = _bin_dir()
    if folder is None:
        _unavailable("initdb/pg_ctl were not found")
        raise AssertionError  # unreachable: _unavailable raises
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="parallax-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser")
        shutil.chown(base, user="postgres", group="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"
    port = _free_port()

    def run(*args: str) -> None:
        proc = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {detail[0]}\n{server_log}")

    try:
        run(str(folder / "initdb"), "-D", str(data), "-U", "parallax", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off"
        run(str(folder / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield f"postgresql://parallax@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(folder / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: str) -> str:
    """A new empty database on the test server; its URL."""
    import psycopg

    name = f"parallax_test_{os.getpid()}_{next(_names)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


BACKENDS = ["sqlite", "postgres"]


def make_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return str(tmp_path / "parallax.db")
    server: str = request.getfixturevalue("postgres_server")
    return new_database(server)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty store on each backend."""
    return make_url(request.param, tmp_path, request)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened
