"""Evaluations aimed at people, organisations and countries, read from spaCy's dependency parse.

``find_evaluations`` is the entry point; ``annotate.nlp`` calls it with the parse it already has (no second spaCy
pass). A sentence's sentiment is not its tone toward every name in it ("Russia has no plans to ban Huawei" is not
negative toward Huawei), so an evaluative word counts for an entity only when the parse aims it at the entity:

* ``predicate``: the entity is the subject and the word is its predicate ("Hollis lied", "Hollis was a failure",
  "Hollis drew fierce criticism", "Hollis prompted outrage": the object of a light verb such as *draw*, *face*,
  *earn*, *prompt*, *make a mistake*), or an adverb that judges how it acted ("Hollis falsely claimed");
* ``modifier``: the word describes the entity ("the embattled Hollis", "Hollis, a corrupt official,", "brash talk
  show host Hollis");
* ``object``: the entity is the object of a verb of criticism or praise ("critics slammed Hollis"), an opinion
  attributed to the verb's subject;
* ``passive``: the entity is the subject of such a verb in the passive ("Hollis was praised by Reyes");
* ``noun``: the entity follows a noun of criticism or praise ("criticism of Hollis", "praise for Hollis").

A person is also mentioned by "he", "she", "his", "her" (the person last named as a subject nearby, or the one a
"he" of the previous sentence was), and by a title that one person in the article carries ("the sheriff" after
"Sheriff Joe Hollis"): see ``_pronoun_mentions``.

Words under a negation ("not", "no", "never" on the word or on a verb or noun above it) count for nothing, as do
words inside the entity's own or another entity's name ("Justice Department", "Liberty Party"). A word inside a
quotation or in reported speech ("X said that ...") is *quoted*; one reached through a verb or noun of criticism or
praise is *attributed* (the outlet reports someone's opinion); both are kept apart from the outlet's own voice, with
the speaker when the article names one. Only people,
organisations and countries are targets: a city or region (spaCy's GPE label covers them all) gets no tone.

A word's polarity is its VADER valence (-4 .. +4) over 4, or this module's own small list for evaluative words
VADER lacks (``EXTRA_VALENCE``). Every such word is recorded; ``compare.tone`` keeps those strong enough to count
(its ``MIN_VALENCE``, fitted on BASIL), so the threshold can change without annotating again.

Reads: the spaCy ``Doc``, ``Sentence``s, ``Entity``s, ``Quote``s. Writes: ``Evaluation`` records.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from ..models import Entity, Evaluation, Quote, Sentence, Voice

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["COUNTRIES", "find_evaluations", "is_country", "valence"]

# Evaluative words VADER's lexicon lacks (valence on its -4 .. +4 scale), written here by hand.
EXTRA_VALENCE: dict[str, float] = {
    "corrupt": -2.5,
    "embattled": -1.5,
    "disgraced": -2.5,
    "slammed": -2.0,
    "slam": -2.0,
    "blasted": -2.0,
    "lambasted": -2.5,
    "lambaste": -2.5,
    "assailed": -2.0,
    "assail": -2.0,
    "decried": -2.0,
    "decry": -2.0,
    "rebuked": -2.0,
    "rebuke": -2.0,
    "chided": -1.5,
    "chide": -1.5,
    "castigated": -2.5,
    "castigate": -2.5,
    "excoriated": -2.5,
    "excoriate": -2.5,
    "denounced": -2.5,
    "denounce": -2.5,
    "derided": -2.0,
    "deride": -2.0,
    "scolded": -1.5,
    "scold": -1.5,
    "faulted": -1.5,
    "fault": -1.5,
    "lied": -2.0,
    "lie": -2.0,
    "lies": -2.0,
    "lauded": 2.0,
    "laud": 2.0,
    "hailed": 2.0,
    "hail": 2.0,
    "commended": 2.0,
    "commend": 2.0,
    "gaffe": -1.5,
    "gaffes": -1.5,
    "extremist": -2.0,
    "radical": -1.0,
    "reckless": -2.0,
    "inept": -2.0,
    "incompetent": -2.5,
    "dishonest": -2.5,
    "hypocritical": -2.0,
    "hypocrite": -2.0,
    "scandal": -2.0,
    "scandals": -2.0,
    "bungle": -2.0,
    "bungled": -2.0,
    "blunder": -2.0,
    "blundered": -2.0,
    "mislead": -2.0,
    "misled": -2.0,
    "evade": -1.5,
    "evaded": -1.5,
    "dodge": -1.5,
    "dodged": -1.5,
    "flout": -2.0,
    "flouted": -2.0,
    "smear": -2.0,
    "smeared": -2.0,
    "brag": -1.5,
    "bragged": -1.5,
    "boast": -1.0,
    "boasted": -1.0,
    "stole": -2.5,
    "shine": 1.5,
    "shone": 1.5,
    # How a person or an organisation is described or behaves (issue 16: "brash", "eccentric", "theatrical").
    "bombastic": -2.0,
    "brash": -1.5,
    "eccentric": -1.0,
    "theatrical": -1.0,
    "testy": -1.5,
    "combative": -1.5,
    "belligerent": -2.0,
    "abrasive": -1.5,
    "dismissive": -1.5,
    "disdainful": -2.0,
    "frosty": -1.5,
    "firebrand": -1.5,
    "divisive": -1.5,
    "polarizing": -1.5,
    "erratic": -1.5,
    "incendiary": -2.0,
    "inflammatory": -1.5,
    "beleaguered": -1.5,
    "tirade": -2.0,
    "uproar": -1.5,
    "backlash": -1.5,
    "cave": -1.5,
    "caved": -1.5,
    "railed": -1.5,
    "rebuffed": -1.0,
    "erroneously": -1.5,
    "falsely": -1.5,
    "wrongly": -1.5,
    "misleadingly": -2.0,
    "brazenly": -2.0,
    "unabashedly": -1.0,
    # What opponents call a person or a group (quoted, mostly): charges of prejudice, dishonesty and unfitness.
    "inaccurate": -1.5,
    "unbecoming": -1.5,
    "sexist": -2.5,
    "bigoted": -2.5,
    "bigotry": -2.5,
    "misogynist": -2.5,
    "homophobic": -2.5,
    "xenophobic": -2.5,
    "intolerant": -2.0,
    "intolerance": -2.0,
    "hypocrisy": -2.0,
    "shenanigans": -1.5,
    "demonizing": -1.5,
    "obstructionist": -1.5,
    "unfit": -2.0,
    "unqualified": -1.5,
    "untruthful": -2.0,
    "crooked": -2.0,
    "crook": -2.0,
    "disgraceful": -2.5,
}

# Words VADER rates that are not evaluations of a person in news prose ("the party", "like", "victims" of a crime).
NOT_EVALUATIVE = frozenset(
    "party parties like likes liked well yes no please kind pretty support supports supported supporters supporter "
    "victim victims justice liberty freedom security care help helped hope hoped hopes want wants wanted wanting "
    "dead death deaths killed war military police crisis protest protests protesters tax taxes cancer disease "
    "emergency fire fires storm prison jail court charges charged matter true sure agree agreed agreement "
    "interest interests united honor share shares shared grant granted save saved ready "
    "respect played play commitment committed chance chances interested interest interests important certain "
    "laugh laughed laughs laughing smile smiled smiles smiling".split()
)
CUE_POS = frozenset({"ADJ", "NOUN", "VERB", "ADV"})
# What an entity does is weaker evidence of how it is judged than what it is called. A verb of its own counts only
# when the verb itself judges the conduct ("lied", "bungled"; not "suspended production", "chuckled", "gained"),
# and a word about something of its own ("his increasing seclusion") only when clearly evaluative, |valence| >= 2
# (VADER's "clearly emotive" band, as in ``evaluation.loaded_language``; fixed, not fitted).
STRONG_VALENCE = 2.0
# A word about something of the entity's own ("Obama's disastrous plan") counts from this |valence| on: chosen on
# BASIL's 2010-2012 events by own-voice F0.5 among 2.0, 1.5 and 1.0 (python -m parallax.evaluation.tone --fit
# reports MIN_VALENCE; this was compared by hand with the same figures), so no higher than ``compare.tone``'s own
# threshold.
POSSESSIVE_VALENCE = 1.0
CONDUCT_VERBS = frozenset(
    "lie lied lies lying cheat cheated cheats cheating fail failed fails failing blunder blundered bungle bungled "
    "mislead misled misleads deceive deceived deceives betray betrayed betrays abuse abused abuses steal stole "
    "stolen steals dodge dodged dodges evade evaded evades flout flouted flouts boast boasted boasts brag bragged "
    "brags whine whined whines smear smeared smears exaggerate exaggerated exaggerates distort distorted distorts "
    "excel excelled excels triumph triumphed triumphs succeed succeeded succeeds impress impressed impresses "
    "inspire inspired inspires shine shone complain complained complains complaining cave caved caves caving "
    "rail railed rails railing threaten threatened threatens threatening rebuff rebuffed rebuffs rant ranted rants "
    "fume fumed fumes".split()
)
# Adverbs that judge how the subject acts, counted on its verb even a verb of speech ("falsely claimed").
MANNER_ADVERBS = frozenset(
    "erroneously falsely wrongly misleadingly brazenly unabashedly shamelessly recklessly deceptively dishonestly "
    "bravely courageously deftly skillfully wisely".split()
)

# Verbs whose object is the target of the subject's criticism or praise (the opinion is the subject's).
EVALUATION_VERBS: dict[str, float] = {
    **dict.fromkeys(
        "criticize criticise criticized criticised criticizes criticises criticizing criticising condemn "
        "condemned condemns condemning slam slammed slams slamming blast blasted blasts blasting attack "
        "attacked attacks attacking accuse accused accuses accusing blame blamed blames blaming denounce "
        "denounced denounces denouncing lambaste lambasted lambastes assail assailed assails rebuke rebuked "
        "rebukes chide chided scold scolded fault faulted mock mocked mocks mocking ridicule ridiculed "
        "decry decried castigate castigated excoriate excoriated deride derided berate berated".split(),
        -0.5,
    ),
    **dict.fromkeys(
        "praise praised praises praising applaud applauded applauds hail hailed hails laud lauded lauds "
        "commend commended commends congratulate congratulated thank thanked thanks celebrate celebrated honor "
        "honored honour honoured".split(),
        0.5,
    ),
}
# Nouns whose "of"/"for"/"against" object is the target ("criticism of X", "praise for X").
EVALUATION_NOUNS: dict[str, float] = {
    **dict.fromkeys(
        "criticism criticisms condemnation attack attacks attacks outrage anger scorn backlash".split(), -0.5
    ),
    **dict.fromkeys("praise applause tribute tributes accolades".split(), 0.5),
}
EVALUATION_NOUN_PREPS = frozenset({"of", "for", "against", "toward", "towards", "at", "on"})
# Verbs whose object says how the subject is seen ("drew criticism", "faced a backlash", "made a mistake").
LIGHT_VERBS = frozenset(
    "draw drew drawn draws face faced faces facing earn earned earns receive received receives win won wins get got "
    "gets attract attracted attracts garner garnered suffer suffered suffers endure endured make made makes commit "
    "committed commits come came under prompt prompted prompts spark sparked sparks provoke provoked provokes trigger "
    "triggered triggers ignite ignited ignites".split()
)
SPEECH_VERBS = frozenset(
    "say said says saying tell told tells telling ask asked asks add added adds note noted notes claim claimed "
    "claims write wrote writes argue argued argues insist insisted insists declare declared declares state stated "
    "states warn warned warns announce announced announces".split()
)
# Dependencies that stay inside one phrase when collecting a predicate's or a modifier's words.
PHRASE_DEPS = frozenset({"amod", "advmod", "compound", "nmod", "npadvmod", "acomp", "attr", "oprd", "conj", "det"})
NEGATIONS = frozenset({"not", "n't", "no", "never", "nobody", "nothing", "neither", "nor", "without"})
# A clause opened by one of these is a hypothesis, not a judgment ("if Huawei succeeds ...").
HYPOTHETICAL = frozenset({"if", "unless", "whether"})
TARGET_LABELS = frozenset({"PERSON", "ORG", "GPE"})
PRONOUNS = frozenset({"he", "she", "him", "his", "her"})
# Titles that name one office holder ("the senator" after "Sen. Petra Hollis"), with abbreviations and variants
# written out to one form.
TITLE_NOUNS = frozenset(
    "president senator congressman governor sheriff mayor chairman chairwoman speaker leader secretary host "
    "candidate nominee justice minister judge commissioner director chancellor treasurer".split()
)
TITLE_FORMS = {
    "sen.": "senator",
    "gov.": "governor",
    "rep.": "congressman",
    "representative": "congressman",
    "congresswoman": "congressman",
    "pres.": "president",
}
# Nouns for people set against or beside the possessor: "Obama's critics", "his father died" say nothing of him.
PEOPLE_NOUNS = frozenset(
    "critics critic opponents opponent rivals rival foes foe enemies enemy detractors supporters supporter allies "
    "ally victims victim accusers accuser challengers challenger father mother wife husband son daughter brother "
    "sister parents children family".split()
)
# Quoted words shorter than this are a scare quote or a title in the outlet's own sentence, not someone's opinion.
MIN_QUOTED_WORDS = 4
_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")

# Countries (and the forms news uses for them): the only GPEs that get a tone.
COUNTRIES = frozenset(
    (
        "afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain "
        "bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria "
        "burkina burma burundi cambodia cameroon canada chad chile china colombia comoros congo croatia cuba cyprus "
        "czechia denmark djibouti dominica ecuador egypt eritrea estonia eswatini ethiopia fiji finland france gabon "
        "gambia georgia germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india "
        "indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati kosovo kuwait "
        "kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi "
        "malaysia maldives mali malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro "
        "morocco mozambique myanmar namibia nauru nepal netherlands nicaragua niger nigeria norway oman pakistan "
        "palau palestine panama paraguay peru philippines poland portugal qatar romania russia rwanda samoa "
        "senegal serbia seychelles singapore slovakia slovenia somalia spain sudan suriname sweden switzerland "
        "syria taiwan tajikistan tanzania thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine "
        "uruguay uzbekistan vanuatu venezuela vietnam yemen zambia zimbabwe britain america"
    ).split()
) | frozenset(
    {
        "united states",
        "united states of america",
        "u.s.",
        "us",
        "u.s.a.",
        "usa",
        "united kingdom",
        "uk",
        "u.k.",
        "great britain",
        "south korea",
        "north korea",
        "south africa",
        "south sudan",
        "saudi arabia",
        "new zealand",
        "sri lanka",
        "costa rica",
        "el salvador",
        "dominican republic",
        "czech republic",
        "ivory coast",
        "east timor",
        "timor-leste",
        "papua new guinea",
        "sierra leone",
        "equatorial guinea",
        "cape verde",
        "north macedonia",
        "macedonia",
        "san marino",
        "vatican",
        "vatican city",
        "united arab emirates",
        "uae",
        "the netherlands",
        "holland",
        "soviet union",
        "ussr",
        "democratic republic of congo",
        "democratic republic of the congo",
        "bosnia and herzegovina",
        "trinidad and tobago",
        "antigua and barbuda",
        "saint lucia",
        "guinea-bissau",
        "hong kong",
    }
)


def is_country(name: str) -> bool:
    """Whether a GPE name is a country ("the U.S.", "Britain"), not a city, state or region."""
    key = re.sub(r"^the\s+", "", name.strip().lower())
    return key in COUNTRIES


@cache
def _vader_lexicon() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    lexicon: dict[str, float] = SentimentIntensityAnalyzer().lexicon
    return lexicon


def valence(word: str) -> float | None:
    """A word's valence on VADER's -4 .. +4 scale (its inflections too: "praised" from "praise"), or None."""
    lower = word.lower()
    if lower in NOT_EVALUATIVE:
        return None
    lexicon = _vader_lexicon()
    for form in (lower, *(b for b in _bases(lower) if len(b) >= 4)):
        if form in NOT_EVALUATIVE:
            return None
        value = EXTRA_VALENCE.get(form, lexicon.get(form))
        if value is not None:
            return float(value)
    return None


def _bases(word: str) -> tuple[str, ...]:
    if word.endswith("ies"):
        return (word[:-3] + "y",)
    if word.endswith("ed"):
        return (word[:-1], word[:-2])
    if word.endswith("ing"):
        return (word[:-3], word[:-3] + "e")
    if word.endswith("s") and not word.endswith("ss"):
        return (word[:-1],)
    return ()


class _Context:
    """What every rule needs: the entities' token spans, the quoted character ranges, the threshold."""

    def __init__(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        min_valence: float,
    ) -> None:
        self.doc = doc
        self.min_valence = min_valence
        self.starts = [s.start for s in sentences]
        self.in_name: set[int] = set()
        for e in entities:
            span = doc.char_span(e.start, e.end, alignment_mode="expand")
            if span is not None:
                self.in_name.update(range(span.start, span.end))
        ranges: list[tuple[int, int, str | None]] = [(q.start, q.end, q.speaker) for q in quotes]
        for s in sentences:
            for m in _QUOTED.finditer(s.text):
                if len(re.findall(r"\w+", m.group(1))) >= MIN_QUOTED_WORDS:
                    ranges.append((s.start + m.start(1), s.start + m.end(1), None))
        self.quoted = sorted(ranges, key=lambda r: (r[0], r[1]))

    def sentence_of(self, char: int) -> int:
        return bisect.bisect_right(self.starts, char) - 1

    def quote_at(self, char: int) -> tuple[bool, str | None]:
        """Whether a character is inside a quotation or reported speech, and the speaker when known."""
        found = [(s, e, who) for s, e, who in self.quoted if s <= char < e]
        if not found:
            return False, None
        return True, next((who for _, _, who in found if who), None)

    def cue(self, token: Token) -> float | None:
        """The token's polarity -1 .. +1 when it is an evaluative word here, else None."""
        if token.i in self.in_name or token.pos_ not in CUE_POS or _negated(token):
            return None
        value = valence(token.text)
        if value is None or abs(value) < self.min_valence:
            return None
        return max(-1.0, min(1.0, value / 4.0))


