"""Tests for parallax.annotate.framing: loaded terms (lexicon, compounds, quotations, scare quotes) and tone."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.annotate import framing
from parallax.annotate import lexicon as framing_lexicon
from parallax.annotate.framing import find_loaded_terms, score_tone
from parallax.models import Article, LoadedTerm, Sentence

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
NEUTRAL_SEED = "003_8a6da33f060eb295"
SLANTED_SEEDS = ("000_0abd7df418b4a831", "002_104aa211adc42b7c", "004_d134dc756befc632")

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")


def split(text: str, article_id: str = "a", first_index: int = 0) -> list[Sentence]:
    """A plain regex sentence splitter: every line is a paragraph, sentences end at . ! ? before a capital."""
    spans: list[tuple[int, int, int]] = []
    for paragraph, line in enumerate(re.finditer(r"[^\n]+", text)):
        cursor = line.start()
        for match in _SENTENCE_END.finditer(text, line.start(), line.end()):
            closing = re.match(r"[\"”’']?", match.group())
            spans.append((cursor, match.start() + len(closing.group() if closing else ""), paragraph))
            cursor = match.end()
        spans.append((cursor, line.end(), paragraph))
    spans = [(s, e, p) for s, e, p in spans if text[s:e].strip()]
    return [Sentence(article_id, first_index + i, s, e, text[s:e], p) for i, (s, e, p) in enumerate(spans)]


def terms_of(text: str) -> tuple[LoadedTerm, ...]:
    article = Article(id="a", source="test", text=text)
    return find_loaded_terms(article, split(text))


def found(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in terms_of(text)]


def check_invariants(article: Article, sentences: list[Sentence], terms: tuple[LoadedTerm, ...]) -> None:
    by_index = {s.index: s for s in sentences}
    previous_end = -1
    for term in terms:
        assert term.text == article.text[term.start : term.end]
        assert term.start >= previous_end, "terms overlap or are out of order"
        previous_end = term.end
        sentence = by_index[term.sentence]
        assert sentence.start <= term.start < sentence.end
        assert term.kind in framing.KINDS


# --- lexicon -------------------------------------------------------------------------------------------------------


def _lexicon_json() -> dict[str, object]:
    raw = resources.files("parallax").joinpath(framing.LEXICON_RESOURCE).read_text(encoding="utf-8")
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


def test_lexicon_loads_and_every_entry_is_valid() -> None:
    data = _lexicon_json()
    kinds = data["kinds"]
    assert isinstance(kinds, dict)
    assert set(kinds) == set(framing.KINDS)
    total = 0
    for kind, entries in kinds.items():
        assert entries, kind
        for entry in entries:
            assert entry == entry.lower().strip(), entry
            assert framing_lexicon.parse_entry(entry, kind), entry
            total += 1
    assert total >= 1900  # about two thousand entries
    for entry in data["exclude"]:  # type: ignore[attr-defined]
        assert framing_lexicon.parse_entry(entry)
    lexicon = framing_lexicon.load_lexicon()
    assert lexicon.compounds
    assert "so-called" in lexicon.scare_markers


def test_lexicon_has_no_redundant_entries() -> None:
    """No entry listed twice, no two entries compiling to the same pattern, no word form in two one-word entries."""
    data = _lexicon_json()
    pairs = [(kind, e) for kind, entries in data["kinds"].items() for e in entries]  # type: ignore[attr-defined]
    pairs += [("exclude", e) for e in data["exclude"]]  # type: ignore[attr-defined]
    patterns: Counter[tuple[object, ...]] = Counter()
    forms: dict[str, str] = {}
    for kind, entry in pairs:
        for pattern in framing_lexicon.parse_entry(entry, kind):
            patterns[(pattern.lead, pattern.core, pattern.trail)] += 1
            one_word = len(pattern.core) == 1 and not pattern.lead and not pattern.trail and pattern.core[0].words
            if one_word and kind != "exclude":
                for form in pattern.core[0].words:
                    assert forms.setdefault(form, entry) == entry, f"{form!r} in {forms[form]!r} and {entry!r}"
    assert max(patterns.values()) == 1, [p for p, n in patterns.items() if n > 1][:3]


@pytest.mark.parametrize(
    "entry",
    ["Slam/v", "slam/x", "* slam", "slam **", "<,> slam <,> more", "a <b> c", "", " slam", "a|<b>"],
)
def test_invalid_entries_are_rejected(entry: str) -> None:
    with pytest.raises(ValueError, match=r"entry|token|alternative"):
        framing_lexicon.parse_entry(entry)


def test_compile_rejects_unknown_kind_and_duplicates() -> None:
    with pytest.raises(ValueError, match="unknown kinds"):
        framing_lexicon.compile_lexicon({"format": 1, "kinds": {"spin": ["slam/v"]}})
    with pytest.raises(ValueError, match="twice"):
        framing_lexicon.compile_lexicon({"format": 1, "kinds": {"emotive": ["slam/v", "slam/v"]}})


def test_inflection() -> None:
    assert framing_lexicon.inflect("slam", "v") >= {"slam", "slams", "slammed", "slamming"}
    assert framing_lexicon.inflect("bristle", "v") >= {"bristles", "bristled", "bristling"}
    assert framing_lexicon.inflect("bury", "v") >= {"buries", "buried", "burying"}
    assert framing_lexicon.inflect("crony", "n") == {"crony", "cronies"}
    assert framing_lexicon.inflect("henchman", "n") == {"henchman", "henchmen"}
    assert framing_lexicon.inflect("quip", "v") >= {"quipped", "quipping"}


# --- each kind -----------------------------------------------------------------------------------------------------


def test_emotive_with_inflections_and_exact_offsets() -> None:
    text = "The senator slams the bill. Her allies slammed it too, slamming a chaotic rollout."
    terms = terms_of(text)
    assert [(t.text, t.kind) for t in terms] == [
        ("slams", "emotive"),
        ("slammed", "emotive"),
        ("slamming", "emotive"),
        ("chaotic", "emotive"),
    ]
    assert [t.start for t in terms] == [
        text.index("slams"),
        text.index("slammed"),
        text.index("slamming"),
        text.index("chaotic"),
    ]
    assert [t.sentence for t in terms] == [0, 1, 1, 1]


def test_intensifier_dismissive_hedge_and_adverb() -> None:
    assert found("The plan will undoubtedly fail, and the review was utterly one-sided.") == [
        ("undoubtedly", "intensifier"),
        ("utterly", "intensifier"),
    ]
    assert found("The council is nothing more than a talking shop dancing to the tune of its donors.") == [
        ("nothing more than", "dismissive"),
        ("talking shop", "dismissive"),
        ("dancing to the tune", "dismissive"),
    ]
    assert found("The firm reportedly paid the fine, and the mayor allegedly knew.") == [
        ("reportedly", "hedge"),
        ("allegedly", "hedge"),
    ]
    assert found("Regulators recklessly approved the merger run by the regime's cronies.") == [
        ("recklessly", "loaded-adverb"),
        ("regime", "loaded-label"),
        ("cronies", "loaded-label"),
    ]


def test_sarcasm_and_productive_compounds() -> None:
    assert found("In a non-shocker, the firm raised prices. Ironically, nobody noticed.") == [
        ("non-shocker", "sarcasm"),
        ("Ironically", "sarcasm"),
    ]
    assert found("It was the least-shocking news of the year, and the least surprising.") == [
        ("least-shocking", "sarcasm"),
        ("least surprising", "sarcasm"),
    ]
    assert found("Surprise, surprise: the ultra-hawkish wing and the hyper-partisan press agreed.") == [
        ("Surprise, surprise", "sarcasm"),
        ("ultra-hawkish", "intensifier"),
        ("hyper-partisan", "intensifier"),
    ]
    assert found("Call it a nonshocker.") == [("nonshocker", "sarcasm")]
    # <^> context: only at the start of a sentence
    assert found("Naturally, the minister agreed. Gas occurs naturally, and oil too.") == [("Naturally", "sarcasm")]
    # a prefix on a stem that is not in the rule is not a compound
    assert found("The ultra-wideband chip shipped in a non-binding deal.") == []


def test_idioms_with_apostrophe_and_hyphen_variants() -> None:
    text = "Data is the firm’s Achilles’ heel; a knee jerk response strikes fear into rivals."
    assert found(text) == [("Achilles’ heel", "idiom"), ("knee jerk", "idiom"), ("strikes fear", "idiom")]
    assert found("The kneejerk ban and the knee‑jerk veto were a witch-hunt.") == [
        ("kneejerk", "idiom"),
        ("knee‑jerk", "idiom"),  # U+2011 non-breaking hyphen: offsets stay in the original text
        ("witch-hunt", "idiom"),
    ]
    assert found("Moscow rolled out the red carpet for the delegation.") == [("rolled out the red carpet", "idiom")]


def test_exclusions_beat_shorter_terms() -> None:
    assert found("The sanctions regime was tightened after the Cold War ended.") == []
    assert found("Analysts warn of a new cold war between the regime and its neighbours.") == [
        ("new cold war", "idiom"),
        ("regime", "loaded-label"),
    ]
    assert found("Officials were supposed to meet on Monday.") == []


def test_capitalised_names_are_not_wording() -> None:
    assert found("The International Astronomical Union met in Prague.") == []
    assert found("Astronomical fees were charged.") == [("Astronomical", "intensifier")]


def test_tabloid_idioms_and_money_cliches() -> None:
    assert found("The bosses raked in bonuses while the regulator turned a blind eye.") == [
        ("raked in", "idiom"),
        ("turned a blind eye", "idiom"),
    ]
    assert found("The firm hid behind its lawyers and got away with a warning; its plans lie in tatters.") == [
        ("hid behind", "idiom"),
        ("got away with", "idiom"),
        ("in tatters", "idiom"),
    ]
    assert found("Two climbers are fighting for their lives, and heads must roll, say fat cats cashing in.") == [
        ("fighting for their lives", "idiom"),
        ("heads must roll", "idiom"),
        ("fat cats", "idiom"),
        ("cashing in", "idiom"),
    ]
    assert found("Rivals jumped on the bandwagon with yet another plan, small change for the group.") == [
        ("jumped on the bandwagon", "idiom"),
        ("yet another", "dismissive"),
        ("small change", "dismissive"),
    ]
    assert found("The ministers lined their own pockets and sparked fury in a shock U-turn.") == [
        ("lined their own pockets", "idiom"),
        ("sparked fury", "idiom"),
        ("shock U-turn", "emotive"),
    ]


def test_sarcasm_constructions() -> None:
    assert found("The agency has managed to set itself on fire. Colour us surprised.") == [
        ("managed to set itself on fire", "sarcasm"),
        ("Colour us surprised", "sarcasm"),
    ]
    assert found("The bank somehow managed to alienate both of its regulators.") == [("managed to alienate", "sarcasm")]
    assert found("Nobody has the faintest idea what it costs. What could possibly go wrong?") == [
        ("the faintest idea", "sarcasm"),
        ("What could possibly go wrong", "sarcasm"),
    ]
    assert found("We eagerly await the report. Shocking, we know. Airlines will start sweating.") == [
        ("We eagerly await", "sarcasm"),
        ("Shocking, we know", "sarcasm"),
        ("start sweating", "sarcasm"),
    ]
    assert found("The fix arrived two years too late, and the board is hoping for the best.") == [
        ("years too late", "sarcasm"),
        ("hoping for the best", "sarcasm"),
    ]
    assert found("For once, the board listened. It went swimmingly, for a change.") == [
        ("For once", "sarcasm"),
        ("swimmingly", "sarcasm"),
        ("for a change", "sarcasm"),
    ]


def test_intensifier_on_an_evaluative_adjective_is_one_term() -> None:
    assert found("A genuinely remarkable result, and rules that are positively medieval.") == [
        ("genuinely remarkable", "intensifier"),
        ("positively medieval", "intensifier"),
    ]
    assert found("The genuinely new engine and the simply designed cabin.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Rescuers managed to reach the survivors, and crews managed to contain the blaze.",  # managed to + success
        "Unions called for a change in the rules.",  # "for a change" needs a clause end after it
        "The company has been fined before.",  # "has-been" must not match the verb
        "Workers inhaled fumes in the second round on Sunday.",  # "fume", "round on" are literal here
        "Negotiators hammered out a deal, and the plan panned out.",  # excluded phrasal verbs
        "Prices jumped up after the crisis hit the company.",  # hyphenated entries also match spaced words
        "The patient is in critical condition, and nobody was charged.",
    ],
)
def test_new_rules_stay_quiet_on_neutral_wording(text: str) -> None:
    assert found(text) == []


# --- quotations ----------------------------------------------------------------------------------------------------


def test_terms_inside_direct_quotes_are_skipped() -> None:
    assert found('"This is a shocking, reckless betrayal of voters," the senator said.') == []
    assert found("The minister said the plan was “utterly shocking” and vowed to fight.") == []
    # the outlet's own words around the quote still count
    assert found('Critics slammed the plan. "It is a disgraceful fiasco," said one.') == [("slammed", "emotive")]


def test_quote_left_open_runs_to_the_end_of_its_paragraph() -> None:
    text = "“We will crush this outrageous plan,\n\n“and we will win,” the mayor said. The council was furious."
    assert found(text) == [("furious", "emotive")]


def test_scare_quotes_are_the_outlets_framing() -> None:
    text = "The army sent its “volunteers” across the border."
    terms = terms_of(text)
    assert [(t.text, t.kind) for t in terms] == [("“volunteers”", "scare-quote")]
    assert terms[0].start == text.index("“")
    assert found("The so-called reforms passed.") == [("so-called", "scare-quote")]
    assert found('Observers noted the so-called "peace process" stalled.') == [
        ('so-called "peace process"', "scare-quote")
    ]
    assert found("Troops staged a 'rescue' that left the town in ruins.") == [("'rescue'", "scare-quote")]


@pytest.mark.parametrize(
    "text",
    [
        "Delegates met at the “Future Cities” forum.",  # a name
        "The minister called the ban “illegal” on Monday.",  # attributed: speech verb
        "She said she was “disappointed”.",
        "Lawmakers passed the “doc fix” again.",  # a term of art after an article
        "Students took “active shooter” training.",  # the quotation modifies a noun
        "“Absurd.”",  # a whole sentence
        "He mouthed “I'm sorry” to the court.",  # first person: someone speaking
        'The word "terror" was removed from the text.',  # a mention
        "He told reporters: “Never.”",
        "They were “shocked” and “appalled” by it.",  # several quotations: piecemeal speech
    ],
)
def test_quotes_that_are_not_scare_quotes(text: str) -> None:
    assert found(text) == []


def test_apostrophes_are_not_quotation_marks() -> None:
    assert found("Russia’s and the countries’ plans are rock 'n' roll.") == []
    assert found("The US’ shameless move and the ministers' scandalous plan.") == [
        ("shameless", "emotive"),
        ("scandalous", "emotive"),
    ]


def test_sentence_index_is_the_sentence_records_index() -> None:
    text = "Nothing here. The deal was a fiasco."
    article = Article(id="a", source="test", text=text)
    sentences = split(text, first_index=7)
    terms = find_loaded_terms(article, sentences)
    assert [(t.text, t.sentence) for t in terms] == [("fiasco", 8)]


def test_terms_only_inside_given_sentences() -> None:
    text = "A shocking start. A shocking end."
    article = Article(id="a", source="test", text=text)
    only_second = [s for s in split(text) if s.index == 1]
    assert [(t.start, t.sentence) for t in find_loaded_terms(article, only_second)] == [(20, 1)]
    assert find_loaded_terms(article, []) == ()


def test_wrong_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        find_loaded_terms("text", [])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        score_tone(Article(id="a", source="t", text="x"), ["x"])  # type: ignore[list-item]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "slammed",
                "so-called",
                "“",
                "”",
                '"',
                "'",
                "’",
                "red carpet",
                "non-shocker",
                "the",
                "regime",
                "said",
                ",",
                ".",
                "\n\n",
                "Achilles",
                "heel",
                "knee-",
                "jerk",
                "ultra",
                "-",
                "hawkish",
                "A",
                "surprise",
            ]
        ),
        max_size=40,
    )
)
def test_invariants_on_arbitrary_text(words: list[str]) -> None:
    text = " ".join(words)
    article = Article(id="a", source="test", text=text)
    sentences = split(text)
    check_invariants(article, sentences, find_loaded_terms(article, sentences))
    assert -1.0 <= score_tone(article, sentences) <= 1.0


# --- tone ----------------------------------------------------------------------------------------------------------


def test_tone_sign_and_range() -> None:
    bad = "The rollout was a disaster. Residents were furious and frightened."
    good = "The rollout was a great success. Residents were delighted and grateful."
    assert -1.0 <= score_tone(Article(id="a", source="t", text=bad), split(bad)) < -0.3
    assert 0.3 < score_tone(Article(id="b", source="t", text=good), split(good)) <= 1.0


def test_tone_ignores_quoted_speech() -> None:
    quoted = '"This is a horrible, disgusting disaster," the mayor said on Monday.'
    own = "This is a horrible, disgusting disaster, the mayor said on Monday."
    assert abs(score_tone(Article(id="a", source="t", text=quoted), split(quoted))) < 0.1
    assert score_tone(Article(id="b", source="t", text=own), split(own)) < -0.5


def test_tone_of_nothing_is_neutral() -> None:
    assert score_tone(Article(id="a", source="t", text=""), []) == 0.0
    only_quote = "“Terrible.”"
    assert score_tone(Article(id="a", source="t", text=only_quote), split(only_quote)) == 0.0


# --- seed corpus ---------------------------------------------------------------------------------------------------


def _seed(name: str) -> tuple[Article, list[Sentence]]:
    path = SEEDS / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    text = path.read_text(encoding="utf-8")
    return Article(id=name, source=str(path), text=text), split(text, name)


def _loose_match() -> Callable[[str, str], bool]:
    scorer = SHARED / "eval" / "score_report.py"
    if not scorer.is_file():
        pytest.skip(f"{scorer} is missing")
    spec = importlib.util.spec_from_file_location("score_report", scorer)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loose_match: Callable[[str, str], bool] = module.loose_match
    return loose_match


def test_neutral_seed_has_at_most_two_terms() -> None:
    article, sentences = _seed(NEUTRAL_SEED)
    terms = find_loaded_terms(article, sentences)
    check_invariants(article, sentences, terms)
    assert len(terms) <= 2, terms


def test_slanted_seeds_cover_the_gold_loaded_language() -> None:
    gold_path = SHARED / "eval" / "seeds.gold.json"
    if not gold_path.is_file():
        pytest.skip(f"{gold_path} is missing")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["loaded_language"]
    loose_match = _loose_match()
    hit = total = 0
    for name in SLANTED_SEEDS:
        article, sentences = _seed(name)
        terms = find_loaded_terms(article, sentences)
        check_invariants(article, sentences, terms)
        for phrase in gold.get(name) or []:
            total += 1
            hit += any(loose_match(phrase, t.text) for t in terms)
    assert total
    assert hit / total >= 0.8, (hit, total)


def test_tone_of_seeds_is_in_range() -> None:
    for name in (NEUTRAL_SEED, *SLANTED_SEEDS):
        article, sentences = _seed(name)
        assert -1.0 <= score_tone(article, sentences) <= 1.0


# --- example corpus ------------------------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NEUTRAL_EXAMPLES = (
    "01_brennick_herald",
    "03_valmora_today",
    "04_dunmere_courier",
    "06_supply_chain_desk",
    "07_ostervik_post",
    "wires-1",
)


def _examples() -> dict[str, tuple[Article, list[Sentence]]]:
    from parallax.extract.article import extract
    from parallax.models import RawDocument
    from parallax.sources.files import read_inputs

    if not (EXAMPLES / "corpus").is_dir():
        pytest.skip("examples/corpus is missing")
    out: dict[str, tuple[Article, list[Sentence]]] = {}
    for doc in read_inputs([EXAMPLES / "corpus"]):
        if isinstance(doc, RawDocument):
            article = extract(doc)
            out[article.id] = (article, split(article.text, article.id))
    return out


def test_example_corpus_neutral_outlets_stay_quiet_and_slanted_gold_is_covered() -> None:
    """The example corpus's neutral outlets get at most two terms each; its slanted outlets' hand-marked loaded
    phrases are found (one is left: a one-off metaphor, beyond a lexicon)."""
    articles = _examples()
    for name in NEUTRAL_EXAMPLES:
        article, sentences = articles[name]
        terms = find_loaded_terms(article, sentences)
        check_invariants(article, sentences, terms)
        assert len(terms) <= 2, (name, terms)
    gold = json.loads((EXAMPLES / "corpus.gold.json").read_text(encoding="utf-8"))["loaded_language"]
    loose_match = _loose_match()
    hit = total = 0
    for name, phrases in gold.items():
        article, sentences = articles[name]
        terms = find_loaded_terms(article, sentences)
        check_invariants(article, sentences, terms)
        total += len(phrases)
        hit += sum(any(loose_match(phrase, t.text) for t in terms) for phrase in phrases)
    assert total
    assert hit / total >= 0.9, (hit, total)


# --- hard-news vocabulary (issue 16) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Investigators recovered the so-called black boxes from the wreckage.",
        "Staff had complained about faulty smoke detectors, and residents were complaining of smoke.",
        "A massive earthquake struck the coast, causing huge damage.",
        "Protesters marched against police brutality after fierce fighting in the north.",
        "The scandal led to calls for an inquiry, and the outrage grew.",
        "Officials said extremists had been arrested; the vote was overwhelmingly in favour.",
    ],
)
def test_ordinary_hard_news_vocabulary_is_not_loaded(text: str) -> None:
    assert found(text) == []


def test_slanted_character_words_are_loaded() -> None:
    text = "The brash, eccentric senator staged a theatrical, attention-grabbing walkout."
    assert [t for t, _ in found(text)] == ["brash", "eccentric", "theatrical", "attention-grabbing"]
