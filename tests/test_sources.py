"""More file inputs: CSV with a column mapping and dialects, trafilatura JSON, standard input, mixed folders, ingest
counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax.cli.main import cli
from parallax.errors import ConfigError
from parallax.extract.article import extract
from parallax.models import RawDocument, Rejection
from parallax.settings import Settings
from parallax.sources.common import IngestCounts, IngestOptions
from parallax.sources.files import read_inputs
from parallax.sources.records import csv_dialect, parse_csv_map

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
BODY = "The council approved the budget on Monday after a long debate about taxes and road repairs. " * 3


def _docs(items: list[RawDocument | Rejection]) -> list[RawDocument]:
    return [d for d in items if isinstance(d, RawDocument)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# Three articles as a newsroom writes them: quotations with commas inside them, a comma before each closing quote
# mark, paragraphs apart. Written by Python's csv module, every quote mark is doubled inside a quoted field, and no
# field holds three quote marks without a comma between them: csv.Sniffer guessed doublequote=False from such a file
# and read it as 36 rows of a few words (issue 18).
QUOTED = (
    '"We will decide soon, perhaps by Friday," the {topic} committee chair told reporters on day {day}.',
    'Critics, including the mayor\'s office, said the {topic} plan was rushed, and "badly costed, frankly."',
    "Supporters of the {topic} measure, who packed the hall on day {day}, said it was long overdue.",
    "The vote on {topic}, expected next week, could still slip, officials said.",
)
QUOTED_TOPICS = ("budget", "transport", "housing")


def quoted_article(topic: str, paragraphs: int = 12) -> str:
    """A several-hundred-word article about ``topic`` (about 55 words a paragraph), with quotes and commas."""
    return "\n\n".join(" ".join(s.format(topic=topic, day=day) for s in QUOTED) for day in range(1, paragraphs + 1))


def write_quoted_articles(path: Path) -> list[str]:
    """The three articles written to ``path`` by Python's csv module (RFC 4180); returns their texts."""
    texts = [quoted_article(topic) for topic in QUOTED_TOPICS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text", "url", "outlet"])
        for topic, text in zip(QUOTED_TOPICS, texts, strict=True):
            writer.writerow([f"Council, at last, debates {topic}", text, f"https://news.example/{topic}", "Crier"])
    return texts


def test_csv_written_by_the_csv_module_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    texts = write_quoted_articles(path)
    assert all(len(text.split()) > 600 for text in texts)
    items = list(read_inputs([path]))
    assert [i for i in items if isinstance(i, Rejection)] == []
    docs = _docs(items)
    assert [dict(d.meta)["text"] for d in docs] == texts  # three whole articles, quotes and paragraphs intact
    assert [dict(d.meta)["title"] for d in docs] == [f"Council, at last, debates {t}" for t in QUOTED_TOPICS]
    # the sniffer, still there as --csv-dialect auto, is what misread it
    sniffed = list(read_inputs([path], options=IngestOptions(csv_dialect="auto")))
    assert len(sniffed) > 3


@pytest.mark.parametrize(
    ("header", "dialect", "delimiter"),
    [
        ("title,text,url", "standard", ","),
        ("title;text;url", "standard", ";"),
        ("title\ttext\turl", "standard", "\t"),
        ("title|text|url", "standard", "|"),
        ("title;text,url", "standard", ","),  # any comma in the header: the standard comma
        ("text", "standard", ","),  # one column
        ("title;text;url", "excel", ","),  # a named dialect is taken as it is
        ("title,text", "excel-tab", "\t"),
        ("title,text", "semicolon", ";"),
        ("title,text", "unix", ","),
    ],
)
def test_csv_dialects(header: str, dialect: str, delimiter: str) -> None:
    chosen = csv_dialect(dialect, header + "\r\nx\r\n")
    assert (chosen.delimiter, chosen.quotechar, chosen.doublequote) == (delimiter, '"', True)


def test_csv_tabs_and_an_unknown_dialect(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.tsv", ["title", "text"], [["A, title", BODY]], "\t")
    [doc] = _docs(list(read_inputs([path])))
    assert dict(doc.meta)["title"] == "A, title"
    with pytest.raises(ConfigError, match="unknown CSV dialect 'sniff'") as caught:
        read_inputs([path], options=IngestOptions(csv_dialect="sniff"))
    assert "standard" in (caught.value.hint or "")


def test_csv_dialect_setting() -> None:
    assert Settings().csv_dialect == "standard"
    assert Settings.from_env({"PARALLAX_CSV_DIALECT": " Semicolon "}).csv_dialect == "semicolon"
    assert Settings.from_env({"PARALLAX_CSV_DIALECT": "auto"}, csv_dialect="excel").csv_dialect == "excel"
    with pytest.raises(ConfigError, match=r"PARALLAX_CSV_DIALECT"):
        Settings.from_env({"PARALLAX_CSV_DIALECT": "tsv"})
    with pytest.raises(ConfigError):
        Settings(csv_dialect="tsv")


def test_csv_with_column_mapping(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "export.csv",
        ["headline", "body", "site", "when", "link"],
        [
            ["Budget passes", BODY, "Town Crier", "2024-05-06", "https://crier.example/budget"],
            ["Empty one", "", "Town Crier", "2024-05-06", "https://crier.example/empty"],
            ["Roads next", BODY.replace("budget", "road plan"), "Valley News", "2024-05-07", "https://v.example/r"],
        ],
    )
    mapping = parse_csv_map("title=headline,text=body,outlet=site,published=when,url=link")
    items = list(read_inputs([path], options=IngestOptions(csv_map=mapping)))
    docs = _docs(items)
    assert [(d.key, d.source) for d in docs] == [("export-1", f"{path}#1"), ("export-3", f"{path}#3")]
    article = extract(docs[0])
    assert (article.title, article.outlet, article.published, article.url) == (
        "Budget passes",
        "Town Crier",
        "2024-05-06",
        "https://crier.example/budget",
    )
    assert [(r.document, r.reason) for r in items if isinstance(r, Rejection)] == [(f"{path}#2", "empty")]


def test_csv_usual_column_names_and_semicolons(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.csv", ["title", "text", "url"], [["A title", BODY, "https://a.example/x"]], ";")
    [doc] = _docs(list(read_inputs([path])))
    assert dict(doc.meta)["title"] == "A title"
    assert dict(doc.meta)["url"] == "https://a.example/x"


def test_csv_mapping_naming_a_missing_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.csv", ["title", "text"], [["A", BODY]])
    [rejection] = list(read_inputs([path], options=IngestOptions(csv_map=(("text", "story"),))))
    assert isinstance(rejection, Rejection)
    assert "no column 'story'" in rejection.message


def test_csv_map_syntax() -> None:
    assert parse_csv_map(" title = headline , text=body,") == (("title", "headline"), ("text", "body"))
    with pytest.raises(ConfigError, match="FIELD=COLUMN"):
        parse_csv_map("title")
    with pytest.raises(ConfigError, match="unknown field 'headline'"):
        parse_csv_map("headline=title")


def test_trafilatura_json_output(tmp_path: Path) -> None:
    import trafilatura

    html = (CORPUS / "01_brennick_herald.html").read_text(encoding="utf-8")
    output = trafilatura.extract(html, output_format="json", with_metadata=True)
    assert output is not None
    path = tmp_path / "herald.json"
    path.write_text(output, encoding="utf-8")
    [doc] = _docs(list(read_inputs([path])))
    article = extract(doc)
    assert article.title == "Fire at Korvane’s Dunmere chip plant injures 38"
    assert article.outlet == "The Brennick Herald"
    assert article.published is not None
    assert article.published.startswith("2025-03-09")
    assert len(article.text.split()) > 100


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"Budget passes\n\n" + BODY.encode(), "text"),
        ((CORPUS / "02_daily_lantern.html").read_bytes(), "html"),
    ],
)
def test_stdin_documents(data: bytes, kind: str) -> None:
    [doc] = _docs(list(read_inputs(["-"], stdin=io.BytesIO(data))))
    assert (doc.key, doc.source, doc.format) == ("stdin", "stdin", kind)


