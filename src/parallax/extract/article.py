"""Clean article text and metadata from a :class:`~parallax.models.RawDocument`.

:func:`extract` turns one document into an :class:`~parallax.models.Article`:

- ``html``: trafilatura finds the main text and the metadata (title, byline, site name, date, canonical URL);
  its text then goes through the light plain-text cleaner, which drops the captions and "Read more" lines it keeps.
- ``text``: the plain-text line cleaner (:mod:`parallax.extract.boilerplate`) finds the body paragraphs and reads the
  header (title, ``By NAME Source: OUTLET Published: DATE``).
- ``record``: news-please / trafilatura JSON fields, mapped by :mod:`parallax.sources.records`; the body goes through
  the light cleaner, since scraped text often keeps some furniture.

Metadata declared in ``RawDocument.meta`` wins over what is found in the text. Bad documents raise an
:class:`~parallax.errors.InputError` subclass (empty, not English, malformed), which the pipeline turns into a
rejection.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import Any

from ..errors import EmptyInputError, FormatError, InputError, LanguageError, TooLargeError
from ..models import Article, RawDocument
from ..sources.decode import decode_bytes
from .boilerplate import STOP_WORDS, CleanText, clean_text, iso_date, normalise

__all__ = ["MAX_ARTICLE_CHARS", "check_language", "extract", "main_text"]

# --- tuning constants -----------------------------------------------------------------------------------------------

MIN_WORDS = 20  # fewer words than this after cleaning is a stub, a paywall notice or an error page
# Language check: the share of English function words (boilerplate.STOP_WORDS) among word tokens. Over the English
# gold bodies of the article-extraction benchmark (AEB) it is 0.24-0.60 (median 0.43) for prose, lower only for
# score tables and recipes (0.01-0.13); in the benchmark's German, Portuguese, Italian, Russian, Korean and Indonesian
# pages it is 0.00-0.09. A text below ENGLISH_MIN_SHARE is rejected only with positive evidence of another language
# (another script, or more function words of one of FUNCTION_WORDS' languages than of English), so an English score
# table is not called "not English".
ENGLISH_MIN_SHARE = 0.15
# The longest article text analysed. spaCy refuses texts over 1,000,000 characters (its nlp.max_length) and its
# documentation puts the parser's and NER's working memory at ~1 GB per 100,000 characters; long-form features run
# ~10,000 words (~60,000 characters), so 200,000 leaves three times that and bounds one article's memory.
MAX_ARTICLE_CHARS = 200_000
# Plain text and record bodies longer than this are rejected before the line cleaner reads them (it runs ~2 s per
# million characters): ten times MAX_ARTICLE_CHARS, as boilerplate never makes up nine tenths of a text file.
MAX_RAW_CHARS = 10 * MAX_ARTICLE_CHARS
LANGUAGE_SAMPLE_WORDS = 2000  # the check reads the first words only: enough to decide, cheap on long texts
LANGUAGE_MIN_WORDS = 20  # below this the share is noise; such texts are rejected as too short anyway
OTHER_SCRIPT_SHARE = 0.5  # over this share of letters in non-Latin scripts, the text is not English
KANA_SHARE = 0.1  # Japanese prose is ~30-60% kana; Chinese has none
# The most frequent function words of some languages written in Latin script, to name the language of a rejected
# text (words shared with English, like "a", "in", "die", only make the test stricter).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "de": "der die das und ist nicht mit den von zu sich des auf für dem ein eine im auch",
        "fr": "le la les et des est un une du dans que pour pas sur qui au avec ce il sont",
        "es": "el la los las y de que en un una es por con para del se no al lo su",
        "it": "il la di che e è un una per non del della con sono si gli nel le da",
        "pt": "o a os as de que e do da em um uma para com não no na se por ao",
        "nl": "de het een en van is dat niet op te in met voor zijn er aan ook die",
        "id": "yang dan di itu dengan untuk tidak ini dari dalam akan pada juga ke karena ada adalah kita",
        "sv": "och att det som en på är av för med till den har de inte om ett han var",
        "pl": "i w na z się nie do to że jest o jak ale po co za od tak są",
        "tr": "ve bir bu da de için ile çok olarak daha gibi en ama ne o kadar değil sonra",
    }.items()
}
SCRIPT_LANGUAGES = {  # first word of the Unicode character name -> a guess at the language
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "DEVANAGARI": "hi",
    "THAI": "th",
}
LANGUAGE_NAMES = {
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "id": "Indonesian",
    "sv": "Swedish",
    "pl": "Polish",
    "tr": "Turkish",
    "ru": "Russian (Cyrillic script)",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "hi": "Hindi",
    "th": "Thai",
}
# trafilatura settings, measured on the 181 pages of the article-extraction benchmark (AEB) with its own scoring
# (parallax.evaluation.extraction: 4-gram shingles, mean precision and mean recall over pages, F1 of the means), after
# the light line cleaner: without comments and tables P 0.952 R 0.971 F1 0.961; with tables P 0.952 R 0.977 F1 0.964
# (score tables and fixture lists are article content there); with tables and comments F1 0.963; with tables and
# favor_recall F1 0.964 (P 0.950). trafilatura's defaults alone score F1 0.953. Calibrated on AEB itself (the only
# HTML set with gold bodies here), so the AEB figure flatters these settings slightly. Tried and not kept (net change
# under 0.001 F1): dropping URL-only lines, short lines with an e-mail address or a copyright sign, trailing bullet
# runs, and a first paragraph equal to the page's meta description (the dek), each as hurtful to recall as helpful.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "favor_precision": False,
    "deduplicate": False,
}


def extract(doc: RawDocument) -> Article:
    """The clean article in ``doc``: body paragraphs joined by a blank line, title, outlet, byline, date, URL.

    Raises ``EmptyInputError`` when fewer than ``MIN_WORDS`` words remain, ``LanguageError`` for a text that is
    clearly not English, ``FormatError`` for an unknown format, and the decoding errors of
    :func:`parallax.sources.decode_bytes`. The raised error's ``document`` is ``doc.source``.
    """
    if not isinstance(doc, RawDocument):
        raise TypeError(f"extract() needs a RawDocument, not {type(doc).__name__}")
    try:
        return _extract(doc)
    except InputError as exc:
        exc.document = exc.document or doc.source
        raise


def main_text(html: str, url: str | None = None) -> str:
    """The article body ``extract`` finds in an HTML page (paragraphs joined by a blank line), without its language
    and length checks; ``""`` when the page has none. For measuring extraction on pages in any language."""
    try:
        clean, _ = _from_html(html, url)
    except InputError:
        return ""
    return "\n\n".join(clean.paragraphs)


def _extract(doc: RawDocument) -> Article:
    declared = {k: (v if k == "text" else _field(v)) for k, v in doc.meta}  # the body keeps its line breaks
    url = declared.get("url")
    if doc.format == "html":
        clean, url = _from_html(decode_bytes(doc.data, html=True), url)
    elif doc.format == "text":
        clean = clean_text(_bounded(decode_bytes(doc.data)))
    elif doc.format == "record":
        clean = clean_text(_bounded(declared.get("text") or ""), light=True, title=declared.get("title"))
    else:
        raise FormatError(f"unknown document format {doc.format!r}")
    text = "\n\n".join(clean.paragraphs)
    if len(text) > MAX_ARTICLE_CHARS:
        raise TooLargeError(_too_long(len(text), "article text"), hint="split the text into its articles")
    check_language(text)  # first: Chinese or Japanese text has few spaces, so few "words"
    n_words = len(text.split())
    if n_words < MIN_WORDS:
        raise EmptyInputError(f"only {n_words} words of article text after cleaning (at least {MIN_WORDS} needed)")
    published = declared.get("published")
    return Article(
        id=doc.key,
        source=doc.source,
        text=text,
        title=declared.get("title") or clean.title,
        outlet=declared.get("outlet") or clean.outlet,
        byline=_byline(declared.get("byline")) or clean.byline,
        published=(iso_date(published) if published else None) or clean.published or _listed_date(declared),
        url=declared.get("url") or url,
        language="en",
        format=doc.format,
        removed=clean.removed,
    )


def _bounded(text: str) -> str:
    """``text``, or TooLargeError when it is too long to be one article (checked before the cleaner reads it)."""
    if len(text) > MAX_RAW_CHARS:
        raise TooLargeError(_too_long(len(text), "text"), hint="split the text into its articles")
    return text


def _too_long(n: int, what: str) -> str:
    return f"{what} is {n:,} characters long, over the limit of {MAX_ARTICLE_CHARS:,} for one article"


def _listed_date(declared: dict[str, str | None]) -> str | None:
    """When the page gives no date: the feed or sitemap entry's date, else the crawl's capture date (a WARC's
    WARC-Date; news crawls capture pages within hours of publication, so the day is usually right)."""
    for name in ("listed", "captured"):
        value = declared.get(name)
        stamp = iso_date(value) if value else None
        if stamp:
            return stamp
    return None


def _from_html(html: str, url: str | None) -> tuple[CleanText, str | None]:
    """trafilatura's main text, lightly cleaned, with its metadata (metadata lines in the text fill the gaps);
    and the page's canonical URL."""
    # Imported here: trafilatura (with lxml, courlan, htmldate) costs ~0.15 s to import, and only HTML needs it.
    import trafilatura
    from trafilatura.settings import Document

    try:
        result = trafilatura.bare_extraction(html, url=url, **TRAFILATURA_OPTIONS)
    except Exception as exc:  # a parser failing on one malformed page must not stop a batch
        raise FormatError(f"cannot parse the HTML: {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, Document) or not result.text or not result.text.strip():
        raise EmptyInputError("no article text found in the HTML page")
    title = _field(result.title)
    clean = clean_text(result.text, light=True, title=title)
    found = replace(
        clean,
        title=title,
        byline=_byline(result.author) or clean.byline,
        outlet=_field(result.sitename) or clean.outlet,
        published=_with_time(html, iso_date(result.date) if result.date else None) or clean.published,
    )
    return found, _field(result.url) or url


# Publication timestamps in page metadata: Open Graph / schema.org / <time datetime>. trafilatura keeps only the day;
# the time tells which of two same-day copies came first.
_TIMESTAMP = re.compile(
    r"""(?:article:published_time|datePublished|pubdate|<time)[^>]{0,200}?"""
    r"""(?:content|datetime)\s*=\s*["']"""
    r"""(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)["']""",
    re.IGNORECASE,
)


def _with_time(html: str, day: str | None) -> str | None:
    """``day`` (an ISO date) with the time of day the page's metadata gives for that same day, when it gives one."""
    if not day or len(day) != 10:
        return day
    for match in _TIMESTAMP.finditer(html[:500_000]):
        stamp = iso_date(match.group(1).replace(" ", "T"))
        if stamp and stamp.startswith(day) and len(stamp) > 10:
            return stamp
    return day


def _byline(author: str | None) -> str | None:
    """trafilatura joins authors with "; ": read them as "A and B", as ingest reads news-please's author lists."""
    names = [n for n in (_field(a) for a in (author or "").split(";")) if n]
    if len(names) <= 1:
        return names[0] if names else None
    return ", ".join(names[:-1]) + " and " + names[-1]


def _field(value: str | None) -> str | None:
    """A metadata value on one normalised line, or None when empty."""
    if value is None:
        return None
    text = " ".join(normalise(value).split())
    return text or None


# --- language -------------------------------------------------------------------------------------------------------


def check_language(text: str) -> None:
    """Raise LanguageError when the text is clearly not English; short or mixed texts pass."""
    script = _other_script(text)
    if script is not None:
        raise LanguageError(f"the text is not English: it looks like {LANGUAGE_NAMES[script]} ({script})")
    words = [w.lower().strip(".,;:!?\"'“”‘’()[]«»") for w in text.split()[:LANGUAGE_SAMPLE_WORDS]]
    words = [w for w in words if w.isalpha()]
    if len(words) < LANGUAGE_MIN_WORDS:
        return
    share = sum(w in STOP_WORDS for w in words) / len(words)
    if share >= ENGLISH_MIN_SHARE:
        return
    guess = max(FUNCTION_WORDS, key=lambda language: sum(w in FUNCTION_WORDS[language] for w in words))
    other = sum(w in FUNCTION_WORDS[guess] for w in words) / len(words)
    if other > share:
        raise LanguageError(
            f"the text is not English: it looks like {LANGUAGE_NAMES[guess]} ({guess}; "
            f"{other:.0%} of its words are {LANGUAGE_NAMES[guess]} function words, {share:.0%} English ones)"
        )


def _other_script(text: str) -> str | None:
    """The language guessed from the script when most letters are not Latin, else None."""
    scripts: Counter[str] = Counter()
    letters = 0
    for ch in text[: LANGUAGE_SAMPLE_WORDS * 6]:
        if not ch.isalpha():
            continue
        letters += 1
        if ch.isascii():
            continue
        script = unicodedata.name(ch, "").split(" ", 1)[0]
        if script in SCRIPT_LANGUAGES:
            scripts[script] += 1
    total = sum(scripts.values())
    if total <= OTHER_SCRIPT_SHARE * letters:
        return None
    if scripts["HIRAGANA"] + scripts["KATAKANA"] >= KANA_SHARE * total:
        return "ja"  # Japanese mixes kana with CJK ideographs, which alone would read as Chinese
    return SCRIPT_LANGUAGES[scripts.most_common(1)[0][0]]
