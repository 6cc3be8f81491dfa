"""The library API as a notebook or a plain script uses it: inputs of every kind in one call, the encoder as a
keyword, progress and logs of every stage, a short repr, and a script without a main guard (run as a subprocess)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import parallax
from parallax import Article, InputError, ModelError, Report
from parallax.embed import get_encoder
from parallax.embed.base import Matrix
from parallax.engine.stages import embed_sentences
from parallax.models import StoryAnalysis

from .conftest import EXAMPLES, ROOT

# Two English reports of one event, and a German one (the language check must refuse it, whichever way it comes).
LEDE = (
    "The council of Springfield voted on Tuesday to approve a new public library, a project that will cost about "
    "12 million dollars over the next three years, the mayor said in a statement to reporters."
)
OTHER = (
    "Springfield's council approved a new public library on Tuesday. The project will cost about 12 million dollars "
    "over the next three years, according to the mayor, who spoke to reporters after the vote in the evening."
)
GERMAN = (
    "Der Stadtrat von Springfield hat am Dienstag beschlossen, eine neue Bibliothek zu bauen. Das Projekt wird in "
    "den nächsten drei Jahren etwa zwölf Millionen Dollar kosten, sagte der Bürgermeister den Reportern nach der "
    "Abstimmung am Abend."
)
NEWS_PLEASE = {
    "maintext": OTHER,
    "title": "Library approved",
    "date_publish": "2024-05-01 10:00:00",
    "source_domain": "ledger.example",
    "url": "https://ledger.example/2024/library-approved.html",
    "authors": ["Ann Lee"],
}
TRAFILATURA = {
    "text": LEDE,
    "title": "Council backs library",
    "date": "2024-05-01",
    "sitename": "Evening Post",
    "hostname": "post.example",
    "url": "https://post.example/library",
}
HTML = (
    "<html><head><title>Library vote</title></head><body><article><h1>Library vote</h1>"
    f"<p>{LEDE}</p><p>{OTHER}</p></article></body></html>"
)


@pytest.fixture(scope="module")
def mixed() -> Report:
    """One call with every kind of input (the encoder named by keyword)."""
    return parallax.analyze(
        [
            LEDE,  # text #1
            NEWS_PLEASE,
            TRAFILATURA,
            Article(id="a4", source="notebook", text=OTHER, title="Library", outlet="Herald"),
            HTML,  # text #5
            GERMAN,  # text #6
            Article(id="de7", source="", text=GERMAN),
            {"title": "no text here"},  # record #8
            EXAMPLES / "corpus" / "04_dunmere_courier.txt",
            str(EXAMPLES / "corpus" / "02_daily_lantern.html"),
        ],
        encoder="static",
    )


def test_every_kind_of_input_in_one_call(mixed: Report) -> None:
    by_id = {a.id: a.article for a in mixed.articles}
    assert set(by_id) == {
        "text-1",
        "library-approved",
        "library",
        "a4",
        "text-5",
        "04_dunmere_courier",
        "02_daily_lantern",
    }
    assert by_id["text-1"].source == "text #1"
    assert by_id["library-approved"].published == "2024-05-01T10:00:00"
    assert by_id["library-approved"].byline == "Ann Lee"
    assert by_id["library"].outlet == "Evening Post"
    assert by_id["library"].url == "https://post.example/library"
    assert (by_id["a4"].source, by_id["a4"].outlet, by_id["a4"].title) == ("notebook", "Herald", "Library")
    assert by_id["text-5"].format == "html"
    assert by_id["text-5"].title == "Library vote"
    rejected = {(r.document, r.stage, r.reason) for r in mixed.rejections}
    assert rejected == {
        ("text #6", "extract", "language"),
        ("article de7", "extract", "language"),
        ("record #8 (no text here)", "ingest", "format"),
    }


def test_analyze_articles_checks_the_language() -> None:
    report = parallax.analyze_articles(
        [Article(id="de", source="", text=GERMAN), Article(id="en", source="x", text=LEDE)], encoder="static"
    )
    assert [a.id for a in report.articles] == ["en"]
    (rejection,) = report.rejections
    assert (rejection.document, rejection.stage, rejection.reason) == ("article de", "extract", "language")
    assert "'de'" in rejection.message
    assert "German" in rejection.message


def test_ingest_articles_checks_the_language(tmp_path: Path) -> None:
    from parallax.engine import ingest_articles

    with parallax.open_store(tmp_path / "news.db") as store:
        result = ingest_articles(
            store, [Article(id="de", source="", text=GERMAN), Article(id="en", source="x", text=LEDE)]
        )
    assert [(r.document, r.reason) for r in result.rejections] == [("article de", "language")]


@pytest.mark.parametrize("name", ["missing.jsonl", "corpus/missing", "no such folder", "nothing"])
def test_a_string_that_looks_like_a_path_must_exist(name: str) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        parallax.analyze([LEDE, name])


def test_strings_told_apart() -> None:
    from parallax.sources import input_kind

    assert input_kind(str(EXAMPLES / "corpus")) == "path"
    assert input_kind("https://example.com/a.html") == "path"
    assert input_kind("-") == "path"
    assert input_kind(LEDE) == "text"
    assert input_kind("Headline\nOne short line") == "text"
    assert input_kind("<p>short</p>") == "text"
    assert input_kind('{"maintext": "x"}') == "text"
    assert input_kind({"text": "x"}) == "record"
    assert input_kind(Article(id="a", source="", text="x")) == "article"
    with pytest.raises(TypeError, match="an input is a bytes"):
        input_kind(b"text")


def test_one_input_alone_and_keys_unique() -> None:
    alone = parallax.analyze(LEDE, encoder="static")
    assert [a.id for a in alone.articles] == ["text-1"]
    # an Article whose id is taken by a file of the same batch is renamed, never merged with it
    twice = parallax.analyze(
        [EXAMPLES / "corpus" / "04_dunmere_courier.txt", Article(id="04_dunmere_courier", source="mine", text=OTHER)],
        encoder="static",
    )
    assert sorted(a.id for a in twice.articles) == ["04_dunmere_courier", "04_dunmere_courier-2"]


def test_text_holding_json_records() -> None:
    import json

    report = parallax.analyze([json.dumps([NEWS_PLEASE, TRAFILATURA])], encoder="static")
    assert sorted(a.article.source for a in report.articles) == ["text #1#1", "text #1#2"]


class CountingEncoder:
    """A user's own encoder: MiniLM, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.texts = 0
        self.inner = get_encoder("minilm")

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.texts += len(texts)
        return self.inner.encode(texts)


