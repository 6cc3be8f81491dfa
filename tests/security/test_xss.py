"""XSS: well-known script payloads (tests/security/xss_payloads.txt) planted in every field an article carries
(title, outlet, byline, URL, quotes, body text, an HTML page's site name and title) are ingested through the JSON
API and the file upload, then every web page and the standalone HTML report are loaded in a real Chromium. No
script may run: no dialog (alert/confirm/prompt), no ``window.__xss`` sentinel, no console or page error (a CSP
violation shows there), no request leaving the server, and no element or attribute in the DOM that could run one.
Both the app's header and the report's meta tag carry a strict Content-Security-Policy."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from parallax.report.html import render_html
from parallax.store import Store, open_store
from parallax.web import Settings
from tests.conftest import EXAMPLES
from tests.web.conftest import TOKEN, Server, ingested, serve

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
PAYLOADS = tuple(
    line for line in PAYLOAD_FILE.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
)
GROUPS = 8  # articles carrying the payloads between them (each also cites them in quotes)
AUTH = {"authorization": f"Bearer {TOKEN}"}

# What the DOM must never hold once a page is parsed: script-capable elements, event-handler attributes, and
# script or HTML-document URLs in any attribute that a browser follows.
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('script, iframe, object, embed, base, frame, frameset, applet')) {
    bad.push('element <' + el.tagName.toLowerCase() + '>');
  }
  for (const el of document.querySelectorAll('meta[http-equiv]')) {
    const kind = el.getAttribute('http-equiv').toLowerCase();
    if (kind !== 'content-security-policy') bad.push('meta http-equiv=' + kind);
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' @' + name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'srcdoc'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('vbscript:') || value.startsWith('data:text/html')))
        bad.push(el.tagName + ' @' + name + '=' + attr.value);
      if (name === 'style' && /expression\\(|javascript:|url\\(/.test(value)) bad.push(el.tagName + ' @style');
    }
  }
  return bad;
}"""


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as an HTML parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "base", "frame", "applet"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            plain = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and plain.startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.bad.append(f"<{tag} {name}={value}>")


def _dangerous_markup(body: str) -> list[str]:
    parser = _Tags()
    parser.feed(body)
    parser.close()
    return parser.bad


def test_the_payload_list() -> None:
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    kinds = {
        "script tags": r"<script",
        "event handlers": r"\bon[a-z]+\s*=",
        "javascript: URLs": r"javascript:",
        "SVG": r"<svg",
        "MathML": r"<math",
        "attribute breaking": r"^[\"']",
        "CSS": r"expression\(|@import|style=",
        "template injection": r"\{\{|\$\{",
        "encoded": r"&#x?[0-9a-f]+;?|%3C|\\u003c|\\x3c",
    }
    for kind, pattern in kinds.items():
        assert any(re.search(pattern, p, re.IGNORECASE) for p in PAYLOADS), kind


def _groups() -> list[tuple[str, ...]]:
    return [PAYLOADS[i::GROUPS] for i in range(GROUPS)]


