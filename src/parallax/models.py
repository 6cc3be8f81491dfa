"""Typed records passed between the pipeline's stages.

Every record is a frozen, slotted dataclass. Spans keep the id of their article and character offsets into
that article's clean ``text`` (``text[start:end]``), so any output can be traced back and highlighted.
Collections are tuples, so records are hashable and safe to share.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .errors import InputError
    from .tables import Tables

__all__ = [
    "AnnotatedArticle",
    "Article",
    "Citation",
    "Conflict",
    "ConflictMention",
    "DuplicateGroup",
    "Entity",
    "EntityTone",
    "Evaluation",
    "Fact",
    "FactMention",
    "Figure",
    "FigureReport",
    "LoadedTerm",
    "OutletCoverage",
    "OutletSourcing",
    "Quantity",
    "Quote",
    "QuoteGroup",
    "QuoteMention",
    "RawDocument",
    "Recycled",
    "RecycledPassage",
    "Rejection",
    "Report",
    "Sentence",
    "SourceEdge",
    "Story",
    "StoryAnalysis",
    "SummarySentence",
    "TimeExpression",
    "TimelineEntry",
    "ToneSentence",
    "content_id",
]

Precision = Literal["day", "month", "year"]
# A timeline entry's lane: the story's dated events, or the background it mentions (years, long-past months).
Lane = Literal["events", "background"]
# Whose words evaluate an entity: the outlet's, a quotation's (or reported speech), or a reported criticism or praise.
Voice = Literal["own", "quoted", "attributed"]


def content_id(*parts: str, size: int = 16) -> str:
    """A stable id: the hex SHA-256 of the parts (joined by NUL), cut to ``size`` characters."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:size]


