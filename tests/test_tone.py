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
    # "was praised / condemned as ..." reports others' opinion (attributed): scored apart from the outlet's own voice
    assert warm.quoted_score is not None
    assert cold.quoted_score is not None
    assert warm.quoted_score > 0.3 > -0.3 > cold.quoted_score
    assert not warm.sentences
    assert warm.score == 0.0
    # the surname-only sentence counts for the full name, and every sentence behind the score is listed, with its
    # words; the opening sentence, which only names her, gives no tone
    assert [s.sentence for s in warm.quoted] == [1]
    assert {"praised", "wonderful", "brilliant"} <= set(warm.quoted[0].cues)
    assert abs(warm.quoted_score - warm.quoted[0].score) < 1e-3


def test_quoted_words_do_not_colour_the_outlets_tone() -> None:
    text = 'Mayor Tom Reyes spoke on Monday. "This is a disgusting, horrible, evil disaster," Reyes said of the plan.'
    [article] = annotate([Article(id="q", source="q", text=text)])
    tones = [t for t in entity_tone(Story(id="s", articles=("q",)), [article]) if t.entity == "Tom Reyes"]
    assert all(abs(s.score) < 0.3 for t in tones for s in t.sentences)


def test_example_corpus_tones_are_traceable(example_report: Report) -> None:
    by_id = {a.id: a for a in example_report.articles}
    story = next(s for s in example_report.stories if len(s.story.articles) > 2)
    members = [by_id[a] for a in story.story.articles]
    # the protagonists are the story's main entities; its hard-news sentences that only name them give no tone
    assert ("Petra Hollis", "PERSON") in main_entities(members)
    for tone in story.tone:
        assert tone.article_id in story.story.articles
        assert -1.0 <= tone.score <= 1.0
        assert tone.sentences or tone.quoted
        for s in (*tone.sentences, *tone.quoted):
            assert by_id[tone.article_id].sentences[s.sentence].text == s.text
            assert s.cues


def _story(texts: dict[str, str]) -> tuple[Story, list]:  # type: ignore[type-arg]
    articles = list(
        annotate([Article(id=k, source=k, text=v, outlet=k, published="2025-05-06") for k, v in texts.items()])
    )
    return Story(id="s", articles=tuple(a.id for a in articles)), articles


def test_a_place_gets_no_tone_but_a_country_does() -> None:
    story, articles = _story(
        {
            "a": "Fort Lauderdale is a miserable, dreadful mess after the storm. France is a wonderful partner.",
            "b": "Fort Lauderdale was a terrible place to be on Sunday. France is a generous and loyal ally.",
        }
    )
    names = {name for name, _ in main_entities(articles)}
    assert "Fort Lauderdale" not in names
    assert all(e.entity != "Fort Lauderdale" for a in articles for e in a.evaluations)
    tones = {(t.entity, t.article_id): t for t in entity_tone(story, articles)}
    assert tones[("France", "a")].score > 0.3
    assert tones[("France", "b")].score > 0.3


def test_no_plans_to_ban_is_not_negative_toward_the_banned() -> None:
    story, articles = _story(
        {
            "a": "Norway reportedly has no plans to ban Zentrix from its mobile networks.",
            "b": "Officials in Norway said they would not ban Zentrix. Norway banned Zentrix from one test network.",
        }
    )
    aimed = [e for a in articles for e in a.evaluations if e.entity == "Zentrix" and e.score < 0]
    assert aimed == []
    assert all(t.score >= 0 and (t.quoted_score or 0) >= 0 for t in entity_tone(story, articles))


def test_quoted_criticism_is_kept_apart_from_the_outlets_voice() -> None:
    story, articles = _story(
        {
            "a": (
                "Governor Maria Delgado opened the harbour on Monday. "
                '"Maria Delgado is a dishonest and incompetent failure," Senator Tom Reyes told reporters. '
                "Delgado is a capable and honest administrator."
            ),
            "b": "Critics slammed Governor Maria Delgado on Monday. Delgado was a brilliant host at the opening.",
        }
    )
    tones = {(t.entity, t.article_id): t for t in entity_tone(story, articles)}
    a, b = tones[("Maria Delgado", "a")], tones[("Maria Delgado", "b")]
    # the outlet's own words are kind; the senator's are harsh, shown apart with their speaker and never averaged in
    assert a.score > 0.3
    assert [s.sentence for s in a.sentences] == [2]
    assert a.quoted_score is not None
    assert a.quoted_score < -0.3
    [quoted] = a.quoted
    assert quoted.voice == "quoted"
    assert quoted.speaker == "Tom Reyes"
    assert {"dishonest", "incompetent", "failure"} <= set(quoted.cues)
    # "critics slammed X" is an attributed opinion, not the outlet's
    assert b.score > 0.3
    assert b.quoted_score is not None
    assert b.quoted_score < 0
    assert [s.voice for s in b.quoted] == ["attributed"]


def test_a_surname_the_model_takes_for_a_place_is_the_person() -> None:
    text = (
        "Governor Maria Delgado opened the rebuilt harbour in Portvale on Monday, two years after the storm. "
        "Delgado is a capable and honest administrator, and the harbour cost less than planned."
    )
    [article] = annotate([Article(id="h", source="h", text=text)])
    aimed = {(e.entity, e.cue) for e in article.evaluations}
    assert {("Maria Delgado", "capable"), ("Maria Delgado", "honest")} <= aimed
    assert all(e.entity != "Portvale" for e in article.evaluations)


