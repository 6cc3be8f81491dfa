"""Browser tests: Debian's chromium (Playwright) against real uvicorn servers. The reader's flows: story list ->
story -> article -> search, the filters, the upload form, signing in; no request may leave the server and no
Content-Security-Policy violation or script error may occur on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from parallax.store import open_store
from parallax.web import Settings
from tests.conftest import EXAMPLES
from tests.web.conftest import READ_TOKEN, TOKEN, Server, Tab, serve

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
    if timeline.count():
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
    assert page.locator("h1").inner_text() == (member.title or "(untitled)")
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
    assert "write token" in page.locator("h1").inner_text()
    assert empty_site.store.counts()["articles"] == 0


def test_sign_in_when_reads_need_a_token(seed_store, tab: Callable[[Server], Tab], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with serve(seed_store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server:
        t = tab(server)
        page = t.page
        assert t.go("/").status == 401
        t.go("/login")
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
