"""Reading files and folders: formats, keys, encodings, and one rejection per bad document."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from parallax.errors import BinaryInputError, EncodingError, InputError
from parallax.models import RawDocument, Rejection
from parallax.sources.decode import decode_bytes
from parallax.sources.files import read_inputs

INPUTS = Path(__file__).parent / "data" / "inputs"
GOOD_TEXT = (
    "Town approves budget\n\n" + "The council approved the budget on Monday after a long debate about taxes. " * 3
)


def _split(items: list[RawDocument | Rejection]) -> tuple[list[RawDocument], list[Rejection]]:
    docs = [d for d in items if isinstance(d, RawDocument)]
    rejections = [r for r in items if isinstance(r, Rejection)]
    assert len(docs) + len(rejections) == len(items)
    return docs, rejections


def test_fixture_folder() -> None:
    docs, rejections = _split(list(read_inputs([INPUTS])))
    assert [(d.key, d.format) for d in docs] == [
        ("latin1", "text"),
        ("newsplease-1", "record"),
        ("newsplease-2", "record"),
        ("page", "html"),
        ("trafilatura", "record"),
        ("utf16", "text"),
    ]
    assert [(r.document, r.stage, r.reason) for r in rejections] == [
        (f"{INPUTS / 'newsplease.jsonl'}#3", "ingest", "format")
    ]
    assert "invalid JSON line" in rejections[0].message
    assert docs[1].source == f"{INPUTS / 'newsplease.jsonl'}#1"


def test_news_please_fields() -> None:
    docs, _ = _split(list(read_inputs([INPUTS / "newsplease.jsonl"])))
    meta = docs[0].meta_dict()
    assert meta["title"] == "Eldermouth keeps its early ferry"
    assert meta["byline"] == "Mara Lindqvist and Tomas Okafor"
    assert meta["published"] == "2021-03-04 09:15:00"
    assert meta["outlet"] == "harbourgazette.example"
    assert meta["url"] == "https://harbourgazette.example/2021/03/04/eldermouth-ferry"
    assert meta["language"] == "en"
    assert meta["text"].startswith("Residents of the harbour town")
    assert "\nThe operator had proposed" in meta["text"]
    assert "byline" not in docs[1].meta_dict()  # an empty author list is no byline


def test_trafilatura_fields() -> None:
    (doc,) = read_inputs([INPUTS / "trafilatura.json"])
    assert isinstance(doc, RawDocument)
    assert doc.key == "trafilatura"
    assert doc.source == str(INPUTS / "trafilatura.json")
    meta = doc.meta_dict()
    assert meta["outlet"] == "Valley Times"  # "source-hostname" is trafilatura's sitename; "source" is the URL
    assert meta["url"] == "https://valleytimes.example/news/night-trains-return"
    assert meta["published"] == "2022-11-14"
    assert meta["byline"] == "Ines Carvalho; Peter Mwangi"
    assert meta["text"].startswith("The regional rail company")


def test_legacy_encodings_are_decoded() -> None:
    latin, utf16 = read_inputs([INPUTS / "latin1.txt", INPUTS / "utf16.txt"])
    assert isinstance(latin, RawDocument)
    assert isinstance(utf16, RawDocument)
    assert "Renée Aubert" in latin.data.decode("utf-8")
    assert "crème brûlée" in latin.data.decode("utf-8")
    assert utf16.data.decode("utf-8").startswith("Wind farm plans divide island\n")


def test_bad_documents_are_rejected_one_by_one(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    rng = random.Random(7)
    (folder / "a_good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_blank.md").write_text("  \n\n \t\n", encoding="utf-8")
    (folder / "d_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(400))
    (folder / "e_controls.txt").write_bytes(bytes(rng.choice([1, 2, 3, 4, 5, 6, 0x41, 0x42]) for _ in range(800)))
    # High bytes only: valid in no multi-byte encoding, and too chaotic for any single-byte code page.
    (folder / "f_garbled.txt").write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(3000)))
    with (folder / "g_huge.txt").open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    (folder / "h_bomb.html.gz").write_bytes(gzip.compress(b" " * (21 * 1024 * 1024)))
    (folder / "i_broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (folder / "j_bad.json").write_text('{"title": "x", "text": ', encoding="utf-8")
    (folder / "k_good.html").write_text(f"<html><body><p>{GOOD_TEXT}</p></body></html>", encoding="utf-8")

    docs, rejections = _split(list(read_inputs([folder])))
    assert [d.key for d in docs] == ["a_good", "k_good"]
    reasons = {Path(r.document).name: r.reason for r in rejections}
    assert reasons == {
        "b_empty.txt": "empty",
        "c_blank.md": "empty",
        "d_image.txt": "binary",
        "e_controls.txt": "binary",
        "f_garbled.txt": "encoding",
        "g_huge.txt": "too-large",
        "h_bomb.html.gz": "too-large",
        "i_broken.txt.gz": "format",
        "j_bad.json": "format",
    }
    for rejection in rejections:
        assert rejection.stage == "ingest"
        assert rejection.hint
        assert "\n" not in rejection.message
        assert rejection.document.startswith(str(folder))


def test_max_bytes_is_the_limit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (rejection,) = read_inputs([tmp_path], max_bytes=100)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "too-large"


def test_gzipped_inputs(tmp_path: Path) -> None:
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(GOOD_TEXT.encode("utf-8")))
    record = {"title": "T", "maintext": GOOD_TEXT}
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress((json.dumps(record) + "\n").encode("utf-8") * 2))
    docs, rejections = _split(list(read_inputs([tmp_path])))
    assert not rejections
    assert [(d.key, d.format) for d in docs] == [("dump-1", "record"), ("dump-2", "record"), ("story", "text")]
    assert docs[2].data.decode("utf-8") == GOOD_TEXT


def test_folders_skip_hidden_and_unknown_files_but_explicit_unknown_files_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "README").write_text(GOOD_TEXT, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.htm").write_text(f"<p>{GOOD_TEXT}</p>", encoding="utf-8")

    docs, rejections = _split(list(read_inputs([tmp_path])))
    assert [d.key for d in docs] == ["a", "c"]
    assert not rejections

    docs, rejections = _split(list(read_inputs([tmp_path / "notes.pdf", tmp_path / ".hidden.txt"])))
    assert [d.key for d in docs] == [".hidden"]  # a hidden file named explicitly is read
    assert [(r.document, r.reason) for r in rejections] == [(str(tmp_path / "notes.pdf"), "format")]


def test_keys_are_unique_in_a_batch(tmp_path: Path) -> None:
    for name in ("one", "two", "three"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "story.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "three" / "story.html").write_text(f"<p>{GOOD_TEXT}</p>", encoding="utf-8")
    docs, _ = _split(list(read_inputs([tmp_path])))
    assert [d.key for d in docs] == ["story", "story-2", "story-3", "story-4"]
    assert [Path(d.source).parent.name for d in docs] == ["one", "three", "three", "two"]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    docs, _ = _split(list(read_inputs([tmp_path / "a.txt", tmp_path])))
    assert [d.key for d in docs] == ["a"]


def test_json_lists_and_record_problems(tmp_path: Path) -> None:
    records = [
        {"title": "First", "maintext": GOOD_TEXT},
        "not an object",
        {"title": "No text at all"},
        {"title": "Empty text", "maintext": None, "text": "   "},
        {"headline": "Body field", "body": GOOD_TEXT, "source": "Riverside Post", "date": "2021-03-09"},
    ]
    (tmp_path / "list.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "single.json").write_text(json.dumps(records[0]), encoding="utf-8")
    (tmp_path / "scalar.json").write_text("42", encoding="utf-8")
    docs, rejections = _split(list(read_inputs([tmp_path])))
    assert [d.key for d in docs] == ["list-1", "list-5", "single"]
    assert docs[1].meta_dict() == {
        "title": "Body field",
        "text": GOOD_TEXT.strip(),
        "published": "2021-03-09",
        "outlet": "Riverside Post",
    }
    list_json = tmp_path / "list.json"
    assert [(r.document, r.reason) for r in rejections] == [
        (f"{list_json}#2", "format"),
        (f"{list_json}#3", "format"),
        (f"{list_json}#4", "empty"),
        (str(tmp_path / "scalar.json"), "format"),
    ]


def test_a_missing_path_raises_before_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="no such file"):
        read_inputs([tmp_path / "a.txt", tmp_path / "missing"])


def test_a_single_path_is_a_type_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        read_inputs(str(tmp_path))


def test_decode_bytes() -> None:
    assert decode_bytes("naïve café".encode("utf-8-sig")) == "naïve café"
    assert decode_bytes("naïve café".encode("utf-16-le"), html=False) == "naïve café"
    assert decode_bytes("naïve café".encode("utf-32")) == "naïve café"
    html = b'<html><head><meta charset="iso-8859-1"></head><body>Caf\xe9 \x93quoted\x94</body></html>'
    assert "Café “quoted”" in decode_bytes(html, html=True)  # Latin-1 declared, read as Windows-1252
    with pytest.raises(BinaryInputError):
        decode_bytes(b"text\x00with a NUL byte in the middle")
    with pytest.raises(EncodingError):
        decode_bytes(b"\xef\xbb\xbf" + b"\xff\xfe\xfd" * 10)  # a UTF-8 BOM, then bytes invalid in UTF-8


def test_copies_of_the_seed_folder_read_in_order(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/corpus/seeds is not available")
    shutil.copytree(seeds, tmp_path / "seeds")
    docs, rejections = _split(list(read_inputs([tmp_path / "seeds"])))
    assert not rejections
    assert [d.key for d in docs] == sorted(p.stem for p in seeds.glob("*.txt"))
    assert all(d.format == "text" for d in docs)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_rejected_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    docs, rejections = _split(list(read_inputs([tmp_path])))
    assert [d.key for d in docs] == ["a"]
    assert [(Path(r.document).name, r.reason) for r in rejections] == [("pipe.txt", "unreadable")]


def test_site_name_from_the_page_title_replaces_a_host_name(tmp_path: Path) -> None:
    base = {"title": "Ferry keeps running", "maintext": GOOD_TEXT, "source_domain": "www.harbour.example"}
    records = [
        {**base, "title_page": "Ferry keeps running | Harbour Gazette"},
        {**base, "title_page": "Ferry keeps running - Harbour Gazette"},
        {**base, "title_page": "Another headline | Harbour Gazette"},  # not this article's title: no site name
        {**base, "title_page": None},
        {**base, "title_page": "Ferry keeps running | Harbour Gazette", "source_domain": "Harbour Weekly"},
    ]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    docs, _ = _split(list(read_inputs([tmp_path])))
    assert [d.meta_dict()["outlet"] for d in docs] == [
        "Harbour Gazette",
        "Harbour Gazette",
        "www.harbour.example",
        "www.harbour.example",
        "Harbour Weekly",
    ]


def test_a_symlink_loop_in_a_folder_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    """Links that point at each other (issue 15: Path.resolve() raised 'Symlink loop' and the run aborted)."""
    (tmp_path / "good.txt").write_text("The council met on Monday and approved the budget. " * 20, encoding="utf-8")
    os.symlink(tmp_path / "loop-b.txt", tmp_path / "loop-a.txt")
    os.symlink(tmp_path / "loop-a.txt", tmp_path / "loop-b.txt")
    items = list(read_inputs([tmp_path]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    rejected = {Path(i.document).name: i for i in items if isinstance(i, Rejection)}
    assert [d.key for d in docs] == ["good"]
    assert set(rejected) == {"loop-a.txt", "loop-b.txt"}
    assert all("symbolic links" in r.message for r in rejected.values())


def test_a_csv_field_over_the_csv_module_limit_does_not_end_the_file(tmp_path: Path) -> None:
    """A 300 KB text field (csv's default limit is 128 KB) once ended the file there without a word (issue 15)."""
    import csv

    path = tmp_path / "batch.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text"])
        writer.writerow(["Long", "The council met on Monday. " * 11_000])
        writer.writerow(["Short", GOOD_TEXT])
    items = list(read_inputs([path]))
    assert [i.key for i in items if isinstance(i, RawDocument)] == ["batch-1", "batch-2"]
    assert not [i for i in items if isinstance(i, Rejection)]


