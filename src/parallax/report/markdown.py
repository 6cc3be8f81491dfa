"""The report as Markdown (CommonMark + GitHub tables), for reading in a terminal, a chat or a code review.

Drawn from :func:`parallax.report.to_dict`, so it shows the same data as the JSON. Every piece of article data is
escaped: Markdown punctuation is backslash-escaped (so a title like ``<script>`` or ``*x*`` shows as written and a
renderer never turns it into HTML or emphasis), and table cells also escape ``|`` and fold line breaks.
"""

from __future__ import annotations

import re
from typing import Any

from ..models import Report
from .json_form import to_dict

__all__ = ["render_markdown"]

# Characters that CommonMark treats as markup inline. Escaping all of them would make the raw text unreadable
# ("U\.S\."); these are the ones that can change what an inline run shows (emphasis, code, links, raw HTML,
# tables). Block markers (#, -, +, "1.") never start a line here: every datum follows a prefix we write.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_SPACE = re.compile(r"\s+")

CHECK = "✓"
KIND_HEADINGS = (("wire", "Wires"), ("outlet", "Outlets"), ("institution", "Institutions"))
# Sentences shown per outlet and entity under the tone table (all of them are in the JSON); a reader checks a score
# from a few sentences, and the section stays readable.
TONE_SENTENCES = 3


def render_markdown(report: Report) -> str:
    """The report as one Markdown document: per story its summary, coverage, quotes, sources, conflicts, timeline."""
    data = to_dict(report)
    articles: dict[str, dict[str, Any]] = {a["id"]: a for a in data["articles"]}
    out: list[str] = ["# Parallax coverage report", ""]
    meta = [
        f"generated {_esc(data['generated'])}" if data["generated"] else "",
        f"Parallax {_esc(data['version'])}" if data["version"] else "",
    ]
    if any(meta):
        out += [" · ".join(m for m in meta if m), ""]
    counts = data["counts"]
    out += [
        " · ".join(
            _count(counts[key], word, bold=True)
            for key, word in (
                ("articles", "article"),
                ("stories", "story"),
                ("facts", "fact"),
                ("duplicates", "duplicate"),
                ("rejected", "rejected"),
            )
        ),
        "",
    ]
    if len(data["stories"]) > 1:
        out += ["## Stories", ""]
        for n, story in enumerate(data["stories"], 1):
            out.append(
                f"{n}. {_esc(_story_title(story))} "
                f"({_count(len(story['articles']), 'article')}, {_count(len(story['facts']), 'fact')})"
            )
        out.append("")
    for n, story in enumerate(data["stories"], 1):
        out += _story(n, story, articles)
    in_story = {aid for story in data["stories"] for aid in story["articles"]}
    loose = [aid for aid in articles if aid not in in_story]
    if loose:
        out += ["## Articles in no story", "", *_articles(loose, articles)]
    out += _duplicates(data["duplicates"], articles)
    out += _rejections(data["rejections"])
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# --- helpers ------------------------------------------------------------------------------------------------------


def _esc(text: Any) -> str:
    """Inline text with Markdown markup escaped and runs of whitespace (line breaks too) folded to one space."""
    value = _SPACE.sub(" ", str(text if text is not None else "")).strip()
    return _ENTITY.sub(r"\\&", _SPECIAL.sub(r"\\\1", value))


def _count(n: int, word: str, *, bold: bool = False) -> str:
    """ "1 article", "2 articles" ("story" → "stories"; "rejected" stays)."""
    if n != 1 and word != "rejected":
        word = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"**{n}** {word}" if bold else f"{n} {word}"


def _label(aid: str, articles: dict[str, dict[str, Any]]) -> str:
    art = articles.get(aid)
    return str(art["label"]) if art else aid


