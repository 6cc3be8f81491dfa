"""Sources: every way documents come in, as ``RawDocument`` records (or a ``Rejection`` for each bad one).

``inputs`` tells a run's inputs apart (paths, URLs, text, records, articles); ``files`` walks paths and dispatches
by kind; ``decode`` turns bytes into text; ``records`` maps JSON, CSV and Parquet
records onto article fields; ``urls`` makes keys and seen-set entries; ``fetch`` is the guarded HTTP client;
``crawl`` reads pages, feeds and sitemaps; ``feeds`` parses them; ``warc`` streams WARC files. ``common`` holds the
size limit, options and counts every reader shares, and ``public_source`` (how a source is shown to readers).
"""

from .common import MAX_BYTES, IngestCounts, IngestOptions, public_source
from .decode import decode_bytes
from .files import file_kind, list_inputs, read_data, read_file, read_inputs, read_json_lines
from .inputs import Input, input_kind, read_items
from .records import json_lines, parquet_records, parse_csv_map, records_from_text
from .urls import canonical_url, key_for_url, unique_key

__all__ = [
    "MAX_BYTES",
    "IngestCounts",
    "IngestOptions",
    "Input",
    "canonical_url",
    "decode_bytes",
    "file_kind",
    "input_kind",
    "json_lines",
    "key_for_url",
    "list_inputs",
    "parquet_records",
    "parse_csv_map",
    "public_source",
    "read_data",
    "read_file",
    "read_inputs",
    "read_items",
    "read_json_lines",
    "records_from_text",
    "unique_key",
]
