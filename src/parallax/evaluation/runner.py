"""Runs the evaluation tasks and writes their table (``docs/EVALUATION.md``).

A task is a module of this package with ``run(data, *, fast=False) -> list[Measurement]``. The tasks in ``TASKS``
are expected; a module among them that does not exist yet is listed as "not run", and one that fails is listed
with its error, so one broken task never hides the others. Modules added later with a ``run`` are found and run too.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from . import Measurement

__all__ = ["TASKS", "TaskResult", "find_tasks", "goal_met", "render_table", "revision", "run_tasks"]

# The expected tasks, in table order. Other modules of this package with a ``run`` follow them.
TASKS = (
    "extraction",
    "clustering",
    "similarity",
    "claims",
    "quotes",
    "summaries",
    "loaded_language",
    "tone",
    "seeds",
)
# Helpers, and experiments run by their own command (``python -m parallax.evaluation.loaded_context``), not tasks.
_NOT_TASKS = frozenset({"common", "runner", "__main__", "loaded_context", "loaded_judge"})
_GOAL = re.compile(r"^\s*(>=|<=|>|<)\s*([0-9]*\.?[0-9]+)\s*$")


@dataclass(frozen=True, slots=True)
class TaskResult:
    """One task's outcome: its measurements, or why there are none."""

    task: str
    status: str  # "ok", "not run", "failed"
    measurements: tuple[Measurement, ...] = ()
    detail: str = ""  # the reason when not ok
    seconds: float = 0.0
    errors: tuple[str, ...] = field(default_factory=tuple)


def find_tasks() -> list[str]:
    """The expected tasks, then any other task module found in this package (sorted)."""
    package = importlib.import_module(__package__ or "parallax.evaluation")
    found = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name not in _NOT_TASKS and not info.name.startswith("_") and info.name not in TASKS
    )
    return [*TASKS, *found]


def _load(task: str) -> ModuleType | None:
    name = f"{__package__}.{task}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def run_tasks(
    tasks: Sequence[str],
    data: Path,
    *,
    fast: bool = False,
    started: Callable[[str], None] | None = None,
    finished: Callable[[TaskResult], None] | None = None,
) -> list[TaskResult]:
    """Run ``tasks`` in order over ``data``; ``started`` / ``finished`` are told about each (for progress)."""
    results: list[TaskResult] = []
    for task in tasks:
        if started:
            started(task)
        lap = time.perf_counter()
        try:
            module = _load(task)
            run = getattr(module, "run", None) if module is not None else None
            if module is None or not callable(run):
                result = TaskResult(task, "not run", detail="task module not present in this checkout")
            else:
                measurements = tuple(run(data, fast=fast))
                result = TaskResult(task, "ok", measurements, seconds=time.perf_counter() - lap)
        except Exception as exc:  # one failing task must not hide the others' figures
            detail = f"{type(exc).__name__}: {exc}"
            result = TaskResult(
                task, "failed", detail=detail, seconds=time.perf_counter() - lap, errors=(traceback.format_exc(),)
            )
        results.append(result)
        if finished:
            finished(result)
    return results


def goal_met(value: float, goal: str) -> bool | None:
    """Whether ``value`` meets a goal written as ``">= .975"``; None when the goal is not of that form."""
    match = _GOAL.match(goal)
    if not match:
        return None
    bound = float(match.group(2))
    return {">=": value >= bound, ">": value > bound, "<=": value <= bound, "<": value < bound}[match.group(1)]


def revision(root: Path) -> str:
    """``git rev-parse --short HEAD``, with "+dirty" when tracked files (other than the table) have changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/EVALUATION.md"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + ("+dirty" if changes else "")


def _number(value: float) -> str:
    """Fractions with three decimals (.962), percentages (ROUGE 43.9) with one."""
    if abs(value) <= 1.0:
        return f"{value:.3f}".replace("0.", ".", 1) if value >= 0 else f"-{abs(value):.3f}".replace("0.", ".", 1)
    return f"{value:.1f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(results: Sequence[TaskResult], *, command: str, commit: str, when: str, seconds: float) -> str:
    """The markdown page: one table (task, data, measure, Parallax, baselines, anchor, goal, met?, command, date,
    commit), then the notes and any task that did not run."""
    lines = [
        "# Evaluation",
        "",
        "Quality measured on public data that no one here wrote (`../shared/data`, see its README), next to",
        "baselines measured in the same run and the best published figures. Written by "
        f"`{command}` on {when} at commit `{commit}` in {seconds / 60:.1f} min. Regenerate with `make eval`.",
        "",
        "| task | data | measure | Parallax | baselines (same run) | anchor | goal | met? | command | date | commit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    day = when[:10]
    notes: list[str] = []
    for result in results:
        if result.status != "ok":
            lines.append(f"| {result.task} | - | - | {result.status} | - | - | - | - | - | {day} | {commit} |")
            continue
        for m in result.measurements:
            baselines = "; ".join(f"{name} {_number(v)}" for name, v in m.baselines.items()) or "-"
            met = goal_met(m.parallax, m.goal) if m.goal else None
            flag = "" if met is None else ("yes" if met else "**no**")
            cells = [
                m.task,
                m.data,
                m.measure,
                f"**{_number(m.parallax)}**",
                baselines,
                m.anchor or "",
                m.goal or "",
                flag,
                f"`{m.command}`" if m.command else "",
                day,
                commit,
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
            if m.notes and m.notes not in notes:
                notes.append(m.notes)
    lines.append("")
    if notes:
        lines += ["## Notes", "", *(f"- {_cell(n)}" for n in notes), ""]
    missing = [r for r in results if r.status != "ok"]
    if missing:
        lines += ["## Not run", "", *(f"- {r.task}: {r.status}: {_cell(r.detail)}" for r in missing), ""]
    timings = ", ".join(f"{r.task} {r.seconds:.0f} s" for r in results if r.status == "ok")
    if timings:
        lines += [f"Time per task: {timings}.", ""]
    return "\n".join(lines)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
