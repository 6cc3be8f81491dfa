"""Plain-text boilerplate removal: a line-level scorer for articles saved as text.

Scraped or copied articles keep the page's furniture around the story: a title (sometimes twice), a header
line ``By NAME Source: OUTLET Published: DATE``, photo captions, tag lists, "related" link lists, comment forms,
cookie notices and copyright lines. :func:`clean_text` keeps the body paragraphs, turns the header into metadata
and lists every line it dropped, so a reader can audit it.

How a line is judged, cheapest and surest first:

1. header metadata lines (bylines, ``Published:``, a date on its own) become metadata and leave the text;
2. known phrases (comment forms, "All rights reserved", cookie notices...) and photo captions are dropped
   wherever they are;
3. runs of short, unpunctuated lines (bulleted or title-case: navigation, event lists, related links) are dropped;
4. at the start and the end of the text, lines that do not read as prose (see :func:`_score`) are dropped until
   the first line that does. In the middle, a short unpunctuated line is a subheading and stays: content recall
   matters more than anything here, since a dropped sentence is a lost fact.

``light=True`` (for text that an extractor or a scraper already cleaned) applies only 1 and 2 and the bulleted
runs of 3, and does not look for a title.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ..days import MONTHS

__all__ = ["STOP_WORDS", "CleanText", "clean_text", "iso_date", "normalise"]


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words``: keeps the long word lists below readable."""
    return frozenset(words.split())


# --- tuning constants -----------------------------------------------------------------------------------------------
# Chosen by reading the five seed articles and the gold bodies of the scrapinghub article-extraction benchmark
# (AEB), where every line was judged content by the annotators. On its 161 English bodies full cleaning keeps 99.5%
# of 4-gram shingles (mean per page) and drops 55 of 3,728 lines: headings read as titles ("GIRLS BASKETBALL"),
# "___" rules, "Disclaimer", copyright lines, photo credits; light cleaning keeps 99.8% (15 lines). Lists of facts
# (tour dates, places, results) are kept. Gated in tests/test_boilerplate.py.

TITLE_MAX_WORDS = 20  # headlines are rarely longer; a longer first line is a lead paragraph
TITLE_MAX_CHARS = 200
OUTLET_MAX_WORDS = 5  # "South China Morning Post"; longer title-case lines are headings, not names
HEADER_ZONE_LINES = 6  # non-empty lines after the title in which a bare outlet line or date line is looked for
HEADER_MAX_WORDS = 30  # a byline/date header line is short; a longer line starting with "By" is prose
NAME_MAX_WORDS = 8  # "By A, B and C"
PHRASE_LINE_MAX_WORDS = 60  # a specific boilerplate phrase flags a line up to this length
PREFIX_LINE_MAX_WORDS = 25  # "Read more: <headline>" and "Copyright ..." lines
# A line starting with a prefix but reading as a sentence ("Copyright law changed in 2019 to ...", "Most popular
# among voters was ...") is prose unless it is this short or the prefix is a label ("Read more: ...").
PREFIX_SENTENCE_MAX_WORDS = 8
SHORT_LINE_MAX_WORDS = 12  # generic words ("subscribe", "cookie") flag only short unpunctuated lines
MENU_LINE_MAX_WORDS = 8  # a navigation/related-list item
BULLET_LINE_MAX_WORDS = 14  # a bulleted list item without final punctuation that is still a link, not a sentence
NAV_RUN_MIN = 3  # this many menu-like lines in a row are a list of links, not subheadings
BULLET_RUN_MIN = 2  # bulleted menu-like lines need fewer
TITLE_CASE_RATIO = 0.75  # share of capitalised (or minor) words that makes a short line a link/menu item
LONG_LINE_WORDS = 15  # a line this long gets the full length credit in _score
PROSE_STOP_RATIO = 0.3  # English prose has 35-50% function words; menus and names have almost none
EDGE_LINE_MAX_WORDS = 6  # edge trimming drops only short lines: a longer unpunctuated line is a list item (content)
BODY_MIN_SCORE = 1.25  # _score of a line that reads as prose: "He declined to comment." scores 2.3,
# "Share on Facebook" 0.0, "Copyright 2020 Example Media Ltd." 0.8, a 5-word unpunctuated subheading 1.0

