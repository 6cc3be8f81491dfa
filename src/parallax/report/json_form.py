"""The report's JSON form: :func:`to_dict` turns a :class:`~parallax.models.Report` into plain data.

This form (schema ``parallax.report/1.2``, documented field by field in ``docs/REPORT_SCHEMA.md``) is the canonical
view: the Markdown and HTML renderers are drawn from the same dict, so everything a reader sees on a page can also be
found, with its offsets, in the JSON. :func:`render_json` is that dict as JSON text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from ..models import AnnotatedArticle, Fact, FactMention, Report, StoryAnalysis, ToneSentence
from ..tables import article_labels

__all__ = ["SCHEMA", "render_json", "to_dict"]

SCHEMA = "parallax.report/1.7"

# Floats (similarities, tone, quantities) are rounded so that the JSON stays readable and byte-stable across
# platforms; 4 decimals is finer than any threshold the pipeline uses (they are tuned in steps of 0.01).
FLOAT_DIGITS = 4

# Citation kinds that name a news organisation (the ``cites`` list); institutions are sources, not news outlets.
NEWS_KINDS = ("wire", "outlet")


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, schema ``SCHEMA``, with a stable field order."""
    if not isinstance(report, Report):
        raise TypeError(f"to_dict() expects a parallax.models.Report, not {type(report).__name__}")
    articles = {a.id: a for a in report.articles}
    duplicate_of: dict[str, str] = {}
    for group in report.duplicates:
        for copy in group.copies:
            duplicate_of.setdefault(copy, group.original)
    labels = article_labels(report.articles)
    return {
        "schema": SCHEMA,
        "version": report.version,
        "generated": report.generated,
        "counts": {
            "articles": len(report.articles),
            "stories": len(report.stories),
            "facts": sum(len(s.facts) for s in report.stories),
            "rejected": len(report.rejections),
            "duplicates": sum(len(g.copies) for g in report.duplicates),
        },
        "articles": [_article(a, duplicate_of.get(a.id), labels[a.id]) for a in report.articles],
        "stories": [_story(s, articles) for s in report.stories],
        "duplicates": [
            {
                "original": g.original,
                "copies": list(g.copies),
                "similarity": [_num(x) for x in g.similarity],
                "exact": g.exact,
            }
            for g in report.duplicates
        ],
        "rejections": [
            {"document": r.document, "stage": r.stage, "reason": r.reason, "message": r.message, "hint": r.hint}
            for r in report.rejections
        ],
    }


def render_json(report: Report) -> str:
    """The report as JSON text (UTF-8 characters kept, indented, ending in a newline)."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --- helpers ------------------------------------------------------------------------------------------------------


def _num(value: float) -> float | None:
    """A finite float rounded to FLOAT_DIGITS; NaN and infinities (which JSON cannot hold) become null."""
    value = float(value)
    return round(value, FLOAT_DIGITS) if math.isfinite(value) else None


def _outlet(a: AnnotatedArticle | None) -> str:
    return (a.article.outlet or "").strip() if a is not None else ""


def _unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def _slice(text: str, start: int, end: int, fallback: str) -> str:
    """``text[start:end]`` when the offsets are valid, else ``fallback`` (a record's own copy of the text)."""
    if 0 <= start < end <= len(text):
        return text[start:end]
    return fallback


def _article(a: AnnotatedArticle, duplicate_of: str | None, label: str) -> dict[str, Any]:
    art = a.article
    return {
        "id": art.id,
        "source": art.source,
        "url": art.url,
        "title": art.title,
        "outlet": art.outlet,
        "byline": art.byline,
        "published": art.published,
        "language": art.language,
        "format": art.format,
        "text": art.text,
        "cites": _unique(c.source for c in a.citations if c.kind in NEWS_KINDS),
        "citations": [
            {"source": c.source, "kind": c.kind, "cue": c.cue, "sentence": c.sentence, "start": c.start, "end": c.end}
            for c in a.citations
        ],
        "sentences": [
            {"index": s.index, "start": s.start, "end": s.end, "paragraph": s.paragraph} for s in a.sentences
        ],
        "entities": [
            {"text": e.text, "label": e.label, "name": e.name, "start": e.start, "end": e.end, "sentence": e.sentence}
            for e in a.entities
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "kind": q.kind,
                "cue": q.cue,
                "start": q.start,
                "end": q.end,
                "sentence": q.sentence,
            }
            for q in a.quotes
        ],
        "dates": [
            {
                "text": d.text,
                "value": d.value,
                "precision": d.precision,
                "relative": d.relative,
                "start": d.start,
                "end": d.end,
                "sentence": d.sentence,
            }
            for d in a.dates
        ],
        "quantities": [
            {
                "text": q.text,
                "value": _num(q.value),
                "unit": q.unit,
                "counts": q.counts,
                "start": q.start,
                "end": q.end,
                "sentence": q.sentence,
            }
            for q in a.quantities
        ],
        "loaded_terms": [
            {"text": t.text, "kind": t.kind, "start": t.start, "end": t.end, "sentence": t.sentence}
            for t in a.loaded_terms
        ],
        "title_terms": [{"text": t.text, "kind": t.kind, "start": t.start, "end": t.end} for t in a.title_terms],
        "tone": _num(a.tone),
        "duplicate_of": duplicate_of,
        "label": label,
    }


