"""The JSON codec for the records: everything a store keeps reads back equal, through real JSON text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parallax import codec
from parallax.models import AnnotatedArticle, Article, DuplicateGroup, Report, Sentence, StoryAnalysis

from .test_report import build_report


def _through_json(cls: type, record: object) -> object:
    return codec.load(cls, json.loads(json.dumps(codec.dump(record), ensure_ascii=False, allow_nan=False)))


def test_a_hand_built_report_round_trips() -> None:
    report = build_report()
    assert _through_json(Report, report) == report
    for story in report.stories:
        assert _through_json(StoryAnalysis, story) == story


def test_real_annotations_round_trip(example_report: Report) -> None:
    for annotated in example_report.articles:
        assert _through_json(AnnotatedArticle, annotated) == annotated
    for story in example_report.stories:
        assert _through_json(StoryAnalysis, story) == story
    for group in example_report.duplicates:
        assert _through_json(DuplicateGroup, group) == group


@given(
    text=st.text(max_size=200),
    title=st.none() | st.text(max_size=40),
    published=st.none() | st.dates().map(lambda d: d.isoformat()),
    removed=st.lists(st.text(max_size=20), max_size=3).map(tuple),
)
def test_articles_round_trip(text: str, title: str | None, published: str | None, removed: tuple[str, ...]) -> None:
    article = Article(id="a", source="s", text=text, title=title, published=published, removed=removed)
    assert _through_json(Article, article) == article


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_survive_exactly(value: float) -> None:
    annotated = AnnotatedArticle(Article(id="a", source="s", text="x"), tone=value)
    assert _through_json(AnnotatedArticle, annotated).tone == value  # type: ignore[attr-defined]


def test_bad_data_is_a_type_error() -> None:
    good = codec.dump(Sentence("a", 0, 0, 1, "x"))
    with pytest.raises(TypeError):
        codec.load(Sentence, {**good, "start": "0"})
    with pytest.raises(TypeError):
        codec.load(Sentence, [good])
    with pytest.raises(TypeError):
        codec.dump({1, 2})
    with pytest.raises(TypeError, match="not one of"):
        codec.load(
            StoryAnalysis,
            {
                "story": {"id": "s", "articles": []},
                "quotes": [
                    {
                        "id": "q",
                        "speaker": None,
                        "mentions": [
                            {"article_id": "a", "text": "t", "start": 0, "end": 1, "sentence": 0, "kind": "shouted"}
                        ],
                    }
                ],
            },
        )