STOP_WORDS = _wordset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
    or other our out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with would
    you your"""
)

# Phrases that (in practice) only occur in page furniture: they flag a line wherever they are.
BOILERPLATE_PHRASES = (
    "your email address will not be published",
    "required fields are marked",
    "this site uses akismet",
    "learn how your comment data is processed",
    "comments powered by",
    "powered by disqus",
    "all rights reserved",
    "you must be logged in to",
    "comments are closed",
    "leave a reply",
    "we use cookies",
    "this website uses cookies",
    "this site uses cookies",
    "accept all cookies",
    "by continuing to use this site",
    "by continuing to browse",
    "please enable javascript",
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "share this article",
    "share this story",
    "click here",
    "this article is for subscribers",
    "view comments",
)
# Line beginnings (whole words) that mark furniture when the line is short (see _is_boilerplate_phrase).
BOILERPLATE_PREFIXES = (
    "tags:",
    "tagged:",
    "tagged with",
    "related:",
    "related articles",
    "related stories",
    "related posts",
    "related coverage",
    "related content",
    "read more",
    "read also",
    "also read",
    "see also",
    "more on this",
    "share this",
    "share:",
    "share on",
    "follow us",
    "subscribe",
    "sign up",
    "copyright",
    "©",
    "(c) ",
    "filed under",
    "categories:",
    "category:",
    "topics:",
    "advertisement",
    "sponsored",
    "leave a comment",
    "listen to this article",
    "reading time",
    "powered by",
    "join our",
    "download our app",
    "download the app",
    "you may also like",
    "recommended for you",
    "most read",
    "most popular",
    "more from",
    "trending now",
    "watch:",
    "image source",
    "image copyright",
    "image caption",
    "media caption",
)
# Words that flag a line only when it is short and has no final punctuation (they also occur in prose).
SHORT_LINE_PHRASES = (
    "powered by",
    "read more",
    "share this",
    "subscribe",
    "sign up",
    "newsletter",
    "cookie",
    "privacy policy",
    "terms of use",
    "terms of service",
    "follow us",
    "comments",
)
# A dropped line starting with one of these heads a list: the short unpunctuated lines under it go too.
LIST_HEADING_PREFIXES = (
    "tags",
    "tagged",
    "related",
    "read more",
    "read also",
    "also read",
    "see also",
    "more from",
    "more on this",
    "more stories",
    "you may also like",
    "recommended",
    "most read",
    "most popular",
    "trending",
    "filed under",
    "categories",
    "topics",
)
# Navigation and sharing words: a line made mostly of them is a menu.
MENU_WORDS = _wordset(
    """home menu search login log sign register share tweet email print facebook twitter linkedin whatsapp reddit
    pinterest telegram instagram youtube next previous prev back top more comments comment reply loading close
    skip content main navigation subscribe newsletter rss feed"""
)
# Kickers and section labels printed above a story: not an outlet, not content.
SECTION_LABELS = _wordset(
    """news breaking analysis opinion exclusive live update updates world business technology tech politics
    sport sports science health editorial commentary feature features"""
)
# Photo captions and credit lines: a line ending in a photo credit is a caption; a wire's "Reporting by ...;
# Editing by ..." line credits the staff, it is not part of the story.
CREDIT_PATTERNS = (
    # "... (Photo: Xinhua)", "(AP Photo/Jane Doe)", "(Image: Getty)", "(File photo)"
    r"\((?:[A-Z][\w.&-]*\s+)?(?:file\s+)?(?:photo|image|picture|photograph|pic|video|graphic|credit)s?\b[^()]{0,80}\)\s*$",
    # "... Photo: Jane Doe", "Photograph by Jane Doe"
    r"\b(?:photo|image|picture|photograph|credit)s?\s*(?::|by\b)\s*[^.!?:]{1,60}$",
    r"\bgetty\s+images\W*$",
    r"\((?:reuters|afp|ap|epa|xinhua|ria\s+novosti|tass)\s*/[^()]{1,60}\)\s*$",  # "(REUTERS/Jane Doe)"
    r"^(?:photo|image|picture|caption|file\s+photo|pictured)\s*[:|]",
    # "(Reporting by Jane Doe; Editing by John Roe)", "Reporting by Jane Doe; Writing by John Roe"
    r"^\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|produced)\s+by\b[^()]*\)$",
    r"^(?:additional\s+)?reporting\s+by\b[^.]*;\s*(?:additional\s+reporting|writing|editing)\s+by\b",
)
# Connectors allowed (lower-case) inside names and outlet names.
NAME_CONNECTORS = _wordset("and & de del der van von da di du la le al el bin of the for")
# Words a title-case headline or link keeps in lower case.
TITLE_CASE_MINOR = _wordset("a an and the of in on at to for with from by or nor but as vs via into over out")
# Words that follow a byline's comma to give a role, not an outlet: "By Jane Doe, Staff Writer".
ROLE_WORDS = _wordset("writer correspondent reporter editor contributor staff columnist journalist analyst producer")

_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_WORD = re.compile(r"\w(?:[\w'’.-]*\w)?")
_BULLET = re.compile(r"^(?:[•·▪►●◦‣∙*+–—-]|\d{1,2}[.)])\s+")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
_CREDITS = tuple(re.compile(p, re.IGNORECASE) for p in CREDIT_PATTERNS)
_PREFIX = re.compile("|".join(re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "") for p in BOILERPLATE_PREFIXES))
_BYLINE = re.compile(r"^(?:by|written\s+by|words\s+by|story\s+by|reporting\s+by)\s+(?=\S)", re.IGNORECASE)
_LABEL = re.compile(
    r"(?:^|(?<=[\s|]))(?P<label>source|outlet|publisher|published(?:\s+(?:on|at))?|posted(?:\s+(?:on|at))?"
    r"|updated(?:\s+(?:on|at))?|last\s+updated|modified|date|author|byline|written\s+by|reporter)\s*:\s*",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"^(?P<label>published|posted|updated|last\s+updated|modified)(?:\s+(?:on|at))?\s+(?=\S)", re.IGNORECASE
)
_FACT_MARKS = re.compile(r"[\d,:;()]")
# No match starts inside a run of white space (one from the run's start is always found first): a long run
# without a separator is then scanned once, not once from each of its characters (quadratic).
_SEPARATOR = re.compile(r"(?:(?<!\s)|(?!\s))(?:\s+[|•·]\s+|\s+[–—-]\s+|\s*\|\s*)")

# --- dates ----------------------------------------------------------------------------------------------------------

# month names and abbreviations -> number: one table, in parallax.days
_TIME = re.compile(
    r"[\s,T]{0,8}(?:at\s{1,8}|-\s{0,8})?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s{0,8}(?P<ampm>[ap])\.?\s?m\b\.?)?",
    re.IGNORECASE,
)
_DATE_PATTERNS = (
    ("ymd", re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")),
    ("named", re.compile(r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b")),
    (
        "named",
        re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})\b"),
    ),
    ("numeric", re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)")),
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True, slots=True)
class CleanText:
    """The body paragraphs of a plain-text article and the metadata found in its header.

    ``published`` is ISO 8601 (see :func:`iso_date`). ``removed`` lists the dropped lines in order (repeated titles,
    header lines, boilerplate), so the cleaning can be audited.
    """

    paragraphs: tuple[str, ...]
    title: str | None = None
    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    removed: tuple[str, ...] = ()


@dataclass(slots=True)
class _Meta:
    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    updated: str | None = None

    def fill(self, other: _Meta) -> None:
        """Take the fields of ``other`` that are still empty here (the first header wins)."""
        self.byline = self.byline or other.byline
        self.outlet = self.outlet or other.outlet
        self.published = self.published or other.published
        self.updated = self.updated or other.updated


def normalise(text: str) -> str:
    """NFC, no control or zero-width characters, one space between words, lines stripped; quotes untouched."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return "\n".join(_normalise_line(line) for line in text.splitlines())


