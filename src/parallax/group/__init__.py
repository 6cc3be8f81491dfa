"""Group: articles into stories (one event each) and copies into duplicate groups.

``batch`` clusters a whole batch at once; ``stream`` places articles one by one in a standing index (the store's
incremental ingest); ``copies`` finds republished articles.
"""

from .batch import describe_story, group_stories
from .copies import find_duplicates
from .stream import StoryIndex

__all__ = ["StoryIndex", "describe_story", "find_duplicates", "group_stories"]
