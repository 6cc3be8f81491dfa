"""Extract: a ``RawDocument`` (HTML, text or a record) into a clean ``Article``: main text, title, outlet, date, byline.

``article`` decides what a document is and checks size and language; ``boilerplate`` strips navigation, captions,
bylines and promotions from the text.
"""

from .article import MAX_ARTICLE_CHARS, check_language, extract, main_text

__all__ = ["MAX_ARTICLE_CHARS", "check_language", "extract", "main_text"]
