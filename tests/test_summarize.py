"""The summary stage on hand-built stories: ranking, neutral wording, what is not a fact, the word budget."""

from __future__ import annotations

from dataclasses import replace

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


def test_a_caption_or_fragment_at_the_top_of_an_article_is_not_its_lead() -> None:
    cast = "With Saoirse Ronan, Stanley Tucci, Mark Wahlberg and Rachel Weisz"  # a review's cast list, no full stop
    analysis = story(
        fact("cast", mention("a", 0, cast), mention("b", 6, LATE)),
        fact("lead", mention("a", 1, LEAD), mention("b", 1, LEAD)),
    )
    assert [s.fact_id for s in summarize(analysis, no_vectors())] == ["lead", "cast"]


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


# twelve claims of one length (8 words), no two alike
CLAIMS = (
    "Volunteers planted forty oak saplings along the riverbank.",
    "The museum reopened its east gallery after renovation.",
    "Local bakers donated bread to the homeless shelter.",
    "A storm knocked down power lines near Ashford.",
    "Students painted a mural inside the railway station.",
    "Farmers reported an early harvest of winter wheat.",
    "The library extended weekend hours for exam season.",
    "Firefighters rescued a kitten trapped in a drainpipe.",
    "Cyclists raised money for the children's hospital ward.",
    "A jazz festival drew thousands to Pembury park.",
    "Police closed Fenwick Street after a gas leak.",
    "The ferry company cancelled crossings because of fog.",
)


def test_a_word_budget_takes_sentences_until_it_is_spent() -> None:
    # (distinct claims: wordings of one claim would be shown once, see the tests of two sentences of one claim)
    facts = [fact(f"f{k}", mention("a", k, text), mention("b", k, text)) for k, text in enumerate(CLAIMS)]
    analysis = story(*facts)
    assert len(summarize(analysis, no_vectors())) == 5  # the report's length
    words = len(facts[0].text.split())
    out = summarize(analysis, no_vectors(), words=3 * words + 1)
    assert len(out) == 4  # three sentences leave one word to spend: a fourth starts
    assert [s.fact_id for s in out] == ["f0", "f1", "f2", "f3"]


def test_citations_are_the_facts_own_mentions_never_its_related_sentences() -> None:
    related = mention("c", 4, "The council has often argued about the cost of repairs to bridges in the city.")
    analysis = story(replace(fact("lead", mention("a", 0, LEAD), mention("b", 0, LEAD)), related=(related,)))
    (out,) = summarize(analysis, no_vectors())
    assert out.sources == ("a", "b")
    assert (out.article_id, out.text) == ("a", LEAD)


def only_the_lead_is_summarised(junk: list[str]) -> bool:
    """Two outlets state each ``junk`` line and the lead: is the lead all the summary shows?"""
    analysis = story(
        *(fact(f"j{k}", mention("a", k, text), mention("b", k, text)) for k, text in enumerate(junk)),
        fact("lead", mention("a", 20, LEAD), mention("b", 20, LEAD)),
    )
    return [s.fact_id for s in summarize(analysis, no_vectors())] == ["lead"]


def test_captions_credits_embeds_and_headlines_are_not_summarised() -> None:
    junk = [
        "FILE - In this April 17, 2018 file photo, the mayor arrives at the premiere of a film in Los Angeles.",
        "The mayor leaves the courthouse during a lunch break in San Francisco, California March 25, 2015.",
        "At her worst, she could only move parts of her left arm and left leg. Courtesy Sara Carson",
        "The mayor leaves the courthouse during a lunch break in San Francisco. REUTERS/Stephen Lam",
        "[Related: The mayor emerges from a very good private meeting with the council]",
        "Please study this quote from Lincoln's inaugural address, @ realDonaldTrump.",
        "The mayor pleaded guilty to a misdemeanour charge of assault on Monday",
        "You always have the option to delete your Tweet location history.",
        "(When we reached out for comment, the mayor's office directed us to her page.)",
    ]
    assert only_the_lead_is_summarised(junk)


