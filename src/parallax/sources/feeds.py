"""RSS/Atom feeds and XML sitemaps: what a fetched resource is, and the article links it lists.

:func:`sniff` tells a feed, a sitemap, an HTML page, JSON and plain text apart from the media type and the first
bytes (servers label feeds ``text/xml``, ``application/xml`` or even ``text/html``). :func:`feed_links` reads a feed
with feedparser; :func:`sitemap_links` reads a sitemap or a sitemap index (gzipped or not) with lxml, entities and
network access off. Both return :class:`Link` records: the URL and what the listing says about it.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

from ..errors import FormatError, TooLargeError

__all__ = ["Kind", "Link", "feed_links", "sitemap_links", "sniff"]

# --- tuning constants -----------------------------------------------------------------------------------------------

SNIFF_CHARS = 2048  # the root element of a feed or sitemap comes after at most an XML declaration and comments
MAX_LINKS = 50_000  # the sitemap protocol's own limit of URLs per file

Kind = Literal["feed", "sitemap", "html", "json", "text", "warc"]

_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_ROOT = re.compile(r"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")  # the first element's local name
_FEED_ROOTS = frozenset({"rss", "feed", "RDF", "rdf"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


@dataclass(frozen=True, slots=True)
class Link:
    """One URL listed by a feed or sitemap; ``sitemap`` is True for a child sitemap of a sitemap index."""

    url: str
    title: str | None = None
    published: str | None = None
    sitemap: bool = False


def sniff(data: bytes, media_type: str = "") -> Kind:
    """What ``data`` is: a feed, a sitemap, an HTML page, JSON, a WARC file or plain text."""
    if data[:2] == b"\x1f\x8b":
        try:  # a prefix is enough (and may be all there is): decompress what is there
            data = zlib.decompressobj(wbits=31).decompress(data, SNIFF_CHARS * 4)
        except zlib.error:
            return "text"
    if data.startswith(b"WARC/"):
        return "warc"
    head = data[:SNIFF_CHARS].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if media_type in _FEED_TYPES:
        return "feed"
    if head.startswith("<"):
        match = _ROOT.search(_strip_prolog(head))
        root = match.group(1) if match else ""
        if root in _FEED_ROOTS:
            return "feed"
        if root in _SITEMAP_ROOTS:
            return "sitemap"
        return "html"
    if media_type in ("application/json", "application/x-ndjson") or head[:1] in ("{", "["):
        return "json"
    if media_type in ("text/html", "application/xhtml+xml"):
        return "html"
    return "text"


def _strip_prolog(head: str) -> str:
    """The text from the first element on: XML declaration, comments and DOCTYPE removed."""
    head = _without(_without(head, "<?", "?>"), "<!--", "-->")
    return re.sub(r"<!DOCTYPE[^>]*>", "", head, flags=re.IGNORECASE)


def _without(text: str, opening: str, closing: str) -> str:
    """``text`` without its sections from ``opening`` to the next ``closing``, left to right, as
    ``re.sub(opening + ".*?" + closing, "", text, flags=re.DOTALL)`` does, in one pass: the regex rescanned the rest
    of the text from every unclosed opening (quadratic)."""
    kept: list[str] = []
    pos = 0
    while (start := text.find(opening, pos)) >= 0:
        end = text.find(closing, start + len(opening))
        if end < 0:
            break
        kept.append(text[pos:start])
        pos = end + len(closing)
    kept.append(text[pos:])
    return "".join(kept)


def feed_links(data: bytes, base_url: str) -> list[Link]:
    """The entries of an RSS or Atom feed, newest first as the feed lists them; raises FormatError if unreadable."""
    import feedparser  # imported here: ~0.1 s, and only feeds need it

    # a file object, never a string: feedparser would fetch a string that looks like a URL
    data = _CHARREF.sub(_charref, data)
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url})
    except Exception as exc:
        # feedparser's loose parser fails on some malformed markup with its own errors (KeyError 'links' for a <link>
        # closed oddly, found by fuzzing): the feed cannot be read, and the batch goes on.
        raise FormatError(f"cannot read the feed: {type(exc).__name__}: {exc}") from exc
    if parsed.get("bozo") and not parsed.entries:
        raise FormatError(f"cannot read the feed: {parsed.get('bozo_exception')}")
    links: list[Link] = []
    for entry in parsed.entries[:MAX_LINKS]:
        alternates = (  # an element named <links> in the feed makes "links" a string (found by fuzzing)
            link.get("href")
            for link in entry.get("links", [])
            if isinstance(link, dict) and link.get("rel", "alternate") == "alternate"
        )
        link = entry.get("link")  # a dict, not a string, in that same case
        href = link if isinstance(link, str) and link.strip() else next(alternates, None)
        if not isinstance(href, str) or not href.strip():
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+00:00".format(*stamp[:6]) if stamp else None
        title = entry.get("title")
        url = _joined(base_url, str(href))
        if url is not None:
            links.append(Link(url=url, title=str(title) if title else None, published=published))
    return links


def _charref(match: re.Match[bytes]) -> bytes:
    """A numeric character reference, or U+FFFD's when it names no character (over U+10FFFF, or a surrogate):
    feedparser would raise ValueError, OverflowError or UnicodeEncodeError on those (found by fuzzing)."""
    digits = (match.group(1) or match.group(2)).lstrip(b"0") or b"0"
    if len(digits) > 7:  # over 0x10FFFF in either base (and int() refuses decimals over 4,300 digits)
        return b"&#xFFFD;"
    value = int(digits, 16) if match.group(1) else int(digits)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return b"&#xFFFD;"
    return match.group(0)


def sitemap_links(data: bytes, base_url: str, *, max_bytes: int) -> list[Link]:
    """The URLs of a sitemap (``<urlset>``, with Google News titles and dates) or a sitemap index (child sitemaps)."""
    from lxml import etree

    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"cannot read the sitemap: {exc}") from exc
    index = etree.QName(root).localname == "sitemapindex"
    links: list[Link] = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            if isinstance(child.tag, str) and child.text and child.text.strip():
                fields.setdefault(etree.QName(child).localname, child.text.strip())
        url = _joined(base_url, fields["loc"]) if "loc" in fields else None
        if url is None:
            continue
        links.append(
            Link(
                url=url,
                title=fields.get("title"),  # <news:title>
                published=fields.get("publication_date"),  # <news:publication_date>; lastmod is not publication
                sitemap=index,
            )
        )
        if len(links) >= MAX_LINKS:
            break
    return links


def _joined(base_url: str, href: str) -> str | None:
    """``href`` resolved against ``base_url``; None for a link that is no URL (a malformed authority, such as
    ``http://[::1``, which cannot be fetched)."""
    try:
        return urljoin(base_url, href.strip())
    except ValueError:
        return None


def _gunzip(data: bytes, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FormatError(f"not a valid gzip file ({exc})") from exc
    if len(out) > limit:
        raise TooLargeError(f"decompresses to over the limit of {limit:,} bytes")
    return out
