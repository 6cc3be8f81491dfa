"""A story's title: the least loaded of its outlets' headlines, or a lead sentence most of them share."""

from __future__ import annotations

from parallax.annotate.nlp import annotate
from parallax.group.stories import LOADED_HEADLINE, headline_load, neutral_title
from parallax.models import AnnotatedArticle, Article

BODY = (
    "Congressional leaders agreed on Friday to a spending bill that keeps the government open until February. "
    "The deal between Donald Trump and Democratic leaders in Congress drops the money for a border wall. "
    "The House is expected to vote on the bill next week."
)


def _articles(*titles: str, body: str = BODY) -> list[AnnotatedArticle]:
    return list(
        annotate(
            Article(id=f"a{i}", source=f"a{i}", text=body, title=title, outlet=f"Outlet {i}")
            for i, title in enumerate(titles)
        )
    )


def test_a_partisan_headline_is_not_the_title() -> None:
    articles = _articles(
        "Trump Caves To Democrats On Border Wall Money!",
        "Trump and Democrats agree on spending bill without wall money",
    )
    assert headline_load(articles[0]) >= LOADED_HEADLINE
    assert headline_load(articles[1]) < LOADED_HEADLINE
    # the partisan headline is the first member's and the preferred one; still the neutral one wins
    assert neutral_title(articles, [0, 1], 0) == "Trump and Democrats agree on spending bill without wall money"


def test_sarcasm_and_opinion_marks_load_a_headline() -> None:
    articles = _articles(
        "Non-shocker: Russia sides with China",
        "Are YOU ready for what Russia just did?",
        "Russia backs China in trade dispute",
        "Russia 'sides' with China",
    )
    loads = [headline_load(a) for a in articles]
    assert loads[2] == 0
    assert min(loads[0], loads[1], loads[3]) >= 1
    assert loads[0] >= LOADED_HEADLINE  # a colon label and the sarcasm the lexicon flags
    assert neutral_title(articles, [0, 1, 3, 2], 0) == "Russia backs China in trade dispute"


def test_a_headline_naming_the_main_entities_wins_a_tie() -> None:
    articles = _articles("Spending bill agreed", "Trump and Congress agree on a spending bill")
    assert headline_load(articles[0]) == headline_load(articles[1]) == 0
    assert neutral_title(articles, [0, 1], 0) == "Trump and Congress agree on a spending bill"


def test_every_headline_loaded_gives_a_shared_lead_sentence() -> None:
    articles = _articles("Trump Caves To Democrats!", "Non-shocker: Democrats win again!")
    title = neutral_title(articles, [0, 1], 0)
    assert title in {s.text for a in articles for s in a.sentences}  # an exact sentence of a source
    assert title in BODY
    assert neutral_title(articles, [1, 0], 1) == title  # deterministic, whatever the order


def test_no_headline_falls_back_to_the_first_sentence() -> None:
    articles = _articles("", "")
    assert neutral_title(articles, [0, 1], 0) == articles[0].sentences[0].text


def test_a_loaded_headline_repeated_at_the_top_of_the_text_is_not_the_fallback() -> None:
    headline = "Trump Caves To Democrats On The Wall"
    articles = _articles(headline, "Non-shocker: Democrats win again!", body=f"{headline}\n\n{BODY}")
    title = neutral_title(articles, [0, 1], 0)
    assert title != headline
    assert title in BODY
