"""A report written as it is made, for a batch too large to hold: JSON and Markdown, byte for byte what
:func:`parallax.report.render` writes for the same report.

:class:`ReportStream` takes each story as it is compared (``add``, with the story's own articles only) and keeps
its JSON and Markdown sections in temporary files; ``finish`` writes each target once the batch is done: the head
(counts), the articles (read once more, one at a time), the stories copied from the temporary files, the copies
and the rejections. What stays in memory is a label and an id per article and a title per story.

HTML is not written this way: its page draws every story and article with cross-links and one script-free layout
(``report.html``), and a page of a 100k-article batch (hundreds of megabytes) is nothing a browser shows usefully.
``parallax analyze -o report.html`` builds the whole report in memory as before; for large batches write JSON or
Markdown, or ingest into a store and read it in the web app.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError, ReportError
from ..models import AnnotatedArticle, DuplicateGroup, Rejection, StoryAnalysis
from .json_form import SCHEMA, _article, _num, _story
from .markdown import _articles, _count, _duplicates, _esc, _rejections, _story_title
from .markdown import _story as _markdown_story
from .output import NEW_FILE_MODE, _format

__all__ = ["STREAMED_FORMATS", "ReportStream", "streamed"]

STREAMED_FORMATS = frozenset({"json", "md"})  # as ``output._format`` names them


def streamed(fmt: str) -> bool:
    """Whether a report in ``fmt`` (json, md, markdown, html) can be written as it is made. Raises ``ConfigError``
    for an unknown format."""
    return _format(fmt) in STREAMED_FORMATS


def _dumps(value: Any, indent: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it nested ``indent`` spaces deep (its first line not)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("\n", "\n" + " " * indent)


class _Lines:
    """Markdown lines written one by one as ``"\\n".join(lines) + "\\n"`` would, blank lines at the end left out
    (they are held until a line with text follows)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.blanks = 0

    def write(self, lines: Iterable[str]) -> None:
        for line in lines:
            if line:
                self.out.write("\n" * self.blanks + line + "\n")
                self.blanks = 0
            else:
                self.blanks += 1

    def flush(self) -> None:
        """Write the blank lines held: text follows that this writer does not see."""
        self.out.write("\n" * self.blanks)
        self.blanks = 0


