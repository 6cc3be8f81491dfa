"""report.tables(): one polars DataFrame per kind of record, with real types, consistent with the JSON report; the
JSON report read back; ``parallax export`` from a report file in CSV and Parquet (issue 18)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from parallax import ConfigError, Report, ReportError, to_dict, write
from parallax.cli.main import cli
from parallax.report import from_dict, read_report
from parallax.tables import FORMULA_STARTS, LIST_SEPARATOR, SCHEMAS, TABLE_NAMES, Tables, parse_published

TEXT = pl.String
STRINGS = pl.List(pl.String)
EXPECTED_TYPES: dict[str, dict[str, Any]] = {
    "articles": {
        "published": pl.Date,
        "published_local": pl.Datetime("us"),
        "published_utc": pl.Datetime("us", "UTC"),
        "word_count": pl.Int64,
        "tone": pl.Float64,
        "cites": STRINGS,
        "title": TEXT,
        "label": TEXT,
    },
    "stories": {
        "article_ids": STRINGS,
        "outlets": STRINGS,
        "outlet_count": pl.Int64,
        "first_published": pl.Date,
        "sampled": pl.Boolean,
    },
    "facts": {"sources": STRINGS, "source_outlets": STRINGS, "source_count": pl.Int64, "exclusive": pl.Boolean},
    "fact_mentions": {"related": pl.Boolean, "confidence": pl.Float64, "sentence": pl.Int64, "outlet": TEXT},
    "quotes": {"article_ids": STRINGS, "outlets": STRINGS, "direct": pl.Boolean},
    "conflicts": {"values": STRINGS, "sentences": pl.List(pl.Int64), "outlets": STRINGS},
    "framing_terms": {"in_title": pl.Boolean, "sentence": pl.Int64},
    "tone": {"score": pl.Float64, "sentence_scores": pl.List(pl.Float64)},
    "omissions": {"stated_by": STRINGS, "stated_by_count": pl.Int64},
    "citations": {"mentions": pl.Int64, "sentences": pl.List(pl.Int64), "cues": STRINGS},
    "entities": {"mentions": pl.Int64, "sentences": pl.List(pl.Int64)},
}


@pytest.fixture(scope="module")
def tables(example_report: Report) -> Tables:
    return example_report.tables()


def test_every_table_has_its_types(tables: Tables) -> None:
    assert tables._fields == TABLE_NAMES
    for name, frame in tables.frames():
        assert list(frame.columns) == [column for column, _ in SCHEMAS[name]], name
        for column, dtype in EXPECTED_TYPES.get(name, {}).items():
            assert frame.schema[column] == dtype, (name, column, frame.schema[column])
        assert not any(frame.schema[c] == pl.Object for c in frame.columns)


def _mentions(d: dict[str, Any], key: str) -> int:
    return sum(len(f[key]) for s in d["stories"] for f in s["facts"])


def test_rows_agree_with_the_json_report(example_report: Report, tables: Tables) -> None:
    d = to_dict(example_report)
    stories = d["stories"]
    assert tables.articles.height == len(d["articles"]) == 9
    assert tables.stories.height == len(stories)
    assert tables.facts.height == d["counts"]["facts"]
    assert tables.fact_mentions.height == _mentions(d, "mentions") + _mentions(d, "related")
    assert tables.fact_mentions.filter(~pl.col("related")).height == _mentions(d, "mentions")
    assert tables.fact_mentions.filter(pl.col("related")).height == _mentions(d, "related") > 0
    assert tables.quotes.height == sum(len(s["quotes"]) for s in stories)
    assert tables.quote_mentions.height == sum(len(q["mentions"]) for s in stories for q in s["quotes"])
    assert tables.conflicts.height == sum(len(s["conflicts"]) for s in stories) > 0
    assert tables.tone.height == sum(len(s["tone"]) for s in stories)
    assert tables.figures.height == sum(len(f["reports"]) for s in stories for f in s["figures"])
    assert tables.omissions.height == sum(len(c["omitted"]) for s in stories for c in s["coverage"]) > 0
    terms = sum(len(a["loaded_terms"]) + len(a["title_terms"]) for a in d["articles"])
    assert tables.framing_terms.height == terms
    assert tables.citations["mentions"].sum() == sum(len(a["citations"]) for a in d["articles"])
    # lists, not counts or JSON strings; labels as the JSON report gives them
    facts = {(s["id"], f["id"]): f for s in stories for f in s["facts"]}
    for row in tables.facts.iter_rows(named=True):
        fact = facts[(row["story_id"], row["id"])]
        assert row["sources"] == fact["sources"]
        assert row["source_count"] == len(fact["sources"])
        assert row["mention_count"] == len(fact["mentions"])
    for row, story in zip(tables.stories.iter_rows(named=True), stories, strict=True):
        assert (row["id"], row["outlets"], row["article_ids"]) == (story["id"], story["outlets"], story["articles"])
    assert tables.articles["label"].to_list() == [a["label"] for a in d["articles"]]
    assert tables.articles["cites"].to_list() == [a["cites"] for a in d["articles"]]
    copies = {c: g["original"] for g in d["duplicates"] for c in g["copies"]}
    assert dict(tables.articles.filter(pl.col("duplicate_of").is_not_null()).select("id", "duplicate_of").rows()) == (
        copies
    )


def test_dates_are_dates(tables: Tables) -> None:
    herald = tables.articles.row(by_predicate=pl.col("id") == "01_brennick_herald", named=True)
    assert herald["published"] == date(2025, 3, 9)
    assert herald["published_utc"].tzinfo is not None
    assert herald["published_utc"] == datetime(2025, 3, 9, 15, 30, tzinfo=UTC)
    undated = tables.articles.row(by_predicate=pl.col("id") == "06_supply_chain_desk", named=True)
    assert undated["published"] is None
    assert parse_published("2020-08-24T11:07:12+03:00") == (
        date(2020, 8, 24),
        datetime(2020, 8, 24, 11, 7, 12),
        datetime(2020, 8, 24, 8, 7, 12, tzinfo=UTC),
    )
    assert parse_published("2020-08-24T11:07:12") == (date(2020, 8, 24), datetime(2020, 8, 24, 11, 7, 12), None)
    assert parse_published("2020-08-24") == (date(2020, 8, 24), None, None)
    assert parse_published("2020-08") == (None, None, None)
    assert parse_published(None) == (None, None, None)


def test_the_seeds_tables(seed_report: Report) -> None:
    tables = seed_report.tables()
    d = to_dict(seed_report)
    assert tables.articles.height == 5
    assert tables.stories.height == len(d["stories"])
    assert tables.facts.height == d["counts"]["facts"]
    assert tables.fact_mentions.height == _mentions(d, "mentions") + _mentions(d, "related")
    dated = tables.articles.filter(pl.col("published").is_not_null())
    assert dated["published"].dtype == pl.Date
    assert dated["published_local"].to_list() == [datetime(2020, 8, 24, 11, 7, 12)]  # no offset: no UTC instant
    assert dated["published_utc"].to_list() == [None]


def test_to_pandas(tables: Tables) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frames = tables.to_pandas()
    assert list(frames) == list(TABLE_NAMES)
    assert len(frames["fact_mentions"]) == tables.fact_mentions.height
    assert str(frames["articles"]["published_utc"].dtype).startswith("datetime64")


def test_without_polars_one_error_names_the_extra(example_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)  # what `import polars` meets where it is not installed
    with pytest.raises(ConfigError) as error:
        example_report.tables()
    assert "parallax-news[parquet]" in error.value.hint


# --- the JSON report read back -------------------------------------------------------------------------------------


def test_a_json_report_reads_back(example_report: Report, tmp_path: Path) -> None:
    d = to_dict(example_report)
    assert to_dict(from_dict(d)) == d
    path = tmp_path / "report.json"
    write(example_report, path, "json")
    loaded = read_report(path)
    assert to_dict(loaded) == d
    assert loaded.tables().fact_mentions.height == example_report.tables().fact_mentions.height


def test_a_bad_report_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({"schema": "something/2"}), encoding="utf-8")
    (tmp_path / "broken.json").write_text(json.dumps({"schema": "parallax.report/1.3", "articles": [{}]}))
    for name, words in (("bad", "not JSON"), ("other", "not a Parallax report"), ("broken", "malformed")):
        with pytest.raises(ReportError) as error:
            read_report(tmp_path / f"{name}.json")
        assert words in error.value.message
        assert "\n" not in str(error.value)
    with pytest.raises(ReportError):
        read_report(tmp_path / "missing.json")


# --- parallax export from a report file ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_file(example_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.json"
    write(example_report, path, "json")
    return path


def test_export_a_report_file_as_parquet(report_file: Path, tables: Tables, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(report_file), "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.parquet" for name in TABLE_NAMES)
    for name, frame in tables.frames():
        read = pl.read_parquet(out / f"{name}.parquet")
        assert read.schema == frame.schema, name
        assert read.height == frame.height, name
    stories = pl.read_parquet(out / "stories.parquet")
    assert stories.schema["outlets"] == pl.List(pl.String)
    assert stories.schema["first_published"] == pl.Date
    articles = pl.read_parquet(out / "articles.parquet")
    assert articles.schema["published_utc"] == pl.Datetime("us", "UTC")
    assert articles["id"].to_list() == sorted(articles["id"].to_list())  # rows in key order


def test_export_a_report_file_as_csv(report_file: Path, tables: Tables, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(report_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name, frame in tables.frames():
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == frame.height, name
        assert list(rows[0]) == frame.columns if rows else True
    with (out / "stories.csv").open(encoding="utf-8", newline="") as fh:
        stories = {r["id"]: r for r in csv.DictReader(fh)}
    for row in tables.stories.iter_rows(named=True):
        assert stories[row["id"]]["outlets"] == LIST_SEPARATOR.join(row["outlets"])
    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        herald = next(r for r in csv.DictReader(fh) if r["id"] == "01_brennick_herald")
    assert herald["published"] == "2025-03-09"
    assert herald["published_utc"] == "2025-03-09T15:30:00+00:00"


def test_csv_cells_that_start_like_formulas_are_defused(example_report: Report, tmp_path: Path) -> None:
    """Titles, outlets, facts and lists that a spreadsheet would run get a leading apostrophe; numbers stay."""
    first = example_report.articles[0]
    hostile = replace(
        first,
        article=replace(first.article, title='=HYPERLINK("http://x.invalid","click")', outlet="@Outlet"),
        tone=-0.5,
    )
    story = example_report.stories[0]
    fact = replace(story.facts[0], text="+1 dialled the number")
    report = replace(
        example_report,
        articles=(hostile, *example_report.articles[1:]),
        stories=(replace(story, facts=(fact, *story.facts[1:])), *example_report.stories[1:]),
    )
    out = tmp_path / "out"
    path = tmp_path / "hostile.json"
    write(report, path, "json")
    assert CliRunner().invoke(cli, ["export", str(path), "-o", str(out)]).exit_code == 0
    cells: list[str] = []
    for name in TABLE_NAMES:
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        cells += [v for r in rows for k, v in r.items() if k not in NUMERIC[name]]
        if name == "articles":
            row = next(r for r in rows if r["id"] == first.id)
            assert row["title"] == "'" + hostile.article.title
            assert row["outlet"] == "'@Outlet"
            assert row["tone"] == "-0.5"  # a number, not a formula
        if name == "facts":
            assert next(r for r in rows if r["id"] == fact.id)["text"] == "'+1 dialled the number"
        if name == "stories":
            assert any(r["outlets"].startswith("'@Outlet") for r in rows)
    assert "'@Outlet" in cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]


NUMERIC = {
    name: {c for c, kind in columns if kind in ("int", "float") or kind.startswith("list:float")}
    for name, columns in SCHEMAS.items()
}


def test_export_errors_are_one_line(report_file: Path, tmp_path: Path) -> None:
    for args in (
        ["export", str(report_file), "--db", str(tmp_path / "x.db"), "-o", str(tmp_path / "out")],
        ["export", str(tmp_path / "missing.json"), "-o", str(tmp_path / "out")],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, (args, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert lines[0].startswith("error:")
    assert not (tmp_path / "x.db").exists()


def test_every_column_is_documented() -> None:
    """docs/STORE.md lists every table and column (as tests/test_report.py does for the JSON schema)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "STORE.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Export and tables") :]
    rows = {line.split("|")[1].strip(" `"): line for line in section.splitlines() if line.startswith("| `")}
    assert set(rows) == set(TABLE_NAMES)
    for name, columns in SCHEMAS.items():
        for column, _ in columns:
            assert f"`{column}`" in rows[name], f"{name}.{column} is not in docs/STORE.md"
    for column in ("added", "created", "updated"):
        assert f"`{column}`" in section
