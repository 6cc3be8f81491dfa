"""Claims you can trust (issue 14): the same-claim models, related matches kept apart, and the precision rules of
conflicts, quotes and the summary. The figures on MSRP and the claim golds are gated by test_evaluation.py
(eval_floors.json, task "claims")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from parallax import Report
from parallax.compare import story as story_module
from parallax.compare.align import pair_probabilities
from parallax.compare.claims import (
    FEATURES,
    LINK_FEATURES,
    claim_link_model,
    fit_pair_model,
    pair_features,
    same_claim_model,
)
from parallax.compare.coverage import outlet_coverage
from parallax.compare.summary import CITE_MIN, _shouting, _stands_alone
from parallax.models import Fact, FactMention, Quantity, Story, TimeExpression

CLAIM_GOLDS = Path(__file__).parent / "data" / "claims"


def test_pair_features_read_figures_negation_and_names() -> None:
    same = pair_features(
        "The ministry said 38 workers were injured.", "38 workers were injured, the ministry said.", 0.9
    )
    assert len(same) == len(FEATURES)
    assert same[3] == 0.0  # numbers_differ
    assert same[5] == 0.0  # negation_differs
    other = pair_features("Air traffic control granted the climb.", "Air traffic control did not grant the climb.", 0.9)
    assert other[5] == 1.0
    curly = pair_features("The tower granted the climb.", "The tower didn’t grant the climb.", 0.9)
    assert curly[5] == 1.0  # a typographic apostrophe negates too
    figures = pair_features("The indictment runs to 47 pages.", "The indictment runs to 48 pages.", 0.95)
    assert figures[3] == 1.0
    # a pathological "sentence" is read only up to a bound
    assert len(pair_features("a " * 100_000, "b " * 100_000, 0.1)) == len(FEATURES)


def test_shipped_models_load_and_decide() -> None:
    paraphrase, link = same_claim_model(), claim_link_model()
    assert len(paraphrase.weights) == len(FEATURES)
    assert len(link.weights) == len(LINK_FEATURES)
    assert 0.3 <= link.threshold <= 0.95
    assert "fitted on" in link.about
    assert "tests/data/claims/train" in link.about


def test_fit_pair_model_separates_a_clear_case() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] > 0).astype(int).tolist()
    model = fit_pair_model(x.tolist(), y, l2=1.0)
    p = model.probability([[2.0, 0.0], [-2.0, 0.0]])
    assert p[0] > 0.9 > 0.1 > p[1]


def test_a_paraphrase_scores_above_a_topical_neighbour() -> None:
    from parallax.embed import get_encoder

    a = "Russia is ready to cooperate with China and Huawei on 5G, the foreign minister said."
    b = "The foreign minister said Russia was ready to work with China and Huawei on 5G networks."
    c = "Therefore, Russia needs to cooperate with either Huawei or Western companies for 5G development."
    vectors = get_encoder("minilm").encode([a, b, c])
    close, topical = pair_probabilities([a, a], [b, c], vectors[[0, 0]], vectors[[1, 2]])
    assert close > topical


def _mention(article: str, sentence: int = 0) -> FactMention:
    return FactMention(article, sentence, "text", 0, 4)


def test_a_related_sentence_is_neither_an_omission_nor_a_rival_of_an_exclusive() -> None:
    story = Story(id="s", articles=("a", "b", "c", "d"))
    shared = Fact("f1", "s", "x", (_mention("a"), _mention("b"), _mention("c")), ("a", "b", "c"), ("a", "b", "c"))
    weakly = Fact(
        "f2",
        "s",
        "y",
        (_mention("a"), _mention("b"), _mention("c")),
        ("a", "b", "c"),
        ("a", "b", "c"),
        related=(_mention("d"),),
    )
    alone = Fact("f3", "s", "z", (_mention("a", 1),), ("a",), ("a",), related=(_mention("b", 2),))
    coverage = {c.article_id: c for c in outlet_coverage(story, [shared, weakly, alone])}
    assert coverage["d"].omitted == ("f1",)  # d says nothing like f1: an omission; its related sentence spares f2
    assert "f3" not in coverage["a"].exclusive  # b has a related sentence: not "only a says this"


def test_report_facts_keep_related_apart(example_report: Report) -> None:
    for analysis in example_report.stories:
        for fact in analysis.facts:
            stating = {m.article_id for m in fact.mentions}
            assert not stating & {m.article_id for m in fact.related}
            assert all(0.0 <= m.confidence <= 1.0 for m in (*fact.mentions, *fact.related))
        for line in analysis.summary:
            fact = next(f for f in analysis.facts if f.id == line.fact_id)
            # citations are the fact's sources linked surely, never related ones; the others are named apart
            assert line.article_id in line.sources
            assert set(line.sources) | set(line.unsure) == set(fact.sources)
            assert not set(line.sources) & set(line.unsure)
            sure = {m.article_id for m in fact.mentions if m.confidence >= CITE_MIN}
            assert set(line.sources) <= sure | {line.article_id}


def test_speakers_compatible_reads_first_names() -> None:
    compatible = story_module._speakers_compatible
    assert compatible("Roger J. Stone Jr.", "Roger Stone")
    assert compatible("Mr. Stone", "Roger Stone")
    assert compatible("R. Stone", "Roger Stone")
    assert not compatible("Mary Cheney", "Dick Cheney")
    assert not compatible("Roger Stone", "Oliver Stone Jr")
    assert compatible(None, "Anyone")
    assert compatible("Terry O'Neill", "Terry O’Neill")  # one name, straight and curly apostrophes


def test_quotes_must_share_wording() -> None:
    shared = story_module._shared_wording
    assert not shared("We've got a real challenge ahead", "I would say there is a 2 in 3 chance that we win control")
    assert shared("we have got a big challenge, and work to do", "I'm frank: we have got a big challenge and work")
    assert shared("follow the example", "following the example")  # short quotes are left to the character ratio


def test_a_fragment_is_an_excerpt_of_the_fuller_quote() -> None:
    excerpt = story_module._excerpt_of
    full = "Let me be clear. We face a hard winter, and the council has work to do before the first snow falls."
    assert excerpt("a hard winter", full)
    assert excerpt("We’ve a hard winter, and the council has work to do", full.replace("We face", "We've"))
    assert excerpt("[Mayor Anna] Berg's council has work to do", "As mayor, Berg's council has work to do, she said")
    # one word changed in its middle: another remark, however close the characters
    assert not excerpt("We face a long winter", full)
    # most of its words are not in the fuller quote: two statements that share a topic
    assert not excerpt("the council has farms in its district", "The council is one of two rural councils " * 3)
    # comparable lengths are two renderings of one remark, left to the ratios
    assert excerpt("we face a long winter", "we will face a hard winter")


def test_complementary_odds_and_shares_are_no_conflict() -> None:
    one = Quantity("one-in-three chance", 0, 19, 0, 1.0, "", "chance")
    two = Quantity("two-in-three chance", 0, 19, 0, 2.0, "", "chance")
    assert story_module._complementary(one, two)
    forty = Quantity("40%", 0, 3, 0, 40.0, "%", "voters")
    sixty = Quantity("60%", 0, 3, 0, 60.0, "%", "voters")
    fifty = Quantity("50%", 0, 3, 0, 50.0, "%", "voters")
    assert story_module._complementary(forty, sixty)
    assert not story_module._complementary(forty, fifty)


def test_relative_dates_from_different_references_are_not_compared(example_report: Report) -> None:
    by_id = {a.id: a for a in example_report.articles}
    first, second = list(by_id)[:2]
    tuesday = TimeExpression("Tuesday", 0, 7, 0, "2012-04-24", "day", relative=True)
    tuesday_morning = TimeExpression("Tuesday morning", 0, 15, 0, "2012-04-17", "day", relative=True)
    wednesday = TimeExpression("Wednesday", 0, 9, 0, "2012-04-25", "day", relative=True)
    same_anchor = story_module._same_anchor
    assert not same_anchor(first, tuesday, first, tuesday_morning, by_id)  # one wording, our past/future reading
    day_a = (by_id[first].article.published or "")[:10]
    day_b = (by_id[second].article.published or "")[:10]
    assert same_anchor(first, tuesday, first, wednesday, by_id) == bool(day_a)
    if day_a != day_b:
        assert not same_anchor(first, tuesday, second, wednesday, by_id)


def test_summary_sentences_stand_alone() -> None:
    assert not _stands_alone("He said the plant would reopen next week.")
    assert not _stands_alone("But the ministry denied any delay.")
    assert not _stands_alone("“We will not accept any delay in finding out what went wrong.”")
    assert _stands_alone("“We will not accept any delay,” Hollis told reporters.")
    assert _stands_alone("The ministry said the plant would reopen next week.")
    assert _shouting("WE CHECKED THE SHERIFF'S OFFICE AND ALL THEY WOULD SAY IS THIS CASE IS ACTIVE.")
    assert not _shouting("The FBI and the NSA said on Monday that the case was active.")


def test_claim_golds_are_complete_and_held_apart() -> None:
    held_out = sorted(p.name for p in CLAIM_GOLDS.glob("basil-*.claims.json"))
    training = sorted(p.name for p in (CLAIM_GOLDS / "train").glob("basil-*.claims.json"))
    assert len(held_out) >= 3
    assert len(training) >= 3
    assert not set(held_out) & set(training)
    for path in [*CLAIM_GOLDS.glob("basil-*.json"), *(CLAIM_GOLDS / "train").glob("basil-*.json")]:
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert len(gold["articles"]) == 3, path.name
        used = {
            c for sentences in gold["articles"].values() for s in sentences for c in [s["claim"], *s.get("also", [])]
        }
        assert used <= set(gold["claims"]), path.name
        # anchors are short: the gold locates sentences, it does not copy the articles
        assert all(len(s["anchor"].split()) <= 20 for sentences in gold["articles"].values() for s in sentences)


def test_other_news_golds_locate_every_sentence_once(shared: Path) -> None:
    # the Multi-News and ECB+ claim golds: every anchor is in its article exactly once, as the evaluation builds it
    from parallax.evaluation.claims import other_news_articles

    paths = sorted([*CLAIM_GOLDS.glob("mn-*.claims.json"), *CLAIM_GOLDS.glob("ecb-*.claims.json")])
    for path in paths:
        gold = json.loads(path.read_text(encoding="utf-8"))
        used = {
            c for sentences in gold["articles"].values() for s in sentences for c in [s["claim"], *s.get("also", [])]
        }
        assert used <= set(gold["claims"]), path.name
        articles = {a.id: a for a in other_news_articles(shared / "data", gold)}
        assert set(articles) == set(gold["articles"]), path.name
        for article_id, sentences in gold["articles"].items():
            text = " ".join(articles[article_id].text.split())
            for s in sentences:
                assert len(s["anchor"].split()) <= 20, (path.name, s["anchor"])
                assert text.count(" ".join(s["anchor"].split())) == 1, (path.name, article_id, s["anchor"])
