"""The Ray engine (``--engine ray``) on a local Ray instance: the same stories as the local path.

One Ray instance (2 CPUs, a small object store) serves the module. ``make test`` sets PARALLAX_REQUIRE_RAY=1 (and
installs the ray extra), so there a missing Ray fails instead of skipping.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from parallax import Report, analyze
from parallax.cli.main import cli
from parallax.engine.ray import RayOptions, analyze_ray, plan_shards, read_shard
from parallax.engine.store import ingest_paths
from parallax.errors import ConfigError
from parallax.models import RawDocument, Rejection
from parallax.sources.common import IngestOptions
from parallax.sources.files import read_inputs
from parallax.store import open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[None]:
    try:
        import ray
    except ImportError:
        if os.environ.get("PARALLAX_REQUIRE_RAY") == "1":
            pytest.fail("PARALLAX_REQUIRE_RAY=1 but ray is not installed (pip install -e '.[ray]')")
        pytest.skip("ray is not installed (the ray extra)")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024 * 1024,
        log_to_driver=False,
        logging_level="warning",
    )
    try:
        yield
    finally:
        ray.shutdown()


def _stories(report: Report) -> list[tuple[tuple[str, ...], int]]:
    return sorted((tuple(sorted(s.story.articles)), len(s.facts)) for s in report.stories)


def test_big_jsonl_files_are_cut_into_line_ranges(tmp_path: Path) -> None:
    lines = (EXAMPLES / "wires.jsonl").read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    shards = plan_shards([tmp_path], shard_lines=4)
    assert [(s.path, s.first, s.last) for s in shards] == [
        (str(tmp_path / "a.txt"), 0, 0),
        (str(big), 1, 4),
        (str(big), 5, 6),
    ]
    data = big.read_bytes()
    assert b"".join(data[s.start : s.stop] for s in shards[1:]) == data


def test_jsonl_shards_read_as_the_whole_file(tmp_path: Path) -> None:
    lines = (EXAMPLES / "wires.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1:1] = ["", "[1, 2]", '{"maintext": "cut off'] + lines * 2
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "big-5.txt").write_text("A key that the record on line 5 would take.", encoding="utf-8")
    shards = plan_shards([tmp_path], shard_lines=2)
    assert len(shards) == 1 + 5  # the text file, then 9 lines in 5 ranges
    keys = {s.key for s in shards}
    read = [item for s in shards for item in read_shard(s, set(keys), 1_000_000, IngestOptions())]
    assert read == list(read_inputs([tmp_path]))
    assert {"big-1", "big-5-2", "big-9"} <= {d.key for d in read if isinstance(d, RawDocument)}
    assert sum(isinstance(d, Rejection) for d in read) == 2


def test_ray_analyze_gives_the_local_stories(ray_instance: None, example_report: Report, tmp_path: Path) -> None:
    # one line per JSON-lines shard, so the wire file is read by two tasks
    report = analyze_ray([EXAMPLES], ray_options=RayOptions(shard_lines=1, output=tmp_path / "out"))
    assert _stories(report) == _stories(example_report)
    assert [a.id for a in report.articles] == [a.id for a in example_report.articles]
    assert report.articles == example_report.articles
    assert report.rejections == example_report.rejections
    written = pl.read_parquet(sorted((tmp_path / "out").glob("*.parquet")))
    assert sorted(written["kind"].to_list()) == ["annotated"] * len(example_report.articles)
    with pytest.raises(ConfigError, match="already holds Parquet files"):
        analyze_ray([EXAMPLES], ray_options=RayOptions(output=tmp_path / "out"))


def _warc(path: Path, pages: list[tuple[str, Path]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        for url, page in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            payload = io.BytesIO(page.read_bytes())
            record = writer.create_warc_record(url, "response", payload=payload, http_headers=headers)
            writer.write_record(record)
            record.raw_stream.close()  # warcio buffered the payload in a temporary file to digest it


def _mixed_corpus(folder: Path) -> Path:
    """The example corpus as text files, a Parquet file of the wire records and two WARC files of the HTML pages
    (one page captured in both, so that the second capture is a duplicate across shards)."""
    folder.mkdir()
    for text in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(text, folder / text.name)
    pl.read_ndjson(EXAMPLES / "wires.jsonl").write_parquet(folder / "wires.parquet")
    pages = [(f"https://example.org/news/{p.stem}.html", p) for p in sorted(EXAMPLES.glob("*.html"))]
    _warc(folder / "crawl-1.warc", pages[:2])
    _warc(folder / "crawl-2.warc", pages[1:])
    return folder


def test_ray_ingest_gives_the_plain_ingest_stories(ray_instance: None, tmp_path: Path) -> None:
    corpus = _mixed_corpus(tmp_path / "corpus")
    plain_db, ray_db = tmp_path / "plain.db", tmp_path / "ray.db"
    with open_store(plain_db) as store:
        plain = ingest_paths(store, [corpus])
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(ray_db), "--engine", "ray", "-q"])
    assert result.exit_code == 0, result.output
    assert len(plain.added) == 9  # 3 text files, 4 pages (one captured in both WARC files), 2 Parquet rows
    assert not plain.rejections

    def stored(db: Path) -> list[tuple[str, tuple[str, ...], int]]:
        with open_store(db) as store:
            rows = []
            for info in store.list_stories(limit=100).items:
                report = store.load_report(info.id)
                assert report is not None
                [analysis] = report.stories
                rows.append((info.id, tuple(sorted(analysis.story.articles)), len(analysis.facts)))
            return sorted(rows)

    assert stored(ray_db) == stored(plain_db)
    assert len(stored(plain_db)) == 2


def test_parquet_records_read_as_the_jsonl_ones(tmp_path: Path) -> None:
    pl.read_ndjson(EXAMPLES / "wires.jsonl").write_parquet(tmp_path / "wires.parquet")
    shutil.copy(EXAMPLES / "wires.jsonl", tmp_path / "other.jsonl")
    report = analyze([tmp_path])
    by_id = {a.id: a.article for a in report.articles}
    for n in (1, 2):
        parquet, jsonl = by_id[f"wires-{n}"], by_id[f"other-{n}"]
        assert (parquet.text, parquet.title, parquet.outlet, parquet.url) == (
            jsonl.text,
            jsonl.title,
            jsonl.outlet,
            jsonl.url,
        )


def test_engine_ray_without_ray_is_one_line(tmp_path: Path) -> None:
    # A ray package that cannot be imported, first on the path: what a machine without the extra sees.
    blocked = tmp_path / "blocked" / "ray"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('No module named ray', name='ray')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "blocked")}
    for command in ("analyze", "ingest"):
        args = [sys.executable, "-m", "parallax.cli", command, str(EXAMPLES), "--engine", "ray"]
        if command == "ingest":
            args += ["--db", str(tmp_path / "store.db")]
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert "needs Ray Data" in lines[0]
        assert "pip install 'parallax-news[ray]'" in lines[0]
    assert not (tmp_path / "store.db").exists()


def test_engine_ray_refuses_urls_in_one_line(ray_instance: None) -> None:
    result = CliRunner().invoke(cli, ["analyze", "https://example.org/a.html", "--engine", "ray", "-q"])
    assert result.exit_code == 1
    assert "the Ray engine reads files and folders" in result.output


@pytest.mark.parametrize("command", ["analyze", "ingest"])
def test_ray_options_need_engine_ray(command: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [command, str(EXAMPLES), "--parquet-out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--parquet-out only applies with --engine ray" in result.output
