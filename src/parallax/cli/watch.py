"""``parallax watch``: poll feeds, sitemaps and folders into the store until SIGINT or SIGTERM (added in ``cli.py``)."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from types import FrameType

import click
from rich.console import Console

from ..errors import ParallaxError
from ..sources import MAX_BYTES
from .common import EXIT_REJECTED, QUIET, _fail, _print_rejections, run_settings
from .store import _opened, db_option

__all__ = ["watch_command"]


@click.command("watch")
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option(
    "--interval", type=click.FloatRange(min=0.1), default=300.0, show_default=True, help="Seconds between polls."
)
@click.option(
    "--max-backoff",
    type=click.FloatRange(min=0.1),
    default=3600.0,
    show_default=True,
    help="Longest wait before retrying a failing source (the wait doubles on each failure).",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File remembering what was read [default: beside an SQLite store, else ./parallax-watch.json].",
)
@click.option("--allow-private", is_flag=True, help="Fetch from loopback and private addresses.")
@click.option("--host-delay", type=click.FloatRange(min=0), default=None, help="Seconds between requests to one host.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True, help="Largest input.")
@click.option("--no-env-proxy", is_flag=True, help="Fetch directly, ignoring HTTP_PROXY, HTTPS_PROXY and NO_PROXY.")
@click.option("--once", is_flag=True, help="Poll every source once, then exit.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors and rejections.")
def watch_command(
    sources: tuple[str, ...],
    db: str | None,
    interval: float,
    max_backoff: float,
    state: Path | None,
    allow_private: bool,
    host_delay: float | None,
    max_bytes: int,
    no_env_proxy: bool,
    once: bool,
    quiet: bool,
) -> None:
    """Watch SOURCES (feed, sitemap or page URLs, folders) and add new articles to the store as they appear.

    Stops cleanly on Ctrl-C or SIGTERM: the article being read is finished, what was read is stored, and the
    list of what was seen is saved, so the next run picks up where this one stopped.
    """
    from ..engine.watch import PollResult, SeenState, WatchOptions, watch  # imported late so that --help stays fast

    quiet = quiet or bool(click.get_current_context().meta.get(QUIET))  # `parallax -q watch`
    err = Console(stderr=True)
    try:
        settings = run_settings(
            None, max_bytes, allow_private=allow_private, host_delay=host_delay, env_proxy=not no_env_proxy
        )
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)
    stop = threading.Event()
    rejected = 0

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not stop.is_set():
            err.print(f"{signal.Signals(signum).name}: stopping after the current document...", highlight=False)
        stop.set()

    def on_poll(result: PollResult) -> None:
        nonlocal rejected
        rejected += len(result.rejections)
        _print_rejections(err, result.rejections)
        stamp = datetime.now().strftime("%H:%M:%S")
        if result.error:
            err.print(
                f"{stamp} [red]failed:[/] {result.source}: {result.error} (retry in {result.retry_in:.0f} s)",
                highlight=False,
                soft_wrap=True,
            )
        elif not quiet:
            err.print(
                f"{stamp} {result.source}: {result.added} added, {result.unchanged} unchanged, "
                f"{result.duplicate} seen before, {result.stories} stories changed, {len(result.rejections)} rejected",
                highlight=False,
                soft_wrap=True,
            )

    options = WatchOptions(interval=interval, max_backoff=max_backoff, once=once)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _opened(err, db, create=True) as store:
            state_path = state or _default_state(store.url)
            try:
                seen = SeenState(state_path)
                if not quiet:
                    err.print(
                        f"watching {len(sources)} source(s) into {store.url} (state: {state_path})", highlight=False
                    )
                watch(store, list(sources), settings=settings, options=options, state=seen, stop=stop, on_poll=on_poll)
            except ParallaxError as exc:
                _fail(err, exc)
                sys.exit(1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not quiet:
        err.print("stopped" if stop.is_set() else "done", highlight=False)
    if once and rejected:
        sys.exit(EXIT_REJECTED)


def _default_state(url: str) -> Path:
    """``<store file>.watch.json`` beside an SQLite store; ``parallax-watch.json`` here for a server store."""
    if "://" in url and not url.startswith("sqlite:"):
        return Path("parallax-watch.json")
    path = url.removeprefix("sqlite:///").removeprefix("sqlite://").removeprefix("sqlite:")
    return Path(path + ".watch.json")
