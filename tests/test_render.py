"""The Markdown and HTML renderers, on the hand-made Report of tests/test_report.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from parallax.errors import ConfigError
from parallax.models import (
    AnnotatedArticle,
    Article,
    Fact,
    FactMention,
    LoadedTerm,
    Quote,
    Report,
    Sentence,
    Story,
    StoryAnalysis,
)
from parallax.report import render, to_dict
from parallax.report.html import render_html
from parallax.report.markdown import render_markdown
from tests.test_report import PAYLOAD, build_report

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report()


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def data(report: Report) -> dict[str, Any]:
    return to_dict(report)


class Page(HTMLParser):
    """Checks that the elements nest properly and collects ids, links, styles and each article's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self.texts: dict[str, str] = {}  # article section id -> the text of its .text div, without fact labels
        self.elements: dict[str, tuple[str, dict[str, str]]] = {}
        self.inner: dict[str, str] = {}  # element id -> its text content
        self.links_in: dict[str, list[str]] = {}  # element id -> hrefs inside it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for k, v in a.items():
            self.attrs.append((tag, k, v))
        if "id" in a:
            self.ids.append(a["id"])
            self.elements[a["id"]] = (tag, a)
            self.inner.setdefault(a["id"], "")
        if "href" in a:
            self.hrefs.append(a["href"])
            for _, outer in self.stack:
                if "id" in outer:
                    self.links_in.setdefault(outer["id"], []).append(a["href"])
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "style":
            self.styles.append(data)
        in_fref = any("fref" in a.get("class", "").split() for _, a in self.stack)
        for _, a in self.stack:
            if "id" in a:
                self.inner[a["id"]] += data
        if in_fref:
            return
        texts = [i for i, (_, a) in enumerate(self.stack) if a.get("class") == "text"]
        if texts:
            section = next(a["id"] for _, a in reversed(self.stack[: texts[-1]]) if a.get("class") == "art")
            self.texts[section] = self.texts.get(section, "") + data


def _parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == [], [t for t, _ in parser.stack]
    return parser


# --- Markdown -----------------------------------------------------------------------------------------------------


def test_markdown_has_summary_table_and_escapes(report: Report, data: dict[str, Any]) -> None:
    md = render_markdown(report)
    for story in data["stories"]:
        assert f"## {data['stories'].index(story) + 1}. {story['title']}" in md
        for x in story["summary"]:
            assert f"- {x['text']}" in md
    assert "| Fact | Harbor Daily | Coastal Wire |" in md
    assert "|---|:-:|:-:|:-:|:-:|" in md
    assert "✓ only here" in md
    assert "✓ copy" in md
    assert "[Harbor Daily] [Coastal Wire]" in md
    assert "<script>" not in md
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "closes Marrow Bay \\| port" in md  # a pipe in a cell cannot split the table
    assert "Council approves \\*transit\\* budget" in md
    assert "**Lena Ortiz**" in md
    assert "“We will reopen the terminals once the cranes are safe,”" in md
    assert "### Conflicts" in md
    assert "— **45**" in md
    assert "- **2025-06** (month):" in md
    assert "## Rejections" in md
    assert "## Duplicates" in md
    assert render_markdown(report) == md


def test_markdown_tables_have_even_columns(report: Report) -> None:
    table: list[int] = []
    for line in [*render_markdown(report).splitlines(), ""]:
        if line.startswith("|"):
            table.append(len(re.findall(r"(?<!\\)\|", line)))
        elif table:
            assert len(set(table)) == 1, table
            table = []


def test_markdown_of_an_empty_report() -> None:
    md = render(Report(articles=(), stories=()), "markdown")
    assert md.startswith("# Parallax coverage report\n")
    assert "**0** articles" in md


# --- HTML ---------------------------------------------------------------------------------------------------------


def test_html_parses_and_ids_are_unique(page: str) -> None:
    parsed = _parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert len(parsed.ids) == len(set(parsed.ids))
    for href in parsed.hrefs:
        if href.startswith("#"):
            assert href[1:] in parsed.ids, f"dangling link {href}"


def test_html_requests_nothing_from_outside(page: str) -> None:
    parsed = _parse(page)
    for tag, name, value in parsed.attrs:
        if name in ("src", "href", "action", "formaction", "poster", "srcset", "data", "background", "cite"):
            assert value.startswith(("#", "data:")), f"<{tag} {name}={value!r}>"
        assert not name.startswith("on"), f"event handler <{tag} {name}>"
    css = "".join(parsed.styles)
    assert "@import" not in css
    assert "url(" not in css
    assert not re.search(r"(?:src|href|action)\s*=\s*[\"']?\s*(?:https?:)?//", page, re.I)
    assert "<script" not in page.lower()
    assert "news.example/harbor-daily" in page  # an article's URL is shown as text, never linked