def test_stdin_json_lines() -> None:
    lines = "\n".join(json.dumps({"title": f"T{n}", "maintext": BODY}) for n in range(3))
    docs = _docs(list(read_inputs(["-"], stdin=io.BytesIO(lines.encode()))))
    assert [d.key for d in docs] == ["stdin-1", "stdin-2", "stdin-3"]


def test_stdin_empty_is_rejected() -> None:
    [rejection] = list(read_inputs(["-"], stdin=io.BytesIO(b"  \n")))
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "empty"


def test_counts_of_a_mixed_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Budget passes\n\n" + BODY, encoding="utf-8")
    (tmp_path / "b.html").write_bytes((CORPUS / "01_brennick_herald.html").read_bytes())
    (tmp_path / "c.jsonl").write_text('{"maintext": "x y z"}\nnot json\n', encoding="utf-8")
    _write_csv(tmp_path / "d.csv", ["title", "text"], [["A", BODY]])
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")  # unknown type in a folder: not read at all
    seen: list[tuple[int, int]] = []
    counts = IngestCounts(on_change=lambda c: seen.append((c.accepted, c.rejected)))
    items = list(read_inputs([tmp_path], counts=counts))
    assert len(items) == 5
    assert (counts.accepted, counts.rejected) == (4, 1)
    assert seen[-1] == (4, 1)
    assert len(seen) == 5


def test_cli_reads_stdin() -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "-", "--format", "json"], input=(CORPUS / "04_dunmere_courier.txt").read_bytes()
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [a["id"] for a in report["articles"]] == ["stdin"]
