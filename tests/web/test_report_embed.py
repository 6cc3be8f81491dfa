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
    assert page.split("<body>\n", 1)[1].rsplit("</body>", 1)[0] == str(body)
    aside = render_report_body(report, aside=Markup('<p id="aside">charts</p>'))
    assert str(aside).replace('<p id="aside">charts</p>', "") == str(body)
    assert str(aside).index('id="aside"') > str(aside).index("</header>")


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
