"""Stories: the ``Story`` records both grouping paths end in, and the wording of every reason.

A story lists its articles by publication day (undated last), then input position; its id is the content id of its
sorted article ids; its title is one member's title (or first sentence). Stories come largest first, then by
earliest publication date, then by the input position of their first member. Each member has a one-line reason why
it joined: ``STARTS``, ``copy_reason`` (a copy joins its original's story), ``closest_reason`` (the batch: the
member it is most similar to) or ``joined_reason`` (the stream: the story's average and its closest member).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from ..days import publication_day
from ..models import AnnotatedArticle, Story, content_id
from .evidence import TYPE_WEIGHTS, Profile

__all__ = [
    "STARTS",
    "Key",
    "closest_reason",
    "copy_reason",
    "headline_load",
    "in_story_order",
    "joined_reason",
    "neutral_title",
    "ranked",
    "story",
    "title_of",
]

STARTS = "starts the story"  # the reason of a story's first article

Key = tuple[int, date, int]  # how stories sort: (-size, first publication day, first input position)


def in_story_order(articles: Sequence[AnnotatedArticle], indices: Iterable[int]) -> list[int]:
    """The positions ``indices`` of ``articles`` in the order a story lists them: by publication day (undated
    last), then position."""

    def when(index: int) -> tuple[bool, date, int]:
        day = publication_day(articles[index].article.published)
        return (day is None, day or date.max, index)

    return sorted(indices, key=when)


def story(
    articles: Sequence[AnnotatedArticle], ordered: Sequence[int], reasons: Sequence[str], title: int
) -> tuple[Key, Story]:
    """The story of ``articles[i]`` for ``i`` in ``ordered`` (in that order, each with its reason in ``reasons``),
    titled after the least loaded headline (``neutral_title``; ``articles[title]`` wins ties), and its sort key."""
    record = Story(
        id=content_id(*sorted(articles[i].id for i in ordered)),
        articles=tuple(articles[i].id for i in ordered),
        reasons=tuple((articles[i].id, why) for i, why in zip(ordered, reasons, strict=True)),
        title=neutral_title(articles, ordered, title),
    )
    days = (publication_day(articles[i].article.published) for i in ordered)
    first_day = min((d for d in days if d), default=date.max)
    return (-len(ordered), first_day, min(ordered)), record


def ranked(stories: Iterable[tuple[Key, Story]]) -> tuple[Story, ...]:
    """The stories in the order of their keys (see the module docstring)."""
    return tuple(record for _, record in sorted(stories, key=lambda item: item[0]))


def title_of(annotated: AnnotatedArticle) -> str:
    """An article's title; its first sentence (or paragraph) when it has none; its id when it has no text."""
    article = annotated.article
    if article.title and article.title.strip():
        return article.title.strip()
    if annotated.sentences:
        return annotated.sentences[0].text.strip()
    paragraphs = article.paragraphs
    return paragraphs[0].strip() if paragraphs else article.id


# --- a neutral title -------------------------------------------------------------------------------------------------

