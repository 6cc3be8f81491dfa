"""Omissions and exclusives: per outlet, the facts most others report that it leaves out, and those only it reports.

``outlet_coverage`` is the stage's entry point; it reads the story's aligned facts. A syndicated copy and its original
count as one voice: a fact the wire and its copy both carry is still exclusive to that wire story, and a copy is
not one of the "others" whose reporting makes a fact expected of its original.

Reads: ``Fact.sources`` / ``Fact.mentions``. Writes: ``OutletCoverage``.
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
    stated = [(f, {*f.sources, *(m.article_id for m in f.mentions)}) for f in facts]
    out = []
    for aid in story.articles:
        me = voice(aid)
        others = [v for v in voices if v != me]
        omitted: list[str] = []
        exclusive: list[str] = []
        for fact, raw in stated:
            by = {voice(a) for a in raw}
            if by == {me} and aid in raw:
                exclusive.append(fact.id)
            elif me not in by and len(others) >= 2:
                count = len(by & set(others))
                if count >= OMISSION_MIN_SOURCES and count > OMISSION_SHARE * len(others):
                    omitted.append(fact.id)
        out.append(OutletCoverage(aid, tuple(omitted), tuple(exclusive)))
    return tuple(out)
