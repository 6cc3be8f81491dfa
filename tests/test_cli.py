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
from .test_sources import QUOTED_TOPICS, write_quoted_articles

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


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--format", "json", "-o", "a.json", "-o", "a.md", "-o", "a.html"], "a.md"),  # wrote JSON into all three
        (["--format", "md", "-o", "a.htm"], "a.htm"),
        (["--format", "html", "-o", "a.JSON"], "a.JSON"),
        (["-o", "r.txt"], "r.txt"),  # wrote HTML
        (["-o", "a.json", "-o", "r.pdf"], "r.pdf"),
        (["--format", "json", "-o", "r.txt"], "r.txt"),
    ],
)
def test_output_extension_contradicting_the_format_is_an_error(tmp_path: Path, options: list[str], named: str) -> None:
    args = ["analyze", str(CORPUS / "04_dunmere_courier.txt"), "-q"]
    args += [str(tmp_path / o) if o.startswith(("a.", "r.")) else o for o in options]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert str(tmp_path / named) in error
    assert "hint:" in error
    if "--format" in options:
        assert "--format is" in error or "not a report format" in error
    else:
        assert "known: .json, .md, .markdown, .html, .htm" in error
    assert list(tmp_path.iterdir()) == []  # refused before anything was analysed or written


def test_output_without_extension_takes_the_format(tmp_path: Path) -> None:
    args = ["analyze", str(CORPUS / "04_dunmere_courier.txt"), "-q", "--format", "markdown"]
    args += ["-o", str(tmp_path / "report"), "-o", str(tmp_path / "r.markdown")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report").read_text(encoding="utf-8").startswith("#")
    assert (tmp_path / "r.markdown").read_text(encoding="utf-8").startswith("#")


def test_analyze_reads_a_standard_csv_file(tmp_path: Path) -> None:
    """The CSV file that was misread (issue 18): three articles with quotes, commas and paragraphs in their text,
    written by Python's csv module, come back whole; -v logs how the file was read."""
    path = tmp_path / "articles.csv"
    texts = write_quoted_articles(path)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["-v", "analyze", str(path), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["rejections"] == []
    assert [a["title"] for a in report["articles"]] == [f"Council, at last, debates {t}" for t in QUOTED_TOPICS]
    assert [len(a["text"].split()) for a in report["articles"]] == [len(t.split()) for t in texts]
    assert "INFO parallax.sources.records: " in result.stderr
    assert "read as CSV (standard): delimiter ','" in result.stderr


def test_csv_dialect_option(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    write_quoted_articles(path)
    result = CliRunner().invoke(cli, ["analyze", str(path), "--csv-dialect", "auto", "--format", "json", "-q"])
    assert result.exit_code == EXIT_REJECTED  # what the sniffer made of it: a row per paragraph, each too short
    assert len(json.loads(result.stdout)["rejections"]) > 3
    result = CliRunner().invoke(cli, ["analyze", str(path), "--csv-dialect", "sniff"])
    assert result.exit_code == 2
    assert "'sniff' is not one of 'standard', 'excel'" in result.output


@pytest.mark.parametrize(
    ("flags", "shown"),
    [
        ([], False),
        (["-v"], True),
        (["--verbose"], True),
        (["--log-level", "INFO"], True),
        (["--log-level", "warning"], False),
        (["-q"], False),
        (["-q", "--log-level", "info"], True),  # the level named wins
    ],
)
def test_log_flags(tmp_path: Path, flags: list[str], shown: bool) -> None:
    path = tmp_path / "short.csv"
    path.write_text('title,text\r\nA,"Too short, ""really"".\r\n"\r\n', encoding="utf-8")
    result = CliRunner().invoke(cli, [*flags, "analyze", str(path), "--format", "json"])
    assert result.exit_code == EXIT_REJECTED, result.output
    assert ("INFO parallax.sources.records:" in result.stderr) is shown
    assert ("rejected:" in result.stderr) is True  # rejections are the command's output, not the log's
    assert ("ingest:" in result.stderr) is ("-q" not in flags)  # parallax -q quiets the command too


def test_verbose_and_quiet_together_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["-v", "-q", "stories"])
    assert result.exit_code == 2
    assert "--verbose and --quiet" in result.output


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
