"""Reading input files into :class:`~parallax.models.RawDocument` records.

:func:`read_inputs` takes files and folders and yields one ``RawDocument`` per article, or a
:class:`~parallax.models.Rejection` for each document that cannot be read, so one bad file never stops a batch.
Text and HTML come out decoded and re-encoded as UTF-8 (``data``); JSON and JSON-lines records (news-please or
trafilatura output) come out as ``format="record"`` with their fields mapped into ``meta``.

A path that does not exist is a usage mistake, not a bad document: it raises :class:`~parallax.errors.InputError`
before anything is read.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import charset_normalizer

from .errors import BinaryInputError, EmptyInputError, EncodingError, FormatError, InputError, TooLargeError
from .models import RawDocument, Rejection

__all__ = ["MAX_BYTES", "decode_bytes", "read_inputs"]

# --- tuning constants -----------------------------------------------------------------------------------------------

MAX_BYTES = 20 * 1024 * 1024  # the largest news page seen in AEB is ~1.5 MB; 20 MB leaves room for JSONL batches
SNIFF_BYTES = 8192  # the head inspected for binary content (as git and file(1) do)
CONTROL_RATIO = 0.05  # text has almost no C0 control characters; binaries have many (PNG head: ~30%)
UTF16_NUL_RATIO = 0.4  # UTF-16 without a BOM: NULs in at least this share of the even (or odd) bytes
# charset-normalizer ranks single-byte code pages that decode the same bytes equally (chaos within this much);
# among those, Windows-1252 is by far the most likely for English news (cp1250 would turn "è" into "č").
CHAOS_TIE = 0.02
PREFERRED_CODEC = "cp1252"

SUFFIXES: dict[str, Literal["text", "html", "json", "jsonl"]] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Where each record field is found, in order of preference: news-please first, then trafilatura's JSON, then
# common alternatives (schema.org's articleBody).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_page", "title_rss", "headline"),
    "text": ("maintext", "text", "content", "body", "articleBody"),
    "published": ("date_publish", "date", "published", "datePublished"),
    "outlet": ("source_domain", "outlet", "source", "sitename", "source-hostname", "hostname"),
    "url": ("url", "source"),
    "byline": ("authors", "author"),
    "language": ("language",),
}
# news-please's source_domain is a host name ("www.example.com"); its title_page, the page's <title>, usually ends
# with the site's own name ("Headline | Example News"), which names the outlet better.
SITE_NAME_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
SITE_NAME_MAX_WORDS = 6
MAGIC_NUMBERS = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF", b"MZ\x90")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}
_URL = re.compile(r"^https?://", re.IGNORECASE)
_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)  # "www.example.com", no spaces


def read_inputs(paths: Sequence[str | Path], *, max_bytes: int = MAX_BYTES) -> Iterator[RawDocument | Rejection]:
    """Yield every document in ``paths`` (files, or folders read recursively), or a Rejection for each bad one.

    Folders are walked in sorted order, skipping hidden files and folders and files of unknown type; a file of
    unknown type named explicitly is rejected. Keys are file names without extension, made unique in the batch
    (``-2``, ``-3``...); records in a JSON list or JSON-lines file get ``<stem>-<n>``. Raises ``InputError`` at
    once if a path does not exist.
    """
    if isinstance(paths, (str, Path)) or not isinstance(paths, Sequence):
        raise TypeError("read_inputs() takes a sequence of paths; wrap a single path in a list")
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise TypeError("max_bytes must be a positive int")
    files = _collect(paths)
    return _read_all(files, max_bytes)


# --- finding files --------------------------------------------------------------------------------------------------


def _collect(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """(file, key) for every file to read, keys unique in the batch; explicit files of unknown type included."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"no such file or folder: {path}", document=str(path), hint="check the path")
        for file in _walk(path) if path.is_dir() else [path]:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(file)
    used: set[str] = set()
    return [(file, _unique(_split_name(file)[0], used)) for file in found]


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and _split_name(Path(name))[1] is not None:
                files.append(Path(root) / name)
    return files


def _split_name(path: Path) -> tuple[str, Literal["text", "html", "json", "jsonl"] | None]:
    """(stem, kind): ``a.html.gz`` gives ``("a", "html")``; kind is None for an unknown extension."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name, None
    return stem, SUFFIXES.get("." + suffix.lower())


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}-{n}"
    used.add(candidate)
    return candidate


# --- reading --------------------------------------------------------------------------------------------------------


def _read_all(files: list[tuple[Path, str]], max_bytes: int) -> Iterator[RawDocument | Rejection]:
    used = {key for _, key in files}
    for path, key in files:
        try:
            kind = _split_name(path)[1]
            if kind is None:
                raise FormatError(
                    f"unsupported file type {path.name!r}",
                    hint="use .txt, .md, .html, .json or .jsonl (optionally .gz)",
                )
            text = decode_bytes(_read_bytes(path, max_bytes), html=kind == "html")
        except InputError as exc:
            yield _rejection(str(path), exc)
            continue
        if kind in ("text", "html"):
            yield RawDocument(source=str(path), key=key, format=kind, data=text.encode("utf-8"))
        else:
            yield from _records(path, key, text, kind == "jsonl", used)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes (decompressed for .gz), never reading more than ``max_bytes`` + 1."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise InputError(f"not a regular file: {path.name}")
        size = info.st_size
        if size > max_bytes:
            raise TooLargeError(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        if size == 0:
            raise EmptyInputError("file is empty (0 bytes)")
        if not path.name.lower().endswith(".gz"):
            return path.read_bytes()
        with gzip.open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise FormatError(f"not a valid gzip file ({exc})") from exc
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise TooLargeError(f"file decompresses to over the limit of {max_bytes:,} bytes")
    return data


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Text from bytes: a BOM, else UTF-8, else the page's declared charset (HTML), else charset-normalizer's guess.

    Raises ``EmptyInputError`` (nothing but whitespace), ``BinaryInputError`` (NUL or control bytes, or a known
    binary file signature) or ``EncodingError`` (no encoding decodes it cleanly).
    """
    if not data.strip():
        raise EmptyInputError("file is empty or holds only whitespace")
    text = _decode(data, html=html)
    if not text.strip():
        raise EmptyInputError("file holds only whitespace")
    return text


