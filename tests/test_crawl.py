"""Reading URLs end to end over real HTTP on 127.0.0.1: pages, RSS and Atom feeds, sitemaps, redirects, seen-sets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax.cli.main import cli
from parallax.extract.article import extract
from parallax.models import RawDocument, Rejection
from parallax.sources.common import IngestCounts, IngestOptions
from parallax.sources.feeds import feed_links, sitemap_links, sniff
from parallax.sources.fetch import Fetcher, FetchPolicy
from parallax.sources.files import read_inputs
from parallax.sources.urls import canonical_url, key_for_url

from .httpserver import Site, serve

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
PAGES = {
    "/news/fab-3-fire.html": "01_brennick_herald.html",
    "/news/death-trap.html": "02_daily_lantern.html",
    "/markets/korvane-shares.html": "03_valmora_today.html",
    "/world/valmora-chip-plant.html": "07_ostervik_post.html",
}
LOCAL = IngestOptions(fetch=FetchPolicy(host_interval=0, backoff=0.01, allow_private=True))


def _rss(site: Site) -> str:
    items = [
        ("Fire at the plant", site.url("/news/fab-3-fire.html"), "Sun, 09 Mar 2025 15:30:00 GMT"),
        ("Workers' fury", "/news/death-trap.html", "Mon, 10 Mar 2025 05:00:00 GMT"),  # relative link
        ("Shares slide", site.url("/go/shares"), "Mon, 10 Mar 2025 08:15:00 GMT"),  # through a redirect
        ("Gone", site.url("/news/deleted.html"), "Mon, 10 Mar 2025 09:00:00 GMT"),  # 404
        ("Fire at the plant (again)", site.url("/news/fab-3-fire.html?utm_source=rss"), ""),  # duplicate
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link>{f'<pubDate>{d}</pubDate>' if d else ''}</item>" for t, u, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Newsroom</title>'
        f"<link>{site.base}/</link><description>Latest</description>{body}</channel></rss>"
    )


def _atom(site: Site) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>'
        f"<id>{site.base}/atom</id><updated>2025-03-09T18:45:00Z</updated>"
        f'<entry><title>Chip plant</title><link href="{site.url("/world/valmora-chip-plant.html")}"/>'
        f"<id>tag:world-1</id><updated>2025-03-09T18:45:00Z</updated></entry></feed>"
    )


def _sitemaps(site: Site) -> tuple[str, str]:
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>"
    )
    urls = "".join(
        f"<url><loc>{site.url(path)}</loc><news:news><news:publication_date>2025-03-1{n}</news:publication_date>"
        f"<news:title>Story {n}</news:title></news:news></url>"
        for n, path in enumerate(PAGES)
    )
    news = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )
    return index, news


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        for path, name in PAGES.items():
            running.page(path, (CORPUS / name).read_bytes())
        running.redirect("/go/shares", "/markets/korvane-shares.html", status=301)
        running.page("/feed.xml", _rss(running), content_type="application/rss+xml")
        running.page("/atom.xml", _atom(running), content_type="text/xml")  # mislabelled, as servers often do
        index, news = _sitemaps(running)
        running.page("/sitemap.xml", index, content_type="application/xml")
        running.page("/sitemap-news.xml", news, content_type="application/xml")
        running.page("/robots.txt", "User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
        yield running


def _split(items: list[RawDocument | Rejection]) -> tuple[list[RawDocument], list[Rejection]]:
    return [d for d in items if isinstance(d, RawDocument)], [r for r in items if isinstance(r, Rejection)]


def test_page_url(site: Site) -> None:
    docs, rejections = _split(list(read_inputs([site.url("/news/fab-3-fire.html")], options=LOCAL)))
    assert rejections == []
    assert [(d.key, d.format, d.source) for d in docs] == [("fab-3-fire", "html", site.url("/news/fab-3-fire.html"))]
    article = extract(docs[0])
    assert article.title == "Fire at Korvane’s Dunmere chip plant injures 38"
    assert article.published == "2025-03-09T16:30:00+01:00"


def test_rss_feed_followed_to_articles(site: Site) -> None:
    counts = IngestCounts()
    docs, rejections = _split(list(read_inputs([site.url("/feed.xml")], options=LOCAL, counts=counts)))
    assert [d.key for d in docs] == ["fab-3-fire", "death-trap", "korvane-shares"]
    assert docs[2].source == site.url("/markets/korvane-shares.html")  # the URL after the redirect
    assert [(r.document, r.stage, r.reason) for r in rejections] == [(site.url("/news/deleted.html"), "fetch", "fetch")]
    assert "HTTP 404" in rejections[0].message
    assert (counts.accepted, counts.duplicate, counts.rejected) == (3, 1, 1)
    titles = [extract(d).title for d in docs]
    assert titles[1].startswith("'Death trap' chip plant")
    assert site.paths().count("/news/fab-3-fire.html") == 1


def test_atom_feed_served_as_text_xml(site: Site) -> None:
    docs, rejections = _split(list(read_inputs([site.url("/atom.xml")], options=LOCAL)))
    assert rejections == []
    assert [d.key for d in docs] == ["valmora-chip-plant"]
    assert dict(docs[0].meta)["listed"] == "2025-03-09T18:45:00+00:00"


def test_sitemap_index_to_articles(site: Site) -> None:
    docs, rejections = _split(list(read_inputs([site.url("/sitemap.xml")], options=LOCAL)))
    assert rejections == []
    assert [d.key for d in docs] == ["fab-3-fire", "death-trap", "korvane-shares", "valmora-chip-plant"]
    assert [dict(d.meta)["listed"] for d in docs] == ["2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13"]


def test_feed_and_sitemap_together_read_each_article_once(site: Site) -> None:
    counts = IngestCounts()
    docs, _ = _split(list(read_inputs([site.url("/feed.xml"), site.url("/sitemap.xml")], options=LOCAL, counts=counts)))
    assert sorted(d.key for d in docs) == ["death-trap", "fab-3-fire", "korvane-shares", "valmora-chip-plant"]
    assert counts.duplicate == 1 + 3  # the feed's own repeat, then the three the sitemap lists again
    assert all(site.paths().count(path) == 1 for path in PAGES)


def test_seen_set_carries_over_between_reads(site: Site) -> None:
    seen: set[str] = set()
    assert LOCAL.fetch is not None
    with Fetcher(LOCAL.fetch) as fetcher:  # one fetcher across reads: robots.txt and the rate limit carry over too
        first, _ = _split(list(read_inputs([site.url("/sitemap.xml")], seen=seen, fetcher=fetcher)))
        fetched = len(site.requests)
        counts = IngestCounts()
        again, _ = _split(list(read_inputs([site.url("/sitemap.xml")], seen=seen, counts=counts, fetcher=fetcher)))
    assert len(first) == 4
    assert again == []
    assert counts.duplicate == 4
    assert site.paths()[fetched:] == ["/sitemap.xml", "/sitemap-news.xml"]  # the listings only, no article


def test_private_address_refused_without_allow_private(site: Site) -> None:
    counts = IngestCounts()
    items = list(read_inputs([site.url("/feed.xml")], counts=counts))
    assert [(r.reason, r.stage) for r in items if isinstance(r, Rejection)] == [("blocked", "fetch")]
    assert counts.rejected == 1
    assert site.requests == []


def test_robots_disallowed_article_is_rejected(site: Site) -> None:
    site.page("/admin/secret.html", (CORPUS / "01_brennick_herald.html").read_bytes())
    items = list(read_inputs([site.url("/admin/secret.html")], options=LOCAL))
    assert [(r.reason, "robots.txt" in r.message) for r in items if isinstance(r, Rejection)] == [("blocked", True)]


def test_feed_parsing_directly(site: Site) -> None:
    links = feed_links(_rss(site).encode(), site.url("/feed.xml"))
    assert [link.url for link in links][:2] == [site.url("/news/fab-3-fire.html"), site.url("/news/death-trap.html")]
    assert links[0].published == "2025-03-09T15:30:00+00:00"
    assert links[4].published is None


def test_sitemap_parsing_refuses_entities() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.example/&x;</loc></url></urlset>'
    )
    links = sitemap_links(evil, "http://a.example/", max_bytes=10_000)
    assert all("root:" not in link.url for link in links)


@pytest.mark.parametrize(
    ("data", "media", "kind"),
    [
        (b'<?xml version="1.0"?>\n<!-- c --><rss version="2.0">', "text/xml", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "text/html", "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "", "feed"),
        (b"<?xml version='1.0'?><urlset>", "application/xml", "sitemap"),
        (b"<sitemapindex>", "", "sitemap"),
        (b"<!DOCTYPE html><html><body>", "text/html", "html"),
        (b'{"title": "x"}', "application/json", "json"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo", "", "warc"),
        (b"Plain words.", "text/plain", "text"),
    ],
)
def test_sniff(data: bytes, media: str, kind: str) -> None:
    assert sniff(data, media) == kind


def test_canonical_url_and_keys() -> None:
    assert canonical_url("HTTPS://News.Example:443/a?utm_source=x&id=3#top") == "https://news.example/a?id=3"
    assert canonical_url("http://news.example") == "http://news.example/"
    assert key_for_url("https://n.example/2024/05/budget-vote.html") == "budget-vote"
    assert key_for_url("https://n.example/") == "n.example"


def test_cli_analyze_feed_url(site: Site, tmp_path: Path) -> None:
    out, log = tmp_path / "report.json", tmp_path / "rejections.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "analyze",
            site.url("/feed.xml"),
            "--allow-private",
            "--host-delay",
            "0",
            "-o",
            str(out),
            "--rejection-log",
            str(log),
        ],
    )
    assert result.exit_code == 3, result.output  # written, with one rejected entry
    report = json.loads(out.read_text())
    assert len(report["articles"]) == 3
    assert "ingest: 3 accepted, 1 duplicate, 1 rejected" in result.output
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["document"], r["stage"], r["reason"]) for r in logged] == [
        (site.url("/news/deleted.html"), "fetch", "fetch")
    ]


def test_cli_ingest_feed_url_into_the_store(site: Site, tmp_path: Path) -> None:
    db, log = tmp_path / "news.db", tmp_path / "rejections.jsonl"
    args = ["ingest", site.url("/feed.xml"), "--db", str(db), "--allow-private", "--host-delay", "0"]
    result = CliRunner().invoke(cli, [*args, "--rejection-log", str(log)])
    assert result.exit_code == 3, result.output  # stored, with one rejected entry
    assert "3 added" in result.output
    assert [json.loads(line)["document"] for line in log.read_text().splitlines()] == [site.url("/news/deleted.html")]
    again = CliRunner().invoke(cli, args)
    assert "0 added, 3 unchanged" in again.output


def test_cli_refuses_private_without_flag(site: Site, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", site.url("/feed.xml"), "-o", str(tmp_path / "r.json")])
    assert "blocked" in result.output
    assert "--allow-private" in result.output
    assert site.requests == []


def test_http_charset_decodes_the_page(site: Site) -> None:
    text = "Caf\u00e9 owners in the old town said the new rules came too late for the summer season."
    site.page("/mac.txt", text.encode("mac_roman"), content_type="text/plain; charset=macintosh")
    [doc] = [d for d in read_inputs([site.url("/mac.txt")], options=LOCAL) if isinstance(d, RawDocument)]
    assert doc.data.decode("utf-8") == text


def test_robots_txt_behind_a_redirect(site: Site) -> None:
    site.redirect("/robots.txt", "/real-robots.txt", status=301)
    site.page("/real-robots.txt", "User-agent: *\nDisallow: /news/\n", content_type="text/plain")
    items = list(read_inputs([site.url("/news/fab-3-fire.html")], options=LOCAL))
    assert [(r.reason, "robots.txt" in r.message) for r in items if isinstance(r, Rejection)] == [("blocked", True)]


def test_sitemap_index_listing_itself_is_read_once(site: Site) -> None:
    """An index that lists itself and its child several times: one fetch each (it once took 1 + N + N^2)."""
    _, news = _sitemaps(site)
    me, child = site.url("/loop-index.xml"), site.url("/loop-news.xml")
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in [me, child, me, child, me])
    index = f'<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    site.page("/loop-index.xml", index, content_type="application/xml")
    site.page("/loop-news.xml", news, content_type="application/xml")
    counts = IngestCounts()
    docs, rejections = _split(list(read_inputs([me], options=LOCAL, counts=counts)))
    assert rejections == []
    assert len(docs) == 4
    assert site.paths().count("/loop-index.xml") == 1
    assert site.paths().count("/loop-news.xml") == 1
    assert counts.skipped["sitemap listed again"] == 4


def test_gzipped_sitemap(site: Site) -> None:
    import gzip

    _, news = _sitemaps(site)
    site.page("/sitemap-news.xml.gz", gzip.compress(news.encode()), content_type="application/x-gzip")
    docs = [d for d in read_inputs([site.url("/sitemap-news.xml.gz")], options=LOCAL) if isinstance(d, RawDocument)]
    assert len(docs) == 4