def _negated(token: Token) -> bool:
    """A negation on the word, on a word it depends on up to its clause, or on a noun above it ("no plans to ..."),
    or a clause that is only a hypothesis ("if X succeeds")."""
    node: Token | None = token
    for _ in range(6):
        if node is None:
            break
        if any(c.dep_ == "neg" or c.lower_ in NEGATIONS or c.lower_ in HYPOTHETICAL for c in node.children):
            return True
        if node.head is node:
            break
        node = node.head
    return False


def _phrase(token: Token) -> Iterator[Token]:
    """The token and the words of its phrase (modifiers, complements), not entering clauses or prepositions."""
    yield token
    for child in token.children:
        if child.dep_ in PHRASE_DEPS:
            yield from _phrase(child)


def _head_noun(root: Token) -> Token:
    """The noun phrase an entity's words head or sit in ("Obama" in "the Obama administration" -> administration)."""
    node = root
    while node.dep_ in ("compound", "flat") and node.head is not node:
        node = node.head
    return node


def _speaker_of(verb: Token, dep: str) -> str | None:
    """Who voices the criticism or praise: the subject of the verb, or the "by" phrase of a passive."""
    for child in verb.children:
        if child.dep_ != dep:
            continue
        noun = next((c for c in child.children if c.dep_ == "pobj"), None) if dep == "agent" else child
        if noun is not None:
            return str(noun.doc[noun.left_edge.i : noun.i + 1].text)
    if dep == "nsubj" and verb.dep_ == "conj" and verb.head is not verb:
        return _speaker_of(verb.head, dep)  # "the US started a war and accused Russia": the first verb's subject
    return None


