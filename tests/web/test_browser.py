"""Browser tests: Debian's chromium (Playwright) against real uvicorn servers. The reader's flows: story list ->
story -> article -> search, the filters, the upload form, signing in; no request may leave the server and no
Content-Security-Policy violation or script error may occur on the way. Every page type at 1440 and 390 px: no page
wider than the screen, no server path, human labels, and the right empty, past-the-end and error states."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from parallax.engine.jobs import jobs_folder
from parallax.engine.store import ingest_paths
from parallax.store import Store, open_store
from parallax.web import Settings
from parallax.web.uploads import Pasted, queue_uploads
from parallax.web.views import article_label
from tests.conftest import EXAMPLES
from tests.web.conftest import READ_TOKEN, TOKEN, Server, Tab, serve

WIDTHS = (1440, 390)  # a desktop, and a phone held upright

# The text of a page's <main> without the web app's charts (the story page's own additions to the report).
WITHOUT_CHARTS = (
    "() => { document.querySelectorAll('main .charts, main .timeline-chart').forEach(e => e.remove());"
    " return document.querySelector('main').innerText; }"
)


def clean(tab: Tab) -> None:
    assert tab.outside == [], "requests left the server"
    assert tab.problems == [], "console errors (CSP violations show here)"


def test_list_story_article_search(site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(site)
    page = t.page
    largest = site.store.list_stories(sort="largest").items[0]
    t.go("/")
    cards = page.locator(".storycard")
    assert cards.count() == 2
    page.get_by_role("link", name=largest.title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/stories/"))

    # the story page answers first: who covered it, what outlets agree on, what is disputed, what only one says,
    # then the details (coverage, quotes, timeline, ..., the articles), with a table of contents and a skip link
    assert page.locator(".masthead h1").inner_text() == largest.title
    top = page.locator(".masthead").inner_text()
    assert not re.search(r"STORIES|DUPLICATES|REJECTED|SCHEMA", top.upper())  # no batch counts on a story's page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T|parallax\.report/", page.locator("body").inner_text())
    named = len(largest.outlets)  # the seeds' story: 4 articles, one of them from a named outlet
    assert f"{largest.articles} articles from {named} outlet{'s' if named != 1 else ''}" in top
    order = ["-who", "-agreed", "-disputed", "-figures", "-only", "-details"]
    tops = [page.locator(f"[id$='{part}']").first for part in order]
    ys = [box["y"] for box in (t.bounding_box() for t in tops if t.count()) if box]
    assert ys == sorted(ys)
    assert len(ys) >= 3
    assert page.locator("[id$='-who']").first.bounding_box()["y"] < 900  # the answer is above the fold
    assert page.locator("nav.toc a").count() >= 3
    assert page.locator("a.skip").get_attribute("href") == f"#{page.locator('section.story').get_attribute('id')}"
    data = site.store.story_report(largest.id)
    assert data is not None
    story = data["stories"][0]
    exclusive = {fid for fids in story["exclusives"].values() for fid in fids}
    stated = sum(
        len((set(f["sources"]) | {m["article"] for m in f["mentions"]}) & set(story["articles"]))
        for f in story["facts"]
        if f["id"] not in exclusive
    )
    assert page.locator("svg[aria-label^='Coverage chart'] rect.cell").count() == stated
    assert page.locator("table.matrix tbody tr").count() == largest.facts  # a row per fact, shared or exclusive
    assert page.locator(".members li").count() == largest.articles
    # every link has a name, and every in-page link an element to land on
    assert page.get_by_role("link", name="●").count() == 0
    assert page.locator("a[href='']").count() == 0
    ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    hrefs = page.eval_on_selector_all("a[href^='#']", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs
    assert [h for h in hrefs if h[1:] not in ids] == []
    story_url = page.url
    story_text = page.evaluate(WITHOUT_CHARTS)
    # with every <details> open: human dates only, no schema id, no server path
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    opened = page.locator("body").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d|parallax\.report/|/tmp/|/root/|/home/", opened)
    # at 390 px, all of it open, the page never scrolls sideways (wide tables and charts scroll in their box)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(story_url)

    # ... shows what the standalone HTML report shows (the web page adds its charts)
    t.go(f"/stories/{largest.id}/report.html")
    assert page.evaluate(WITHOUT_CHARTS) == story_text
    page.goto(story_url)

    # a chart cell leads to the sentence that states its fact, shown (its article's section opens)
    cells = page.locator("svg[aria-label^='Coverage chart'] a:has(rect.cell)")
    cells.first.click()
    assert re.search(r"#a-.+-s-\d+$", page.url)
    assert page.locator(f"[id='{page.url.split('#', 1)[1]}']").is_visible()
    # a timeline mark leads to its sentence; its text is visible below the chart, without a mouse
    page.goto(story_url)
    timeline = page.locator("details:has(.timeline-chart)")
    assert timeline.count(), "the story has dated events: its timeline chart must be there"
    if timeline.get_attribute("open") is None:
        timeline.locator("summary").first.click()
    assert page.locator("ol.timeline li p").first.is_visible()
    page.locator(".timeline-chart a:has(.lane0)").first.click()
    assert re.search(r"#a-.+-s-\d+$", page.url)
    assert page.locator(f"[id='{page.url.split('#', 1)[1]}']").is_visible()

    # story -> article
    member = site.store.list_articles(story_id=largest.id).items[0]
    page.goto(story_url)
    page.locator(".members summary").click()
    page.locator(".members a", has_text=member.title or member.id).first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == article_label(member)
    assert page.locator(".articlepage .text .s").count() > 0
    assert page.locator(".articlepage .text .fref").count() > 0
    href = page.locator(".articlepage .text .fref").first.get_attribute("href")
    assert href is not None
    assert href.startswith(f"/stories/{largest.id}#fact-")

    # article -> search (a word of its own text) -> back to an article
    word = max(re.findall(r"[A-Za-z]+", page.locator(".articlepage .text .s").first.inner_text()), key=len)
    page.fill("#topq", word)
    page.press("#topq", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    hits = page.locator(".searchhit")
    assert hits.count() >= 1
    assert page.locator(".searchhit mark").count() >= 1
    hits.first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/articles/"))
    clean(t)


def test_filters(site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(site)
    page = t.page
    story = site.store.list_stories().items[0]
    outlet = story.outlets[0]
    t.go("/")
    page.select_option("select[name=outlet]", outlet)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"outlet="))
    titles = page.locator(".storycard h2").all_inner_texts()
    expected = [s.title for s in site.store.list_stories(outlet=outlet).items]
    assert titles == expected
    page.fill("input[name=since]", "2999-01-01")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"since=2999"))
    assert page.locator(".storycard").count() == 0
    assert "No story matches" in page.locator(".empty").inner_text()
    # the outlet page: its sources, tone and loaded language across stories
    t.go("/outlets")
    page.get_by_role("link", name=outlet, exact=True).first.click()
    page.wait_for_url(re.compile(r"/outlets/"))
    assert page.locator("h1").inner_text() == outlet
    assert page.locator("text=Across stories").count() == 1
    assert page.locator(".tonebar").count() >= 1
    clean(t)


def test_upload_files_and_pasted_text(empty_site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(empty_site)
    page = t.page
    files = [EXAMPLES / "corpus" / "02_daily_lantern.html", EXAMPLES / "corpus" / "03_valmora_today.html"]
    t.go("/")
    assert "No stories yet" in page.locator(".empty").inner_text()
    page.get_by_role("link", name="Add articles").click()
    page.set_input_files("input[name=files]", [str(f) for f in files])
    page.fill("input[name=token]", TOKEN)
    page.get_by_role("button", name="Add articles").click()
    # answered at once with the job's page, which reloads itself (no script) until the worker is done
    page.wait_for_url(re.compile(r"/upload$"))
    assert page.locator("h1").inner_text() == "2 files uploaded", page.locator("main").inner_text()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]+$"), timeout=30_000)
    page.wait_for_selector("#upload-summary", timeout=300_000)
    assert page.locator("#upload-summary").inner_text().startswith("2 added")
    page.locator(".panel a[href^='/stories/']").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator(".members li").count() >= 1

    # a pasted article, and the same files again (already stored: unchanged)
    pasted = (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text(encoding="utf-8")
    t.go("/upload")
    page.fill("input[name=outlet]", "Pasted Outlet")
    page.fill("textarea[name=text]", pasted)
    page.set_input_files("input[name=files]", [str(f) for f in files])
    page.fill("input[name=token]", TOKEN)
    page.get_by_role("button", name="Add articles").click()
    assert page.locator("h1").inner_text() == "2 files and 1 article uploaded"
    page.wait_for_selector("#upload-summary", timeout=300_000)
    assert page.locator("#upload-summary").inner_text().startswith("1 added · 2 already stored")
    assert empty_site.store.counts()["articles"] == 3
    assert any(o.name == "Pasted Outlet" for o in empty_site.store.list_outlets())
    clean(t)


def test_upload_with_a_wrong_token_stores_nothing(empty_site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(empty_site)
    page = t.page
    t.go("/upload")
    page.set_input_files("input[name=files]", str(EXAMPLES / "corpus" / "02_daily_lantern.html"))
    page.fill("input[name=token]", "not-the-token")
    page.get_by_role("button", name="Add articles").click()
    assert "write token" in page.locator("#upload-problem").inner_text()
    assert "Choose the 1 file again" in page.locator("#upload-problem").inner_text()
    assert empty_site.store.counts()["articles"] == 0


def test_sign_in_when_reads_need_a_token(seed_store, tab: Callable[[Server], Tab], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server:
        t = tab(server)
        page = t.page
        assert t.go("/").status == 200  # the sign-in page, where the story list sent the reader
        assert page.url == server.url + "/login?next=%2F"
        page.fill("input[name=token]", READ_TOKEN)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server.url + "/")
        assert page.locator(".storycard").count() == 2


def test_no_page_runs_a_script(site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(site)
    story = site.store.list_stories().items[0].id
    article = site.store.list_articles().items[0].id
    for path in ["/", f"/stories/{story}", f"/articles/{article}", "/outlets", "/search?q=a", "/upload"]:
        t.go(path)
        assert t.page.locator("script").count() == 0, path
    clean(t)
    assert t.go("/nope").status == 404
    assert t.page.locator("script").count() == 0


def test_empty_store_pages(tmp_path: Path, tab: Callable[[Server], Tab]) -> None:
    store = open_store(tmp_path / "empty.db")
    with serve(store, Settings()) as server:
        t = tab(server)
        t.go("/")
        assert "No stories yet" in t.page.locator(".empty").inner_text()
        t.go("/upload")
        assert "disabled" in t.page.locator(".error").inner_text()
        t.go("/outlets")
        assert "No outlets yet" in t.page.locator(".empty").inner_text()
        clean(t)
    store.close()


# --- every page type at both widths ------------------------------------------------------------------------------


@dataclass
class CorpusSite(Server):
    job: str = ""  # the id of its one upload's job


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusSite]:
    """The example corpus (long outlet names, an article with neither title nor outlet) served with one page of
    stories per page, and one finished upload whose job page lists an article and a rejection."""
    store = open_store(tmp_path_factory.mktemp("corpus") / "parallax.db")
    ingest_paths(store, [EXAMPLES / "corpus"])
    pasted = [Pasted((EXAMPLES / "corpus" / "05_chipwatch.txt").read_text(encoding="utf-8"), outlet="Pasted Desk"),
              Pasted("Too short to be an article.", title="A stub")]  # fmt: skip
    with serve(store, Settings(token=TOKEN, page_size=1)) as server:
        job = queue_uploads(store, jobs_folder(store), [], pasted)
        deadline = time.monotonic() + 300
        while (done := store.get_job(job.id)) is None or done.state not in ("done", "failed"):
            assert time.monotonic() < deadline, "the upload's job did not finish"
            time.sleep(0.2)
        assert done.state == "done", done
        assert done.rejected == 1, done
        yield CorpusSite(server.url, store, server.settings, job.id)
    store.close()


def page_types(site: CorpusSite) -> dict[str, str]:
    """One address of each page type the app serves."""
    store = site.store
    story = store.list_stories(sort="largest").items[0]
    article = store.list_articles(story_id=story.id).items[0]
    outlet = max(store.list_outlets(), key=lambda o: len(o.name)).name
    return {
        "story list": "/",
        "story": f"/stories/{story.id}",
        "article": f"/articles/{article.id}",
        "outlets": "/outlets",
        "outlet": f"/outlets/{quote(outlet, safe='')}",
        "search": "/search?q=fire",
        "upload": "/upload",
        "login": "/login",
        "error": "/stories/no-such-story",
        "past the end": "/?page=999",
        "job": f"/jobs/{site.job}",
    }


def server_paths(server: Server) -> list[str]:
    """Paths on the server that no page may show: where the store, its upload folder and the corpus lie."""
    assert server.store.path is not None
    return [str(server.store.path.parent), str(jobs_folder(server.store)), str(EXAMPLES.resolve()), "/tmp/"]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen(corpus_site: CorpusSite, browser: Any, width: int) -> None:
    """No page is wider than the screen (wide tables scroll inside their own box), and none shows a server path."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for kind, path in page_types(corpus_site).items():
            response = page.goto(corpus_site.url + path)
            assert response is not None
            assert response.status < 500, (kind, path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"the {kind} page is {wide} px wide on a {width} px screen"
            html = page.content()
            for where in server_paths(corpus_site):
                assert where not in html, f"the {kind} page shows the server path {where}"
    finally:
        context.close()


def test_articles_are_named_by_headline_and_outlet(corpus_site: CorpusSite, tab: Callable[[Server], Tab]) -> None:
    """Readers see headlines, outlets and dates: never an article's id or file name where it has a title."""
    t = tab(corpus_site)
    store = corpus_site.store
    titled = [a for a in store.list_articles(limit=100).items if a.title]
    untitled = [a for a in store.list_articles(limit=100).items if not a.title]
    assert titled
    assert untitled
    pages = page_types(corpus_site)
    paths = [pages[k] for k in ("story list", "article", "outlets", "outlet", "search", "job")]
    paths += [f"/articles/{a.id}" for a in untitled] + ["/search?q=Korvane"]
    for path in paths:
        t.go(path)
        text = t.page.locator("body").inner_text()
        for a in titled:
            assert a.id not in text, f"{path} names {a.title!r} by its id"
            assert a.source not in text or path.startswith("/articles/"), f"{path} names {a.title!r} by its file"
    nameless = next(a for a in untitled if not a.outlet)
    t.go(f"/articles/{nameless.id}")
    assert t.page.locator("h1").inner_text() == "Untitled article from an unknown outlet"
    pasted = next(a for a in store.list_articles(limit=100).items if a.outlet == "Pasted Desk")
    t.go(pages["job"])
    assert t.page.locator(".panel li a[href^='/articles/']").first.inner_text() == (pasted.title or "Untitled article")
    assert "Pasted Desk" in t.page.locator(".panel li:has(a[href^='/articles/'])").first.inner_text()
    clean(t)


@pytest.mark.parametrize("width", WIDTHS)
def test_past_the_end_and_error_states(corpus_site: CorpusSite, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    url = corpus_site.url
    stories = corpus_site.store.counts()["stories"]
    try:
        # a page number past the end says so and leads to the last page (not "No stories yet")
        page.goto(url + "/?page=999")
        said = page.locator("#past-end").inner_text()
        assert "There is no page 999" in said
        assert f"ends at page {stories}" in said
        assert page.locator(".empty", has_text="No stories yet").count() == 0
        page.get_by_role("link", name="Go to the last page").click()
        page.wait_for_url(re.compile(rf"page={stories}$"))
        assert page.locator(".storycard").count() == 1
        assert page.locator(".pager").inner_text().count(f"Page {stories} of {stories}") == 1
        # search: never "Page 5 of 3"
        page.goto(url + "/search?q=Korvane&page=999")
        assert re.search(r"Page 999 of \d", page.locator("main").inner_text()) is None
        assert "There is no page 999" in page.locator("#past-end").inner_text()
        page.get_by_role("link", name="Go to the last page").click()
        assert page.locator(".searchhit").count() == 1
        # error pages speak to a reader: no validation jargon, no pointer to the API's document
        for path, said in [("/?since=2019-13-45", "“From” is not a date on the calendar"),
                           ("/?page=abc", "“Page” must be a page number"),
                           ("/?sort=oldest", "“Sort” must be one of the choices"),
                           ("/articles/nope", "There is no article “nope” here"),
                           ("/stories/nope", "no story 'nope'"),
                           ("/no/such/page", "No page at /no/such/page")]:  # fmt: skip
            response = page.goto(url + path)
            assert response is not None
            assert response.status in (404, 422), path
            text = page.locator("main").inner_text()
            assert said.lower() in text.lower(), (path, text)
            for jargon in ("openapi", "String should", "Input should", "pattern", "query.", "loc"):
                assert jargon not in text, (path, jargon)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_a_wrong_upload_token_keeps_the_pasted_text(empty_site: Server, tab: Callable[[Server], Tab]) -> None:
    t = tab(empty_site)
    page = t.page
    text = (EXAMPLES / "corpus" / "04_dunmere_courier.txt").read_text(encoding="utf-8")
    t.go("/upload")
    page.fill("input[name=title]", "Night shift tells of escape")
    page.fill("input[name=outlet]", "Dunmere Courier")
    page.fill("textarea[name=text]", text)
    page.fill("input[name=token]", "not-the-token")
    page.get_by_role("button", name="Add articles").click()
    said = page.locator("#upload-problem").inner_text()
    assert "write token is not right" in said
    assert "pasted text is still in the form" in said
    assert "Authorization" not in page.locator("main").inner_text()
    assert page.input_value("textarea[name=text]").split() == text.split()
    assert page.input_value("input[name=title]") == "Night shift tells of escape"
    assert page.input_value("input[name=outlet]") == "Dunmere Courier"
    assert empty_site.store.counts()["articles"] == 0
    assert t.problems == ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]
    t.problems.clear()  # the form came back with 401: the browser logs the status, nothing else went wrong
    # the right token now adds it, from the same form
    page.fill("input[name=token]", TOKEN)
    page.get_by_role("button", name="Add articles").click()
    assert page.locator("h1").inner_text() == "1 article uploaded"
    page.wait_for_selector("#upload-summary", timeout=300_000)
    assert page.locator("#upload-summary").inner_text().startswith("1 added")
    clean(t)


def test_read_protected_pages_lead_to_sign_in(seed_store: Store, tab: Callable[[Server], Tab]) -> None:
    """With a read token, every page leads to /login?next=... and back after signing in; the API keeps its 401."""
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server:
        t = tab(server)
        page = t.page
        story = seed_store.list_stories().items[0]
        for path in ["/", f"/stories/{story.id}", "/outlets", "/search?q=Huawei", "/upload"]:
            t.go(path)
            assert page.url == f"{server.url}/login?next={quote(path, safe='')}", path
            assert page.locator("h1").inner_text() == "Sign in"
        with server.client(headers={"accept": "text/html"}) as http:
            assert http.get("/api/stories").status_code == 401
        t.go(f"/stories/{story.id}")
        page.fill("input[name=token]", READ_TOKEN)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/stories/{story.id}")
        assert page.locator(".masthead h1").inner_text() == story.title
        clean(t)
