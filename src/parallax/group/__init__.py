"""Group: articles into stories (one event each) and copies into duplicate groups.

- ``evidence``: how alike two articles are (profiles, the tuned constants, ``combine``), for all pairs or one pair;
- ``linkage``: average-linkage clustering of a similarity matrix, cut at a threshold;
- ``stories``: the ``Story`` records both paths end in (ids, order, titles) and the wording of every reason;
- ``batch``: a whole batch into stories (``group_stories``: exact average linkage, or the stream when large);
- ``stream``: a standing index that places articles one by one (``StoryIndex``: large batches, the store's ingest);
- ``copies``: republished articles, exact and near-duplicate (``find_duplicates``).
"""

from .batch import describe_story, group_stories
from .copies import find_duplicates
from .evidence import THRESHOLD, WINDOW_DAYS, features, pair_similarity, score, text_similarity
from .linkage import cluster_vectors
from .stream import SPLIT_MIN_PART, StoryIndex, in_date_order

__all__ = [
    "SPLIT_MIN_PART",
    "THRESHOLD",
    "WINDOW_DAYS",
    "StoryIndex",
    "cluster_vectors",
    "describe_story",
    "features",
    "find_duplicates",
    "group_stories",
    "in_date_order",
    "pair_similarity",
    "score",
    "text_similarity",
]
