"""The loaded-language lexicon of ``framing``: its entry grammar, its compiler and the tokenizer it shares.

Lexicon format (``data/loaded_terms.json``)::

    {"format": 1,
     "kinds": {KIND: [ENTRY, ...], ...},        # in priority order: the first kind wins a tie
     "compounds": [{"kind": KIND, "prefixes": [...], "stems": [WORD, ...], "spaced": [...]}, ...],
     "exclude": [ENTRY, ...]}                  # neutral phrases that contain a lexicon word

An ENTRY is a lower-case phrase, one token per space-separated item:

``word``
    The word. A hyphen inside it also matches a space or nothing ("knee-jerk" matches "knee jerk" and "kneejerk");
    a possessive in the text is ignored ("achilles heel" matches "Achilles' heel" and "Achilles’s heel").
    Punctuation is a token of its own ("surprise , surprise"; a comma or semicolon after a word is split off).
``word/v``
    The regular verb forms: ``slam/v`` is slam, slams, slammed, slamming. Irregular forms are alternatives.
``word/n``
    Singular and plural: ``crony/n`` is crony, cronies; ``henchman/n`` is henchman, henchmen.
``a|b|c``
    Any one of the alternatives, each with its own tag: ``strike/v|struck fear``.
``*``, ``*?``, ``**``
    Any one word; zero or one word; zero to three words: ``dance/v to ** tune``.
``<tok>``
    Context, first or last only: it must be there but is not part of the match. ``<^>`` is the start of the
    sentence: ``<^> naturally <,>`` flags "Naturally, the minister agreed" but not "gas occurs naturally, and ...".

A compound rule catches productive formations without listing them: a prefix joined by a hyphen ("non-shocker",
"ultra-hawkish") or fused ("nonshocker") to one of its stems; prefixes named in ``spaced`` may also stand apart
("least surprising", "genuinely astonishing"). Stems take the same ``/v`` and ``/n`` tags.

Productive sarcasm is written as entries with gaps and alternatives rather than code: the ironic "managed to" is
``manage/v to ** alienate/v|anger/v|...`` (a self-inflicted harm within three words), so "managed to reach the
survivors" stays quiet; "for a change" needs a clause end after it (``for a change <,>``), so "called for a change
in the rules" does too. A hyphenated entry also matches the spaced words, so an entry whose spaced form is an
ordinary phrase ("has been", "crisis hit") must not be written with a hyphen.

Matching is case-insensitive on whole words, with curly apostrophes, quotation marks and Unicode hyphens folded to
ASCII for matching only: every ``LoadedTerm`` has ``text == article.text[start:end]``. The longest match wins and
terms never overlap; an ``exclude`` phrase that wins suppresses the terms it covers ("sanctions regime").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..errors import ModelError

__all__ = [
    "FOLD_TABLE",
    "KINDS",
    "LEXICON_RESOURCE",
    "Compound",
    "Lexicon",
    "Pattern",
    "Slot",
    "Token",
    "compile_lexicon",
    "fold",
    "inflect",
    "load_lexicon",
    "parse_entry",
    "tokenize",
]

# Every kind the lexicon may use; the JSON's order of kinds is the priority order.
KINDS = (
    "scare-quote",
    "sarcasm",
    "dismissive",
    "idiom",
    "loaded-label",
    "loaded-adverb",
    "loaded-verb",
    "emotive",
    "intensifier",
    "hedge",
)
LEXICON_RESOURCE = "data/loaded_terms.json"

FOLD_TABLE = str.maketrans("‘’‚‛′ʼ`´“”„‟«»″‐‑", "'" * 8 + '"' * 7 + "-" * 2)
_TOKEN_RE = re.compile(r"(?P<w>\w+(?:'\w+)*)|(?P<p>[^\w\s])")
_ENTRY_TOKEN_RE = re.compile(r"^(?:<(?P<ctx>[^<>\s]+)>|(?P<gap>\*\*|\*\?|\*)|(?P<alts>[^<>\s*]+))$")
_SIMPLE_ENTRY_RE = re.compile(r"^(?P<word>[a-z0-9]+)(?:/(?P<tag>[vn]))?$")
_ALT_RE = re.compile(r"^(?P<body>[a-z0-9'.,;:!?&-]+?)(?:/(?P<tag>[vn]))?$")


# --- records -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    form: str  # normalised (folded, lower-case) text
    base: str  # the form without a possessive 's
    start: int
    end: int
    word: bool
    joined: bool  # attached to the previous word by a hyphen


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a compiled entry: a set of word forms, one punctuation mark, or a gap of lo..hi words."""

    words: frozenset[str] = frozenset()
    punct: str = ""
    gap: tuple[int, int] | None = None
    start: bool = False  # the <^> anchor (context only)

    def accepts(self, token: Token) -> bool:
        if self.punct:
            return not token.word and token.form == self.punct
        return token.word and (token.form in self.words or token.base in self.words)


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str  # "" for an exclusion
    lead: tuple[Slot, ...]
    core: tuple[Slot, ...]
    trail: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class Compound:
    kind: str
    prefixes: frozenset[str]
    spaced: frozenset[str]
    stems: frozenset[tuple[str, ...]]
    fused: frozenset[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    index: Mapping[str, tuple[Pattern, ...]]  # first core word form (or mark) -> patterns
    compounds: tuple[Compound, ...]
    priority: Mapping[str, int]
    scare_markers: frozenset[str]  # entries of kind scare-quote, normalised, for "so-called “...”"


# --- compiling -----------------------------------------------------------------------------------------------------


@cache
def load_lexicon() -> Lexicon:
    """The compiled lexicon shipped with the package (read and compiled once)."""
    try:
        raw = resources.files("parallax").joinpath(LEXICON_RESOURCE).read_text(encoding="utf-8")
        data = json.loads(raw)
        return compile_lexicon(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"the loaded-language lexicon {LEXICON_RESOURCE} is missing or invalid: {exc}",
            hint="reinstall parallax-news; if you edited the lexicon, see the format in parallax/framing.py",
        ) from exc


def compile_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Compile the lexicon's JSON; raises ValueError on any invalid entry."""
    if data.get("format") != 1:
        raise ValueError(f"unknown lexicon format {data.get('format')!r}")
    kinds: Mapping[str, Sequence[str]] = data["kinds"]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    index: dict[str, list[Pattern]] = {}
    scare_markers: set[str] = set()
    seen: set[str] = set()
    entries = [(kind, entry) for kind, items in kinds.items() for entry in items]
    entries += [("", entry) for entry in data.get("exclude", [])]
    for kind, entry in entries:
        if entry in seen:
            raise ValueError(f"entry listed twice: {entry!r}")
        seen.add(entry)
        for pattern in parse_entry(entry, kind):
            first = pattern.core[0]
            for key in first.words or {first.punct}:
                index.setdefault(key, []).append(pattern)
        if kind == "scare-quote" and " " not in entry.strip():
            scare_markers.add(entry)
    compounds = tuple(_parse_compound(rule, kinds) for rule in data.get("compounds", []))
    priority = {kind: rank for rank, kind in enumerate(kinds)}
    return Lexicon(
        index={key: tuple(patterns) for key, patterns in index.items()},
        compounds=compounds,
        priority=priority,
        scare_markers=frozenset(scare_markers),
    )


def parse_entry(entry: str, kind: str = "") -> list[Pattern]:
    """The patterns one ENTRY stands for (several when a hyphenated alternative also matches fused or spaced)."""
    if not isinstance(entry, str) or not entry.strip() or entry != entry.lower() or entry != entry.strip():
        raise ValueError(f"entry must be a non-empty, trimmed, lower-case string: {entry!r}")
    simple = _SIMPLE_ENTRY_RE.match(entry)
    if simple:  # one plain word, the common case: skip the general parser (compiling is on the first call's clock)
        forms = frozenset(inflect(simple["word"], simple["tag"] or ""))
        return [Pattern(kind, (), (Slot(words=forms),), ())]
    items = re.sub(r"(?<=[\w'])([,;:!?])(?=\s|$)", r" \1", entry).split()
    lead: list[Slot] = []
    trail: list[Slot] = []
    core_options: list[list[tuple[Slot, ...]]] = []
    for position, item in enumerate(items):
        match = _ENTRY_TOKEN_RE.match(item)
        if match is None:
            raise ValueError(f"bad token {item!r} in entry {entry!r}")
        if match["ctx"] is not None:
            slot = _context_slot(match["ctx"], entry)
            if not core_options:
                lead.append(slot)
            elif position == len(items) - 1 or trail:
                trail.append(slot)
            else:
                raise ValueError(f"context <...> only at the start or end of an entry: {entry!r}")
            continue
        if trail:
            raise ValueError(f"context <...> only at the start or end of an entry: {entry!r}")
        if match["gap"] is not None:
            if not core_options:
                raise ValueError(f"an entry cannot start with a gap: {entry!r}")
            lo, hi = {"*": (1, 1), "*?": (0, 1), "**": (0, 3)}[match["gap"]]
            core_options.append([(Slot(gap=(lo, hi)),)])
            continue
        core_options.append(_alternatives(match["alts"], entry))
    if not core_options:
        raise ValueError(f"entry has no words: {entry!r}")
    if core_options[-1][0][0].gap is not None:
        raise ValueError(f"an entry cannot end with a gap: {entry!r}")
    if any(slot.start for slot in trail) or any(slot.start for slot in lead[1:]):
        raise ValueError(f"<^> must come first: {entry!r}")
    sequences: list[tuple[Slot, ...]] = [()]
    for options in core_options:
        sequences = [seq + option for seq in sequences for option in options]
        if len(sequences) > 64:
            raise ValueError(f"entry expands to too many variants: {entry!r}")
    return [Pattern(kind, tuple(lead), seq, tuple(trail)) for seq in sequences]


def _context_slot(ctx: str, entry: str) -> Slot:
    if ctx == "^":
        return Slot(start=True)
    tokens = tokenize(ctx, 0, len(ctx))
    if len(tokens) != 1:
        raise ValueError(f"context must be one token: <{ctx}> in {entry!r}")
    token = tokens[0]
    return Slot(words=frozenset({token.form})) if token.word else Slot(punct=token.form)


def _alternatives(item: str, entry: str) -> list[tuple[Slot, ...]]:
    """The slot sequences for one ``a|b/v|c-d`` item: one-word alternatives share a slot."""
    single: set[str] = set()
    multi: list[tuple[Slot, ...]] = []
    for alt in item.split("|"):
        match = _ALT_RE.match(alt)
        if match is None or (not re.search(r"[a-z0-9]", match["body"]) and len(match["body"]) != 1):
            raise ValueError(f"bad alternative {alt!r} in entry {entry!r}")
        body, tag = match["body"], match["tag"] or ""
        variants = [body] if "-" not in body.strip("-") else [body, body.replace("-", "")]
        for variant in variants:
            if variant.isalnum():  # the common case, without the tokenizer (compiling is on the first call's clock)
                single |= inflect(variant, tag)
                continue
            tokens = tokenize(variant, 0, len(variant))
            if not tokens:
                raise ValueError(f"bad alternative {alt!r} in entry {entry!r}")
            slots: list[Slot] = []
            for k, token in enumerate(tokens):
                if not token.word:
                    slots.append(Slot(punct=token.form))
                    continue
                forms = inflect(token.form, tag) if k == len(tokens) - 1 else {token.form}
                slots.append(Slot(words=frozenset(forms | {_base(f) for f in forms})))
            if len(slots) == 1 and slots[0].words:
                single |= slots[0].words
            else:
                multi.append(tuple(slots))
    options = [(Slot(words=frozenset(single)),)] if single else []
    return options + multi


def _parse_compound(rule: Mapping[str, Any], kinds: Mapping[str, Sequence[str]]) -> Compound:
    kind = rule["kind"]
    if kind not in kinds:
        raise ValueError(f"compound rule of unknown kind {kind!r}")
    prefixes = frozenset(rule["prefixes"])
    spaced = frozenset(rule.get("spaced", []))
    if not prefixes or not spaced <= prefixes or any(p != p.lower() or not p.isalpha() for p in prefixes):
        raise ValueError(f"bad prefixes in compound rule {rule!r}")
    stems: set[tuple[str, ...]] = set()
    for stem in rule["stems"]:
        match = _ALT_RE.match(stem)
        if match is None or stem != stem.lower():
            raise ValueError(f"bad stem {stem!r} in compound rule")
        parts = [t.form for t in tokenize(match["body"], 0, len(match["body"])) if t.word]
        for form in inflect(parts[-1], match["tag"] or ""):
            stems.add((*parts[:-1], form))
    fused = frozenset("".join(stem) for stem in stems)
    return Compound(kind, prefixes, spaced, frozenset(stems), fused)


def inflect(word: str, tag: str) -> set[str]:
    """Regular English inflection; over-generation is harmless (a non-word never matches)."""
    if tag == "n":
        if word.endswith("man"):
            return {word, word[:-3] + "men"}
        if re.search(r"[^aeiou]y$", word):
            return {word, word[:-1] + "ies"}
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return {word, word + "es"}
        return {word, word + "s"}
    if tag != "v":
        return {word}
    if word.endswith("e"):
        forms = {word, word + "s", word + "d", (word if word.endswith(("ee", "ye", "oe")) else word[:-1]) + "ing"}
    elif re.search(r"[^aeiou]y$", word):
        forms = {word, word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        forms = {word, word + "es", word + "ed", word + "ing"}
    else:
        forms = {word, word + "s", word + "ed", word + "ing"}
    if re.search(r"(?:^|[^aeiou]|qu)[aeiou][bdfgklmnprtvz]$", word):  # slam -> slammed; over-generates "targetted"
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


# --- tokens --------------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case, ASCII quotes and hyphens; the same length as ``text``, so offsets carry over."""
    folded = text.translate(FOLD_TABLE)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def _base(form: str) -> str:
    return form[:-2] if form.endswith("'s") and len(form) > 2 else form


def tokenize(folded: str, start: int, end: int) -> list[Token]:
    """Words and punctuation of ``folded[start:end]``; a hyphen between two words joins them (and is dropped), an
    apostrophe right after a word is a possessive (and is dropped)."""
    tokens: list[Token] = []
    joined = False
    for match in _TOKEN_RE.finditer(folded, start, end):
        s, e = match.span()
        if match["w"] is not None:
            form = match["w"]
            tokens.append(Token(form, _base(form), s, e, True, joined))
            joined = False
            continue
        mark = match["p"]
        after_word = bool(tokens) and tokens[-1].word and tokens[-1].end == s
        before_word = e < end and (folded[e].isalnum() or folded[e] == "_")
        if mark == "-" and after_word and before_word:
            joined = True
            continue
        if mark == "'" and after_word and not before_word:
            continue
        tokens.append(Token(mark, mark, s, e, False, False))
        joined = False
    return tokens
