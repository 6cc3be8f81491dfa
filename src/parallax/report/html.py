"""The report as one self-contained HTML page: no request leaves the page, it works with scripts off, and it prints.

The page is drawn from :func:`parallax.report.to_dict` (so it shows the same data as the JSON) through the Jinja2
template ``templates/report.html.j2`` with autoescaping on: every datum (titles, outlet names, quotes, article
text) is escaped by the template, and nothing from the data is ever marked safe. This module only shapes the data
into a view (coverage cells, highlighted text runs, quote differences); it writes no markup itself.

Security: a Content-Security-Policy meta tag allows nothing but the page's own stylesheet (by its SHA-256 hash),
``data:`` images, and no scripts at all (the page has none), so even a payload that slipped past escaping could
neither run nor call home.
"""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..models import Report
from ..tables import UNKNOWN_OUTLET
from .json_form import to_dict

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "BODY_TEMPLATE",
    "anchored_sentences",
    "render_article_html",
    "render_html",
    "render_report_body",
    "slug",
    "tone_view",
]

# The report's body (masthead, stories, panels, footer) without the document around it: report.html.j2 includes
# it, and the web app embeds it in its own layout, so that the app's story page shows what the report shows.
BODY_TEMPLATE = "report_body.html.j2"

# How a date is shown at each precision the pipeline keeps ("2020-08-23" day, "2019-06" month, "2018" year).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

# Tone is VADER's compound score averaged over the article (-1..+1); below this magnitude we call it neutral,
# VADER's own documented cut-off for a neutral compound score.
NEUTRAL_TONE = 0.05

# Inline marks in an article's text, outermost first (a loaded term inside a quote is drawn inside it).
LAYERS = ("q", "src", "lt")

_ID_SAFE = re.compile(r"[A-Za-z0-9_.-]")
_ID_SAFE_ALL = re.compile(r"[A-Za-z0-9_.-]*")
_WORD = re.compile(r"(\S+)(\s*)")
_NON_WORD = re.compile(r"[^\w]+")

# How long a fact's text may be in an "only here" chip (it is in full in its row).
CHIP_CHARS = 90

# Above this many articles in a story, the quotes that one article alone carries are counted, not listed again.
LISTED_SINGLES_MAX = 12

# Conflict kinds that are figures (shown under "Figures that differ by outlet"); the others are disputes.
FIGURE_KINDS = frozenset({"number"})

# The id of the note listing articles that the stories name but the report does not hold.
MISSING = "missing-articles"


@dataclass(frozen=True, slots=True)
class _Span:
    """A mark over ``[start, end)`` of an article's text: ``layer`` is one of LAYERS, ``title`` its tooltip."""

    start: int
    end: int
    layer: str
    title: str


def render_html(report: Report) -> str:
    """The report as one HTML page (UTF-8 text), self-contained and safe to open from anywhere."""
    data = to_dict(report)
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0] if env.loader else ""
    if "</" in css:  # the stylesheet is ours, but a stray "</style" in it would end the element early
        raise ValueError("report.css must not contain '</'")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "script-src 'none'; base-uri 'none'; form-action 'none'"
    )
    view = _view(data)
    template = env.get_template("report.html.j2")
    # The stylesheet is a packaged file, not data: it goes in as Markup so that its '>' selectors survive, and its
    # hash above must match the element's text byte for byte.
    return template.render(css=Markup(css), csp=csp, standalone=True, **view)


def render_report_body(
    report: Report | dict[str, Any],
    aside: Markup | None = None,
    details: Markup | None = None,
    timeline: Markup | None = None,
) -> Markup:
    """The report's body as HTML to embed in another page (the web app's story page): the same markup as in
    :func:`render_html`, without ``<head>`` and stylesheet (the host page links ``report.css`` itself), and without
    the standalone file's batch line (counts, version, when it was made). ``aside``, markup of the host's own (its
    links), is placed right after the masthead; ``details``, more of it (charts), first in a story's details;
    ``timeline`` (a chart of the dates) at the top of its timeline section, above the list of dated sentences.
    ``report`` may be given as its JSON form (:func:`parallax.report.to_dict`), when the caller has it already."""
    extra: dict[str, Markup] = {}
    if aside is not None:
        extra["aside"] = aside
    if details is not None:
        extra["web"] = details
    if timeline is not None:
        extra["timeline_chart"] = timeline
    data = report if isinstance(report, dict) else to_dict(report)
    body = _environment().get_template(BODY_TEMPLATE).render(**_view(data), **extra)
    return Markup(body)  # rendered with autoescape on: every datum in it is already escaped


