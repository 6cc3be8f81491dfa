"""The PostgreSQL store (psycopg 3): for teams sharing one store; full-text search with tsvector and a GIN index."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import ConcurrentWriteError, StoreError
from ..extras import require
from ..models import AnnotatedArticle
from . import MARK_END, MARK_START
from .sql import SqlStore

__all__ = ["PostgresStore", "open_postgres"]

CONNECT_TIMEOUT_S = 10
# ts_headline options: about as long as the SQLite snippet. The marks are private-use characters (see MARK_START).
HEADLINE = f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, MaxFragments=1'
# Serialises migrations between processes that open one database at the same time (any constant works).
MIGRATION_LOCK = 7_311_985_114


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore(SqlStore):
    backend = "postgres"
    lock_rows = " FOR UPDATE"  # a concurrent save of the same story waits, then sees the new members
    claim_lock = " FOR UPDATE SKIP LOCKED"  # a worker claiming a job passes over the one another is claiming

    def __init__(self, url: str) -> None:
        super().__init__(_safe(url))
        require("postgres", "the PostgreSQL store", "psycopg", error=StoreError)
        import psycopg

        self._errors = psycopg.Error
        self._unique = psycopg.errors.UniqueViolation
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot connect to PostgreSQL at {self.url}: {first}") from exc

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if sql.lstrip()[:6].upper() == "SELECT":
            # PostgreSQL text cannot hold NUL, so no stored value equals one holding it: a lookup or filter with a
            # NUL (typed into a URL) matches nothing instead of failing. U+FFFD stands in; writes still refuse NUL.
            params = [p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params]
        try:
            cursor = self._db.execute(_pyformat(sql), tuple(params))
            return cursor.fetchall() if cursor.description is not None else []
        except self._unique as exc:  # another session stored the same row first (its commit was not yet visible)
            raise ConcurrentWriteError(f"store {self.url}: {_first_line(exc)}") from exc
        except self._errors as exc:
            raise StoreError(f"store {self.url}: {_first_line(exc)}") from exc

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            try:
                with self._db.cursor() as cursor:
                    cursor.executemany(_pyformat(sql), [tuple(r) for r in rows])
            except self._unique as exc:
                raise ConcurrentWriteError(f"store {self.url}: {_first_line(exc)}") from exc
            except self._errors as exc:
                raise StoreError(f"store {self.url}: {_first_line(exc)}") from exc

    def _run_script(self, script: str) -> None:
        try:
            self._db.execute(script)  # several statements: allowed without parameters
        except self._errors as exc:
            raise StoreError(f"store {self.url}: {_first_line(exc)}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._db.transaction():
            yield

    def _close(self) -> None:
        self._db.close()

    def _has_migrations_table(self) -> bool:
        self._run("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
        return bool(self._run("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0])

    def _index(self, articles: Sequence[AnnotatedArticle]) -> None:
        return None  # the search column is generated from title and text by the database

    def _search(self, terms: list[str], limit: int, offset: int) -> tuple[int, list[tuple[Any, ...]]]:
        # each word plainto_tsquery, each phrase phraseto_tsquery, all ANDed: user input never reaches tsquery syntax
        parts = ["plainto_tsquery('english', ?)" if " " not in t else "phraseto_tsquery('english', ?)" for t in terms]
        query = " && ".join(parts)
        total = self._run(f"SELECT count(*) FROM articles WHERE search @@ ({query})", terms)[0][0]
        rows = self._run(
            "SELECT id, story_id, title, outlet, published,"
            " ts_headline('english', coalesce(title || '. ', '') || text, q, ?), ts_rank_cd(search, q)"
            f" FROM articles, (SELECT {query} AS q) AS query WHERE search @@ q ORDER BY ts_rank_cd(search, q) DESC, id"
            " LIMIT ? OFFSET ?",
            [HEADLINE, *terms, limit, offset],
        )
        return int(total), rows


def _pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_postgres(url: str) -> PostgresStore:
    """Open (migrating where needed) the PostgreSQL store at ``url`` (``postgresql://user@host:port/db``)."""
    store = PostgresStore(url)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