def _fact_mention(m: FactMention, articles: dict[str, AnnotatedArticle]) -> dict[str, Any]:
    a = articles.get(m.article_id)
    sentence = _slice(a.article.text, m.start, m.end, m.text) if a is not None else m.text
    return {
        "article": m.article_id,
        "sentence": sentence,
        "index": m.sentence,
        "start": m.start,
        "end": m.end,
        "similarity": _num(m.similarity),
        "confidence": _num(m.confidence),
    }


def _fact(f: Fact, articles: dict[str, AnnotatedArticle]) -> dict[str, Any]:
    return {
        "id": f.id,
        "text": f.text,
        "sources": list(f.sources),
        "independent": list(f.independent),
        "first": f.first,
        "mentions": [_fact_mention(m, articles) for m in f.mentions],
        # weaker matches from other articles: shown apart, never counted as sources
        "related": [_fact_mention(m, articles) for m in f.related],
    }


def _story(s: StoryAnalysis, articles: dict[str, AnnotatedArticle]) -> dict[str, Any]:
    story = s.story
    members = [articles[aid] for aid in story.articles if aid in articles]
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.articles),
        "compared": list(s.compared or story.articles),
        "reasons": dict(story.reasons),
        "outlets": _unique(_outlet(articles.get(aid)) or aid for aid in story.articles),
        "facts": [_fact(f, articles) for f in s.facts],
        "exclusives": _exclusives(s),
        "quotes": _quote_groups(s),
        "citations": _citations(s, articles),
        "conflicts": _conflicts(s),
        "figures": _figures(s),
        "timeline": _timeline(s),
        "summary": _summary(s),
        "framing": _framing(members),
        "tone": _tone(s),
        "coverage": [
            {"article": c.article_id, "omitted": list(c.omitted), "exclusive": list(c.exclusive)} for c in s.coverage
        ],
        "provenance": _provenance(s, articles),
        "sourcing": _sourcing(s),
        "recycled": _recycled(s),
    }


def _exclusives(s: StoryAnalysis) -> dict[str, list[str]]:
    """Per article, the facts that it alone states."""
    exclusives: dict[str, list[str]] = {aid: [] for aid in s.story.articles}
    for f in s.facts:
        stating = _unique([*f.sources, *(m.article_id for m in f.mentions)])
        if len(stating) == 1:
            exclusives.setdefault(stating[0], []).append(f.id)
    return exclusives


def _citations(s: StoryAnalysis, articles: dict[str, AnnotatedArticle]) -> dict[str, list[str]]:
    """Per article, the sources it cites."""
    # The compare stage's per-article sources win; an article it did not list falls back to its own citations.
    cited = dict(s.citations)
    citations = {
        aid: list(cited[aid]) if aid in cited else _unique(c.source for c in articles[aid].citations)
        for aid in s.story.articles
        if aid in cited or aid in articles
    }
    for aid, sources in s.citations:
        citations.setdefault(aid, list(sources))
    return citations


def _quote_groups(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "speaker": q.speaker,
            "mentions": [
                {
                    "article": m.article_id,
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "sentence": m.sentence,
                    "kind": m.kind,
                }
                for m in q.mentions
            ],
        }
        for q in s.quotes
    ]


