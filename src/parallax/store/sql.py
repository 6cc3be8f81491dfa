"""What the SQLite and PostgreSQL backends share: every query but full-text search, written once.

Queries use ``?`` placeholders; a backend whose driver wants another style converts them in ``_run``. The two
backends differ only in connecting, migrations (their own SQL files), the full-text index and search.
"""

from __future__ import annotations

import json
import re
import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .. import codec
from ..errors import ConcurrentWriteError, StoreError
from ..models import AnnotatedArticle, DuplicateGroup, Report, StoryAnalysis
from . import (
    MARK_END,
    MARK_START,
    TABLES,
    VECTOR_SIZE,
    ArticleInfo,
    Matrix,
    OutletInfo,
    Page,
    SearchHit,
    Sort,
    Store,
    StoredArticle,
    StoryInfo,
    StoryRecord,
    Table,
)
from .jobs import JobTable

__all__ = ["SqlStore", "search_terms"]

MAX_LIMIT = 500  # the most rows one page may hold, whatever a caller asks for
OUTLET_CITES = 10  # sources listed per outlet in OutletInfo.cites

# Columns of each table as ``rows`` lists them, and the primary key it sorts by.
COLUMNS: dict[str, tuple[str, ...]] = {
    "schema_migrations": ("name", "applied"),
    "stories": tuple(
        "id title articles outlets facts conflicts first_published last_published created updated analysis"
        " duplicates report".split()
    ),
    "articles": tuple(
        "id checksum story_id position source title outlet byline published url language text words tone quotes"
        " citations loaded_terms added annotated vectors moved".split()
    ),
    "entities": ("article_id", "name", "label", "mentions"),
    "citations": ("article_id", "source", "kind", "mentions"),
    "facts": ("story_id", "id", "position", "text", "sources", "independent", "first"),
    "merged_stories": ("id", "into_id", "at", "reason"),
}
KEYS: dict[str, tuple[str, ...]] = {
    "schema_migrations": ("name",),
    "stories": ("id",),
    "articles": ("id",),
    "entities": ("article_id", "name", "label"),
    "citations": ("article_id", "source", "kind"),
    "facts": ("story_id", "id"),
    "merged_stories": ("id",),
}
assert tuple(COLUMNS) == TABLES

_STORY_COLUMNS = "id, title, articles, outlets, facts, conflicts, first_published, last_published, created, updated"
_ARTICLE_COLUMNS = "id, story_id, title, outlet, byline, published, url, source, checksum, language, words, added"
_TERM = re.compile(r'"([^"]*)"|([\w’\']+)', re.UNICODE)


