"""The pages' templates: one Jinja2 environment (autoescape on, StrictUndefined) and :func:`render_page`.

Every page, error pages included, is drawn from ``templates/`` through :func:`render_page`, with the layout's own
fields (navigation, search box, whether uploads are open) defaulted for pages that do not set them.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

import jinja2

from ..version import __version__
from .views import article_label, public_source, when

__all__ = ["PAGE_DEFAULTS", "render_page"]

# What the layout reads on every page, for pages that do not say (error pages).
# ``readable``: whether the reader may load the report's stylesheet (behind the read token, like every read).
PAGE_DEFAULTS: dict[str, Any] = {"nav": "", "q": "", "writable": False, "readable": True}


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parallax.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlpart"] = lambda value: quote(str(value), safe="")
    env.filters["label"] = article_label
    env.filters["when"] = when
    env.globals["public_source"] = public_source
    env.globals["version"] = __version__
    return env


def render_page(template: str, **context: Any) -> str:
    """A page from the app's templates (``context`` must hold what the template names; ``title`` at least)."""
    return _environment().get_template(template).render(**{**PAGE_DEFAULTS, **context})
