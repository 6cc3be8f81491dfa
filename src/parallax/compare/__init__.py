"""Compare: what the outlets of one story share, say alone and contradict, and how each tells it.

``story`` aligns facts (``align``), groups quotes, finds conflicts and builds the timeline; ``summary`` picks the
cited summary; ``tone``, ``coverage`` (omissions and exclusives), ``provenance`` (who relies on whom) and
``recycled`` (old news sold as new) add the rest of a ``StoryAnalysis``.
"""

from .story import compare_story
from .summary import summarize

__all__ = ["compare_story", "summarize"]
