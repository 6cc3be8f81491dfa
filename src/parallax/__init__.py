"""Parallax: claim-level cross-source coverage reports for news.

>>> import parallax
>>> report = parallax.analyze(["examples/corpus"])
>>> fast = parallax.analyze(["examples/corpus"], settings=parallax.Settings(encoder="static"))
>>> parallax.render(report, "md")
>>> with parallax.open_store("news.db") as store:  # keep articles and stories between runs
...     parallax.ingest_paths(store, ["examples/corpus"])
"""

from .engine.local import analyze, analyze_articles
from .engine.store import IngestResult, ingest_paths
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
from .report import render, to_dict, write
from .settings import Settings
from .store import Store, open_store
from .version import __version__ as __version__

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
    "analyze",
    "analyze_articles",
    "ingest_paths",
    "open_store",
    "render",
    "to_dict",
    "write",
]
