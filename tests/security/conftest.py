"""Fixtures shared with the web and store suites: a headless Debian chromium (Playwright) and the throwaway
PostgreSQL server (started once per session, only by the tests that ask for it)."""

from __future__ import annotations

from tests.store.conftest import postgres_server
from tests.web.conftest import browser

__all__ = ["browser", "postgres_server"]
