"""The SQLite store: one file, WAL mode (readers never wait for the writer), FTS5 full-text search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..models import AnnotatedArticle
from . import MARK_END, MARK_START
from .sql import SqlStore

__all__ = ["SqliteStore", "open_sqlite"]

BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's write to finish before failing
SNIPPET_TOKENS = 24  # words around a search match (FTS5 snippet() allows at most 64)
TITLE_WEIGHT = 2.0  # bm25 weight of a title match against a body match


class SqliteStore(SqlStore):
    backend = "sqlite"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = Path(path).resolve() if path != ":memory:" else None
        if path != ":memory:":
            folder = Path(path).parent
            if not folder.is_dir():
                raise StoreError(f"cannot open store {path}: folder {folder} does not exist")
            if Path(path).is_dir():
                raise StoreError(f"cannot open store {path}: it is a folder", hint="give a file name, e.g. parallax.db")
        try:
            # autocommit mode: transactions are explicit (BEGIN ... COMMIT in _transaction)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open store {path}: {exc}", hint="is it a Parallax store (an SQLite file)?"
            ) from exc
        self._depth = 0

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.url}: {exc}") from exc

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            try:
                self._db.executemany(sql, [tuple(r) for r in rows])
            except sqlite3.Error as exc:
                raise StoreError(f"store {self.url}: {exc}") from exc

    def _run_script(self, script: str) -> None:
        # executescript() would commit the open transaction first; run the statements one by one instead
        statement = ""
        for line in script.splitlines(keepends=True):
            if line.lstrip().startswith("--"):
                continue
            statement += line
            if sqlite3.complete_statement(statement):
                self._run(statement)
                statement = ""
        if statement.strip():
            self._run(statement)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._run("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        self._run("COMMIT")

    def _close(self) -> None:
        self._db.close()

    def _has_migrations_table(self) -> bool:
        return bool(self._run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"))

    def _index(self, articles: Sequence[AnnotatedArticle]) -> None:
        self._run_many(
            "INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)",
            [[a.id, a.article.title or "", a.article.text] for a in articles],
        )

    def _search(self, terms: list[str], limit: int, offset: int) -> tuple[int, list[tuple[Any, ...]]]:
        # every word or phrase quoted: FTS5 reads them as plain tokens, never as query syntax (AND, NEAR, col:)
        match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        total = self._run("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match])[0][0]
        rows = self._run(
            "SELECT a.id, a.story_id, a.title, a.outlet, a.published,"
            f" snippet(articles_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}), -bm25(articles_fts, 0.0, {TITLE_WEIGHT}, 1.0)"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.article_id"
            " WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 0.0, ?, 1.0), a.id LIMIT ? OFFSET ?",
            [MARK_START, MARK_END, match, TITLE_WEIGHT, limit, offset],
        )
        return int(total), rows


def open_sqlite(path: str) -> SqliteStore:
    """Open (creating and migrating where needed) the SQLite store in the file ``path`` (or ``:memory:``)."""
    store = SqliteStore(path)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
