"""Recycled content: articles that repeat older reporting, shown as such rather than as new facts.

``find_recycled`` is the stage's entry point. The batch's reference date is the median publication date of its
dated articles. An article is recycled when

* **its story is old**: in a batch that is a snapshot of current coverage (``SNAPSHOT_SHARE``), the newest date
  its story gives (publication dates, and every date mentioned in its articles, year- and month-precision dates
  counted at the end of their period) lies more than ``STALE_DAYS`` before the batch's reference: an older
  article mixed in with today's coverage, or an undated article whose content stops long before (a 2019 report
  republished without a date among 2020 coverage); or
* **it is republished**: it has a publication date, yet the newest date its own text gives is a day (news reports
  events to the day; a year or a month alone is background, "since 2010") more than ``STALE_DAYS`` before that
  publication (older reporting under a new date). On BASIL's 150 articles (2010-2014, with their dates) neither
  test fires.

Its passages are its sentences that carry a date, each with that date, so the reader sees where the old reporting is.

Reads: ``AnnotatedArticle.article.published``, ``.dates``, ``.sentences``; the stories. Writes: ``Recycled``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date

from ..days import publication_day
from ..models import AnnotatedArticle, Recycled, RecycledPassage, Story

__all__ = ["STALE_DAYS", "find_recycled"]

# Coverage of one event spans days to weeks; half a year between a story's newest date and the rest of the batch is
# older reporting, not a late follow-up. Chosen a priori; on the example corpus the recycled article is 388 days
# older, on the seeds the 2019 republication 237 days (counting "2019" as 31 December 2019), while every current
# article's newest date is within days of the batch.
STALE_DAYS = 180
# "Old" only means something against a batch that is a snapshot of current coverage: at least this share of its
# dated articles must lie within STALE_DAYS of the median. An archive spanning years (BASIL's 2010-2014 events) has
# no "today", so only the republication test applies there.
SNAPSHOT_SHARE = 0.75


def _end_of(value: str) -> date | None:
    """The last day of an ISO date at any precision: ``2019`` -> 2019-12-31, ``2024-02`` -> 2024-02-29."""
    try:
        if len(value) == 4:
            return date(int(value), 12, 31)
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _content_dates(article: AnnotatedArticle) -> list[tuple[date, str, int]]:
    """(end of period, value, sentence) for every resolved date in the text."""
    out = []
    for d in article.dates:
        end = _end_of(d.value) if d.value else None
        if end is not None:
            out.append((end, d.value, d.sentence))
    return out


def _reference(published: Iterable[str | None]) -> date | None:
    """The batch's median publication date (of its articles' ``published``), or None when the batch is no
    snapshot (see SNAPSHOT_SHARE)."""
    days = sorted(d for d in (publication_day(value) for value in published) if d is not None)
    if not days:
        return None
    median = days[len(days) // 2]
    near = sum(1 for d in days if abs((d - median).days) <= STALE_DAYS)
    return median if near >= SNAPSHOT_SHARE * len(days) else None


def _passages(article: AnnotatedArticle) -> tuple[RecycledPassage, ...]:
    texts = {s.index: s.text for s in article.sentences}
    seen: dict[int, str] = {}
    for _, value, sentence in _content_dates(article):
        seen.setdefault(sentence, value)
    return tuple(RecycledPassage(article.id, i, texts.get(i, ""), value) for i, value in sorted(seen.items()))


def find_recycled(
    stories: Sequence[Story],
    articles: Sequence[AnnotatedArticle],
    *,
    batch_published: Iterable[str | None] | None = None,
) -> dict[str, tuple[Recycled, ...]]:
    """Story id -> its recycled articles (stories without any are left out). ``batch_published`` (the publication
    dates of the whole batch) sets the batch's reference date when ``articles`` hold only some of its stories' articles
    (a large batch compared a part at a time); None: ``articles`` are the batch."""
    by_id = {a.id: a for a in articles}
    reference = (
        _reference(a.article.published for a in articles) if batch_published is None else _reference(batch_published)
    )
    out: dict[str, tuple[Recycled, ...]] = {}
    for story in stories:
        members = [by_id[i] for i in story.articles if i in by_id]
        found: list[Recycled] = []
        # (end of period, as written): "2019" is shown as 2019 but compared as 31 December 2019
        newest = [(d, d.isoformat()) for a in members for d in (publication_day(a.article.published),) if d is not None]
        newest += [(end, value) for a in members for end, value, _ in _content_dates(a)]
        story_latest, story_value = max(newest) if newest else (None, "")
        for article in members:
            published = publication_day(article.article.published)
            content = _content_dates(article)
            if reference and story_latest and (reference - story_latest).days > STALE_DAYS:
                gap = (reference - story_latest).days
                if published:
                    reason = (
                        f"published {published.isoformat()}, {gap} days before the rest of the batch "
                        f"({reference.isoformat()}): older reporting"
                    )
                else:
                    least = "" if len(story_value) == 10 else "at least "
                    reason = (
                        f"undated; its story's newest date ({story_value}) is {least}{gap} days before the "
                        f"rest of the batch ({reference.isoformat()}): older reporting"
                    )
                latest = published.isoformat() if published else story_value
                found.append(Recycled(article.id, reason, latest, reference.isoformat(), gap, _passages(article)))
            elif published and content:
                own_latest, value, _ = max(content)
                gap = (published - own_latest).days
                # only an event dated to the day is reporting; a year or month alone is background ("since 2010")
                if gap > STALE_DAYS and len(value) == 10:
                    reason = (
                        f"published {published.isoformat()}, but the newest date in its text ({value}) is {gap} days "
                        "earlier: republished older reporting"
                    )
                    found.append(Recycled(article.id, reason, value, published.isoformat(), gap, _passages(article)))
        if found:
            out[story.id] = tuple(found)
    return out
