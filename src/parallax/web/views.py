"""Data shaped for the pages: search snippets cut at their marks, an outlet's record across stories, tone bars.

Pure functions over store records; the templates draw them (and escape every datum).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..report.html import tone_view
from ..store import MARK_END, MARK_START, OutletInfo, SearchHit, Store

__all__ = [
    "MAX_OUTLET_ARTICLES",
    "Snippet",
    "article_label",
    "outlet_view",
    "public_source",
    "snippet",
    "tone",
    "when",
]

# The outlet page reads at most this many of the outlet's articles (newest first) to tally its loaded language:
# each is one store read, and 200 articles is months of one outlet's coverage of the stories a desk follows.
MAX_OUTLET_ARTICLES = 200


@dataclass(frozen=True, slots=True)
class Snippet:
    """A search hit with its snippet cut into (text, matched?) parts, for the template to mark."""

    hit: SearchHit
    parts: tuple[tuple[str, bool], ...]


def snippet(hit: SearchHit) -> Snippet:
    parts: list[tuple[str, bool]] = []
    for n, chunk in enumerate(hit.snippet.split(MARK_START)):
        if n == 0:
            parts.append((chunk, False))
            continue
        marked, _, rest = chunk.partition(MARK_END)
        parts += [(marked, True), (rest, False)]
    return Snippet(hit, tuple((text.replace(MARK_END, ""), hit_) for text, hit_ in parts if text))


class _Labelled(Protocol):
    @property
    def title(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def published(self) -> str | None: ...


def article_label(article: _Labelled) -> str:
    """What a reader calls an article: its headline; without one, "Untitled article from OUTLET, DAY" (an article
    row or a search hit). Never its id or file name."""
    title = (article.title or "").strip()
    if title:
        return title
    outlet, day = (article.outlet or "").strip(), (article.published or "")[:10]
    where = f" from {outlet}" if outlet else " from an unknown outlet"
    return f"Untitled article{where}" + (f", {day}" if day else "")


def public_source(source: str, url: str | None = None) -> str:
    """Where an article came from, as a reader may see it: its web address when it has one, else the last part of
    the name it was stored under (a file's base name, never the folder it lay in on the server)."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    base = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return base or "an upload"


def when(stamp: str | None) -> str:
    """An ISO timestamp for people: "9 Mar 2025, 14:05 UTC" (its own offset named when it is not UTC), a bare date
    as "9 Mar 2025"; what cannot be read, as given."""
    if not stamp:
        return "unknown"
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    day = f"{moment.day} {moment:%b %Y}"
    if len(stamp) <= 10:
        return day
    offset, sign = moment.utcoffset(), f"{moment:%z}"  # "+0100"
    zone = "" if offset is None else " UTC" if not offset else f" UTC{sign[:3]}:{sign[3:5]}"
    return f"{day}, {moment:%H:%M}{zone}"


def tone(value: float | None) -> dict[str, Any]:
    """A tone for display, as the report draws it: value, word, bar side and width in tenths."""
    return tone_view(value)


def outlet_view(store: Store, name: str) -> dict[str, Any] | None:
    """One outlet across stories: its aggregates, the sources it credits, and per story its articles' tone and
    loaded terms; the loaded terms it uses most overall. ``None`` for an outlet with no stored articles."""
    info: OutletInfo | None = next((o for o in store.list_outlets() if o.name == name), None)
    if info is None:
        return None
    page = store.list_articles(outlet=name, limit=MAX_OUTLET_ARTICLES)
    terms: Counter[tuple[str, str]] = Counter()
    stories: dict[str, dict[str, Any]] = {}
    for row in page.items:
        stored = store.get_article(row.id)
        if stored is None:
            continue
        a = stored.annotated
        used = [(t.text.lower(), t.kind) for t in (*a.loaded_terms, *a.title_terms)]
        terms.update(used)
        entry = stories.get(row.story_id)
        if entry is None:
            story = store.get_story(row.story_id)
            entry = stories[row.story_id] = {
                "id": row.story_id,
                "title": story.title if story else row.story_id,
                "outlets": len(story.outlets) if story else 0,
                "articles": [],
            }
        entry["articles"].append(
            {
                "info": row,
                "tone": tone(a.tone),
                "terms": sorted({t for t, _ in used}),
                "quotes": len(a.quotes),
                "cites": sorted({c.source for c in a.citations}),
            }
        )
    widest = max((n for _, n in info.cites), default=1)
    return {
        "info": info,
        "tone": tone(info.mean_tone),
        "cites": [{"source": s, "count": n, "share": n / widest} for s, n in info.cites],
        "terms": [{"text": t, "kind": k, "count": n} for (t, k), n in terms.most_common(30)],
        "stories": list(stories.values()),
        "read": len(page.items),
        "total": page.total,
    }
