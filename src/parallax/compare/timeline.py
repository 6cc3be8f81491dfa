"""The timeline of one story: its dated events, one entry per event with every article and sentence that dates it,
and apart from them the background the articles mention.

* **Resolving**: each article's dates come resolved by ``annotate.dates`` (the publication date, the year the
  passage sets, the tense). An article without a publication date has its relative dates resolved against the
  story's date (the median publication day of its articles); a story with no publication date at all has only the
  dates its text states in full, and no guesses.
* **Captions**: a paragraph carrying a photo credit ("REUTERS/Jane Doe", "(Photo by ... Getty Images)") is a
  caption, not reporting: its dates are not events.
* **Lanes**: a year alone ("the 2016 election", "in 2016") and a month more than ``BACKGROUND_DAYS`` before the
  story's date are ``background``; the rest are ``events``.
* **Merging**: sentences giving one date at one precision state one event when they are aligned as one fact or
  share key words (``SHARED_TERMS_MIN`` and ``SHARED_SHARE_MIN``); a background year is one entry per thing it
  dates ("the 2016 election" named in 13 sentences is one entry).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import takewhile

from ..annotate import dates as dates_module
from ..days import MONTHS, publication_day
from ..models import AnnotatedArticle, Fact, Lane, Precision, TimeExpression, TimelineEntry

__all__ = ["BACKGROUND_DAYS", "build_timeline", "is_caption", "story_reference"]

# A month-precision date this many days or more before the story's date is background ("in June 2016" in a 2019
# story), a nearer one an event ("in March" in a June story).
BACKGROUND_DAYS = 365
# Two sentences with one date state one event when they share at least this many key words, making up at least
# this share of the shorter one's key words ("Acme announced the merger on Monday" / "On Monday, Acme and Beta
# agreed to a merger"). Checked on the example corpus: its distinct same-day events share at most one key word.
SHARED_TERMS_MIN = 2
SHARED_SHARE_MIN = 0.3
# Key words are compared on this many leading letters ("merger" and "merge", "announced" and "announces").
STEM_LETTERS = 6

# Photo credits that mark a paragraph as a caption.
_CREDIT = re.compile(
    r"\b(?:REUTERS|Reuters|AFP|AP|EPA|Xinhua|Bloomberg|Getty Images|AP Photo)\s*/\s*[A-Z]"
    r"|\((?:Photo|Picture|Image)s?\s*(?:by|:|credit)"
    r"|\b(?:FILE PHOTO|PHOTO|Photo|Photograph|Picture|Image|Credit|Photo credit)\s*:"
    r"|\bGetty Images\b|\bAP Photo\b"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d.,%]*")
_STOP = frozenset(
    """a an the and or but of in on at to for from by with as into onto over under about after before since until
    is are was were be been being has have had do does did will would shall should can could may might must
    this that these those it its it's he she they them their his her we our you your i me my who whom which what
    when where why how than then there here also not no so said says say told according news just very more most
    new one two three first last next year years month months week day days today yesterday tomorrow monday
    tuesday wednesday thursday friday saturday sunday""".split()
)


@dataclass
class _Item:
    """One dated sentence, or a group of them being merged."""

    value: str
    precision: Precision
    lane: Lane
    refs: list[tuple[str, int]]
    texts: list[str]
    terms: set[str]
    subject: str


def story_reference(articles: Sequence[AnnotatedArticle]) -> date | None:
    """The story's date: the median publication day of its articles, or ``None`` when none has one."""
    days = sorted(d for d in (publication_day(a.article.published) for a in articles) if d is not None)
    return days[len(days) // 2] if days else None


def is_caption(article: AnnotatedArticle, paragraph: int) -> bool:
    """Whether paragraph ``paragraph`` of the article is a photo caption (it carries a photo credit)."""
    return any(s.paragraph == paragraph and _CREDIT.search(s.text) for s in article.sentences)


def build_timeline(articles: Sequence[AnnotatedArticle], facts: Sequence[Fact] = ()) -> tuple[TimelineEntry, ...]:
    """The story's timeline, sorted by date: events and background, one entry per event (see the module)."""
    reference = story_reference(articles)
    fact_of = {(m.article_id, m.sentence): f.id for f in facts for m in f.mentions}
    groups: dict[tuple[str, Precision, Lane], list[_Item]] = {}
    for article in articles:
        for item in _items(article, reference):
            same = groups.setdefault((item.value, item.precision, item.lane), [])
            _merge_into(same, item, fact_of)
    order = {a.id: n for n, a in enumerate(articles)}
    out = [_entry(item, order) for items in groups.values() for item in items]
    out.sort(key=lambda e: (e.date, e.text))
    return tuple(out)


def _items(article: AnnotatedArticle, reference: date | None) -> list[_Item]:
    sentences = {s.index: s for s in article.sentences}
    captions = {p for p in {s.paragraph for s in article.sentences} if is_caption(article, p)}
    items: list[_Item] = []
    seen: set[tuple[str, int]] = set()
    for expr in article.dates:
        resolved = _resolved(expr, article, reference)
        sentence = sentences.get(expr.sentence)
        if resolved is None or sentence is None or sentence.paragraph in captions:
            continue
        if (resolved.value, sentence.index) in seen:
            continue
        seen.add((resolved.value, sentence.index))
        lane = _lane(resolved, reference)
        subject = _subject(sentence.text, expr, sentence.start) if lane == "background" else ""
        items.append(
            _Item(
                resolved.value,
                resolved.precision,
                lane,
                [(article.id, sentence.index)],
                [sentence.text],
                _terms(sentence.text.replace(expr.text, " ")),  # the date itself is what they all share
                subject,
            )
        )
    return items


def _resolved(expr: TimeExpression, article: AnnotatedArticle, reference: date | None) -> TimeExpression | None:
    if expr.value:
        return expr
    if reference is None or article.article.published:
        return None
    resolved = dates_module.resolve(expr, reference)
    return resolved if resolved.value else None


def _lane(expr: TimeExpression, reference: date | None) -> Lane:
    if expr.precision == "year":
        return "background"
    if expr.precision == "month" and reference is not None:
        year, _, month = expr.value.partition("-")
        try:
            last_day = date(int(year), int(month), 28)
        except ValueError:
            return "events"
        if (reference - last_day).days > BACKGROUND_DAYS:
            return "background"
    return "events"


def _subject(text: str, expr: TimeExpression, offset: int) -> str:
    """The word a background date qualifies ("election" in "the 2016 election"), or ``""``."""
    after = text[expr.end - offset :]
    rest = after.lstrip(" \t")
    if rest == after:
        return ""  # "2016," or "2016." qualifies nothing
    word = "".join(takewhile(lambda c: c.isalpha() or c == "-", rest[:40]))
    return word[:STEM_LETTERS] if len(word) > 1 and word.islower() and word not in _STOP else ""


def _terms(text: str) -> set[str]:
    words = (w.lower().strip("'’-") for w in _WORD.findall(text))
    return {w[:STEM_LETTERS] for w in words if len(w) > 2 and w not in _STOP and w.rstrip(".") not in MONTHS}


def _merge_into(items: list[_Item], new: _Item, fact_of: dict[tuple[str, int], str]) -> None:
    """Add ``new`` to the items of its date, merged into every one that states the same event."""
    joined = [item for item in items if _same_event(item, new, fact_of)]
    if not joined:
        items.append(new)
        return
    first = joined[0]
    for item in [*joined[1:], new]:
        first.refs.extend(item.refs)
        first.texts.extend(item.texts)
        first.terms |= item.terms
        if item is not new:
            items.remove(item)


def _same_event(a: _Item, b: _Item, fact_of: dict[tuple[str, int], str]) -> bool:
    facts_a = {fact_of[r] for r in a.refs if r in fact_of}
    if any(fact_of.get(r) in facts_a for r in b.refs):
        return True
    if a.lane == "background" and a.subject and b.subject == a.subject:
        return True
    shared = len(a.terms & b.terms)
    smaller = min(len(a.terms), len(b.terms))
    return smaller > 0 and shared >= SHARED_TERMS_MIN and shared / smaller >= SHARED_SHARE_MIN


def _entry(item: _Item, order: dict[str, int]) -> TimelineEntry:
    pairs = sorted(zip(item.refs, item.texts, strict=True), key=lambda p: (order.get(p[0][0], 0), p[0][1]))
    articles = tuple(dict.fromkeys(aid for (aid, _), _ in pairs))
    return TimelineEntry(
        date=item.value,
        precision=item.precision,
        text=pairs[0][1],
        articles=articles,
        sentences=tuple(ref for ref, _ in pairs),
        texts=tuple(text for _, text in pairs),
        lane=item.lane,
    )
