"""Numbers and what they count, comparable across outlets; years, dates, ordinals, ages and names are not amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.nlp import segment_sentences
from parallax.annotate.quantities import find_quantities
from parallax.models import Article, Quantity
from parallax.resources import spacy_model

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy_model()


def quantities(nlp: Any, text: str) -> tuple[Quantity, ...]:
    article = Article(id="t", source="t", text=text)
    doc = nlp(text)
    sentences = segment_sentences(article, doc)
    found = find_quantities(doc, sentences)
    for q in found:
        assert text[q.start : q.end] == q.text
        assert sentences[q.sentence].start <= q.start < q.end <= sentences[q.sentence].end
    return found


def summary(nlp: Any, text: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.counts) for q in quantities(nlp, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The regulator blocked 41 Acme subsidiaries from trading.", (41, "", "Acme subsidiaries")),
        ("The deal is worth $3.5 billion to the seller.", (3.5e9, "USD", "")),
        ("The fund lost US$40 million in a week.", (4e7, "USD", "")),
        ("The city raised 2.5bn yuan in bonds.", (2.5e9, "CNY", "")),
        ("Turnout fell by 12 percent in the north.", (12, "%", "")),
        ("Turnout fell by 12% in the north.", (12, "%", "")),
        ("About 12 percent of voters stayed home.", (12, "%", "voters")),
        ("Three people were injured in the blast.", (3, "", "people")),
        ("Twenty-five volunteers cleaned the beach.", (25, "", "volunteers")),
        ("The app now has 1.2 million users in Europe.", (1.2e6, "", "users")),
        ("The carrier will refit 820 of its trucks by spring.", (820, "", "trucks")),
        ("The firm leased 300 server racks in several data centres.", (300, "", "server racks")),
        ("The ship sailed 40 km up the river.", (40, "km", "")),
        ("The state gave the company 90 days to sell the unit.", (90, "", "days")),
        ("About 2000 people marched through the city centre.", (2000, "", "people")),
        ("The bill passed with one hundred and five votes.", (105, "", "votes")),
        ("A dozen volunteers cleaned the beach.", (12, "", "volunteers")),
        ("The mayor signed two-dozen orders.", (24, "", "orders")),
    ],
)
def test_reads_amounts(nlp: Any, text: str, expected: tuple[float, str, str]) -> None:
    assert summary(nlp, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Operators are rolling out 5G across the region.",
        "The iPhone 12 went on sale in the spring.",
        "Pilots of the Boeing 737 were retrained.",
        "The plant opened in 2018 near the river.",
        "The ferry sank on March 3 near the port.",
        "She was the first woman to lead the party.",
        "A 50-year-old man was arrested at the scene.",
        "The meeting ended at 3:30 in the afternoon.",
        "The Five Eyes alliance shares intelligence.",
        "He ranked No. 5 on the list.",
        "The COVID-19 wave peaked quickly.",
        "It was one of the reasons for the delay.",
        "The 100m final was postponed.",
        "The bill passed on a 52-48 vote.",
    ],
)
def test_skips_years_dates_ordinals_ages_and_names(nlp: Any, text: str) -> None:
    assert summary(nlp, text) == []


def test_the_same_thing_counted_twice_gives_the_same_counts(nlp: Any) -> None:
    first = quantities(nlp, "The regulator blocked 41 new Acme subsidiaries on Monday.")
    second = quantities(nlp, "On Monday, the agency added the 39 Acme subsidiaries to its list.")
    assert [q.counts for q in first] == [q.counts for q in second] == ["Acme subsidiaries"]
    assert (first[0].value, second[0].value) == (41, 39)


def test_text_span_runs_from_the_sign_to_the_noun(nlp: Any) -> None:
    (deal,) = quantities(nlp, "The deal is worth $3.5 billion.")
    assert deal.text == "$3.5 billion"
    (count,) = quantities(nlp, "The regulator blocked 41 Acme subsidiaries.")
    assert count.text == "41 Acme subsidiaries"


def test_sentence_index(nlp: Any) -> None:
    found = quantities(nlp, "The vote was close.\n\nThree members abstained and 12 voted against.")
    assert [(q.value, q.sentence) for q in found] == [(3, 1), (12, 1)]


def test_seed_quantities(nlp: Any) -> None:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("the seed corpus (../shared/corpus/seeds) is not beside the repository")
    for path in files:
        found = quantities(nlp, path.read_text(encoding="utf-8"))
        assert found
        assert not any("5G" in q.text for q in found)
        assert not any(1800 <= q.value <= 2100 and not (q.unit or q.counts) for q in found)  # no bare years
