"""Tone toward the story's main entities: per outlet, per entity, with the sentences behind each score."""

from __future__ import annotations

from parallax import Report
from parallax.annotate.nlp import annotate
from parallax.compare.tone import entity_tone, main_entities
from parallax.models import Article, Story


def _articles() -> list:  # type: ignore[type-arg]
    texts = {
        "warm": (
            "Governor Maria Delgado opened the new bridge in Portvale on Monday. "
            "Delgado was praised as a wonderful, brilliant and caring leader. "
            "Residents were delighted with the excellent new crossing."
        ),
        "cold": (
            "Governor Maria Delgado opened the new bridge in Portvale on Monday. "
            "Delgado was condemned as a corrupt, incompetent and dishonest failure. "
            "Residents were furious about the terrible, wasteful project."
        ),
    }
    return list(annotate([Article(id=k, source=k, text=v, outlet=k, published="2025-05-06") for k, v in texts.items()]))


def test_tone_toward_an_entity_follows_the_outlets_wording() -> None:
    articles = _articles()
    story = Story(id="s", articles=tuple(a.id for a in articles))
    assert ("Maria Delgado", "PERSON") in main_entities(articles)
    tones = {(t.entity, t.article_id): t for t in entity_tone(story, articles)}
    warm, cold = tones[("Maria Delgado", "warm")], tones[("Maria Delgado", "cold")]
    assert warm.score > 0.3 > -0.3 > cold.score
    # the surname-only sentence counts for the full name, and every sentence behind the score is listed
    assert [s.sentence for s in warm.sentences] == [0, 1]
    assert abs(warm.score - sum(s.score for s in warm.sentences) / 2) < 1e-3


def test_quoted_words_do_not_colour_the_outlets_tone() -> None:
    text = 'Mayor Tom Reyes spoke on Monday. "This is a disgusting, horrible, evil disaster," Reyes said of the plan.'
    [article] = annotate([Article(id="q", source="q", text=text)])
    [tone] = [t for t in entity_tone(Story(id="s", articles=("q",)), [article]) if t.entity == "Tom Reyes"]
    assert all(abs(s.score) < 0.3 for s in tone.sentences)


def test_example_corpus_tones_are_traceable(example_report: Report) -> None:
    by_id = {a.id: a for a in example_report.articles}
    story = next(s for s in example_report.stories if len(s.story.articles) > 2)
    assert story.tone
    entities = {t.entity for t in story.tone}
    assert "Petra Hollis" in entities
    for tone in story.tone:
        assert tone.article_id in story.story.articles
        assert -1.0 <= tone.score <= 1.0
        assert tone.sentences
        for s in tone.sentences:
            assert by_id[tone.article_id].sentences[s.sentence].text == s.text