Hit = tuple["Token", float, str, bool, str | None]  # cue token, score, rule, attributed, speaker


def _aimed_at(noun: Token, ctx: _Context) -> Iterator[Hit]:
    """The evaluative words the parse aims at the noun phrase headed by ``noun``."""
    for child in noun.children:  # modifier: "the embattled Hollis", "Hollis, a corrupt official,"
        if child.dep_ in ("amod", "appos", "relcl", "acl"):
            words = _phrase(child) if child.dep_ not in ("relcl", "acl") else _predicate_words(child)
            for word in words:
                if (score := ctx.cue(word)) is not None and (word.pos_ != "VERB" or word.lower_ in CONDUCT_VERBS):
                    yield word, score, "modifier", False, None
    for child in noun.children:  # a title before the name: "eccentric radio host Petra Hollis"
        if child.dep_ == "compound" and child.pos_ == "NOUN":
            for word in (w for amod in child.children if amod.dep_ == "amod" for w in _phrase(amod)):
                if (score := ctx.cue(word)) is not None and word.pos_ != "VERB":
                    yield word, score, "modifier", False, None
    head, dep = noun.head, noun.dep_
    lower = head.lower_
    if dep == "poss" and head is not noun and head.pos_ == "NOUN" and head.lower_ not in PEOPLE_NOUNS:
        # "his remarks were outrageous", "Obama's disastrous policy": what is said of the entity's own thing
        for word, score, _, attributed, speaker in _aimed_at(head, ctx):
            # "critics hailed AARP's reversal" is of AARP; "Ryan slammed his own party's plan" need not be of Ryan
            if abs(score) * 4 >= POSSESSIVE_VALENCE and not (attributed and noun.pos_ == "PRON"):
                yield word, score, "possessive", attributed, speaker
    elif dep == "nsubj" and head is not noun:
        if lower in SPEECH_VERBS or lower in EVALUATION_VERBS:  # only how they spoke: "X falsely claimed"
            for word in _manner(head):
                if (score := ctx.cue(word)) is not None:
                    yield word, score, "predicate", False, None
            return
        for word in _predicate_words(head):
            if (score := ctx.cue(word)) is not None and _judges(word):
                yield word, score, "predicate", False, None
    elif dep == "dobj" and lower in EVALUATION_VERBS and not _negated(head):
        yield head, EVALUATION_VERBS[lower], "object", True, _speaker_of(head, "nsubj")
        for word in _complement_words(head):
            if (score := ctx.cue(word)) is not None:
                yield word, score, "object", True, _speaker_of(head, "nsubj")
    elif dep == "nsubjpass" and lower in EVALUATION_VERBS and not _negated(head):
        yield head, EVALUATION_VERBS[lower], "passive", True, _speaker_of(head, "agent")
        for word in _complement_words(head):
            if (score := ctx.cue(word)) is not None:
                yield word, score, "passive", True, _speaker_of(head, "agent")
    elif dep == "pobj" and head.lower_ in EVALUATION_NOUN_PREPS:
        evaluation = head.head
        if evaluation.lower_ in EVALUATION_NOUNS and not _negated(evaluation):
            owner = next((c for c in evaluation.children if c.dep_ == "poss"), None)
            yield evaluation, EVALUATION_NOUNS[evaluation.lower_], "noun", True, owner.text if owner else None


