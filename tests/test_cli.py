"""The command line, through click's runner and as a real process for the bad-input batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from parallax.cli.main import EXIT_REJECTED, cli

from .conftest import EXAMPLES

CORPUS = EXAMPLES / "corpus"


def _commands(group: click.Group) -> list[list[str]]:
    return [[name] for name in group.commands]


@pytest.mark.parametrize("args", [[], *_commands(cli)])
def test_every_command_has_help(args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["analyze", str(CORPUS), "--format", "pdf"])
    assert result.exit_code == 2


def test_missing_path_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "nope"), "-q"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "nope" in lines[0]
    assert "error" in lines[0]


def test_bad_inputs_are_named_and_the_rest_is_reported(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for src in sorted(CORPUS.glob("0[1-4]_*")):
        (batch / src.name).write_bytes(src.read_bytes())
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (batch / "undecodable.txt").write_bytes(b"The report \xff\xfe\x81 said " * 50 + b"\x81\x8d\x8f\x90\x9d" * 400)
    with (batch / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    out = tmp_path / "report.json"
    proc = _analyze_in_a_child(batch, out)
    assert proc.returncode == EXIT_REJECTED, proc.stderr
    rejected = [line for line in proc.stderr.splitlines() if line.startswith("rejected:")]
    assert len(rejected) == 4, proc.stderr
    for name, reason in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("undecodable.txt", "encoding"),
        ("huge.txt", "too-large"),
    ]:
        line = next(line for line in rejected if name in line)
        assert f": {reason}:" in line, line
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["articles"]) == 4
    assert {r["reason"] for r in report["rejections"]} == {"empty", "binary", "encoding", "too-large"}


def test_formats_by_extension(tmp_path: Path) -> None:
    args = ["analyze", str(CORPUS / "04_dunmere_courier.txt"), "-q"]
    for name in ("r.md", "r.html", "r.json"):
        args += ["-o", str(tmp_path / name)]
    result = CliRunner().invoke(cli, args)  # one analysis, three reports
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["schema"].startswith("parallax.report/")
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("#")


def test_rejection_lines_show_hostile_file_names_inert(tmp_path: Path) -> None:
    """A file name with a terminal escape sequence and a line break prints as one inert line (issue 15): no raw
    control character reaches the terminal, and no forged "rejected:" line appears."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "01.txt").write_bytes(next(CORPUS.glob("0[1-4]_*.txt")).read_bytes())
    (batch / "evil\x1b[31mred\nrejected: forged.txt").write_bytes(b"")
    proc = _analyze_in_a_child(batch, tmp_path / "r.json", columns=400)
    assert proc.returncode == EXIT_REJECTED, proc.stderr
    assert "\x1b" not in proc.stderr
    rejected = [line for line in proc.stderr.splitlines() if line.startswith("rejected:")]
    assert len(rejected) == 1, proc.stderr
    assert "evil\\x1b[31mred\\x0arejected: forged.txt" in rejected[0]


def test_printable() -> None:
    from parallax.cli.common import printable

    assert printable("plain name.txt") == "plain name.txt"
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("[bold]x") == "\\[bold]x"  # rich markup escaped too
    assert printable("x\u202ey") == "x\\u202ey"  # a bidi override
    assert printable("tab\there") == "tab\\x09here"


def _analyze_in_a_child(batch: Path, out: Path, columns: int = 200) -> subprocess.CompletedProcess[str]:
    """``parallax analyze BATCH -o OUT -q`` in a fresh interpreter, its stderr captured as a terminal would show it."""
    return subprocess.run(
        [sys.executable, "-m", "parallax.cli", "analyze", str(batch), "--output", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": str(columns)},
        check=False,
    )