def test_transcript_lines_section_labels_and_credit_lines_are_not_summarised() -> None:
    junk = [
        "MAYOR HOLLIS: We will close the harbour bridge on Monday for the repairs.",
        "THE FACTS: The council voted to close the bridge before the engineers' report.",
        "Associated Press writer Jane Doe in Ashford contributed to this report.",
        "Send us a secure tip using the instructions on the newspaper's website.",
        "For more local news, you can sign up for our weekly newsletter here.",
    ]
    assert only_the_lead_is_summarised(junk)


def test_no_sentence_opens_with_a_pronoun_or_a_connective_or_an_unattributed_quote() -> None:
    openers = [
        "The latter symptom can require urgent ventilator support in the worst cases.",
        "Both were able to take up the bacteria, but only one of them could kill it.",
        "Moreover, the council plans to close the harbour bridge for a second time.",
        "“We will not accept any delay in finding out what went wrong with the bridge.”",
    ]
    analysis = story(
        *(fact(f"o{k}", mention("a", k, text), mention("b", k, text)) for k, text in enumerate(openers)),
        fact("lead", mention("a", 20, LEAD), mention("b", 20, LEAD)),
    )
    assert [s.fact_id for s in summarize(analysis, no_vectors())] == ["lead"]


def test_a_quotation_is_shown_by_a_wording_that_names_its_speaker() -> None:
    pronoun = "“We will not accept any delay in the repairs,” she told reporters on Monday."
    named = "“We will not accept any delay in the repairs,” Mayor Petra Hollis told reporters."
    (out,) = summarize(story(fact("q", mention("a", 0, pronoun), mention("b", 3, named))), no_vectors())
    assert (out.article_id, out.text) == ("b", named)


def test_two_wordings_of_one_claim_are_not_both_shown() -> None:
    other = "The bridge, built in 1931, carries about 40,000 cars across the harbour every day."
    analysis = story(
        fact("one", mention("a", 0, LEAD), mention("b", 0, LEAD)),
        fact("two", mention("c", 0, THIRD)),
        fact("three", mention("c", 1, other)),
    )
    unit = np.eye(384, dtype=np.float32)
    vectors = {"a": unit[[0]], "b": unit[[0]], "c": np.stack([unit[0] * 0.9 + unit[1] * 0.1, unit[2]])}
    vectors["c"] /= np.linalg.norm(vectors["c"], axis=1, keepdims=True)
    out = summarize(analysis, vectors)
    assert [s.fact_id for s in out] == ["one", "three"]  # "two" is "one" again by its vector


SHUT = "The Marlow town council voted on Tuesday to close the old Kestrel footbridge over the river for urgent repairs."
SHUT_AGAIN = (
    "Marlow's council has voted to shut the Kestrel footbridge while it is repaired, officials said on Tuesday."
)
FERRY = "Pedestrians will have to use the ferry until workers have fixed the crossing, a spokeswoman explained."
CRACKS = "Engineers found cracks in two of the steel cables that hold up the deck during an inspection last month."


def test_two_sentences_of_one_claim_alignment_left_apart_are_not_both_shown() -> None:
    # c's wording of the closure was not joined to a and b's fact and has no vector to compare, but most of its
    # content words are the shown sentence's: it states that claim again, and its slot goes to the next sentence
    analysis = story(
        fact("shut", mention("a", 0, SHUT), mention("b", 0, SHUT)),
        fact("again", mention("c", 0, SHUT_AGAIN)),
        fact("cracks", mention("c", 1, CRACKS)),
    )
    out = summarize(analysis, no_vectors())
    assert [s.fact_id for s in out] == ["shut", "cracks"]
    assert [s.fact_id for s in summarize(analysis, no_vectors(), words=1000)] == ["shut", "cracks"]


