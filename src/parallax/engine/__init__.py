"""Engine: the stages run end to end. ``local`` analyses a batch in this process; ``store`` ingests into a store
(incremental assignment, merges, splits); ``ray`` runs the same stages over a Ray cluster; ``watch`` polls inputs
and feeds the store runner.
"""

from .local import Progress, analyze, analyze_articles
from .store import IngestResult, ingest_annotated, ingest_articles, ingest_paths

__all__ = [
    "IngestResult",
    "Progress",
    "analyze",
    "analyze_articles",
    "ingest_annotated",
    "ingest_articles",
    "ingest_paths",
]