def _decode(data: bytes, *, html: bool) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"invalid {codec.upper()} after a byte-order mark ({exc.reason})") from exc
    head = data[:SNIFF_BYTES]
    if head.startswith(MAGIC_NUMBERS):
        raise BinaryInputError("file is binary (it starts with a known binary file signature)")
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            # the NUL pattern of UTF-16 also fits arrays of small numbers: the text must be text
            _reject_binary(text[: SNIFF_BYTES // 2].encode("utf-8", "replace"))
            return text
    _reject_binary(head)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if html else None
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    return _guess(data)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the head looks like ASCII-range UTF-16 (NUL in every other byte)."""
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= UTF16_NUL_RATIO * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= UTF16_NUL_RATIO * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _reject_binary(head: bytes) -> None:
    if b"\x00" in head:
        raise BinaryInputError("file is binary (it contains NUL bytes)")
    controls = sum(byte in _CONTROL_BYTES for byte in head)
    if controls > CONTROL_RATIO * len(head):
        raise BinaryInputError(f"file is binary ({controls} control bytes in the first {len(head)})")


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    # Browsers (WHATWG) read Latin-1 and ASCII declarations as Windows-1252; so do we.
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        name = "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess(data: bytes) -> str:
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise EncodingError("cannot decode the text: no encoding fits its bytes")
    for match in results:
        if match.chaos <= best.chaos + CHAOS_TIE and PREFERRED_CODEC in match.could_be_from_charset:
            try:
                return data.decode(PREFERRED_CODEC)
            except UnicodeDecodeError:
                break
    return str(best)


# --- records --------------------------------------------------------------------------------------------------------


def _records(path: Path, key: str, text: str, lines: bool, used: set[str]) -> Iterator[RawDocument | Rejection]:
    """The records of a JSON (one object or a list) or JSON-lines file; each bad one is rejected alone."""
    items: Iterable[tuple[int, str | None, Any]]
    if lines:
        items, numbered = _json_lines(text), True
    else:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _rejection(str(path), FormatError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"))
            return
        numbered = isinstance(value, list)
        items = [(n, None, item) for n, item in enumerate(value, 1)] if numbered else [(0, None, value)]
    for n, error, value in items:
        source = f"{path}#{n}" if numbered else str(path)
        try:
            if error is not None:
                raise FormatError(error)
            if not isinstance(value, dict):
                raise FormatError(f"expected a JSON object, found {type(value).__name__}")
            meta = _record_meta(value)
        except InputError as exc:
            yield _rejection(source, exc)
            continue
        record_key = _unique(f"{key}-{n}", used) if numbered else key
        yield RawDocument(source=source, key=record_key, format="record", meta=meta)


def _json_lines(text: str) -> Iterator[tuple[int, str | None, Any]]:
    """(line number, error or None, value) for every non-blank line."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, None, json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"invalid JSON line: {exc.msg} (column {exc.colno})", None


def _record_meta(record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The record's fields under Parallax's names, as strings; raises if it has no article text."""
    meta: dict[str, str] = {}
    for name, fields in RECORD_FIELDS.items():
        for field in fields:
            value = _as_text(record.get(field))
            if not value:
                continue
            if name == "url" and not _URL.match(value):
                continue
            if name == "outlet" and _URL.match(value):
                continue
            meta[name] = value
            break
    site = _site_name(_as_text(record.get("title_page")), meta.get("title", ""))
    if site and _HOST.match(meta.get("outlet", "")):
        meta["outlet"] = site
    if "text" not in meta:
        if any(field in record for field in RECORD_FIELDS["text"]):
            raise EmptyInputError("the record's text field is empty")
        raise FormatError(
            "record has no text field (maintext, text, content or body)",
            hint="records must be news-please or trafilatura JSON, with the article text in one of those fields",
        )
    return tuple(meta.items())


def _site_name(page_title: str, title: str) -> str | None:
    """ "Example News" from the page title "Headline | Example News" when the headline part is ``title``."""
    for separator in SITE_NAME_SEPARATORS:
        head, found, tail = page_title.rpartition(separator)
        if found and head.strip().casefold() == title.casefold() and 1 <= len(tail.split()) <= SITE_NAME_MAX_WORDS:
            return tail.strip()
    return None


def _as_text(value: Any) -> str:
    """A field as one string: lists of names read "A and B" / "A, B and C"; None and objects are empty."""
    if value is None or isinstance(value, (dict, bool)):
        return ""
    if isinstance(value, list):
        names = [s for s in (_as_text(v) for v in value) if s]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]
    return str(value).strip()


def _rejection(document: str, exc: InputError) -> Rejection:
    return Rejection(document=document, stage="ingest", reason=exc.reason, message=exc.message, hint=exc.hint)