class ReportStream:
    """One report to ``targets`` ((path, format) pairs: json, md or markdown), written as stories come.

    ``labels`` are the articles' display names (``tables.article_labels`` over the whole batch), ``duplicates``
    the batch's copies. Raises ``ConfigError`` for a format that is not streamed (html).
    """

    def __init__(
        self,
        targets: Sequence[tuple[str | os.PathLike[str], str]],
        labels: Mapping[str, str],
        duplicates: Sequence[DuplicateGroup],
    ) -> None:
        self.targets = [(Path(path), _format(fmt)) for path, fmt in targets]
        for path, kind in self.targets:
            if kind not in STREAMED_FORMATS:
                raise ConfigError(f"{path}: a {kind} report is not written as it is made", hint="write .json or .md")
        self.labels = labels
        self.duplicates = tuple(duplicates)
        self.duplicate_of: dict[str, str] = {}
        for group in self.duplicates:
            for copy in group.copies:
                self.duplicate_of.setdefault(copy, group.original)
        kinds = {kind for _, kind in self.targets}
        # the stories' parts, until ``finish``; ``close`` closes them (and deletes them: they have no name)
        self._json = _part() if "json" in kinds else None
        self._md = _part() if "md" in kinds else None
        self._md_lines = _Lines(self._md) if self._md is not None else None
        self.index: list[tuple[str, int, int]] = []  # per story: title, articles, facts (the Markdown list)
        self.in_story: set[str] = set()
        self.facts = 0

    def add(self, analysis: StoryAnalysis, members: Mapping[str, AnnotatedArticle]) -> None:
        """The next story (in report order), with its articles by id (at least those the story names)."""
        data = _story(analysis, dict(members))
        self.index.append((_story_title(data), len(data["articles"]), len(data["facts"])))
        self.in_story.update(analysis.story.articles)
        self.facts += len(analysis.facts)
        if self._json is not None:
            self._json.write((",\n" if len(self.index) > 1 else "") + "    " + _dumps(data, 4))
        if self._md_lines is not None:
            dicts = {aid: self._article(a) for aid, a in members.items()}
            self._md_lines.write(_markdown_story(len(self.index), data, dicts))

    def finish(
        self,
        articles: Iterable[AnnotatedArticle],
        count: int,
        rejections: Sequence[Rejection],
        *,
        generated: str,
        version: str,
    ) -> list[Path]:
        """Write every target: ``articles`` (all of the batch, in report order, ``count`` of them) are read once
        per target. Returns the paths written."""
        head = {
            "schema": SCHEMA,
            "version": version,
            "generated": generated,
            "counts": {
                "articles": count,
                "stories": len(self.index),
                "facts": self.facts,
                "rejected": len(rejections),
                "duplicates": sum(len(g.copies) for g in self.duplicates),
            },
        }
        written = []
        for path, kind in self.targets:
            with _Atomic(path) as out:
                if kind == "json":
                    self._write_json(out, head, articles, rejections)
                else:
                    self._write_markdown(out, head, articles, rejections)
            written.append(path)
        return written

    def close(self) -> None:
        for part in (self._json, self._md):
            if part is not None:
                part.close()

    # --- helpers --------------------------------------------------------------------------------------------------

    def _article(self, a: AnnotatedArticle) -> dict[str, Any]:
        return _article(a, self.duplicate_of.get(a.id), self.labels.get(a.id, a.id))

    def _write_json(
        self, out: IO[str], head: dict[str, Any], articles: Iterable[AnnotatedArticle], rejections: Sequence[Rejection]
    ) -> None:
        out.write("{\n")
        for key, value in head.items():
            out.write(f"  {json.dumps(key)}: {_dumps(value, 2)},\n")
        _write_list(out, "articles", (_dumps(self._article(a), 4) for a in articles))
        assert self._json is not None
        self._json.flush()
        self._json.seek(0)
        if self.index:
            out.write('  "stories": [\n')
            shutil.copyfileobj(self._json, out)
            out.write("\n  ],\n")
        else:
            out.write('  "stories": [],\n')
        self._json.seek(0, os.SEEK_END)
        copies = [
            {
                "original": g.original,
                "copies": list(g.copies),
                "similarity": [_num(x) for x in g.similarity],
                "exact": g.exact,
            }
            for g in self.duplicates
        ]
        _write_list(out, "duplicates", (_dumps(c, 4) for c in copies))
        rejected = [
            {"document": r.document, "stage": r.stage, "reason": r.reason, "message": r.message, "hint": r.hint}
            for r in rejections
        ]
        _write_list(out, "rejections", (_dumps(r, 4) for r in rejected), last=True)
        out.write("}\n")

    def _write_markdown(
        self, out: IO[str], head: dict[str, Any], articles: Iterable[AnnotatedArticle], rejections: Sequence[Rejection]
    ) -> None:
        lines = _Lines(out)
        lines.write(["# Parallax coverage report", ""])
        meta = [
            f"generated {_esc(head['generated'])}" if head["generated"] else "",
            f"Parallax {_esc(head['version'])}" if head["version"] else "",
        ]
        if any(meta):
            lines.write([" · ".join(m for m in meta if m), ""])
        counts = head["counts"]
        words = [("articles", "article"), ("stories", "story"), ("facts", "fact"), ("duplicates", "duplicate")]
        words.append(("rejected", "rejected"))
        lines.write([" · ".join(_count(counts[key], word, bold=True) for key, word in words), ""])
        if len(self.index) > 1:
            lines.write(["## Stories", ""])
            lines.write(
                f"{n}. {_esc(title)} ({_count(size, 'article')}, {_count(facts, 'fact')})"
                for n, (title, size, facts) in enumerate(self.index, 1)
            )
            lines.write([""])
        if self._md is not None and self._md_lines is not None and self.index:
            lines.flush()
            self._md.flush()
            self._md.seek(0)
            shutil.copyfileobj(self._md, out)
            self._md.seek(0, os.SEEK_END)
            lines.blanks = self._md_lines.blanks
        loose = {a.id: self._article(a) for a in articles if a.id not in self.in_story}
        if loose:
            lines.write(["## Articles in no story", "", *_articles(list(loose), loose)])
        named = {aid for g in self.duplicates for aid in (g.original, *g.copies)}
        labels = {aid: {"label": self.labels[aid]} for aid in named if aid in self.labels}
        lines.write(
            _duplicates(
                [
                    {
                        "original": g.original,
                        "copies": list(g.copies),
                        "similarity": [_num(x) for x in g.similarity],
                        "exact": g.exact,
                    }
                    for g in self.duplicates
                ],
                labels,
            )
        )
        lines.write(
            _rejections(
                [
                    {"document": r.document, "stage": r.stage, "reason": r.reason, "message": r.message, "hint": r.hint}
                    for r in rejections
                ]
            )
        )


def _write_list(out: IO[str], key: str, items: Iterable[str], *, last: bool = False) -> None:
    """``"key": [...]`` at the top level of the JSON form, its items (already dumped 4 deep) one by one."""
    end = "\n" if last else ",\n"
    first = True
    for item in items:
        out.write(f'  "{key}": [\n    ' if first else ",\n    ")
        out.write(item)
        first = False
    out.write(f'  "{key}": []{end}' if first else f"\n  ]{end}")


def _part() -> IO[str]:
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")


class _Atomic:
    """A text file written to a temporary file beside ``path`` and renamed over it when complete (as
    ``output.write`` does): a reader never sees half a report, an old report survives a failed write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            raise ReportError(
                f"cannot write report to {path}: it is a folder", hint="give a file name, e.g. report.json"
            )
        if not path.parent.is_dir():
            raise ReportError(f"cannot write report to {path}: folder {path.parent} does not exist")

    def __enter__(self) -> IO[str]:
        try:
            self.mode = self.path.stat().st_mode & 0o777 if self.path.exists() else NEW_FILE_MODE
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise ReportError(f"cannot write report to {self.path}: {exc.strerror or exc}") from exc
        self.out = os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n")
        return self.out

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is None:
                self.out.flush()
                os.fsync(self.out.fileno())
            self.out.close()
            if exc is None:
                os.chmod(self.tmp, self.mode)
                os.replace(self.tmp, self.path)
        except OSError as error:
            raise ReportError(f"cannot write report to {self.path}: {error.strerror or error}") from error
        finally:
            Path(self.tmp).unlink(missing_ok=True)
