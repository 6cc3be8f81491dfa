"""Fixtures for the web tests: real SQLite stores, real uvicorn servers on 127.0.0.1, a real Chromium.

The seed store holds ../shared/corpus/seeds, ingested once per session (tests skip without ../shared). Servers run
in a thread of the test process on a free port, with an ingest worker (``engine.jobs.run_worker``) in another thread
to run the jobs that uploads queue (``parallax serve`` runs it in a process of its own: tests/web/test_serve.py).
The browser is Debian's chromium driven by Playwright through its executable path (``playwright install`` is never
run). Without chromium the browser tests skip, unless PARALLAX_REQUIRE_BROWSER=1 (``make test`` sets it, after
installing chromium when it is missing).

Every answer an API test receives through :meth:`Server.client` is checked against the app's OpenAPI document once
the test ends (tests/web/openapi_check.py, with jsonschema).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from parallax.engine.jobs import run_worker
from parallax.engine.store import ingest_paths
from parallax.store import Store, open_store
from parallax.web import Settings, create_app

CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")
TOKEN = "test-write-token-0123456789"
READ_TOKEN = "test-read-token-9876543210"


# The answers the running test received through Server.client, with the settings of the server that sent them
# (recorded while answers_keep_to_the_document runs: tests under tests/web and tests/security).
RECEIVED: list[tuple[Settings, httpx.Response]] = []
_RECORDING: list[bool] = [False]


@dataclass
class Server:
    url: str
    store: Store
    settings: Settings

    def client(self, **kwargs: Any) -> httpx.Client:
        def received(response: httpx.Response) -> None:
            if _RECORDING[0]:
                RECEIVED.append((self.settings, response))

        return httpx.Client(base_url=self.url, timeout=120, event_hooks={"response": [received]}, **kwargs)


@pytest.fixture(autouse=True)
def answers_keep_to_the_document() -> Iterator[None]:
    """After each test: every API answer it read through ``Server.client`` is as the OpenAPI document says (a
    body the test never read, a streamed one, is left alone)."""
    from tests.web.openapi_check import check

    RECEIVED.clear()
    _RECORDING[0] = True
    try:
        yield
    finally:
        _RECORDING[0] = False
        received, RECEIVED[:] = list(RECEIVED), []
    for settings, response in received:
        try:
            response.content  # noqa: B018 - raises when the body was never read
        except httpx.ResponseNotRead:
            continue
        check(settings, response)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(store: Store, settings: Settings) -> Iterator[Server]:
    """A real uvicorn server for ``create_app(store, settings)`` on a free port, and an ingest worker; both stopped
    on exit."""
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(store, settings.run), kwargs={"stop": stop}, daemon=True)
    worker.start()
    try:
        with _uvicorn(store, settings) as server:
            yield server
    finally:
        stop.set()
        worker.join(120)


@contextmanager
def _uvicorn(store: Store, settings: Settings, **options: Any) -> Iterator[Server]:
    """A uvicorn server for the app, without a worker; ``options`` go to ``uvicorn.Config`` (``proxy_headers``,
    ``forwarded_allow_ips``...)."""
    port = _free_port()
    app = create_app(store, settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", store, settings)
    finally:
        server.should_exit = True
        thread.join(10)


def wait_for_job(http: httpx.Client, answer: httpx.Response, seconds: float = 300) -> dict[str, Any]:
    """The job a ``POST /api/ingest`` answer queued (202, its URL in Location), polled until it is done or failed."""
    assert answer.status_code == 202, answer.text
    url = answer.json()["url"]
    assert answer.headers["location"] == url
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = http.get(url).json()
        if job["state"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['state']} after {seconds} s"
        time.sleep(0.1)


def ingested(http: httpx.Client, answer: httpx.Response) -> dict[str, Any]:
    """What the ingest a ``POST /api/ingest`` queued did (the job's ``result``: added, unchanged, created,
    updated, rejections), once its job is done."""
    job = wait_for_job(http, answer)
    assert job["state"] == "done", job
    result: dict[str, Any] = job["result"]
    return result


@pytest.fixture(scope="session")
def seed_store(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite store holding the seed corpus (its two stories)."""
    store = open_store(tmp_path_factory.mktemp("seeds") / "parallax.db")
    result = ingest_paths(store, [shared / "corpus" / "seeds"])
    assert not result.rejections
    yield store
    store.close()


@pytest.fixture(scope="session")
def site(seed_store: Store) -> Iterator[Server]:
    """The seed store served read-public, write-protected."""
    with serve(seed_store, Settings(token=TOKEN)) as server:
        yield server


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[Server]:
    """A fresh, empty store served with uploads enabled (for tests that write)."""
    store = open_store(tmp_path / "parallax.db")
    with serve(store, Settings(token=TOKEN)) as server:
        yield server
    store.close()


def launch_chromium() -> Iterator[Any]:
    """Headless Debian chromium under Playwright, closed after use; skips (or fails, with PARALLAX_REQUIRE_BROWSER=1)
    where there is no chromium."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        if os.environ.get("PARALLAX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no chromium at {CHROMIUM}: install it (apt-get install -y chromium) or set PARALLAX_CHROMIUM")
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium under Playwright."""
    yield from launch_chromium()


@dataclass
class Tab:
    """A browser page on one server, recording what the tests must never see: requests leaving the server,
    Content-Security-Policy violations and script errors."""

    page: Any
    base: str
    outside: list[str]
    problems: list[str]

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None
        return response


@pytest.fixture
def tab(browser: Any) -> Iterator[Callable[[Server], Tab]]:
    contexts: list[Any] = []

    def open_tab(server: Server) -> Tab:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page, server.url, [], [])

        def on_request(request: Any) -> None:
            if not (request.url.startswith(server.url + "/") or request.url.startswith("data:")):
                tab.outside.append(request.url)

        page.on("request", on_request)
        page.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: tab.problems.append(str(e)))
        return tab

    yield open_tab
    for context in contexts:
        context.close()
