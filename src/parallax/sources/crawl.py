"""Reading URLs: a page becomes a document; a feed or a sitemap becomes the documents of the articles it lists.

:func:`read_url` fetches with a :class:`~parallax.sources.fetch.Fetcher`, tells what came back apart
(:func:`parallax.sources.feeds.sniff`), and follows feed entries and sitemap URLs to their articles, each fetched once
per ``seen`` set (a URL listed by both a feed and a sitemap, or already read by an earlier ``parallax watch`` poll, is
counted as a duplicate and not fetched again). Every failure is a rejection naming the URL; the rest goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableSet

from ..errors import InputError
from ..models import RawDocument, Rejection
from .common import IngestCounts
from .decode import decode_bytes
from .feeds import Link, feed_links, sitemap_links, sniff
from .fetch import Fetcher
from .records import records_from_text
from .urls import canonical_url, key_for_url, unique_key

__all__ = ["MAX_SITEMAP_DEPTH", "read_url"]

MAX_SITEMAP_DEPTH = 2  # index -> sitemap -> pages; news sites nest at most one index (Google allows no deeper)


def read_url(
    url: str,
    fetcher: Fetcher,
    *,
    used: set[str],
    counts: IngestCounts,
    seen: MutableSet[str],
    listed: Link | None = None,
    depth: int = 0,
    listings: set[str] | None = None,
) -> Iterator[RawDocument | Rejection]:
    """The documents at ``url``: the page itself, or the articles of the feed or sitemap found there.

    ``listings`` holds the feeds and sitemaps read during this read (the top call starts it): one listed again (a
    sitemap index listing itself or a sibling twice) is skipped, so a listing costs one fetch however it is nested.
    ``seen`` is not used for that, since a listing must be read again on the next poll to find new articles."""
    listings = listings if listings is not None else set()
    try:
        fetched = fetcher.fetch(url)
        kind = sniff(fetched.data, fetched.content_type)
        if kind in ("feed", "sitemap"):
            if listed is not None and not listed.sitemap:
                raise InputError(f"{url} is a {kind}, not an article page")
            if kind == "feed":
                links = feed_links(fetched.data, fetched.url)
            else:
                links = sitemap_links(fetched.data, fetched.url, max_bytes=fetcher.policy.max_bytes)
        elif kind == "warc":
            raise InputError(f"{url} is a WARC file; download it and pass the file instead")
        else:
            text = decode_bytes(fetched.data, html=kind == "html", charset=fetched.charset)
    except InputError as exc:
        yield Rejection.from_error(url, "fetch", exc)
        return
    seen.add(canonical_url(url))
    seen.add(canonical_url(fetched.url))
    if kind in ("feed", "sitemap"):
        listings.update((canonical_url(url), canonical_url(fetched.url)))
        yield from _follow(links, fetcher, used=used, counts=counts, seen=seen, depth=depth, listings=listings)
        return
    key = unique_key(key_for_url(fetched.url), used)
    if kind == "json":
        yield from records_from_text(fetched.url, key, text, used=used)
        return
    meta = [("url", fetched.url)]
    if listed is not None and listed.published:
        meta.append(("listed", listed.published))
    yield RawDocument(
        source=fetched.url,
        key=key,
        format="html" if kind == "html" else "text",
        data=text.encode("utf-8"),
        meta=tuple(meta),
    )


def _follow(
    links: list[Link],
    fetcher: Fetcher,
    *,
    used: set[str],
    counts: IngestCounts,
    seen: MutableSet[str],
    depth: int,
    listings: set[str],
) -> Iterator[RawDocument | Rejection]:
    for link in links:
        if link.sitemap and depth >= MAX_SITEMAP_DEPTH:
            counts.skipped["sitemap nested too deep"] += 1
            continue
        if link.sitemap and canonical_url(link.url) in listings:
            counts.skipped["sitemap listed again"] += 1
            continue
        if not link.sitemap and canonical_url(link.url) in seen:
            counts.duplicate += 1
            continue
        yield from read_url(
            link.url, fetcher, used=used, counts=counts, seen=seen, listed=link, depth=depth + 1, listings=listings
        )
