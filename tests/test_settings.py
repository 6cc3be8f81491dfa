"""The run's settings: parsed from the environment in one place (``Settings.from_env``), at the edges only (the
commands and the web app), and passed down; the library itself never reads the environment."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import parallax
from parallax.cli.main import cli
from parallax.embed import factory
from parallax.errors import ConfigError, ModelError
from parallax.settings import MAX_BYTES, Settings, store_url

from .conftest import EXAMPLES

SRC = Path(__file__).resolve().parents[1] / "src" / "parallax"
# Where the environment may be read: the settings module and the two edges that call it.
EDGES = ("settings.py", "cli/", "web/")


def test_no_variables_give_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    defaults = Settings()
    assert (defaults.encoder, defaults.device, defaults.processes) == ("minilm", "auto", None)
    assert (defaults.max_bytes, defaults.fetch, defaults.csv_map) == (MAX_BYTES, None, ())
    assert (defaults.encoder_dir, defaults.cache_dir, defaults.ray_address) == (None, None, None)


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "PARALLAX_ENCODER": " Static ",
            "PARALLAX_DEVICE": "CUDA:1",
            "PARALLAX_PROCESSES": "3",
            "PARALLAX_ENCODER_DIR": "/models/minilm",
            "PARALLAX_CACHE_DIR": "/cache/parallax",
            "XDG_CACHE_HOME": "/xdg",
            "RAY_ADDRESS": "head:6379",
        }
    )
    assert settings == Settings(
        encoder="static",
        device="cuda:1",
        processes=3,
        encoder_dir=Path("/models/minilm"),
        cache_dir=Path("/cache/parallax"),
        ray_address="head:6379",
    )
    assert Settings.from_env({"XDG_CACHE_HOME": "/xdg"}).cache_dir == Path("/xdg/parallax")
    assert Settings.from_env({"PARALLAX_ENCODER": "", "PARALLAX_DEVICE": "  "}) == Settings()
    assert store_url({"PARALLAX_DB": "postgresql://db/news"}) == "postgresql://db/news"
    assert store_url({"PARALLAX_DB": ""}) is None


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_a_process_count_that_is_no_positive_number_is_ignored(value: str) -> None:
    assert Settings.from_env({"PARALLAX_PROCESSES": value}).processes is None


def test_unknown_encoder_or_device_is_a_readable_error() -> None:
    with pytest.raises(ModelError, match=r"unknown sentence encoder 'word2vec' in \$PARALLAX_ENCODER") as caught:
        Settings.from_env({"PARALLAX_ENCODER": "word2vec"})
    assert caught.value.hint == "use one of: minilm, static"
    with pytest.raises(ModelError, match=r"unknown device 'tpu' in \$PARALLAX_DEVICE"):
        Settings.from_env({"PARALLAX_DEVICE": "tpu"})
    with pytest.raises(ModelError, match="unknown sentence encoder 'glove'"):
        Settings(encoder="glove")
    with pytest.raises(ConfigError, match="processes"):
        Settings(processes=0)
    with pytest.raises(ConfigError, match="max_bytes"):
        Settings(max_bytes=0)


def test_given_fields_win_and_their_variables_are_not_read() -> None:
    env = {"PARALLAX_ENCODER": "word2vec", "PARALLAX_DEVICE": "numpy"}
    settings = Settings.from_env(env, encoder="static", max_bytes=1000)
    assert (settings.encoder, settings.device, settings.max_bytes) == ("static", "numpy", 1000)


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that touch ``os.environ`` / ``os.getenv`` (or import them)."""
    names = ("environ", "environb", "getenv", "putenv", "unsetenv")
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            touched = node.attr in names
        elif isinstance(node, ast.ImportFrom):
            touched = node.module == "os" and any(alias.name in names for alias in node.names)
        else:
            touched = False
        if touched:
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_edges_read_the_environment() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(EDGES):
            continue
        for line in _reads_environment(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"src/parallax/{relative}:{line}")
    assert not found, "the environment is read below the edges: " + ", ".join(found)


def test_the_check_finds_environment_reads() -> None:
    assert _reads_environment(ast.parse("import os\nx = os.environ.get('A')\ny = os.getenv('B')")) == [2, 3]
    assert _reads_environment(ast.parse("from os import environ")) == [1]
    assert not _reads_environment(ast.parse("import os\nos.replace('a', 'b')"))


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kind of every encoder the run asks the factory for."""
    asked: list[str] = []
    real = factory.get_encoder

    def spy(kind: str = "minilm", *args: Any, **kwargs: Any) -> Any:
        asked.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(factory, "get_encoder", spy)
    return asked


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three articles of the example corpus: enough for grouping and comparing to embed."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("04_dunmere_courier.txt", "05_chipwatch.txt", "06_supply_chain_desk.txt"):
        shutil.copy(EXAMPLES / "corpus" / name, folder / name)
    return folder


def test_analyze_ignores_the_environment(corpus: Path, kinds: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_ENCODER", "static")
    monkeypatch.setenv("PARALLAX_DEVICE", "tpu")  # would fail if it were read
    report = parallax.analyze([corpus], settings=Settings(device="numpy"))
    assert report.articles
    assert kinds
    assert set(kinds) == {"minilm"}
    kinds.clear()
    parallax.analyze([corpus], settings=Settings(encoder="static"))
    assert kinds
    assert set(kinds) == {"static"}


def test_the_commands_read_the_environment(corpus: Path, kinds: list[str], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["analyze", str(corpus), "--format", "json", "-o", str(out), "-q"]
    result = CliRunner(env={"PARALLAX_ENCODER": "static"}).invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert kinds
    assert set(kinds) == {"static"}
    kinds.clear()
    # --encoder wins over the variable (which is then not even read: an invalid one is no error)
    result = CliRunner(env={"PARALLAX_ENCODER": "bert"}).invoke(cli, [*args, "--encoder", "minilm"])
    assert result.exit_code == 0, result.output
    assert set(kinds) == {"minilm"}
    bad = CliRunner(env={"PARALLAX_ENCODER": "bert"}).invoke(cli, args)
    assert bad.exit_code == 1
    assert "unknown sentence encoder 'bert' in $PARALLAX_ENCODER" in bad.output
