"""Numbers in an article and what they count: "38 Huawei affiliates", "$25 billion", "12 percent of firms".

Each quantity keeps its value (scale words applied: "1.2 million" is 1.2e6), its unit (an ISO currency code, "%",
or a measure such as "km") and, for counts, the noun phrase it counts, read from the dependency parse: the noun the
number modifies with the compound and adjective modifiers between them ("38 Huawei affiliates" -> "Huawei
affiliates"), or the object of a partitive "of" ("360,000 of its tablets" -> "tablets"). That string is what
conflict detection compares across outlets, so generic words that differ between wordings of one fact ("new",
"more", determiners, superlatives) are left out of it.

Not quantities: years, dates and times, ordinals, ages, numbers inside names and model names ("5G", "iPhone 12",
"Boeing 737"), list and page numbers.

Reads: the spaCy ``Doc`` (tokens, entities, parse) and the sentences. Writes: ``Quantity`` records.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Quantity, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["bound", "find_quantities"]

# --- tuning constants -----------------------------------------------------------------------------------------------
# How far (in tokens) the counted noun may sit after the number for the quantity's text span to run up to it.
# "38 Huawei affiliates" is 2; longer runs ("500 high-speed rack spaces") still fit, a clause further on does not.
SPAN_MAX_GAP = 5
# Bare integers in this range without a scale or unit are years unless they count a plural noun ("2000 people").
YEAR_RANGE = (1800, 2100)
# Words left out of ``counts`` because outlets vary them freely around the same fact.
COUNT_STOPWORDS = frozenset(
    {
        "new", "more", "other", "additional", "further", "latest", "such", "many", "few", "several", "some", "total",
        "extra", "only", "same", "different", "various", "recent", "current", "former", "existing", "about", "around",
        "nearly", "almost", "approximately", "roughly", "least", "most", "own"
    }
)  # fmt: skip
# Entity labels whose numbers are part of a name ("Boeing 737", "Windows 10", "Article 5").
NAME_LABELS = frozenset({"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC", "PERSON", "GPE", "LOC", "NORP"})
# Words before a number that make it an identifier, not an amount.
IDENTIFIER_WORDS = frozenset({"no", "no.", "#", "number", "nos", "nos.", "page", "p.", "pp.", "aged", "age", "ages"})

SCALES = {"dozen": 12.0, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Glued abbreviations ("2.5bn", "$5m", "10k"); "m" is only a million after a currency sign ("100m" may be metres).
SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12}
CURRENCY_SIGNS = {
    "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW",
    "c$": "CAD", "a$": "AUD", "hk$": "HKD", "s$": "SGD", "nz$": "NZD", "r$": "BRL",
}  # fmt: skip
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY",
    "yen": "JPY", "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB", "rupee": "INR", "rupees": "INR",
    "sterling": "GBP", "francs": "CHF", "usd": "USD", "eur": "EUR", "gbp": "GBP", "cny": "CNY", "rub": "RUB",
}  # fmt: skip
PERCENT_WORDS = frozenset({"%", "percent", "per-cent", "pct"})
MEASURE_UNITS = {
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "miles": "mi",
    "mile": "mi", "metres": "m", "meters": "m", "metre": "m", "meter": "m", "feet": "ft", "foot": "ft", "kg": "kg",
    "kilograms": "kg", "tonnes": "t", "tons": "t", "tonne": "t", "ton": "t", "mhz": "MHz", "ghz": "GHz",
    "gb": "GB", "tb": "TB", "mb": "MB", "gbps": "Gbps", "mbps": "Mbps", "mph": "mph", "km/h": "km/h", "mw": "MW",
    "gw": "GW", "kwh": "kWh", "barrels": "bbl", "acres": "acre", "hectares": "ha", "degrees": "°",
}  # fmt: skip
TIME_UNITS = frozenset(
    {
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
        "year", "years", "decade", "decades", "century", "centuries"
    }
)  # fmt: skip
WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip

_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_GLUED = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$", re.IGNORECASE)


def find_quantities(doc: Doc, sentences: Sequence[Sentence], *, text: str | None = None) -> tuple[Quantity, ...]:
    """Every amount in the text with its value, unit and what it counts, in text order. ``text``: ``doc.text`` when
    the caller holds it (spaCy joins every token to build it)."""
    starts = [s.start for s in sentences]
    text = doc.text if text is None else text  # built from every token on each access: once, not per quantity
    found: list[Quantity] = []
    i = 0
    while i < len(doc):
        group = _number_group(doc, i)
        if not group:
            i += 1
            continue
        i = group[-1].i + 1
        quantity = _quantity(doc, group)
        if quantity is None:
            continue
        start, end, value, unit, counts = quantity
        index = bisect.bisect_right(starts, start) - 1
        if index < 0 or end > sentences[index].end:
            continue
        found.append(Quantity(text[start:end], start, end, index, value, unit, counts))
    return tuple(found)


# --- reading numbers --------------------------------------------------------------------------------------------------


def _number_group(doc: Doc, i: int) -> list[Token]:
    """The tokens of one number starting at ``i`` ("1.2 million", "twenty - five", "2.5bn"), or []."""
    a_scale = doc[i].lower_ in SCALES and i > 0 and doc[i - 1].lower_ in ("a", "an")  # "a dozen", "a million"
    if _number_value(doc[i]) is None and not a_scale:
        return []
    group = [doc[i]]
    j = i + 1
    while j < len(doc):
        token = doc[j]
        previous = group[-1]
        following = doc[j + 1] if j + 1 < len(doc) else None
        joins = (
            token.lower_ in SCALES
            # "5m", "2.5bn" split by the tokenizer
            or (_suffix(token) in SUFFIX_SCALES and not previous.whitespace_ and bool(_DIGITS.match(previous.text)))
            # "twenty-five", "one hundred and five"
            or (_is_word_number(token) and (_is_word_number(previous) or previous.lower_ in ("-", "hundred", "and")))
            or (
                token.lower_ == "-"
                and _is_word_number(previous)
                and following is not None
                and (_is_word_number(following) or following.lower_ in SCALES)
            )
            or (
                token.lower_ == "and"
                and previous.lower_ == "hundred"
                and following is not None
                and (_is_word_number(following) or following.lower_ in SCALES)
            )
        )
        if not joins:
            break
        group.append(token)
        j += 1
    while group[-1].lower_ in ("-", "and"):
        group.pop()
    return group


def _is_word_number(token: Token) -> bool:
    return token.lower_ in WORD_NUMBERS


def _suffix(token: Token) -> str:
    """A scale abbreviation split from its number ("m", "bn"), tolerating the full stop the tokenizer glues on."""
    return str(token.lower_).removesuffix(".")


def _number_value(token: Token) -> float | None:
    text = token.text
    if _DIGITS.match(text):
        return float(text.replace(",", ""))
    if token.lower_ in WORD_NUMBERS:
        return float(WORD_NUMBERS[token.lower_])
    glued = _GLUED.match(text)
    if glued and glued.group(2).lower() in SUFFIX_SCALES:
        return float(glued.group(1)) * SUFFIX_SCALES[glued.group(2).lower()]
    return None


def _group_value(group: Sequence[Token]) -> float:
    """The value of a number group: digits times scales, or English number words summed the usual way."""
    total = 0.0
    current = 0.0
    for token in group:
        word = token.lower_
        if word in ("-", "and"):
            continue
        if word in SCALES or (_suffix(token) in SUFFIX_SCALES and token.i > 0 and _DIGITS.match(token.nbor(-1).text)):
            scale = SCALES.get(word) or SUFFIX_SCALES[_suffix(token)]
            current = (current or 1.0) * scale
            if scale >= 1e3:
                total, current = total + current, 0.0
        else:
            current += _number_value(token) or 0.0
    return total + current


# --- one quantity ---------------------------------------------------------------------------------------------------


def _quantity(doc: Doc, group: list[Token]) -> tuple[int, int, float, str, str] | None:
    """(start, end, value, unit, counts) for a number group, or ``None`` when it is not an amount."""
    first, last = group[0], group[-1]
    before = doc[first.i - 1] if first.i > 0 else None
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    value = _group_value(group)
    sign = before.lower_ if before is not None and before.lower_ in CURRENCY_SIGNS else None
    glued = _GLUED.match(first.text)
    if sign is None and ((glued and glued.group(2).lower() == "m") or _suffix(last) == "m"):
        return None  # "100m": metres as often as millions
    if _not_an_amount(doc, group, before, after, sign):
        return None

    unit, unit_token = "", None
    if sign is not None:
        unit = CURRENCY_SIGNS[sign]
    if after is not None:
        word = after.lower_
        if word in PERCENT_WORDS or (word == "per" and last.i + 2 < len(doc) and doc[last.i + 2].lower_ == "cent"):
            unit, unit_token = "%", after if word != "per" else doc[last.i + 2]
        elif word in CURRENCY_WORDS and not unit:
            unit, unit_token = CURRENCY_WORDS[word], after
        elif word in MEASURE_UNITS and not unit:
            unit, unit_token = MEASURE_UNITS[word], after

    if not unit and _magnitude(doc, first, last):
        unit = "magnitude"  # "a magnitude 7.7 earthquake", "a 7.5-magnitude quake": the size, not the quakes

    noun: Token | None = None
    if unit == "magnitude":
        pass
    elif unit == "%":
        noun = _partitive(unit_token) if unit_token is not None else None
    elif not unit:
        noun = _counted_noun(doc, group)
        if noun is not None and noun.lower_ in TIME_UNITS and _is_age_or_ago(doc, noun):
            return None
        if noun is None and _is_word_number(first):
            return None  # "the two": a word number that counts nothing is not worth keeping
        if noun is not None and len(group) == 1 and first.lower_ == "one" and first.dep_ != "nummod":
            return None  # "one of the reasons": a choice, not a count
    counts = _phrase(doc, noun, last) if noun is not None else ("magnitude" if unit == "magnitude" else "")

    start = before.idx if sign is not None and before is not None else first.idx
    end_token = unit_token or last
    if noun is not None and noun.i > end_token.i and noun.i - end_token.i <= SPAN_MAX_GAP:
        end_token = noun
    end = int(end_token.idx + len(end_token))
    if end_token is last and last.text.endswith(".") and len(group) > 1:
        end -= 1  # "$5m." tokenized with the sentence's full stop
    return int(start), end, value, unit, counts


def _magnitude(doc: Doc, first: Token, last: Token) -> bool:
    """ "magnitude 7.7", "7.7 magnitude", "7.5-magnitude": an earthquake's size."""
    near = [t.lower_ for t in doc[max(first.i - 2, 0) : first.i]] + [t.lower_ for t in doc[last.i + 1 : last.i + 3]]
    return "magnitude" in near


