"""Parallax: claim-level cross-source coverage reports for news.

    >>> import parallax
    >>> report = parallax.analyze(["examples/corpus"])
    >>> parallax.render(report, "md")
"""

__version__ = "0.1.0"

from .errors import (
    ConfigError,
    InputError,
    ModelError,
    ParallaxError,
    ReportError,
)
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

__all__ = [
    "AnnotatedArticle",
    "Article",
    "Citation",
    "ConfigError",
    "Conflict",
    "DuplicateGroup",
    "Entity",
    "Fact",
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
    "Story",
    "StoryAnalysis",
    "SummarySentence",
    "TimeExpression",
    "TimelineEntry",
    "analyze",
    "analyze_articles",
    "render",
    "to_dict",
    "write",
]
