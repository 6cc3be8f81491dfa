"""A JSON report read back: :func:`from_dict` builds the :class:`~parallax.models.Report` that
:func:`~parallax.report.json_form.to_dict` wrote, so a saved ``report.json`` can be exported as tables or rendered
again.

``to_dict(from_dict(d)) == d`` for a report of the current schema (``parallax.report/1.7``; an older 1.x report comes
back under the current schema string, with the fields added since at their defaults): what the JSON derives (labels, the
``cites`` lists, exclusives, provenance nodes, copy edges) is derived again. Floats come back as the JSON rounded them
(4 decimals); a ``null`` number (NaN in the run) comes back as NaN; the run's timings are not in the JSON.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..models import (
    AnnotatedArticle,
    Article,
    Citation,
    Conflict,
    ConflictMention,
    DuplicateGroup,
    Entity,
    EntityTone,
    Fact,
    FactMention,
    Figure,
    FigureReport,
    LoadedTerm,
    OutletCoverage,
    OutletSourcing,
    Quantity,
    Quote,
    QuoteGroup,
    QuoteMention,
    Recycled,
    RecycledPassage,
    Rejection,
    Report,
    Sentence,
    SourceEdge,
    Story,
    StoryAnalysis,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
    ToneSentence,
)

__all__ = ["SCHEMA_PREFIX", "from_dict", "read_report"]

SCHEMA_PREFIX = "parallax.report/1"


def read_report(path: str | os.PathLike[str]) -> Report:
    """The report in a JSON file written by ``parallax analyze --format json`` (or ``parallax show --format json``).

    Raises :class:`~parallax.errors.ReportError` when the file cannot be read or is not such a report.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot read {source}: {exc.strerror or exc}", hint="check the report's path") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{source} is not JSON: {exc}", hint=_HINT) from exc
    try:
        return from_dict(data)
    except ReportError as exc:
        raise ReportError(f"{source}: {exc.message}", hint=exc.hint) from exc


_HINT = "give a report written by `parallax analyze --format json`"