def bound(text: str, start: int) -> str:
    """How the words before a number at ``start`` of ``text`` bound it: ``"over"`` ("more than 5,000", "at least"),
    ``"under"`` ("nearly", "fewer than", "up to"), ``"about"`` ("about", "some", "an estimated"), else ``""``."""
    before = " ".join(text[max(0, start - 24) : start].lower().split()[-3:])
    for kind, words in _BOUNDS:
        if any(before.endswith(w) for w in words):
            return kind
    return ""


_BOUNDS = (
    ("over", ("more than", "over", "at least", "upwards of", "in excess of", "above", "exceeding", "topping")),
    ("under", ("nearly", "almost", "less than", "fewer than", "under", "up to", "at most", "just shy of", "below")),
    ("about", ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "close to")),
)


def _not_an_amount(doc: Doc, group: list[Token], before: Token | None, after: Token | None, sign: str | None) -> bool:
    first = group[0]
    kinds = {t.ent_type_ for t in group}
    if kinds & {"TIME", "ORDINAL"} or kinds & NAME_LABELS:
        return True
    if before is not None and (before.lower_ in IDENTIFIER_WORDS or (before.pos_ == "PROPN" and first.head == before)):
        return True  # "No. 5", "aged 50", "iPhone 12"
    if before is not None and before.text == "." and before.i > 0 and doc[before.i - 1].lower_ in IDENTIFIER_WORDS:
        return True  # "No. 5" tokenized "No", ".", "5"
    if before is not None and before.text in ("-", "/", ":", ".") and first.idx == before.idx + 1:
        return True  # the tail of "COVID-19", "24/7", a score or a time
    if after is not None and after.text in ("-", "/", ":") and after.idx == group[-1].idx + len(group[-1]):
        nxt = doc[after.i + 1] if after.i + 1 < len(doc) else None
        if after.text != "-" or (nxt is not None and (nxt.lower_ in ("year", "years", "month", "old") or nxt.is_digit)):
            return True  # "9/11", "3:30", "50-year-old", a "52-48" tally; "a 38-member team" still counts members
    if _is_word_number(first) and first.is_title and not first.is_sent_start:
        return True  # "the Five Eyes", "Big Four": a name
    if "DATE" in kinds and not _is_duration(doc, group):
        return True
    if len(group) == 1 and sign is None and re.fullmatch(r"\d{4}", first.text):
        year = int(first.text)
        if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] and not _counts_plural(first):
            return True
    return False