# --- ingest -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document before extraction.

    ``source`` names it for the user (a path, ``path#line`` for JSONL records, a URL). ``key`` is the article id
    it will get (for files: the file name without extension, made unique within a batch). ``format`` is one of
    ``text``, ``html``, ``record`` (an already-parsed JSON object in ``meta``, e.g. news-please output).
    ``meta`` holds declared metadata (title, url, outlet, byline, published, text for records).
    """

    source: str
    key: str
    format: Literal["text", "html", "record"]
    data: bytes = b""
    meta: tuple[tuple[str, str], ...] = ()

    def meta_dict(self) -> dict[str, str]:
        return dict(self.meta)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A document that was not analysed: which one, at which stage, and why (one line, with a hint)."""

    document: str
    stage: str
    reason: str
    message: str
    hint: str = ""

    @classmethod
    def from_error(cls, document: str, stage: str, error: InputError, *, message: str | None = None) -> Rejection:
        """The rejection of ``document`` at ``stage`` for ``error``: its reason, its message (or ``message``), its
        hint."""
        return cls(document, stage, error.reason, error.message if message is None else message, error.hint)


# --- extract ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    """Clean article text and metadata.

    ``text`` is the body with boilerplate removed: paragraphs joined by a blank line (``"\\n\\n"``). The title is
    not part of ``text``. ``published`` is an ISO 8601 date or datetime string (``2020-08-24``,
    ``2020-08-24T11:07:12``) or ``None``. ``checksum`` is the content hash of the clean text, used to spot
    exact copies and to make re-ingesting a no-op. ``removed`` lists the boilerplate lines dropped, for audit.
    """

    id: str
    source: str
    text: str
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    url: str | None = None
    language: str = "en"
    format: str = "text"
    removed: tuple[str, ...] = ()

    @property
    def checksum(self) -> str:
        return content_id(self.text, size=32)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split("\n\n") if p.strip())


# --- annotate -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text == article.text[start:end]``; ``index`` counts sentences in the article from 0."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity. ``label`` is spaCy's (PERSON, ORG, GPE, ...); ``name`` the fullest form in the article."""

    text: str
    label: str
    start: int
    end: int
    sentence: int
    name: str


@dataclass(frozen=True, slots=True)
class Quote:
    """Words attributed to a speaker.

    ``kind`` is ``direct`` (inside quotation marks) or ``reported`` (indirect speech, "X said that ...").
    ``text`` is the quoted words only (without the marks); ``start``/``end`` locate them. ``speaker`` is the fullest
    name the article gives the speaker ("Sergei Lavrov" for "the minister" or "he"), or ``None`` when unknown.
    ``cue`` is the attribution verb or phrase ("said", "told", "according to").
    """

    article_id: str
    text: str
    start: int
    end: int
    sentence: int
    kind: Literal["direct", "reported"]
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """An upstream source the article credits for information: "according to Interfax", "via Reuters".

    ``source`` is the canonical name ("Reuters", "Sputnik"); ``kind`` is ``wire`` (news agency), ``outlet``
    (another news organisation), or ``institution`` (a company, ministry, think tank...). ``cue`` is the pattern.
    """

    article_id: str
    source: str
    kind: Literal["wire", "outlet", "institution"]
    cue: str
    sentence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A date mentioned in the text, resolved against the publication date where it is relative.

    ``value`` is ISO 8601 at the precision the text gives (``2020-08-23``, ``2019-06``, ``2018``).
    ``relative`` is true for expressions like "on Sunday" or "last year".
    """

    text: str
    start: int
    end: int
    sentence: int
    value: str
    precision: Precision
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in the text and what it counts ("38 Huawei affiliates": value 38, counts "Huawei affiliates")."""

    text: str
    start: int
    end: int
    sentence: int
    value: float
    unit: str = ""
    counts: str = ""


@dataclass(frozen=True, slots=True)
class LoadedTerm:
    """Slanted or emotive wording: ``kind`` is e.g. emotive, intensifier, scare-quote, sarcasm, dismissive, hedge,
    idiom; ``text == article.text[start:end]``."""

    text: str
    start: int
    end: int
    sentence: int
    kind: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """An evaluative word aimed at a named person, organisation or country in one sentence (``annotate.targets``).

    ``entity``/``label`` are the target's ``Entity.name`` and label; ``cue`` the evaluative word at ``start:end``;
    ``score`` its polarity, -1 .. +1; ``voice`` ``own`` (the outlet's words), ``quoted`` (inside a quotation or
    reported speech) or ``attributed`` (the outlet reports someone's criticism or praise: "X criticised Y", "Y was
    praised by X", "criticism of Y"), with ``speaker`` when the article names one;
    ``rule`` how the word reaches the entity (``predicate``, ``modifier``, ``object``, ``passive``, ``noun``).
    """

    entity: str
    label: str
    sentence: int
    cue: str
    start: int
    end: int
    score: float
    voice: Voice = "own"
    speaker: str | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True)