def _aimed(text: str) -> set[tuple[str, str, str]]:
    [article] = annotate([Article(id="t", source="t", text=text)])
    return {(e.entity, e.cue.lower(), e.voice) for e in article.evaluations}


def test_conduct_verbs_and_manner_adverbs_judge_their_subject() -> None:
    assert ("Petra Hollis", "complained", "own") in _aimed("Senator Petra Hollis complained about the schedule.")
    assert ("Petra Hollis", "caved", "own") in _aimed("Senator Petra Hollis caved to the union on Tuesday.")
    assert ("Petra Hollis", "rebuffed", "own") in _aimed("Petra Hollis rebuffed calls to resign on Tuesday.")
    # a manner adverb counts even on a verb of speech, and on a clause that shares the subject
    assert ("Petra Hollis", "falsely", "own") in _aimed("Senator Petra Hollis falsely claimed the bridge was done.")
    erroneously = "Senator Petra Hollis rejected the audit, erroneously claiming that the figures were old."
    assert ("Petra Hollis", "erroneously", "own") in _aimed(erroneously)
    # negated conduct, and a plain verb of speech, say nothing of her
    assert not _aimed("Senator Petra Hollis did not complain about the schedule.")
    assert not _aimed("Senator Petra Hollis said the plan was late.")


def test_what_a_subject_provokes_and_how_it_is_described() -> None:
    assert ("Petra Hollis", "outrage", "own") in _aimed("Senator Petra Hollis prompted outrage with her remarks.")
    assert ("Petra Hollis", "backlash", "own") in _aimed("Senator Petra Hollis sparked a backlash on Tuesday.")
    apposition = _aimed("Senator Petra Hollis, a brash and combative lawmaker, spoke on Tuesday.")
    assert {("Petra Hollis", "brash", "own"), ("Petra Hollis", "combative", "own")} <= apposition
    assert ("Petra Hollis", "dismissive", "own") in _aimed("Petra Hollis was dismissive of the audit.")
    # an adjective on the title before the name
    assert ("Petra Hollis", "eccentric", "own") in _aimed("Eccentric radio host Petra Hollis spoke on Tuesday.")


def test_a_title_names_the_one_person_who_carries_it() -> None:
    aimed = _aimed(
        "Sheriff Maria Delgado opened the jail. Reporters waited outside. The sheriff lied about the budget."
    )
    assert ("Maria Delgado", "lied", "own") in aimed
    # two sheriffs, or "the sheriff of" some other place: no one in particular
    assert not _aimed("Sheriff Maria Delgado and Sheriff Tom Reyes spoke. Reporters waited. The sheriff lied.")
    assert not _aimed("Sheriff Maria Delgado and Mayor Tom Reyes spoke. The sheriff of Dunmore County lied.")


def test_a_pronoun_subject_carries_its_person_to_the_next_sentence() -> None:
    [article] = annotate(
        [
            Article(
                id="c",
                source="c",
                text=("Maria Delgado spoke on Monday. She lied about the budget. She lied again on Tuesday."),
            )
        ]
    )
    assert {(e.entity, e.sentence) for e in article.evaluations} == {("Maria Delgado", 1), ("Maria Delgado", 2)}
    # a sentence that is not about her breaks the chain
    gap = "Maria Delgado spoke on Monday. She lied about the budget. Reporters waited outside. She lied again."
    [article] = annotate([Article(id="g", source="g", text=gap)])
    assert {e.sentence for e in article.evaluations} == {1}


def test_words_about_what_is_ones_own_and_what_is_not() -> None:
    assert ("Maria Delgado", "flawed", "own") in _aimed("Maria Delgado announced a plan. Her flawed plan went nowhere.")
    # a relative is someone else; "certain" and a laugh are no judgment
    assert not _aimed("Maria Delgado spoke on Monday. Her father died in 1990.")
    assert not _aimed("Maria Delgado spoke on Monday. Her statement seemed certain to anger the board.")
    assert not _aimed("Maria Delgado laughed at the question.")
    # a verb of her own counts when it judges her conduct, not when it only reports what she did
    assert ("Maria Delgado", "betrayed", "own") in _aimed("Maria Delgado betrayed her allies on Monday.")
    assert not _aimed("Maria Delgado gained votes on Monday.")


def test_a_pronoun_inside_a_quotation_is_the_person_only_when_someone_else_speaks() -> None:
    said = 'Maria Delgado closed the clinic. "Her conduct is shameful and her record is pathetic," said Tom Reyes.'
    [article] = annotate([Article(id="q1", source="q1", text=said)])
    found = {(e.entity, e.cue, e.voice, e.speaker) for e in article.evaluations}
    assert ("Maria Delgado", "shameful", "quoted", "Tom Reyes") in found
    # the speaker speaks of himself as "I"; with no speaker known, "her" may be anyone
    assert not _aimed(
        'Tom Reyes closed the clinic. "His conduct is shameful and his record is pathetic," said Tom Reyes.'
    )
    assert not _aimed('Maria Delgado closed the clinic. "Her conduct is shameful and her record is pathetic."')
