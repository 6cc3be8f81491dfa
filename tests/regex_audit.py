"""Every regular expression in src/parallax against adversarial inputs of 10k, 20k and 40k characters.

The patterns are the compiled ones in every module's namespace and the literal ones passed to ``re.search``,
``re.sub`` and the like (found with ast). Each is run (``finditer``, ``sub`` and ``fullmatch``) over runs of
characters it names and of common news punctuation, alone and interleaved with spaces, and over repeats of a
prefix of its own literal text: the shapes that make backtracking patterns quadratic. Time may at most triple per
doubling of the input. Each pattern runs in a child process with a time limit, so a catastrophic one fails the
audit instead of hanging it. ``tests/test_regex_audit.py`` runs it in ``make test``, one test per pattern.

    python -m tests.regex_audit            # the whole audit, one line per finding
"""

from __future__ import annotations

import ast
import importlib
import multiprocessing
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import parallax

SIZES = (10_000, 20_000, 40_000)
GROWTH = 3.0
FLOOR = 0.05  # seconds: below this a timing is noise on a shared machine
LIMIT = 20.0  # seconds for one pattern's whole audit
ATOMS = ("a", "A", "1", " ", "\n", ".", ",", "-", "'", '"', "’", "“", "”", "(", ")", "[", "<", ">", "/", ":", "#", "&")
SRC = Path(parallax.__file__).resolve().parent
REGEX_CALLS = {"search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split", "compile"}


@dataclass(frozen=True)
class Found:
    where: str
    pattern: str
    flags: int


def patterns() -> list[Found]:
    """Every pattern: module-level compiled ones (by name), then literal ones in re.* calls (by file and line)."""
    found: dict[tuple[str, int], Found] = {}
    for module in pkgutil.walk_packages(parallax.__path__, "parallax."):
        if module.name.endswith("__main__"):
            continue
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # an optional extra (ray, torch) that is not installed
            continue
        for name, value in vars(loaded).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                where = f"{module.name}.{name}"
                found.setdefault((value.pattern, value.flags), Found(where, value.pattern, value.flags))
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                continue
            if node.func.attr not in REGEX_CALLS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                flags = re.compile(first.value).flags  # inline flags only; flag arguments are rare here
                key = (first.value, flags)
                where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
                found.setdefault(key, Found(where, first.value, flags))
    return list(found.values())


def inputs(found: Found, n: int) -> Iterator[str]:
    """Adversarial texts of about ``n`` characters for one pattern."""
    literal = re.sub(r"\\.|[\[\](){}?*+|^$]", "", found.pattern)[:6] or "a"
    named = {ch for ch in found.pattern if ch.isprintable() and ch not in "\\[](){}?*+|^$"}
    for atom in sorted(set(ATOMS) | {ch for ch in named if not ch.isalnum()} | {literal}):
        yield (atom * (n // len(atom) + 1))[:n]
        yield ((atom + " ") * (n // (len(atom) + 1) + 1))[:n]
        yield ((atom + "x") * (n // (len(atom) + 1) + 1))[:n] + "!"
    yield ("Aa " * n)[:n]
    yield ("A." * n)[:n]
    yield ('"a" ' * n)[:n]


def run(found: Found, text: str, repeats: int = 2) -> float:
    """The best of ``repeats`` timings of the pattern over ``text`` (``finditer``, then ``fullmatch``), at least
    FLOOR."""
    pattern = re.compile(found.pattern, found.flags)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        pattern.fullmatch(text)
        best = min(best, time.perf_counter() - started)
    return max(best, FLOOR)


def audit_one(found: Found, repeats: int = 2) -> str | None:
    """None when the pattern stays within GROWTH per doubling on every input, else a line saying where it did not.

    An input whose single runs at 20k and 40k characters both take at most GROWTH x FLOOR cannot fail (every timing
    counts as at least FLOOR, and a busy machine only adds time): it is not measured further. The others are timed
    at every size as the best of ``repeats`` runs."""
    texts = {n: list(inputs(found, n)) for n in SIZES}
    for k in range(len(texts[SIZES[0]])):
        if all(run(found, texts[n][k], 1) <= GROWTH * FLOOR for n in SIZES[1:]):
            continue
        times = [run(found, texts[SIZES[0]][k], repeats)]
        for i in range(1, len(SIZES)):
            times.append(run(found, texts[SIZES[i]][k], repeats))
            if times[i] > GROWTH * times[i - 1]:  # a quadratic pattern stops here, before its slowest size
                shape = repr(list(inputs(found, 12))[k])
                return (
                    f"{found.where}: {found.pattern!r} on {shape}...: {SIZES[i - 1]:,} -> {SIZES[i]:,} characters, "
                    f"{times[i - 1]:.2f} s -> {times[i]:.2f} s"
                )
    return None


def _child(found: Found, repeats: int, queue: multiprocessing.Queue[str | None]) -> None:
    queue.put(audit_one(found, repeats))


def audit(found: Found, repeats: int = 2) -> str | None:
    """``audit_one`` in a child process, stopped after LIMIT seconds (a catastrophic pattern would never return)."""
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str | None] = context.Queue()
    child = context.Process(target=_child, args=(found, repeats, queue))
    child.start()
    child.join(LIMIT)
    if child.is_alive():
        child.kill()
        child.join()
        return f"{found.where}: {found.pattern!r}: still running after {LIMIT:g} s"
    return queue.get() if not queue.empty() else f"{found.where}: {found.pattern!r}: the audit failed"


def main() -> None:
    problems = [line for line in (audit(found) for found in patterns()) if line]
    for line in problems:
        print(line)
    print(f"{len(problems)} of {len(patterns())} patterns grow faster than {GROWTH:g}x per doubling")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
