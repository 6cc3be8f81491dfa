"""The web app and JSON API (``parallax serve``): a thin client of the store and the report renderers.

>>> from parallax.store import open_store
>>> from parallax.web import Settings, create_app
>>> app = create_app(open_store("parallax.db"), Settings(token="s3cret"))
"""

from __future__ import annotations

from ..extras import require

require("web", "the web app", "fastapi")

from .app import create_app  # noqa: E402  (after the check: fastapi is an extra)
from .settings import Settings  # noqa: E402

__all__ = ["Settings", "create_app"]