def _normalise_line(line: str) -> str:
    chars = []
    for ch in line:
        category = unicodedata.category(ch)
        if ch == "\t" or category == "Zs":
            chars.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            chars.append(ch)
    return " ".join("".join(chars).split())


def clean_text(text: str, *, light: bool = False, title: str | None = None) -> CleanText:
    """Split plain text into body paragraphs (one per non-empty line), dropping boilerplate.

    ``title``, when the caller knows it (a record's title field), is removed wherever it repeats in the text and no
    other title is looked for. ``light=True`` keeps every line that is not clearly boilerplate (see the module
    docstring): use it for text an extractor already cleaned.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text() needs a str, not {type(text).__name__}")
    lines = normalise(text).split("\n")
    keep = [bool(line) for line in lines]
    removed: set[int] = set()
    meta = _Meta()

    def drop(index: int) -> None:
        keep[index] = False
        removed.add(index)

    nonempty = [i for i, line in enumerate(lines) if line]
    found_title = None
    if title is None and not light and nonempty:
        first = nonempty[0]
        if _starts_title_block(lines, first):
            found_title = lines[first]
            keep[first] = False
    known_title = _key(title or found_title or "")

    # 1. repeated titles and header metadata lines, anywhere
    for i in nonempty:
        if not keep[i]:
            continue
        if known_title and _key(lines[i]) == known_title:
            drop(i)
            continue
        header = _parse_header_line(lines[i])
        if header is not None:
            meta.fill(header)
            drop(i)

    # 2. known phrases and captions, anywhere
    for i in nonempty:
        if keep[i] and (_is_boilerplate_phrase(lines[i]) or _is_credit(lines[i])):
            drop(i)

    # lists under a dropped list heading ("Related:", "Tags:", "Read more"): their short unpunctuated items
    _drop_listed_items(lines, keep, nonempty, removed, drop)

    # the header zone: a bare date or an outlet name right under the title
    if not light:
        _read_header_zone(lines, keep, nonempty, meta, drop)

    # 3. runs of menu-like lines
    kept = [i for i in nonempty if keep[i]]
    for run in _menu_runs(lines, kept, light=light):
        for i in run:
            drop(i)

    # 4. non-prose lines at the edges
    if not light:
        _drop_edge_junk(lines, [i for i in nonempty if keep[i]], drop)

    return CleanText(
        paragraphs=tuple(lines[i] for i in nonempty if keep[i]),
        title=found_title,
        byline=meta.byline,
        outlet=meta.outlet,
        published=meta.published or meta.updated,
        removed=tuple(lines[i] for i in sorted(removed)),
    )


def _drop_listed_items(
    lines: list[str], keep: list[bool], nonempty: list[int], removed: set[int], drop: Callable[[int], None]
) -> None:
    """Under each dropped list heading ("Related:", "Tags:", "Read more"), drop the lines that follow it (its items),
    up to the first that has a sentence end or more than BULLET_LINE_MAX_WORDS words."""
    for position, i in enumerate(nonempty):
        if i in removed and _key(lines[i]).lstrip("•·*-–— ").startswith(LIST_HEADING_PREFIXES):
            for j in nonempty[position + 1 :]:
                if not keep[j]:
                    continue
                if _SENTENCE_END.search(lines[j]) or len(_words(lines[j])) > BULLET_LINE_MAX_WORDS:
                    break
                drop(j)


def _drop_edge_junk(lines: list[str], kept: list[int], drop: Callable[[int], None]) -> None:
    """Drop the non-prose lines at either edge of the ``kept`` lines, up to the first prose line from each end."""
    for order in (kept, kept[::-1]):
        for i in order:
            if not _is_edge_junk(lines[i]):
                break
            drop(i)


# --- title and header -----------------------------------------------------------------------------------------------


def _starts_title_block(lines: list[str], first: int) -> bool:
    """The first line is a title when it looks like one and is set apart: a blank line or a repeat follows it.

    In a text with no blank lines at all (one paragraph per line), a title-like first line followed by prose is a
    title too.
    """
    line = lines[first]
    if not _is_title_like(line):
        return False
    rest = [i for i in range(first + 1, len(lines)) if lines[i]]
    if not rest:
        return False
    following = rest[0]
    if _key(lines[following]) == _key(line) or following > first + 1:
        return True
    any_blank = any(not lines[i] for i in range(first, rest[-1]))
    return not any_blank and _score(lines[following]) >= BODY_MIN_SCORE and not _is_title_like(lines[following])


def _is_title_like(line: str) -> bool:
    words = _words(line)
    if not 1 <= len(words) <= TITLE_MAX_WORDS or len(line) > TITLE_MAX_CHARS:
        return False
    if line.rstrip("\"'”’»)]").endswith((".", ",", ";", ":")):
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘"):
        return False
    return not (_is_boilerplate_phrase(line) or _is_credit(line) or _parse_header_line(line) or _BULLET.match(line))


def _read_header_zone(
    lines: list[str], keep: list[bool], nonempty: list[int], meta: _Meta, drop: Callable[[int], None]
) -> None:
    """Right under the title, before the body starts: a date on its own line, or an outlet name (1-5 capitalised
    words followed by prose), or a section label ("Analysis")."""
    zone = [i for i in nonempty if keep[i]][:HEADER_ZONE_LINES]
    for position, i in enumerate(zone):
        line = lines[i]
        if _score(line) >= BODY_MIN_SCORE and _SENTENCE_END.search(line):
            return  # the body has started
        if _is_date_line(line):
            meta.published = meta.published or iso_date(line)
            drop(i)
        elif _is_section_label(line):
            drop(i)
        elif meta.outlet is None and _is_outlet_like(line) and _next_is_prose(lines, zone, position):
            meta.outlet = line
            drop(i)
        else:
            return


def _next_is_prose(lines: list[str], zone: list[int], position: int) -> bool:
    return position + 1 < len(zone) and _score(lines[zone[position + 1]]) >= BODY_MIN_SCORE


def _parse_header_line(line: str) -> _Meta | None:
    """Metadata from a header line, or None when the line is not one.

    Reads ``By NAME Source: OUTLET Published: DATE``, ``By NAME | OUTLET | DATE``, ``Published: DATE``,
    ``Updated on DATE``, ``Source: OUTLET``. A line starting with "By" is a byline only if a name follows
    ("By the time ..." is prose).
    """
    words = _words(line)
    if not words or len(words) > HEADER_MAX_WORDS:
        return None
    labels = list(_LABEL.finditer(line))
    by = _BYLINE.match(line)
    meta = _Meta()
    if (labels and labels[0].start() == 0) or by:
        lead_end = labels[0].start() if labels else len(line)
        if by and not _read_byline(line[by.end() : lead_end], meta):
            return None
        ends = [m.start() for m in labels[1:]] + [len(line)]  # each value runs to the next label
        read = [
            _read_labelled(label.group("label"), line[label.end() : end].strip(" |,;"), meta)
            for label, end in zip(labels, ends, strict=False)
        ]
        # "Source: the ministry's own figures" is prose: a labelled line counts only if a value reads as one
        return meta if by or any(read) else None
    dated = _DATE_LABEL.match(line)
    if dated and _read_labelled(dated.group("label"), line[dated.end() :], meta):
        return meta
    return None


def _read_byline(text: str, meta: _Meta) -> bool:
    """``NAME [| OUTLET] [| DATE]`` after "By"; False when no name comes first."""
    parts = [p.strip(" ,;") for p in _SEPARATOR.split(text.strip()) if p.strip(" ,;")]
    if not parts:
        return False
    name, _, after = parts[0].partition(", ")
    if not _is_name_like(name):
        return False
    meta.byline = name
    extra = ([after] if after and not ROLE_WORDS & {w.lower() for w in _words(after)} else []) + parts[1:]
    for part in extra:
        value = iso_date(part)
        if value:
            meta.published = meta.published or value
        elif meta.outlet is None and _is_outlet_like(part):
            meta.outlet = part
    return True


def _read_labelled(label: str, value: str, meta: _Meta) -> bool:
    """Read one ``Label: value`` field into ``meta``; False when the value is not what the label promises."""
    label = " ".join(label.lower().split())
    if label in ("source", "outlet", "publisher"):
        if not _is_outlet_like(value):
            return False
        meta.outlet = meta.outlet or value
    elif label in ("author", "byline", "written by", "reporter"):
        if not _is_name_like(value):
            return False
        meta.byline = meta.byline or value
    else:
        day = iso_date(value)
        if day is None:
            return False
        if label.startswith(("updated", "last updated", "modified")):
            meta.updated = meta.updated or day
        else:
            meta.published = meta.published or day
    return True


def _is_name_like(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS:
        return False
    capitalised = [w for w in words if w[0].isupper()]
    others = [w for w in words if not w[0].isupper()]
    return bool(capitalised) and all(w.lower().strip(",") in NAME_CONNECTORS for w in others)


def _is_outlet_like(line: str) -> bool:
    if _TERMINAL.search(line) or _is_date_line(line) or _is_section_label(line):
        return False
    words = line.split()
    if not 1 <= len(words) <= OUTLET_MAX_WORDS or not words[0][0].isupper():
        return False
    if all(w.lower() in MENU_WORDS for w in words):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in NAME_CONNECTORS for w in words)


def _is_section_label(line: str) -> bool:
    """A kicker above the story: "Analysis", "Breaking News", "World"."""
    words = _key(line).split()
    return 1 <= len(words) <= 3 and all(w in SECTION_LABELS for w in words)


def _is_date_line(line: str) -> bool:
    """A line that is a date (and time) and little else: "Monday, August 24, 2020 11:07 GMT"."""
    found = _find_date(line)
    if found is None:
        return False
    _, start, end = found
    rest = _words(line[:start] + " " + line[end:])
    return len(rest) <= 2 and len(_words(line)) <= 8


# --- line scoring ---------------------------------------------------------------------------------------------------


def _score(line: str) -> float:
    """How much a line reads as prose: final punctuation (1), length (up to 1), function words (up to 1), minus
    menu words and title case. Prose scores 2-3; menus, names and headings 0-1."""
    words = _words(line)
    if not words:
        return 0.0
    lower = [w.lower() for w in words]
    score = 1.0 if _TERMINAL.search(line) else 0.0
    score += min(len(words) / LONG_LINE_WORDS, 1.0)
    score += min(sum(w in STOP_WORDS for w in lower) / len(words) / PROSE_STOP_RATIO, 1.0)
    if sum(w in MENU_WORDS for w in lower) * 2 >= len(words):
        score -= 1.0
    if len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
        score -= 0.5
    return score


def _is_edge_junk(line: str) -> bool:
    """A short line that does not read as prose and carries no number or list of places: "Disclaimer", "Share",
    an author's name under the story. Only ever dropped at the start or end of the text."""
    words = _words(line)
    return len(words) <= EDGE_LINE_MAX_WORDS and _score(line) < BODY_MIN_SCORE and not re.search(r"[\d,()]", line)