class AnnotatedArticle:
    """An article with its linguistic annotations."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    citations: tuple[Citation, ...] = ()
    dates: tuple[TimeExpression, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    loaded_terms: tuple[LoadedTerm, ...] = ()
    title_terms: tuple[LoadedTerm, ...] = ()  # offsets into ``article.title``; ``sentence`` is -1
    tone: float = 0.0  # -1 (negative) .. +1 (positive), over the whole article
    evaluations: tuple[Evaluation, ...] = ()  # evaluative words aimed at people, organisations and countries

    @property
    def id(self) -> str:
        return self.article.id

    def renamed(self, article_id: str) -> AnnotatedArticle:
        """The annotated article under another id (every span that names its article follows)."""
        if self.id == article_id:
            return self
        return replace(
            self,
            article=replace(self.article, id=article_id),
            sentences=tuple(replace(s, article_id=article_id) for s in self.sentences),
            quotes=tuple(replace(q, article_id=article_id) for q in self.quotes),
            citations=tuple(replace(c, article_id=article_id) for c in self.citations),
        )


# --- group --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Copies of one article (syndication): ``original`` is the earliest; ``copies`` with their similarity."""

    original: str
    copies: tuple[str, ...]
    similarity: tuple[float, ...] = ()
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one real-world event. ``reasons`` says, per article, why it joined (article id, why)."""

    id: str
    articles: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...] = ()
    title: str = ""

    def __repr__(self) -> str:
        return f"Story({self.id!r}, {_cut(self.title)!r}, {_count(len(self.articles), 'article')})"


# --- compare ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactMention:
    """One sentence that states a fact, in one article."""

    article_id: str
    sentence: int
    text: str
    start: int
    end: int
    similarity: float = 1.0
    # P(same claim) (compare.claims) of this sentence with its closest partner in the fact; for a related mention,
    # with the fact sentence it was matched to. 1.0 for a fact stated by one article.
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Fact:
    """One claim, with every sentence in every outlet of the story that states it.

    ``sources`` are the articles stating it; ``independent`` those that are not copies of another source.
    ``first`` is the article that reported it first (by publication date, when known). ``related``: sentences of
    other articles that match the fact only weakly (topically close, not shown to state the same claim): shown
    apart, labelled as such, and never counted as sources, agreement, omissions or citations.
    """

    id: str
    story_id: str
    text: str
    mentions: tuple[FactMention, ...]
    sources: tuple[str, ...]
    independent: tuple[str, ...] = ()
    first: str | None = None
    related: tuple[FactMention, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteMention:
    article_id: str
    text: str
    start: int
    end: int
    sentence: int
    kind: Literal["direct", "reported"] = "direct"


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quote and every way outlets word it, with its speaker."""

    id: str
    speaker: str | None
    mentions: tuple[QuoteMention, ...]