def _hostile_articles() -> list[dict[str, str]]:
    base = (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text(encoding="utf-8")
    articles = []
    for k, group in enumerate(_groups()):
        lines = [base, ""]
        for payload in group:
            lines.append(f"Officials said the note read {payload} before it was removed.")
            lines.append(f'"The message {payload} was not ours," said Deputy Mayor Lena Varga.')
        articles.append(
            {
                "text": "\n".join(lines),
                "title": f"Hostile report {k} " + " ".join(group[:4]),
                "outlet": f"Outlet {k} {group[0]}",
                "byline": f"By {group[1]}",
                "url": "javascript:alert(1)" if k % 2 else f"https://example.org/{group[2]}",
                "published": f"2024-03-0{k + 1}",
            }
        )
    return articles


def _hostile_page() -> bytes:
    payload = PAYLOADS[0]
    body = (EXAMPLES / "corpus" / "05_chipwatch.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        "<!doctype html><html><head>"
        f"<title>Page title {html.escape(payload)}</title>"
        f'<meta property="og:site_name" content="{html.escape(PAYLOADS[9])}">'
        f'<meta property="og:title" content="{html.escape(PAYLOADS[17])}">'
        f'<meta name="author" content="{html.escape(PAYLOADS[30])}">'
        '<script>window.__xss = "from the source page"</script>'
        f"</head><body><article><h1>{html.escape(PAYLOADS[40])}</h1>{paragraphs}"
        f"<p>{html.escape(PAYLOADS[50])} was painted on the wall.</p></article></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A server over a store holding the hostile articles, and the story's standalone HTML report."""
    folder = tmp_path_factory.mktemp("xss")
    store: Store = open_store(folder / "parallax.db")
    with serve(store, Settings(token=TOKEN)) as server, server.client(headers=AUTH) as http:
        posted = http.post("/api/ingest", json={"articles": _hostile_articles()})
        assert len(ingested(http, posted)["added"]) == GROUPS
        upload = http.post("/api/ingest", files=[("files", ("hostile.html", _hostile_page(), "text/html"))])
        assert len(ingested(http, upload)["added"]) == 1
        named = http.post("/api/ingest", files=[("files", (f"{PAYLOADS[1]}.pdf", b"%PDF-1.4", "application/pdf"))])
        assert [r["document"] for r in ingested(http, named)["rejections"]] == [f"{PAYLOADS[1]}.pdf"]
        # the jobs' pages show titles, outlets and the uploader's file names
        JOB_PAGES[:] = [f"/jobs/{answer.json()['job']}" for answer in (posted, upload, named)]
        story = store.list_stories(sort="largest").items[0]
        report = store.load_report(story.id)
        assert report is not None
        path = folder / "report.html"
        path.write_text(render_html(report), encoding="utf-8")
        yield server, path
    store.close()


def _stored_payloads(store: Store) -> int:
    """How many payloads reached the store verbatim (so the pages really had them to render)."""
    seen: set[str] = set()
    for info in store.list_articles(limit=500).items:
        stored = store.get_article(info.id)
        assert stored is not None
        fields = [stored.annotated.article.text, info.title or "", info.outlet or "", info.byline or ""]
        seen.update(p for p in PAYLOADS if any(p in f for f in fields))
    return len(seen)


JOB_PAGES: list[str] = []  # the hostile uploads' job pages, once the fixture has made them


def _paths(server: Server) -> list[str]:
    store = server.store
    paths = ["/", "/?sort=largest", "/outlets", "/upload", "/login", "/api/stories", *JOB_PAGES]
    for story in store.list_stories(limit=500).items:
        paths += [f"/stories/{story.id}", f"/stories/{story.id}/report.html"]
    for article in store.list_articles(limit=500).items:
        paths.append(f"/articles/{article.id}")
    for outlet in store.list_outlets():
        paths += [f"/outlets/{quote(outlet.name, safe='')}", f"/?outlet={quote(outlet.name, safe='')}"]
    for payload in PAYLOADS[:12]:  # reflected input: queries, filters and a missing page
        paths += [f"/search?q={quote(payload, safe='')}", f"/?entity={quote(payload, safe='')}"]
    paths += ["/search?q=message", "/search?q=script", "/search?q=onerror"]
    for missing in (PAYLOADS[0], "<img src=x onerror=alert(1)>"):  # not found: the error page names what was asked
        paths += [f"/articles/{quote(missing, safe='')}", f"/stories/{quote(missing, safe='')}"]
    return paths


def _watch(page: Any, base: str, seen: dict[str, list[str]]) -> None:
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    # every console error or warning counts (CSP violations read "Refused to ..."), except the browser's own note
    # on a 4xx answer (the favicon it asks for, the missing page among the paths)
    page.on(
        "console",
        lambda m: (
            seen["console"].append(m.text)
            if m.type in ("error", "warning") and not re.match(r"Failed to load resource: .* status of 4\d\d", m.text)
            else None
        ),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def on_request(request: Any) -> None:
        if not (request.url.startswith(base) or request.url.startswith("data:image/")):
            seen["outside"].append(request.url)

    page.on("request", on_request)


def _assert_inert(page: Any, where: str, seen: dict[str, list[str]]) -> None:
    page.wait_for_timeout(50)  # time for onload/onbegin/autofocus handlers to fire, had any survived
    assert page.evaluate("() => window.__xss === undefined && window.parent.__xss === undefined"), where
    assert page.evaluate(DOM_CHECK) == [], where
    for kind, items in seen.items():
        assert items == [], f"{where}: {kind}"


def _strict(csp: str) -> None:
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'none'"]
    assert directives.get("script-src", ["'none'"]) == ["'none'"]
    assert directives.get("object-src", ["'none'"]) == ["'none'"]
    assert directives.get("base-uri") == ["'none'"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "*" not in csp.split()


def test_no_payload_runs_on_any_page(hostile: tuple[Server, Path], browser: Any) -> None:
    server, _ = hostile
    assert _stored_payloads(server.store) >= 50
    context = browser.new_context()
    try:
        page = context.new_page()
        seen: dict[str, list[str]] = {"dialogs": [], "console": [], "errors": [], "outside": []}
        _watch(page, server.url + "/", seen)
        paths = _paths(server)
        assert len(paths) >= 40
        for path in paths:
            response = page.goto(server.url + path)
            assert response is not None, path
            assert response.status < 500, path
            _strict(response.headers["content-security-policy"])
            _assert_inert(page, path, seen)
        # the upload form's controls are real; focusing and submitting nothing runs nothing either
        page.goto(server.url + "/upload")
        page.keyboard.press("Tab")
        _assert_inert(page, "/upload after Tab", seen)
    finally:
        context.close()


def test_pages_never_carry_a_payload_verbatim(hostile: tuple[Server, Path]) -> None:
    server, _ = hostile
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for path in _paths(server):
            answer = http.get(path)
            assert answer.status_code < 500, path
            if answer.headers["content-type"].startswith("application/json"):
                assert answer.headers["x-content-type-options"] == "nosniff", path  # never read as HTML
                continue
            assert answer.headers["content-type"].startswith(("text/html", "text/plain")), path
            body = answer.text
            markup = [p for p in PAYLOADS if "<" in p and p in body]
            assert markup == [], path
            assert _dangerous_markup(body) == [], path


def test_the_html_report_runs_no_payload(hostile: tuple[Server, Path], browser: Any) -> None:
    _, report = hostile
    text = report.read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert meta is not None
    _strict(html.unescape(meta.group(1)))
    assert sum(1 for p in PAYLOADS if html.escape(p, quote=False) in text or html.escape(p) in text) >= 20
    context = browser.new_context()
    try:
        page = context.new_page()
        seen: dict[str, list[str]] = {"dialogs": [], "console": [], "errors": [], "outside": []}
        _watch(page, report.as_uri(), seen)
        page.goto(report.as_uri())
        _assert_inert(page, "report.html", seen)
        # following its in-page links runs nothing either
        clicks = "() => { const links = document.querySelectorAll('a[href^=\"#\"]'); links.forEach(x => x.click());"
        clicks += " return links.length; }"
        assert page.evaluate(clicks) > 0
        _assert_inert(page, "report.html after clicks", seen)
    finally:
        context.close()
