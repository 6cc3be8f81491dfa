"""Annotated articles kept on disk while a large batch is analysed, read back one at a time.

``Spill`` is a ``Sequence[AnnotatedArticle]`` over a temporary SQLite file: each article is pickled and
compressed (zlib) as it is annotated, and read back by position or id when grouping, comparing and writing the
report need it; a small cache keeps the last ones read (grouping and a story's comparison read the same articles a
few times in a row). An annotated article of ~500 words takes ~60 kB as Python objects and ~8 kB here, so a batch of
100k articles costs ~1 GB of disk instead of ~6 GB of memory.

The file is private to the process (created in the system's temporary folder, deleted on ``close``); pickle is
safe here because nothing but this process writes it.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from ..models import AnnotatedArticle, Article

__all__ = ["CACHED", "ArticlesOf", "Spill"]

CACHED = 512  # articles kept decoded (the last read)
_COMMIT_EVERY = 256


class Spill(Sequence[AnnotatedArticle]):
    """Annotated articles in a temporary SQLite file, in the order they were added."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="parallax-spill-", dir=folder)
        self._db = sqlite3.connect(Path(self._dir.name) / "articles.sqlite", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE article (position INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._cache: OrderedDict[int, AnnotatedArticle] = OrderedDict()
        self._pending = 0

    def append(self, article: AnnotatedArticle) -> None:
        data = zlib.compress(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._db.execute("INSERT INTO article (position, data) VALUES (?, ?)", (len(self._ids), data))
        self._position.setdefault(article.id, len(self._ids))
        self._ids.append(article.id)
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._db.commit()
            self._pending = 0

    def ids(self) -> list[str]:
        """The articles' ids, in order."""
        return list(self._ids)

    def get(self, article_id: str) -> AnnotatedArticle:
        """The article with this id (the first added, when two share it). Raises ``KeyError``."""
        return self[self._position[article_id]]

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> AnnotatedArticle: ...

    @overload
    def __getitem__(self, index: slice) -> list[AnnotatedArticle]: ...

    def __getitem__(self, index: int | slice) -> AnnotatedArticle | list[AnnotatedArticle]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("spill index out of range")
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        if self._pending:
            self._db.commit()
            self._pending = 0
        row = self._db.execute("SELECT data FROM article WHERE position = ?", (index,)).fetchone()
        article: AnnotatedArticle = pickle.loads(zlib.decompress(row[0]))
        self._cache[index] = article
        if len(self._cache) > CACHED:
            self._cache.popitem(last=False)
        return article

    def __iter__(self) -> Iterator[AnnotatedArticle]:
        """Every article in order, read in one pass (without filling the cache)."""
        if self._pending:
            self._db.commit()
            self._pending = 0
        for (data,) in self._db.execute("SELECT data FROM article ORDER BY position"):
            yield pickle.loads(zlib.decompress(data))

    def close(self) -> None:
        self._cache.clear()
        self._db.close()
        self._dir.cleanup()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ArticlesOf(Sequence[Article]):
    """The ``Article`` of each annotated article of a sequence (what copy detection reads), read on demand."""

    def __init__(self, annotated: Sequence[AnnotatedArticle]) -> None:
        self._annotated = annotated

    def __len__(self) -> int:
        return len(self._annotated)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return [a.article for a in self._annotated[index]]
        return self._annotated[index].article

    def __iter__(self) -> Iterator[Article]:
        return (a.article for a in self._annotated)
