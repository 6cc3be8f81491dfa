"""Helpers every ``parallax`` command shares: one-line errors, rejection lines, progress bars, exit codes."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import ConfigError, ParallaxError
from ..models import Rejection
from ..report.output import EXTENSIONS, format_of_path
from ..settings import CSV_DIALECTS, Settings
from ..sources import MAX_BYTES, IngestCounts, parse_csv_map

__all__ = ["EXIT_REJECTED"]

EXIT_REJECTED = 3  # the work was done, but some inputs were rejected
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
# Keys of click's context meta (shared by the group and its commands): `parallax -q` given, a log level chosen.
QUIET = "parallax.quiet"
LOG_LEVEL_GIVEN = "parallax.log_level_given"


def printable(text: str) -> str:
    """``text`` as one safe terminal line: control and format characters (escape sequences, line breaks that would
    forge a second "rejected:" line, bidi overrides) shown as ``\\xNN``/``\\uNNNN``, rich markup escaped."""
    shown = "".join(ch if ch.isprintable() or ch == " " else _escaped(ch) for ch in text)
    return escape(shown)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes: a rich progress display replaces it for a while,
    so that log lines print above the bars instead of through them."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(level: str | None, verbose: int, quiet: bool) -> Callable[[], None]:
    """The ``parallax`` logger's level and one stderr handler, from ``--log-level`` (wins), ``-v`` (info; ``-vv``:
    debug) or ``-q`` (errors only); warnings by default. The only place logging is configured: the library logs
    through ``logging.getLogger(__name__)`` and never configures it. Returns the function that undoes it (the group
    calls it when the command ends, so that a program or test invoking the CLI in-process keeps its logging)."""
    if level is not None:
        chosen = getattr(logging, level.upper())
    elif quiet:
        chosen = logging.ERROR
    elif verbose:
        chosen = logging.INFO if verbose == 1 else logging.DEBUG
    else:
        chosen = logging.WARNING
    logger = logging.getLogger("parallax")
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(chosen)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    return restore


def _fail(console: Console, exc: ParallaxError) -> None:
    hint = f" (hint: {printable(exc.hint)})" if exc.hint else ""  # escaped: "pip install 'x[ray]'" is not markup
    console.print(f"[bold red]error:[/] {printable(str(exc))}{hint}", highlight=False, soft_wrap=True)


@contextmanager
def _progress(
    err: Console, quiet: bool, describe: Callable[[str], str] | None = None
) -> Iterator[Callable[[str, int, int], None]]:
    """Rich progress bars on stderr, one per pipeline stage, fed by the callback this yields; ``describe`` gives a
    stage's label (e.g. with running counts); a total of 0 (unknown, as for streamed inputs) shows a pulsing bar."""
    with Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None)
            label = describe(stage) if describe is not None else stage
            bars.update(tasks[stage], completed=done, total=total or None, description=label)

        yield progress


def _print_rejections(err: Console, rejections: Iterable[Rejection]) -> None:
    """One line per rejected document: which, why, and a hint."""
    for rejection in rejections:
        hint = f" (hint: {printable(rejection.hint)})" if rejection.hint else ""
        what = f"{printable(rejection.document)}: {printable(rejection.reason)}: {printable(rejection.message)}"
        err.print(
            f"[yellow]rejected:[/] {what}{hint}",
            highlight=False,
            soft_wrap=True,
        )


def run_settings(
    encoder: str | None,
    max_bytes: int,
    csv_map: str = "",
    allow_private: bool = False,
    host_delay: float | None = None,
    *,
    csv_dialect: str | None = None,
    env_proxy: bool = True,
) -> Settings:
    """The run's settings: the environment (``Settings.from_env``), with the command's options winning."""
    from ..sources.policy import FetchPolicy  # not sources.fetch: httpx costs ~0.1 s, and only URLs need it

    policy = FetchPolicy(max_bytes=max_bytes, allow_private=allow_private, env_proxy=env_proxy)
    if host_delay is not None:
        policy = dataclasses.replace(policy, host_interval=host_delay)
    given: dict[str, Any] = {"max_bytes": max_bytes, "fetch": policy, "csv_map": parse_csv_map(csv_map)}
    if encoder is not None:
        given["encoder"] = encoder
    if csv_dialect is not None:
        given["csv_dialect"] = csv_dialect
    return Settings.from_env(os.environ, **given)


_LABELS = {"json": "JSON", "md": "Markdown", "html": "HTML"}


def report_targets(fmt: str | None, outputs: Sequence[Path], default: str = "html") -> list[tuple[Path, str]]:
    """Each ``--output`` with the report format written there: its extension's (``report.output.EXTENSIONS``), else
    ``--format``'s, else ``default``. A usage error (exit 2) for an extension of no report format, and for one that
    contradicts ``--format`` (``--format json -o r.md``): no report is ever written in a format its name denies."""
    wanted = None if fmt is None else {"markdown": "md"}.get(fmt, fmt)
    targets: list[tuple[Path, str]] = []
    for path in outputs:
        try:
            named = format_of_path(path)
        except ConfigError as exc:
            raise click.BadParameter(f"{exc} (hint: {exc.hint})", param_hint="'--output'") from exc
        if named is not None and wanted is not None and named != wanted:
            suffixes = ", ".join(suffix for suffix, kind in EXTENSIONS.items() if kind == wanted)
            raise click.BadParameter(
                f"{path} is named as a {_LABELS[named]} file, but --format is {fmt} (hint: name it {suffixes}, or "
                "drop --format to write each file in the format its name says)",
                param_hint="'--output'",
            )
        targets.append((path, named or wanted or default))
    return targets