def search_terms(query: str) -> list[str]:
    """A user's query as a list of words and phrases (each phrase one string of words); other syntax dropped."""
    terms: list[str] = []
    for match in _TERM.finditer(query):
        phrase = match.group(1)
        words = re.findall(r"\w+", phrase if phrase is not None else match.group(2))
        if words:
            terms.append(" ".join(words))
    return terms


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SqlStore(JobTable, ABC, Store):
    """A store on a DB-API connection. Every public method holds the lock: one connection, shared by threads."""

    url: str
    path: Path | None = None
    backend: str  # the folder of migrations/ this backend reads
    lock_rows = ""  # what makes a SELECT lock the rows it reads until commit, where the backend needs it

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._closed = False

    # --- what a backend provides ------------------------------------------------------------------------------

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Execute one statement; its rows (empty for statements that return none)."""

    @abstractmethod
    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""

    @abstractmethod
    def _run_script(self, script: str) -> None:
        """Execute several statements (a migration), inside the current transaction."""

    @abstractmethod
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""

    @abstractmethod
    def _close(self) -> None: ...

    @abstractmethod
    def _has_migrations_table(self) -> bool: ...

    @abstractmethod
    def _index(self, articles: Sequence[AnnotatedArticle]) -> None:
        """Add new articles to the full-text index (inside the save transaction)."""

    @abstractmethod
    def _search(self, terms: list[str], limit: int, offset: int) -> tuple[int, list[tuple[Any, ...]]]:
        """The total and a page of (article id, story id, title, outlet, published, snippet, rank)."""

    # --- reading ----------------------------------------------------------------------------------------------

    def list_stories(
        self,
        *,
        sort: Sort = "newest",
        outlet: str | None = None,
        entity: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[StoryInfo]:
        if sort not in ("newest", "largest"):
            raise ValueError(f"sort must be 'newest' or 'largest', not {sort!r}")
        limit, offset = _window(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if outlet:
            where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND lower(a.outlet) = lower(?))")
            params.append(outlet.strip())
        if entity:
            where.append(
                "EXISTS (SELECT 1 FROM articles a JOIN entities e ON e.article_id = a.id WHERE a.story_id = s.id"
                " AND (lower(e.name) = ? OR (e.label = 'PERSON' AND lower(e.name) LIKE ? ESCAPE '\\')))"
            )
            name = " ".join(entity.split()).lower()
            # the name is data, never a pattern: its backslashes, % and _ are escaped (a trailing backslash made
            # PostgreSQL refuse the pattern)
            params += [name, "% " + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")]
        if since or until:
            dated = ["a.story_id = s.id"]
            if since:
                dated.append("a.published >= ?")
                params.append(since.strip())
            if until:
                # "2020-08-24" includes "2020-08-24T11:00": compare with the largest string that starts with it
                dated.append("a.published <= ?")
                params.append(until.strip() + "\uffff")
            where.append(f"EXISTS (SELECT 1 FROM articles a WHERE {' AND '.join(dated)})")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        newest = "(s.last_published IS NULL), s.last_published DESC, s.updated DESC, s.id"
        order = newest if sort == "newest" else f"s.articles DESC, {newest}"
        with self._lock:
            total = self._run(f"SELECT count(*) FROM stories s{clause}", params)[0][0]
            rows = self._run(
                f"SELECT {_prefixed(_STORY_COLUMNS, 's')} FROM stories s{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        return Page(tuple(_story_info(r) for r in rows), int(total), limit, offset)

    def get_story(self, story_id: str) -> StoryInfo | None:
        with self._lock:
            rows = self._run(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", [story_id])
        return _story_info(rows[0]) if rows else None

    def story_report(self, story_id: str) -> dict[str, Any] | None:
        with self._lock:
            rows = self._run("SELECT report FROM stories WHERE id = ?", [story_id])
        if not rows:
            return None
        report: dict[str, Any] = json.loads(rows[0][0])
        return report

    def load_report(self, story_id: str) -> Report | None:
        with self._lock:
            rows = self._run("SELECT analysis, duplicates, report FROM stories WHERE id = ?", [story_id])
            if not rows:
                return None
            articles = self.story_articles(story_id)
        analysis, duplicates, report = rows[0]
        stamp = json.loads(report)
        return Report(
            articles=articles,
            stories=(codec.load(StoryAnalysis, json.loads(analysis)),),
            duplicates=tuple(codec.load(DuplicateGroup, d) for d in json.loads(duplicates)),
            generated=str(stamp.get("generated", "")),
            version=str(stamp.get("version", "")),
        )

    def list_articles(
        self,
        *,
        story_id: str | None = None,
        outlet: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[ArticleInfo]:
        limit, offset = _window(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if story_id is not None:
            where.append("story_id = ?")
            params.append(story_id)
        if outlet:
            where.append("lower(outlet) = lower(?)")
            params.append(outlet.strip())
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        order = "position, id" if story_id is not None else "(published IS NULL), published DESC, added DESC, id"
        with self._lock:
            total = self._run(f"SELECT count(*) FROM articles{clause}", params)[0][0]
            rows = self._run(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        return Page(tuple(_article_info(r) for r in rows), int(total), limit, offset)

    def get_article(self, article_id: str) -> StoredArticle | None:
        with self._lock:
            rows = self._run(f"SELECT {_ARTICLE_COLUMNS}, annotated FROM articles WHERE id = ?", [article_id])
        if not rows:
            return None
        return StoredArticle(_article_info(rows[0][:-1]), _annotated(rows[0][-1]))

    def list_outlets(self) -> tuple[OutletInfo, ...]:
        with self._lock:
            rows = self._run(
                "SELECT outlet, count(*), count(DISTINCT story_id), min(published), max(published), avg(tone),"
                " sum(quotes), sum(citations), sum(loaded_terms) FROM articles"
                " WHERE outlet IS NOT NULL AND outlet <> '' GROUP BY outlet ORDER BY count(*) DESC, outlet"
            )
            cited = self._run(
                "SELECT a.outlet, c.source, count(DISTINCT a.id)"
                " FROM citations c JOIN articles a ON a.id = c.article_id"
                " WHERE a.outlet IS NOT NULL AND a.outlet <> '' GROUP BY a.outlet, c.source"
            )
        cites: dict[str, list[tuple[str, int]]] = {}
        for outlet, source, count in cited:
            cites.setdefault(outlet, []).append((source, int(count)))
        return tuple(
            OutletInfo(
                name=name,
                articles=int(articles),
                stories=int(stories),
                first_published=first,
                last_published=last,
                mean_tone=round(float(tone or 0.0), 4),
                quotes=int(quotes or 0),
                citations=int(citations or 0),
                loaded_terms=int(loaded or 0),
                cites=tuple(sorted(cites.get(name, []), key=lambda c: (-c[1], c[0]))[:OUTLET_CITES]),
            )
            for name, articles, stories, first, last, tone, quotes, citations, loaded in rows
        )

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> Page[SearchHit]:
        if not isinstance(query, str):
            raise TypeError(f"search() expects a string, not {type(query).__name__}")
        limit, offset = _window(limit, offset)
        terms = search_terms(query)
        if not terms:
            return Page((), 0, limit, offset)
        with self._lock:
            total, rows = self._search(terms, limit, offset)
        hits = tuple(
            SearchHit(aid, sid, title, outlet, published, _tidy(snippet), float(rank))
            for aid, sid, title, outlet, published, snippet, rank in rows
        )
        return Page(hits, total, limit, offset)

    def counts(self) -> dict[str, int]:
        with self._lock:
            articles, outlets = self._run(
                "SELECT count(*), count(DISTINCT CASE WHEN outlet <> '' THEN outlet END) FROM articles"
            )[0]
            stories = self._run("SELECT count(*) FROM stories")[0][0]
        return {"articles": int(articles), "stories": int(stories), "outlets": int(outlets)}

    # --- writing ----------------------------------------------------------------------------------------------

    def find_checksums(self, checksums: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for chunk in _chunks(checksums):
                marks = ", ".join("?" * len(chunk))
                for checksum, aid in self._run(f"SELECT checksum, id FROM articles WHERE checksum IN ({marks})", chunk):
                    found[checksum] = aid
        return found

    def find_ids(self, article_ids: list[str]) -> set[str]:
        found: set[str] = set()
        with self._lock:
            for chunk in _chunks(article_ids):
                marks = ", ".join("?" * len(chunk))
                found.update(r[0] for r in self._run(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return found

    def recent_articles(
        self, *, since: str | None, until: str | None, limit: int
    ) -> tuple[tuple[str, AnnotatedArticle], ...]:
        dated: list[str] = []
        params: list[Any] = []
        if since:
            dated.append("published >= ?")
            params.append(since)
        if until:
            dated.append("published <= ?")
            params.append(until + "\uffff")
        clause = f" WHERE published IS NULL OR ({' AND '.join(dated)})" if dated else ""
        with self._lock:
            rows = self._run(
                f"SELECT story_id, annotated FROM articles{clause} ORDER BY added DESC, id LIMIT ?",
                [*params, max(0, int(limit))],
            )
        return tuple((sid, _annotated(data)) for sid, data in rows)

    def sentence_vectors(self, article_ids: list[str]) -> dict[str, Matrix]:
        found: dict[str, Matrix] = {}
        with self._lock:
            for chunk in _chunks(article_ids):
                marks = ", ".join("?" * len(chunk))
                rows = self._run(
                    f"SELECT id, vectors FROM articles WHERE id IN ({marks}) AND vectors IS NOT NULL", chunk
                )
                found.update((aid, _vector_matrix(data)) for aid, data in rows)
        return found

    def article_notes(self, article_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for chunk in _chunks(article_ids):
                marks = ", ".join("?" * len(chunk))
                rows = self._run(f"SELECT id, moved FROM articles WHERE id IN ({marks}) AND moved IS NOT NULL", chunk)
                found.update((aid, note) for aid, note in rows)
        return found

    def merged_into(self, story_id: str) -> tuple[str, str] | None:
        with self._lock:
            rows = self._run("SELECT into_id, reason FROM merged_stories WHERE id = ?", [story_id])
        return (rows[0][0], rows[0][1]) if rows else None

    def story_articles(self, story_id: str) -> tuple[AnnotatedArticle, ...]:
        with self._lock:
            rows = self._run("SELECT annotated FROM articles WHERE story_id = ? ORDER BY position, id", [story_id])
        return tuple(_annotated(r[0]) for r in rows)

    def save(
        self,
        articles: list[tuple[str, AnnotatedArticle]],
        stories: list[StoryRecord],
        vectors: Mapping[str, Matrix] | None = None,
        *,
        moves: Sequence[tuple[str, str, str, str]] = (),
        merged: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        stamp = now()
        with self._lock, self._transaction():
            self._check_unchanged(articles, stories, moves, [absorbed for absorbed, _, _ in merged])
            for record in stories:
                self._save_story(record, stamp)
                # a story id that comes back (a split part named after the article that once started it)
                self._run("DELETE FROM merged_stories WHERE id = ?", [record.analysis.story.id])
            self._run_many(
                f"INSERT INTO articles ({', '.join(COLUMNS['articles'])})"
                f" VALUES ({', '.join('?' * len(COLUMNS['articles']))})",
                [_article_row(story_id, a, stamp, (vectors or {}).get(a.id)) for story_id, a in articles],
            )
            self._run_many(
                "INSERT INTO entities (article_id, name, label, mentions) VALUES (?, ?, ?, ?)",
                [row for _, a in articles for row in _entity_rows(a)],
            )
            self._run_many(
                "INSERT INTO citations (article_id, source, kind, mentions) VALUES (?, ?, ?, ?)",
                [row for _, a in articles for row in _citation_rows(a)],
            )
            self._index([a for _, a in articles])
            self._run_many(
                "UPDATE articles SET story_id = ?, moved = ? WHERE id = ?",
                [[to, why, aid] for aid, _, to, why in moves],
            )
            for absorbed, survivor, why in merged:
                self._run("DELETE FROM facts WHERE story_id = ?", [absorbed])
                self._run("DELETE FROM stories WHERE id = ?", [absorbed])
                self._run("UPDATE merged_stories SET into_id = ? WHERE into_id = ?", [survivor, absorbed])
                self._run(
                    "INSERT INTO merged_stories (id, into_id, at, reason) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET into_id = excluded.into_id, at = excluded.at,"
                    " reason = excluded.reason",
                    [absorbed, survivor, stamp, why],
                )
            for record in stories:
                story = record.analysis.story
                self._run_many(
                    "UPDATE articles SET position = ? WHERE id = ?", [[n, aid] for n, aid in enumerate(story.articles)]
                )
                self._run("DELETE FROM facts WHERE story_id = ?", [story.id])
                self._run_many(
                    "INSERT INTO facts (story_id, id, position, text, sources, independent, first)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        [story.id, f.id, n, f.text, len(f.sources), len(f.independent), f.first]
                        for n, f in enumerate(record.analysis.facts)
                    ],
                )

    def _check_unchanged(
        self,
        articles: list[tuple[str, AnnotatedArticle]],
        stories: list[StoryRecord],
        moves: Sequence[tuple[str, str, str, str]],
        absorbed: Sequence[str],
    ) -> None:
        """Raise ConcurrentWriteError when the store is no longer what the caller decided on: one of the articles
        was stored meanwhile, or a story to replace, split or merge away gained or lost articles (its row is
        locked until commit)."""
        new = {a.id for _, a in articles}
        expected: dict[str, set[str]] = {r.analysis.story.id: set(r.analysis.story.articles) - new for r in stories}
        for story_id in absorbed:
            expected.setdefault(story_id, set())
        for article_id, source, target, _ in moves:  # what each story held before the moves
            expected.setdefault(target, set()).discard(article_id)
            if article_id not in new:
                expected.setdefault(source, set()).add(article_id)
        for story_id, before in expected.items():
            exists = self._run(f"SELECT id FROM stories WHERE id = ?{self.lock_rows}", [story_id])
            members = self._run("SELECT id FROM articles WHERE story_id = ?", [story_id]) if exists else []
            if {r[0] for r in members} != before or (story_id in absorbed and not exists):
                raise ConcurrentWriteError(f"story {story_id} changed while this ingest ran")
        taken = sorted(self.find_ids(sorted(new)))
        if taken:
            raise ConcurrentWriteError(f"article {taken[0]} was stored while this ingest ran")
        same = self.find_checksums(sorted({a.article.checksum for _, a in articles}))
        if same:
            raise ConcurrentWriteError(
                f"the text of article {sorted(same.values())[0]} was stored while this ingest ran"
            )

    def _save_story(self, record: StoryRecord, stamp: str) -> None:
        analysis = record.analysis
        members = [a for a in record.report.get("articles", []) if isinstance(a, dict)]
        outlets = list(dict.fromkeys(str(a["outlet"]).strip() for a in members if (a.get("outlet") or "").strip()))
        published = sorted(str(a["published"]) for a in members if a.get("published"))
        values = [
            analysis.story.id,
            analysis.story.title,
            len(analysis.story.articles),
            json.dumps(outlets, ensure_ascii=False),
            len(analysis.facts),
            len(analysis.conflicts),
            published[0] if published else None,
            published[-1] if published else None,
            stamp,
            stamp,
            _json(codec.dump(analysis)),
            _json(codec.dump(record.duplicates)),
            _json(record.report),
        ]
        columns = COLUMNS["stories"]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("id", "created"))
        self._run(
            f"INSERT INTO stories ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}",
            values,
        )

    # --- maintenance ------------------------------------------------------------------------------------------

    def migrate(self) -> tuple[str, ...]:
        applied: list[str] = []
        with self._lock:
            for name, script in _migrations(self.backend):
                with self._transaction():
                    if not self._has_migrations_table():
                        self._run("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
                    if self._run("SELECT 1 FROM schema_migrations WHERE name = ?", [name]):
                        continue
                    self._run_script(script)
                    self._run("INSERT INTO schema_migrations (name, applied) VALUES (?, ?)", [name, now()])
                    applied.append(name)
        return tuple(applied)

    def migrations(self) -> tuple[str, ...]:
        with self._lock:
            rows = self._run("SELECT name FROM schema_migrations ORDER BY applied, name")
        return tuple(r[0] for r in rows)

    def rows(self, table: str) -> Table:
        if table not in COLUMNS:
            raise ValueError(f"unknown table {table!r}: one of {', '.join(TABLES)}")
        columns = COLUMNS[table]
        with self._lock:
            rows = self._run(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(KEYS[table])}")
        return columns, tuple(tuple(r) for r in rows)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._close()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


# --- helpers ----------------------------------------------------------------------------------------------------------


def _migrations(backend: str) -> list[tuple[str, str]]:
    """(name, SQL) of every migration of a backend, in name order."""
    folder = resources.files("parallax.store").joinpath("migrations", backend)
    scripts = sorted((p.name, p) for p in folder.iterdir() if p.name.endswith(".sql"))
    if not scripts:
        raise StoreError(f"no migrations found for the {backend} store", hint="reinstall parallax")
    return [(name.removesuffix(".sql"), path.read_text(encoding="utf-8")) for name, path in scripts]


def _window(limit: int, offset: int) -> tuple[int, int]:
    if isinstance(limit, bool) or not isinstance(limit, int) or isinstance(offset, bool) or not isinstance(offset, int):
        raise TypeError("limit and offset must be integers")
    return max(0, min(limit, MAX_LIMIT)), max(0, offset)


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _prefixed(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _annotated(data: str) -> AnnotatedArticle:
    return codec.load(AnnotatedArticle, json.loads(data))


def _story_info(row: Sequence[Any]) -> StoryInfo:
    sid, title, articles, outlets, facts, conflicts, first, last, created, updated = row
    return StoryInfo(
        sid, title, int(articles), tuple(json.loads(outlets)), int(facts), int(conflicts), first, last, created, updated
    )


def _article_info(row: Sequence[Any]) -> ArticleInfo:
    aid, sid, title, outlet, byline, published, url, source, checksum, language, words, added = row
    return ArticleInfo(aid, sid, title, outlet, byline, published, url, source, checksum, language, int(words), added)


def _article_row(story_id: str, a: AnnotatedArticle, stamp: str, vectors: Matrix | None) -> list[Any]:
    art = a.article
    return [
        art.id,
        art.checksum,
        story_id,
        0,  # set from the story's order below
        art.source,
        art.title,
        art.outlet,
        art.byline,
        art.published,
        art.url,
        art.language,
        art.text,
        len(art.text.split()),
        float(a.tone),
        len(a.quotes),
        len(a.citations),
        len(a.loaded_terms),
        stamp,
        _json(codec.dump(a)),
        _vector_bytes(vectors) if vectors is not None else None,
        None,  # moved: set when a merge or split moves it
    ]


def _vector_bytes(vectors: Matrix) -> bytes:
    return np.ascontiguousarray(vectors, dtype="<f4").tobytes()


def _vector_matrix(data: bytes) -> Matrix:
    matrix: Matrix = np.frombuffer(bytes(data), dtype="<f4").astype(np.float32).reshape(-1, VECTOR_SIZE)
    return matrix


def _entity_rows(a: AnnotatedArticle) -> list[list[Any]]:
    counts = Counter(((e.name or e.text).strip(), e.label) for e in a.entities if (e.name or e.text).strip())
    return [[a.id, name, label, n] for (name, label), n in sorted(counts.items())]


def _citation_rows(a: AnnotatedArticle) -> list[list[Any]]:
    counts = Counter((c.source, c.kind) for c in a.citations)
    return [[a.id, source, kind, n] for (source, kind), n in sorted(counts.items())]


def _tidy(snippet: str | None) -> str:
    """One line of snippet text; marks that enclose nothing dropped."""
    text = " ".join((snippet or "").split())
    return text.replace(MARK_START + MARK_END, "")