def _judges(word: Token) -> bool:
    """Whether a word of the subject's predicate judges it: any but a verb, and a verb that judges the conduct
    ("lied", "caved"; not "banned", "gained": what an entity does to others is not how it is judged)."""
    return word.pos_ != "VERB" or word.lower_ in CONDUCT_VERBS


def _predicate_words(verb: Token) -> Iterator[Token]:
    """A clause's predicate: the verb (unless a copula or a light verb) and its complements; a light verb's object."""
    if verb.pos_ == "VERB" and verb.lower_ not in LIGHT_VERBS:
        yield verb
    yield from _manner(verb)
    for child in verb.children:
        if child.dep_ in ("acomp", "attr", "oprd"):
            yield from _phrase(child)
        elif child.dep_ == "dobj" and verb.lower_ in LIGHT_VERBS:
            yield from _phrase(child)
            for prep in child.children:  # "drew a storm of criticism", "attracted its share of ridicule"
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    yield from (word for pobj in prep.children if pobj.dep_ == "pobj" for word in _phrase(pobj))
        elif child.dep_ == "xcomp":
            yield from _predicate_words(child)


def _manner(verb: Token) -> Iterator[Token]:
    """The verb's adverbs that judge the conduct ("falsely claimed"), and those of a clause it opens on the same
    subject ("dismissed the report, erroneously claiming ...")."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in MANNER_ADVERBS:
            yield child
        elif child.dep_ == "advcl" and not any(c.dep_ in ("nsubj", "mark") for c in child.children):
            yield from (c for c in child.children if c.dep_ == "advmod" and c.lower_ in MANNER_ADVERBS)


def _complement_words(verb: Token) -> Iterator[Token]:
    """'condemned as a failure', 'praised for his courage': the words that say what the criticism or praise was."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("as", "for"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield from _phrase(pobj)


