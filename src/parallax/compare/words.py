"""Content words of a sentence, as alignment and the same-claim model compare them."""

from __future__ import annotations

import re

__all__ = ["WORD", "content_terms"]

WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*", re.UNICODE)
STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say told according
    reported report reports one two new also however would could may might""".split()
)


def content_terms(text: str) -> list[str]:
    """Lower-cased content words, roughly stemmed; stop words and short words dropped."""
    out = []
    for match in WORD.finditer(text.lower()):
        word = match.group().replace("’", "'").strip("'-.,")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 3 and not word[:1].isdigit():
            continue
        if word in STOP:
            continue
        # crude stemming: plural and -ing/-ed endings, enough to match cooperate/cooperation/cooperating roughly
        for suffix in ("ations", "ation", "ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out
