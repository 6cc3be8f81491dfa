"""The report stage's entry points: a :class:`~parallax.models.Report` as JSON, Markdown or one self-contained HTML
page, as a string (:func:`render`) or written atomically to a file (:func:`write`).

Each format has its module: ``json_form`` (the canonical JSON form, which the others are drawn from), ``markdown``
and ``html``; this module chooses among them and writes files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import ConfigError, ReportError
from ..models import Report
from .html import render_html
from .json_form import render_json
from .markdown import render_markdown

__all__ = ["EXTENSIONS", "FORMATS", "format_of_path", "render", "write"]

# Accepted ``fmt`` names (a set, for CLI choices); _RENDERERS maps each to the renderer it selects.
FORMATS = frozenset({"json", "md", "markdown", "html"})
_RENDERERS = {"json": "json", "md": "md", "markdown": "md", "html": "html"}
# The file extensions of each format (what `parallax analyze -o` reads the format from).
EXTENSIONS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}

# Mode of a newly written report file: readable by everyone, like a file written by any other tool. (A temporary
# file is created 0600; without this the renamed report would be private.)
NEW_FILE_MODE = 0o644


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt``: ``json``, ``md`` (or ``markdown``) or ``html``.

    Raises :class:`~parallax.errors.ConfigError` for any other format.
    """
    kind = _format(fmt)
    if not isinstance(report, Report):
        raise TypeError(f"render() expects a parallax.models.Report, not {type(report).__name__}")
    if kind == "json":
        return render_json(report)
    if kind == "md":
        return render_markdown(report)
    return render_html(report)


def format_of_path(path: str | os.PathLike[str]) -> str | None:
    """The format (``json``, ``md`` or ``html``) that ``path``'s extension names (``EXTENSIONS``, any case); None
    when it has no extension. Raises :class:`~parallax.errors.ConfigError` for an extension of no report format."""
    target = Path(path)
    suffix = target.suffix.lower()
    if not suffix:
        return None
    kind = EXTENSIONS.get(suffix)
    if kind is None:
        raise ConfigError(
            f"{target}: {suffix} is not a report format (known: {', '.join(EXTENSIONS)})",
            hint="name the file .html, .json or .md, or give no extension and a --format",
        )
    return kind


def write(report: Report, path: str | os.PathLike[str], fmt: str) -> Path:
    """Render ``report`` as ``fmt`` and write it to ``path`` atomically; returns the path written.

    The text goes to a temporary file in the same folder, which is then renamed over ``path``: a reader never sees
    a half-written report, and an old report survives a failed write. Raises :class:`~parallax.errors.ReportError`
    (naming the path) when the file cannot be written, :class:`~parallax.errors.ConfigError` for an unknown format.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"write() expects a path, not {type(path).__name__}")
    target = Path(path)
    # A lone surrogate (from a badly decoded input) cannot be encoded as UTF-8; one "?" beats losing the report.
    data = render(report, fmt).encode("utf-8", errors="replace")
    folder = target.parent
    if target.is_dir():
        raise ReportError(f"cannot write report to {target}: it is a folder", hint="give a file name, e.g. report.html")
    if not folder.is_dir():
        raise ReportError(f"cannot write report to {target}: folder {folder} does not exist")
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else NEW_FILE_MODE
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ReportError(f"cannot write report to {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise ReportError(f"cannot write report to {target}: {exc.strerror or exc}") from exc
    return target


# --- helpers ------------------------------------------------------------------------------------------------------


def _format(fmt: str) -> str:
    if not isinstance(fmt, str):
        raise TypeError(f"report format must be a string, not {type(fmt).__name__}")
    kind = _RENDERERS.get(fmt.strip().lower())
    if kind is None:
        raise ConfigError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(sorted(FORMATS))}")
    return kind
