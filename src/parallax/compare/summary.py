"""A neutral extractive summary of a story: every sentence copied verbatim from a source and cited.

Each fact is shown by one of its own sentences and cites the articles whose own sentence states it (the fact's
mentions linked at ``CITE_MIN`` or more; the others are named apart as linked less surely, and a "related", weaker
match is never named). Facts are ranked by how central the shown sentence is to the story (MiniLM cosine to the
story's centroid, each article weighing the same) and how near the top of its article
a wording of the fact comes (news leads are written to summarise); a candidate that states the claim of a sentence
already chosen is skipped and its slot goes to the next one (``_redundant``: alignment leaves many wordings of one
claim in separate facts, each outlet's lead above all, and precision comes first here). The summary then puts the
claims most outlets share first: ``LENGTH`` facts several independent outlets state, then up to ``EXCLUSIVES`` that
only one reports, marked as such (with a word budget, the most relevant facts of either kind, in the same order).

A sentence is shown only where it reads on its own: no opening pronoun or connective ("He said...", "But the
ministry..."), no quotation without its attribution, not a photo caption, credit, embed, byline, headline,
transcript, reprint notice or question (``_fit``).

Neutrality: each fact is voiced by its plainest wording, the mention with the fewest loaded terms (slanted or
emotive words found by ``framing``), and a fact only loaded wordings state is ranked down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..models import Fact, FactMention, StoryAnalysis, SummarySentence
from .words import content_terms

__all__ = ["summarize"]

LENGTH = 5  # sentences covering facts several outlets agree on
EXCLUSIVES = 3  # then sentences only one outlet reports
# Two sentences state one claim for the summary (``_redundant``) when their MiniLM cosine reaches REDUNDANCY_MAX, when
# alignment matched one of them to the other's fact as "related" (a weaker match, not joined), or when at least
# SHARED_MIN content words of the shorter one, and CONTAINED_MIN of them, are in the other (its content is largely
# contained). Shaped on the training claim golds (the seeds and tests/data/claims/train; benchmarks/summary_claims.py):
# pairs of summary sentences that share a gold claim 23 of 67 sentences -> 8 of 63 (the cosine cut alone at 0.6: 7 of
# 60, at Multi-News ROUGE-1 47.3 on the fitted half against 47.9). Any sentence of the other's fact counting as the
# link, rather than the shown one, gives 7 but costs ROUGE (the fast gate's fall below their floors): a
# story's lead fact has many related sentences. On the held-out claim golds (tests/data/claims/*.json): 15 pairs of 27
# sentences -> 7 of 24. Multi-News ROUGE-1 / 2 / L (python -m parallax.evaluation --only summaries), all 100 clusters
# and the held-out odd half: 46.9 / 15.5 / 20.5 and 45.9 / 15.4 / 20.7, against 46.9 / 15.7 / 20.8 and 45.9 / 15.6 /
# 21.0 with the cosine cut alone (the shown claims repeat less; ROUGE-2 and -L pay a little).
REDUNDANCY_MAX = 0.75
CONTAINED_MIN = 0.4
SHARED_MIN = 3
LOADED_PENALTY = 0.25  # relevance lost per loaded term in a fact's plainest wording
MIN_WORDS = 6  # summary sentences are full sentences, not datelines or fragments
MAX_WORDS = 60
MAX_CHARS = 2_000  # the attribution check reads this much of a sentence
# Relevance = SUPPORT * (independent outlets - 1) / (most outlets on any fact - 1) + CENTRAL * cosine of the shown
# sentence to the story's centroid (the mean of each article's unit mean sentence vector, so that a long article
# weighs no more than a short one) + LEAD / (1 + the earliest position of a wording of the fact fit to show in its
# article) - LOADED_PENALTY per loaded term; the summary is then ordered by outlets (the claims most outlets share
# first).
# Fitted on the even-numbered clusters of ../shared/data/multinews (50 clusters; ROUGE-1 at reference length; two
# rounds of coordinate search over these weights, MMR against a hard redundancy cut, the centroid and MIN_WORDS;
# SUPPORT is flat there, 0-0.8 within 0.1, and keeps the old 0.3 that brings the most-shared facts into the report's
# five). ROUGE-1 / 2 / L: fitted half 47.5 / 15.5 / 20.2, held-out odd half 45.7 / 15.3 / 20.7, all 100 46.6 / 15.4
# / 20.5 (the summary before: 46.3 / 14.0 / 19.4, 45.5 / 15.1 / 21.1, 45.9 / 14.6 / 20.2). The fitted-half gain is
# larger than the held-out one: the weights sit on a plateau. Since then the lead position counts only wordings fit
# to show (a caption or a review's cast list at the top of an article is not its lead): ROUGE-1 fitted half 47.67 ->
# 47.70, held-out odd half 45.91 -> 45.91, all 46.79 -> 46.81 (benchmarks/summary_rouge.py). LEAD refitted on the
# even half alone is flat: 0.5 gives 47.73 there (0.35-0.7 by 0.05) but one more pair of summary sentences of one
# gold claim on the training claim golds (10 of 64 against 9), so it stays at 0.45.
# A summary sentence cites another article only where alignment linked that article's sentence to the fact at this
# P(same claim) or more (``FactMention.confidence``); a weaker link stays in the fact (shown with its confidence)
# but is no citation; the shown sentence's own link must be as sure. 0.85 is where the link model's precision on MSRP
# train first reaches .90 (train .900, test .872; at the link threshold .56: .841 / .830); no claim gold was used to
# choose it. Held-out claim golds: summary citation precision .985 -> 1.000 (benchmarks/summary_claims.py;
# citations of other articles right 28 of 29 -> 25 of 25); Multi-News ROUGE-1 all 100 46.81 -> 46.82 (odd half
# 45.91 -> 46.16, even 47.70 -> 47.48).
CITE_MIN = 0.85
SUPPORT_WEIGHT = 0.3
CENTRAL_WEIGHT = 0.6
LEAD_WEIGHT = 0.45
# Not statements of the story: a photo credit closing a caption "(Jane Doe / Staff Photographer)", "(AP Photo)",
# slide counters "1 of 6.", "Image copyright ...", reprint and rights notices, social-media embed notices.
_NOT_A_FACT = re.compile(
    r"\((?:[^()]*\s/\s[^()]*|[^()]*\b(?:AP|Photo|Getty|Reuters|File)\b[^()]*)\)\s*$"
    r"|^(?:Image copyright|Image caption|Photo:|\d+ of \d+\.)"
    r"|\bReprints\b|non-commercial use|All rights reserved|your Tweets"
    # embed and archive notices that scrapes keep: the tweet widget's location notice, the Wayback Machine's credit
    r"|^When you tweet with a location|Alexa Internet has been donating|Internet Archive|Wayback Machine"
    r"|Tweet location history|fix all broken links|as an interest to stay up to date|^(?:Click|Tap) here\b"
    # a wire photo credit "REUTERS/Stephen Lam", "AP Photo/Jae C. Hong", "Courtesy Sara Carson", "Photograph: X"
    r"|\b(?:REUTERS|AFP|AP|EPA|Getty Images|AP Photo|Photo)\s?/\s?[A-Z]|\bCourtesy (?:of )?[A-Z]\w+\W*$|\bPhotograph: "
    # a bracketed embed or link "[Related: ...]", "[Watch: ...]"; a tweet embed naming its handle "@ realDonaldTrump"
    r"|^\[.*\]\W*$|(?:^|\s)@\s?\w{2,}\b"
    # a file-photo caption "FILE - In this April 17, 2018 file photo, ..."; an aside wholly in brackets
    r"|^FILE\s*[-—–:]|\bfile photo\b|^\(.*\)\W*$"
    # a credit line or a newsroom's notice: "AP writer Jane Doe contributed to this report.", "Send us a secure tip
    # ...", "Sign up for BREAKING NEWS Emails ...", "... our weekly newsletter here."
    r"|\bcontributed to this report\b|\bsecure tip\b|\bsign up (?:for|to)\b|\bnewsletter\b|\bthanks for subscribing\b",
    re.IGNORECASE,
)
# A line of a transcript or an interview, or a section label, not a sentence of the story: it opens with a speaker or
# a label in capitals and a colon ("TRUMP: I mean, ...", "MB: Eris is ...", "THE FACTS: ...", "ON LEADERSHIP: ...").
_LABEL = re.compile(r"^[A-Z][A-Z.'’\- ]{1,30}:\s")
# A photo caption: a sentence that ends with a full date "... in Cairo on Monday, July 29, 2013." News prose dates an
# event by a weekday or "Month Day"; captions and embedded posts carry the full date with its year at the end.
_CAPTION_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, (?:19|20)\d\d\W*$"
)
# a full sentence ends with its punctuation (a closing quote or bracket may follow); a headline, a list item
# ("...panels;") or a lead-in ("Update 2: ...:") does not
_ENDS = re.compile(r"[.!][\"'”’)\]]*\s*$")

# A summary sentence must stand on its own: not one that opens with a pronoun or a connective pointing back at a
# sentence the reader has not seen ("He said...", "But the ministry..."), nor a quotation with no speaker in it.
_DANGLING = re.compile(
    r"^[\"“‘'(\s]*(?:he|she|they|it|its|his|her|their|them|this|these|those|that|such|there|but|and|so|yet|also|"
    r"still|however|meanwhile|instead|then|here|both|the latter|the former|likewise|similarly|moreover|furthermore|"
    r"besides|thus|therefore|hence|in addition|as a result|for example|for instance|again|"
    r"(?:all|each|none|some|many|most|one|two|three|several|few|neither|either) of (?:them|those|these|us))\b",
    re.IGNORECASE,
)
_QUOTE_OPEN = re.compile(r"^\s*[\"“‘]")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|added|wrote|stated|according to|asked|argued|noted|explained|tweeted|insisted)\b",
    re.IGNORECASE,
)
# a quotation whose speaker is only a pronoun ("'...,' he said."): shown only where no outlet names the speaker
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’")
_PRONOUN_SPEAKER = re.compile(
    r"\b(?:(?:he|she|they|we|i|you)\s+(?:\w+ly\s+)?(?:said|says|told|added|wrote|stated|asked|argued|noted|explained|"
    r"tweeted|insisted)|(?:said|says|added|wrote|asked)\s+(?:he|she|they)\b)",
    re.IGNORECASE,
)

Matrix = NDArray[np.float32]


def _fit(text: str) -> bool:
    """A wording the summary may show: a whole sentence of the story that reads on its own, not a caption, credit,
    embed, headline, transcript line or question."""
    words = len(text.split())
    return (
        MIN_WORDS <= words <= MAX_WORDS
        and not _shouting(text)
        and not text.rstrip().endswith("?")
        and _ENDS.search(text) is not None
        and not _NOT_A_FACT.search(text)
        and not _LABEL.match(text)
        and not _CAPTION_DATE.search(text)
        and _stands_alone(text)
    )


def _plainest(fact: Fact, fit: Sequence[FactMention], loaded: Mapping[tuple[str, int], int]) -> FactMention | None:
    """The wording of the fact the summary shows: of its mentions fit to show (``fit``, by ``_fit``), one that names
    the speaker of a quotation it opens with rather than "he said", then the one with the fewest loaded terms; ties go
    to an original over a syndicated copy, then to the wording that comes earliest in its article (a lead sentence,
    written to summarise), then to reading order. None when no mention is fit to show."""
    if not fit:
        return None
    return min(
        fit,
        key=lambda m: (
            _pronoun_speaker(m.text),
            loaded.get((m.article_id, m.sentence), 0),
            m.article_id not in fact.independent,
            m.sentence,
        ),
    )


def _row(mention: FactMention, vectors: Mapping[str, Matrix]) -> Matrix | None:
    rows = vectors.get(mention.article_id)
    if rows is None or mention.sentence >= len(rows):
        return None
    row: Matrix = rows[mention.sentence]
    return row


def _stands_alone(text: str) -> bool:
    """Readable without the sentence before it: no opening pronoun or connective, no quotation without its
    attribution outside the quotation marks."""
    if _DANGLING.match(text):
        return False
    if not _QUOTE_OPEN.match(text):
        return True
    return _ATTRIBUTION.search(_QUOTED.sub(" ", text[:MAX_CHARS])) is not None


def _pronoun_speaker(text: str) -> bool:
    """A quotation whose speaker the sentence names only by a pronoun ("'...,' he said.")."""
    return (
        _QUOTE_OPEN.match(text) is not None and _PRONOUN_SPEAKER.search(_QUOTED.sub(" ", text[:MAX_CHARS])) is not None
    )


def _shouting(text: str) -> bool:
    """Mostly capital letters: a broadcast transcript, a headline or a label, not a sentence of the story."""
    letters = [c for c in text[:MAX_CHARS] if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


@dataclass(frozen=True, slots=True)
class _Candidate:
    fact: Fact
    shown: FactMention  # the wording the summary shows
    vector: Matrix | None  # the shown sentence's
    relevance: float
    sources: tuple[str, ...]  # the articles the sentence cites
    terms: frozenset[str]  # the shown sentence's content words

    def linked(self, other: _Candidate) -> bool:
        """Alignment matched the sentence one shows to the other's fact as "related": a weaker match than stating
        it, so not joined (nor cited, nor counted as agreement), but near enough to be the same claim here."""
        return _shows_related(self, other) or _shows_related(other, self)

    @property
    def outlets(self) -> int:
        """Independent outlets the sentence cites."""
        return _independent(self.fact, self.sources)


def _cited(fact: Fact, shown: FactMention) -> tuple[str, ...]:
    """The articles a summary sentence cites: its own, and those whose sentence alignment linked to the fact at
    ``CITE_MIN`` or more, when the shown sentence itself is linked that surely (a mention's confidence is its
    strongest link in the fact: a shown sentence linked at .60 to B does not borrow B's .95 link to C); only its
    own where the agreement is unsure (``_unsure``)."""
    if _unsure(fact, shown) or shown.confidence < CITE_MIN:
        return (shown.article_id,)
    sure = {m.article_id for m in fact.mentions if m.confidence >= CITE_MIN} | {shown.article_id}
    return tuple(s for s in fact.sources if s in sure)


def _independent(fact: Fact, cited: Sequence[str]) -> int:
    """How many independent outlets the cited articles are (a copy counts with its original; at least one)."""
    return len(fact.independent) if tuple(cited) == fact.sources else max(1, len(set(cited) & set(fact.independent)))


def _shows_related(candidate: _Candidate, other: _Candidate) -> bool:
    shown = (candidate.shown.article_id, candidate.shown.sentence)
    return any((m.article_id, m.sentence) == shown for m in other.fact.related)


def _unsure(fact: Fact, shown: FactMention) -> bool:
    """A shared fact whose representative sentence (the one alignment matched the others to) opens with a pronoun or
    a connective pointing back ("These latest sanctions..."): what it claims depends on the sentence before it, so
    the other outlets' agreement with the wording shown is unsure, and the summary cites the shown article only."""
    return len(fact.sources) > 1 and shown.text != fact.text and _DANGLING.match(fact.text) is not None


def _candidates(
    analysis: StoryAnalysis, vectors: Mapping[str, Matrix], loaded: Mapping[tuple[str, int], int]
) -> list[_Candidate]:
    centroid = _centroid(analysis, vectors)
    top = max((len(f.independent) for f in analysis.facts), default=1)
    out = []
    for fact in analysis.facts:
        fit = [m for m in fact.mentions if _fit(m.text)]
        shown = _plainest(fact, fit, loaded)
        if shown is None:
            continue
        vector = _row(shown, vectors)
        central = float(vector @ centroid) if vector is not None and centroid is not None else 0.0
        # the lead of a wording that is a sentence of the story: a caption, a credit or a review's cast list above the
        # first paragraph ("1 of 6. ...", "With Saoirse Ronan, Stanley Tucci, ...") is not the article's lead
        lead = 1.0 / (1 + min(m.sentence for m in fit))
        penalty = LOADED_PENALTY * loaded.get((shown.article_id, shown.sentence), 0)
        sources = _cited(fact, shown)
        support = (_independent(fact, sources) - 1) / (top - 1) if top > 1 else 0.0
        relevance = SUPPORT_WEIGHT * support + CENTRAL_WEIGHT * central + LEAD_WEIGHT * lead - penalty
        terms = frozenset(content_terms(shown.text[:MAX_CHARS]))
        out.append(_Candidate(fact, shown, vector, relevance, sources, terms))
    return out


def _redundant(candidate: _Candidate, other: _Candidate) -> bool:
    """The two sentences state one claim as far as the summary can tell: near in meaning (MiniLM cosine at least
    ``REDUNDANCY_MAX``), linked by alignment as "related", or the shorter one's content words largely found in the
    other (at least ``SHARED_MIN`` of them and ``CONTAINED_MIN`` of all)."""
    a, b = candidate.vector, other.vector
    if a is not None and b is not None and float(a @ b) >= REDUNDANCY_MAX:
        return True
    if candidate.linked(other):
        return True
    shared = len(candidate.terms & other.terms)
    return shared >= SHARED_MIN and shared >= CONTAINED_MIN * min(len(candidate.terms), len(other.terms))


def _pick(
    candidates: Sequence[_Candidate], chosen: list[_Candidate], limit: int, budget: int | None = None
) -> list[_Candidate]:
    """Up to ``limit`` candidates (or ``budget`` words), most relevant first, each stating a claim other than those
    of the candidates already chosen (``_redundant``: two wordings of one claim that alignment left apart are not
    both shown; the slot goes to the next candidate)."""
    picked: list[_Candidate] = []
    spent = 0
    for candidate in sorted(candidates, key=lambda c: -c.relevance):
        if len(picked) >= limit or (budget is not None and spent >= budget):
            break
        if any(_redundant(candidate, c) for c in chosen):
            continue
        picked.append(candidate)
        chosen.append(candidate)
        spent += len(candidate.shown.text.split())
    return picked


def _lead(candidates: Sequence[_Candidate], limit: int, words: int | None) -> list[_Candidate]:
    out: list[_Candidate] = []
    spent = 0
    for candidate in sorted(candidates, key=lambda c: c.shown.sentence)[:limit]:
        if words is not None and spent >= words:
            break
        out.append(candidate)
        spent += len(candidate.shown.text.split())
    return out


def _centroid(analysis: StoryAnalysis, vectors: Mapping[str, Matrix]) -> Matrix | None:
    """The unit mean of the story's articles' unit mean sentence vectors: each article weighs the same, however long
    (None when they were not embedded)."""
    means = []
    for article in analysis.story.articles:
        rows = vectors.get(article)
        if rows is not None and len(rows):
            mean = rows.mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm > 1e-9:
                means.append(mean / norm)
    if not means:
        return None
    total: Matrix = np.mean(np.stack(means), axis=0)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 1e-9 else None


def summarize(
    analysis: StoryAnalysis,
    vectors: Mapping[str, Matrix],
    loaded: Mapping[tuple[str, int], int] | None = None,
    *,
    words: int | None = None,
) -> tuple[SummarySentence, ...]:
    """Summary sentences for one story: the facts several outlets state, most outlets first, then exclusives.

    ``vectors``: article id -> one embedding row per sentence; ``loaded``: (article id, sentence index) -> number of
    loaded terms in that sentence. ``words``: instead of ``LENGTH`` shared facts + ``EXCLUSIVES``, the most relevant
    facts, shared or not, up to this many words, in the same order (shared facts by outlets, then exclusives).
    Each sentence cites the articles whose own sentence states its fact (``Fact.sources``: its mentions, never its
    related sentences) where alignment linked it at ``CITE_MIN`` or more, or only its own article where that
    agreement is unsure (``_unsure``); "most outlets" counts the outlets cited.
    """
    candidates = _candidates(analysis, vectors, loaded or {})
    chosen: list[_Candidate] = []
    if len(analysis.story.articles) == 1:
        # one article: its lead sentences are the best summary of itself
        picked = _lead(candidates, LENGTH if words is None else len(candidates), words)
    elif words is None:
        shared = [c for c in candidates if c.outlets > 1]
        picked = _pick(shared, chosen, LENGTH)
        picked += _pick([c for c in candidates if c.outlets <= 1], chosen, EXCLUSIVES)
    else:
        picked = _pick(candidates, chosen, len(candidates), words)
    # the claims most outlets share come first; ties keep the order of relevance
    ordered = sorted(picked, key=lambda c: -c.outlets)
    return tuple(
        SummarySentence(
            text=c.shown.text,
            article_id=c.shown.article_id,
            sentence=c.shown.sentence,
            sources=c.sources,
            fact_id=c.fact.id,
            exclusive=len(c.fact.independent) <= 1 and len(analysis.story.articles) > 1,
            unsure=tuple(s for s in c.fact.sources if s not in c.sources),
        )
        for c in ordered
    )
