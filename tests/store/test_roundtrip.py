"""Property test: whatever an article holds, the store gives it back equal (on every backend)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.models import AnnotatedArticle, Article, Entity, LoadedTerm, Sentence, Story, StoryAnalysis
from parallax.store import Store, StoryRecord

# Real article text never holds NUL (extraction drops control characters) and PostgreSQL text cannot.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
NAME = st.none() | TEXT.map(lambda s: s[:40])
_ids = itertools.count()


@st.composite
def annotated_articles(draw: st.DrawFn) -> AnnotatedArticle:
    aid = f"a{next(_ids)}"
    text = draw(TEXT) + f" {aid}"  # two stored articles never share a text (that is a re-ingest)
    article = Article(
        id=aid,
        source=draw(TEXT.map(lambda s: s[:60])),
        text=text,
        title=draw(NAME),
        outlet=draw(NAME),
        byline=draw(NAME),
        published=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        url=draw(NAME),
        removed=tuple(draw(st.lists(TEXT.map(lambda s: s[:20]), max_size=3))),
    )
    end = len(text)
    sentences = (Sentence(aid, 0, 0, end, text),) if text else ()
    entities = tuple(
        Entity(text[:5], label, 0, min(5, end), 0, name)
        for label, name in draw(st.lists(st.tuples(st.sampled_from(["PERSON", "ORG", "GPE"]), TEXT), max_size=3))
    )
    terms = tuple(
        LoadedTerm(text[:3], 0, min(3, end), 0, kind)
        for kind in draw(st.lists(st.sampled_from(["hedge", "emotive"]), max_size=2))
    )
    tone = draw(st.floats(-1.0, 1.0, allow_nan=False))
    return AnnotatedArticle(article, sentences, entities, loaded_terms=terms, tone=tone)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=annotated_articles())
def test_any_article_reads_back_equal(store: Store, article: AnnotatedArticle) -> None:
    story = Story(id=f"s-{article.id}", articles=(article.id,), title=article.article.title or "")
    record = StoryRecord(StoryAnalysis(story), (), {"articles": []})
    store.save([(story.id, article)], [record])
    stored = store.get_article(article.id)
    assert stored is not None
    assert stored.annotated == article
    assert stored.info.story_id == story.id
    assert store.story_articles(story.id) == (article,)
