"""Fixtures: a headless Debian chromium (Playwright) for this folder's browser tests, and the store suite's
throwaway PostgreSQL server (started once per session, only by the tests that ask for it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.store.conftest import postgres_server
from tests.web.conftest import launch_chromium

__all__ = ["browser", "postgres_server"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium under Playwright, as tests/web's, but for one module: Playwright's sync API allows one
    instance at a time, and the web suite's lives for the whole session once it starts (after this folder's)."""
    yield from launch_chromium()
