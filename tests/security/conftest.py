"""Fixtures: a headless Debian chromium (Playwright) for this folder's browser tests, and the store suite's
throwaway PostgreSQL server (started once per session, only by the tests that ask for it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.store.conftest import postgres_server
from tests.web.conftest import CHROMIUM

__all__ = ["browser", "postgres_server"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium under Playwright, as tests/web's, but for one module: Playwright's sync API allows one
    instance at a time, and the web suite's lives for the whole session once it starts (after this folder's)."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        if os.environ.get("PARALLAX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no chromium at {CHROMIUM}: install it (apt-get install -y chromium) or set PARALLAX_CHROMIUM")
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()