def test_encoder_keyword() -> None:
    encoder = CountingEncoder()
    report = parallax.analyze([LEDE, OTHER], encoder=encoder)
    assert len(report.stories) == 1
    assert encoder.texts > 0
    with pytest.raises(ModelError, match="unknown sentence encoder"):
        parallax.analyze([LEDE], encoder="nope")
    with pytest.raises(TypeError, match="encoder must be"):
        parallax.analyze([LEDE], encoder=42)  # type: ignore[arg-type]
    # the keyword overrides the settings' encoder, the other settings stay
    settings = parallax.Settings(encoder="minilm", max_bytes=100)
    small = parallax.analyze([LEDE], settings=settings, encoder="static")
    assert [r.reason for r in small.rejections] == ["too-large"]


@pytest.fixture(scope="module")
def watched() -> tuple[Report, list[tuple[str, int, int]], list[logging.LogRecord]]:
    """The example corpus analysed with a progress callback and the library's log captured."""
    events: list[tuple[str, int, int]] = []
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("parallax")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        report = parallax.analyze([EXAMPLES / "corpus"], progress=lambda *event: events.append(event))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return report, events, records


def test_progress_for_every_stage(watched: tuple[Report, list[tuple[str, int, int]], list[logging.LogRecord]]) -> None:
    report, events, _ = watched
    stages = [stage for stage, _, _ in events]
    assert {"ingest", "extract", "annotate", "group", "embed", "compare"} <= set(stages)
    embed = [(done, total) for stage, done, total in events if stage == "embed"]
    total = embed[0][1]
    assert total > 0
    assert embed[0] == (0, total)
    assert embed[-1] == (total, total)
    assert [done for done, _ in embed] == sorted(done for done, _ in embed)
    assert events[-1] == ("compare", len(report.stories), len(report.stories))