def find_evaluations(
    doc: Doc,
    sentences: Sequence[Sentence],
    entities: Sequence[Entity],
    quotes: Sequence[Quote],
    *,
    min_valence: float = 0.0,
) -> tuple[Evaluation, ...]:
    """Every evaluative word the parse aims at a person, organisation or country named in the article (or at a
    person referred to by "he", "she", "his", "her": see ``_pronoun_mentions``)."""
    ctx = _Context(doc, sentences, entities, quotes, min_valence)
    out: list[Evaluation] = []
    seen: set[tuple[str, int]] = set()
    for entity, root in [*_mentions(doc, entities), *_pronoun_mentions(doc, entities, ctx)]:
        for word, score, rule, attributed, speaker in _aimed_at(_head_noun(root), ctx):
            if (entity.name, word.i) in seen or ctx.sentence_of(word.idx) != entity.sentence:
                continue
            seen.add((entity.name, word.i))
            quoted, quote_speaker = ctx.quote_at(word.idx)
            voice: Voice = "quoted" if quoted else "attributed" if attributed else "own"
            out.append(
                Evaluation(
                    entity=entity.name,
                    label=entity.label,
                    sentence=entity.sentence,
                    cue=word.text,
                    start=word.idx,
                    end=word.idx + len(word.text),
                    score=round(score, 4),
                    voice=voice,
                    speaker=(quote_speaker or speaker) if voice != "own" else None,
                    rule=rule,
                )
            )
    return tuple(out)


