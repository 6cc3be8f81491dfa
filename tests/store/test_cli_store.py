"""The store commands through click's runner: ingest (twice), stories, show, export, and their errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax.cli.main import EXIT_REJECTED, cli
from parallax.store import TABLES, open_store

from ..conftest import EXAMPLES


def _dump(db: Path) -> dict[str, object]:
    with open_store(db) as store:
        return {table: store.rows(table) for table in TABLES}


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    """The seed corpus ingested through the command line (the real pipeline: extraction, spaCy, grouping)."""
    db = tmp_path_factory.mktemp("cli") / "seeds.db"
    result = CliRunner().invoke(cli, ["ingest", str(shared / "corpus" / "seeds"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "5 added, 0 unchanged, 2 new stories, 0 updated, 0 rejected" in result.output
    return db


def test_ingesting_the_same_folder_twice_changes_nothing(seeds_db: Path, shared: Path) -> None:
    before = _dump(seeds_db)
    result = CliRunner().invoke(cli, ["ingest", str(shared / "corpus" / "seeds"), "--db", str(seeds_db)])
    assert result.exit_code == 0, result.output
    assert "0 added, 5 unchanged, 0 new stories, 0 updated, 0 rejected" in result.output
    assert _dump(seeds_db) == before


def test_stories_and_show(seeds_db: Path, seed_report) -> None:  # type: ignore[no-untyped-def]
    listed = CliRunner().invoke(cli, ["stories", "--db", str(seeds_db), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(r["articles"] for r in rows) == sorted(len(s.story.articles) for s in seed_report.stories)
    # $PARALLAX_DB names the store when --db does not
    from_env = CliRunner(env={"PARALLAX_DB": str(seeds_db)}).invoke(cli, ["stories", "--json"])
    assert from_env.exit_code == 0, from_env.output
    assert [json.loads(line) for line in from_env.stdout.splitlines()] == rows
    table = CliRunner().invoke(cli, ["stories", "--db", str(seeds_db), "--sort", "largest"])
    assert table.exit_code == 0
    assert all(r["id"] in table.stdout for r in rows)

    for row in rows:
        shown = CliRunner().invoke(cli, ["show", row["id"], "--db", str(seeds_db), "--format", "json"])
        assert shown.exit_code == 0, shown.output
        report = json.loads(shown.stdout)
        assert [s["id"] for s in report["stories"]] == [row["id"]]
        assert report["stories"][0]["title"] == row["title"]
        md = CliRunner().invoke(cli, ["show", row["id"], "--db", str(seeds_db)])
        assert row["title"] in md.stdout


def test_show_writes_the_format_its_output_names(seeds_db: Path, tmp_path: Path) -> None:
    listed = CliRunner().invoke(cli, ["stories", "--db", str(seeds_db), "--json"])
    story = json.loads(listed.stdout.splitlines()[0])["id"]
    written = CliRunner().invoke(cli, ["show", story, "--db", str(seeds_db), "-o", str(tmp_path / "s.json")])
    assert written.exit_code == 0, written.output
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["stories"][0]["id"] == story
    for args in (["--format", "json", "-o", str(tmp_path / "s.md")], ["-o", str(tmp_path / "s.txt")]):
        refused = CliRunner().invoke(cli, ["show", story, "--db", str(seeds_db), *args])
        assert refused.exit_code == 2, refused.output
        assert "Error: Invalid value for '--output'" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_show_an_unknown_story_is_one_line(seeds_db: Path) -> None:
    result = CliRunner().invoke(cli, ["show", "nope", "--db", str(seeds_db)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "nope" in lines[0]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_is_readable(seeds_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["export", "--db", str(seeds_db), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with open_store(seeds_db) as store:
        expected = {table: store.rows(table) for table in ("stories", "articles", "facts", "entities", "citations")}
    for table, (columns, rows) in expected.items():
        path = out / f"{table}.{fmt}"
        if fmt == "csv":
            with path.open(encoding="utf-8", newline="") as fh:
                read = list(csv.DictReader(fh))
            ids = [r[columns[0]] for r in read]
        else:
            import polars as pl

            frame = pl.read_parquet(path)
            read = frame.to_dicts()
            ids = frame[columns[0]].to_list()
        assert len(read) == len(rows), table
        assert ids == [r[0] for r in rows]
        assert "annotated" not in (read[0] if read else {})
    articles = out / f"articles.{fmt}"
    assert articles.stat().st_size > 1000


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_every_table_from_the_store(seeds_db: Path, tmp_path: Path, fmt: str) -> None:
    """The store's export is the stored report's tables (issue 18): quotes, fact mentions, conflicts, tone and
    omissions too; lists and dates typed in Parquet, joined in CSV; the store's own times beside them."""
    import polars as pl

    from parallax.report import to_dict
    from parallax.store.export import store_report
    from parallax.tables import LIST_SEPARATOR, TABLE_NAMES

    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["export", "--db", str(seeds_db), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.{fmt}" for name in TABLE_NAMES)
    with open_store(seeds_db) as store:
        report = to_dict(store_report(store))
        infos = {s.id: s for s in store.list_stories().items}
    outlets = {s["id"]: s["outlets"] for s in report["stories"]}  # as the JSON report lists them
    mentions = sum(len(f["mentions"]) + len(f["related"]) for s in report["stories"] for f in s["facts"])
    quotes = sum(len(s["quotes"]) for s in report["stories"])
    if fmt == "parquet":
        stories = pl.read_parquet(out / "stories.parquet")
        assert stories.schema["outlets"] == pl.List(pl.String)
        assert stories.schema["created"] == pl.Datetime("us", "UTC")
        for row in stories.iter_rows(named=True):
            assert row["outlets"] == outlets[row["id"]]
            assert set(infos[row["id"]].outlets) <= set(row["outlets"])
            assert row["updated"].isoformat() == infos[row["id"]].updated
        facts = pl.read_parquet(out / "facts.parquet")
        assert facts.schema["sources"] == pl.List(pl.String)
        assert (facts["source_count"] == facts["sources"].list.len()).all()
        assert pl.read_parquet(out / "articles.parquet").schema["published"] == pl.Date
        assert pl.read_parquet(out / "fact_mentions.parquet").height == mentions
        assert pl.read_parquet(out / "quotes.parquet").height == quotes
        assert pl.read_parquet(out / "tone.parquet").height == sum(len(s["tone"]) for s in report["stories"])
    else:
        with (out / "stories.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                assert row["outlets"] == LIST_SEPARATOR.join(outlets[row["id"]])
        with (out / "fact_mentions.csv").open(encoding="utf-8", newline="") as fh:
            read = list(csv.DictReader(fh))
        assert len(read) == mentions
        assert {r["related"] for r in read} <= {"true", "false"}


def test_csv_export_defuses_formulas(tmp_path: Path) -> None:
    """A title or outlet that a spreadsheet would run as a formula goes out with a leading apostrophe (issue 15)."""
    text = (sorted((EXAMPLES / "corpus").glob("*.txt"))[0]).read_text(encoding="utf-8")
    body = "\n\n".join(p for p in text.split("\n\n")[1:] if p.strip())
    record = {"title": '=HYPERLINK("http://x.invalid","click")', "outlet": "@Outlet", "text": body}
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db, out = tmp_path / "x.db", tmp_path / "export"
    assert CliRunner().invoke(cli, ["ingest", str(batch), "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(out)]).exit_code == 0
    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["title"] == "'" + record["title"]
    assert row["outlet"] == "'@Outlet"
    assert not any(value.startswith(("=", "+", "@")) for value in row.values())


def test_rejections_are_named_and_the_rest_is_stored(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    source = sorted((EXAMPLES / "corpus").glob("0*"))[0]
    (batch / source.name).write_bytes(source.read_bytes())
    (batch / "empty.txt").write_bytes(b"")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["ingest", str(batch), "--db", str(db), "-q"])
    assert result.exit_code == EXIT_REJECTED
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected:")]
    assert len(rejected) == 1
    assert "empty.txt: empty:" in rejected[0]
    with open_store(db) as store:
        assert store.counts()["articles"] == 1


def test_errors_are_one_line(tmp_path: Path) -> None:
    for args in (
        ["ingest", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db")],
        ["stories", "--db", "mysql://nowhere/x"],
        ["stories", "--db", str(tmp_path / "no" / "such" / "x.db")],
        ["show", "abc", "--db", str(tmp_path / "never-made.db")],
        ["export", "-o", str(tmp_path / "out"), "--db", "postgresql://nobody@127.0.0.1:1/none"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, (args, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert lines[0].startswith("error:")
    assert not (tmp_path / "x.db").exists()  # a mistyped path does not leave an empty store behind
    assert not (tmp_path / "never-made.db").exists()
