"""``parallax serve`` as a user runs it: a real process over a store that ``parallax ingest`` filled."""

from __future__ import annotations

import os
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