def _is_duration(doc: Doc, group: list[Token]) -> bool:
    """A number in a DATE entity that measures time ("90 days", "two years") rather than naming a date."""
    last = group[-1]
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    return nxt is not None and nxt.lower_ in TIME_UNITS and not _is_age_or_ago(doc, nxt)


def _is_age_or_ago(doc: Doc, unit: Token) -> bool:
    following = [t.lower_ for t in doc[unit.i + 1 : unit.i + 3]]
    return bool(following) and (following[0] in ("old", "ago") or following[:2] == ["-", "old"])


def _counts_plural(token: Token) -> bool:
    """Whether a year-like number counts a plural noun: "2000 people", not "the 2016 elections"."""
    head = token.head
    if token.dep_ != "nummod" or head.tag_ != "NNS" or head.i < token.i:
        return False
    return not any(c.i < token.i and (c.dep_ == "poss" or c.lower_ in ("the", "this", "that")) for c in head.children)


def _counted_noun(doc: Doc, group: list[Token]) -> Token | None:
    """The noun a number counts: the noun it modifies, or the object of "N of ..."."""
    top = next((t for t in group if not (group[0].i <= t.head.i <= group[-1].i) or t.head == t), group[-1])
    for _ in range(3):  # ranges and approximations: "30 to 40 people", "between 30 and 40 people"
        if top.dep_ in ("quantmod", "compound", "conj", "prep") and top.head.pos_ == "NUM" and top.head.i > top.i:
            top = top.head
        else:
            break
    attaches = top.dep_ in ("nummod", "quantmod", "amod", "compound") and top.head.i > top.i
    if attaches and top.head.pos_ in ("NOUN", "PROPN"):
        return top.head if top.head.pos_ == "NOUN" or top.head.tag_ == "NNPS" else None
    return _partitive(top)


def _partitive(token: Token | None) -> Token | None:
    """The noun after "of" in "360,000 of its tablets" / "12 percent of firms"."""
    if token is None:
        return None
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.rights:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    return None


def _phrase(doc: Doc, noun: Token, number_end: Token) -> str:
    """The counted noun with its compound and adjective modifiers, minus words that vary between wordings."""
    lower = number_end.i + 1 if noun.i > number_end.i else noun.left_edge.i
    keep: list[Token] = []
    for child in noun.lefts:
        if child.i < lower or child.dep_ not in ("compound", "amod", "nmod", "npadvmod"):
            continue
        keep.extend(
            t
            for t in child.subtree
            if t.i >= lower and not (t.is_punct and t.text != "-") and t.tag_ not in ("JJS", "JJR", "DT", "PRP$")
        )
    keep = [t for t in keep if t.lower_ not in COUNT_STOPWORDS]
    keep.append(noun)
    parts: list[str] = []
    for k, token in enumerate(keep):
        parts.append(token.text)
        if k + 1 < len(keep):
            nxt = keep[k + 1]
            parts.append(token.whitespace_ if nxt.i == token.i + 1 else " ")
    return "".join(parts).strip()
