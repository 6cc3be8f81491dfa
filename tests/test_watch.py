"""parallax watch: polling a real feed on 127.0.0.1 and a folder into an SQLite store; backoff; SIGTERM shutdown."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.engine.watch import PollResult, SeenState, WatchOptions, watch
from parallax.settings import Settings
from parallax.sources.fetch import FetchPolicy
from parallax.store import open_store

from .httpserver import Site, serve

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
PAGES = {
    "/news/fab-3-fire.html": "01_brennick_herald.html",
    "/news/death-trap.html": "02_daily_lantern.html",
    "/markets/korvane-shares.html": "03_valmora_today.html",
    "/world/valmora-chip-plant.html": "07_ostervik_post.html",
}
LOCAL = FetchPolicy(host_interval=0, backoff=0.01, retries=0, allow_private=True)
FETCH_LOCAL = Settings(fetch=LOCAL)


def _feed(site: Site, paths: list[str]) -> None:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
    site.page(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        for path, name in PAGES.items():
            running.page(path, (CORPUS / name).read_bytes())
        _feed(running, list(PAGES)[:2])
        yield running


def test_polls_add_only_new_articles(site: Site, tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    results: list[PollResult] = []
    options = WatchOptions(once=True)
    with open_store(str(tmp_path / "store.db")) as store:
        watch(
            store,
            [site.url("/feed.xml")],
            settings=FETCH_LOCAL,
            options=options,
            state=SeenState(state_file),
            on_poll=results.append,
        )
        assert store.counts()["articles"] == 2
        before = len(site.requests)
        # the next poll, as from a restarted watch: the state file says both articles were read
        watch(
            store,
            [site.url("/feed.xml")],
            settings=FETCH_LOCAL,
            options=options,
            state=SeenState(state_file),
            on_poll=results.append,
        )
        assert site.paths()[before:] == ["/robots.txt", "/feed.xml"]
        _feed(site, list(PAGES)[:3])  # a new entry appears
        watch(
            store,
            [site.url("/feed.xml")],
            settings=FETCH_LOCAL,
            options=options,
            state=SeenState(state_file),
            on_poll=results.append,
        )
        assert store.counts()["articles"] == 3
    assert [(r.added, r.duplicate, r.error) for r in results] == [(2, 0, None), (0, 2, None), (1, 2, None)]
    seen = json.loads(state_file.read_text())["seen"]
    assert site.url("/markets/korvane-shares.html") in seen


def test_failed_article_is_retried_next_poll(site: Site, tmp_path: Path) -> None:
    site.routes["/news/death-trap.html"] = (503, {}, b"")
    state = SeenState(tmp_path / "state.json")
    results: list[PollResult] = []
    options = WatchOptions(once=True)
    with open_store(str(tmp_path / "store.db")) as store:
        watch(
            store, [site.url("/feed.xml")], settings=FETCH_LOCAL, options=options, state=state, on_poll=results.append
        )
        site.page("/news/death-trap.html", (CORPUS / PAGES["/news/death-trap.html"]).read_bytes())
        watch(
            store, [site.url("/feed.xml")], settings=FETCH_LOCAL, options=options, state=state, on_poll=results.append
        )
        assert store.counts()["articles"] == 2
    assert [(r.added, len(r.rejections)) for r in results] == [(1, 1), (1, 0)]


def test_folder_watch(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes((CORPUS / "04_dunmere_courier.txt").read_bytes())
    state = SeenState(tmp_path / "state.json")
    results: list[PollResult] = []
    options = WatchOptions(once=True)
    with open_store(str(tmp_path / "store.db")) as store:
        watch(store, [str(inbox)], options=options, state=state, on_poll=results.append)
        watch(store, [str(inbox)], options=options, state=state, on_poll=results.append)
        (inbox / "b.txt").write_bytes((CORPUS / "05_chipwatch.txt").read_bytes())
        watch(store, [str(inbox)], options=options, state=state, on_poll=results.append)
        assert store.counts()["articles"] == 2
    assert [(r.added, r.duplicate) for r in results] == [(1, 0), (0, 1), (1, 1)]


def test_failing_source_backs_off(site: Site, tmp_path: Path) -> None:
    stop = threading.Event()
    results: list[PollResult] = []

    def on_poll(result: PollResult) -> None:
        results.append(result)
        if len(results) == 4:
            stop.set()

    options = WatchOptions(interval=0.05, max_backoff=0.3)
    with open_store(str(tmp_path / "store.db")) as store:
        watch(store, [site.url("/gone.xml")], settings=FETCH_LOCAL, options=options, stop=stop, on_poll=on_poll)
    assert all(r.error is not None and "HTTP 404" in r.error for r in results)
    assert [r.retry_in for r in results] == [0.1, 0.2, 0.3, 0.3]  # doubling, capped at --max-backoff


def test_unknown_source_is_a_config_error(tmp_path: Path) -> None:
    from parallax.errors import ConfigError

    with open_store(str(tmp_path / "store.db")) as store, pytest.raises(ConfigError, match="no such file"):
        watch(store, [str(tmp_path / "missing")], options=WatchOptions(once=True))


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _wait_for(lines: queue.Queue[str], text: str, log: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        log.append(line)
        if text in line:
            return
    raise AssertionError(f"{text!r} never came; output: {''.join(log)}")


@pytest.mark.slow
def test_cli_watch_until_sigterm(site: Site, tmp_path: Path) -> None:
    db, state = tmp_path / "store.db", tmp_path / "seen.json"
    command = [
        sys.executable,
        "-m",
        "parallax.cli",
        "watch",
        site.url("/feed.xml"),
        "--db",
        str(db),
        "--state",
        str(state),
        "--interval",
        "0.3",
        "--allow-private",
        "--host-delay",
        "0",
    ]
    env = {**os.environ, "COLUMNS": "400"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    reader = threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    try:
        _wait_for(lines, "2 added", log)
        _feed(site, list(PAGES)[:3])
        _wait_for(lines, "1 added", log)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
    while not lines.empty():
        log.append(lines.get())
    output = "".join(log)
    assert "SIGTERM: stopping" in output
    assert output.rstrip().endswith("stopped")
    assert len(json.loads(state.read_text())["seen"]) >= 4  # the feed and its three articles
    with open_store(str(db)) as store:
        assert store.counts()["articles"] == 3
