"""The store commands of ``parallax``: ingest, stories, show, export (added to the group in ``cli.py``)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import ConfigError, ParallaxError, StoreError
from ..report.load import read_report
from ..report.output import FORMATS, render, write
from ..settings import DB_ENV, store_url
from ..sources import IngestCounts, read_inputs
from ..store import DEFAULT_DB, Store, open_store
from ..store.export import EXPORT_FORMATS, export
from .common import (
    QUIET,
    _counts_line,
    _fail,
    _progress,
    check_engine,
    engine_options,
    finish,
    prepare_encoder,
    report_targets,
    run_settings,
    source_options,
)

__all__ = ["export_command", "ingest", "show", "store_target", "stories"]

db_option = click.option(
    "--db",
    "db",
    default=None,
    metavar="URL",
    help=f"Store: an SQLite file or postgresql://user@host/db [default: ${DB_ENV}, else ./{DEFAULT_DB}].",
)


def store_target(db: str | None) -> str:
    """The store a command works on: ``--db``, else ``$PARALLAX_DB``, else ``./parallax.db``."""
    return db or store_url(os.environ) or DEFAULT_DB


@contextmanager
def _opened(err: Console, db: str | None, *, create: bool = False) -> Iterator[Store]:
    """The store, with library errors turned into one line and exit 1. Only ``ingest`` creates an SQLite file."""
    target = store_target(db)
    path = target[len("sqlite:///") :] if target.lower().startswith("sqlite:///") else target
    if not create and "://" not in path and path != ":memory:" and not Path(path).expanduser().exists():
        _fail(err, StoreError(f"no store at {path}", hint="add articles first with `parallax ingest ARTICLES`"))
        sys.exit(1)
    try:
        with open_store(target) as store:
            yield store
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)


@click.command()
@click.argument("articles", nargs=-1, required=True)
@db_option
@source_options
@click.option(
    "--batch",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Save every N articles in their own transaction: a killed ingest keeps them, a rerun goes on (0: all at once)",
)
@engine_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary line.")
def ingest(
    articles: tuple[str, ...],
    db: str | None,
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
    batch: int,
    quiet: bool,
) -> None:
    """Add ARTICLES to the store (files, folders, URLs, feeds, sitemaps, WARC, CSV, - for stdin, as `analyze`
    reads them): new articles join or start stories; repeats are skipped."""
    from ..engine.store import ingest_paths  # imported late so that --help stays fast

    check_engine(engine, ray_address, parquet_out)
    quiet = quiet or bool(click.get_current_context().meta.get(QUIET))
    err = Console(stderr=True)
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
        local = [a for a in articles if a != "-" and "://" not in a]
        read_inputs(local, max_bytes=max_bytes)  # a missing path fails here, before a store file is made
        if engine == "ray":
            from ..engine.ray import check_ray

            check_ray(articles)  # so does a missing Ray, or an input the Ray engine does not read
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)

    def describe(stage: str) -> str:
        return f"{stage} ({_counts_line(counts)})" if stage == "ingest" else stage

    with _opened(err, db, create=True) as store, _progress(err, quiet, describe=describe) as progress:
        if engine == "ray":
            from ..engine.ray import RayOptions, ingest_ray

            result = ingest_ray(
                store,
                list(articles),
                settings=settings,
                counts=counts,
                progress=progress,
                ray_options=RayOptions(address=ray_address, output=parquet_out),
            )
        else:
            result = ingest_paths(
                store, list(articles), settings=settings, progress=progress, counts=counts, batch=batch
            )
    summary = (
        f"{len(result.added)} added, {len(result.unchanged)} unchanged, {len(result.created)} new stories, "
        f"{len(result.updated)} updated, {len(result.rejections)} rejected -> {store.url}"
    )
    changes = [f"merged story {old} into {new}" for old, new in result.merged]
    changes += [f"split story {new} from {old}" for old, new in result.split]
    finish(err, result.rejections, rejection_log, quiet, [*changes, summary])


@click.command()
@db_option
@click.option("--sort", type=click.Choice(["newest", "largest"]), default="newest", show_default=True)
@click.option("--outlet", default=None, help="Only stories with an article from this outlet.")
@click.option("--entity", default=None, help="Only stories naming this person, organisation or place.")
@click.option("--since", default=None, metavar="DATE", help="Only stories with an article published on or after.")
@click.option("--until", default=None, metavar="DATE", help="Only stories with an article published on or before.")
@click.option("--limit", type=click.IntRange(min=1, max=500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story instead of a table.")
def stories(
    db: str | None,
    sort: str,
    outlet: str | None,
    entity: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List the stored stories."""
    err = Console(stderr=True)
    with _opened(err, db) as store:
        page = store.list_stories(
            sort="largest" if sort == "largest" else "newest",
            outlet=outlet,
            entity=entity,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    if as_json:
        for s in page.items:
            row = {
                "id": s.id,
                "title": s.title,
                "articles": s.articles,
                "outlets": list(s.outlets),
                "facts": s.facts,
                "conflicts": s.conflicts,
                "first_published": s.first_published,
                "last_published": s.last_published,
                "created": s.created,
                "updated": s.updated,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "published", "articles", "facts", "title", "outlets", box=None, pad_edge=False)
    for s in page.items:
        day = (s.last_published or "")[:10]
        table.add_row(s.id, day, str(s.articles), str(s.facts), s.title, ", ".join(s.outlets))
    Console(soft_wrap=False).print(table)
    shown = f"{offset + 1}-{offset + len(page.items)} of {page.total}" if page.items else f"none of {page.total}"
    err.print(f"stories {shown}", highlight=False)


@click.command()
@click.argument("story")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Report format [default: --output's extension (.html, .json, .md), else md].",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here.")
def show(story: str, db: str | None, fmt: str | None, output: Path | None) -> None:
    """Print one stored STORY's report (by id, as `parallax stories` lists it)."""
    target = report_targets(fmt, [output] if output is not None else [], default="md")
    err = Console(stderr=True)
    with _opened(err, db) as store:
        report = store.load_report(story)
        merged = store.merged_into(story) if report is None else None
    if report is None:
        hint = f"`parallax show {merged[0]}`: {merged[1]}" if merged else "`parallax stories` lists them"
        where = f"; it was merged into {merged[0]!r}" if merged else ""
        err.print(
            f"[bold red]error:[/] no story {escape(story)!r} in {store.url}{escape(where)} (hint: {escape(hint)})",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
    try:
        if not target:
            click.echo(render(report, fmt or "md"), nl=False)
        for path, target_format in target:
            write(report, path, target_format)
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)


@click.command("export")
@click.argument("report", required=False, type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True)
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder.")
def export_command(report: Path | None, db: str | None, fmt: str, output: Path) -> None:
    """Write a report's tables (articles, stories, facts, fact mentions, quotes, quote mentions, conflicts, framing
    terms, tone, omissions, citations, entities) as CSV or Parquet files: from REPORT (a JSON report written by
    `parallax analyze --format json`), else from the store."""
    err = Console(stderr=True)
    if report is not None:
        if db is not None:
            _fail(err, ConfigError("give a REPORT file or --db, not both", hint="`parallax export --help`"))
            sys.exit(1)
        try:
            written = export(read_report(report), output, fmt)
        except ParallaxError as exc:
            _fail(err, exc)
            sys.exit(1)
    else:
        with _opened(err, db) as store:
            try:
                written = export(store, output, fmt)
            except ParallaxError as exc:
                _fail(err, exc)
                sys.exit(1)
    err.print(f"wrote {len(written)} tables to {output}: {', '.join(p.name for p in written)}", highlight=False,
              soft_wrap=True)  # fmt: skip
