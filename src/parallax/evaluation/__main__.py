"""``python -m parallax.evaluation [--fast] [--only TASK ...] --data ../shared/data --output docs/EVALUATION.md``"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from .runner import TaskResult, find_tasks, now, render_table, revision, run_tasks


@click.command()
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="The public evaluation data (shared/data).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/EVALUATION.md"),
    show_default=True,
    help="Where to write the table.",
)
@click.option("--fast", is_flag=True, help="The small subsets the quality gate runs.")
@click.option("--only", "only", multiple=True, help="Run only this task (repeatable).")
def main(data: Path, output: Path, fast: bool, only: tuple[str, ...]) -> None:
    """Measure Parallax on public data next to same-run baselines and published anchors; write one table."""
    console = Console(stderr=True)
    if not data.is_dir():
        console.print(f"[bold red]error:[/] evaluation data not found: {data} (hint: pass --data PATH/shared/data)")
        sys.exit(1)
    tasks = find_tasks()
    unknown = [t for t in only if t not in tasks]
    if unknown:
        console.print(f"[bold red]error:[/] unknown task {', '.join(unknown)} (hint: one of {', '.join(tasks)})")
        sys.exit(2)
    chosen = [t for t in tasks if not only or t in only]
    commit = revision(Path.cwd())
    started_at = now()
    begin = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console) as bar:
        overall = bar.add_task(f"evaluation ({len(chosen)} tasks)", total=len(chosen))
        current: dict[str, TaskID] = {}

        def started(task: str) -> None:
            current["id"] = bar.add_task(f"  {task}", total=1)

        def finished(result: TaskResult) -> None:
            task_id = current.pop("id")
            status = {"ok": "[green]ok[/]", "not run": "[yellow]not run[/]", "failed": "[red]failed[/]"}
            bar.update(task_id, completed=1, description=f"  {result.task}: {status[result.status]}")
            bar.advance(overall)
            if result.status == "failed":
                console.print(f"[red]{result.task} failed:[/] {result.detail}")
                for text in result.errors:
                    console.print(text, highlight=False, markup=False)

        results = run_tasks(chosen, data, fast=fast, started=started, finished=finished)
    args = " ".join(["--fast"] * fast + [f"--only {t}" for t in only])
    command = f"python -m parallax.evaluation {args}".strip()
    page = render_table(results, command=command, commit=commit, when=started_at, seconds=time.perf_counter() - begin)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    console.print(f"Wrote {output}")
    if any(r.status == "failed" for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