def render_article_html(report: Report, article_id: str, base: str = "") -> Markup | None:
    """One article of ``report`` with its marks (quotes, cited sources, loaded terms, the facts each sentence
    states), as the report draws it; ``None`` when the report does not hold it. Every in-page link in it (``#...``)
    is prefixed with ``base``: the URL of the page that shows the whole report, where those anchors are."""
    data = to_dict(report)
    view = _view(data)
    shown = [a for s in view["stories"] for a in s["texts"]] + view["loose_articles"]
    art = next((a for a in shown if a["id"] == article_id), None)
    if art is None:
        return None
    module = _environment().get_template("report_macros.html.j2").module
    return Markup(module.article(_rebase(art, base)))  # type: ignore[attr-defined]


def _rebase(value: Any, base: str) -> Any:
    """``value`` (a view) with every ``href`` that starts with ``#`` prefixed by ``base``."""
    if isinstance(value, dict):
        return {
            k: (base + v if k == "href" and isinstance(v, str) and v.startswith("#") else _rebase(v, base))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rebase(v, base) for v in value]
    return value


# --- shared with the web app: the report's anchors and its tone bars -----------------------------------------------


def slug(value: str) -> str:
    """``value`` made safe for an HTML id and a URL fragment: other characters become ``~`` and 6 hex digits.

    The report's anchors are built with it (``article-{slug(id)}``, ``fact-{slug(id)}``, ...), so a page that links
    into a report (the web app's charts) builds its links with it too.
    """
    if _ID_SAFE_ALL.fullmatch(value):  # the usual case, without a look at each character (a large page has ~10^4)
        return value
    return "".join(ch if _ID_SAFE.match(ch) else f"~{ord(ch):06x}" for ch in value)


def tone_view(value: float | None) -> dict[str, Any]:
    """Tone for display: the number, a word, and a bar (a side and a width class in tenths; no inline styles,
    which the page's Content-Security-Policy forbids). The web app's pages draw tone with it too."""
    if value is None:
        return {"value": 0.0, "label": "unknown", "text": "–", "side": "p", "width": 0}
    word = "neutral" if abs(value) < NEUTRAL_TONE else ("positive" if value > 0 else "negative")
    width = min(10, round(abs(value) * 10))
    return {"value": value, "label": word, "text": f"{value:+.2f}", "side": "p" if value >= 0 else "n", "width": width}


