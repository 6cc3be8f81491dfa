"""Parallax: claim-level cross-source coverage reports for news.

>>> import parallax
>>> report = parallax.analyze(["examples/corpus"])
>>> report  # Report(9 articles, 2 stories, 73 facts, ...; stories: ...): a table of stories in a notebook
>>> fast = parallax.analyze(["examples/corpus"], encoder="static")  # or settings=parallax.Settings(encoder="static")
>>> parallax.render(report, "md")
>>> with parallax.open_store("news.db") as store:  # keep articles and stories between runs
...     parallax.ingest_paths(store, ["examples/corpus"])

``analyze`` takes a list (or one input alone) mixing paths, URLs, strings of text or HTML, dicts (news-please or
trafilatura JSON records) and ``Article`` objects; each goes through extraction (cleaning, the language and length
checks). A ``str`` is a URL when it starts with ``http(s)://``, a path when that file or folder exists, and text when
it holds a line break, starts with ``<``, ``{`` or ``[``, or has 20 words or more; any other string is taken for a
mistyped path and raises ``InputError`` (:mod:`parallax.sources.inputs`). ``analyze_articles`` takes ``Article``
objects as they are, and refuses those not in English. Both take ``encoder=`` (a name, "minilm" or "static", or an
object with ``encode(texts)``; it overrides ``settings.encoder``) and ``progress=`` (``progress(stage, done,
total)`` for ingest, extract, annotate, group, embed and compare). ``analyze_to(inputs, [(path, fmt), ...])``
writes the report files instead of returning the report: with JSON and Markdown targets a batch of any size is
never held in memory (annotated articles wait in a temporary file; stories are written as they are compared).

The library never prints: each stage logs one INFO line (counts, seconds) to the ``parallax`` loggers
(``logging.basicConfig(level=logging.INFO)`` shows them). Worker processes never import the caller's ``__main__``,
so a script needs no ``if __name__ == "__main__":`` guard.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from .errors import ConfigError, InputError, ModelError, ParallaxError, ReportError, StoreError
from .models import (
    AnnotatedArticle,
    Article,
    Citation,
    Conflict,
    DuplicateGroup,
    Entity,
    Fact,
    LoadedTerm,
    Quantity,
    Quote,
    QuoteGroup,
    Rejection,
    Report,
    Sentence,
    Story,
    StoryAnalysis,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)
from .settings import Settings
from .version import __version__ as __version__

if _TYPE_CHECKING:
    from .engine.local import analyze, analyze_articles
    from .engine.store import IngestResult, ingest_paths
    from .engine.streamed import Written, analyze_to
    from .report import render, to_dict, write
    from .store import Store, open_store

__all__ = [
    "AnnotatedArticle",
    "Article",
    "Citation",
    "ConfigError",
    "Conflict",
    "DuplicateGroup",
    "Entity",
    "Fact",
    "IngestResult",
    "InputError",
    "LoadedTerm",
    "ModelError",
    "ParallaxError",
    "Quantity",
    "Quote",
    "QuoteGroup",
    "Rejection",
    "Report",
    "ReportError",
    "Sentence",
    "Settings",
    "Store",
    "StoreError",
    "Story",
    "StoryAnalysis",
    "SummarySentence",
    "TimeExpression",
    "TimelineEntry",
    "Written",
    "analyze",
    "analyze_articles",
    "analyze_to",
    "ingest_paths",
    "open_store",
    "render",
    "to_dict",
    "write",
]


def __getattr__(name: str) -> _Any:
    """The runners, the report writers and the store, imported on first use: ``import parallax`` (and every command
    of the CLI, which imports it) does not pay for the modules a run does not use (the store, its ingest runner)."""
    if name in ("analyze", "analyze_articles"):
        from .engine import local

        value = getattr(local, name)
    elif name in ("IngestResult", "ingest_paths"):
        from .engine import store as ingest

        value = getattr(ingest, name)
    elif name in ("Written", "analyze_to"):
        from .engine import streamed

        value = getattr(streamed, name)
    elif name in ("render", "to_dict", "write"):
        from . import report

        value = getattr(report, name)
    elif name in ("Store", "open_store"):
        from . import store

        value = getattr(store, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
