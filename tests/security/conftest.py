"""Fixtures: a headless Debian chromium (Playwright) for this folder's browser tests, and the store suite's
throwaway PostgreSQL server (started once per session, only by the tests that ask for it); every API answer read
through ``Server.client`` checked against the OpenAPI document, as in tests/web."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.store.conftest import postgres_server
from tests.web.conftest import answers_keep_to_the_document, launch_chromium

# answers_keep_to_the_document is autouse here too: the answers to hostile requests keep to the OpenAPI document.
__all__ = ["answers_keep_to_the_document", "browser", "postgres_server"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium under Playwright, as tests/web's, but for one module: Playwright's sync API allows one
    instance at a time, and the web suite's lives for the whole session once it starts (after this folder's)."""
    yield from launch_chromium()
