"""Large stories: facts, quotes and conflicts compare a bounded sample of their articles, spread over outlets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parallax import Report
from parallax.compare import story as compare_module
from parallax.compare.story import compared_articles
from parallax.engine import analyze_stories
from parallax.models import AnnotatedArticle
from parallax.report import to_dict
from parallax.report.markdown import render_markdown


def _with_outlet(article: AnnotatedArticle, outlet: str, article_id: str) -> AnnotatedArticle:
    return replace(article, article=replace(article.article, id=article_id, outlet=outlet))


def test_sample_spreads_over_outlets_and_keeps_story_order(example_report: Report) -> None:
    base = example_report.articles[0]
    articles = [_with_outlet(base, outlet, f"{outlet}-{n}") for n in range(3) for outlet in ("a", "b", "c")]
    copies = {"a-0": "b-0"}
    sample = compared_articles(articles, copies, limit=4)
    ids = [a.id for a in sample]
    # one article per outlet first (the copy a-0 only after originals), then a second outlet round, in story order
    assert ids == [a.id for a in articles if a.id in {"b-0", "c-0", "a-1", "b-1"}]
    assert compared_articles(articles, copies, limit=4) == sample  # deterministic
    assert compared_articles(articles, copies, limit=20) == articles


def test_large_story_compares_its_sample_and_says_so(example_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = max(example_report.stories, key=lambda s: len(s.story.articles))
    story = analysis.story
    assert len(story.articles) >= 3
    assert analysis.compared == ()  # small: every article compared
    monkeypatch.setattr(compare_module, "MAX_COMPARED", 2)
    by_id = {a.id: a for a in example_report.articles}
    (sampled,) = analyze_stories([story], [by_id[i] for i in story.articles], example_report.duplicates)
    assert len(sampled.compared) == 2
    assert set(sampled.compared) <= set(story.articles)
    stating = {m.article_id for f in sampled.facts for m in f.mentions}
    assert stating <= set(sampled.compared)
    assert {m.article_id for g in sampled.quotes for m in g.mentions} <= set(sampled.compared)
    # the timeline still reads every article of the story
    assert sampled.timeline == analysis.timeline
    report = replace(example_report, stories=(sampled,))
    data = to_dict(report)
    assert data["stories"][0]["compared"] == list(sampled.compared)
    assert data["stories"][0]["articles"] == list(story.articles)
    assert f"compare 2 of these {len(story.articles)} articles" in render_markdown(report)
