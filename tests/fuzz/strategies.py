"""Hypothesis strategies for hostile input: raw bytes, and text built from the pieces that steer the readers (quote
marks, attribution cues, dates, markup, control and bidirectional characters, other scripts, emoji, long runs).

All the pieces are written here for fuzzing; none comes from a corpus.
"""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = (
    # words and attribution cues
    "the",
    "minister",
    "said",
    "told",
    "according to",
    "Reuters",
    "AP",
    "a spokesperson",
    "Dr.",
    "Mr.",
    "Ms.",
    "officials",
    "reported",
    "claimed",
    "the Ministry of Health",
    "per cent",
    "42",
    "3.5",
    "$1.2 billion",
    "%",
    # quote marks, open and unbalanced
    '"',
    "“",
    "”",
    "‘",
    "’",
    "'",
    "«",
    "»",
    "„",
    "‟",
    "″",
    ' "',
    '" ',
    "''",
    '"""',
    # dates, absolute and relative, valid and not
    "May 5, 2024",
    "5 May 2024",
    "2024-05-05",
    "2024-02-30",
    "9999-99-99",
    "31/12/2023",
    "12.31.2023",
    "Tuesday",
    "last week",
    "two days ago",
    "next month",
    "Mon, 06 May 2024 10:00:00 GMT",
    "T25:61",
    "0000-00-00",
    "1e308",
    # markup and structure
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "<?xml",
    "?>",
    "<!DOCTYPE html>",
    "<meta charset=utf-16>",
    "<a href='http://[::1'>",
    "http://[::1",
    "https://a:99999/",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    '"text":',
    '"maintext":',
    "null",
    "true",
    "\\u0000",
    "\\ud800",
    "WARC/1.0",
    # line structure
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    ".",
    "!",
    "?",
    "…",
    "—",
    "By",
    "Published:",
    "Source:",
    "Read more",
    # hostile characters
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffd",
    "\u00ad",
    "\U0001f600",
    "\U0001f1fa\U0001f1f8",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u65b0\u95fb\u62a5\u9053",
    "\u30cb\u30e5\u30fc\u30b9",
    "\ud55c\uad6d",
    "e\u0301",
    "\u0130",
    "\u00df",
)


def news_text(max_pieces: int = 80) -> st.SearchStrategy[str]:
    """Text made of PIECES and arbitrary text, joined by spaces or nothing, sometimes one piece repeated long."""
    piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=12))
    repeated = st.builds(lambda p, n: p * n, st.sampled_from(PIECES), st.integers(1, 2000))
    parts = st.lists(st.one_of(piece, piece, piece, repeated), max_size=max_pieces)
    return st.builds(lambda ps, sep: sep.join(ps), parts, st.sampled_from(("", " ", "\n")))


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Text in UTF-8 (mostly), UTF-16 with and without BOM, or Windows-1252 where it fits."""
    encodings = st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"))
    return st.builds(lambda t, e: t.encode(e, "replace" if e == "cp1252" else "surrogatepass"), text, encodings)


def hostile_bytes(max_pieces: int = 80) -> st.SearchStrategy[bytes]:
    """Inputs for a byte-reading target: an option byte, then raw bytes or encoded text."""
    body = st.one_of(st.binary(max_size=2000), encoded(news_text(max_pieces)), encoded(news_text(max_pieces)))
    return st.builds(lambda option, b: bytes([option]) + b, st.integers(0, 255), body)