def _mentions(doc: Doc, entities: Sequence[Entity]) -> Iterator[tuple[Entity, Token]]:
    """Each mention of a person, organisation or country with the root token of its words. A lone word the small
    model labels a place or an organisation that is the surname of one person named in the article is that person
    ("Delgado is ..." after "Maria Delgado")."""
    surnames: dict[str, set[str]] = {}
    for e in entities:
        if e.label == "PERSON" and " " in e.name:
            surnames.setdefault(e.name.split()[-1], set()).add(e.name)
    for entity in entities:
        owners = surnames.get(entity.name, set()) if entity.label != "PERSON" and " " not in entity.name else set()
        if len(owners) == 1:
            entity = replace(entity, name=next(iter(owners)), label="PERSON")
        if entity.label not in TARGET_LABELS or (entity.label == "GPE" and not is_country(entity.name)):
            continue
        span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is not None:
            yield entity, span.root


def _pronoun_mentions(doc: Doc, entities: Sequence[Entity], ctx: _Context) -> Iterator[tuple[Entity, Token]]:
    """ "he", "she", "his", "her" as a mention of the person last named as a subject in this or the previous
    sentence (else the person last named there, when only one is; else the person a "he" or "she" subject of the
    previous sentence was): a small model has no coreference, so a pronoun with no such person is left alone. And
    "the vice president", "the sheriff": a title that one person named earlier in the article carries before the
    name ("Vice President Joe Biden"), as a mention of that person. Inside a quotation only a pronoun counts, and
    only when the quotation's speaker is known and is someone else (``_spoken_of``)."""
    people = sorted((e for e in entities if e.label == "PERSON"), key=lambda e: e.start)
    starts = [e.start for e in people]
    titles = _titles(doc, people)
    heads = {key.split()[-1] for key in titles}  # "president" of "vice president"
    chain: dict[int, Entity] = {}  # sentence -> the person its pronoun subject was resolved to
    for token in doc:
        pronoun = token.lower_ in PRONOUNS and token.pos_ == "PRON"
        if not pronoun and TITLE_FORMS.get(token.lower_, token.lower_) not in heads:
            continue
        quoted, speaker = ctx.quote_at(token.idx)
        here = ctx.sentence_of(token.idx)
        if pronoun:
            person = _antecedent(doc, people, starts, token.idx, here, chain)
        else:
            person = None if quoted else _titled(token, titles)
        if person is None or (quoted and not _spoken_of(person, speaker)):
            continue
        if token.dep_ in ("nsubj", "nsubjpass") and not quoted:
            chain.setdefault(here, person)
        yield replace(person, start=token.idx, end=token.idx + len(token.text), sentence=here), token


