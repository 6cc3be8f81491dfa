"""The inputs of one run, of every kind, as documents: paths and URLs beside strings of text, dicts and articles.

:func:`read_items` is what ``parallax.analyze`` reads. Each input is one of:

- a ``pathlib.Path`` (or any ``os.PathLike``): a file or folder, read by :func:`parallax.sources.read_inputs`;
- a ``str``, told apart in this order:

  1. ``http://`` or ``https://`` and no whitespace: a URL (an article page, a feed, a sitemap);
  2. ``-``: standard input;
  3. an existing file or folder: that path;
  4. text when it cannot be a path: it holds a line break, starts with ``<``, ``{`` or ``[``, or has at least
     ``extract.MIN_WORDS`` (20) words. Its kind is sniffed as for standard input: HTML (a page), JSON (news-please
     or trafilatura records, one object, a list or JSON lines) or plain text (an article, a first line as its
     title); it is named ``text #N`` (its place among the inputs, from 1) and keyed ``text-N``;
  5. anything else is taken for a path that does not exist: ``InputError`` ("no such file or folder"), as for a
     missing path, before anything is read. A short one-line string is far likelier a mistyped file name than an
     article (which needs 20 words);

- a ``dict`` (any ``Mapping``): one record with news-please fields (``maintext``, ``title``, ``date_publish``,
  ``source_domain``, ``url``, ``authors``...) or trafilatura's JSON (``text``, ``title``, ``date``, ``sitename`` or
  ``hostname``, ``url``, ``author``...), mapped as records in files are (:mod:`parallax.sources.records`); named by
  its URL, else ``record #N`` and its title, keyed by its URL's last segment, else ``record-N``;
- an :class:`~parallax.models.Article`: its text and metadata as a record, named by its ``source`` (else
  ``article <id>``), keyed by its ``id``.

Every one of them then goes through extraction (cleaning, the language and length checks) like a file.
Article ids are unique in the batch: a key met twice gets ``-2``, ``-3``... (files keep theirs first within a run
of paths). A single input may be given alone instead of in a list. Any other type raises ``TypeError``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, MutableSet, Sequence
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..errors import InputError
from ..models import Article, RawDocument, Rejection
from .common import MAX_BYTES, IngestCounts, IngestOptions
from .files import _counted, read_data, read_inputs
from .records import _record_document
from .urls import _URL, key_for_url, unique_key

if TYPE_CHECKING:
    from .fetch import Fetcher

__all__ = ["TEXT_MIN_WORDS", "Input", "input_kind", "read_items"]

Input = Union[str, "os.PathLike[str]", Mapping[str, Any], Article]
"""One input of ``parallax.analyze``: a path, a URL, text, a record (dict) or an article."""

TEXT_MIN_WORDS = 20  # extract.MIN_WORDS: a one-line string with fewer words is taken for a path
MAX_PATH_CHARS = 4096  # longer strings are never looked up as paths (the system refuses them)
TITLE_CHARS = 60  # a record's title in its name, cut here


def input_kind(item: object) -> str:
    """What ``item`` is as an input: "path" (a file, a folder, a URL or ``-``), "text", "record" or "article".

    Raises ``InputError`` for a string that names no existing path and is not text (see the module's rules), and
    ``TypeError`` for any other type."""
    if isinstance(item, Article):
        return "article"
    if isinstance(item, Mapping):
        return "record"
    if isinstance(item, os.PathLike):
        return "path"
    if not isinstance(item, str):
        raise TypeError(
            f"an input is a {type(item).__name__}: pass paths, URLs, text (str), records (dict) or Article objects"
        )
    stripped = item.strip()
    if (_URL.match(stripped) and not any(c.isspace() for c in stripped)) or item == "-" or _exists(item):
        return "path"
    if "\n" in stripped or stripped[:1] in ("<", "{", "[") or len(stripped.split()) >= TEXT_MIN_WORDS:
        return "text"
    raise InputError(
        f"no such file or folder: {item}",
        document=item,
        hint=f"check the path; a string is read as text only with a line break or at least {TEXT_MIN_WORDS} words",
    )


def _exists(text: str) -> bool:
    if not text or len(text) > MAX_PATH_CHARS or "\n" in text or "\x00" in text:
        return False
    try:
        return Path(text).exists()
    except (OSError, ValueError):  # a name too long for the system
        return False


def read_items(
    items: Sequence[Input] | Input,
    *,
    max_bytes: int = MAX_BYTES,
    options: IngestOptions | None = None,
    counts: IngestCounts | None = None,
    seen: MutableSet[str] | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Every document in ``items`` (paths, URLs, text, records, articles; see the module), in order, or a Rejection
    for each bad one. Runs of paths and URLs are read by :func:`read_inputs` (``options``, ``seen``, ``fetcher`` as
    there); ``counts`` (if given) is kept up to date for every input. Raises ``InputError`` for a path that does not
    exist and ``TypeError`` for an input of another type, before anything is read."""
    if isinstance(items, (str, os.PathLike, Mapping, Article)):
        items = [items]
    if not isinstance(items, Sequence):
        raise TypeError("analyze() takes a list of inputs (paths, URLs, text, records or Article objects)")
    counts = counts if counts is not None else IngestCounts()
    parts: list[Iterable[RawDocument | Rejection]] = []
    run: list[str | Path] = []
    for n, item in enumerate(items, 1):
        kind = input_kind(item)
        if kind == "path":
            run.append(item if isinstance(item, str) else Path(item))  # type: ignore[arg-type]
            continue
        if run:  # read_inputs checks its paths now (InputError), before anything is read
            parts.append(
                read_inputs(list(run), max_bytes=max_bytes, options=options, counts=counts, seen=seen, fetcher=fetcher)
            )
            run = []
        parts.append(_counted(_in_memory(kind, item, n, max_bytes), counts))
    if run:
        parts.append(
            read_inputs(list(run), max_bytes=max_bytes, options=options, counts=counts, seen=seen, fetcher=fetcher)
        )
    return _unique(chain.from_iterable(parts))


def _in_memory(kind: str, item: Any, n: int, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    """The documents of one input held in memory (keys made unique later, by ``_unique``)."""
    used: set[str] = set()
    if kind == "text":
        yield from read_data(
            item.encode("utf-8", "surrogatepass"), f"text #{n}", f"text-{n}", max_bytes=max_bytes, used=used
        )
    elif kind == "record":
        record = dict(item)
        url = record.get("url")
        title = record.get("title")
        name = f"record #{n}"
        if isinstance(url, str) and _URL.match(url.strip()):
            name, key = url.strip(), key_for_url(url.strip())
        else:
            key = f"record-{n}"
            if isinstance(title, str) and title.strip():
                short = " ".join(title.split())
                name += f" ({short[:TITLE_CHARS]}{'…' if len(short) > TITLE_CHARS else ''})"
        yield _record_document(name, key, record, used)
    else:
        yield _article_document(item)


def _article_document(article: Article) -> RawDocument:
    """An ``Article`` as a record for extraction: its text and metadata, under its id."""
    fields = {
        "text": article.text,
        "title": article.title,
        "outlet": article.outlet,
        "byline": article.byline,
        "published": article.published,
        "url": article.url,
    }
    meta = tuple((name, value) for name, value in fields.items() if value)
    return RawDocument(source=article.source or f"article {article.id}", key=article.id, format="record", meta=meta)


def _unique(items: Iterator[RawDocument | Rejection]) -> Iterator[RawDocument | Rejection]:
    """The documents with keys unique across the inputs (a key met before gets ``-2``, ``-3``...)."""
    used: set[str] = set()
    for item in items:
        if isinstance(item, RawDocument):
            if item.key in used:
                item = replace(item, key=unique_key(item.key, used))
            else:
                used.add(item.key)
        yield item