def from_dict(data: Any) -> Report:
    """The :class:`~parallax.models.Report` of a report's JSON form (schema ``parallax.report/1.x``)."""
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(SCHEMA_PREFIX):
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise ReportError(f"not a Parallax report (schema {found!r}, expected {SCHEMA_PREFIX}.x)", hint=_HINT)
    try:
        articles = tuple(_article(a) for a in data.get("articles", ()))
        return Report(
            articles=articles,
            stories=tuple(_story(s) for s in data.get("stories", ())),
            duplicates=tuple(
                DuplicateGroup(
                    g["original"], tuple(g["copies"]), tuple(_float(x) for x in g.get("similarity", ())), g["exact"]
                )
                for g in data.get("duplicates", ())
            ),
            rejections=tuple(
                Rejection(r["document"], r["stage"], r["reason"], r["message"], r.get("hint", ""))
                for r in data.get("rejections", ())
            ),
            generated=str(data.get("generated", "")),
            version=str(data.get("version", "")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"the report's JSON is incomplete or malformed ({type(exc).__name__}: {exc})") from exc


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


def _article(a: dict[str, Any]) -> AnnotatedArticle:
    aid, text = a["id"], a["text"]
    article = Article(
        id=aid,
        source=a["source"],
        text=text,
        title=a.get("title"),
        outlet=a.get("outlet"),
        byline=a.get("byline"),
        published=a.get("published"),
        url=a.get("url"),
        language=a.get("language", "en"),
        format=a.get("format", "text"),
    )
    return AnnotatedArticle(
        article=article,
        sentences=tuple(
            Sentence(aid, s["index"], s["start"], s["end"], text[s["start"] : s["end"]], s.get("paragraph", 0))
            for s in a.get("sentences", ())
        ),
        entities=tuple(
            Entity(e["text"], e["label"], e["start"], e["end"], e["sentence"], e["name"]) for e in a.get("entities", ())
        ),
        quotes=tuple(
            Quote(aid, q["text"], q["start"], q["end"], q["sentence"], q["kind"], q.get("speaker"), cue=q.get("cue"))
            for q in a.get("quotes", ())
        ),
        citations=tuple(
            Citation(aid, c["source"], c["kind"], c["cue"], c["sentence"], c["start"], c["end"])
            for c in a.get("citations", ())
        ),
        dates=tuple(
            TimeExpression(d["text"], d["start"], d["end"], d["sentence"], d["value"], d["precision"], d["relative"])
            for d in a.get("dates", ())
        ),
        quantities=tuple(
            Quantity(q["text"], q["start"], q["end"], q["sentence"], _float(q["value"]), q["unit"], q["counts"])
            for q in a.get("quantities", ())
        ),
        loaded_terms=tuple(
            LoadedTerm(t["text"], t["start"], t["end"], t["sentence"], t["kind"]) for t in a.get("loaded_terms", ())
        ),
        title_terms=tuple(LoadedTerm(t["text"], t["start"], t["end"], -1, t["kind"]) for t in a.get("title_terms", ())),
        tone=_float(a.get("tone")),
    )


def _mention(m: dict[str, Any]) -> FactMention:
    return FactMention(
        m["article"], m["index"], m["sentence"], m["start"], m["end"], _float(m["similarity"]), _float(m["confidence"])
    )


def _story(s: dict[str, Any]) -> StoryAnalysis:
    sid, articles = s["id"], tuple(s["articles"])
    compared = tuple(s.get("compared", articles))
    return StoryAnalysis(
        story=Story(sid, articles, tuple(s.get("reasons", {}).items()), s.get("title", "")),
        facts=tuple(
            Fact(
                f["id"],
                sid,
                f["text"],
                tuple(_mention(m) for m in f["mentions"]),
                tuple(f["sources"]),
                tuple(f.get("independent", ())),
                f.get("first"),
                tuple(_mention(m) for m in f.get("related", ())),
            )
            for f in s.get("facts", ())
        ),
        quotes=tuple(
            QuoteGroup(
                q["id"],
                q.get("speaker"),
                tuple(
                    QuoteMention(m["article"], m["text"], m["start"], m["end"], m["sentence"], m["kind"])
                    for m in q["mentions"]
                ),
            )
            for q in s.get("quotes", ())
        ),
        conflicts=tuple(
            Conflict(
                c["id"],
                c["kind"],
                c["description"],
                tuple(ConflictMention(m["article"], m["index"], m["sentence"], m["value"]) for m in c["mentions"]),
                c.get("fact"),
            )
            for c in s.get("conflicts", ())
        ),
        figures=tuple(
            Figure(
                f["id"],
                f["counts"],
                tuple(
                    FigureReport(r["article"], r["index"], r["text"], _float(r["value"]), r.get("published"))
                    for r in f["reports"]
                ),
                f.get("fact"),
            )
            for f in s.get("figures", ())
        ),
        timeline=tuple(
            TimelineEntry(
                t["date"],
                t["precision"],
                t["text"],
                tuple(t["articles"]),
                tuple((x["article"], x["index"]) for x in t.get("sentences", ())),
                _texts(t.get("sentences", ())),
                "background" if t.get("lane") == "background" else "events",
            )
            for t in s.get("timeline", ())
        ),
        summary=tuple(
            SummarySentence(
                *(x["text"], x["article"], x["sentence"], tuple(x["sources"]), x.get("fact"), x["exclusive"]),
                tuple(x.get("unsure", ())),
            )
            for x in s.get("summary", ())
        ),
        citations=tuple((aid, tuple(sources)) for aid, sources in s.get("citations", {}).items()),
        tone=tuple(_tone(t) for t in s.get("tone", ())),
        coverage=tuple(
            OutletCoverage(c["article"], tuple(c["omitted"]), tuple(c["exclusive"])) for c in s.get("coverage", ())
        ),
        provenance=_provenance(s.get("provenance", {})),
        sourcing=tuple(_sourcing(x) for x in s.get("sourcing", ())),
        recycled=tuple(_recycled(r) for r in s.get("recycled", ())),
        compared=() if compared == articles else compared,
    )


def _tone(t: dict[str, Any]) -> EntityTone:
    def sentence(x: dict[str, Any], voice: str) -> ToneSentence:
        return ToneSentence(
            t["article"],
            x["index"],
            x["text"],
            _float(x["score"]),
            tuple(x.get("cues", ())),
            x.get("voice", voice),
            x.get("speaker"),
        )

    sentences = tuple(sentence(x, "own") for x in t["sentences"])
    quoted = tuple(sentence(x, "quoted") for x in t.get("quoted", ()))
    score = t.get("quoted_score")
    return EntityTone(
        t["entity"],
        t["label"],
        t["article"],
        _float(t["score"]),
        sentences,
        None if score is None else _float(score),
        quoted,
    )


def _provenance(graph: dict[str, Any]) -> tuple[SourceEdge, ...]:
    """The source edges (copy edges are the sourcing's ``copy_of``, derived again by ``to_dict``)."""
    labels = {n["id"]: n["label"] for n in graph.get("nodes", ())}
    return tuple(
        SourceEdge(e["from"], labels.get(e["to"], e["to"].partition(":")[2]), e["kind"], tuple(e["sentences"]))
        for e in graph.get("edges", ())
        if e["kind"] != "copy"
    )


def _sourcing(x: dict[str, Any]) -> OutletSourcing:
    return OutletSourcing(
        x["article"],
        x["sentences"],
        x["attributed"],
        x["anonymous"],
        x["named_people"],
        x.get("top_wire"),
        _float(x.get("wire_share")),
        x.get("copy_of"),
    )


def _recycled(r: dict[str, Any]) -> Recycled:
    passages = tuple(RecycledPassage(r["article"], p["index"], p["text"], p["date"]) for p in r.get("passages", ()))
    return Recycled(r["article"], r["reason"], r["latest"], r["reference"], r["gap_days"], passages)


def _texts(sentences: Any) -> tuple[str, ...]:
    """The wording of a timeline entry's sentences; empty when a report before schema 1.4 does not give it."""
    texts = tuple(x.get("text") for x in sentences)
    return texts if all(isinstance(t, str) for t in texts) else ()
