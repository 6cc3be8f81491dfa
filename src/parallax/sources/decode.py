"""Bytes to text: binary sniffing, byte-order marks, declared and guessed charsets, UTF-16 without a BOM."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ..errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
)

SNIFF_BYTES = 8192  # the head inspected for binary content (as git and file(1) do)
CONTROL_RATIO = 0.05  # text has almost no C0 control characters; binaries have many (PNG head: ~30%)
UTF16_NUL_RATIO = 0.4  # UTF-16 without a BOM: NULs in at least this share of the even (or odd) bytes
# charset-normalizer ranks single-byte code pages that decode the same bytes equally (chaos within this much);
# among those, Windows-1252 is by far the most likely for English news (cp1250 would turn "è" into "č").
CHAOS_TIE = 0.02
PREFERRED_CODEC = "cp1252"
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


def decode_bytes(data: bytes, *, html: bool = False, charset: str | None = None) -> str:
    """Text from bytes: a BOM, else UTF-8, else the charset of the HTTP header (``charset``), else the page's
    declared charset (HTML), else charset-normalizer's guess.

    Raises ``EmptyInputError`` (nothing but whitespace), ``BinaryInputError`` (NUL or control bytes, or a known
    binary file signature) or ``EncodingError`` (no encoding decodes it cleanly).
    """
    if not data.strip():
        raise EmptyInputError("file is empty or holds only whitespace")
    text = _decode(data, html=html, charset=charset)
    if not text.strip():
        raise EmptyInputError("file holds only whitespace")
    return text


def _decode(data: bytes, *, html: bool, charset: str | None = None) -> str:
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
    for declared in (_codec(charset) if charset else None, _declared_charset(data) if html else None):
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
    return _codec(match.group(1).decode("ascii"))


def _codec(name: str) -> str | None:
    """Python's codec for a declared charset name, or None when unknown."""
    name = name.strip().lower()
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
