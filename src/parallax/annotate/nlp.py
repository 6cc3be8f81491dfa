"""The annotate stage: sentences, named entities, dates, numbers, quotes, citations and framing for each article.

spaCy runs once per article (``nlp.pipe``, batched); every other annotator reads that one ``Doc``. Sentences come
from the text's own layout first (paragraphs, then lines), then spaCy's parser inside each line, then a few repairs
where the small parser is reliably wrong on news copy: it splits inside quotations, leaves fragments such as a lone
closing quote or a "(Photo: ...)" credit, and now and then glues two long sentences together.

Reads: ``Article.text`` (and ``Article.published`` as the base for relative dates).
Writes: ``AnnotatedArticle`` with sentences, entities, quotes, citations, dates, quantities, loaded terms and tone.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .. import resources
from ..days import publication_day
from ..errors import TooLargeError
from ..extract.article import MAX_ARTICLE_CHARS
from ..models import AnnotatedArticle, Article, Entity, LoadedTerm, Rejection, Sentence
from ..processes import spawn_context
from .dates import find_dates
from .quantities import find_quantities

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "annotate",
    "annotate_doc",
    "check_length",
    "default_processes",
    "find_entities",
    "segment_sentences",
    "within_limits",
]

# --- tuning constants -----------------------------------------------------------------------------------------------
# Chosen by reading the sentence splits of the five seed articles and of 30 BASIL articles (Fox, NYT, HuffPost).

# Parallel annotation (``annotate``): worker processes start in about 2 s each (import + spaCy load, in parallel)
# and annotate ~10 articles/s each on this 2-core machine, so below this many articles one process is faster.
PARALLEL_MIN_ARTICLES = 100
PARALLEL_CHUNK = 32  # articles per task sent to a worker: large enough to amortise pickling, small to balance
MAX_PROCESSES = 8  # workers by default: one per CPU up to this (each holds its own spaCy model, ~150 MB)

# A piece of at most this many word tokens with no verb is a fragment ("(Photo: X)", "he said", a lone "”.").
FRAGMENT_MAX_WORDS = 3
# spaCy's misses worth repairing are two long sentences glued at ". " + capital; both sides need this many words
# so that initials, "No. 5" and short headline-like runs are left alone.
MISSED_SPLIT_MIN_WORDS = 5
# A paragraph whose lines are this similar in length, with most of them not ending a sentence, was hard-wrapped
# (plain-text mail, press releases): its single newlines are spaces, not boundaries.
WRAP_MIN_LINES = 3
WRAP_MIN_MEAN = 40
WRAP_MAX_SPREAD = 30
# Abbreviations before a name or number: a period after them never ends a sentence.
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "cong", "gov", "govs", "gen", "lt", "col",
        "capt", "sgt", "cmdr", "adm", "maj", "st", "messrs", "rev", "hon", "pres", "supt", "insp", "det", "no", "nos",
        "vs", "v", "fig", "approx"
    }
)  # fmt: skip
# Abbreviations that usually sit inside a sentence but may end one; they end it when a quotation
# follows ('... Inc. "We will...'). Words with inner periods ("U.S.", "D-N.Y.", "FoxNews.com") count too.
ABBREVIATIONS = frozenset(
    {
        "jr", "sr", "etc", "inc", "co", "corp", "ltd", "bros", "dept", "est", "ft", "mt", "ave", "blvd", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"
    }
)  # fmt: skip
# Verbs of an attribution clause after a quotation ('"...?" Walsh asked.'), which spaCy cuts off as a sentence.
SPEECH_VERBS = frozenset(
    {
        "said", "says", "asked", "asks", "added", "adds", "continued", "continues", "recalled", "recalls", "wrote",
        "writes", "replied", "replies", "told", "tells", "explained", "explains", "noted", "notes", "insisted",
        "argued", "declared", "stated", "shouted", "yelled", "answered", "remarked", "concluded", "quipped", "tweeted",
        "acknowledged", "warned", "conceded", "countered", "responded", "responds", "joked", "pleaded"
    }
)  # fmt: skip
# The attribution clause is at most this many words before its first comma.
ATTRIBUTION_MAX_WORDS = 6

# Named-entity labels kept (spaCy's OntoNotes set minus numbers, dates and languages).
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"})
# Generic abbreviations the small model tags as ORG/PRODUCT although they name nothing.
NOT_NAMES = frozenset({"q&a", "r&d", "m&a", "p&l", "faq", "ceo", "cfo", "cto", "coo", "gdp", "ipo", "tv", "pc"})
# Honorifics dropped before matching a short PERSON mention to a full name ("Mr. Steele" -> "Michael Steele").
HONORIFICS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "president", "senator", "sen", "rep",
        "representative", "gov", "governor", "minister", "secretary", "gen", "general", "judge", "justice", "rev",
        "father", "pope", "king", "queen", "prince", "princess"
    }
)  # fmt: skip
# Trailing words that make a longer ORG the full name of a shorter one ("Acme" -> "Acme Holdings Co"); any other
# extra word names something else ("Google" is not "Google Mobile Services").
ORG_DESIGNATORS = frozenset(
    {
        "co", "co.", "corp", "corp.", "corporation", "company", "companies", "inc", "inc.", "incorporated", "ltd",
        "ltd.", "limited", "llc", "plc", "ag", "sa", "se", "nv", "bv", "gmbh", "group", "holdings", "holding",
        "technologies", "technology", "international", "industries", "&", "news", "agency", "media"
    }
)  # fmt: skip
# "The Hague" keeps its article: without it the name is not used.
KEEP_THE = frozenset({"hague", "gambia", "bahamas"})

_QUOTE_CHARS = '"“”„‟″'
_OPEN_BEFORE = "([{—–-/\u00a0"
_CLOSE_AFTER = ".,;:!?)]}—–-…'’"
_TERMINAL = ".!?…"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_SPACE = re.compile(r"\s+")
# ". " (optionally closed by a quote or bracket) then an optional opening quote and a capital letter.
_MISSED_SPLIT = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z])")


def annotate(
    articles: Iterable[Article], *, batch_size: int = 16, n_process: int | None = None
) -> Iterator[AnnotatedArticle]:
    """Annotate articles in input order: one spaCy pass each, then every annotator over that ``Doc``.

    An article whose text is over ``extract.MAX_ARTICLE_CHARS`` raises ``TooLargeError`` naming it, before any
    article is annotated (extraction rejects such texts; callers with articles from elsewhere sort them out first
    with :func:`within_limits`).

    Relative dates are resolved against ``Article.published``; without it they keep ``value=""`` for the caller to
    resolve later (``dates.resolve``) against the story's date.

    ``n_process`` worker processes share the work (spaCy and our annotators both); ``None`` picks one per CPU (at
    most ``MAX_PROCESSES``) for batches of ``PARALLEL_MIN_ARTICLES`` or more, else one (no start-up cost). The
    engine passes ``Settings.processes`` for such batches (:func:`parallax.engine.stages.annotate`).
    """
    items = [_checked(article) for article in articles]
    workers = n_process if n_process is not None else default_processes(len(items))
    if workers <= 1 or len(items) < 2:
        yield from _annotate_serial(items, batch_size)
        return
    # spawn, not fork: the caller may hold threads (the web app, BLAS); each worker loads its own spaCy model, and
    # never imports the caller's __main__ (``processes``): a script without a main guard is not re-run in each.
    chunks = [items[i : i + PARALLEL_CHUNK] for i in range(0, len(items), PARALLEL_CHUNK)]
    with spawn_context().Pool(min(workers, len(chunks))) as pool:
        for chunk in pool.imap(_annotate_chunk, chunks):
            yield from chunk


def default_processes(count: int) -> int:
    """Worker processes for a batch of ``count`` articles: one under ``PARALLEL_MIN_ARTICLES``, else one per CPU (at
    most ``MAX_PROCESSES``)."""
    if count < PARALLEL_MIN_ARTICLES:
        return 1
    return max(1, min(MAX_PROCESSES, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def _annotate_chunk(articles: list[Article]) -> list[AnnotatedArticle]:
    return list(_annotate_serial(articles, PARALLEL_CHUNK))


def _annotate_serial(articles: Sequence[Article], batch_size: int) -> Iterator[AnnotatedArticle]:
    nlp = resources.spacy_model()
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=1):
        yield annotate_doc(article, doc)


def annotate_doc(article: Article, doc: Doc, check: Callable[[], None] | None = None) -> AnnotatedArticle:
    """Every annotator over ``doc`` (spaCy's parse of ``article.text``). ``check`` is called after each step: it may
    raise to abandon the article (``annotate.budget`` raises ``TooSlowError`` once the article's budget is spent)."""
    # Imported here so this module loads while the sibling annotators are being written or are broken.
    from .citations import find_citations
    from .framing import find_loaded_terms, score_tone
    from .quotes import find_quotes
    from .targets import find_evaluations

    step = check or _no_check
    sentences = segment_sentences(article, doc)
    step()
    text = article.text  # doc.text, checked equal by segment_sentences: spaCy would join every token again for it
    entities = find_entities(doc, sentences, text=text)
    step()
    quotes = tuple(find_quotes(article, doc, sentences, entities))
    step()
    citations = tuple(find_citations(article, doc, sentences, entities))
    step()
    dates = find_dates(doc, sentences, publication_day(article.published), text=text)
    step()
    quantities = find_quantities(doc, sentences, text=text)
    step()
    loaded_terms = tuple(find_loaded_terms(article, sentences))
    step()
    title_terms = _title_terms(article, find_loaded_terms)
    tone = float(score_tone(article, sentences))
    step()
    evaluations = find_evaluations(doc, sentences, entities, quotes)
    step()
    return AnnotatedArticle(
        article=article,
        sentences=sentences,
        entities=entities,
        quotes=quotes,
        citations=citations,
        dates=dates,
        quantities=quantities,
        loaded_terms=loaded_terms,
        title_terms=title_terms,
        tone=tone,
        evaluations=evaluations,
    )


def _no_check() -> None:
    return None


def _title_terms(
    article: Article, finder: Callable[[Article, Sequence[Sentence]], Sequence[LoadedTerm]]
) -> tuple[LoadedTerm, ...]:
    """Loaded terms in the headline (offsets into the title): headlines carry much of an outlet's framing."""
    title = article.title or ""
    if not title.strip():
        return ()
    headline = Article(id=article.id, source=article.source, text=title)
    terms = finder(headline, [Sentence(article.id, 0, 0, len(title), title)])
    return tuple(replace(t, sentence=-1) for t in terms)


def _checked(article: Article) -> Article:
    return check_length(_checked_type(article))


def check_length(article: Article) -> Article:
    """``article``, or ``TooLargeError`` (naming it) when its text is longer than ``extract.MAX_ARTICLE_CHARS``, the
    bound extraction puts on every article: spaCy refuses texts over 1,000,000 characters and needs ~1 GB of memory
    per 100,000, so a longer text must not reach it, whichever way it came (``analyze_articles``, a store's
    ``ingest_articles``, a caller of ``annotate``)."""
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise TooLargeError(
            f"article {article.id!r}: text is {len(article.text):,} characters long, over the limit of "
            f"{MAX_ARTICLE_CHARS:,} for one article",
            document=article.source or article.id,
            hint="split the text into its articles",
        )
    return article


def within_limits(articles: Iterable[Article]) -> tuple[list[Article], list[Rejection]]:
    """The articles :func:`annotate` can take, and a ``too-large`` rejection (stage ``annotate``) for each other."""
    kept: list[Article] = []
    rejections: list[Rejection] = []
    for article in articles:
        try:
            kept.append(check_length(_checked_type(article)))
        except TooLargeError as exc:
            rejections.append(Rejection.from_error(exc.document, "annotate", exc))
    return kept, rejections


def _checked_type(article: Article) -> Article:
    if not isinstance(article, Article):
        raise TypeError(f"annotate() expects Article records, got {type(article).__name__}")
    return article


# --- sentences ------------------------------------------------------------------------------------------------------


def segment_sentences(article: Article, doc: Doc) -> tuple[Sentence, ...]:
    """Split ``article.text`` (which ``doc`` was parsed from) into sentences with exact character offsets.

    Paragraphs ("\\n\\n") and lines are hard boundaries; spaCy's sentence starts are used inside a line, except
    inside a quotation; fragments are merged back and glued sentences split.
    """
    text = article.text
    if doc.text != text:
        raise ValueError("the Doc was not parsed from this article's text")
    token_starts = [token.idx for token in doc]
    parser_starts = sorted(_parser_starts(doc))
    sentences: list[Sentence] = []
    for paragraph, line_start, line_end in _lines(text):
        cuts = [c for c in parser_starts[bisect.bisect_right(parser_starts, line_start) :] if c < line_end]
        quotes = _quote_spans(text, line_start, line_end)
        cuts = [c for c in cuts if not _inside(c, quotes)]
        cuts = sorted(set(cuts) | set(_missed_splits(text, line_start, line_end, cuts, quotes)))
        pieces = _pieces(text, line_start, line_end, cuts)
        for start, end in _merge_fragments(text, pieces, doc, token_starts):
            sentences.append(Sentence(article.id, len(sentences), start, end, text[start:end], paragraph))
    return tuple(sentences)


def _parser_starts(doc: Doc) -> Iterator[int]:
    """Character offsets where spaCy starts a sentence (at its first non-space token)."""
    for sent in doc.sents:
        for token in sent:
            if not token.is_space:
                yield int(token.idx)
                break


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """(paragraph index, start, end) of every non-blank line, stripped; paragraph indexes match Article.paragraphs."""
    paragraph = -1
    pos = 0
    for block in text.split("\n\n"):
        block_start, pos = pos, pos + len(block) + 2
        if not block.strip():
            continue
        paragraph += 1
        lines = block.split("\n")
        if _hard_wrapped(lines):
            lines = [block]
        offset = block_start
        for line in lines:
            line_start, offset = offset, offset + len(line) + 1
            stripped = line.strip()
            if stripped:
                start = line_start + (len(line) - len(line.lstrip()))
                yield paragraph, start, start + len(stripped)


def _hard_wrapped(lines: list[str]) -> bool:
    body = [line.strip() for line in lines[:-1]]
    if len(lines) < WRAP_MIN_LINES or not all(body):
        return False
    lengths = [len(line) for line in body]
    open_ended = sum(not line.endswith(tuple(_TERMINAL + '"”')) for line in body)
    return (
        sum(lengths) / len(lengths) >= WRAP_MIN_MEAN
        and max(lengths) - min(lengths) <= WRAP_MAX_SPREAD
        and open_ended * 2 > len(body)
    )


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Balanced double-quoted spans in ``text[start:end]`` (marks included).

    Straight and curly marks are mixed freely in scraped news, so a mark's role comes from its neighbours (space
    before and a word after opens; a word before and space or punctuation after closes) and only then from its
    shape. An opening mark that is never closed (a quote running on into the next paragraph) protects nothing.
    """
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i in range(start, end):
        char = text[i]
        if char not in _QUOTE_CHARS:
            continue
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        opens = (before.isspace() or before in _OPEN_BEFORE) and not after.isspace()
        closes = not before.isspace() and (after.isspace() or after in _CLOSE_AFTER)
        if opens == closes:
            opens = char in "“„‟" or (char in '"″' and opened is None)
        if opens:
            opened = i
        elif opened is not None:
            spans.append((opened, i + 1))
            opened = None
    return spans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < pos < end for start, end in spans)


def _missed_splits(
    text: str, start: int, end: int, cuts: Sequence[int], quotes: Sequence[tuple[int, int]]
) -> Iterator[int]:
    """Starts of sentences the parser glued to the previous one: ". " + capital between two long runs."""
    bounds = [start, *cuts, end]
    for left, right in itertools.pairwise(bounds):
        for match in _MISSED_SPLIT.finditer(text, left, right):
            cut = match.end()
            before = text[left : match.end()].split()
            if (
                not before
                or _abbreviation_continues(before[-1], text[cut:right])
                or _inside(cut, quotes)
                or _inside(match.start(), quotes)
                or len(text[left : match.start()].split()) < MISSED_SPLIT_MIN_WORDS
                or len(text[cut:right].split()) < MISSED_SPLIT_MIN_WORDS
            ):
                continue
            yield cut
            left = cut


def _abbreviation_continues(word: str, following: str) -> bool:
    """Whether ``word`` (the last word before a cut, with its period) is an abbreviation that does not end the
    sentence: always for titles and initials ("Mr.", "J."), for others ("Inc.", "U.S.") unless a quotation opens
    next."""
    if not word.endswith(".") or word.endswith((").", '".', "”.", "’.", "'.")):
        return False
    core = word.lstrip("\"“”‘’'([").removesuffix(".")
    if not core:
        return False
    if core.lower() in TITLES or (len(core) == 1 and core.isupper()):
        return True
    if core.lower() in ABBREVIATIONS or "." in core:
        return not following.lstrip().startswith(tuple("\"“‘'"))
    return False


def _pieces(text: str, start: int, end: int, cuts: Sequence[int]) -> list[tuple[int, int]]:
    bounds = [start, *[c for c in cuts if start < c < end], end]
    pieces = []
    for left, right in itertools.pairwise(bounds):
        chunk = text[left:right]
        stripped = chunk.strip()
        if stripped:
            first = left + len(chunk) - len(chunk.lstrip())
            pieces.append((first, first + len(stripped)))
    return pieces


def _merge_fragments(
    text: str, pieces: list[tuple[int, int]], doc: Doc, token_starts: Sequence[int]
) -> list[tuple[int, int]]:
    """Join pieces that are not sentences to their neighbour (the previous one, or the next for a first piece)."""
    merged: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None  # a leading fragment waiting for the next piece
    for start, end in pieces:
        if pending is not None:
            start, pending = pending[0], None
        if merged and _continues(text, merged[-1], (start, end), doc, token_starts):
            merged[-1] = (merged[-1][0], end)
        elif not merged and _is_fragment(text, start, end, doc, token_starts) and (start, end) != pieces[-1]:
            pending = (start, end)
        else:
            merged.append((start, end))
    if pending is not None:
        merged.append(pending)
    return merged


def _continues(
    text: str, previous: tuple[int, int], piece: tuple[int, int], doc: Doc, token_starts: Sequence[int]
) -> bool:
    start, end = piece
    chunk = text[start:end]
    prev_text = text[previous[0] : previous[1]]
    prev_words = prev_text.split()
    if prev_words and _abbreviation_continues(prev_words[-1], chunk):
        return True  # "Mr." / "J." / "U.S." before a cut
    if prev_text.endswith((",", ";", ":", "—", "–")):
        return True  # 'He added, | "..."'
    if not any(ch.isalnum() for ch in chunk) or chunk.startswith(("—", "–", "-")):
        return True  # a lone closing quote or bracket, or a dash that continues the clause
    if chunk.startswith("(") and chunk.endswith(")") and not chunk.endswith((".)", "?)", "!)")):
        return True  # "(Photo: Agency)", "(AP)"; a whole sentence in brackets stands alone
    if prev_text.endswith(tuple(_QUOTE_CHARS + "’'")) and _is_attribution(chunk):
        return True  # '"...?" Walsh asked.
    first = chunk.lstrip("\"“”‘’'(").split(maxsplit=1)
    if first and first[0][:1].islower() and first[0].islower():
        return True  # '“...,” he said.' cut after the quote; news sentences start with a capital
    return _is_fragment(text, start, end, doc, token_starts)


def _is_attribution(chunk: str) -> bool:
    """A short clause naming who spoke ("Walsh asked.", "Mrs. Clinton said, her voice rising.")."""
    if chunk[:1] in _QUOTE_CHARS + "‘'":
        return False
    words = chunk.split(",", 1)[0].split()
    # The speaker comes first ("Walsh asked"); a clause opening with the verb is a new sentence ("Asked why, he...").
    return len(words) <= ATTRIBUTION_MAX_WORDS and any(w.strip(".,;:").lower() in SPEECH_VERBS for w in words[1:])


def _is_fragment(text: str, start: int, end: int, doc: Doc, token_starts: Sequence[int]) -> bool:
    """A short run without a verb: too little to be a sentence of its own."""
    first = bisect.bisect_left(token_starts, start)
    last = bisect.bisect_left(token_starts, end)
    tokens = [doc[i] for i in range(first, last)]
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    if len(words) > FRAGMENT_MAX_WORDS:
        return False
    return not any(t.pos_ in ("VERB", "AUX") for t in words)


# --- entities -------------------------------------------------------------------------------------------------------


def find_entities(doc: Doc, sentences: Sequence[Sentence], *, text: str | None = None) -> tuple[Entity, ...]:
    """Named entities of the kept labels, trimmed of articles, quotes and possessives, junk dropped.

    ``Entity.name`` is the fullest form the article uses: a surname maps to the full name with that surname
    (the latest one before it, else the only one after it); a short ORG maps to the longest ORG that extends it with
    corporate words ("Acme" -> "Acme Holdings Co"). A single-word ORG mention that matches a person's surname is
    relabelled PERSON (the small model often tags "Surname's remarks" as ORG), and bare surnames of people named in
    full that the model missed are added. ``text``: ``doc.text`` when the caller holds it (spaCy joins every token
    to build it).
    """
    text = doc.text if text is None else text
    starts = [s.start for s in sentences]
    raw: list[tuple[str, str, int, int, int]] = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        span = _trim_entity(text, int(ent.start_char), int(ent.end_char))
        if span is None:
            continue
        start, end = span
        index = bisect.bisect_right(starts, start) - 1
        if index < 0 or start >= sentences[index].end:
            continue  # outside every sentence (whitespace only); cannot happen with segment_sentences' output
        raw.append((text[start:end], str(ent.label_), start, end, index))
    raw.extend(_missed_surnames(doc, raw, starts))
    raw.sort(key=lambda item: item[2])
    return _resolve_names(raw)


def _missed_surnames(
    doc: Doc, raw: Sequence[tuple[str, str, int, int, int]], starts: Sequence[int]
) -> Iterator[tuple[str, str, int, int, int]]:
    """Bare surnames of people named in full that the small model did not tag ("Lopez said ...")."""
    surnames = set()
    for surface, label, *_ in raw:
        words = [w for w in surface.split() if w.lower().rstrip(".") not in HONORIFICS]
        if label == "PERSON" and len(words) > 1 and len(words[-1]) > 2 and words[-1].istitle():
            surnames.add(words[-1])
    if not surnames:
        return
    for token in doc:
        if token.text in surnames and token.ent_iob_ == "O" and token.pos_ == "PROPN":
            start = int(token.idx)
            index = bisect.bisect_right(starts, start) - 1
            if index >= 0:
                yield token.text, "PERSON", start, start + len(token.text), index


def _trim_entity(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Span without leading "the", quotes and brackets, or a trailing possessive; ``None`` for junk."""
    while True:
        chunk = text[start:end]
        stripped = chunk.strip(" \t\"“”‘’'()[]{},;:-—–")
        if stripped != chunk:
            start += chunk.index(stripped) if stripped else len(chunk)
            end = start + len(stripped)
            continue
        if ": " in chunk:
            start += chunk.rindex(": ") + 2  # "Photo: Agency", "Source: Outlet": a label, then the name
            continue
        lowered = chunk.lower()
        if lowered.startswith("the ") and chunk[4:].strip().lower() not in KEEP_THE:
            start += 4
            continue
        possessive = _POSSESSIVE.search(chunk)
        if possessive and possessive.start() > 0:
            end = start + possessive.start()
            continue
        break
    chunk = text[start:end]
    if (
        len(chunk) < 2
        or "\n" in chunk
        or not any(ch.isalpha() for ch in chunk)
        or not any(ch.isupper() or ch.isdigit() for ch in chunk)
        or chunk.lower() in NOT_NAMES
    ):
        return None
    return start, end


def _resolve_names(raw: list[tuple[str, str, int, int, int]]) -> tuple[Entity, ...]:
    names = [_SPACE.sub(" ", surface) for surface, *_ in raw]
    full_people = [
        (i, names[i].split()) for i, (_, label, *_rest) in enumerate(raw) if label == "PERSON" and " " in names[i]
    ]
    orgs = {names[i] for i, (_, label, *_rest) in enumerate(raw) if label == "ORG"}
    entities = []
    for i, (surface, label, start, end, sentence) in enumerate(raw):
        name = names[i]
        words = [w for w in name.split() if w.lower().rstrip(".") not in HONORIFICS] or name.split()
        person = None
        if label == "PERSON" or (label == "ORG" and len(words) == 1):
            person = _full_person(i, words, full_people, by_first=label == "PERSON")
        if person is not None:
            name, label = person, "PERSON"
        elif label == "ORG":
            name = _full_org(name, orgs)
        entities.append(Entity(surface, label, start, end, sentence, name))
    return tuple(entities)


def _full_person(
    index: int, words: list[str], full_people: list[tuple[int, list[str]]], *, by_first: bool
) -> str | None:
    """The full name a partial PERSON mention stands for: same last words ("Lavrov", "Mr. Lavrov") or, for Chinese
    and Korean order and first-name mentions, same first word when that is unambiguous."""
    if not words:
        return None
    candidates = [(i, full) for i, full in full_people if len(full) > len(words) and full[-len(words) :] == words]
    if not candidates and by_first and len(words) == 1:
        candidates = [(i, full) for i, full in full_people if full[0] == words[0]]
        if len({" ".join(full) for _, full in candidates}) != 1:
            return None
    if not candidates:
        return None
    before = [c for c in candidates if c[0] < index]
    if before:
        return " ".join(before[-1][1])
    later = {" ".join(full) for _, full in candidates}
    return later.pop() if len(later) == 1 else None


def _full_org(name: str, orgs: set[str]) -> str:
    best = name
    for other in orgs:
        if len(other) > len(best) and other.startswith(name + " "):
            extra = other[len(name) :].lower().split()
            if all(word in ORG_DESIGNATORS for word in extra):
                best = other
    return best
