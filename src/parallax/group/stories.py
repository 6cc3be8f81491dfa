"""Stories: the ``Story`` records both grouping paths end in, and the wording of every reason.

A story lists its articles by publication day (undated last), then input position; its id is the content id of its
sorted article ids; its title is one member's title (or first sentence). Stories come largest first, then by
earliest publication date, then by the input position of their first member. Each member has a one-line reason why
it joined: ``STARTS``, ``copy_reason`` (a copy joins its original's story), ``closest_reason`` (the batch: the
member it is most similar to) or ``joined_reason`` (the stream: the story's average and its closest member).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from ..days import publication_day
from ..models import AnnotatedArticle, Story, content_id
from .evidence import TYPE_WEIGHTS, Profile

__all__ = [
    "STARTS",
    "Key",
    "closest_reason",
    "copy_reason",
    "in_story_order",
    "joined_reason",
    "ranked",
    "story",
    "title_of",
]

STARTS = "starts the story"  # the reason of a story's first article

Key = tuple[int, date, int]  # how stories sort: (-size, first publication day, first input position)


def in_story_order(articles: Sequence[AnnotatedArticle], indices: Iterable[int]) -> list[int]:
    """The positions ``indices`` of ``articles`` in the order a story lists them: by publication day (undated
    last), then position."""

    def when(index: int) -> tuple[bool, date, int]:
        day = publication_day(articles[index].article.published)
        return (day is None, day or date.max, index)

    return sorted(indices, key=when)


def story(
    articles: Sequence[AnnotatedArticle], ordered: Sequence[int], reasons: Sequence[str], title: int
) -> tuple[Key, Story]:
    """The story of ``articles[i]`` for ``i`` in ``ordered`` (in that order, each with its reason in ``reasons``),
    titled after ``articles[title]``, and its sort key."""
    record = Story(
        id=content_id(*sorted(articles[i].id for i in ordered)),
        articles=tuple(articles[i].id for i in ordered),
        reasons=tuple((articles[i].id, why) for i, why in zip(ordered, reasons, strict=True)),
        title=title_of(articles[title]),
    )
    days = (publication_day(articles[i].article.published) for i in ordered)
    first_day = min((d for d in days if d), default=date.max)
    return (-len(ordered), first_day, min(ordered)), record


def ranked(stories: Iterable[tuple[Key, Story]]) -> tuple[Story, ...]:
    """The stories in the order of their keys (see the module docstring)."""
    return tuple(record for _, record in sorted(stories, key=lambda item: item[0]))


def title_of(annotated: AnnotatedArticle) -> str:
    """An article's title; its first sentence (or paragraph) when it has none; its id when it has no text."""
    article = annotated.article
    if article.title and article.title.strip():
        return article.title.strip()
    if annotated.sentences:
        return annotated.sentences[0].text.strip()
    paragraphs = article.paragraphs
    return paragraphs[0].strip() if paragraphs else article.id


# --- reasons ----------------------------------------------------------------------------------------------------------


def copy_reason(original: str, similarity: float) -> str:
    """A copy's reason: the article it copies and how much of it (``DuplicateGroup.similarity``)."""
    return f"copy of {original} (similarity {similarity:.2f})"


def closest_reason(closest: str, similarity: float, mine: Profile, theirs: Profile) -> str:
    """The batch's reason: the member ``closest`` it is most similar to, the names and the days they share."""
    line = f"closest to {closest} (similarity {similarity:.2f})" + _shares(mine, theirs)
    days = sorted(set(mine.days) & set(theirs.days))
    if days:
        line += "; dates " + ", ".join(d.isoformat() for d in days[:3])
    return line


def joined_reason(
    story_id: str,
    average: float,
    count: int,
    closest: str,
    lead: float,
    mine: Profile,
    theirs: Profile,
    apart: int | None,
) -> str:
    """The stream's reason: the story's ``average`` similarity over ``count`` members, its ``closest`` member (the
    cosine of their ``lead`` embeddings), the names they share and how many days ``apart`` they were published."""
    line = (
        f"joined story {story_id}: similarity {average:.2f} on average over {count} of its articles; "
        f"closest {closest} (lead cosine {lead:.2f})"
    ) + _shares(mine, theirs)
    if apart is not None:
        line += "; same day" if apart == 0 else f"; {apart} day{'s' if apart > 1 else ''} apart"
    return line


def _shares(mine: Profile, theirs: Profile) -> str:
    """The "; shares ..." clause: at most four names both articles mention, the weightiest and most mentioned
    first ("" when they share none)."""
    a, b = mine.names, theirs.names
    shared = sorted((k for k in a if k in b), key=lambda k: (-TYPE_WEIGHTS[a[k][1]], -(a[k][2] + b[k][2]), k))
    return "; shares " + ", ".join(a[k][0] for k in shared[:4]) if shared else ""
