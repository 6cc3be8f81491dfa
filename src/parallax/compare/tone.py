"""Tone of each outlet toward the story's main people, organisations and countries, with the sentences behind it.

``entity_tone`` is the stage's entry point. It picks the story's main entities (people, organisations and
countries named by the most articles; a city or region is not one: ``annotate.targets.is_country``), groups the
names an entity goes by (the annotator already resolves "Hollis" to "Petra Hollis"; here shorter names that are part
of a longer one, "Korvane" of "Korvane Semiconductor", join it too), and reads, per article, the evaluations the
annotator found aimed at it (``AnnotatedArticle.evaluations``: evaluative words the dependency parse points at the
entity, see ``annotate.targets``; those of |valence| ``MIN_VALENCE`` or more). A sentence that merely names the
entity gives no tone: "Russia has no plans to ban Huawei" says nothing good or bad of Huawei.

Each sentence's score is the mean polarity of its evaluative words aimed at the entity, in one voice. An outlet's
tone toward an entity (``score``) is the plain mean over the sentences in its own voice; quoted and attributed
opinions ("X said Y is a disaster", "critics slammed Y") are scored apart (``quoted_score``) and never mixed in.
Every sentence is listed with its words, so each figure can be checked by reading them.

Reads: ``AnnotatedArticle.entities``, ``.evaluations``, ``.sentences``. Writes: ``EntityTone`` records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..annotate.targets import is_country
from ..models import AnnotatedArticle, EntityTone, Evaluation, Story, ToneSentence

__all__ = ["MIN_VALENCE", "canonical_names", "entity_tone", "main_entities"]

# Labels worth a tone: who a story is about (dates, numbers, nationalities, and places other than countries are not).
TONE_LABELS = frozenset({"PERSON", "ORG", "GPE"})
# An evaluative word counts when its |valence| (VADER's -4 .. +4 scale) is at least this: "controversial" (-0.8) does
# not, "failure" (-2.3) does. Chosen on BASIL's 2010-2012 events by own-voice F0.5 (python -m
# parallax.evaluation.tone --fit); the figures in docs/EVALUATION.md are on 2013-2014.
MIN_VALENCE = 1.0
# At most this many entities per story, most widely named first (a table a reader can take in at a glance).
MAX_ENTITIES = 6
# An entity is "main" when at least this share of the story's articles names it (and at least two articles, in a
# story of several); chosen by reading the seed and example stories, where it keeps the protagonists and drops
# names that one outlet adds as background.
MAIN_SHARE_MIN = 0.5


def _toned(name: str, label: str) -> bool:
    """A person, an organisation, or a country (spaCy's GPE also covers cities and regions: those get no tone)."""
    return label in TONE_LABELS and (label != "GPE" or is_country(name))


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w'’-]+", re.sub(r"['’]s\b", "", name.lower())))


def canonical_names(articles: Sequence[AnnotatedArticle]) -> dict[str, tuple[str, str]]:
    """Each name the articles resolved an entity to -> (the story's display name for that entity, its label).

    A name's label is the one most of its mentions get (the small NER model calls a company a person now and then).
    A name joins a longer one of the same label that starts with its words ("Korvane" -> "Korvane Semiconductor"),
    or, for a person's lone surname, ends with it; a lone "person" name that starts a company's name joins the
    company; names differing only in case are one. The display name is the group's most frequent form.
    """
    labels: dict[str, dict[str, int]] = {}
    for article in articles:
        for e in article.entities:
            if _toned(e.name, e.label) and _words(e.name):
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
    canonical = canonical_names(articles)
    reach: dict[tuple[str, str], set[str]] = {}
    mentions: dict[tuple[str, str], int] = {}
    for article in articles:
        for e in article.entities:
            if e.name not in canonical or not _toned(e.name, e.label):
                continue
            entity = canonical[e.name]
            reach.setdefault(entity, set()).add(article.id)
            mentions[entity] = mentions.get(entity, 0) + 1
    needed = max(2, MAIN_SHARE_MIN * len(articles)) if len(articles) > 1 else 1
    ranked = sorted(reach, key=lambda k: (-len(reach[k]), -mentions[k], k))
    return [k for k in ranked if len(reach[k]) >= needed][:MAX_ENTITIES]


def entity_tone(story: Story, articles: Sequence[AnnotatedArticle]) -> tuple[EntityTone, ...]:
    """Per main entity and per article evaluating it: the mean tone of its own-voice sentences aimed at the entity,
    and apart from it the mean of the quoted or attributed ones."""
    members = [a for a in articles if a.id in set(story.articles)] or list(articles)
    entities = main_entities(members)
    if not entities:
        return ()
    canonical = canonical_names(members)
    out: list[EntityTone] = []
    for article in members:
        texts = {s.index: s.text for s in article.sentences}
        aimed: dict[tuple[str, str], list[Evaluation]] = {}
        for e in article.evaluations:
            if e.entity in canonical and abs(e.score) * 4 >= MIN_VALENCE - 1e-9:
                aimed.setdefault(canonical[e.entity], []).append(e)
        for name, label in entities:
            found = aimed.get((name, label), [])
            if not found:
                continue
            own = _sentences(article.id, texts, [e for e in found if e.voice == "own"])
            quoted = _sentences(article.id, texts, [e for e in found if e.voice != "own"])
            out.append(EntityTone(name, label, article.id, _mean(own) or 0.0, own, _mean(quoted), quoted))
    return tuple(out)


def _sentences(article_id: str, texts: dict[int, str], found: Sequence[Evaluation]) -> tuple[ToneSentence, ...]:
    """One ``ToneSentence`` per sentence (and, for quoted opinions, per speaker), its words' mean polarity."""
    groups: dict[tuple[int, str, str | None], list[Evaluation]] = {}
    for e in sorted(found, key=lambda e: (e.sentence, e.start)):
        groups.setdefault((e.sentence, e.voice, e.speaker), []).append(e)
    return tuple(
        ToneSentence(
            article_id,
            index,
            texts.get(index, ""),
            round(sum(e.score for e in group) / len(group), 4),
            tuple(e.cue for e in group),
            group[0].voice,
            speaker,
        )
        for (index, _, speaker), group in groups.items()
    )


def _mean(sentences: Sequence[ToneSentence]) -> float | None:
    return round(sum(s.score for s in sentences) / len(sentences), 4) if sentences else None
