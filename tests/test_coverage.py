"""Omissions and exclusives per outlet."""

from __future__ import annotations

from parallax import Report
from parallax.compare.coverage import outlet_coverage
from parallax.models import Fact, FactMention, Story


def _fact(fid: str, *articles: str) -> Fact:
    return Fact(
        id=fid,
        story_id="s",
        text=fid,
        mentions=tuple(FactMention(a, 0, fid, 0, 1) for a in articles),
        sources=articles,
    )


def test_omitted_when_a_majority_of_other_voices_state_it() -> None:
    story = Story(id="s", articles=("a", "b", "c", "d", "copy"))
    facts = [
        _fact("all-but-a", "b", "c", "d"),
        _fact("half", "b", "c"),  # 2 of a's 3 other voices: a strict majority
        _fact("one", "b"),
        _fact("only-a", "a"),
        _fact("wire-and-copy", "d", "copy"),
    ]
    coverage = {c.article_id: c for c in outlet_coverage(story, facts, {"copy": "d"})}
    assert coverage["a"].omitted == ("all-but-a", "half")
    assert coverage["a"].exclusive == ("only-a",)
    # a copy and its original are one voice: their shared fact is exclusive to both, and neither omits the other's
    assert coverage["d"].exclusive == ("wire-and-copy",)
    assert coverage["copy"].exclusive == ("wire-and-copy",)
    assert coverage["copy"].omitted == coverage["d"].omitted == ("half",)
    assert coverage["b"].omitted == ()


def test_no_omissions_with_fewer_than_three_voices() -> None:
    story = Story(id="s", articles=("a", "b"))
    [a, b] = outlet_coverage(story, [_fact("x", "b")])
    assert a.omitted == ()
    assert b.exclusive == ("x",)


def test_example_corpus_coverage_is_consistent_with_the_facts(example_report: Report) -> None:
    story = next(s for s in example_report.stories if len(s.story.articles) > 2)
    facts = {f.id: f for f in story.facts}
    assert [c.article_id for c in story.coverage] == list(story.story.articles)
    for c in story.coverage:
        for fid in c.omitted:
            stating = set(facts[fid].sources) | {m.article_id for m in facts[fid].mentions}
            assert c.article_id not in stating
            assert len(stating) >= 2
        for fid in c.exclusive:
            assert c.article_id in facts[fid].sources
    # the 36-injured outlet reports the fire and the injuries: the headline fact is omitted by no one (an outlet
    # whose own wording is only a weaker, related match is not said to omit it)
    lead = next(f for f in story.facts if "fire tore through" in f.text)
    assert len(lead.sources) >= 4
    assert not any(lead.id in c.omitted for c in story.coverage)