def test_a_stray_quote_in_a_csv_row_keeps_the_rows_after_it(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(f'title,text\nFirst,"{GOOD_TEXT}"\nBad,"x"y"\nThird,"{GOOD_TEXT}"\n', encoding="utf-8")
    items = list(read_inputs([path]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    titles = [dict(d.meta).get("title") for d in docs]
    assert (titles[0], titles[-1]) == ("First", "Third")


def test_a_parquet_file_that_aborts_the_reader_is_one_rejection(tmp_path: Path) -> None:
    """One byte changed in a valid file (found by fuzzing, issue 15) makes polars' Rust reader abort the process
    ("memory allocation of 2305843009213693952 bytes failed", SIGABRT with polars 1.44): the file is read in a child
    process, so it is one format rejection, and the next file is read by a new child."""
    from .fuzz.targets import parquet_bytes

    valid = parquet_bytes("Bridge\x00" + GOOD_TEXT)
    damaged = bytearray(valid)
    damaged[44] = 0x11
    (tmp_path / "damaged.parquet").write_bytes(bytes(damaged))
    (tmp_path / "valid.parquet").write_bytes(valid)
    items = list(read_inputs([tmp_path / "damaged.parquet", tmp_path / "valid.parquet"]))
    assert [(i.document, i.reason) for i in items if isinstance(i, Rejection)] == [
        (str(tmp_path / "damaged.parquet"), "format")
    ]
    assert items[0].message.startswith("cannot read the Parquet file: ")
    assert [i.key for i in items if isinstance(i, RawDocument)] == ["valid-1"]


def test_parquet_rows_and_text_are_limited(tmp_path: Path) -> None:
    """A small Parquet file can hold millions of rows (issue 15: 7 KB, 2,000,000 rows, 3.2 GB decoded): over
    MAX_PARQUET_ROWS it is rejected from its metadata; past the input limit in text, reading stops with a rejection."""
    import polars as pl

    from parallax.sources import records

    many = tmp_path / "many.parquet"
    rows = records.MAX_PARQUET_ROWS + 1
    pl.DataFrame({"title": ["t"] * rows, "text": ["x"] * rows}).write_parquet(many)
    assert many.stat().st_size < 100_000
    (rejection,) = list(read_inputs([many]))
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "too-large"
    assert "rows" in rejection.message

    wide = tmp_path / "wide.parquet"
    pl.DataFrame({"title": ["t"] * 40, "text": [GOOD_TEXT * 20] * 40}).write_parquet(wide)
    limit = len(GOOD_TEXT * 20) * 10 + 100
    items = list(read_inputs([wide], max_bytes=limit))
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) == 10
    assert isinstance(items[-1], Rejection)
    assert items[-1].reason == "too-large"
    assert "row 11" in items[-1].message
