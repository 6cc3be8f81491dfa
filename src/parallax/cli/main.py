"""The ``parallax`` command: a thin client of the library.

Exit codes: 0 ok; 1 error; 2 usage; 3 the report was written but some inputs were rejected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..errors import ParallaxError
from ..report.output import FORMATS, render, write
from ..sources import IngestCounts
from ..version import __version__
from .common import (
    EXIT_REJECTED,
    LOG_LEVEL_GIVEN,
    LOG_LEVELS,
    QUIET,
    _counts_line,
    _fail,
    _progress,
    check_engine,
    configure_logging,
    engine_options,
    finish,
    prepare_encoder,
    report_targets,
    run_settings,
    source_options,
)
from .store import _opened, db_option, export_command, ingest, show, store_target, stories
from .watch import watch_command

__all__ = ["EXIT_REJECTED", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parallax")
@click.option("--verbose", "-v", count=True, help="Log what is done (-vv: debug detail) on stderr.")
@click.option("--quiet", "-q", is_flag=True, help="Log errors only; with analyze and ingest, no progress either.")
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="Level of the log on stderr (wins over -v and -q) [default: warning].",
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, log_level: str | None) -> None:
    """Parallax: see where news outlets agree, differ, quote and cite, sentence by sentence."""
    if verbose and quiet and log_level is None:
        raise click.UsageError("--verbose and --quiet contradict each other: give one")
    ctx.call_on_close(configure_logging(log_level, verbose, quiet))
    ctx.meta[QUIET] = quiet
    ctx.meta[LOG_LEVEL_GIVEN] = bool(log_level or verbose or quiet)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Report format [default: each --output's extension (.html, .json, .md), else html]; an --output whose "
    "extension names another format is an error.",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout; repeat for several formats from one analysis (format from each extension: "
    ".html/.htm, .json, .md/.markdown; none: --format's).",
)
@source_options
@engine_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary lines.")
def analyze(
    articles: tuple[str, ...],
    fmt: str | None,
    outputs: tuple[Path, ...],
    max_bytes: int,
    csv_map: str,
    allow_private: bool,
    host_delay: float | None,
    csv_dialect: str | None,
    no_env_proxy: bool,
    rejection_log: Path | None,
    engine: str,
    encoder: str | None,
    ray_address: str | None,
    parquet_out: Path | None,
    quiet: bool,
) -> None:
    """Analyse ARTICLES into a coverage report: files or folders (.txt, .html, .json, .jsonl, .csv, .warc[.gz]),
    http(s) URLs of pages, RSS/Atom feeds or sitemaps, and - for standard input."""
    from ..engine.local import analyze as run_analysis  # imported late so that --help stays fast
    from ..engine.streamed import Written, analyze_to

    check_engine(engine, ray_address, parquet_out)
    quiet = quiet or bool(click.get_current_context().meta.get(QUIET))
    err = Console(stderr=True)
    targets = report_targets(fmt, outputs)
    counts = IngestCounts()
    try:
        settings = run_settings(
            encoder,
            max_bytes,
            csv_map,
            allow_private,
            host_delay,
            csv_dialect=csv_dialect,
            env_proxy=not no_env_proxy,
        )
        prepare_encoder(err, quiet, settings)

        def describe(stage: str) -> str:
            return f"{stage} ({_counts_line(counts)})" if stage == "ingest" else stage

        with _progress(err, quiet, describe=describe) as progress:
            if engine == "ray":
                from ..engine.ray import RayOptions, analyze_ray

                ray_options = RayOptions(address=ray_address, output=parquet_out)
                report = analyze_ray(
                    list(articles), settings=settings, ray_options=ray_options, counts=counts, progress=progress
                )
            elif targets:
                # written as it is made (JSON, Markdown): a large batch is never held in memory
                written = analyze_to(list(articles), targets, settings=settings, progress=progress, counts=counts)
            else:
                report = run_analysis(list(articles), settings=settings, progress=progress, counts=counts)
            if engine == "ray":
                for done, (path, target_format) in enumerate(targets, 1):
                    progress("write", done - 1, len(targets))
                    write(report, path, target_format)
                    progress("write", done, len(targets))
        if engine == "ray" or not targets:
            written = Written.of(report)
        if not targets:
            click.echo(render(report, fmt or "html"), nl=False)
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)
    where = f" -> {', '.join(str(path) for path, _ in targets)}" if targets else ""
    summary = [
        f"ingest: {_counts_line(counts)}",
        f"{written.articles} articles, {written.stories} stories, {written.facts} facts, "
        f"{len(written.rejections)} rejected{where}",
    ]
    finish(err, written.rejections, rejection_log, quiet, summary)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=1,
    show_default=True,
    help="Ingest worker processes to start with uploads enabled (0: none; run `parallax worker` instead).",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="Least severe messages logged on stderr; the access log is at info [default: the one given to `parallax` "
    "(--log-level, -v, -q), else info].",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log one line per request (client, method, path, status, bytes, ms; never a token).",
)
@click.option(
    "--proxy-headers/--no-proxy-headers",
    default=True,
    show_default=True,
    help="Take the client's address and scheme (http/https) from X-Forwarded-For and X-Forwarded-Proto, when the "
    "request comes from a trusted proxy (--forwarded-allow-ips).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1,::1",
    show_default=True,
    help="Comma-separated addresses or networks (10.0.0.0/8) of the proxies trusted for X-Forwarded-*; '*' trusts "
    "any sender (only where nothing but the proxy can reach the server).",
)
def serve(
    db: str | None,
    host: str,
    port: int,
    workers: int,
    log_level: str | None,
    access_log: bool,
    proxy_headers: bool,
    forwarded_allow_ips: str,
) -> None:
    """Serve the web app and JSON API over the store; uploads need $PARALLAX_TOKEN (reads: $PARALLAX_READ_TOKEN).
    Uploads are queued and ingested by worker processes, so reads never wait for an analysis. GET /healthz answers
    200 while the server and its store answer (no token needed). See docs/DEPLOY.md to run it behind a proxy."""
    import signal

    from ..extras import require

    err = Console(stderr=True)
    try:
        require("web", "the web app", "fastapi", "uvicorn")
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)

    import uvicorn  # imported late so that --help stays fast

    from ..engine.jobs import WorkerProcess
    from ..web import Settings, create_app

    try:
        settings = Settings.from_env()
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)
    level = _serve_logging(log_level, access_log)
    # A server that takes uploads may start on a new, empty store; a read-only one needs an existing store.
    with _opened(err, db, create=settings.writable) as store:
        writes = "read-only (set PARALLAX_TOKEN to enable uploads)"
        if settings.writable:
            writes = f"uploads enabled, {workers} ingest worker{'s' if workers != 1 else ''}"
        reads = "reads public" if settings.public else "reads need PARALLAX_READ_TOKEN"
        err.print(f"Parallax on http://{host}:{port}/ over {store.url}: {reads}, {writes}", highlight=False)
        # The workers open the store themselves, by its full URL; uploads never run in this process.
        pool = [WorkerProcess(store_target(db), settings.run) for _ in range(workers if settings.writable else 0)]
        for worker in pool:
            worker.start()
        # uvicorn raises SIGTERM again once it has shut down: as SystemExit, so that the workers are stopped below
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            uvicorn.run(
                create_app(store, settings),
                host=host,
                port=port,
                log_config=None,  # the logging set up above, not uvicorn's own
                log_level=level,
                access_log=False,  # the app's own access log (parallax.web.access) replaces uvicorn's
                proxy_headers=proxy_headers,
                forwarded_allow_ips=forwarded_allow_ips,
                server_header=False,
            )
        finally:
            for worker in pool:
                worker.stop()


def _serve_logging(level: str | None, access_log: bool) -> str:
    """The server's log on stderr, each line with its time: ``parallax`` records through the group's handler
    (:func:`configure_logging`), uvicorn's through one of its own. The level: serve's ``--log-level``, else the
    group's (``parallax --log-level``, ``-v``, ``-q``), else info (a server's log is its output). The access log
    (``parallax.web.access``, at info) only with ``access_log``. Returns the level's name, for uvicorn."""
    import logging

    from ..web.middleware import ACCESS_LOGGER

    project = logging.getLogger("parallax")
    if level is not None:
        project.setLevel(level.upper())
    elif not click.get_current_context().meta.get(LOG_LEVEL_GIVEN):
        project.setLevel(logging.INFO)
    stamped = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in project.handlers:
        handler.setFormatter(stamped)
    server = logging.getLogger("uvicorn")
    own = logging.StreamHandler()
    own.setFormatter(stamped)
    server.addHandler(own)
    server.propagate = False
    server.setLevel(project.getEffectiveLevel())
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.NOTSET if access_log else logging.WARNING)
    return logging.getLevelName(project.getEffectiveLevel()).lower()


@cli.command()
@db_option
def worker(db: str | None) -> None:
    """Run the store's queued ingest jobs (uploads to `parallax serve`) until stopped: for a server started with
    --workers 0, or to add workers (on the server's machine: uploads wait on its disk)."""
    import logging
    import signal
    import threading

    from ..engine.jobs import run_worker
    from ..settings import Settings as RunSettings

    err = Console(stderr=True)
    try:
        settings = RunSettings.from_env()
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)
    if not click.get_current_context().meta.get(LOG_LEVEL_GIVEN):
        logging.getLogger("parallax").setLevel(logging.INFO)  # the worker's log is its output
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the running job goes back to the queue
    with _opened(err, db) as store:
        err.print(f"Parallax ingest worker over {store.url}: Ctrl-C to stop", highlight=False)
        try:
            run_worker(store, settings, stop=threading.Event())
        except KeyboardInterrupt:
            err.print("stopped; the job it was running is queued again", highlight=False)


for _command in (ingest, stories, show, export_command, watch_command):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="parallax")
