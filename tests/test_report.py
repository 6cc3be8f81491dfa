"""The report stage's JSON form (schema parallax.report/1), render() dispatch and atomic write().

``build_report()`` makes a small but complete Report by hand (two stories, five articles written for this test,
facts with mentions, quote variants, citations, a conflict, a timeline, a summary, loaded terms, a duplicate
group and a rejection); tests/test_render.py reuses it for the Markdown and HTML renderers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from parallax.errors import ConfigError, ReportError
from parallax.models import (
    AnnotatedArticle,
    Article,
    Citation,
    Conflict,
    ConflictMention,
    DuplicateGroup,
    Entity,
    Fact,
    FactMention,
    LoadedTerm,
    Quantity,
    Quote,
    QuoteGroup,
    QuoteMention,
    Rejection,
    Report,
    Sentence,
    Story,
    StoryAnalysis,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)
from parallax.report import SCHEMA, render, to_dict, write

PAYLOAD = "<script>alert(1)</script>"

# --- the fixture --------------------------------------------------------------------------------------------------

# Articles as paragraphs of sentences; the text is the paragraphs joined by a blank line, sentences by a space.
PARAGRAPHS: dict[str, list[list[str]]] = {
    "harbor-daily": [
        [
            "The port of Marrow Bay closed on Sunday after a storm damaged two cranes, officials said.",
            "Around 40 ships were waiting offshore on Monday.",
        ],
        [
            "“We will reopen the terminals as soon as the cranes are safe,” said harbour master Lena Ortiz.",
            "According to Coastal Wire, repairs could take a week.",
        ],
        ["The closure is a devastating blow to grain exporters, the Marrow Chamber of Commerce said."],
    ],
    "coastal-wire": [
        [
            "Marrow Bay's port shut down on Sunday when a storm damaged two cranes.",
            "About 45 vessels were anchored offshore, the port authority said.",
        ],
        ["“We will reopen the terminals once the cranes are safe,” harbour master Lena Ortiz told reporters."],
    ],
    "northern-times": [
        [
            "A storm forced the so-called temporary closure of Marrow Bay's port on Sunday.",
            "The storm damaged two cranes, according to Reuters.",
        ],
        [
            f"“Ships are stuck out there {PAYLOAD},” said captain Tomas Reyes.",
            "“We will reopen the terminals as soon as the cranes are safe,” Ortiz said.",
            "Insurers estimate losses at 12 million dollars.",
        ],
    ],
    "city-ledger": [
        [
            "The city council approved a 210 million dollar transit budget on Tuesday.",
            "Mayor Ana Petrov called the vote “a turning point for commuters.”",
        ],
        ["The budget adds three bus lines by June 2025, the transport department said."],
    ],
    "metro-post": [
        [
            "Councillors backed a 200 million dollar transit plan on Tuesday, Reuters reported.",
            "Petrov said the plan was “a turning point for our commuters.”",
        ],
    ],
}
# An exact copy of the wire story, republished by an outlet whose name carries a script payload.
PARAGRAPHS["bay-gazette"] = PARAGRAPHS["coastal-wire"]

META = {
    "harbor-daily": ("Harbor Daily", "Storm shuts Marrow Bay port", "Jane Okafor", "2024-03-11"),
    "coastal-wire": ("Coastal Wire", "Marrow Bay port closed after storm", None, "2024-03-11T08:30:00"),
    "bay-gazette": (f"Bay {PAYLOAD} Gazette", "Marrow Bay port closed after storm", None, "2024-03-11T10:00:00"),
    "northern-times": (
        "Northern Times",
        f"Storm {PAYLOAD} closes Marrow Bay | port",
        "T. Reyes & K. Lind",
        "2024-03-12",
    ),
    "city-ledger": ("City Ledger", "Council approves *transit* budget", "Sam Hill", "2024-03-06"),
    "metro-post": ("Metro Post", "Transit plan backed", None, None),
}


def _text(aid: str) -> str:
    return "\n\n".join(" ".join(p) for p in PARAGRAPHS[aid])


def _sentences(aid: str) -> tuple[Sentence, ...]:
    out, pos, index = [], 0, 0
    for pi, para in enumerate(PARAGRAPHS[aid]):
        for si, sent in enumerate(para):
            out.append(Sentence(aid, index, pos, pos + len(sent), sent, pi))
            pos += len(sent) + (1 if si < len(para) - 1 else 2)
            index += 1
    return tuple(out)


def _at(aid: str, needle: str, nth: int = 0) -> tuple[int, int, int]:
    """(start, end, sentence index) of the nth occurrence of needle in the article's text."""
    text, start = _text(aid), -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    sentence = next(s.index for s in _sentences(aid) if s.start <= start < s.end)
    return start, start + len(needle), sentence


