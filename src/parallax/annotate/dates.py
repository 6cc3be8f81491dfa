"""Dates mentioned in an article, resolved to ISO 8601 at the precision the text gives.

A small rule set rather than dateparser: news uses a handful of forms, and rules are fast, deterministic and say
exactly why "on Sunday" became 2020-08-23. Relative forms ("on Sunday", "last year", "in March") are resolved
against a reference date, the publication date, with news conventions: a weekday is the latest one on or before
publication unless the verb is in the future tense; a month-day without a year is this year's unless the tense
or the distance says otherwise ("was signed on December 30" in January is last year's). Vague spans ("last week",
"recently", "in recent weeks") and durations ("90 days", "the past year") are not dates and are skipped.

Reads: the spaCy ``Doc`` (its text and DATE/name entities, and the parse for tense) and the sentences.
Writes: ``TimeExpression`` records with offsets into the article text.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..days import MONTHS
from ..models import Precision, Sentence, TimeExpression

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["find_dates", "resolve"]

# --- tuning constants -----------------------------------------------------------------------------------------------
# A month-day without a year ("on August 23") is taken in the reference year unless that lands more than this many
# days after publication; then it is last year's (a story published 2 January about "December 30"). Two months
# covers announced upcoming events without turning last winter's dates into next winter's.
FUTURE_TOLERANCE_DAYS = 62
# How far up the parse a date expression looks for the verb whose tense it takes. Past NEAR_STEPS only a future cue
# counts ("is expected to disclose ... during a call with members on Monday evening" is the coming Monday): a past
# verb that far up tells of something else ("were pushing for a postponement of the June 19 election").
VERB_STEPS = 6
NEAR_STEPS = 4
# Bare years outside this range are numbers, not dates.
MIN_YEAR, MAX_YEAR = 1800, 2100
# Words before a bare year or month that make it a date ("in 2018", "since March", "by mid-2019").
TEMPORAL_PREPOSITIONS = frozenset(
    {
        "in", "on", "since", "by", "until", "till", "from", "to", "through", "throughout", "during", "before", "after",
        "around", "circa", "of", "between", "and", "early", "late", "mid", "end", "start", "beginning", "spring",
        "summer", "autumn", "fall", "winter"
    }
)  # fmt: skip
# Auxiliaries and verbs that put an event in the future ("will meet on Friday" is the next Friday; "sentencing
# was scheduled for June 28" is the next June 28 even though the verb is past; "plans to vote on Tuesday").
FUTURE_WORDS = frozenset(
    {
        "will", "'ll", "’ll", "shall", "wo", "scheduled", "slated", "due", "planned", "expected", "plans", "plan",
        "planning", "next", "upcoming", "coming",
    }
)  # fmt: skip
# Nouns that make a date a time limit still to come unless the verb is past: "the February deadline" in January is
# next month, "Tuesday is the deadline" on a Saturday the coming Tuesday ("missed the February deadline" is past).
DEADLINE_WORDS = frozenset({"deadline", "deadlines", "target", "cutoff", "cut-off"})
# A year that sets the time of a passage: after these words ("in 2016, ...", "during 2016"), or opening a sentence.
# "since 2016", "by 2016" and "the 2016 election" name a span or a background, not the time of the narration.
PASSAGE_YEAR_WORDS = frozenset({"in", "during", "throughout", "of"})
# A past-tense verb moves a month-day that is a little ahead of publication back a year ("signed on May 2" in a
# paper of 30 April is last May); this many days of slack absorb time zones and late-night publication.
PAST_SLACK_DAYS = 2
# Words before a weekday that make it a day with a name of its own, not a date.
NAMED_DAY_PREFIXES = frozenset({"black", "cyber", "super", "bloody", "good", "holy", "easter", "ash", "palm", "maundy"})
# Entity labels inside which a year or weekday is part of a name ("2020 Vision Summit", "Sunday Times").
NAME_LABELS = frozenset({"ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC", "PERSON", "GPE", "LOC", "NORP"})

WEEKDAYS = {name: number for number, name in enumerate(day.lower() for day in calendar.day_name)}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_SP = r"[^\S\n]+"  # spaces, never a line break: an expression does not run across lines
_REL = r"(?i:this|last|next)"

# One alternation, longest forms first (Python takes the first alternative that matches at a position). Each
# alternative has its own named groups; ``_interpret`` reads them back, so finding and resolving share one grammar.
_THAT_YEAR = rf"(?i:that|the{_SP}same){_SP}(?i:year)"
_GRAMMAR = rf"""
(?<![\w$€£¥/.-])
(?=[^\W_])  # every form starts with a letter or a digit: other positions fail at once, not in each alternative
(?:
    (?:{_WEEKDAY},?{_SP})?(?P<mdt_m>{_MONTH}){_SP}(?P<mdt_d>{_DAY}),?{_SP}{_THAT_YEAR}
  | (?:{_WEEKDAY},?{_SP})?(?P<dmt_d>{_DAY}){_SP}(?:of{_SP})?(?P<dmt_m>{_MONTH}),?{_SP}{_THAT_YEAR}
  | (?P<mt_m>{_MONTH_FULL}),?{_SP}{_THAT_YEAR}
  | (?P<ty>{_THAT_YEAR})
  | (?P<rym_rel>{_REL}){_SP}(?i:year),?{_SP}(?i:in){_SP}(?P<rym_m>{_MONTH})
  | (?P<mry_m>{_MONTH}){_SP}(?P<mry_rel>{_REL}){_SP}(?i:year)
  | (?:{_WEEKDAY},?{_SP})?(?P<mdy_m>{_MONTH}){_SP}(?P<mdy_d>{_DAY}),?{_SP}(?P<mdy_y>{_YEAR})
  | (?:{_WEEKDAY},?{_SP})?(?P<dmy_d>{_DAY}){_SP}(?:of{_SP})?(?P<dmy_m>{_MONTH}),?{_SP}(?P<dmy_y>{_YEAR})
  | (?P<iso_y>{_YEAR})(?P<iso_sep>[-/])(?P<iso_m>0?[1-9]|1[0-2])(?P=iso_sep)(?P<iso_d>{_DAY})(?![\d/-])
  | (?P<my_m>{_MONTH}),?{_SP}(?:of{_SP})?(?P<my_y>{_YEAR})
  | (?:{_WEEKDAY},?{_SP})?(?P<md_m>{_MONTH}){_SP}(?P<md_d>{_DAY})(?![.,:]?\d)
  | (?:{_WEEKDAY},?{_SP})?(?P<dm_d>{_DAY}){_SP}(?:of{_SP})?(?P<dm_m>{_MONTH})
  | (?P<mm_mod>{_REL}|(?i:early|late|mid)){_SP}(?P<mm_m>{_MONTH_FULL})
  | (?:(?i:early|late|mid)(?:{_SP}|-))?(?P<bm_m>{_MONTH_FULL})
  | (?:(?P<wd_mod>{_REL}|(?i:past)){_SP})?(?P<wd>{_WEEKDAY})(?:{_SP}(?i:morning|afternoon|evening|night))?
  | (?P<rd>(?i:yesterday|today|tomorrow|tonight))
  | (?P<ry_in>(?i:earlier|later)){_SP}(?i:this|in{_SP}the){_SP}(?i:year)
  | (?P<ry_rel>{_REL}){_SP}(?i:year)
  | (?P<rm_in>(?i:earlier|later)){_SP}(?i:this|in{_SP}the){_SP}(?i:month)
  | (?P<rm_rel>{_REL}){_SP}(?i:month)
  | (?P<ago_n>\d{{1,2}}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))
        {_SP}(?P<ago_u>(?i:day|month|year))s?{_SP}(?i:ago)
  | (?:(?i:early|late|mid)(?:{_SP}|-))?(?P<y>{_YEAR})(?![.,]\d|\d|-\d|s\b)
)
(?!\w)
"""
_DATE_RE = re.compile(_GRAMMAR, re.VERBOSE)
# The alternative that matched is named by its first group that took part; (group, kind, precision).
_KINDS: tuple[tuple[str, str, Precision], ...] = (
    ("mdt_m", "month-day-that-year", "day"),
    ("dmt_d", "month-day-that-year", "day"),
    ("mt_m", "month-that-year", "month"),
    ("ty", "that-year", "year"),
    ("rym_rel", "rel-year-month", "month"),
    ("mry_m", "rel-year-month", "month"),
    ("mdy_m", "full", "day"),
    ("dmy_d", "full", "day"),
    ("iso_y", "full", "day"),
    ("my_m", "month-year", "month"),
    ("md_m", "month-day", "day"),
    ("dm_d", "month-day", "day"),
    ("mm_mod", "month", "month"),
    ("bm_m", "bare-month", "month"),
    ("wd", "weekday", "day"),
    ("rd", "relative-day", "day"),
    ("ry_in", "relative-year", "year"),
    ("ry_rel", "relative-year", "year"),
    ("rm_in", "relative-month", "month"),
    ("rm_rel", "relative-month", "month"),
    ("ago_n", "ago", "day"),
    ("y", "year", "year"),
)


def find_dates(
    doc: Doc, sentences: Sequence[Sentence], reference: date | None, *, text: str | None = None
) -> tuple[TimeExpression, ...]:
    """Temporal expressions in the article, resolved against ``reference`` (the publication date) and against the
    year the passage sets (``_Passage``: "in 2016 ... On July 22 that year ... On Oct. 7" are 2016's).

    Without a reference, relative expressions get ``value=""``; ``resolve`` fills them in later. ``text``:
    ``doc.text`` when the caller holds it (spaCy joins every token to build it).
    """
    text = doc.text if text is None else text
    token_starts = [int(t.idx) for t in doc]
    starts = [s.start for s in sentences]
    passage = _Passage()
    found: list[TimeExpression] = []
    for match in _DATE_RE.finditer(text):
        start, end = match.span()
        index = bisect.bisect_right(starts, start) - 1
        if index < 0 or end > sentences[index].end:
            continue
        tokens = _tokens(doc, token_starts, start, end)
        if not tokens or not _accepted(match, text, doc, tokens):
            continue
        sentence = sentences[index]
        year = passage.year_at(sentence.paragraph)
        parsed = _interpret(match, reference, tense=_tense(tokens), passage=year)
        if parsed is None:
            continue
        value, precision, relative = parsed
        passage.after(match, value, sentence, opens=_opens_passage(match, text, sentence), reference=reference)
        found.append(TimeExpression(match.group(0), start, end, index, value, precision, relative))
    return tuple(found)


class _Passage:
    """The year a passage of the article is set in, as the dates read so far give it.

    A year named in a passage ("in 2016", "on June 3, 2016", "July 2016") sets it; the bare month-days after it
    ("On July 22 that year", "on Oct. 7", "in September that year") are that year's, in the same paragraph and the
    next, and each one so dated carries it on; another year takes over; a date read from the publication ("on
    Tuesday", "yesterday", "last month") brings the passage back to the publication's time. A year that only names
    a span or a background ("since 2016", "the 2016 election") sets nothing.
    """

    def __init__(self) -> None:
        self.year: int | None = None
        self.paragraph = 0

    def year_at(self, paragraph: int) -> int | None:
        if self.year is not None and paragraph > self.paragraph + 1:
            self.year = None
        return self.year

    def after(
        self, match: re.Match[str], value: str, sentence: Sentence, *, opens: bool, reference: date | None
    ) -> None:
        kind = _kind(match)[0]
        year = int(value[:4]) if value[:4].isdigit() else None
        if kind in ("full", "month-year") or (kind == "year" and opens):
            self.year, self.paragraph = year, sentence.paragraph
        elif kind in _PASSAGE_KINDS and year is not None and year == self.year:
            self.paragraph = sentence.paragraph  # a date of the passage carries it on
        elif kind == "relative-year" and reference is not None and year is not None and year != reference.year:
            self.year, self.paragraph = year, sentence.paragraph  # "last year, ... on March 3"
        elif kind in _PUBLICATION_KINDS:
            self.year = None


# Kinds a passage year dates, and kinds read from the publication date (they end a passage set in another year).
# A bare month ("in January") is left to the publication's rules: "announced in March 2023. The subsidy was approved
# in January" is this January (checked on the example corpus).
_PASSAGE_KINDS = frozenset({"month-day", "month-day-that-year", "month-that-year", "that-year"})
_PUBLICATION_KINDS = frozenset(
    {"weekday", "relative-day", "ago", "relative-month", "rel-year-month", "month", "relative-year"}
)


def _opens_passage(match: re.Match[str], text: str, sentence: Sentence) -> bool:
    """Whether a bare year sets the passage's time: "in 2016, ..." or a sentence opening on it, not "since 2016"
    nor "the 2016 election"."""
    if match.start("y") > match.start():
        return False  # "mid-2016": a part of the year, not the time of what follows
    if text[sentence.start : match.start()].strip(' "“‘(') == "":
        return True
    return _previous_word(text, match.start()) in PASSAGE_YEAR_WORDS


def resolve(expr: TimeExpression, reference: date) -> TimeExpression:
    """``expr`` re-resolved against another reference date (for articles without a publication date)."""
    match = _DATE_RE.fullmatch(expr.text)
    parsed = _interpret(match, reference) if match else None
    if parsed is None:
        return expr
    value, precision, relative = parsed
    return dataclasses.replace(expr, value=value, precision=precision, relative=relative)


# --- finding ----------------------------------------------------------------------------------------------------------


def _tokens(doc: Doc, token_starts: Sequence[int], start: int, end: int) -> list[Token]:
    first = max(bisect.bisect_right(token_starts, start) - 1, 0)
    last = bisect.bisect_left(token_starts, end)
    return [doc[i] for i in range(first, last) if doc[i].idx + len(doc[i]) > start]


def _kind(match: re.Match[str]) -> tuple[str, Precision]:
    for group, kind, precision in _KINDS:
        if match.group(group) is not None:
            if kind == "ago":
                unit = match.group("ago_u").lower()
                return kind, "day" if unit == "day" else "month" if unit == "month" else "year"
            return kind, precision
    raise AssertionError(f"unhandled date form: {match.group(0)!r}")  # pragma: no cover - grammar and table agree


def _accepted(match: re.Match[str], text: str, doc: Doc, tokens: Sequence[Token]) -> bool:
    kind, _ = _kind(match)
    previous = _previous_word(text, match.start())
    in_name = any(t.ent_type_ in NAME_LABELS for t in tokens)
    is_date = any(t.ent_type_ in ("DATE", "TIME") for t in tokens)
    if in_name and not is_date and kind not in ("weekday", "year", "bare-month"):
        return False  # "the 17 February Brigade"
    if kind in ("relative-year", "relative-month") and previous in ("the", "past", "over", "coming"):
        return False  # "over the next year", "the last month": durations
    if kind == "relative-day" and text[match.end() : match.end() + 2] in ("'s", "’s"):
        return False  # "today's world": the present in general
    if kind == "weekday":
        at = match.start("wd")
        weekday = next((t for t in tokens if t.idx <= at < t.idx + len(t)), tokens[-1])
        # "Black Friday", "Super Tuesday" are days with names of their own; "Sunday Times" is a newspaper.
        named = _names_what_follows(weekday) or any(
            c.i < weekday.i and c.lower_ in NAMED_DAY_PREFIXES for c in weekday.children
        )
        # The small model glues a bare weekday onto the name before it ("Putin Monday signed"): a weekday that ends
        # a person's or an organisation's name is still the date.
        ends_name = weekday.ent_type_ in ("PERSON", "ORG") and (
            weekday.i + 1 == len(doc) or doc[weekday.i + 1].ent_iob_ != "I"
        )
        return not (named or (weekday.ent_type_ in NAME_LABELS and not ends_name))
    if kind == "month-day" and _names_what_follows(tokens[-1]):
        return False  # "the 17 February Brigade"
    if kind in ("bare-month", "year"):
        if in_name and not is_date:
            return False
        if match.start("bm_m" if kind == "bare-month" else "y") > match.start():
            return True  # "mid-2019", "early March"
        if kind == "bare-month" and match.group(0).startswith("May") and previous not in TEMPORAL_PREPOSITIONS:
            return False  # the modal verb at the start of a sentence
        if kind == "year" and any(_counts_plural(t) for t in tokens):
            return False  # "2000 people" (the small model tags it DATE), but not "the 2016 elections"
        return is_date or previous in TEMPORAL_PREPOSITIONS
    return True


def _names_what_follows(token: Token) -> bool:
    """Whether ``token`` is the modifier of a proper noun right after it: part of a name, not a date."""
    head = token.head
    return token.dep_ in ("compound", "nmod", "amod") and head.i == token.i + 1 and head.pos_ == "PROPN"


def _counts_plural(token: Token) -> bool:
    head = token.head
    if token.dep_ != "nummod" or head.tag_ != "NNS":
        return False
    return not any(c.i < token.i and (c.dep_ == "poss" or c.lower_ in ("the", "this", "that")) for c in head.children)


def _previous_word(text: str, pos: int) -> str:
    before = text[max(0, pos - 30) : pos].split()
    return before[-1].lower().strip(",(") if before else ""


def _tense(tokens: Sequence[Token]) -> str:
    """The tense of the verb the expression attaches to: "future" ("will meet on Friday", "plans to vote on
    Tuesday", "the February deadline", "Tuesday is the deadline"), "past" or ""."""
    token = tokens[0]
    path = [token]
    # up the parse to the governing verb, through a noun phrase and its prepositions (see VERB_STEPS)
    for _ in range(VERB_STEPS):
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            break
        token = token.head
        path.append(token)
    near = len(path) - 1 <= NEAR_STEPS
    words = {t.lower_ for t in path} | {c.lower_ for t in path for c in t.children}
    if token.pos_ not in ("VERB", "AUX"):
        return "future" if words & DEADLINE_WORDS else ""
    children = list(token.children)
    if token.dep_ in ("xcomp", "advcl") and token.head is not token:
        words |= {token.head.lower_} | {c.lower_ for c in token.head.children if c.dep_ in ("aux", "auxpass")}
    scheduled = token.lower_ == "set" and any(c.lower_ == "for" for c in children)  # "set for June 28"
    if words & FUTURE_WORDS or scheduled:
        return "future"
    if near and (token.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in children)):
        return "past"
    if words & DEADLINE_WORDS:
        return "future"
    return ""


# --- resolving --------------------------------------------------------------------------------------------------------


def _interpret(
    match: re.Match[str], reference: date | None, *, tense: str = "", passage: int | None = None
) -> tuple[str, Precision, bool] | None:
    """(ISO value, precision, relative) for one matched expression; ``None`` if it is not a valid date. ``passage``
    is the year the passage sets (``_Passage``), for the bare dates it dates.

    A relative date that would leave the calendar (years 1 to 9999: "yesterday" in a paper dated 0001-01-01, "next
    year" in one dated 9999) is not a date either."""
    try:
        parsed = _in_passage(match, reference, tense, passage)
        if parsed is None and _kind(match)[0] not in _THAT_YEAR_KINDS:
            parsed = _interpreted(match, reference, tense=tense)
    except OverflowError:
        return None
    if parsed is not None and parsed[0] and not _in_calendar(parsed[0]):
        return None
    return parsed


_THAT_YEAR_KINDS = frozenset({"month-day-that-year", "month-that-year", "that-year"})


def _in_passage(
    match: re.Match[str], reference: date | None, tense: str, passage: int | None
) -> tuple[str, Precision, bool] | None:
    """A bare date read in the year its passage sets, or ``None`` when that year does not decide it: no passage
    year, the publication's own year (the publication rules then know better), or a passage in the past and a verb
    in the future ("In 2016 ... The plant will reopen on Oct. 7")."""
    kind = _kind(match)[0]
    if kind not in _PASSAGE_KINDS or passage is None:
        return None
    publication_knows = reference is not None and (
        passage == reference.year or (tense == "future" and passage < reference.year)
    )
    if kind not in _THAT_YEAR_KINDS and publication_knows:
        return None
    g = match.groupdict()
    if kind in ("month-day", "month-day-that-year"):
        month = _month(g["md_m"] or g["dm_m"] or g["mdt_m"] or g["dmt_m"])
        return _day(passage, month, _int(g["md_d"] or g["dm_d"] or g["mdt_d"] or g["dmt_d"]), relative=True)
    if kind == "month-that-year":
        return f"{passage:04d}-{_month(g['mt_m']):02d}", "month", True
    return f"{passage:04d}", "year", True


def _in_calendar(value: str) -> bool:
    year = value.partition("-")[0]
    return len(year) == 4 and year.isdigit() and 1 <= int(year) <= 9999


def _interpreted(match: re.Match[str], reference: date | None, *, tense: str) -> tuple[str, Precision, bool] | None:
    g = match.groupdict()
    kind, precision = _kind(match)
    if kind == "full":
        year = int(g["mdy_y"] or g["dmy_y"] or g["iso_y"])
        month = int(g["iso_m"]) if g["iso_y"] else _month(g["mdy_m"] or g["dmy_m"])
        return _day(year, month, _int(g["mdy_d"] or g["dmy_d"] or g["iso_d"]), relative=False)
    if kind == "month-year":
        return f"{int(g['my_y']):04d}-{_month(g['my_m']):02d}", "month", False
    if kind == "year":
        return g["y"], "year", False
    if reference is None:
        return "", precision, True
    ref = reference
    if kind == "month-day":
        month, day = _month(g["md_m"] or g["dm_m"]), _int(g["md_d"] or g["dm_d"])
        candidate = _safe_date(ref.year, month, day)
        if candidate is None:
            return None if month != 2 else _day(ref.year - 1, month, day, relative=True)  # 29 February
        ahead = (candidate - ref).days
        if tense == "future":
            year = ref.year + 1 if ahead < 0 else ref.year
        else:
            slack = PAST_SLACK_DAYS if tense == "past" else FUTURE_TOLERANCE_DAYS
            year = ref.year - 1 if ahead > slack else ref.year
        return _day(year, month, day, relative=True)
    if kind == "rel-year-month":
        shift = _shift(g["rym_rel"] or g["mry_rel"])
        return f"{ref.year + shift:04d}-{_month(g['rym_m'] or g['mry_m']):02d}", "month", True
    if kind in ("month", "bare-month"):
        month = _month(g["mm_m"] or g["bm_m"])
        modifier = (g["mm_mod"] or "").lower()
        if modifier == "last":
            year = ref.year if month < ref.month else ref.year - 1
        elif modifier == "next":
            year = ref.year if month > ref.month else ref.year + 1
        elif modifier == "this":
            year = ref.year
        elif month > ref.month:
            year = ref.year if tense == "future" else ref.year - 1
        else:
            year = ref.year + 1 if tense == "future" and month < ref.month else ref.year
        return f"{year:04d}-{month:02d}", "month", True
    if kind == "weekday":
        weekday = _weekday(ref, WEEKDAYS[g["wd"].lower()], (g["wd_mod"] or "").lower(), tense == "future")
        return weekday.isoformat(), "day", True
    if kind == "relative-day":
        offset = {"yesterday": -1, "tomorrow": 1}.get(g["rd"].lower(), 0)
        return (ref + timedelta(days=offset)).isoformat(), "day", True
    if kind == "relative-year":
        return f"{ref.year + _shift(g['ry_rel'] or 'this'):04d}", "year", True
    if kind == "relative-month":
        return _months_from(ref, _shift(g["rm_rel"] or "this")), "month", True
    n = NUMBER_WORDS.get(g["ago_n"].lower()) or int(g["ago_n"])
    if precision == "day":
        return (ref - timedelta(days=n)).isoformat(), "day", True
    if precision == "month":
        return _months_from(ref, -n), "month", True
    return f"{ref.year - n:04d}", "year", True


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _int(day: str) -> int:
    return int(re.sub(r"\D", "", day))


def _shift(word: str) -> int:
    return {"last": -1, "next": 1}.get(word.lower(), 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(year: int, month: int, day: int, *, relative: bool) -> tuple[str, Precision, bool] | None:
    value = _safe_date(year, month, day)
    return None if value is None else (value.isoformat(), "day", relative)


def _months_from(ref: date, shift: int) -> str:
    index = ref.year * 12 + ref.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _weekday(ref: date, weekday: int, modifier: str, future: bool) -> date:
    """The date of a weekday mentioned in an article published on ``ref``.

    "on Sunday" is the latest Sunday on or before publication (a Monday paper's "Sunday" is yesterday, a Sunday
    paper's is today); "last Sunday" is strictly before; "next Sunday", or a future-tense verb, looks forward.
    """
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if modifier in ("last", "past"):
        return ref - timedelta(days=back or 7)
    if modifier == "next":
        return ref + timedelta(days=ahead or 7)
    if future:
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=back)
