"""The summary stage on hand-built stories: ranking, neutral wording, what is not a fact, the word budget."""

from __future__ import annotations

import numpy as np

from parallax.compare.summary import summarize
from parallax.models import Fact, FactMention, Story, StoryAnalysis

ARTICLES = ("a", "b", "c")


def mention(article: str, sentence: int, text: str) -> FactMention:
    return FactMention(article, sentence, text, 0, len(text))


def fact(key: str, *mentions: FactMention) -> Fact:
    sources = tuple(dict.fromkeys(m.article_id for m in mentions))
    return Fact(key, "s", mentions[0].text, mentions, sources, sources)


def story(*facts: Fact) -> StoryAnalysis:
    return StoryAnalysis(Story("s", ARTICLES), facts=facts)


def no_vectors() -> dict[str, np.ndarray]:  # type: ignore[type-arg]
    return {a: np.zeros((0, 384), dtype=np.float32) for a in ARTICLES}


LEAD = "The city council voted on Monday to close the old harbour bridge for repairs."
LATE = "Engineers had warned about cracks in two of the bridge's steel supports last year."
THIRD = "Traffic will be diverted to the ring road while the work lasts, the council said."


def test_shared_facts_first_and_earlier_sentences_rank_higher() -> None:
    analysis = story(
        fact("late", mention("a", 9, LATE), mention("b", 7, LATE)),
        fact("lead", mention("a", 0, LEAD), mention("b", 1, LEAD)),
        fact("only", mention("c", 0, THIRD)),
    )
    out = summarize(analysis, no_vectors())
    assert [s.fact_id for s in out] == ["lead", "late", "only"]
    assert [s.exclusive for s in out] == [False, False, True]


def test_a_fact_is_voiced_by_its_plainest_then_earliest_wording() -> None:
    loud = "The council slammed the door on the crumbling bridge in a shocking vote on Monday."
    later = "On Monday the council voted to shut the bridge, which needs repairs to its supports."
    analysis = story(fact("f", mention("a", 3, loud), mention("b", 0, LEAD), mention("c", 5, later)))
    out = summarize(analysis, no_vectors(), {("a", 3): 2})
    assert (out[0].text, out[0].article_id) == (LEAD, "b")


def test_captions_and_credits_are_not_summarised() -> None:
    caption = "Protesters gather outside city hall on Monday evening. (Jane Doe / Staff Photographer)"
    notice = "Reprints: This copy is for your personal, non-commercial use only, says the publisher."
    analysis = story(
        fact("caption", mention("a", 0, caption), mention("b", 0, caption)),
        fact("notice", mention("a", 1, notice), mention("c", 0, notice)),
        fact("lead", mention("a", 2, LEAD), mention("b", 2, LEAD)),
    )
    assert [s.fact_id for s in summarize(analysis, no_vectors())] == ["lead"]


def test_a_word_budget_takes_sentences_until_it_is_spent() -> None:
    facts = [
        fact(f"f{k}", mention("a", k, f"{LEAD[:-1]} number {k}."), mention("b", k, f"{LEAD[:-1]} number {k}."))
        for k in range(12)
    ]
    analysis = story(*facts)
    assert len(summarize(analysis, no_vectors())) == 5  # the report's length
    words = len(facts[0].text.split())
    out = summarize(analysis, no_vectors(), words=3 * words + 1)
    assert len(out) == 4  # three sentences leave one word to spend: a fourth starts
    assert [s.fact_id for s in out] == ["f0", "f1", "f2", "f3"]