@dataclass(frozen=True, slots=True)
class ConflictMention:
    article_id: str
    sentence: int
    text: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Aligned sentences that disagree: ``kind`` is number, date, name, place, predicate or attribution;
    ``description`` says how."""

    id: str
    kind: str
    description: str
    mentions: tuple[ConflictMention, ...]
    fact_id: str | None = None


@dataclass(frozen=True, slots=True)
class FigureReport:
    """One article's report of a figure: the value as written (``text``: "at least 30 people") in sentence
    ``sentence``, and the article's publication time."""

    article_id: str
    sentence: int
    text: str
    value: float
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure that moves as a story develops (a death toll, a count of the injured or arrested): what it counts,
    and each article's report of it in publication order. Outlets that report different values at different times
    are not in conflict; this table shows how the figure moved. ``fact_id`` is the fact whose sentences report it."""

    id: str
    counts: str
    reports: tuple[FigureReport, ...]
    fact_id: str | None = None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated event: ``date`` at its precision, the sentence(s) that date it, and the articles.

    ``text`` is one sentence stating it (the first article's); ``sentences`` every sentence of every article that
    dates the same event, ``texts`` their wording (one per ``sentences`` item). ``lane`` is ``"events"``, or
    ``"background"`` for the years and long-past months the articles mention as context ("the 2016 election").
    """

    date: str
    precision: Precision
    text: str
    articles: tuple[str, ...]
    sentences: tuple[tuple[str, int], ...] = ()
    texts: tuple[str, ...] = ()
    lane: Lane = "events"


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence copied verbatim from ``article_id``; ``sources`` are the articles it cites: those stating its fact
    that alignment linked surely (``compare.summary.CITE_MIN``). ``unsure``: the fact's other articles, linked less
    surely: shown apart, labelled as such, and counted toward no agreement."""

    text: str
    article_id: str
    sentence: int
    sources: tuple[str, ...]
    fact_id: str | None = None
    exclusive: bool = False
    unsure: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ToneSentence:
    """One sentence behind a tone score: the mean polarity (-1 .. +1) of the evaluative words in it that are aimed at
    the entity (``cues``), in one voice: the outlet's own, or a quoted or attributed opinion (``speaker`` when named;
    see ``Evaluation.voice``).
    """

    article_id: str
    sentence: int
    text: str
    score: float
    cues: tuple[str, ...] = ()
    voice: Voice = "own"
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class EntityTone:
    """How one article speaks of one of the story's main entities (a person, organisation or country).

    ``score`` is the mean of ``sentences``' scores (-1 .. +1): the sentences where the outlet itself evaluates the
    entity (0.0 when it never does, with no sentences). ``quoted_score`` is the same over ``quoted``, the sentences
    where quoted or attributed speakers evaluate it (None when there are none): they never enter ``score``.
    """

    entity: str
    label: str
    article_id: str
    score: float
    sentences: tuple[ToneSentence, ...] = ()
    quoted_score: float | None = None
    quoted: tuple[ToneSentence, ...] = ()


@dataclass(frozen=True, slots=True)
class OutletCoverage:
    """Per article: facts most other articles of the story state that it leaves out, and facts only it states."""

    article_id: str
    omitted: tuple[str, ...] = ()  # fact ids
    exclusive: tuple[str, ...] = ()  # fact ids


@dataclass(frozen=True, slots=True)
class SourceEdge:
    """ "``article_id`` cites ``source``": a wire, outlet, institution, named person, or anonymous source.

    ``kind`` is ``wire``, ``outlet``, ``institution``, ``person`` or ``anonymous``; ``sentences`` where it happens.
    """

    article_id: str
    source: str
    kind: str
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class OutletSourcing:
    """How one article sources its story: share of sentences that attribute, anonymous sourcing, wire reliance."""

    article_id: str
    sentences: int
    attributed: int
    anonymous: int
    named_people: int
    top_wire: str | None = None
    wire_share: float = 0.0  # the top wire's share of the article's citations of news organisations
    copy_of: str | None = None  # the article it republishes (syndication), when it is a copy


@dataclass(frozen=True, slots=True)
class RecycledPassage:
    """A sentence of a recycled article, with the date that places it in older reporting."""

    article_id: str
    sentence: int
    text: str
    date: str


@dataclass(frozen=True, slots=True)
class Recycled:
    """An article that repeats older reporting: published, or dated by its own content, well before the batch.

    ``latest`` is the newest date the article gives (publication or content), ``reference`` the batch's date it is
    compared with, ``gap_days`` the distance; ``reason`` says it in words.
    """

    article_id: str
    reason: str
    latest: str
    reference: str
    gap_days: int
    passages: tuple[RecycledPassage, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Everything compared for one story."""

    story: Story
    facts: tuple[Fact, ...] = ()
    quotes: tuple[QuoteGroup, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    # moving figures (death tolls, counts) as each outlet reported them, in publication order: not conflicts
    figures: tuple[Figure, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    citations: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (article id, sources it cites)
    tone: tuple[EntityTone, ...] = ()
    coverage: tuple[OutletCoverage, ...] = ()
    provenance: tuple[SourceEdge, ...] = ()
    sourcing: tuple[OutletSourcing, ...] = ()
    recycled: tuple[Recycled, ...] = ()
    # When the story is larger than compare.MAX_COMPARED: the ids of the articles whose facts, quotes and conflicts
    # were compared (a sample over its outlets); empty when every article was.
    compared: tuple[str, ...] = ()

    def __repr__(self) -> str:
        counts = ", ".join(
            _count(n, what)
            for n, what in (
                (len(self.story.articles), "article"),
                (len(self.facts), "fact"),
                (len(self.quotes), "quote"),
                (len(self.conflicts), "conflict"),
            )
        )
        return f"StoryAnalysis({self.story.id!r}, {_cut(self.story.title)!r}, {counts})"

    def _repr_html_(self) -> str:
        """The story's facts for notebooks: each claim and how many articles state it (escaped)."""
        from html import escape

        rows = [
            f"<tr><td>{escape(fact.text)}</td><td>{len(fact.sources)}</td></tr>" for fact in self.facts[:HTML_FACTS]
        ]
        if len(self.facts) > HTML_FACTS:
            rows.append(f'<tr><td colspan="2">and {len(self.facts) - HTML_FACTS:,} more facts</td></tr>')
        caption = escape(repr(self))
        head = "<tr><th>Fact</th><th>Articles</th></tr>"
        return f"<table><caption>{caption}</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


@dataclass(frozen=True, slots=True)
class Report:
    """The whole analysis of one batch: articles, copies, stories, and what was rejected."""

    articles: tuple[AnnotatedArticle, ...]
    stories: tuple[StoryAnalysis, ...]
    duplicates: tuple[DuplicateGroup, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    generated: str = ""
    version: str = ""
    timings: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def __repr__(self) -> str:
        """A short summary (the fields run to megabytes): counts and the first stories' titles."""
        counts = self._counts()
        titles = [repr(_cut(s.story.title)) for s in self.stories[:REPR_STORIES]]
        more = len(self.stories) - len(titles)
        listed = f"; stories: {', '.join(titles)}{f' and {more:,} more' if more > 0 else ''}" if titles else ""
        return f"Report({counts}{listed})"

    def _counts(self) -> str:
        return ", ".join(
            _count(n, what)
            for n, what in (
                (len(self.articles), "article"),
                (len(self.stories), "story"),
                (sum(len(s.facts) for s in self.stories), "fact"),
                (sum(len(s.conflicts) for s in self.stories), "conflict"),
                (len(self.rejections), "rejection"),
            )
        )

    def _repr_html_(self) -> str:
        """A table of the stories for notebooks: title, outlets, articles, facts, conflicts (escaped)."""
        from html import escape

        # an article without an outlet is named by its file's base name or its URL, never a folder of this machine
        outlet = {a.id: a.article.outlet or _base_name(a.article.source) for a in self.articles}
        rows = []
        for analysis in self.stories[:HTML_STORIES]:
            names = sorted({outlet.get(i) or i for i in analysis.story.articles})
            shown = ", ".join(names[:REPR_OUTLETS]) + (
                f" and {len(names) - REPR_OUTLETS} more" if len(names) > REPR_OUTLETS else ""
            )
            cells = (
                analysis.story.title or analysis.story.id,
                shown,
                len(analysis.story.articles),
                len(analysis.facts),
                len(analysis.conflicts),
            )
            rows.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + "</tr>")
        if len(self.stories) > HTML_STORIES:
            rows.append(f'<tr><td colspan="5">and {len(self.stories) - HTML_STORIES:,} more stories</td></tr>')
        head = "".join(f"<th>{name}</th>" for name in ("Story", "Outlets", "Articles", "Facts", "Conflicts"))
        caption = escape(f"Report: {self._counts()}")
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def tables(self) -> Tables:
        """The report as polars DataFrames, one per kind of record (articles, stories, facts, fact_mentions, quotes,
        quote_mentions, conflicts, framing_terms, tone, omissions, citations, entities), with date, list and number
        columns; ``.to_pandas()`` on the result gives pandas DataFrames. Needs polars (the ``parquet`` extra)."""
        from .tables import build_tables

        return build_tables(self)


REPR_STORIES = 3  # story titles in a report's repr
REPR_OUTLETS = 4  # outlets named per story in a report's HTML table
REPR_TITLE_CHARS = 60  # a title in a repr, cut here
HTML_STORIES = 50  # stories in a report's HTML table
HTML_FACTS = 20  # facts in a story's HTML table


def _base_name(source: str) -> str:
    if "://" in source:
        return source
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source


def _cut(text: str) -> str:
    return text if len(text) <= REPR_TITLE_CHARS else text[: REPR_TITLE_CHARS - 1] + "…"


def _count(n: int, what: str) -> str:
    plural = "stories" if what == "story" else what + "s"
    return f"{n:,} {what if n == 1 else plural}"