# --- the template environment -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # imported on first render: a JSON-only run (and every cold start) skips its ~40 ms

    return jinja2.Environment(
        loader=jinja2.PackageLoader("parallax.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# --- the view -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    """What the page shows, so that every link points at an element that exists.

    ``articles`` by id; ``sentences`` the sentence indices each shown article has an anchor for. A link to an
    article the report lacks goes to the "missing articles" note; to a sentence without an anchor, to its article.
    """

    articles: dict[str, dict[str, Any]]
    pieces: dict[str, list[tuple[int, int, int | None]]]  # article id -> its text cut into sentences and gaps
    sentences: dict[str, frozenset[int]]  # article id -> the sentence indices that have an anchor
    stated: dict[str, dict[int, list[dict[str, Any]]]]  # article id -> sentence index -> the facts it states
    copies: dict[str, list[str]]  # original -> its copies

    def ref(self, aid: str) -> dict[str, str]:
        """A link to an article's section, with the name readers know it by."""
        art = self.articles.get(aid)
        if art is None:
            return {"id": aid, "label": aid, "href": f"#{MISSING}"}
        return {"id": aid, "label": art["label"], "href": f"#article-{slug(aid)}"}

    def sentence(self, aid: str, index: int) -> str:
        if index in self.sentences.get(aid, frozenset()):
            return f"#a-{slug(aid)}-s-{index}"
        return self.ref(aid)["href"]


def _shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def anchored_sentences(data: dict[str, Any]) -> dict[str, frozenset[int]]:
    """Per article id of a report JSON, the indices of the sentences its HTML page gives an anchor
    (``a-{slug(article)}-s-{index}``): a page that links into the report (the web app's charts) links only to
    these, and to the article (``article-{slug(article)}``) otherwise."""
    ranges: dict[str, dict[int, tuple[int, int]]] = {}
    for story in data["stories"]:
        for f in story["facts"]:
            for m in f["mentions"]:
                ranges.setdefault(m["article"], {}).setdefault(m["index"], (m["start"], m["end"]))
    return {
        a["id"]: frozenset(i for _, _, i in _pieces(a, ranges.get(a["id"], {})) if i is not None)
        for a in data["articles"]
    }


def _view(data: dict[str, Any]) -> dict[str, Any]:
    articles: dict[str, dict[str, Any]] = {a["id"]: a for a in data["articles"]}
    many = len(data["stories"]) > 1
    fact_labels = {
        f["id"]: f"{n}.{i}" if many else str(i)
        for n, story in reversed(list(enumerate(data["stories"], 1)))
        for i, f in reversed(list(enumerate(_ordered_facts(story), 1)))
    }  # built backwards, so that a fact id in two stories keeps its first label
    exclusive = {fid for s in data["stories"] for fids in s["exclusives"].values() for fid in fids}
    ranges: dict[str, dict[int, tuple[int, int]]] = {}  # where fact mentions put sentences, per article
    stated: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for story in data["stories"]:
        for f in story["facts"]:
            ref = {"label": fact_labels[f["id"]], "href": f"#fact-{slug(f['id'])}", "only": f["id"] in exclusive}
            for m in f["mentions"]:
                ranges.setdefault(m["article"], {}).setdefault(m["index"], (m["start"], m["end"]))
                refs = stated.setdefault(m["article"], {}).setdefault(m["index"], [])
                if all(r["href"] != ref["href"] for r in refs):
                    refs.append(ref)
    copies: dict[str, list[str]] = {}
    for aid, art in articles.items():
        if art["duplicate_of"]:
            copies.setdefault(art["duplicate_of"], []).append(aid)
    pieces = {aid: _pieces(art, ranges.get(aid, {})) for aid, art in articles.items()}
    anchors = {aid: frozenset(i for _, _, i in cut if i is not None) for aid, cut in pieces.items()}
    ix = _Index(articles, pieces, anchors, stated, copies)
    placed: set[str] = set()  # each article's text is shown once, in its first story, so its ids stay unique
    stories = []
    for n, story in enumerate(data["stories"], 1):
        shown = list(dict.fromkeys(aid for aid in story["articles"] if aid in articles and aid not in placed))
        placed.update(shown)
        view = _story(n, story, _ordered_facts(story), ix, fact_labels)
        view["texts"] = [_article(articles[aid], ix) for aid in shown]
        view["also"] = [ix.ref(aid) for aid in story["articles"] if aid in articles and aid not in shown]
        stories.append(view)
    return {
        "title": _page_title(data),
        "generated": data["generated"],
        "generated_label": _date_label(str(data["generated"] or ""), "day"),
        "version": data["version"],
        "schema": data["schema"],
        "counts": data["counts"],
        "stories": stories,
        "loose_articles": [_article(art, ix) for aid, art in articles.items() if aid not in placed],
        "missing": sorted(_referenced(data) - set(articles)),
        "missing_anchor": MISSING,
        "duplicates": [
            {
                "original": ix.ref(g["original"]),
                "copies": [
                    {**ix.ref(c), "similarity": _pct(g["similarity"][i] if i < len(g["similarity"]) else None)}
                    for i, c in enumerate(g["copies"])
                ],
                "exact": g["exact"],
            }
            for g in data["duplicates"]
        ],
        "rejections": data["rejections"],
    }


def _referenced(data: dict[str, Any]) -> set[str]:
    """Every article id the stories and duplicate groups name."""
    ids: set[str] = set()
    for s in data["stories"]:
        ids.update(s["articles"], s["reasons"], s["citations"])
        for f in s["facts"]:
            ids.update(f["sources"], f["independent"], (m["article"] for m in f["mentions"]))
            ids.update([f["first"]] if f["first"] else [])
        for q in s["quotes"]:
            ids.update(m["article"] for m in q["mentions"])
        for c in s["conflicts"]:
            ids.update(m["article"] for m in c["mentions"])
        for t in s["timeline"]:
            ids.update(t["articles"], (x["article"] for x in t["sentences"]))
        for x in s["summary"]:
            ids.update(x["sources"], [x["article"]], x.get("unsure", ()))
        ids.update(fr["article"] for fr in s["framing"])
    for g in data["duplicates"]:
        ids.update([g["original"], *g["copies"]])
    return ids


def _page_title(data: dict[str, Any]) -> str:
    titles = [s["title"] for s in data["stories"] if s["title"]]
    if len(data["stories"]) == 1 and titles:
        return f"{titles[0]} · Parallax"
    return f"Coverage of {len(data['stories'])} stories · Parallax"


def _ordered_facts(story: dict[str, Any]) -> list[dict[str, Any]]:
    """Facts most widely reported first (by independent outlets, then by articles); the stage's order breaks ties."""

    def width(f: dict[str, Any]) -> tuple[int, int]:
        return (-len(f["independent"] or f["sources"]), -len(f["sources"]))

    return sorted(story["facts"], key=width)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _date_label(value: str, precision: str) -> str:
    """``2020-08-23`` is shown as "23 August 2020", ``2019-06`` as "June 2019"; anything else as given."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?", value or "")
    if not m:
        return value
    year, month, day = m.group(1), m.group(2), m.group(3)
    month_name = MONTHS[int(month) - 1] if month and 1 <= int(month) <= 12 else None
    if precision == "day" and day and month_name:
        return f"{int(day)} {month_name} {year}"
    if precision in ("day", "month") and month_name:
        return f"{month_name} {year}"
    return year


def _fact_ref(fid: str | None, fact_labels: dict[str, str]) -> dict[str, str] | None:
    """A link to a fact's row in the coverage matrix, or None for a fact the page does not show."""
    if fid is None or fid not in fact_labels:
        return None
    return {"label": fact_labels[fid], "href": f"#fact-{slug(fid)}"}


def _story(
    n: int, story: dict[str, Any], facts: list[dict[str, Any]], ix: _Index, fact_labels: dict[str, str]
) -> dict[str, Any]:
    members = list(story["articles"])
    exclusive = {fid for fids in story["exclusives"].values() for fid in fids}
    conflicts = _conflicts(story, ix, fact_labels)
    rows = _fact_rows(story, facts, ix, fact_labels)
    covered = _covered(members, ix)
    dates = sorted(d for d in (str((ix.articles.get(a) or {}).get("published") or "")[:10] for a in members) if d)
    return {
        "n": n,
        "anchor": f"story-{slug(story['id'])}",
        "title": story["title"] or f"Story {story['id']}",
        "outlets": story["outlets"],
        "articles": [ix.ref(aid) for aid in members],
        "counted": _counted(members, ix),
        "span": _span(dates),
        "covered": covered,
        "sampled": _sampled(story),
        "reasons": [{**ix.ref(aid), "why": why} for aid, why in story["reasons"].items()],
        "agreed": _agreed(story, facts, ix, fact_labels, exclusive),
        "disputed": [c for c in conflicts if c["kind"] not in FIGURE_KINDS],
        "figures": [c for c in conflicts if c["kind"] in FIGURE_KINDS],
        "only": _only(story, rows, ix),
        "facts": [r for r in rows if not r["exclusive"]],
        **_speakers(_quotes(story, ix), len(members)),
        "sources": _sources(story, ix),
        "conflicts": conflicts,
        "moving": _moving(story, ix),
        "timeline": _timeline(story, ix),
        "framing": _framing(story, ix),
        "tone": _entity_tone(story, ix),
        "coverage": _omissions(story, ix, fact_labels),
        "sourcing": _sourcing(story, ix),
        "recycled": _recycled(story, ix),
    }


def _counted(members: list[str], ix: _Index) -> str:
    """How many articles from how many outlets: "6 articles from 3 outlets", "1 article from Reuters", "4 articles
    from 1 outlet, 3 from an unknown outlet"."""
    outlets = {str(ix.articles[a]["outlet"]) for a in members if a in ix.articles and ix.articles[a]["outlet"]}
    unnamed = sum(1 for a in members if a in ix.articles and not ix.articles[a]["outlet"])
    text = f"{len(members)} article{'s' if len(members) != 1 else ''}"
    if len(members) == 1 and outlets:
        return f"{text} from {next(iter(outlets))}"
    if outlets:
        text += f" from {len(outlets)} outlet{'s' if len(outlets) != 1 else ''}"
    if unnamed:
        text += f"{',' if outlets else ':'} {unnamed} from an unknown outlet"
    return text


def _span(dates: list[str]) -> str:
    """The publication dates' range for humans: "21 August 2012 – 12 June 2013", or one date, or ""."""
    if not dates:
        return ""
    first, last = _date_label(dates[0], "day"), _date_label(dates[-1], "day")
    return first if first == last else f"{first} – {last}"


def _outlet_of(aid: str, ix: _Index) -> str:
    """The article's outlet; for one with no outlet named, the article itself (it counts as a source of its own)."""
    art = ix.articles.get(aid) or {}
    return str(art.get("outlet") or f"\0{aid}")


def _covered(members: list[str], ix: _Index) -> list[dict[str, Any]]:
    """Who covered the story: its outlets in order of appearance, each with its articles' headlines and dates."""
    outlets: dict[str, list[dict[str, Any]]] = {}
    for aid in members:
        art = ix.articles.get(aid)
        if art is None:
            continue
        outlets.setdefault(art["outlet"] or "", []).append(
            {
                **ix.ref(aid),
                "headline": art["title"] or _untitled(art),
                "published": _date_label(str(art["published"] or ""), "day") if art["published"] else "",
                "copy_of": ix.ref(art["duplicate_of"]) if art["duplicate_of"] else None,
            }
        )
    named = [{"outlet": name, "articles": arts} for name, arts in outlets.items() if name]
    return named + ([{"outlet": UNKNOWN_OUTLET, "articles": outlets[""]}] if "" in outlets else [])


def _agreed(
    story: dict[str, Any],
    facts: list[dict[str, Any]],
    ix: _Index,
    fact_labels: dict[str, str],
    exclusive: set[str],
) -> list[dict[str, Any]]:
    """What several outlets agree on: the summary's sentences of facts (same-claim matches) that more than one
    article states surely (the articles the sentence cites), each with how many outlets state it; articles linked
    less surely and related sentences (weaker matches) are named apart and never counted."""
    by_id = {f["id"]: f for f in facts}
    out = []
    for x in _summary(story, facts, ix, fact_labels):
        fact = by_id.get(x["fid"] or "")
        cited = [aid for aid in x["sources"] if aid in fact["sources"]] if fact is not None else []
        if fact is None or x["exclusive"] or x["fid"] in exclusive or len(cited) < 2:
            continue  # agreement is a fact (a same-claim match) that more than one article states surely
        stating = [aid for aid in fact["independent"] if aid in cited] or cited
        outlets = {_outlet_of(aid, ix) for aid in stating}
        named = all((ix.articles.get(aid) or {}).get("outlet") for aid in stating)
        n = len(outlets) if named else len(stating)  # articles with no outlet named are counted as articles
        count = f"{n} {'outlet' if named else 'article'}{'s' if n != 1 else ''}"
        related = [ix.ref(m["article"]) for m in (fact or {}).get("related", []) if m["article"] not in stating]
        out.append({**x, "count": count, "related": list({r["id"]: r for r in related}.values())})
    return out


def _only(story: dict[str, Any], rows: list[dict[str, Any]], ix: _Index) -> list[dict[str, Any]]:
    """What only one outlet says: per article, the rows of the facts only it states, in the matrix's order."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["exclusive"]:
            by_article.setdefault(r["exclusive"]["id"], []).append(r)
    return [
        {**ix.ref(aid), "anchor": f"only-{slug(story['id'])}-{slug(aid)}", "rows": by_article[aid]}
        for aid in story["articles"]
        if aid in by_article
    ]


def _fact_rows(
    story: dict[str, Any], facts: list[dict[str, Any]], ix: _Index, fact_labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The coverage table's rows: per fact, the articles that state it (a link per sentence that does, marked as an
    original statement, an exclusive one or a syndicated copy), and apart, the related sentences (not counted)."""
    exclusive = {fid: aid for aid, fids in story["exclusives"].items() for fid in fids}
    rows = []
    for f in facts:
        independent = set(f["independent"])
        stated: dict[str, list[str]] = {}
        for m in f["mentions"]:
            links = stated.setdefault(m["article"], [])
            if (href := ix.sentence(m["article"], m["index"])) not in links:
                links.append(href)
        for aid in f["sources"]:
            stated.setdefault(aid, [ix.ref(aid)["href"]])
        by = []
        for aid in [a for a in story["articles"] if a in stated] + [a for a in stated if a not in story["articles"]]:
            state = "only" if f["id"] in exclusive else ("copy" if independent and aid not in independent else "hit")
            by.append({**ix.ref(aid), "state": state, "links": stated[aid]})
        related = [
            {**ix.ref(m["article"]), "href": ix.sentence(m["article"], m["index"])}
            for m in f.get("related", [])
            if m["article"] not in stated
        ]
        counted = f["independent"] or f["sources"]
        rows.append(
            {
                "anchor": f"fact-{slug(f['id'])}",
                "label": fact_labels[f["id"]],
                "text": f["text"],
                "by": by,
                "related": list({r["id"]: r for r in related}.values()),
                "independent": len({_outlet_of(aid, ix) for aid in counted}),
                "articles": len(counted),
                "exclusive": ix.ref(exclusive[f["id"]]) if f["id"] in exclusive else None,
            }
        )
    return rows


def _summary(
    story: dict[str, Any], facts: list[dict[str, Any]], ix: _Index, fact_labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The summary's sentences, each citing the articles that state it (at the sentence where each does)."""
    # Where each fact is stated: (fact id, article id) -> its first sentence there, for the summary's citations.
    where: dict[tuple[str, str], str] = {}
    for f in facts:
        for m in f["mentions"]:
            where.setdefault((f["id"], m["article"]), ix.sentence(m["article"], m["index"]))
    summary = []
    for x in story["summary"]:
        fid = x["fact"]
        own = ix.sentence(x["article"], x["sentence"])
        cites = [
            {**ix.ref(aid), "href": own if aid == x["article"] else where.get((fid, aid), ix.ref(aid)["href"])}
            for aid in x["sources"]
        ]
        if x["article"] not in x["sources"]:
            cites.insert(0, {**ix.ref(x["article"]), "href": own})
        summary.append(
            {
                "text": x["text"],
                "exclusive": x["exclusive"],
                "fid": fid,
                "fact": _fact_ref(fid, fact_labels),
                "cites": cites,
                "sources": x["sources"],
                "unsure": [
                    {**ix.ref(aid), "href": where.get((fid, aid), ix.ref(aid)["href"])} for aid in x.get("unsure", ())
                ],
            }
        )
    return summary


def _framing(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """Per article: its tone and its loaded terms, each linked to its sentence."""
    return [
        {
            **ix.ref(fr["article"]),
            "tone": tone_view(fr["tone"]),
            "terms": [{**t, "href": ix.sentence(fr["article"], t.get("sentence", -1))} for t in fr["terms"]],
        }
        for fr in story["framing"]
    ]


def _recycled(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """The articles that recycle older reporting, with the passages that do, linked to their sentences."""
    return [
        {
            **ix.ref(r["article"]),
            "reason": r["reason"],
            "passages": [
                {"href": ix.sentence(r["article"], p["index"]), "text": p["text"], "date": p["date"]}
                for p in r["passages"]
            ],
        }
        for r in story.get("recycled", [])
    ]


def _sampled(story: dict[str, Any]) -> dict[str, int] | None:
    """How many of a large story's articles its facts, quotes and conflicts compare (None: all of them)."""
    compared = story.get("compared", story["articles"])
    if len(compared) >= len(story["articles"]):
        return None
    return {"compared": len(compared), "total": len(story["articles"])}


def _entity_tone(story: dict[str, Any], ix: _Index) -> dict[str, Any]:
    """Entities × articles: each cell the article's own tone toward the entity and, apart, the quoted or attributed
    opinions of it, each with the sentences (and their words) behind it."""
    members = list(story["articles"])
    entities: list[str] = list(dict.fromkeys(t["entity"] for t in story.get("tone", [])))
    cells = {(t["entity"], t["article"]): t for t in story.get("tone", [])}
    rows = []
    for entity in entities:
        row: list[dict[str, Any] | None] = []
        for aid in members:
            t = cells.get((entity, aid))
            if t is None:
                row.append(None)
                continue
            row.append(
                {
                    **ix.ref(aid),
                    "tone": tone_view(t["score"] if t["sentences"] else None),
                    "sentences": [_tone_sentence(aid, x, ix) for x in t["sentences"]],
                    "quoted_tone": tone_view(t.get("quoted_score")),
                    "quoted": [_tone_sentence(aid, x, ix) for x in t.get("quoted", [])],
                }
            )
        rows.append({"entity": entity, "cells": row})
    return {"columns": [ix.ref(aid) for aid in members], "rows": rows}


def _tone_sentence(aid: str, x: dict[str, Any], ix: _Index) -> dict[str, Any]:
    """One sentence behind a tone: its link, its text, its score, the words that gave it, and who speaks."""
    who = x.get("speaker") or ("unnamed" if x.get("voice", "own") != "own" else "")
    return {
        "href": ix.sentence(aid, x["index"]),
        "text": x["text"],
        "score": f"{x['score']:+.2f}",
        "cues": ", ".join(x.get("cues", [])),
        "speaker": who,
    }


def _omissions(story: dict[str, Any], ix: _Index, fact_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Per article: the facts most others state that it leaves out, and how many only it states."""
    texts = {f["id"]: f["text"] for f in story["facts"]}
    out = []
    for c in story.get("coverage", []):
        omitted = [
            {**(_fact_ref(fid, fact_labels) or {"label": "?", "href": "#"}), "text": texts.get(fid, "")}
            for fid in c["omitted"]
        ]
        exclusive = [
            {**ref, "text": _shorten(texts.get(fid, ""), CHIP_CHARS)}
            for fid in c["exclusive"]
            if (ref := _fact_ref(fid, fact_labels))
        ]
        out.append({**ix.ref(c["article"]), "omitted": omitted, "exclusive": exclusive})
    return out


def _sourcing(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """Per article: its sourcing profile and the people and anonymous sources it leans on, linked to sentences."""
    graph = story.get("provenance", {"nodes": [], "edges": []})
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    out = []
    for x in story.get("sourcing", []):
        aid = x["article"]
        voices = [
            {
                "kind": e["kind"],
                "label": labels.get(e["to"], e["to"]),
                "href": ix.sentence(aid, e["sentences"][0]) if e["sentences"] else ix.ref(aid)["href"],
            }
            for e in graph["edges"]
            if e["from"] == aid and e["kind"] in ("person", "anonymous")
        ]
        out.append(
            {
                **ix.ref(aid),
                "attributed": f"{x['attributed']} of {x['sentences']}",
                "share": _pct(x["attributed_share"]),
                "anonymous": x["anonymous"],
                "people": x["named_people"],
                "wire": x["top_wire"],
                "wire_share": _pct(x["wire_share"]) if x["top_wire"] else "",
                "copy_of": ix.ref(x["copy_of"]) if x["copy_of"] else None,
                "voices": voices,
            }
        )
    return out


def _diff(text: str, reference: str) -> list[dict[str, Any]]:
    """``text`` cut into runs of words, flagged where they are not in ``reference`` (case and punctuation ignored).

    Neighbouring changed words form one run; each run keeps the whitespace after it apart (``space``), so that a
    highlight covers words only.
    """
    ref = [_NON_WORD.sub("", m.group(1)).lower() for m in _WORD.finditer(reference)]
    words = [(m.group(1), m.group(2)) for m in _WORD.finditer(text)]
    own = [_NON_WORD.sub("", w).lower() for w, _ in words]
    same = [False] * len(words)
    for block in difflib.SequenceMatcher(None, ref, own, autojunk=False).get_matching_blocks():
        for i in range(block.b, block.b + block.size):
            same[i] = True
    lead = text[: len(text) - len(text.lstrip())]
    out: list[dict[str, Any]] = [{"text": "", "space": lead, "changed": False}] if lead else []
    for i, (word, space) in enumerate(words):
        changed = not same[i] and bool(own[i])
        if out and out[-1]["changed"] == changed and out[-1]["text"]:
            out[-1]["text"] += out[-1]["space"] + word
            out[-1]["space"] = space
        else:
            out.append({"text": word, "space": space, "changed": changed})
    return out


def _speakers(speakers: list[dict[str, Any]], articles: int) -> dict[str, Any]:
    """The quotes block's speakers; in a story of more than ``LISTED_SINGLES_MAX`` articles, only the quotes that
    several articles carry are listed, and the quotes one article alone carries are counted (``lone``): they are
    marked in that article's text, and listing hundreds of them again would weigh the page down, not inform."""
    if articles <= LISTED_SINGLES_MAX:
        return {"speakers": speakers, "lone": None}
    lone = [sp for sp in speakers if sp["singles"]]
    count = {"quotes": sum(len(sp["singles"]) for sp in lone), "speakers": len(lone)}
    kept = [{**sp, "singles": []} for sp in speakers if sp["groups"]]
    return {"speakers": kept, "lone": count if lone else None}


def _quotes(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """Quotes by speaker: groups worded by several articles (each wording diffed against the most common one),
    then the quotes only one article carries, together."""
    speakers: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for q in story["quotes"]:
        texts = [m["text"] for m in q["mentions"]]
        if not texts:
            continue
        reference = max(texts, key=lambda t: (texts.count(t), -texts.index(t)))
        wordings = len(set(texts))
        variants = [
            {
                **ix.ref(m["article"]),
                "anchor": f"quote-{slug(q['id'])}",
                "kind": m["kind"],
                "words": _diff(m["text"], reference)
                if wordings > 1
                else [{"text": m["text"], "space": "", "changed": False}],
                "context": ix.sentence(m["article"], m["sentence"]),
            }
            for m in q["mentions"]
        ]
        entry = speakers.setdefault(q["speaker"] or "", {"groups": [], "singles": []})
        if len(variants) == 1:
            entry["singles"].append(variants[0])
        else:
            entry["groups"].append({"anchor": variants[0]["anchor"], "variants": variants, "wordings": wordings})
    return [{"speaker": name, **entry} for name, entry in speakers.items()]


def _sources(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """Upstream sources per article, split by kind as the article's own citation records classify them."""
    rows = []
    for aid, sources in story["citations"].items():
        kinds: dict[str, str] = {}
        for c in (ix.articles.get(aid) or {}).get("citations", []):
            kinds.setdefault(c["source"], c["kind"])
        row: dict[str, Any] = {**ix.ref(aid), "wire": [], "outlet": [], "institution": [], "other": []}
        for source in sources:
            kind = kinds.get(source, "other")
            row[kind if kind in row else "other"].append(source)
        rows.append(row)
    return rows


def _conflicts(story: dict[str, Any], ix: _Index, fact_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each conflict's sentences side by side, the disputed value cut out of its sentence to be highlighted."""
    out = []
    for c in story["conflicts"]:
        sides = []
        for m in c["mentions"]:
            sentence, value = m["sentence"], m["value"]
            at = sentence.find(value) if value else -1
            if at < 0 and value and len(sentence.lower()) == len(sentence):  # lower() may change lengths
                at = sentence.lower().find(value.lower())
            before, hit, after = (
                (sentence[:at], sentence[at : at + len(value)], sentence[at + len(value) :])
                if at >= 0
                else (sentence, "", "")
            )
            sides.append(
                {
                    **ix.ref(m["article"]),
                    "before": before,
                    "value": hit,
                    "after": after,
                    "loose_value": value if at < 0 else "",
                    "context": ix.sentence(m["article"], m["index"]),
                }
            )
        out.append(
            {
                "anchor": f"conflict-{slug(c['id'])}",
                "kind": c["kind"],
                "description": c["description"],
                "fact": _fact_ref(c["fact"], fact_labels),
                "sides": sides,
            }
        )
    return out


def _moving(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    """Figures that moved as the story developed: each outlet's report, in publication order, linked to its
    sentence."""
    return [
        {
            "anchor": f"figure-{slug(f['id'])}",
            "counts": f["counts"],
            "reports": [
                {
                    **ix.ref(r["article"]),
                    "published": r["published"] or "",
                    "text": r["text"],
                    "context": ix.sentence(r["article"], r["index"]),
                }
                for r in f["reports"]
            ],
        }
        for f in story.get("figures", ())
    ]


def _timeline(story: dict[str, Any], ix: _Index) -> list[dict[str, Any]]:
    entries = []
    for t in sorted(story["timeline"], key=lambda t: str(t["date"])):
        linked = {x["article"]: ix.sentence(x["article"], x["index"]) for x in reversed(t["sentences"])}
        entries.append(
            {
                "date": t["date"],
                "label": _date_label(str(t["date"]), t["precision"]),
                "precision": t["precision"],
                "text": t["text"],
                "lane": t.get("lane") or "events",
                "articles": [{**ix.ref(aid), "href": linked.get(aid, ix.ref(aid)["href"])} for aid in t["articles"]],
            }
        )
    return entries


# --- an article's text, with its marks --------------------------------------------------------------------------


def _article(art: dict[str, Any], ix: _Index) -> dict[str, Any]:
    aid, text = art["id"], art["text"]
    stated = ix.stated.get(aid, {})
    spans = [
        *(
            _Span(q["start"], q["end"], "q", f"quote · {q['speaker'] or 'speaker unknown'} ({q['kind']})")
            for q in art["quotes"]
        ),
        *(
            _Span(c["start"], c["end"], "src", f"cites {c['source']} ({c['kind']}, “{c['cue']}”)")
            for c in art["citations"]
        ),
        *(_Span(t["start"], t["end"], "lt", f"loaded term · {t['kind']}") for t in art["loaded_terms"]),
    ]
    pieces = []
    for start, end, index in ix.pieces[aid]:
        refs = stated.get(index, []) if index is not None else []
        pieces.append(
            {
                "id": f"a-{slug(aid)}-s-{index}" if index is not None else "",
                "facts": refs,
                "only": bool(refs) and all(r["only"] for r in refs),
                "runs": _runs(text, start, end, spans),
            }
        )
    copy_of = art["duplicate_of"]
    return {
        **ix.ref(aid),
        "anchor": f"article-{slug(aid)}",
        "title": art["title"],
        "byline": art["byline"],
        "published": art["published"],
        "published_label": _date_label(str(art["published"]), "day") if art["published"] else "",
        "origin": art["url"] or art["source"],
        "tone": tone_view(art["tone"]),
        "copy_of": ix.ref(copy_of) if copy_of else None,
        "copies": [ix.ref(c) for c in ix.copies.get(aid, [])],
        "pieces": pieces,
        "words": len(text.split()),
    }


def _pieces(art: dict[str, Any], extra: dict[int, tuple[int, int]]) -> list[tuple[int, int, int | None]]:
    """The article's text cut into sentences (with their index) and the gaps between them (index None), in order.

    The sentences are the article's own records, plus ``extra``: sentences that fact mentions locate and the
    records lack. Ranges that are empty, out of the text, or overlap an earlier sentence are dropped: a sentence
    must be one element, and the text must come out exactly once.
    """
    ranges = {s["index"]: (s["start"], s["end"]) for s in art["sentences"]}
    for index, span in extra.items():
        ranges.setdefault(index, span)
    length = len(art["text"])
    out: list[tuple[int, int, int | None]] = []
    pos = 0
    for index, (start, end) in sorted(ranges.items(), key=lambda item: (item[1][0], item[0])):
        if not (pos <= start < end <= length):
            continue
        if start > pos:
            out.append((pos, start, None))
        out.append((start, end, index))
        pos = end
    if pos < length:
        out.append((pos, length, None))
    return out


def _runs(text: str, start: int, end: int, spans: list[_Span]) -> list[dict[str, Any]]:
    """``text[start:end]`` cut at every mark boundary into runs, each with the marks covering it, outermost first."""
    inside = [s for s in spans if s.start < end and s.end > start and 0 <= s.start < s.end <= len(text)]
    cuts = sorted({start, end, *(max(s.start, start) for s in inside), *(min(s.end, end) for s in inside)})
    runs = []
    for a, b in itertools.pairwise(cuts):
        marks = sorted(
            (s for s in inside if s.start <= a and s.end >= b), key=lambda s: (LAYERS.index(s.layer), s.start, -s.end)
        )
        runs.append({"text": text[a:b], "marks": [{"layer": s.layer, "title": s.title} for s in marks]})
    return runs


def _untitled(art: dict[str, Any], limit: int = 90) -> str:
    """What stands for a missing headline: "Untitled: " and the article's first sentence, cut at a word boundary."""
    sentences = art.get("sentences") or []
    first = " ".join(art["text"][sentences[0]["start"] : sentences[0]["end"]].split()) if sentences else ""
    if not first:
        return "Untitled article"
    if len(first) > limit:
        first = (first[:limit].rsplit(" ", 1)[0] or first[:limit]) + "…"
    return f"Untitled: {first}"
