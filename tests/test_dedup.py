"""Copies: exact and near-duplicate articles (syndication), found independently of input order."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.group.copies import find_duplicates
from parallax.models import Article

# Invented wire copy, written for these tests.
WIRE = "\n\n".join(
    [
        "Dock workers at the northern port of Calloway began a three-day strike on Tuesday, halting the loading of "
        "grain ships and leaving dozens of lorries queued along the coast road.",
        "The union said its members had rejected a pay offer of four percent, calling it an insult after two years "
        "of rising rents and food prices in the harbour towns.",
        "Port managers said the stoppage would cost exporters about twelve million euros a day and urged both sides "
        "to return to talks under the national mediator.",
        "A spokeswoman for the transport ministry said the government was watching closely but would not intervene "
        "in what she described as a dispute between employers and staff.",
        "Farmers' groups warned that grain stored at the port could spoil if the strike lasted into next week, and "
        "asked for ships to be redirected to the southern terminal at Brennick.",
        "Talks are due to resume on Thursday morning, the union said in a statement posted on its website.",
    ]
)
OTHER = "\n\n".join(
    [
        "The city council approved a plan on Monday to plant four thousand trees along its main avenues over the "
        "next five years, after residents complained about summer heat.",
        "The scheme will be paid for by a tax on new parking spaces, which shop owners say will keep customers away "
        "from the old town.",
        "Officials said the first saplings, mostly lime and plane trees, would go into the ground in November.",
    ]
)
THIRD = "\n\n".join(
    [
        "A regional court ruled on Friday that the closure of three rural hospitals was unlawful because patients "
        "had not been consulted, ordering the health authority to reopen their emergency wards.",
        "The authority said it would appeal, arguing that the wards lacked the doctors needed to run them safely.",
    ]
)


def _article(aid: str, text: str, published: str | None = None, title: str | None = None) -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text, title=title, published=published)


def _groups(articles: list[Article]) -> set[frozenset[str]]:
    return {frozenset((g.original, *g.copies)) for g in find_duplicates(articles)}


def test_exact_copy_found_and_original_is_earliest() -> None:
    articles = [
        _article("late", WIRE, "2021-03-02T10:00:00", title="Port strike halts grain"),
        _article("early", WIRE, "2021-03-02", title="Dockers walk out"),
        _article("other", OTHER, "2021-03-01"),
    ]
    (group,) = find_duplicates(articles)
    assert group.original == "early"
    assert group.copies == ("late",)
    assert group.similarity == (1.0,)
    assert group.exact


def test_trimmed_and_reworded_copies_found() -> None:
    paragraphs = WIRE.split("\n\n")
    half = "\n\n".join(paragraphs[:3])
    syndicated = "\n\n".join(["(Reporting by our correspondent)", *paragraphs[:5], "Read more: subscribe today."])
    reworded = WIRE.replace("Tuesday", "Wednesday").replace("four percent", "3.5 percent")
    articles = [
        _article("wire", WIRE, "2021-03-02"),
        _article("half", half, "2021-03-03"),
        _article("synd", syndicated),
        _article("edit", reworded, "2021-03-04"),
        _article("other", OTHER),
        _article("third", THIRD),
    ]
    (group,) = find_duplicates(articles)
    assert group.original == "wire"
    assert set(group.copies) == {"half", "synd", "edit"}
    assert not group.exact
    assert all(0.8 <= s <= 1.0 for s in group.similarity)


def test_unknown_dates_tie_break_by_input_order() -> None:
    articles = [_article("b", WIRE), _article("a", WIRE + "\n\nMore to follow.")]
    (group,) = find_duplicates(articles)
    assert group.original == "b"


def test_unrelated_and_same_topic_texts_not_paired() -> None:
    # same event, written independently: shares names and facts but not running text
    independent = (
        "Grain exports from Calloway stopped on Tuesday when dockers struck over pay. The union wants more than "
        "the four percent on offer; the port says the walkout costs twelve million euros a day."
    )
    articles = [_article("wire", WIRE), _article("indep", independent), _article("other", OTHER), _article("t", THIRD)]
    assert find_duplicates(articles) == ()


def test_empty_and_tiny_texts() -> None:
    assert find_duplicates([]) == ()
    articles = [_article("a", "..."), _article("b", "..."), _article("c", "Short note."), _article("d", "Short.")]
    assert find_duplicates(articles) == ()
    # exact copies of a short text are still exact copies
    (group,) = find_duplicates([_article("x", "Short note."), _article("y", "Short note.")])
    assert group.exact


def test_rejects_wrong_types() -> None:
    with pytest.raises(TypeError):
        find_duplicates("not articles")  # type: ignore[arg-type]


def test_shuffled_input_gives_same_groups() -> None:
    paragraphs = WIRE.split("\n\n")
    articles = [
        _article("wire", WIRE),
        _article("copy", WIRE),
        _article("half", "\n\n".join(paragraphs[:3])),
        _article("other", OTHER),
        _article("other2", OTHER + "\n\nThe vote was 31 to 12."),
        _article("third", THIRD),
    ]
    expected = _groups(articles)
    assert expected == {frozenset({"wire", "copy", "half"}), frozenset({"other", "other2"})}
    rng = random.Random(7)
    for _ in range(5):
        shuffled = articles[:]
        rng.shuffle(shuffled)
        assert _groups(shuffled) == expected


_WORDS = st.sampled_from(["port", "grain", "strike", "union", "pay", "council", "tree", "court", "ward", "ship"])
_TEXTS = st.lists(_WORDS, min_size=0, max_size=40).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(_TEXTS, min_size=0, max_size=8), seed=st.integers(0, 1000))
def test_property_order_independent_and_disjoint(texts: list[str], seed: int) -> None:
    articles = [_article(f"a{i}", text) for i, text in enumerate(texts)]
    groups = find_duplicates(articles)
    seen: list[str] = [aid for g in groups for aid in (g.original, *g.copies)]
    assert len(seen) == len(set(seen))  # every article in at most one group
    assert all(len(g.copies) == len(g.similarity) >= 1 for g in groups)
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    assert _groups(shuffled) == _groups(articles)