def _fm(aid: str, index: int, similarity: float = 1.0) -> FactMention:
    s = _sentences(aid)[index]
    return FactMention(aid, index, s.text, s.start, s.end, similarity)


def _quote(aid: str, words: str, speaker: str | None, cue: str, kind: str = "direct") -> Quote:
    start, end, sent = _at(aid, words)
    return Quote(aid, words, start, end, sent, kind, speaker, None, None, cue)  # type: ignore[arg-type]


def _qm(q: Quote) -> QuoteMention:
    return QuoteMention(q.article_id, q.text, q.start, q.end, q.sentence, q.kind)


def _cite(aid: str, name: str, source: str, kind: str, cue: str) -> Citation:
    start, end, sent = _at(aid, name)
    return Citation(aid, source, kind, cue, sent, start, end)  # type: ignore[arg-type]


def _term(aid: str, words: str, kind: str) -> LoadedTerm:
    start, end, sent = _at(aid, words)
    return LoadedTerm(words, start, end, sent, kind)


def _date(aid: str, words: str, value: str, precision: str, relative: bool) -> TimeExpression:
    start, end, sent = _at(aid, words)
    return TimeExpression(words, start, end, sent, value, precision, relative)  # type: ignore[arg-type]


def _quantity(aid: str, words: str, value: float, unit: str, counts: str) -> Quantity:
    start, end, sent = _at(aid, words)
    return Quantity(words, start, end, sent, value, unit, counts)


def _entity(aid: str, words: str, label: str, name: str | None = None) -> Entity:
    start, end, sent = _at(aid, words)
    return Entity(words, label, start, end, sent, name or words)


REOPEN = "We will reopen the terminals as soon as the cranes are safe,"


def _annotations() -> dict[str, dict[str, Any]]:
    return {
        "harbor-daily": {
            "quotes": (_quote("harbor-daily", REOPEN, "Lena Ortiz", "said"),),
            "citations": (
                _cite("harbor-daily", "Coastal Wire", "Coastal Wire", "wire", "according to"),
                _cite(
                    "harbor-daily", "Marrow Chamber of Commerce", "Marrow Chamber of Commerce", "institution", "said"
                ),
            ),
            "loaded_terms": (_term("harbor-daily", "devastating blow", "emotive"),),
            "dates": (_date("harbor-daily", "on Sunday", "2024-03-10", "day", True),),
            "quantities": (_quantity("harbor-daily", "40 ships", 40, "", "ships"),),
            "entities": (_entity("harbor-daily", "Lena Ortiz", "PERSON"), _entity("harbor-daily", "Marrow Bay", "GPE")),
            "tone": -0.42,
        },
        "coastal-wire": {
            "quotes": (
                _quote("coastal-wire", "We will reopen the terminals once the cranes are safe,", "Lena Ortiz", "told"),
            ),
            "citations": (_cite("coastal-wire", "the port authority", "port authority", "institution", "said"),),
            "dates": (_date("coastal-wire", "on Sunday", "2024-03-10", "day", True),),
            "quantities": (_quantity("coastal-wire", "45 vessels", 45, "", "vessels"),),
            "tone": -0.1,
        },
        "bay-gazette": {
            "quotes": (
                _quote("bay-gazette", "We will reopen the terminals once the cranes are safe,", "Lena Ortiz", "told"),
            ),
            "citations": (_cite("bay-gazette", "the port authority", "port authority", "institution", "said"),),
            "tone": -0.1,
        },
        "northern-times": {
            "quotes": (
                _quote("northern-times", f"Ships are stuck out there {PAYLOAD},", "Tomas Reyes", "said"),
                _quote("northern-times", REOPEN, "Lena Ortiz", "said"),
            ),
            "citations": (
                _cite("northern-times", "Reuters", "Reuters", "wire", "according to"),
                _cite("northern-times", "Insurers", "insurers", "institution", "estimate"),
            ),
            "loaded_terms": (
                _term("northern-times", "so-called", "scare-quote"),
                _term("northern-times", "so-called temporary", "dismissive"),
            ),
            "quantities": (_quantity("northern-times", "12 million dollars", 12e6, "USD", "losses"),),
            "tone": -0.3,
        },
        "city-ledger": {
            "quotes": (_quote("city-ledger", "a turning point for commuters.", "Ana Petrov", "called"),),
            "citations": (
                _cite("city-ledger", "the transport department", "transport department", "institution", "said"),
            ),
            "dates": (
                _date("city-ledger", "on Tuesday", "2024-03-05", "day", True),
                _date("city-ledger", "June 2025", "2025-06", "month", False),
            ),
            "quantities": (_quantity("city-ledger", "210 million dollar", 210e6, "USD", "transit budget"),),
            "tone": 0.35,
        },
        "metro-post": {
            "quotes": (_quote("metro-post", "a turning point for our commuters.", "Ana Petrov", "said"),),
            "citations": (_cite("metro-post", "Reuters", "Reuters", "wire", "reported"),),
            "loaded_terms": (),
            "tone": 0.2,
        },
    }