# A headline whose load reaches this is loaded: when every member's is, the title is a shared lead sentence.
LOADED_HEADLINE = 2
# Weights of the loaded-language kinds (annotate.framing) found in a headline: sarcasm and scare quotes are an
# outlet's open distance from what it reports; a hedge is no slant.
TERM_WEIGHTS = {"sarcasm": 2, "scare-quote": 2, "hedge": 0}
# Verbs and labels of opinion headlines that the article lexicon leaves to context ("Trump Caves To Democrats").
OPINION_WORDS = frozenset(
    "caves cave caved slams slam slammed blasts blast blasted rips rip ripped destroys destroy destroyed eviscerates "
    "eviscerated torches torched trashes trashed shreds shredded smacks smacked hero heroes villain "
    "humiliates humiliating meltdown epic shocker non-shocker bombshell disgrace disgraceful outrageous outrage "
    "hilarious stunning shocking insane brutal feisty wows".split()
)
_PERSONAL = re.compile(r"\b(?:I|I'm|we|We|us|our|Our|my|My|you|You|your|Your)\b")
_LABEL = re.compile(r"^\s*[A-Za-z][\w'’]*(?:[ -][A-Za-z][\w'’]*){0,2}\s*:\s")  # "Non-shocker: ...", "WATCH: ..."
_CAPS = re.compile(r"\b[A-Z]{4,}\b")
_QUOTED = re.compile(r"(?<!\w)['‘\"“]([^'’\"”]{1,40})['’\"”](?!\w)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
LEAD_SENTENCES = 3  # the sentences of each member's lead a fallback title may come from
TITLE_WORDS = (6, 40)  # the length a fallback title sentence may have, in words
# The members (in story order) a fallback title is drawn from: sharing is counted pairwise, so a story of thousands
# of articles would cost millions of comparisons; the first 50 tell which lead sentence is shared.
FALLBACK_MEMBERS = 50


def headline_load(annotated: AnnotatedArticle) -> int:
    """How loaded an article's headline is: its loaded terms (``AnnotatedArticle.title_terms``, weighted by kind)
    plus the marks of opinion and partisan headlines: an exclamation (2), a question (1), the first or second
    person (1), words in capitals (1 each, at most 2; not the article's names), a label before a colon
    ("Non-shocker:", 1) or another two-part headline ("X: Y", 1), a short quoted phrase (1) and opinion words
    ("caves", "slams": 2). 0 for no headline."""
    title = (annotated.article.title or "").strip()
    if not title:
        return 0
    load = sum(TERM_WEIGHTS.get(t.kind, 1) for t in annotated.title_terms)
    names = {w for e in annotated.entities for w in e.text.split()}
    return load + _marks(title, names, {t.text.lower() for t in annotated.title_terms})


def _marks(text: str, names: set[str], flagged: set[str]) -> int:
    """The marks of opinion in ``text`` (see ``headline_load``); words inside ``flagged`` terms count once."""
    load = 2 * ("!" in text) + ("?" in text) + bool(_PERSONAL.search(text)) + bool(_LABEL.match(text))
    load += ":" in text and not _LABEL.match(text)  # a two-part headline: "X Attacks Student: Congressman Gets Rough"
    load += min(2, sum(1 for w in _CAPS.findall(text) if w not in names and not text.isupper()))
    load += sum(1 for q in _QUOTED.findall(text) if len(q.split()) <= 3)
    words = _word_set(text)
    load += 2 * len({w for w in words & OPINION_WORDS if not any(w in f for f in flagged)})
    return int(load)


def neutral_title(articles: Sequence[AnnotatedArticle], members: Sequence[int], preferred: int) -> str:
    """The title of the story of ``articles[i]`` for ``i`` in ``members``: the least loaded headline
    (``headline_load``), one naming more of the story's main entities first, then ``articles[preferred]``'s, then
    story order; when every headline is loaded (``LOADED_HEADLINE``), the lead sentence most members share (of the
    first ``FALLBACK_MEMBERS``).
    Members without a headline give their first sentence only when none has one."""
    titled = [i for i in members if (articles[i].article.title or "").strip()]
    if not titled:
        return title_of(articles[preferred])
    main = _main_names([articles[i] for i in members])
    order = {i: k for k, i in enumerate(members)}

    def key(i: int) -> tuple[int, int, bool, int]:
        title = _word_set(articles[i].article.title or "")
        named = sum(1 for n in main if n in title)
        return (headline_load(articles[i]), -named, i != preferred, order[i])

    best = min(titled, key=key)
    if headline_load(articles[best]) >= LOADED_HEADLINE:
        shared = _shared_lead([articles[i] for i in members[:FALLBACK_MEMBERS]], main)
        if shared:
            return shared
    return title_of(articles[best])


def _word_set(text: str) -> set[str]:
    """The words of ``text`` in lower case, without possessives: "Korvane’s" -> "korvane"."""
    return {re.sub(r"['’]s?$", "", w.lower()) for w in _WORD.findall(text)}


def _main_names(members: Sequence[AnnotatedArticle]) -> list[str]:
    """The last words (lower case) of the names at least half the members mention (two at least, or the only one)."""
    counts: dict[str, int] = {}
    for a in members:
        for name in {e.name.split()[-1].lower() for e in a.entities if e.name.split()}:
            counts[name] = counts.get(name, 0) + 1
    floor = max(2, (len(members) + 1) // 2) if len(members) > 1 else 1
    return sorted(n for n, c in counts.items() if c >= floor)


def _shared_lead(members: Sequence[AnnotatedArticle], main: Sequence[str]) -> str | None:
    """The sentence, among the members' first ``LEAD_SENTENCES`` (none with a loaded term, a quote, a quotation mark
    or a mark of opinion, none a headline repeated), that names the story's ``main`` names (one at least) and whose
    content words the other members use most (the sum over them of the share of its words each uses); ties go to
    the shorter sentence, then story order. None when no sentence qualifies."""
    vocab = [{w.lower() for w in _WORD.findall(a.article.text)} for a in members]
    headlines = {(a.article.title or "").strip().lower() for a in members}
    best: tuple[int, float, int, int, int] | None = None
    chosen: str | None = None
    for k, a in enumerate(members):
        # no loaded term, and nobody's words: a quoted or reported claim is not the story's neutral line
        loaded = {t.sentence for t in a.loaded_terms if t.kind != "hedge"} | {q.sentence for q in a.quotes}
        for s in a.sentences[:LEAD_SENTENCES]:
            text = s.text.strip()
            words = [re.sub(r"['’]s?$", "", w.lower()) for w in _WORD.findall(text)]
            content = {w for w in words if len(w) > 3 and w not in _COMMON}
            if s.index in loaded or not TITLE_WORDS[0] <= len(words) <= TITLE_WORDS[1] or not content:
                continue
            if text.lower() in headlines or _marks(text, set(), set()) or any(q in text for q in '"“”'):
                continue  # a headline repeated at the top of the text is still that headline; an opinion mark
            named = sum(1 for n in main if n in words)
            if main and not named:
                continue  # a side detail ("The chalkboard ... brought the audience to its feet")
            shared = sum(len(content & v) / len(content) for j, v in enumerate(vocab) if j != k)
            rank = (-named, -round(shared, 6), len(words), k, s.index)
            if best is None or rank < best:
                best, chosen = rank, text
    return chosen


# Frequent words that say nothing of a story, left out when sentences are compared.
_COMMON = frozenset(
    "that with from they have this were their been will would said says about after over into than them when what "
    "which there also more some other could should while where those these just only even".split()
)


# --- reasons ----------------------------------------------------------------------------------------------------------


def copy_reason(original: str, similarity: float) -> str:
    """A copy's reason: the article it copies and how much of it (``DuplicateGroup.similarity``)."""
    return f"copy of {original} (similarity {similarity:.2f})"


def closest_reason(closest: str, similarity: float, mine: Profile, theirs: Profile) -> str:
    """The batch's reason: the member ``closest`` it is most similar to, the names and the days they share."""
    line = f"closest to {closest} (similarity {similarity:.2f})" + _shares(mine, theirs)
    days = sorted(set(mine.days) & set(theirs.days))
    if days:
        line += "; dates " + ", ".join(d.isoformat() for d in days[:3])
    return line


def joined_reason(
    story_id: str,
    average: float,
    count: int,
    closest: str,
    lead: float,
    mine: Profile,
    theirs: Profile,
    apart: int | None,
) -> str:
    """The stream's reason: the story's ``average`` similarity over ``count`` members, its ``closest`` member (the
    cosine of their ``lead`` embeddings), the names they share and how many days ``apart`` they were published."""
    line = (
        f"joined story {story_id}: similarity {average:.2f} on average over {count} of its articles; "
        f"closest {closest} (lead cosine {lead:.2f})"
    ) + _shares(mine, theirs)
    if apart is not None:
        line += "; same day" if apart == 0 else f"; {apart} day{'s' if apart > 1 else ''} apart"
    return line


def _shares(mine: Profile, theirs: Profile) -> str:
    """The "; shares ..." clause: at most four names both articles mention, the weightiest and most mentioned
    first ("" when they share none)."""
    a, b = mine.names, theirs.names
    shared = sorted((k for k in a if k in b), key=lambda k: (-TYPE_WEIGHTS[a[k][1]], -(a[k][2] + b[k][2]), k))
    return "; shares " + ", ".join(a[k][0] for k in shared[:4]) if shared else ""
