"""Omissions and exclusives: per outlet, the facts most others report that it leaves out, and those only it reports.

``outlet_coverage`` is the stage's entry point; it reads the story's aligned facts. A syndicated copy and its original
count as one voice: a fact the wire and its copy both carry is still exclusive to that wire story, and a copy is
not one of the "others" whose reporting makes a fact expected of its original.

Precision first: an article with a *related* sentence for a fact (a weaker match, ``Fact.related``) is never said to
omit it, and a fact some other outlet has a related sentence for is not its article's exclusive: weaker evidence
never feeds an omission or an exclusive, and it never makes a fact "most others report" either (only ``sources``
count).

Reads: ``Fact.sources`` / ``Fact.mentions`` / ``Fact.related``. Writes: ``OutletCoverage``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..models import Fact, OutletCoverage, Story

__all__ = ["outlet_coverage"]

# A fact is one "most others report" when more than this share of the story's other voices state it (a strict
# majority), and at least OMISSION_MIN_SOURCES of them; with fewer than 3 voices there is no "most others".
OMISSION_SHARE = 0.5
OMISSION_MIN_SOURCES = 2


def outlet_coverage(
    story: Story, facts: Sequence[Fact], copies: Mapping[str, str] | None = None
) -> tuple[OutletCoverage, ...]:
    """Per article of the story (story order): fact ids it omits that most others state, and fact ids only it states."""
    copies = copies or {}

    def voice(aid: str) -> str:
        return copies.get(aid, aid)

    voices = list(dict.fromkeys(voice(a) for a in story.articles))
    stated = [(f, {*f.sources, *(m.article_id for m in f.mentions)}, {m.article_id for m in f.related}) for f in facts]
    out = []
    for aid in story.articles:
        me = voice(aid)
        others = [v for v in voices if v != me]
        omitted: list[str] = []
        exclusive: list[str] = []
        for fact, raw, related in stated:
            by = {voice(a) for a in raw}
            maybe = {voice(a) for a in related}
            if by == {me} and aid in raw:
                if not maybe - {me}:
                    exclusive.append(fact.id)
            elif me not in by and me not in maybe and len(others) >= 2:
                count = len(by & set(others))
                if count >= OMISSION_MIN_SOURCES and count > OMISSION_SHARE * len(others):
                    omitted.append(fact.id)
        out.append(OutletCoverage(aid, tuple(omitted), tuple(exclusive)))
    return tuple(out)
