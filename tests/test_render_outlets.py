"""The reports show how each outlet tells the story (example corpus): tone, omissions, provenance, older reporting."""

from __future__ import annotations

from parallax import Report
from parallax.report import to_dict
from parallax.report.html import render_html
from parallax.report.markdown import render_markdown
from tests.test_render import _parse


def test_markdown_shows_tone_omissions_provenance_and_older_reporting(example_report: Report) -> None:
    md = render_markdown(example_report)
    for heading in ("### Tone toward the main entities", "### Omissions and exclusives", "### Provenance"):
        assert heading in md
    older = "> **Older reporting:** Northline News Service: Chemical leak at Korvane chip plant…: published 2024-02-15"
    assert older in md
    assert "Industry Minister (5 articles) vs Economy Minister (1 article)" in md
    assert "Petra Hollis" in md.split("### Tone toward the main entities")[1]


def test_html_sections_link_to_existing_sentences(example_report: Report) -> None:
    page = render_html(example_report)
    parsed = _parse(page)
    assert not parsed.errors
    for href in parsed.hrefs:
        if href.startswith("#"):
            assert href[1:] in parsed.ids, f"dangling link {href}"
    for marker in ('class="block entity-tone"', 'class="block omissions"', 'class="block provenance"'):
        assert marker in page
    assert 'class="recycled"' in page
    data = to_dict(example_report)
    # every sentence behind a tone score is linked from the tone table
    for story in data["stories"]:
        for tone in story["tone"]:
            for sentence in tone["sentences"]:
                assert f'href="#a-{tone["article"]}-s-{sentence["index"]}"' in page
