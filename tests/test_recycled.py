"""Recycled content: older reporting in the batch is found exactly (example corpus), and on the seeds."""

from __future__ import annotations

import json
from dataclasses import replace

from parallax import Report
from parallax.compare.recycled import STALE_DAYS, find_recycled
from parallax.models import AnnotatedArticle, Article, Story, TimeExpression

from .conftest import EXAMPLES

PLANTED = json.loads((EXAMPLES / "corpus.planted.json").read_text(encoding="utf-8"))


def test_planted_recycled_articles_and_passages_found_and_none_invented(example_report: Report) -> None:
    found = {r.article_id: r for s in example_report.stories for r in s.recycled}
    assert set(found) == {item["article"] for item in PLANTED["recycled"]}
    for item in PLANTED["recycled"]:
        record = found[item["article"]]
        assert record.gap_days > STALE_DAYS
        passages = [p for p in record.passages if item["anchor"] in p.text]
        assert len(passages) == 1
        assert passages[0].date.startswith(item["event_date"])
        assert item["published"] in record.reason


def test_seed_republication_of_2019_reporting(seed_report: Report) -> None:
    found = {r.article_id: r for s in seed_report.stories for r in s.recycled}
    assert set(found) == {"004_d134dc756befc632"}
    assert "2019" in found["004_d134dc756befc632"].latest


def _article(aid: str, published: str | None, *dates: str) -> AnnotatedArticle:
    text = " ".join(f"Sentence {i}." for i in range(len(dates) + 1))
    exprs = tuple(TimeExpression(d, 0, 1, i, d, "day" if len(d) == 10 else "year") for i, d in enumerate(dates))
    return AnnotatedArticle(Article(id=aid, source=aid, text=text, published=published), dates=exprs)


def test_republished_under_a_new_date() -> None:
    articles = [
        _article("fresh", "2021-03-02", "2021-03-01"),
        _article("old", "2021-03-03", "2019-05-01", "2018"),
        _article("other", "2021-03-04", "2021-03-03"),
    ]
    stories = [Story(id="s", articles=("fresh", "old", "other"))]
    found = find_recycled(stories, articles)["s"]
    assert [r.article_id for r in found] == ["old"]
    assert found[0].latest == "2019-05-01"
    assert "republished" in found[0].reason


def test_nothing_without_dates() -> None:
    articles = [replace(_article("a", None), dates=()), replace(_article("b", None), dates=())]
    assert find_recycled([Story(id="s", articles=("a", "b"))], articles) == {}


def test_an_archive_spanning_years_has_no_old_stories() -> None:
    articles = [_article(f"a{y}", f"{y}-06-01", f"{y}-05-30") for y in range(2010, 2015)]
    stories = [Story(id=f"s{i}", articles=(a.id,)) for i, a in enumerate(articles)]
    assert find_recycled(stories, articles) == {}
    # one old story among a snapshot of current coverage is
    current = [_article(f"c{i}", "2015-06-0" + str(i + 1), "2015-06-01") for i in range(4)]
    stories = [*stories[:1], Story(id="now", articles=tuple(a.id for a in current))]
    found = find_recycled(stories, [articles[0], *current])
    assert set(found) == {"s0"}
