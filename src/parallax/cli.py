"""The ``parallax`` command: a thin client of the library.

Exit codes: 0 ok; 1 error; 2 usage; 3 the report was written but some inputs were rejected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import ParallaxError
from .ingest import MAX_BYTES
from .report import FORMATS, render, write

__all__ = ["main"]

EXIT_REJECTED = 3


def _fail(console: Console, exc: ParallaxError) -> None:
    hint = f" (hint: {exc.hint})" if exc.hint else ""
    console.print(f"[bold red]error:[/] {exc}{hint}", highlight=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parallax")
def cli() -> None:
    """Parallax: see where news outlets agree, differ, quote and cite, sentence by sentence."""


@cli.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="Report format; by default taken from --output's extension, else html.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option(
    "--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True, help="Largest input file."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary lines.")
def analyze(articles: tuple[Path, ...], fmt: str | None, output: Path | None, max_bytes: int, quiet: bool) -> None:
    """Analyse ARTICLES (files or folders: .txt, .html, .json, .jsonl) into a coverage report."""
    from .pipeline import analyze as run_analysis  # imported late so that --help stays fast

    err = Console(stderr=True)
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = {"htm": "html", "markdown": "md"}.get(suffix, suffix) if suffix in set(FORMATS) | {"htm"} else "html"
    try:
        with Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=quiet,
        ) as bars:
            tasks: dict[str, object] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bars.add_task(stage, total=total)
                bars.update(tasks[stage], completed=done)  # type: ignore[arg-type]

            report = run_analysis(list(articles), max_bytes=max_bytes, progress=progress)
        if output is None:
            click.echo(render(report, fmt), nl=False)
        else:
            write(report, output, fmt)
    except ParallaxError as exc:
        _fail(err, exc)
        sys.exit(1)
    for rejection in report.rejections:
        hint = f" (hint: {rejection.hint})" if rejection.hint else ""
        err.print(f"[yellow]rejected:[/] {rejection.document}: {rejection.reason}: {rejection.message}{hint}",
                  highlight=False, soft_wrap=True)
    if not quiet:
        facts = sum(len(s.facts) for s in report.stories)
        where = f" -> {output}" if output else ""
        err.print(
            f"{len(report.articles)} articles, {len(report.stories)} stories, {facts} facts, "
            f"{len(report.rejections)} rejected{where}",
            highlight=False,
        )
    if report.rejections:
        sys.exit(EXIT_REJECTED)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="parallax")


if __name__ == "__main__":  # pragma: no cover
    main()