def build_report() -> Report:
    """Two stories, six articles (one an exact copy), with every kind of record the report shows."""
    notes = _annotations()
    articles = []
    for aid in PARAGRAPHS:
        outlet, title, byline, published = META[aid]
        art = Article(
            id=aid,
            source=f"corpus/{aid}.txt",
            text=_text(aid),
            title=title,
            outlet=outlet,
            byline=byline,
            published=published,
            url=f"https://news.example/{aid}",
        )
        articles.append(AnnotatedArticle(article=art, sentences=_sentences(aid), **notes[aid]))
    port = Story(
        "story-port",
        ("harbor-daily", "coastal-wire", "bay-gazette", "northern-times"),
        (
            ("harbor-daily", "seed"),
            ("coastal-wire", "shares Marrow Bay, storm, cranes; 0.81"),
            ("bay-gazette", "exact copy of coastal-wire"),
            ("northern-times", "shares Marrow Bay; 0.74"),
        ),
        "Storm closes the port of Marrow Bay",
    )
    closed = Fact(
        "f-closed",
        port.id,
        _sentences("harbor-daily")[0].text,
        (
            _fm("harbor-daily", 0),
            _fm("coastal-wire", 0, 0.83),
            _fm("bay-gazette", 0, 0.83),
            _fm("northern-times", 0, 0.71),
            _fm("northern-times", 1, 0.69),
        ),
        ("harbor-daily", "coastal-wire", "bay-gazette", "northern-times"),
        ("harbor-daily", "coastal-wire", "northern-times"),
        "coastal-wire",
    )
    ships = Fact(
        "f-ships",
        port.id,
        _sentences("harbor-daily")[1].text,
        (_fm("harbor-daily", 1), _fm("coastal-wire", 1, 0.77), _fm("bay-gazette", 1, 0.77)),
        ("harbor-daily", "coastal-wire", "bay-gazette"),
        ("harbor-daily", "coastal-wire"),
        "coastal-wire",
    )
    repairs = Fact(
        "f-repairs",
        port.id,
        _sentences("harbor-daily")[3].text,
        (_fm("harbor-daily", 3),),
        ("harbor-daily",),
        ("harbor-daily",),
        "harbor-daily",
    )
    losses = Fact(
        "f-losses",
        port.id,
        _sentences("northern-times")[4].text,
        (_fm("northern-times", 4),),
        ("northern-times",),
        ("northern-times",),
        "northern-times",
    )
    notes_by_id = {a.id: a for a in articles}
    reopen = QuoteGroup(
        "q-reopen",
        "Lena Ortiz",
        tuple(
            _qm(q)
            for aid in ("harbor-daily", "coastal-wire", "bay-gazette", "northern-times")
            for q in notes_by_id[aid].quotes
            if q.speaker == "Lena Ortiz"
        ),
    )
    stuck = QuoteGroup("q-stuck", "Tomas Reyes", (_qm(notes_by_id["northern-times"].quotes[0]),))
    ships_conflict = Conflict(
        "c-ships",
        "number",
        "harbor-daily says 40 ships wait offshore; coastal-wire says 45",
        (
            ConflictMention("harbor-daily", 1, _sentences("harbor-daily")[1].text, "40"),
            ConflictMention("coastal-wire", 1, _sentences("coastal-wire")[1].text, "45"),
        ),
        "f-ships",
    )
    port_analysis = StoryAnalysis(
        story=port,
        facts=(closed, ships, repairs, losses),
        quotes=(reopen, stuck),
        conflicts=(ships_conflict,),
        timeline=(
            TimelineEntry(
                "2024-03-10",
                "day",
                _sentences("coastal-wire")[0].text,
                ("harbor-daily", "coastal-wire", "northern-times"),
                (("coastal-wire", 0), ("harbor-daily", 0)),
            ),
        ),
        summary=(
            SummarySentence(
                _sentences("coastal-wire")[0].text,
                "coastal-wire",
                0,
                ("harbor-daily", "coastal-wire", "bay-gazette", "northern-times"),
                "f-closed",
            ),
            SummarySentence(
                _sentences("harbor-daily")[1].text,
                "harbor-daily",
                1,
                ("harbor-daily", "coastal-wire", "bay-gazette"),
                "f-ships",
            ),
            SummarySentence(
                _sentences("harbor-daily")[3].text, "harbor-daily", 3, ("harbor-daily",), "f-repairs", exclusive=True
            ),
        ),
        citations=(
            ("harbor-daily", ("Coastal Wire", "Marrow Chamber of Commerce")),
            ("coastal-wire", ("port authority",)),
            ("bay-gazette", ("port authority",)),
            ("northern-times", ("Reuters", "insurers")),
        ),
    )
    transit = Story(
        "story-transit",
        ("city-ledger", "metro-post"),
        (("city-ledger", "seed"), ("metro-post", "shares transit budget, Petrov; 0.66")),
        "Council approves transit budget",
    )
    budget = Fact(
        "f-budget",
        transit.id,
        _sentences("city-ledger")[0].text,
        (_fm("city-ledger", 0), _fm("metro-post", 0, 0.72)),
        ("city-ledger", "metro-post"),
        ("city-ledger", "metro-post"),
        "city-ledger",
    )
    lines = Fact(
        "f-lines",
        transit.id,
        _sentences("city-ledger")[2].text,
        (_fm("city-ledger", 2),),
        ("city-ledger",),
        ("city-ledger",),
        "city-ledger",
    )
    turning = QuoteGroup(
        "q-turning", "Ana Petrov", (_qm(notes_by_id["city-ledger"].quotes[0]), _qm(notes_by_id["metro-post"].quotes[0]))
    )
    transit_analysis = StoryAnalysis(
        story=transit,
        facts=(budget, lines),
        quotes=(turning,),
        conflicts=(
            Conflict(
                "c-budget",
                "number",
                "210 million dollars or 200 million dollars",
                (
                    ConflictMention("city-ledger", 0, _sentences("city-ledger")[0].text, "210 million"),
                    ConflictMention("metro-post", 0, _sentences("metro-post")[0].text, "200 million"),
                ),
                "f-budget",
            ),
        ),
        timeline=(
            TimelineEntry(
                "2024-03-05",
                "day",
                _sentences("city-ledger")[0].text,
                ("city-ledger", "metro-post"),
                (("city-ledger", 0),),
            ),
            TimelineEntry(
                "2025-06", "month", _sentences("city-ledger")[2].text, ("city-ledger",), (("city-ledger", 2),)
            ),
        ),
        summary=(
            SummarySentence(
                _sentences("city-ledger")[0].text, "city-ledger", 0, ("city-ledger", "metro-post"), "f-budget"
            ),
        ),
        citations=(("city-ledger", ("transport department",)), ("metro-post", ("Reuters",))),
    )
    return Report(
        articles=tuple(articles),
        stories=(port_analysis, transit_analysis),
        duplicates=(DuplicateGroup("coastal-wire", ("bay-gazette",), (1.0,), exact=True),),
        rejections=(
            Rejection(
                "corpus/empty.html",
                "extract",
                "empty",
                f"no article text in {PAYLOAD}",
                "remove the file or check that it was saved completely",
            ),
        ),
        generated="2024-03-12T09:00:00+00:00",
        version="0.1.0",
        timings=(("extract", 0.25),),
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report()


@pytest.fixture(scope="module")
def data(report: Report) -> dict[str, Any]:
    return json.loads(render(report, "json"))


# --- the schema ---------------------------------------------------------------------------------------------------

STR, OPT_STR, INT, NUM, BOOL = str, (str, type(None)), int, (int, float), bool
OPT_NUM = (int, float, type(None))

ARTICLE = {
    "id": STR,
    "source": STR,
    "url": OPT_STR,
    "title": OPT_STR,
    "outlet": OPT_STR,
    "byline": OPT_STR,
    "published": OPT_STR,
    "language": STR,
    "format": STR,
    "text": STR,
    "cites": list,
    "citations": list,
    "sentences": list,
    "entities": list,
    "quotes": list,
    "dates": list,
    "quantities": list,
    "loaded_terms": list,
    "tone": OPT_NUM,
    "duplicate_of": OPT_STR,
}
ARTICLE_ITEMS = {
    "citations": {"source": STR, "kind": STR, "cue": STR, "sentence": INT, "start": INT, "end": INT},
    "sentences": {"index": INT, "start": INT, "end": INT, "paragraph": INT},
    "entities": {"text": STR, "label": STR, "name": STR, "start": INT, "end": INT, "sentence": INT},
    "quotes": {"text": STR, "speaker": OPT_STR, "kind": STR, "cue": OPT_STR, "start": INT, "end": INT, "sentence": INT},
    "dates": {"text": STR, "value": STR, "precision": STR, "relative": BOOL, "start": INT, "end": INT, "sentence": INT},
    "quantities": {
        "text": STR,
        "value": OPT_NUM,
        "unit": STR,
        "counts": STR,
        "start": INT,
        "end": INT,
        "sentence": INT,
    },
    "loaded_terms": {"text": STR, "kind": STR, "start": INT, "end": INT, "sentence": INT},
}
STORY = {
    "id": STR,
    "title": STR,
    "articles": list,
    "reasons": dict,
    "outlets": list,
    "facts": list,
    "exclusives": dict,
    "quotes": list,
    "citations": dict,
    "conflicts": list,
    "timeline": list,
    "summary": list,
    "framing": list,
}
FACT = {"id": STR, "text": STR, "sources": list, "independent": list, "first": OPT_STR, "mentions": list}
FACT_MENTION = {"article": STR, "sentence": STR, "index": INT, "start": INT, "end": INT, "similarity": OPT_NUM}
QUOTE = {"id": STR, "speaker": OPT_STR, "mentions": list}
QUOTE_MENTION = {"article": STR, "text": STR, "start": INT, "end": INT, "sentence": INT, "kind": STR}
CONFLICT = {"id": STR, "kind": STR, "description": STR, "fact": OPT_STR, "mentions": list}
CONFLICT_MENTION = {"article": STR, "sentence": STR, "index": INT, "value": STR}
TIMELINE = {"date": STR, "precision": STR, "text": STR, "articles": list, "sentences": list, "lane": STR}
SUMMARY = {"text": STR, "sources": list, "article": STR, "sentence": INT, "fact": OPT_STR, "exclusive": BOOL}
FRAMING = {"article": STR, "tone": OPT_NUM, "loaded_terms": list, "terms": list}
TERM = {"text": STR, "kind": STR, "start": INT, "end": INT}
DUPLICATE = {"original": STR, "copies": list, "similarity": list, "exact": BOOL}
REJECTION = {"document": STR, "stage": STR, "reason": STR, "message": STR, "hint": STR}


def _check(record: dict[str, Any], shape: dict[str, Any], where: str) -> None:
    for key, kind in shape.items():
        assert key in record, f"{where}: missing {key!r}"
        value = record[key]
        assert isinstance(value, kind), f"{where}.{key}: {type(value).__name__} is not {kind}"
        assert not (kind is INT and isinstance(value, bool)), f"{where}.{key}: a bool is not an int"


def test_json_round_trips_and_keeps_every_field(data: dict[str, Any], report: Report) -> None:
    assert data == json.loads(json.dumps(to_dict(report)))
    assert list(data)[:4] == ["schema", "version", "generated", "counts"]
    assert data["schema"] == SCHEMA == "parallax.report/1.7"
    assert data["version"] == "0.1.0"
    assert data["generated"] == "2024-03-12T09:00:00+00:00"
    assert data["counts"] == {"articles": 6, "stories": 2, "facts": 6, "rejected": 1, "duplicates": 1}
    for a in data["articles"]:
        _check(a, ARTICLE, f"article {a['id']}")
        for key, shape in ARTICLE_ITEMS.items():
            for item in a[key]:
                _check(item, shape, f"article {a['id']}.{key}")
        assert all(isinstance(c, str) for c in a["cites"])
    for s in data["stories"]:
        _check(s, STORY, f"story {s['id']}")
        assert all(isinstance(o, str) for o in s["outlets"])
        for f in s["facts"]:
            _check(f, FACT, "fact")
            for m in f["mentions"]:
                _check(m, FACT_MENTION, "fact mention")
        for q in s["quotes"]:
            _check(q, QUOTE, "quote")
            for m in q["mentions"]:
                _check(m, QUOTE_MENTION, "quote mention")
        for c in s["conflicts"]:
            _check(c, CONFLICT, "conflict")
            for m in c["mentions"]:
                _check(m, CONFLICT_MENTION, "conflict mention")
        for t in s["timeline"]:
            _check(t, TIMELINE, "timeline")
        for x in s["summary"]:
            _check(x, SUMMARY, "summary")
        for fr in s["framing"]:
            _check(fr, FRAMING, "framing")
            for t in fr["terms"]:
                _check(t, TERM, "framing term")
        assert all(isinstance(v, list) for v in s["exclusives"].values())
        assert all(isinstance(v, list) for v in s["citations"].values())
    for g in data["duplicates"]:
        _check(g, DUPLICATE, "duplicate")
    for r in data["rejections"]:
        _check(r, REJECTION, "rejection")


def _keys(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            _keys(item, out)
    elif isinstance(value, list):
        for item in value:
            _keys(item, out)
    return out


def test_every_field_is_documented(data: dict[str, Any]) -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "REPORT_SCHEMA.md"
    text = doc.read_text(encoding="utf-8")
    ids = {a["id"] for a in data["articles"]}  # article ids are keys of some maps, not field names
    for key in sorted(_keys(data, set()) - ids):
        assert f"`{key}`" in text, f"field {key!r} is not in docs/REPORT_SCHEMA.md"


def test_article_text_and_offsets_are_the_records(data: dict[str, Any], report: Report) -> None:
    by_id = {a["id"]: a for a in data["articles"]}
    for a in report.articles:
        out = by_id[a.id]
        assert out["text"] == a.article.text
        for s in out["sentences"]:
            assert out["text"][s["start"] : s["end"]] == a.sentences[s["index"]].text
        for key in ("quotes", "loaded_terms", "dates", "quantities", "entities"):
            for item in out[key]:
                assert out["text"][item["start"] : item["end"]] == item["text"], (a.id, key)
    assert by_id["bay-gazette"]["duplicate_of"] == "coastal-wire"
    assert by_id["coastal-wire"]["duplicate_of"] is None


def test_fact_mention_sentence_is_the_article_text_slice(data: dict[str, Any]) -> None:
    texts = {a["id"]: a["text"] for a in data["articles"]}
    mentions = [m for s in data["stories"] for f in s["facts"] for m in f["mentions"]]
    assert len(mentions) == 13
    for m in mentions:
        assert m["sentence"] == texts[m["article"]][m["start"] : m["end"]]
    for s in data["stories"]:
        for c in s["conflicts"]:
            for m in c["mentions"]:
                assert m["sentence"] in texts[m["article"]]
                assert m["value"] in m["sentence"]
        for x in s["summary"]:
            assert x["text"] in texts[x["article"]]
            assert x["article"] in x["sources"]


def test_cites_hold_only_news_organisations_in_first_seen_order(data: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in data["articles"]}
    assert by_id["harbor-daily"]["cites"] == ["Coastal Wire"]
    assert by_id["northern-times"]["cites"] == ["Reuters"]
    assert by_id["coastal-wire"]["cites"] == []
    assert [c["kind"] for c in by_id["harbor-daily"]["citations"]] == ["wire", "institution"]
    for a in data["articles"]:
        kinds = {c["source"]: c["kind"] for c in a["citations"]}
        assert all(kinds[c] in ("wire", "outlet") for c in a["cites"])
        assert len(a["cites"]) == len(set(a["cites"]))


def test_story_views(data: dict[str, Any]) -> None:
    port, transit = data["stories"]
    assert port["outlets"] == ["Harbor Daily", "Coastal Wire", f"Bay {PAYLOAD} Gazette", "Northern Times"]
    assert port["exclusives"] == {
        "harbor-daily": ["f-repairs"],
        "coastal-wire": [],
        "bay-gazette": [],
        "northern-times": ["f-losses"],
    }
    assert port["citations"]["northern-times"] == ["Reuters", "insurers"]
    assert port["reasons"]["bay-gazette"] == "exact copy of coastal-wire"
    assert [q["speaker"] for q in port["quotes"]] == ["Lena Ortiz", "Tomas Reyes"]
    assert len(port["quotes"][0]["mentions"]) == 4
    framing = {f["article"]: f for f in port["framing"]}
    assert framing["northern-times"]["loaded_terms"] == ["so-called", "so-called temporary"]
    assert framing["harbor-daily"]["tone"] == -0.42
    assert transit["timeline"][1] == {
        "date": "2025-06",
        "precision": "month",
        "text": "The budget adds three bus lines by June 2025, the transport department said.",
        "articles": ["city-ledger"],
        "sentences": [{"article": "city-ledger", "index": 2, "text": None}],
        "lane": "events",
    }
    assert data["duplicates"] == [
        {"original": "coastal-wire", "copies": ["bay-gazette"], "similarity": [1.0], "exact": True}
    ]


def test_output_is_stable(report: Report) -> None:
    first = render(report, "json")
    assert first == render(build_report(), "json")
    assert first.endswith("}\n")
    assert PAYLOAD in first  # JSON keeps text as written; escaping is the HTML renderer's job
    assert "timings" not in json.loads(first)  # wall-clock times would make two runs differ


def test_untrusted_numbers_and_offsets_do_not_break_the_json(report: Report) -> None:
    art = report.articles[0]
    story = report.stories[0]
    bad_mention = FactMention(art.id, 0, "the stage's own copy", 5, 10_000, float("nan"))
    fact = Fact("f-bad", story.story.id, "x", (bad_mention,), (art.id,))
    broken = Report(
        articles=(AnnotatedArticle(art.article, tone=float("inf")),),
        stories=(StoryAnalysis(story=Story("s", (art.id, "missing")), facts=(fact,)),),
    )
    data = json.loads(render(broken, "json"))
    mention = data["stories"][0]["facts"][0]["mentions"][0]
    assert mention["sentence"] == "the stage's own copy"  # offsets past the text: the record's text is kept
    assert mention["similarity"] is None
    assert data["articles"][0]["tone"] is None
    assert data["stories"][0]["outlets"] == ["Harbor Daily", "missing"]


def test_empty_report() -> None:
    data = json.loads(render(Report(articles=(), stories=()), "json"))
    assert data["counts"] == {"articles": 0, "stories": 0, "facts": 0, "rejected": 0, "duplicates": 0}
    assert data["articles"] == data["stories"] == data["duplicates"] == data["rejections"] == []


# --- render() and write() -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "", "jsonl", "htm"])
def test_unknown_format_is_a_config_error(report: Report, fmt: str) -> None:
    with pytest.raises(ConfigError, match="unknown report format"):
        render(report, fmt)


def test_wrong_types_are_type_errors(report: Report) -> None:
    with pytest.raises(TypeError):
        to_dict({"articles": []})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render(report, 1)  # type: ignore[arg-type]


def test_format_names(report: Report) -> None:
    assert render(report, "markdown") == render(report, "md")
    assert render(report, " JSON ") == render(report, "json")
    assert render(report, "html").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_write_is_atomic_and_replaces(report: Report, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    target.write_text("old report", encoding="utf-8")
    assert write(report, target, fmt) == target
    assert target.read_text(encoding="utf-8") == render(report, fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left behind
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 != 0o600


def test_write_new_file_is_readable(report: Report, tmp_path: Path) -> None:
    target = write(report, str(tmp_path / "new.json"), "json")
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == SCHEMA
    if os.name == "posix":
        assert target.stat().st_mode & 0o444 == 0o444


def test_write_survives_a_lone_surrogate(tmp_path: Path) -> None:
    art = Article("x", "x.txt", "Text with a broken \ud800 character.", title="Broken \udc00 title")
    report = Report(articles=(AnnotatedArticle(art),), stories=())
    for fmt in ("json", "md", "html"):
        target = write(report, tmp_path / f"report.{fmt}", fmt)
        assert "Broken ? title" in target.read_text(encoding="utf-8")


def test_write_errors_name_the_path(report: Report, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "report.json"
    with pytest.raises(ReportError, match="no-such-folder"):
        write(report, missing, "json")
    with pytest.raises(ReportError, match="is a folder"):
        write(report, tmp_path, "json")
    with pytest.raises(ConfigError):
        write(report, tmp_path / "report.pdf", "pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_write_to_a_read_only_folder(report: Report, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ReportError, match="ro"):
            write(report, folder / "report.json", "json")
    finally:
        folder.chmod(0o755)


# --- the external scorer reads this JSON ----------------------------------------------------------------------------


def test_scorer_reads_every_field(data: dict[str, Any], scorer: ModuleType) -> None:
    """A gold file for the fixture, scored by the project's scorer: every measure the report feeds is perfect."""
    gold = {
        "name": "fixture",
        "articles": {
            aid: {
                "title": META[aid][1],
                "outlet": META[aid][0],
                "byline": META[aid][2] or "",
                "published": (META[aid][3] or "")[:10],
                "content": [PARAGRAPHS[aid][-1][-1][:30]],
                "boilerplate": ["Leave a comment"],
                "cites": {
                    "harbor-daily": ["Coastal Wire"],
                    "northern-times": ["Reuters"],
                    "metro-post": ["Reuters"],
                }.get(aid, []),
            }
            for aid in PARAGRAPHS
        },
        "events": [["harbor-daily", "coastal-wire", "bay-gazette", "northern-times"], ["city-ledger", "metro-post"]],
        "facts": [
            {
                "id": "closed",
                "anchors": [
                    ["harbor-daily", "closed on Sunday"],
                    ["coastal-wire", "shut down on Sunday"],
                    ["northern-times", "forced the so-called"],
                ],
            },
            {"id": "ships", "anchors": [["harbor-daily", "Around 40 ships"], ["coastal-wire", "About 45 vessels"]]},
            {"id": "budget", "anchors": [["city-ledger", "approved a 210"], ["metro-post", "backed a 200"]]},
        ],
        "quotes": [
            {
                "speaker": ["Ortiz"],
                "anchors": [
                    ["harbor-daily", "as soon as the cranes are safe"],
                    ["coastal-wire", "once the cranes are safe"],
                    ["northern-times", "as soon as the cranes are safe"],
                ],
            },
            {
                "speaker": ["Petrov"],
                "anchors": [
                    ["city-ledger", "a turning point for commuters"],
                    ["metro-post", "a turning point for our commuters"],
                ],
            },
        ],
        "timeline": [{"date": "2024-03-10", "keywords": ["Sunday"]}, {"date": "2025-06", "keywords": ["bus lines"]}],
        "loaded_language": {"harbor-daily": ["devastating blow"], "northern-times": ["so-called"]},
    }
    measures = scorer.score(data, gold)
    for name in (
        "boilerplate_removed",
        "content_kept",
        "metadata",
        "events_f1",
        "facts_f1",
        "quotes_found",
        "quotes_attributed",
        "quotes_grouped",
        "cites_f1",
        "timeline",
        "loaded_language",
        "summary_faithful",
    ):
        assert measures[name] == 1.0, name