def _story_title(story: dict[str, Any]) -> str:
    return str(story["title"] or f"Story {story['id']}")


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GitHub table; cells must already be escaped (``_esc`` escapes ``|`` and folds line breaks)."""
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _articles(ids: list[str], articles: dict[str, dict[str, Any]]) -> list[str]:
    """A table of articles: who published what, when, and which are copies."""
    rows = []
    for aid in ids:
        art = articles.get(aid, {})
        copy_of = art.get("duplicate_of")
        rows.append(
            [
                _esc(_label(aid, articles)),
                _esc(art.get("title") or ""),
                _esc(art.get("byline") or ""),
                _esc(art.get("published") or ""),
                f"copy of {_esc(_label(copy_of, articles))}" if copy_of else ("not in this report" if not art else ""),
            ]
        )
    return _table(["Outlet", "Title", "Byline", "Published", "Note"], rows)


def _story(n: int, story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    out = [f"## {n}. {_esc(_story_title(story))}", ""]
    out += [f"**Outlets:** {', '.join(_esc(o) for o in story['outlets']) or '–'}", ""]
    members = story["articles"]
    compared = story.get("compared", members)
    if len(compared) < len(members):
        out += [
            f"*Facts, quotes and conflicts compare {len(compared)} of these {len(members)} articles: a sample spread "
            "over their outlets (large stories are compared on a bounded sample).*",
            "",
        ]
    out += _recycled(story, articles)
    out += _articles(members, articles)
    if story["summary"]:
        out += ["### Summary", ""]
        for x in story["summary"]:
            cites = " ".join(f"[{_esc(_label(a, articles))}]" for a in x["sources"])
            only = " *(only here)*" if x["exclusive"] else ""
            unsure = " ".join(f"[{_esc(_label(a, articles))}]" for a in x.get("unsure", ()))
            weaker = f" *(linked less surely, not counted: {unsure})*" if unsure else ""
            out.append(f"- {_esc(x['text'])} {cites}{only}{weaker}".rstrip())
        out.append("")
    if story["facts"]:
        out += _coverage(story, articles)
    out += _quotes(story, articles)
    out += _sources(story, articles)
    out += _conflicts(story, articles)
    out += _figures(story, articles)
    out += _timeline(story, articles)
    out += _framing(story, articles)
    out += _entity_tone(story, articles)
    out += _omissions(story, articles)
    out += _provenance(story, articles)
    if story["reasons"]:
        out += ["### Why these articles", ""]
        out += [f"- {_esc(_label(a, articles))}: {_esc(why)}" for a, why in story["reasons"].items() if a in members]
        out.append("")
    return out


def _recycled(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """A note per article that recycles older reporting, with the passages that do."""
    out: list[str] = []
    for r in story.get("recycled", []):
        out += [
            f"> **Older reporting:** {_esc(_label(r['article'], articles))}: {_esc(r['reason'])}. "
            "Its facts are not news of the day.",
            ">",
        ]
        out += [f"> - ({_esc(p['date'])}) “{_esc(p['text'])}”" for p in r["passages"]]
        out.append("")
    return out


def _quotes(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Quotes by speaker; a quote worded by several articles lists each wording."""
    if not story["quotes"]:
        return []
    out = ["### Quotes", ""]
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for q in story["quotes"]:
        by_speaker.setdefault(q["speaker"] or "Unattributed", []).append(q)
    for speaker, groups in by_speaker.items():
        out += [f"**{_esc(speaker)}**", ""]
        for g in groups:
            variants = len({m["text"] for m in g["mentions"]})
            if len(groups) > 1 or variants > 1:
                out.append(f"- {len(g['mentions'])} mentions, {variants} wording{'s' if variants > 1 else ''}:")
                indent = "  - "
            else:
                indent = "- "
            for m in g["mentions"]:
                kind = "" if m["kind"] == "direct" else f" ({m['kind']})"
                out.append(f"{indent}{_esc(_label(m['article'], articles))}{kind}: “{_esc(m['text'])}”")
        out.append("")
    return out


