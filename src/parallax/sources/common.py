"""What every reader shares: the input size limit, the file kinds, read options, running counts, and how a
document's source is shown to readers."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..settings import MAX_BYTES as MAX_BYTES  # the input size limit, one of the settings

if TYPE_CHECKING:
    from .policy import FetchPolicy


FileKind = Literal["text", "html", "json", "jsonl", "csv", "warc", "parquet"]
SUFFIXES: dict[str, FileKind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".parquet": "parquet",
}


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to read inputs: the fetch policy for URLs (None: the default, polite and guarded), the CSV columns
    of each field (``(("title", "headline"), ("text", "body"))``; unmapped fields are found by their usual names) and
    the CSV dialect (``settings.CSV_DIALECTS``; "standard": RFC 4180, see ``records.csv_dialect``).
    """

    fetch: FetchPolicy | None = None
    csv_map: tuple[tuple[str, str], ...] = ()
    csv_dialect: str = "standard"


@dataclass(slots=True)
class IngestCounts:
    """Running counts of one ingest: documents yielded, duplicates dropped, rejections, records skipped by kind."""

    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)
    on_change: Callable[[IngestCounts], None] | None = None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_RECORD = re.compile(r"#\d+$")  # a record's number within its file (``feed.jsonl#3``)


def public_source(source: str) -> str:
    """How a stored article names where it came from, for its readers: a URL as it is, a file by its base name
    (with its record number: ``news.jsonl#3``), never the folders of the machine that read it (a server's paths, an
    upload's temporary folder). ``stdin`` and names without a folder are kept."""
    if _URL.match(source):
        return source
    record = _RECORD.search(source)
    path = source[: record.start()] if record else source
    base = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return (base or path) + (record.group(0) if record else "")
