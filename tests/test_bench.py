"""The benchmarks' own code on tiny inputs: ``make bench``'s same-run baselines (spaCy alone with the annotate
stage's processes, the previous default's end-to-end run, the tables) and ``make bench-gpu``'s smoke path on the CPU.
They measure nothing here: they check that the code a long run depends on works before anyone waits hours for it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench() -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench as module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


def test_bench_baselines_run_on_a_tiny_corpus(
    bench: Any, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "CACHE", tmp_path)
    corpus = bench.shard_corpus(bench.build_corpus(shared / "data", 12))
    result = bench.run_one(corpus, 12, "static")
    seconds, n, processes = result["spacy_all"]
    assert n == result["articles"] > 0
    assert seconds > 0
    assert processes == 1  # under PARALLEL_MIN_ARTICLES the annotate stage runs in one process, and so does spaCy
    result["load"] = (0.0, 0.0, 0.0)
    result["against"] = bench.against_baseline(corpus, "HEAD", None, runs=1)
    assert result["against"]["encoder"] == "default"
    (base_wall, _, base_rss), (tree_wall, _, tree_rss) = result["against"]["baseline"], result["against"]["tree"]
    assert base_wall > 0 and tree_wall > 0 and base_rss > 0 and tree_rss > 0  # noqa: PT018
    ceiling = bench._ceiling([result])
    where = bench._where([result])
    assert any(line.startswith("| 12 | static | 1 |") for line in ceiling)
    assert sum(1 for line in where if line.startswith("| 12 | static |")) == 1
    assert "start-up" in where[0]
    assert any("`" + result["against"]["commit"] + "`" in line for line in bench._against([result]))
    # a size over STREAM_ABOVE runs as `parallax analyze -o` does (streamed), the same articles and stories
    monkeypatch.setattr(bench, "STREAM_ABOVE", 5)
    streamed = bench.run_one(corpus, 12, "static")
    assert streamed["streamed"]
    assert (streamed["articles"], streamed["stories"]) == (result["articles"], result["stories"])
    assert "(streamed)" in bench._table([streamed])[-1]
    assert len(bench._ratios([streamed])) == 2  # the baselines that need the articles held are left out


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed (the gpu extra): benchmarks/gpu.py's smoke run needs it",
)
def test_bench_gpu_smoke_on_the_cpu(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "gpu.py"),
            "--device",
            "cpu",
            "--sentences",
            "200",
            "--pack",
            str(tmp_path / "no-pack"),
            "--data",
            str(shared / "data"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["variant"].split(" ")[0]: row for row in result["rows"]}
    assert result["sentences"] == 200
    assert rows["**Parallax**"]["n"] == 200
    assert rows["**Parallax**"]["seconds"] > 0
    assert "tokenizer" in rows
    assert "forward" in rows
    assert "Goal >= 50,000 sentences/s" in proc.stdout