def _spoken_of(person: Entity, speaker: str | None) -> bool:
    """Whether "he" inside a quotation can be the person named before it: only with a known speaker who is someone
    else (a speaker speaks of himself as "I"; with no speaker known, "he" may be anyone)."""
    if not speaker:
        return False
    said = set(re.findall(r"\w+", speaker.lower()))
    return not said & set(re.findall(r"\w+", person.name.lower()))


def _antecedent(
    doc: Doc, people: list[Entity], starts: list[int], char: int, here: int, chain: dict[int, Entity]
) -> Entity | None:
    window: list[Entity] = []
    for k in range(bisect.bisect_left(starts, char) - 1, -1, -1):  # back from the pronoun, this sentence
        if people[k].sentence < here - 1:  # and the one before
            break
        window.insert(0, people[k])
    if not window:
        return chain.get(here - 1) or chain.get(here)  # "Hollis ... He wavered. He lost.": the chain goes on
    subjects = [e for e in window if _is_subject(doc, e)]
    if subjects:
        return subjects[-1]
    return window[-1] if len({e.name for e in window}) == 1 else None


def _titles(doc: Doc, people: Sequence[Entity]) -> dict[str, Entity]:
    """Each title written before one person's name ("vice president" of "Vice President Joe Biden"), when only one
    person in the article carries it: the title -> that person's first mention with it."""
    found: dict[str, dict[str, Entity]] = {}
    for person in people:
        span = doc.char_span(person.start, person.end, alignment_mode="expand")
        if span is None:
            continue
        words: list[Token] = []
        k = span.start - 1
        while k >= 0 and len(words) < 3 and doc[k].dep_ == "compound" and doc[k].head in span:
            words.insert(0, doc[k])
            k -= 1
        key = " ".join(TITLE_FORMS.get(w.lower_, w.lower_) for w in words)
        if words and key.split()[-1] in TITLE_NOUNS and all(w.is_alpha or w.lower_ in TITLE_FORMS for w in words):
            found.setdefault(key, {}).setdefault(person.name, person)
    return {key: next(iter(names.values())) for key, names in found.items() if len(names) == 1}


def _titled(token: Token, titles: dict[str, Entity]) -> Entity | None:
    """The person a "the <title>" noun phrase names: only "the" and the title's own words before the noun, and no
    "of" or apposition after it ("the president of the club" is someone else)."""
    if token.pos_ != "NOUN" or token.dep_ == "compound" or token.ent_type_ or not titles:
        return None
    left = [c for c in token.children if c.i < token.i]
    if not left or left[0].lower_ != "the" or any(c.dep_ not in ("det", "compound") for c in left):
        return None
    if any(c.dep_ in ("prep", "appos") for c in token.children if c.i > token.i):  # "the president of the club"
        return None
    words = [TITLE_FORMS.get(w, w) for w in [c.lower_ for c in left[1:]] + [token.lower_]]
    person = titles.get(" ".join(words))
    return person if person is not None and person.start < token.idx else None


def _is_subject(doc: Doc, entity: Entity) -> bool:
    span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
    return span is not None and _head_noun(span.root).dep_ in ("nsubj", "nsubjpass")
