"""The weight of a large story's page: bytes, DOM nodes and load time in Chromium (docs/WEB.md, "Page weight").

    .venv/bin/python benchmarks/story_page.py build   # the store: 50 real BASIL articles as one story (once)
    .venv/bin/python benchmarks/story_page.py measure # serve it, load its page in Chromium 5 times, print figures

``build`` reads BASIL (../shared/data/basil, see its README): the 50 first articles of its 2012 and 2013 folders
(17 events of US national politics, each reported by Fox News, The New York Times and HuffPost), annotates them,
analyses them as ONE story (grouped by hand: no data set here has 50 articles on a single event, and the page's
weight grows with articles x facts, which this story has plenty of) and saves it in an SQLite store at STORE.

``measure`` serves that store on 127.0.0.1 (uvicorn, in this process), loads ``/stories/{id}`` in Debian's
chromium (Playwright, as tests/web does) with the cache off, and prints: bytes of the HTML as sent without and with
gzip, DOM elements (``document.getElementsByTagName('*').length``), links and summaries (what a keyboard tabs
through), the page's height, and the load time (navigation start to the load event, median of 5 loads), with the
part of it spent before the first byte (the server rendering the page).
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import statistics
import sys
import threading
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STORE = Path(os.environ.get("PARALLAX_PAGE_STORE", "/tmp/parallax_story_page.db"))
ARTICLES = 50
# navigation start to the load event, and the part of it before the first byte (the server's rendering)
LOAD_MS = (
    "() => { const n = performance.getEntriesByType('navigation')[0];"
    " return [n.loadEventEnd - n.startTime, n.responseStart - n.startTime]; }"
)
CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")


def build_story(data: Path, store_path: Path) -> str:
    """The 50-article story (see above) analysed and saved in a new SQLite store at ``store_path``; its id."""
    from parallax.engine.stages import analyze_stories, build_report
    from parallax.evaluation.clustering import load_basil
    from parallax.evaluation.common import annotate_all
    from parallax.group.batch import describe_story
    from parallax.group.copies import find_duplicates
    from parallax.report import to_dict
    from parallax.store import StoryRecord, open_store

    corpus = load_basil(data)
    chosen = [a for a in corpus.articles if "/2012/" in a.source or "/2013/" in a.source][:ARTICLES]
    # the store shows a file's base name as the source, never a folder (as ingest does)
    chosen = [dataclasses.replace(a, source=Path(a.source).name) for a in chosen]
    annotated = annotate_all(chosen)
    duplicates = find_duplicates([a.article for a in annotated])
    story = dataclasses.replace(describe_story(annotated, duplicates=duplicates), id="basil-2012")
    (analysis,) = analyze_stories([story], annotated, duplicates)
    report = build_report(annotated, [analysis], duplicates)
    store_path.unlink(missing_ok=True)
    store = open_store(store_path)
    record = StoryRecord(analysis=analysis, duplicates=tuple(duplicates), report=to_dict(report))
    store.save([(story.id, a) for a in annotated], [record])
    store.close()
    return story.id


def build() -> None:
    story = build_story(DATA, STORE)
    print(f"{STORE}: story {story}")


def measure() -> None:
    import httpx
    import uvicorn
    from playwright.sync_api import sync_playwright

    from parallax.store import open_store
    from parallax.web import Settings, create_app

    store = open_store(STORE)
    story = store.list_stories(sort="largest").items[0]
    config = uvicorn.Config(create_app(store, Settings()), host="127.0.0.1", port=8765, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:8765/stories/{story.id}"
    raw = httpx.get(url, headers={"Accept-Encoding": "identity"}, timeout=300).content
    print(f"story: {story.title!r}, {story.articles} articles, {story.facts} facts")
    print(f"html bytes: {len(raw):,} (gzip: {len(gzip.compress(raw)):,})")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.route("**/*", lambda route: route.continue_())  # no cache between loads
        times = []
        for _ in range(5):
            page.goto(url, wait_until="load")
            times.append(page.evaluate(LOAD_MS))
        nodes = page.evaluate("() => document.getElementsByTagName('*').length")
        links = page.evaluate("() => document.querySelectorAll('a[href], summary').length")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        browser.close()
    print(f"DOM elements: {nodes:,}; links and summaries: {links:,}; page height at 1440 px: {height:,} px")
    total = statistics.median(t[0] for t in times)
    first = statistics.median(t[1] for t in times)
    print(f"load (median of 5): {total:.0f} ms, of which {first:.0f} ms before the first byte (the server)")
    print(f"all loads: {', '.join(f'{t[0]:.0f}' for t in times)} ms")
    server.should_exit = True
    store.close()


if __name__ == "__main__":
    {"build": build, "measure": measure}[sys.argv[1] if len(sys.argv) > 1 else "measure"]()