def test_a_log_line_per_stage(
    watched: tuple[Report, list[tuple[str, int, int]], list[logging.LogRecord]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, records = watched
    lines = [r.getMessage() for r in records if r.levelno == logging.INFO and r.name.startswith("parallax.")]
    for stage in ("ingest", "extract", "annotate", "group", "embed", "compare"):
        assert any(re.match(rf"{stage} took \d+\.\d s: \d+ ", line) for line in lines), (stage, lines)
    assert capsys.readouterr().out == ""  # the library logs, never prints


def test_embed_advances_per_batch_with_the_same_vectors() -> None:
    report = parallax.analyze([EXAMPLES / "corpus"], encoder="static")
    articles = list(report.articles)
    encoder = get_encoder("minilm")
    steps: list[int] = []
    counted = embed_sentences(articles, encoder, advance=steps.append)
    plain = embed_sentences(articles, encoder)
    # each distinct sentence text is embedded (and counted) once; every sentence still gets its vector
    assert sum(steps) == len({s.text for a in articles for s in a.sentences})
    assert all(len(counted[a.id]) == len(a.sentences) for a in articles)
    assert len(steps) > 1  # per batch of the encoder, not once at the end
    assert all(np.array_equal(counted[k], plain[k]) for k in plain)


def test_repr_is_short(watched: tuple[Report, list[tuple[str, int, int]], list[logging.LogRecord]]) -> None:
    report, _, _ = watched
    text = repr(report)
    assert len(text) < 400
    assert text.startswith(f"Report({len(report.articles)} articles, {len(report.stories)} stories")
    assert report.stories[0].story.title[:20] in text
    assert len(repr(report.stories[0])) < 300
    assert len(repr(report.stories[0].story)) < 200
    html = report._repr_html_()
    assert html.startswith("<table>")
    assert html.count("<tr>") == len(report.stories) + 1
    assert "examples/corpus" not in html  # outlets, else file names: never the folders of this machine
    story_html = report.stories[0]._repr_html_()
    assert story_html.count("<tr>") == min(len(report.stories[0].facts), 20) + 1 + (len(report.stories[0].facts) > 20)


def test_repr_html_escapes() -> None:
    story = parallax.Story(id="s1", articles=("a",), title="<script>alert(1)</script> & more")
    report = Report(articles=(), stories=(StoryAnalysis(story=story),))
    html = report._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; more" in html
    assert report == Report(articles=(), stories=(StoryAnalysis(story=story),))  # equality untouched


# --- a plain script without a main guard ---------------------------------------------------------------------------

CITIES = ["Springfield", "Riverton", "Lakeside", "Hillview", "Oakdale", "Brookfield", "Fairmont", "Westport"]
TOPICS = ["a new library", "the bridge repair", "a school budget", "the water plant", "a bus route"]


def _write_articles(folder: Path, n: int) -> None:
    """``n`` small English articles, four outlets per event."""
    folder.mkdir()
    for i in range(n):
        event, outlet = divmod(i, 4)
        city, topic = CITIES[event % len(CITIES)], TOPICS[event % len(TOPICS)]
        text = (
            f"Council approves {topic} in {city}\n\n"
            f"The council of {city} voted on Tuesday to approve {topic}, a project that will cost about "
            f"{10 + event * 3} million dollars over the next three years.\n\n"
            f"The mayor said the vote was a good day for the people of {city} and that work would start in the "
            f"spring. Members of the council argued for {2 + outlet} hours before the final vote was taken.\n\n"
            f"Critics said that the money could have been spent on other things, and some residents asked for a "
            f"public meeting before any contract is signed."
        )
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")


def _run_script(folder: Path, body: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``body`` run as a plain script (no main guard) in a fresh interpreter, with this checkout's sources."""
    script = folder / "unguarded.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300, cwd=folder, env=env
    )


@pytest.mark.slow
def test_script_without_main_guard_finishes(tmp_path: Path) -> None:
    """``import parallax; parallax.analyze([...])`` at a script's top level, on a batch large enough for the
    annotate workers (spawned processes must not re-run the script: before, each worker did, and failed)."""
    _write_articles(tmp_path / "articles", 120)
    done = _run_script(
        tmp_path,
        """
        import sys
        import parallax

        print("started", flush=True)  # once: a worker that re-ran this script would print it again
        report = parallax.analyze([sys.argv[1]], settings=parallax.Settings(processes=2), encoder="static")
        parallax.write(report, sys.argv[2], "md")
        print("articles", len(report.articles), "rejected", len(report.rejections))
        """,
        str(tmp_path / "articles"),
        str(tmp_path / "report.md"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["started", "articles 120 rejected 0"]
    assert (tmp_path / "report.md").stat().st_size > 0


@pytest.mark.slow
def test_annotate_pool_and_parquet_reader_without_main_guard(tmp_path: Path) -> None:
    """The other spawned children: ``annotate``'s pool (``n_process``) and the Parquet reader."""
    done = _run_script(
        tmp_path,
        f"""
        import polars as pl
        import parallax
        from parallax.annotate import annotate

        print("started", flush=True)
        articles = [parallax.Article(id=f"a{{i}}", source="x", text={LEDE!r}) for i in range(70)]
        print("annotated", len(list(annotate(articles, n_process=2))))
        pl.DataFrame({{"maintext": [{LEDE!r}, {OTHER!r}], "title": ["A", "B"]}}).write_parquet("news.parquet")
        print("parquet", len(parallax.analyze(["news.parquet"], encoder="static").articles))
        """,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:3] == ["started", "annotated 70", "parquet 2"]
