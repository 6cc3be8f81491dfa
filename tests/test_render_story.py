"""The HTML report answers first (issue 17): who covered it, what outlets agree on, what is disputed, figures that
differ, what only one outlet says, then the details; agreement is made of facts only (same-claim matches), with
related sentences named apart and never counted; counts name articles and outlets; no batch clutter on a story."""

from __future__ import annotations

import copy
import re

from markupsafe import escape

from parallax.report import to_dict
from parallax.report.html import render_html, render_report_body
from tests.test_report import build_report


def _sections(page: str, anchor: str) -> list[int]:
    parts = ["who", "agreed", "disputed", "figures", "only", "details"]
    return [page.index(f'id="{anchor}-{p}"') for p in parts if f'id="{anchor}-{p}"' in page]


def test_answers_come_before_the_details() -> None:
    page = render_html(build_report())
    data = to_dict(build_report())
    for story in data["stories"]:
        anchor = f"story-{story['id']}"
        found = _sections(page, anchor)
        assert found == sorted(found)
        assert len(found) >= 3
        # the table of contents links to each section there is
        toc = page[page.index(f'id="{anchor}-h"') :].split("</nav>", 1)[0]
        for part in ("who", "details"):
            assert f'href="#{anchor}-{part}"' in toc
    assert page.index('class="skip"') < page.index('<header class="masthead">')


def test_agreement_is_facts_that_several_articles_state() -> None:
    data = to_dict(build_report())
    page = str(render_report_body(data))
    for story in data["stories"]:
        agreed = page.split(f'id="story-{story["id"]}-agreed"', 1)[1].split("</section>", 1)[0]
        several = [f for f in story["facts"] if len(f["sources"]) > 1]
        for x in story["summary"]:
            fact = next((f for f in story["facts"] if f["id"] == x["fact"]), None)
            shown = f"<li>{escape(x['text'])}\n" in agreed
            # agreement: a fact several articles state, of which the sentence cites (links surely) two or more
            cited = fact is not None and len(set(x["sources"]) & set(fact["sources"])) >= 2
            assert shown == (fact in several and not x["exclusive"] and cited), x["text"]


def test_articles_linked_less_surely_are_named_apart_and_not_counted() -> None:
    from parallax.report.load import from_dict
    from parallax.report.markdown import render_markdown

    data = copy.deepcopy(to_dict(build_report()))
    story = data["stories"][0]
    line = next(x for x in story["summary"] if len(x["sources"]) >= 3)
    dropped = next(a for a in line["sources"] if a != line["article"])
    before = str(render_report_body(data)).split(f'id="story-{story["id"]}-agreed"', 1)[1].split("</section>")[0]
    line["sources"] = [a for a in line["sources"] if a != dropped]
    line["unsure"] = [dropped]
    agreed = str(render_report_body(data)).split(f'id="story-{story["id"]}-agreed"', 1)[1].split("</section>")[0]
    item = agreed.split(f"<li>{escape(line['text'])}", 1)[1].split("</li>", 1)[0]
    assert "Linked less surely, not counted:" in item
    label = next(a["label"] for a in data["articles"] if a["id"] == dropped)
    assert str(escape(label)) in item.split("Linked less surely", 1)[1]
    old = before.split(f"<li>{escape(line['text'])}", 1)[1].split("</li>", 1)[0]
    count = re.compile(r"(\d+) (?:outlets?|articles?):")
    assert int(count.search(item).group(1)) == int(count.search(old).group(1)) - 1  # type: ignore[union-attr]
    markdown = render_markdown(from_dict(data))
    assert "linked less surely, not counted:" in markdown


def test_related_sentences_are_named_apart_and_not_counted() -> None:
    data = copy.deepcopy(to_dict(build_report()))
    story = data["stories"][0]
    fact = next(f for f in story["facts"] if f["id"] == story["summary"][0]["fact"])
    outsider = data["stories"][1]["articles"][0]  # an article that does not state the fact
    plain = str(render_report_body(data))
    fact["related"] = [{"article": outsider, "index": 0, "text": "a related sentence", "confidence": 0.5}]
    page = str(render_report_body(data))
    agreed = page.split(f'id="story-{story["id"]}-agreed"', 1)[1].split("</section>", 1)[0]
    counts = re.findall(r"(\d+) (?:outlets?|articles?):", agreed)
    assert counts == re.findall(
        r"(\d+) (?:outlets?|articles?):", plain.split(f'id="story-{story["id"]}-agreed"', 1)[1].split("</section>")[0]
    )  # the related sentence changes no count
    assert "Related, not counted:" in agreed
    row = page.split(f'id="fact-{fact["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="cell related"' in row
    assert "Related, not counted:" in row


def test_only_one_outlet_shows_each_exclusive_fact_with_its_text() -> None:
    data = to_dict(build_report())
    page = render_html(build_report())
    for story in data["stories"]:
        for aid, fids in story["exclusives"].items():
            for fid in fids:
                fact = next(f for f in story["facts"] if f["id"] == fid)
                row = page.split(f'<tr id="fact-{fid}">', 1)[1].split("</tr>", 1)[0]
                assert fact["text"].replace("<", "&lt;").replace(">", "&gt;").split("&")[0] in row
                assert f'href="#a-{aid}-s-' in row
            assert (f'id="only-{story["id"]}-{aid}"' in page) == bool(fids)


def test_counts_name_articles_and_outlets() -> None:
    page = render_html(build_report())
    assert "4 articles from 4 outlets" in page
    assert "2 articles from 2 outlets" in page


def test_a_story_page_has_no_batch_clutter_and_the_file_a_short_line() -> None:
    report = build_report()
    one = to_dict(report)
    one["stories"] = one["stories"][:1]  # a story's page: its report holds that story alone
    masthead = str(render_report_body(one)).split("</header>", 1)[0]
    assert "Storm closes the port of Marrow Bay</h1>" in masthead
    assert "4 articles from 4 outlets · 11 March 2024 – 12 March 2024" in masthead
    assert not re.search(r"(?i)stories|duplicates|rejected|schema|parallax\.report/|\d{4}-\d{2}", masthead)
    standalone = render_html(report).split("<body>", 1)[1].split("</header>", 1)[0]
    batch = re.search(r'<p class="meta batch">(.*?)</p>', standalone, re.S)
    assert batch is not None
    line = re.sub(r"<[^>]+>", "", batch.group(1)).strip()
    assert line.startswith("2 stories · 6 articles · 1 duplicate · 1 rejected · Parallax")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T|schema", line)
    assert len(line) < 120