def _is_boilerplate_phrase(line: str) -> bool:
    lower = line.lower()
    n_words = len(_words(line))
    if n_words <= PHRASE_LINE_MAX_WORDS and any(p in lower for p in BOILERPLATE_PHRASES):
        return True
    start = lower.lstrip("•·*-–— ")
    prefix = _PREFIX.match(start)
    if prefix and n_words <= PREFIX_LINE_MAX_WORDS:
        labelled = prefix.group().endswith(":") or start[prefix.end() :].lstrip().startswith(":")
        if labelled or n_words <= PREFIX_SENTENCE_MAX_WORDS or not _SENTENCE_END.search(line):
            return True
    if n_words <= SHORT_LINE_MAX_WORDS and not _SENTENCE_END.search(line):
        if any(p in lower for p in SHORT_LINE_PHRASES):
            return True
        if n_words <= 3 and all(w.lower() in MENU_WORDS for w in _words(line)):
            return True
    return False


def _is_credit(line: str) -> bool:
    return any(p.search(line) for p in _CREDITS)


def _is_menu_like(line: str) -> tuple[bool, bool]:
    """(menu-like, bulleted): a short title-case line without final punctuation, like a link or a menu item.

    Bulleted items may be longer (headlines in a "related" list). Lists of sentences, of lower-case fragments, or of
    items with numbers, commas or colons ("June 9 -- Arena, Tampa, FL", "Wales (Group E): Second appearance") are
    content: tour dates, results, places.
    """
    bullet = bool(_BULLET.match(line))
    if _SENTENCE_END.search(line) or _FACT_MARKS.search(_BULLET.sub("", line)):
        return False, bullet
    words = _words(line)
    limit = BULLET_LINE_MAX_WORDS if bullet else MENU_LINE_MAX_WORDS
    return 1 <= len(words) <= limit and _title_case_ratio(words) >= TITLE_CASE_RATIO, bullet


