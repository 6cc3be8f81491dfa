"""The report body the web app embeds is the HTML report's body, byte for byte; one article drawn alone is the
same markup as in the report, its in-page links pointed at the page that holds the report."""

from __future__ import annotations

import re

from markupsafe import Markup

from parallax.report.html import render_article_html, render_html, render_report_body
from tests.test_report import build_report


def test_body_is_the_reports_body() -> None:
    report = build_report()
    page = render_html(report)
    body = render_report_body(report)
    standalone = page.split("<body>\n", 1)[1].rsplit("</body>", 1)[0]
    # the same body after the masthead; the masthead of the standalone file adds its batch line (counts, version)
    assert standalone.split("</header>\n", 1)[1] == str(body).split("</header>\n", 1)[1]
    assert 'class="meta batch"' in standalone
    assert 'class="meta batch"' not in str(body)
    links, charts = Markup('<p id="aside">links</p>'), Markup('<p id="more">charts</p>')
    aside = render_report_body(report, aside=links, details=charts)
    assert str(aside).replace('<p id="aside">links</p>', "").replace('<p id="more">charts</p>', "") == str(body)
    assert str(aside).index('id="aside"') > str(aside).index("</header>")
    # the host's charts go first in the story's details, after the answers (agreement, disputes, exclusives)
    assert str(aside).index('id="more"') > str(aside).index('class="block who"')


def test_one_article_as_in_the_report() -> None:
    report = build_report()
    page = render_html(report)
    for a in report.articles:
        alone = render_article_html(report, a.article.id, base="/stories/s")
        assert alone is not None
        same_here = str(render_article_html(report, a.article.id))
        assert same_here in page
        assert re.sub(r'href="/stories/s#', 'href="#', str(alone)) == same_here
        assert 'href="#' not in str(alone)
    assert render_article_html(report, "no-such-article") is None