def _counts_line(counts: IngestCounts) -> str:
    line = f"{counts.accepted} accepted, {counts.duplicate} duplicate, {counts.rejected} rejected"
    skipped = sum(counts.skipped.values())
    return line + (f", {skipped} skipped" if skipped else "")


def _write_rejection_log(err: Console, path: Path, rejections: Sequence[Rejection]) -> None:
    try:
        with path.open("w", encoding="utf-8") as log:
            for rejection in rejections:
                log.write(json.dumps(dataclasses.asdict(rejection), ensure_ascii=False) + "\n")
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write the rejection log {path}: {exc.strerror or exc}", highlight=False)
        sys.exit(1)


def source_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options that say how inputs are read (analyze and ingest): size limit, CSV columns, fetching, rejections."""
    for option in reversed(
        (
            click.option(
                "--max-bytes",
                type=click.IntRange(min=1),
                default=MAX_BYTES,
                show_default=True,
                help="Largest input file.",
            ),
            click.option(
                "--csv-map",
                default="",
                metavar="FIELD=COLUMN,...",
                help="CSV columns of title, text, published, outlet, url...",
            ),
            click.option(
                "--allow-private",
                is_flag=True,
                help="Fetch from loopback and private addresses (off: the SSRF guard refuses).",
            ),
            click.option(
                "--host-delay",
                type=click.FloatRange(min=0),
                default=None,
                help="Seconds between requests to one host [1.0].",
            ),
            click.option(
                "--csv-dialect",
                type=click.Choice(CSV_DIALECTS),
                default=None,
                help="How CSV files are read: standard (RFC 4180, as spreadsheets and Python write it; a header "
                "without commas may set ; tab or | as the delimiter), excel, excel-tab, unix, semicolon, or auto "
                "(Python's csv.Sniffer guesses; it can guess wrong) [default: $PARALLAX_CSV_DIALECT, else standard].",
            ),
            click.option(
                "--no-env-proxy",
                is_flag=True,
                help="Fetch URLs directly, ignoring HTTP_PROXY, HTTPS_PROXY and NO_PROXY (by default they are used; "
                "the SSRF guard still checks every target host).",
            ),
            click.option(
                "--rejection-log",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write every rejection here as JSON lines (document, stage, reason, message, hint).",
            ),
        )
    ):
        command = option(command)
    return command


def engine_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options that choose where the per-article stages run: here, or on Ray (analyze and ingest)."""
    command = click.option(
        "--parquet-out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="With --engine ray: keep the annotated articles here as Parquet shards (default: a temporary folder).",
    )(command)
    command = click.option(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="With --engine ray: the cluster (host:6379 or ray://host:10001) [default: $RAY_ADDRESS, else local].",
    )(command)
    command = click.option(
        "--encoder",
        type=click.Choice(["minilm", "static"]),
        default=None,
        help="Sentence encoder: minilm (best alignment) or static (distilled from it, ~100x faster, for large "
        "batches; docs/BENCHMARKS.md) [default: $PARALLAX_ENCODER, else minilm].",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(["local", "ray"]),
        default="local",
        show_default=True,
        help="Where read, extract and annotate run: in this process, or as a Ray Data pipeline (docs/SCALING.md).",
    )(command)


def check_engine(engine: str, ray_address: str | None, parquet_out: Path | None) -> None:
    """A usage error (exit 2) for Ray options given without ``--engine ray``."""
    if engine != "ray" and (ray_address or parquet_out):
        option = "--ray-address" if ray_address else "--parquet-out"
        raise click.UsageError(f"{option} only applies with --engine ray")


def finish(
    err: Console, rejections: Sequence[Rejection], rejection_log: Path | None, quiet: bool, summary: Sequence[str]
) -> None:
    """The end of analyze and ingest: rejection lines (and log), the summary lines, exit 3 when inputs were refused."""
    _print_rejections(err, rejections)
    if rejection_log is not None:
        _write_rejection_log(err, rejection_log, rejections)
    if not quiet:
        for line in summary:
            err.print(line, highlight=False)
    if rejections:
        sys.exit(EXIT_REJECTED)


def prepare_encoder(console: Console, quiet: bool, settings: Settings) -> None:
    """Distil the static encoder now, with a progress bar, when it is chosen and not cached yet (once, ~25 s)."""
    if settings.encoder != "static":
        return
    from ..embed.static import load_static, static_path

    folder, cache = settings.encoder_dir, settings.cache_dir
    if static_path(folder, cache).is_file() or quiet:
        return
    with Progress(
        TextColumn("distilling the static encoder from MiniLM (once)"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("distil", total=None)
        load_static(lambda done, total: bar.update(task, completed=done, total=total), folder=folder, cache=cache)
