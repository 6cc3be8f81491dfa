"""Quotes and speakers: quotation-mark pairing, scare quotes, attribution patterns, speaker resolution, reported
speech; and the seed articles measured as ../shared/eval/score_report.py measures quotes."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from parallax.annotate.quotes import find_quotes
from parallax.models import Article, Quote

from .conftest import annotate_text

annotate = annotate_text


def quotes_of(text: str) -> tuple[Article, tuple[Quote, ...]]:
    article, doc, sentences, entities = annotate(text)
    quotes = find_quotes(article, doc, sentences, entities)
    for q in quotes:  # offsets always point at the words, and at the speaker mention
        assert q.text == article.text[q.start : q.end]
        assert q.text == q.text.strip()
        assert q.text[:1] not in '“”"«»'
        if q.speaker_start is not None:
            assert q.speaker_end is not None
            assert q.speaker_end > q.speaker_start
    return article, quotes


def direct(text: str) -> list[Quote]:
    return [q for q in quotes_of(text)[1] if q.kind == "direct"]


def reported(text: str) -> list[Quote]:
    return [q for q in quotes_of(text)[1] if q.kind == "reported"]


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, quotes
    return quotes[0]


# --- quotation marks --------------------------------------------------------------------------------------------


def test_curly_quote_with_trailing_attribution() -> None:
    q = only(direct("“We will open the new terminal before the winter,” John Carter said on Tuesday."))
    assert q.text == "We will open the new terminal before the winter"
    assert (q.speaker, q.cue) == ("John Carter", "said")


def test_straight_quotes_and_mixed_marks_pair_up() -> None:
    q = only(direct('"The harbour will stay open all year round," John Carter said.'))
    assert q.text == "The harbour will stay open all year round"
    # an opening straight quote closed by a curly one, as typed in the wild
    q = only(direct('John Carter said the city is "ready to work with every shipping line that asks,” as he left.'))
    assert q.text.startswith("ready to work with every shipping line")
    assert q.speaker == "John Carter"


def test_guillemets() -> None:
    q = only(direct("«We are ready to talk to anyone who wants a deal,» John Carter said."))
    assert (q.text, q.speaker) == ("We are ready to talk to anyone who wants a deal", "John Carter")


def test_nested_quote_stays_inside_the_outer_one() -> None:
    q = only(direct("“He looked at me and said ‘never again’ before he walked out,” John Carter said."))
    assert "‘never again’" in q.text
    assert q.speaker == "John Carter"


def test_quote_continued_in_the_next_paragraph() -> None:
    text = (
        "Maria Lopez opened the meeting.\n\n"
        "“The port has lost half of its traffic in two years and the losses keep growing.\n\n"
        "“We cannot wait for another study before we act,” Lopez said."
    )
    quotes = direct(text)
    assert len(quotes) == 2
    assert quotes[0].text.startswith("The port has lost half")
    assert quotes[0].text.endswith("keep growing.")
    assert [q.speaker for q in quotes] == ["Maria Lopez", "Maria Lopez"]


def test_quote_without_attribution_takes_the_previous_speaker() -> None:
    text = (
        "“The budget is balanced for the first time in a decade,” Maria Lopez told reporters.\n\n"
        "“Nobody expected that when we started, and nobody believed us.”"
    )
    quotes = direct(text)
    assert [q.speaker for q in quotes] == ["Maria Lopez", "Maria Lopez"]
    assert quotes[1].cue is None


def test_scare_quotes_titles_and_apostrophes_are_not_quotes() -> None:
    assert direct("Critics dismissed the so-called “green deal” as a gimmick for the elections.") == []
    assert direct("She spoke at the “Future of Cities” forum in Lisbon on Friday.") == []
    assert direct("Engineers worry about hidden “kill switches” in the routers sold to the city.") == []
    assert direct("We’ll put this one under ‘things nobody saw coming′, as it’s no surprise.") == []


def test_a_title_in_quotation_marks_is_no_quote_even_with_punctuation_inside() -> None:
    assert direct("The magazine ran a cover story called “The Iron Lady Returns,” with a photo of the mayor.") == []
    assert direct("Its front page reads, “THE IRON LADY RETURNS.” Many readers were not pleased.") == []
    assert direct("Across the cover are the words “The Iron Lady Returns.” Many readers were not pleased.") == []
    q = only(direct("“We Will Not Back Down,” John Carter said on Monday."))
    assert (q.text, q.speaker) == ("We Will Not Back Down", "John Carter")


def test_short_partial_quote_under_a_speech_verb_counts() -> None:
    text = "Maria Lopez insisted that the city would never be seen “bowing to outside pressure” on the budget."
    q = only(direct(text))
    assert (q.text, q.speaker, q.cue) == ("bowing to outside pressure", "Maria Lopez", "insisted")


def test_short_spoken_quote_counts() -> None:
    q = only(direct("“Never,” John Carter said when asked about a merger."))
    assert (q.text, q.speaker) == ("Never", "John Carter")


# --- attribution patterns ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("“The bridge will be finished in May,” said Maria Lopez, the city engineer.", "said"),
        ("Maria Lopez said: “The bridge will be finished in May.”", "said"),
        ("Maria Lopez said “the bridge will be finished in May” at the briefing.", "said"),
        ("According to Maria Lopez, “the bridge will be finished in May.”", "according to"),
        ("Maria Lopez told reporters “the bridge will be finished in May” after the vote.", "told"),
        ("“The bridge will be finished in May,” Maria Lopez told the Harbour Gazette.", "told"),
        ("Maria Lopez, chief engineer of the Port Authority, said “the bridge will be finished in May.”", "said"),
        ("Maria Lopez warned that “the bridge will be finished in May at the earliest.”", "warned"),
    ],
)
def test_attribution_patterns(text: str, cue: str) -> None:
    q = only(direct(text))
    assert q.text.startswith(("The bridge", "the bridge"))
    assert (q.speaker, q.cue) == ("Maria Lopez", cue)
    article = Article(id="t", source="t", text=text)
    assert q.speaker_start is not None
    assert article.text[q.speaker_start : q.speaker_end] == "Maria Lopez"


def test_person_named_in_the_sentence_wins_over_the_outlet() -> None:
    text = (
        "Maria Lopez stressed that the city would not “give up on the harbour project under any circumstances,” "
        "Reuters reported."
    )
    q = only(direct(text))
    assert q.speaker == "Maria Lopez"


def test_outlet_is_the_speaker_when_no_one_else_is() -> None:
    text = 'Reuters reported that the operator plans to fit the scanners "in all 4,000 buses before next spring."'
    q = only(direct(text))
    assert (q.speaker, q.cue) == ("Reuters", "reported")


# --- speaker resolution -----------------------------------------------------------------------------------------


def test_surname_resolves_to_the_full_name() -> None:
    text = (
        "Port director Maria Lopez opened the terminal on Monday.\n\n"
        "“This is the biggest investment the city has made in fifty years,” Lopez said."
    )
    q = only(direct(text))
    assert q.speaker == "Maria Lopez"
    assert text[q.speaker_start : q.speaker_end] == "Lopez"


def test_role_and_pronoun_resolve_to_the_titled_person() -> None:
    text = (
        "Transport Minister Maria Lopez met union leaders on Monday.\n\n"
        "The minister said “the strike has to end before the holidays.”\n\n"
        "“Nobody wins if the trains stay in the depots,” she said."
    )
    quotes = direct(text)
    assert [q.speaker for q in quotes] == ["Maria Lopez", "Maria Lopez"]
    assert text[quotes[0].speaker_start : quotes[0].speaker_end] == "The minister"
    assert text[quotes[1].speaker_start : quotes[1].speaker_end] == "she"


def test_pronoun_in_a_relative_clause() -> None:
    text = "John Carter criticised the regulators, who he said “never read the engineering reports.”"
    q = only(direct(text))
    assert q.speaker == "John Carter"


def test_pronoun_agrees_in_gender() -> None:
    text = (
        "Ms. Maria Lopez, the port director, met the union leader John Carter on Monday.\n\n"
        "Carter said his members would strike. “We have waited long enough for a fair offer,” he said.\n\n"
        "“The offer on the table is fair and it will not change,” she said."
    )
    assert [q.speaker for q in direct(text)] == ["John Carter", "Maria Lopez"]


def test_company_resolves_to_the_organisation_just_named() -> None:
    text = (
        "Northwind Logistics cut 300 jobs this week.\n\n"
        "The company said “the cuts are painful but necessary to keep the business alive.”"
    )
    assert only(direct(text)).speaker == "Northwind Logistics"


def test_unnamed_speakers_keep_the_article_s_description() -> None:
    text = (
        "Transport Minister Maria Lopez visited the depot.\n\n"
        "A doctor said “the workers were exhausted after three weeks of double shifts.”\n\n"
        "“We were never consulted about the new rota,” a Northwind Rail spokeswoman told reporters.\n\n"
        "The spokesman said “the company will not comment on rumours about the sale.”"
    )
    quotes = direct(text)
    # "a doctor" is someone new, not the minister; the description is all the article gives
    assert [q.speaker for q in quotes] == ["doctor", "Northwind Rail spokeswoman", "spokesman"]
    assert text[quotes[2].speaker_start : quotes[2].speaker_end] == "The spokesman"


def test_several_speakers_at_once_stay_unresolved() -> None:
    q = only(direct("Maria Lopez and John Carter said “the depot will stay open for at least another year.”"))
    assert q.speaker is None


def test_the_statement_is_its_issuer_s() -> None:
    text = (
        "Northwind Rail said in a statement that the line would reopen on Friday. "
        "“Safety comes before the timetable,” the statement said."
    )
    assert only(direct(text)).speaker == "Northwind Rail"


# --- reported speech --------------------------------------------------------------------------------------------


def test_reported_said_that() -> None:
    q = only(reported("Maria Lopez said that the bridge would reopen to traffic in May."))
    assert (q.text, q.speaker, q.cue) == ("the bridge would reopen to traffic in May", "Maria Lopez", "said")


def test_reported_attribution_after_the_statement() -> None:
    text = (
        "The bridge will reopen to traffic in May, Maria Lopez, a planner with the city, told the Harbour Gazette "
        "on Monday.\n\nThe repairs will cost less than planned, Lopez noted."
    )
    quotes = reported(text)
    assert [(q.text, q.speaker, q.cue) for q in quotes] == [
        ("The bridge will reopen to traffic in May", "Maria Lopez", "told"),
        ("The repairs will cost less than planned", "Maria Lopez", "noted"),
    ]


def test_reported_according_to() -> None:
    q = only(reported("According to Maria Lopez, the bridge will reopen to traffic in May."))
    assert (q.text, q.speaker, q.cue) == ("the bridge will reopen to traffic in May", "Maria Lopez", "according to")


def test_reported_from_an_outlet_citing_a_person() -> None:
    text = "The port will reopen next week, the Harbour Gazette reported, citing Mayor Maria Lopez."
    q = only(reported(text))
    assert (q.text, q.speaker) == ("The port will reopen next week", "Maria Lopez")


def test_no_reported_quote_over_a_direct_one() -> None:
    _, quotes = quotes_of("Maria Lopez said the bridge “will reopen to traffic in May at the latest.”")
    assert [q.kind for q in quotes] == ["direct"]


def test_no_quotes_in_plain_narration() -> None:
    _, quotes = quotes_of("The bridge reopened in May. Traffic returned to normal within a week.")
    assert quotes == ()


def test_rejects_a_wrong_type() -> None:
    with pytest.raises(TypeError):
        find_quotes("not an article", None, [], [])  # type: ignore[arg-type]


# --- the seed articles, as the scorer measures them ------------------------------------------------------------


def test_seed_quotes_found_and_attributed(shared: Path, scorer: ModuleType) -> None:
    gold = json.loads((shared / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))
    found: dict[str, list[Quote]] = {}
    for path in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        article, doc, sentences, entities = annotate(path.read_text(encoding="utf-8"), path.stem)
        found[path.stem] = list(find_quotes(article, doc, sentences, entities))
    hits = attributed = total = 0
    for gq in gold["quotes"]:
        for article_id, anchor in gq["anchors"]:
            total += 1
            hit = [q for q in found[article_id] if scorer.loose_match(q.text, anchor)]
            hits += bool(hit)
            attributed += any(scorer.norm(s) in scorer.norm(q.speaker or "") for q in hit for s in gq["speaker"])
    assert hits / total >= 0.9
    assert attributed / total >= 0.8


def test_few_quoted_words_inside_a_paraphrase_make_it_reported_speech() -> None:
    _, quotes = quotes_of('Maria Lopez said the council had ignored "plain and obvious warning signs" for years.')
    statement = only([q for q in quotes if q.kind == "reported"])
    assert statement.text == 'the council had ignored "plain and obvious warning signs" for years'
    assert statement.speaker == "Maria Lopez"
    # the exact words stay a quote of their own
    assert [q.text for q in quotes if q.kind == "direct"] == ["plain and obvious warning signs"]


def test_a_list_of_quoted_words_is_not_a_quote() -> None:
    text = 'Readers nominated "synergy," "pivot to video" and "circle back," John Carter said.'
    assert direct(text) == []


def test_a_request_is_reported_speech() -> None:
    q = only(reported("Mayor Maria Lopez asked residents to boil their tap water until Friday."))
    assert (q.text, q.speaker, q.cue) == ("to boil their tap water until Friday", "Maria Lopez", "asked")
    q = only(reported("Police warned drivers not to use the coastal road during the storm."))
    assert q.text == "not to use the coastal road during the storm"


def test_a_link_to_another_story_is_not_a_quote() -> None:
    text = "The port reopened on Monday.\n\nREAD MORE: Mayor says harbour ‘will never close again’\n\nShips queued."
    assert quotes_of(text)[1] == ()
