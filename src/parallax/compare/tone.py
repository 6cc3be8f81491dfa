"""Tone of each outlet toward the story's main entities, with the sentences behind each score.

``entity_tone`` is the stage's entry point. It picks the story's main entities (people, organisations, places named
by the most articles), finds in each article the sentences that mention each of them (by any of its names: the
annotator already resolves "Hollis" to "Petra Hollis"; here shorter names that are part of a longer one, "Korvane"
of "Korvane Semiconductor", join it too), and scores each sentence with VADER in the outlet's own voice (direct
quotations removed, see ``framing.sentence_tones``). An outlet's tone toward an entity is the plain mean of its
sentences' scores; every sentence is listed with its score, so each figure can be checked by reading them.

Reads: ``AnnotatedArticle.entities``, ``.sentences``. Writes: ``EntityTone`` records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..annotate.framing import sentence_tones
from ..models import AnnotatedArticle, EntityTone, Story, ToneSentence

__all__ = ["entity_tone", "main_entities"]

# Labels worth a tone: who and what a story is about (dates, numbers and nationalities are not).
TONE_LABELS = frozenset({"PERSON", "ORG", "GPE"})
# At most this many entities per story, most widely named first (a table a reader can take in at a glance).
MAX_ENTITIES = 6
# An entity is "main" when at least this share of the story's articles names it (and at least two articles, in a
# story of several); chosen by reading the seed and example stories, where it keeps the protagonists and drops
# names that one outlet adds as background.
MAIN_SHARE_MIN = 0.5


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w'’-]+", re.sub(r"['’]s\b", "", name.lower())))


def _canonical(articles: Sequence[AnnotatedArticle]) -> dict[str, tuple[str, str]]:
    """Each name the articles resolved an entity to -> (the story's display name for that entity, its label).

    A name's label is the one most of its mentions get (the small NER model calls a company a person now and then).
    A name joins a longer one of the same label that starts with its words ("Korvane" -> "Korvane Semiconductor"),
    or, for a person's lone surname, ends with it; a lone "person" name that starts a company's name joins the
    company; names differing only in case are one. The display name is the group's most frequent form.
    """
    labels: dict[str, dict[str, int]] = {}
    for article in articles:
        for e in article.entities:
            if e.label in TONE_LABELS and _words(e.name):
                counts = labels.setdefault(e.name, {})
                counts[e.label] = counts.get(e.label, 0) + 1
    label_of = {name: max(c, key=lambda lab: (c[lab], lab)) for name, c in labels.items()}
    count = {name: sum(c.values()) for name, c in labels.items()}
    root: dict[str, tuple[tuple[str, ...], str]] = {}
    for name, label in label_of.items():
        words = _words(name)
        longer = [
            _words(other)
            for other, lab in label_of.items()
            if lab == label
            and len(_words(other)) > len(words)
            and (
                _words(other)[: len(words)] == words
                or (label == "PERSON" and len(words) == 1 and _words(other)[-1] == words[0])
            )
        ]
        if not longer and label == "PERSON" and len(words) == 1:
            # a company called by its first word, read as a person's name ("Korvane" of "Korvane Semiconductor")
            companies = [_words(o) for o, lab in label_of.items() if lab == "ORG" and _words(o)[:1] == words]
            if companies:
                root[name] = (max(companies, key=lambda w: (len(w), w)), "ORG")
                continue
        root[name] = (max(longer, key=lambda w: (len(w), w)) if longer else words, label)
    groups: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for name, key in root.items():
        groups.setdefault(key, []).append(name)
    out: dict[str, tuple[str, str]] = {}
    for (_, label), names in groups.items():
        display = max(names, key=lambda n: (count[n], len(n), n))
        for name in names:
            out[name] = (display, label)
    return out


def main_entities(articles: Sequence[AnnotatedArticle]) -> list[tuple[str, str]]:
    """The story's main entities as (name, label), most widely named first."""
    canonical = _canonical(articles)
    reach: dict[tuple[str, str], set[str]] = {}
    mentions: dict[tuple[str, str], int] = {}
    for article in articles:
        for e in article.entities:
            if e.name not in canonical or e.label not in TONE_LABELS:
                continue
            entity = canonical[e.name]
            reach.setdefault(entity, set()).add(article.id)
            mentions[entity] = mentions.get(entity, 0) + 1
    needed = max(2, MAIN_SHARE_MIN * len(articles)) if len(articles) > 1 else 1
    ranked = sorted(reach, key=lambda k: (-len(reach[k]), -mentions[k], k))
    return [k for k in ranked if len(reach[k]) >= needed][:MAX_ENTITIES]


def entity_tone(story: Story, articles: Sequence[AnnotatedArticle]) -> tuple[EntityTone, ...]:
    """Per main entity and per article naming it: the mean own-voice tone of the sentences that name it."""
    members = [a for a in articles if a.id in set(story.articles)] or list(articles)
    entities = main_entities(members)
    if not entities:
        return ()
    canonical = _canonical(members)
    out: list[EntityTone] = []
    for article in members:
        scores = sentence_tones(article.article, article.sentences)
        texts = {s.index: s.text for s in article.sentences}
        named: dict[tuple[str, str], list[int]] = {}
        for e in article.entities:
            if e.name in canonical and e.label in TONE_LABELS:
                found = named.setdefault(canonical[e.name], [])
                if e.sentence not in found:
                    found.append(e.sentence)
        for name, label in entities:
            indices = [i for i in named.get((name, label), []) if i in scores]
            if not indices:
                continue
            sentences = tuple(
                ToneSentence(article.id, i, texts.get(i, ""), round(scores[i][0], 4)) for i in sorted(indices)
            )
            mean = sum(s.score for s in sentences) / len(sentences)
            out.append(EntityTone(name, label, article.id, round(mean, 4), sentences))
    return tuple(out)