def _title_case_ratio(words: list[str]) -> float:
    """Share of words that are capitalised, numbers, or minor words a headline keeps lower-case (0 if none is
    capitalised)."""
    if not any(w[0].isupper() for w in words):
        return 0.0
    fitting = sum(w[0].isupper() or w[0].isdigit() or w.lower() in TITLE_CASE_MINOR for w in words)
    return fitting / len(words)


def _menu_runs(lines: list[str], kept: list[int], *, light: bool) -> list[list[int]]:
    """Runs of consecutive (blank lines aside) menu-like lines long enough to be a list of links."""
    runs: list[list[int]] = []
    run: list[int] = []
    bullets = 0

    def close() -> None:
        if (len(run) >= NAV_RUN_MIN and not light) or (len(run) >= BULLET_RUN_MIN and bullets == len(run)):
            runs.append(list(run))

    for i in kept:
        menu, bullet = _is_menu_like(lines[i])
        if menu:
            run.append(i)
            bullets += bullet
            continue
        close()
        run, bullets = [], 0
    close()
    return runs


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _key(line: str) -> str:
    return " ".join(line.casefold().split())


# --- dates ----------------------------------------------------------------------------------------------------------


def iso_date(value: str) -> str | None:
    """A date in any common news format as ISO 8601, or None.

    ``2020/8/24 11:07:12`` gives ``2020-08-24T11:07:12``; ``August 24, 2020`` gives ``2020-08-24`` (date only when
    no time is given). Time zones are kept when the value is ISO or RFC 2822, dropped when they are names ("EDT").
    Numeric day/month order: a part over 12 decides; otherwise ``.`` means day first (European) and ``/`` or ``-``
    month first (the US convention most English-language sites follow).
    """
    text = " ".join(value.split())
    if not text:
        return None
    iso = _from_iso(text)
    if iso is not None:
        return iso
    if re.match(r"^[A-Za-z]{3},\s*\d", text):
        try:
            return email.utils.parsedate_to_datetime(text).isoformat()
        except (TypeError, ValueError):
            pass
    found = _find_date(text)
    return found[0] if found else None


def _from_iso(text: str) -> str | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
            return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return None


def _find_date(text: str) -> tuple[str, int, int] | None:
    """The first date in ``text`` (with the time right after it, if any): (ISO value, start, end)."""
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            day_value = _date_from_match(kind, match)
            if day_value is None:
                continue
            end = match.end()
            clock = _TIME.match(text, end)
            if clock:
                moment = _with_time(day_value, clock)
                if moment is not None:
                    return moment.isoformat(), match.start(), clock.end()
            return day_value.isoformat(), match.start(), end
    return None


def _date_from_match(kind: str, match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if kind == "named":
        month = MONTHS.get(groups["month"].lower())
        day = int(groups["day"])
    elif kind == "ymd":
        month, day = int(groups["month"]), int(groups["day"])
    else:
        a, b = int(groups["a"]), int(groups["b"])
        day_first = a > 12 or (b <= 12 and groups["sep"] == ".")
        day, month = (a, b) if day_first else (b, a)
    if month is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_time(day: date, clock: re.Match[str]) -> datetime | None:
    hour, minute = int(clock.group("hour")), int(clock.group("minute"))
    second = int(clock.group("second") or 0)
    ampm = (clock.group("ampm") or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None
