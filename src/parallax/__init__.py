"""Parallax: claim-level cross-source coverage reports for news.

>>> import parallax
>>> report = parallax.analyze(["examples/corpus"])
>>> parallax.render(report, "md")
>>> with parallax.open_store("news.db") as store:  # keep articles and stories between runs
...     parallax.ingest_paths(store, ["examples/corpus"])
"""

__version__ = "0.1.0"

from .errors import (
    ConfigError,
    InputError,
    ModelError,
    ParallaxError,
    ReportError,
    StoreError,
)
from .incremental import IngestResult, ingest_paths
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
from .pipeline import analyze, analyze_articles
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
