"""The web suite's fixtures, shared here: a headless Debian chromium (Playwright) and the seed store."""

from __future__ import annotations

from tests.web.conftest import browser

__all__ = ["browser"]