def test_html_csp_allows_only_the_own_stylesheet(page: str) -> None:
    parsed = _parse(page)
    metas = [a for tag, name, a in parsed.attrs if tag == "meta" and name == "content"]
    csp = next(m for m in metas if "default-src" in m)
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="[^"]+">', page)
    assert "default-src 'none'" in csp
    assert "script-src 'none'" in csp
    assert "img-src data:" in csp
    digest = base64.b64encode(hashlib.sha256("".join(parsed.styles).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert page.index("Content-Security-Policy") < page.index("<style>")
    assert ' style="' not in page  # inline style attributes would need 'unsafe-inline'


def test_html_escapes_every_payload(page: str) -> None:
    assert PAYLOAD not in page
    assert f"Storm {ESCAPED} closes Marrow Bay | port" in page  # a title
    assert f"Bay {ESCAPED} Gazette" in page  # an outlet
    assert f"Ships are stuck out there {ESCAPED}," in page  # a quote, in the quotes block and the article text
    assert f"no article text in {ESCAPED}" in page  # a rejection
    assert "T. Reyes &amp; K. Lind" in page


def test_html_article_text_is_shown_exactly(page: str, report: Report) -> None:
    parsed = _parse(page)
    for a in report.articles:
        assert parsed.texts[f"article-{a.id}"] == a.article.text


def test_html_fact_sentences_and_rows_link_both_ways(page: str, data: dict[str, Any]) -> None:
    parsed = _parse(page)
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for story in data["stories"]:
        for f in story["facts"]:
            row = f"fact-{f['id']}"
            assert parsed.elements[row][0] == "tr"
            for m in f["mentions"]:
                sid = f"a-{m['article']}-s-{m['index']}"
                tag, attrs = parsed.elements[sid]
                assert tag == "span"
                assert {"s", "fact"} <= set(attrs["class"].split())
                assert f"#{row}" in parsed.links_in[sid]
                assert f"#{sid}" in parsed.links_in[row]
                assert parsed.inner[sid].startswith(texts[m["article"]][m["start"] : m["end"]])
    # Exclusive facts are marked in the matrix and in the text.
    assert "only" in parsed.elements["a-harbor-daily-s-3"][1]["class"].split()
    assert 'class="cell only"' in page
    assert 'class="cell copy"' in page


def test_html_marks_quotes_terms_conflicts_and_variants(page: str) -> None:
    parsed = _parse(page)
    assert 'class="q" title="quote · Lena Ortiz (direct)">We will reopen the terminals once' in page
    assert 'class="lt" title="loaded term · emotive">devastating blow</span>' in page
    assert "<mark>40</mark>" in page
    assert "<mark>45</mark>" in page
    assert "<mark>210 million</mark>" in page
    assert "<ins>once</ins> " in page
    assert "<ins>our</ins> " in page
    assert '<time datetime="2025-06">June 2025</time>' in page
    assert '<time datetime="2024-03-10">10 March 2024</time>' in page
    assert "Syndicated copy of" in parsed.inner["article-bay-gazette"]
    assert "Reuters" in parsed.inner["story-story-transit"]


def test_html_is_stable(report: Report, page: str) -> None:
    assert render_html(build_report()) == page
    assert render(report, "html") == page


def test_unknown_format_raises_config_error(report: Report) -> None:
    with pytest.raises(ConfigError):
        render(report, "pdf")


def _awkward_report() -> Report:
    """Messy annotations: an id that is not a valid HTML id, a quote across two sentences, overlapping and
    out-of-range spans, an article with no sentence records, an article in no story."""
    text = "First claim here. “Second part,\n\nand more,” she said. Last one <b>bold</b>."
    aid = "odd id/ü"
    s0, s1, s2 = text.index("First"), text.index("“Second"), text.index("Last")
    sentences = (
        Sentence(aid, 0, s0, text.index(" “Second"), "First claim here."),
        Sentence(aid, 1, s1, text.index(" Last"), text[s1 : text.index(" Last")], 1),
        Sentence(aid, 2, s2, len(text), text[s2:], 1),
        Sentence(aid, 3, 5, 12, "overlap", 0),  # overlaps sentence 0: dropped from the view, never duplicated
    )
    quote = Quote(aid, "claim here. “Second", text.index("claim"), text.index(" part"), 0, "direct", "Ann")
    terms = (
        LoadedTerm("here", text.index("here"), text.index("here") + 4, 0, "x"),
        LoadedTerm("bogus", 70, 900, 2, "out of range"),
    )
    odd = AnnotatedArticle(
        Article(aid, "x", text, title="Odd", outlet=None), sentences, quotes=(quote,), loaded_terms=terms
    )
    bare_text = "No sentences were recorded. But a fact was."
    bare = AnnotatedArticle(Article("bare", "y", bare_text, outlet="Bare News"))
    loose = AnnotatedArticle(Article("loose", "z", "Alone.", outlet="Bare News"))
    fact = Fact(
        "f1",
        "s",
        "claim",
        (
            FactMention(aid, 0, "First claim here.", 0, 17),
            FactMention("bare", 1, "But a fact was.", 28, len(bare_text)),
        ),
        (aid, "bare"),
        (aid, "bare"),
    )
    story = StoryAnalysis(Story("s", (aid, "bare", "missing")), facts=(fact,))
    return Report(articles=(odd, bare, loose), stories=(story,))


def test_html_survives_messy_annotations() -> None:
    report = _awkward_report()
    page = render_html(report)
    parsed = _parse(page)
    assert len(parsed.ids) == len(set(parsed.ids))
    for href in parsed.hrefs:
        assert href == "data:," or href[1:] in parsed.ids, href
    for a in report.articles:
        section = "article-" + "".join(
            c if c.isascii() and (c.isalnum() or c in "_.-") else f"~{ord(c):06x}" for c in a.id
        )
        assert parsed.texts[section] == a.article.text
    assert "a-bare-s-1" in parsed.ids  # a fact sentence the article's records lack still gets its anchor
    assert "Bare News #1" in page  # two articles of one outlet, without headlines or sentences: numbered
    assert "Bare News #2" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    json.loads(render(report, "json"))
    render_markdown(report)


@pytest.mark.slow
def test_chromium_loads_the_page_without_policy_violations(page: str, tmp_path: Path) -> None:
    """A real browser applies the page's CSP: the stylesheet's hash must match, and nothing else may load."""
    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    if browser is None:
        pytest.skip("no Chromium on PATH")
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
    done = subprocess.run(
        [*args, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Content Security Policy" not in done.stderr
    assert 'id="fact-f-closed"' in done.stdout
    assert "<script" not in done.stdout
