"""The length bound on articles that reach the annotator without extraction (issue 8): ``analyze_articles``, a store's
``ingest_articles`` and ``annotate`` itself refuse a text over ``extract.MAX_ARTICLE_CHARS`` with a ``too-large``
rejection naming the article, and the rest of the batch goes on. (Uploads to the web API go through extraction,
which applies the same bound: tests/web/test_api.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax import analyze_articles
from parallax.annotate.nlp import annotate, check_length, within_limits
from parallax.engine.store import ingest_articles
from parallax.errors import TooLargeError
from parallax.extract.article import MAX_ARTICLE_CHARS
from parallax.models import Article
from parallax.store import open_store

from .test_hostile import ARTICLE

HUGE = "word " * 10_000_000  # 50 MB of text: spaCy would refuse it (E088) after a long wait, or run out of memory


def _long(article_id: str, chars: int) -> Article:
    return Article(id=article_id, source=f"{article_id}.txt", text=(ARTICLE * (chars // len(ARTICLE) + 1))[:chars])


def test_the_bound_is_extractions() -> None:
    at_limit = _long("at-limit", MAX_ARTICLE_CHARS)
    assert check_length(at_limit) is at_limit
    with pytest.raises(TooLargeError) as caught:
        check_length(_long("over", MAX_ARTICLE_CHARS + 1))
    assert caught.value.document == "over.txt"
    assert caught.value.reason == "too-large"
    assert caught.value.message == (
        f"article 'over': text is {MAX_ARTICLE_CHARS + 1:,} characters long, over the limit of "
        f"{MAX_ARTICLE_CHARS:,} for one article"
    )
    assert caught.value.hint


def test_annotate_refuses_a_huge_text_before_spacy_sees_it() -> None:
    huge = Article(id="huge", source="", text=HUGE)
    with pytest.raises(TooLargeError, match="article 'huge': text is 50,000,000 characters long") as caught:
        list(annotate([Article(id="ok", source="ok.txt", text=ARTICLE), huge]))
    assert caught.value.document == "huge"  # no source: the id names it


def test_within_limits_sorts_out_the_long_ones() -> None:
    ok = Article(id="ok", source="ok.txt", text=ARTICLE)
    kept, rejections = within_limits([_long("long", MAX_ARTICLE_CHARS + 1), ok])
    assert kept == [ok]
    assert [(r.document, r.stage, r.reason) for r in rejections] == [("long.txt", "annotate", "too-large")]
    with pytest.raises(TypeError):
        within_limits(["not an article"])  # type: ignore[list-item]


def test_analyze_articles_rejects_them_and_goes_on() -> None:
    ok = Article(id="ok", source="ok.txt", text=ARTICLE, outlet="Harrowgate News")
    earlier = analyze_articles([ok]).rejections
    assert earlier == ()
    report = analyze_articles([_long("long", 300_000), ok, Article(id="huge", source="huge.txt", text=HUGE)])
    assert [a.id for a in report.articles] == ["ok"]
    assert [s.story.articles for s in report.stories] == [("ok",)]
    assert [(r.document, r.stage, r.reason) for r in report.rejections] == [
        ("long.txt", "annotate", "too-large"),
        ("huge.txt", "annotate", "too-large"),
    ]
    assert "article 'huge': text is 50,000,000 characters long" in report.rejections[1].message
    assert all(r.hint for r in report.rejections)


def test_ingest_articles_rejects_them_and_stores_the_rest(tmp_path: Path) -> None:
    ok = Article(id="ok", source="ok.txt", text=ARTICLE, outlet="Harrowgate News")
    with open_store(tmp_path / "p.db") as store:
        result = ingest_articles(store, [Article(id="huge", source="huge.txt", text=HUGE), ok])
        assert result.added == ("ok",)
        assert [(r.document, r.stage, r.reason) for r in result.rejections] == [("huge.txt", "annotate", "too-large")]
        assert store.counts()["articles"] == 1
        assert store.get_article("huge") is None