def _conflicts(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    if not story["conflicts"]:
        return []
    out = ["### Conflicts", ""]
    for c in story["conflicts"]:
        out.append(f"- **{_esc(c['kind'])}**: {_esc(c['description'])}")
        for m in c["mentions"]:
            value = f" — **{_esc(m['value'])}**" if m["value"] else ""
            out.append(f"  - {_esc(_label(m['article'], articles))}: “{_esc(m['sentence'])}”{value}")
    out.append("")
    return out


def _figures(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Figures that moved as the story developed: per figure, each outlet's report in publication order."""
    if not story.get("figures"):
        return []
    out = ["### How figures moved", "", "*Counts that change as a story develops: not conflicts.*", ""]
    for f in story["figures"]:
        out += [f"**{_esc(f['counts'])}**", "", "| published | outlet | figure |", "|---|---|---|"]
        for r in f["reports"]:
            out.append(
                f"| {_esc(r['published'] or 'no date')} | {_esc(_label(r['article'], articles))} | {_esc(r['text'])} |"
            )
        out.append("")
    return out


NO_ANCHOR = "No dated events: the articles carry no publication dates to anchor relative dates."


def _timeline(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Dated events, each with every outlet that dates it, then the background years apart; without any
    publication date and no event dated in full, an honest empty state."""
    entries = sorted(story["timeline"], key=lambda t: str(t["date"]))
    events = [t for t in entries if t.get("lane", "events") == "events"]
    background = [t for t in entries if t.get("lane", "events") == "background"]
    anchored = any(articles.get(aid, {}).get("published") for aid in story["articles"])
    if not entries and anchored:
        return []
    out = ["### Timeline", ""]
    if not events:
        out += [NO_ANCHOR if not anchored else "No dated events.", ""]
    for t in events:
        out += _timeline_entry(t, articles, each=True)
    if events:
        out.append("")
    if background:
        out += ["#### Background", "", "Years and long-past months the articles mention as context.", ""]
        for t in background:
            out += _timeline_entry(t, articles, each=False)
        out.append("")
    return out


def _timeline_entry(t: dict[str, Any], articles: dict[str, dict[str, Any]], *, each: bool) -> list[str]:
    """One entry; with ``each``, every other sentence that dates it under it, else their number."""
    who = ", ".join(_esc(_label(a, articles)) for a in t["articles"])
    line = f"- **{_esc(t['date'])}** ({_esc(t['precision'])}): {_esc(t['text'])}" + (f" — {who}" if who else "")
    told = [x for x in t.get("sentences", ()) if x.get("text")]
    if len(told) < 2:
        return [line]
    if not each:
        return [f"{line} ({len(told)} sentences)"]
    # the first sentence is the entry's text; the others follow, each with its outlet
    return [line] + [f"  - {_esc(_label(x['article'], articles))}: “{_esc(x['text'])}”" for x in told[1:]]


def _framing(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Per outlet with tone or loaded terms: its tone and its loaded terms."""
    framing = [f for f in story["framing"] if f["loaded_terms"] or f["tone"]]
    if not framing:
        return []
    rows = [
        [
            _esc(_label(f["article"], articles)),
            f"{f['tone']:+.2f}" if f["tone"] is not None else "",
            ", ".join(_esc(t) for t in f["loaded_terms"]),
        ]
        for f in framing
    ]
    return ["### Framing", "", *_table(["Outlet", "Sentiment", "Loaded terms"], rows, ["---", "--:", "---"])]


def _entity_tone(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Entities × outlets, each cell the outlet's own tone toward the entity (and, apart, the quoted opinions of it);
    then the sentences behind each score, with the words that gave it."""
    tones = story.get("tone", [])
    if not tones:
        return [
            "### Tone toward the main entities",
            "",
            "No outlet aims evaluative words, its own or quoted ones, at the people, organisations or countries this "
            "story is about.",
            "",
        ]
    members = [a for a in story["articles"] if any(t["article"] == a for t in tones)]
    cells = {(t["entity"], t["article"]): t for t in tones}
    entities = list(dict.fromkeys(t["entity"] for t in tones))
    rows = [[_esc(e), *(_tone_cell(cells.get((e, a))) for a in members)] for e in entities]
    out = ["### Tone toward the main entities", ""]
    out += [
        "The words each outlet itself aims at each person, organisation or country, -1 (negative) to +1 (positive); "
        "quoted and attributed opinions are shown apart and not counted. The sentences follow.",
        "",
    ]
    out += _table(["Entity", *(_esc(_label(a, articles)) for a in members)], rows, ["---", *(["--:"] * len(members))])
    for e in entities:
        lines = []
        for a in members:
            t = cells.get((e, a))
            if t is None:
                continue
            label = _esc(_label(a, articles))
            if t["sentences"]:
                lines.append(f"  - {label} {t['score']:+.2f}: {_tone_sentences(t['sentences'])}")
            if t.get("quoted"):
                lines.append(f"  - {label}, quoted {t['quoted_score']:+.2f}: {_tone_sentences(t['quoted'])}")
        out += [f"- **{_esc(e)}**", *lines]
    out.append("")
    return out


def _tone_cell(t: dict[str, Any] | None) -> str:
    if t is None:
        return "–"
    own = f"{t['score']:+.2f}" if t["sentences"] else "–"
    return own + (f" (quoted {t['quoted_score']:+.2f})" if t.get("quoted") else "")


def _tone_sentences(sentences: list[dict[str, Any]]) -> str:
    said = "; ".join(
        (f"{_esc(x['speaker'])}: " if x.get("speaker") else "")
        + f"“{_esc(x['text'])}” ({x['score']:+.2f}: {_esc(', '.join(x.get('cues', [])))})"
        for x in sentences[:TONE_SENTENCES]
    )
    more = len(sentences) - TONE_SENTENCES
    return said + (f" (+{more} more)" if more > 0 else "")


def _omissions(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Per outlet, the facts most others report that it leaves out, and how many facts only it reports."""
    coverage = story.get("coverage", [])
    if not any(c["omitted"] for c in coverage):
        return []
    texts = {f["id"]: f["text"] for f in story["facts"]}
    out = ["### Omissions and exclusives", ""]
    for c in coverage:
        only = f"; {_count(len(c['exclusive']), 'fact')} only here" if c["exclusive"] else ""
        out.append(
            f"- **{_esc(_label(c['article'], articles))}** leaves out {_count(len(c['omitted']), 'fact')} "
            f"most others report{only}"
        )
        out += [f"  - “{_esc(texts.get(fid, fid))}”" for fid in c["omitted"]]
    out.append("")
    return out


def _provenance(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Per outlet: attributed sentences, anonymous sourcing, the wire it leans on, the people and unnamed sources."""
    sourcing = story.get("sourcing", [])
    if not sourcing:
        return []
    graph = story.get("provenance", {"nodes": [], "edges": []})
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    rows = []
    for x in sourcing:
        aid = x["article"]
        share = f" ({x['attributed_share']:.0%})" if x["attributed_share"] is not None else ""
        wire = f"{_esc(x['top_wire'])} ({x['wire_share']:.0%})" if x["top_wire"] else "–"
        people = ", ".join(
            _esc(labels.get(e["to"], e["to"])) + (" *(unnamed)*" if e["kind"] == "anonymous" else "")
            for e in graph["edges"]
            if e["from"] == aid and e["kind"] in ("person", "anonymous")
        )
        copy = f" (copy of {_esc(_label(x['copy_of'], articles))})" if x["copy_of"] else ""
        rows.append(
            [
                _esc(_label(aid, articles)) + copy,
                f"{x['attributed']} of {x['sentences']}{share}",
                str(x["anonymous"]),
                wire,
                people or "–",
            ]
        )
    header = ["Outlet", "Attributed sentences", "Anonymous", "Main wire (share)", "People and unnamed sources"]
    return ["### Provenance", "", *_table(header, rows)]


def _coverage(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Facts × articles: ✓ where the article states the fact, marked when it is a copy or the only source; "related"
    where the article has only a weaker match (shown apart, not counted)."""
    members = story["articles"]
    exclusive = {fid for fids in story["exclusives"].values() for fid in fids}
    header = ["Fact", *(_esc(_label(a, articles)) for a in members)]
    rows = []
    # Most widely reported first, as on the HTML page; the stage's order breaks ties (sorted() is stable).
    facts = sorted(story["facts"], key=lambda f: (-len(f["independent"] or f["sources"]), -len(f["sources"])))
    for n, f in enumerate(facts, 1):
        stating = set(f["sources"]) | {m["article"] for m in f["mentions"]}
        related = {m["article"] for m in f.get("related", [])}
        independent = set(f["independent"])
        row = [f"F{n}. {_esc(f['text'])}"]
        for aid in members:
            if aid not in stating:
                row.append("related (weaker match)" if aid in related else "")
            elif f["id"] in exclusive:
                row.append(f"{CHECK} only here")
            elif independent and aid not in independent:
                row.append(f"{CHECK} copy")
            else:
                row.append(CHECK)
        rows.append(row)
    return ["### Coverage", "", *_table(header, rows, ["---", *([":-:"] * len(members))])]


def _sources(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """Upstream sources per article, split by kind (wire, outlet, institution) where the article's record says."""
    rows = []
    for aid, sources in story["citations"].items():
        if not sources:
            continue
        kinds = {c["source"]: c["kind"] for c in reversed(articles.get(aid, {}).get("citations", []))}
        cells = [", ".join(_esc(s) for s in sources if kinds.get(s, "outlet") == k) for k, _ in KIND_HEADINGS]
        rows.append([_esc(_label(aid, articles)), *cells])
    if not rows:
        return []
    return ["### Sources cited", "", *_table(["Outlet", *(h for _, h in KIND_HEADINGS)], rows)]


def _duplicates(groups: list[dict[str, Any]], articles: dict[str, dict[str, Any]]) -> list[str]:
    if not groups:
        return []
    rows = []
    for g in groups:
        sims = [f"{s:.2f}" if s is not None else "?" for s in g["similarity"]]
        copies = ", ".join(
            _esc(_label(c, articles)) + (f" ({sims[i]})" if i < len(sims) else "") for i, c in enumerate(g["copies"])
        )
        rows.append([_esc(_label(g["original"], articles)), copies, "exact" if g["exact"] else "near"])
    return ["## Duplicates", "", *_table(["Original", "Copies (similarity)", "Match"], rows)]


def _rejections(rejections: list[dict[str, Any]]) -> list[str]:
    if not rejections:
        return []
    rows = [
        [_esc(r["document"]), _esc(r["stage"]), _esc(r["reason"]), _esc(r["message"]), _esc(r["hint"])]
        for r in rejections
    ]
    return ["## Rejections", "", *_table(["Document", "Stage", "Reason", "Message", "Hint"], rows)]