def _conflicts(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "description": c.description,
            "fact": c.fact_id,
            "mentions": [
                {"article": m.article_id, "sentence": m.text, "index": m.sentence, "value": m.value} for m in c.mentions
            ],
        }
        for c in s.conflicts
    ]


def _figures(s: StoryAnalysis) -> list[dict[str, Any]]:
    """Figures that moved as the story developed, each outlet's report in publication order."""
    return [
        {
            "id": f.id,
            "counts": f.counts,
            "fact": f.fact_id,
            "reports": [
                {
                    "article": r.article_id,
                    "index": r.sentence,
                    "text": r.text,
                    "value": r.value,
                    "published": r.published,
                }
                for r in f.reports
            ],
        }
        for f in s.figures
    ]


def _timeline(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "date": t.date,
            "precision": t.precision,
            "text": t.text,
            "articles": list(t.articles),
            "sentences": [
                {"article": aid, "index": index, "text": t.texts[n] if len(t.texts) == len(t.sentences) else None}
                for n, (aid, index) in enumerate(t.sentences)
            ],
            "lane": t.lane,
        }
        for t in s.timeline
    ]


def _summary(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "text": x.text,
            "sources": list(x.sources),
            "article": x.article_id,
            "sentence": x.sentence,
            "fact": x.fact_id,
            "exclusive": x.exclusive,
            "unsure": list(x.unsure),
        }
        for x in s.summary
    ]


def _framing(members: list[AnnotatedArticle]) -> list[dict[str, Any]]:
    return [
        {
            "article": a.id,
            "tone": _num(a.tone),
            "loaded_terms": _unique(t.text for t in (*a.title_terms, *a.loaded_terms)),
            "terms": [
                {"text": t.text, "kind": t.kind, "start": t.start, "end": t.end, "sentence": t.sentence}
                for t in a.loaded_terms
            ],
        }
        for a in members
    ]


def _tone(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "entity": t.entity,
            "label": t.label,
            "article": t.article_id,
            "score": _num(t.score),
            "sentences": [_tone_sentence(x) for x in t.sentences],
            "quoted_score": None if t.quoted_score is None else _num(t.quoted_score),
            "quoted": [_tone_sentence(x) for x in t.quoted],
        }
        for t in s.tone
    ]


def _tone_sentence(x: ToneSentence) -> dict[str, Any]:
    return {
        "index": x.sentence,
        "text": x.text,
        "score": _num(x.score),
        "cues": list(x.cues),
        "voice": x.voice,
        "speaker": x.speaker,
    }


def _sourcing(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "article": x.article_id,
            "sentences": x.sentences,
            "attributed": x.attributed,
            "attributed_share": _num(x.attributed / x.sentences) if x.sentences else None,
            "anonymous": x.anonymous,
            "named_people": x.named_people,
            "top_wire": x.top_wire,
            "wire_share": _num(x.wire_share),
            "copy_of": x.copy_of,
        }
        for x in s.sourcing
    ]


def _recycled(s: StoryAnalysis) -> list[dict[str, Any]]:
    return [
        {
            "article": r.article_id,
            "reason": r.reason,
            "latest": r.latest,
            "reference": r.reference,
            "gap_days": r.gap_days,
            "passages": [{"index": p.sentence, "text": p.text, "date": p.date} for p in r.passages],
        }
        for r in s.recycled
    ]


def _provenance(s: StoryAnalysis, articles: dict[str, AnnotatedArticle]) -> dict[str, Any]:
    """The story's who-cites-whom graph: article nodes, source nodes (by kind and name), one edge per pair."""
    nodes: dict[str, dict[str, Any]] = {}
    for aid in s.story.articles:
        nodes[aid] = {"id": aid, "kind": "article", "label": _outlet(articles.get(aid)) or aid}
    edges = []
    for e in s.provenance:
        node = f"{e.kind}:{e.source}"
        nodes.setdefault(node, {"id": node, "kind": e.kind, "label": e.source})
        edges.append({"from": e.article_id, "to": node, "kind": e.kind, "sentences": list(e.sentences)})
    for aid, original in ((x.article_id, x.copy_of) for x in s.sourcing if x.copy_of):
        edges.append({"from": aid, "to": original, "kind": "copy", "sentences": []})
    return {"nodes": list(nodes.values()), "edges": edges}