def test_a_sentence_alignment_matched_to_a_shown_fact_as_related_is_not_shown_too() -> None:
    # alignment matched c's sentence to the closure only weakly ("related": not cited, not counted as agreement);
    # the summary does not show it beside the closure either
    closure = replace(fact("shut", mention("a", 0, SHUT), mention("b", 0, SHUT)), related=(mention("c", 0, FERRY),))
    analysis = story(closure, fact("ferry", mention("c", 0, FERRY)), fact("cracks", mention("c", 1, CRACKS)))
    out = summarize(analysis, no_vectors())
    assert [s.fact_id for s in out] == ["shut", "cracks"]
    # without the link the two are different claims, and both are shown
    unlinked = story(fact("shut", mention("a", 0, SHUT), mention("b", 0, SHUT)), *analysis.facts[1:])
    assert [s.fact_id for s in summarize(unlinked, no_vectors())] == ["shut", "ferry", "cracks"]


def test_with_a_word_budget_the_most_relevant_facts_of_either_kind_most_outlets_first() -> None:
    analysis = StoryAnalysis(
        Story("s", ("a", "b", "c", "d")),
        facts=(
            fact("only", mention("d", 0, THIRD)),
            fact("two", mention("a", 5, LATE), mention("b", 6, LATE)),
            fact("three", mention("a", 9, LEAD), mention("b", 9, LEAD), mention("c", 9, LEAD)),
        ),
    )
    vectors = {a: np.zeros((10, 384), dtype=np.float32) for a in "abcd"}
    out = summarize(analysis, vectors, words=1000)
    assert [s.fact_id for s in out] == ["three", "two", "only"]
    assert [s.exclusive for s in out] == [False, False, True]
    # a budget of one sentence takes the most relevant fact (the lead sentence), whatever its outlets
    assert [s.fact_id for s in summarize(analysis, vectors, words=5)] == ["only"]


def test_an_agreement_through_a_sentence_that_points_back_is_not_cited() -> None:
    # alignment matched b's sentence to a's, which opens with "These": what a's sentence claims depends on the
    # sentence before it, so the summary cites b alone for b's wording
    pointing = "These latest sanctions are on top of those the council announced in May for the bridge."
    plain = "The council's sanctions on the bridge operator do not stop at the toll booths and the ferries."
    (out,) = summarize(story(fact("f", mention("a", 4, pointing), mention("b", 2, plain))), no_vectors())
    assert (out.text, out.sources, out.exclusive) == (plain, ("b",), False)


def test_an_outlet_is_cited_only_where_alignment_is_sure_its_sentence_states_the_claim() -> None:
    # b's sentence was linked to the fact with P(same claim) .97, c's with .60: the summary cites a and b, not c, and
    # counts the two outlets it cites (so a fact all three state surely comes first)
    weak = replace(
        mention("c", 3, "Repairs to bridges in the city have often run over budget and over time."), confidence=0.6
    )
    sure = fact("sure", mention("a", 0, LEAD), replace(mention("b", 0, LEAD), confidence=0.97), weak)
    three = fact("three", mention("a", 1, LATE), mention("b", 1, LATE), mention("c", 1, LATE))
    out = summarize(story(sure, three), no_vectors())
    assert [(s.fact_id, s.sources) for s in out] == [("three", ("a", "b", "c")), ("sure", ("a", "b"))]


def test_a_sentence_linked_weakly_does_not_borrow_another_pairs_sure_link() -> None:
    # a's sentence (shown: the lead) is linked to the fact at .60; b and c are linked to each other at .95
    weak = replace(mention("a", 0, LEAD), confidence=0.6)
    b = replace(
        mention("b", 5, "Dunmere's council closed the old harbour bridge on Monday for repairs."), confidence=0.95
    )
    c = replace(
        mention("c", 5, "The old harbour bridge was closed by the council on Monday for repairs."), confidence=0.95
    )
    (out,) = summarize(story(fact("f", weak, b, c)), no_vectors())
    assert (out.article_id, out.sources, out.unsure) == ("a", ("a",), ("b", "c"))
