"""Fact alignment on a small invented story: partition properties, paraphrase grouping, distractors kept apart."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from parallax.annotate.nlp import annotate
from parallax.compare.align import align_facts
from parallax.embed import encode
from parallax.models import AnnotatedArticle, Article, Fact

Story = tuple[list[AnnotatedArticle], dict[str, NDArray[np.float32]]]

# An invented event, written for this test: three outlets paraphrase the same three claims in their own words, each
# adds one claim of its own (a distractor on the same topic), and a fourth article is a verbatim copy of the first.
TEXTS = {
    "a-gazette": (
        "The Harlow Bridge in Norbury was closed on Tuesday after engineers found cracks in its main support beams. "
        "The city council said repairs would cost about 4 million pounds. "
        "Mayor Ellen Tate said the bridge would stay closed for at least six weeks. "
        "Shop owners near the bridge reported a sharp fall in customers."
    ),
    "b-courier": (
        "Engineers discovered cracks in the main support beams of Norbury's Harlow Bridge, which was shut on Tuesday. "
        "The bridge will remain closed for at least six weeks, Mayor Ellen Tate told reporters. "
        "Repairs are expected to cost around 4 million pounds, according to the council. "
        "A free ferry will carry pedestrians across the river until the bridge reopens."
    ),
    "c-times": (
        "Norbury's Harlow Bridge has been shut after cracks were found in its support beams, officials said. "
        "Mayor Tate expects the closure to last at least six weeks. "
        "The bridge was built in 1962 and carries about 30,000 vehicles a day."
    ),
}
TEXTS["d-copy"] = TEXTS["a-gazette"]
PUBLISHED = {"a-gazette": "2025-03-04", "b-courier": "2025-03-04", "c-times": "2025-03-05", "d-copy": "2025-03-06"}
COPIES = {"d-copy": "a-gazette"}


@pytest.fixture(scope="module")
def story() -> Story:
    articles = [
        Article(id=key, source=f"{key}.txt", text=text, title=key, published=PUBLISHED[key])
        for key, text in TEXTS.items()
    ]
    annotated = list(annotate(articles))
    vectors = {a.id: encode([s.text for s in a.sentences]) for a in annotated}
    return annotated, vectors


def _facts(story: Story) -> tuple[Fact, ...]:
    articles, vectors = story
    return align_facts("s1", articles, vectors, copies=COPIES, published=PUBLISHED)


def _fact_of(facts: tuple[Fact, ...], article: str, words: str) -> Fact:
    found = [f for f in facts for m in f.mentions if m.article_id == article and words in m.text]
    assert len(found) == 1, (article, words)
    return found[0]


def test_every_sentence_in_exactly_one_fact_with_exact_offsets(
    story: Story,
) -> None:
    articles, _ = story
    facts = _facts(story)
    seen = [(m.article_id, m.sentence) for f in facts for m in f.mentions]
    expected = [(a.id, s.index) for a in articles for s in a.sentences]
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))
    by_id = {a.id: a for a in articles}
    for fact in facts:
        assert fact.story_id == "s1"
        assert fact.text in {m.text for m in fact.mentions}
        for m in fact.mentions:
            sentence = by_id[m.article_id].sentences[m.sentence]
            assert (m.start, m.end, m.text) == (sentence.start, sentence.end, sentence.text)
            assert by_id[m.article_id].article.text[m.start : m.end] == m.text


def test_paraphrases_group_across_outlets(story: Story) -> None:
    facts = _facts(story)
    cracks = _fact_of(facts, "a-gazette", "found cracks")
    assert _fact_of(facts, "b-courier", "discovered cracks") is cracks
    assert _fact_of(facts, "c-times", "cracks were found") is cracks
    weeks = _fact_of(facts, "a-gazette", "six weeks")
    assert _fact_of(facts, "b-courier", "six weeks") is weeks
    assert _fact_of(facts, "c-times", "six weeks") is weeks
    cost = _fact_of(facts, "a-gazette", "4 million")
    assert _fact_of(facts, "b-courier", "4 million") is cost
    assert len({cracks.id, weeks.id, cost.id}) == 3


def test_distractors_stay_apart(story: Story) -> None:
    facts = _facts(story)
    for article, words in (("a-gazette", "Shop owners"), ("b-courier", "free ferry"), ("c-times", "built in 1962")):
        fact = _fact_of(facts, article, words)
        # an exclusive: no other outlet's sentence joins it (the verbatim copy of a-gazette may, as a copy)
        assert fact.independent == (article,), (words, fact.sources)


def test_copies_are_not_independent(story: Story) -> None:
    facts = _facts(story)
    cracks = _fact_of(facts, "a-gazette", "found cracks")
    assert "d-copy" in cracks.sources
    assert "d-copy" not in cracks.independent
    assert set(cracks.independent) == {"a-gazette", "b-courier", "c-times"}
    assert cracks.first == "a-gazette"
    # facts come out by number of independent sources, most first
    counts = [len(f.independent) for f in facts]
    assert counts == sorted(counts, reverse=True)


def test_deterministic(story: Story) -> None:
    assert _facts(story) == _facts(story)


def test_empty_story() -> None:
    assert align_facts("s0", [], {}) == ()


def test_a_fact_holds_one_sentence_of_each_article() -> None:
    # sentences 0 and 1 are of one article, 2 of another: both link strongly to 2, but a fact takes only one of them
    from parallax.compare.align import group_sentences

    owner = np.asarray([0, 0, 1], dtype=np.int64)
    links = {(0, 2): 0.9, (1, 2): 0.8}
    facts = group_sentences(3, owner, links, 0.5, lambda pairs: [0.0 for _ in pairs])
    assert sorted(facts) == [[0, 2], [1]]


# Invented for the precision rules (issue 14): a reaction quoted from the mayor that shares with the other outlet's
# sentence only the frame (the station sign), not what she said.
RULES = {
    "x-post": (
        "Mayor Ellen Tate opened the new railway station in Norbury on Friday. "
        '"Wonderful," Tate said when she was shown the station sign. '
        "The station cost 12 million pounds to build."
    ),
    "y-herald": (
        "The new railway station in Norbury was opened by Mayor Ellen Tate on Friday. "
        'The sign above the station entrance reads "Norbury Central welcomes careful travellers." '
        "Building the station cost 12 million pounds."
    ),
}


@pytest.fixture(scope="module")
def rules_story() -> Story:
    articles = [Article(id=key, source=f"{key}.txt", text=text, title=key) for key, text in RULES.items()]
    annotated = list(annotate(articles))
    return annotated, {a.id: encode([s.text for s in a.sentences]) for a in annotated}


def test_frame_only_reads_the_words_inside_the_quotation() -> None:
    from parallax.compare.align import frame_only
    from parallax.compare.words import content_terms

    def terms(text: str) -> frozenset[str]:
        return frozenset(content_terms(text))

    reaction = terms('"Wonderful," Tate said when she was shown the station sign.')
    sign = terms('The sign above the station entrance reads "Norbury Central welcomes careful travellers."')
    paraphrase = terms("Tate said the station would change Norbury for good.")
    quoted = terms("The station will change Norbury for good")
    assert frame_only(reaction, sign, terms("Wonderful"), frozenset())  # they share "station sign", outside the quote
    assert not frame_only(
        paraphrase, terms('"The station will change Norbury for good," Tate said.'), frozenset(), quoted
    )
    assert not frame_only(reaction, sign, frozenset(), frozenset())  # no quotation of a named speaker: no rule


def test_a_pair_sharing_only_a_quotation_frame_is_never_linked(rules_story: Story) -> None:
    from parallax.compare.align import candidate_pairs
    from parallax.compare.claims import claim_link_model

    candidates = candidate_pairs(*rules_story)
    text = dict(enumerate(t for _, t in candidates.sentences))
    probabilities = dict(zip(candidates.pairs, candidates.probabilities(claim_link_model()), strict=True))
    reaction = next(k for k, t in text.items() if t.startswith('"Wonderful,"'))
    sign = next(k for k, t in text.items() if t.startswith("The sign above"))
    assert probabilities[(min(reaction, sign), max(reaction, sign))] == 0.0
    cost = [
        pair for pair, p in probabilities.items() if "12 million" in text[pair[0]] and "12 million" in text[pair[1]]
    ]
    assert cost
    assert all(probabilities[pair] > 0.0 for pair in cost)  # sentences without quotations are untouched
