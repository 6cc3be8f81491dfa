"""Screenshots of the web app (``make screenshots``): ``python -m tests.web.screenshots DIR``.

Ingests the seed corpus (../shared/corpus/seeds) and the example corpus (examples/corpus) into a temporary store,
adds one upload (a pasted article and a stub that is rejected), serves it on 127.0.0.1 and saves a PNG of every page
type at a desktop's width (1440 px) and a phone's (390 px): ``NAME-1440.png``, ``NAME-390.png``. Each shows the top
of its page, down to ``MAX_HEIGHT`` px (a story page is far longer). Look at them before committing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from parallax.engine.jobs import jobs_folder
from parallax.engine.store import ingest_paths
from parallax.store import Store, open_store
from parallax.web import Settings
from parallax.web.uploads import Pasted, queue_uploads
from tests.conftest import EXAMPLES, SHARED
from tests.web.conftest import CHROMIUM, READ_TOKEN, TOKEN, serve

WIDTHS = {1440: 900, 390: 844}  # width: the screen's height
MAX_HEIGHT = 2400  # px of a page's top shown, at most


def pages(store: Store, job: str) -> dict[str, str]:
    """The address of each page type to shoot, by file name."""
    story = store.list_stories(sort="largest").items[0]
    article = next(a for a in store.list_articles(story_id=story.id).items if a.title and a.outlet)
    outlet = max(store.list_outlets(), key=lambda o: o.articles).name
    return {
        "stories": "/",
        "story": f"/stories/{story.id}",
        "article": f"/articles/{article.id}",
        "outlets": "/outlets",
        "outlet": f"/outlets/{quote(outlet, safe='')}",
        "search": "/search?q=Korvane",
        "upload": "/upload",
        "job": f"/jobs/{job}",
        "error": "/?since=2019-13-45",
        "past-end": "/?page=999",
    }


def upload(store: Store) -> str:
    """One finished upload (a pasted article and a stub too short to keep): its job's id."""
    text = (EXAMPLES / "corpus" / "05_chipwatch.txt").read_text(encoding="utf-8")
    pasted = [Pasted(text, outlet="Pasted Desk"), Pasted("Too short to be an article.", title="A stub")]
    job = queue_uploads(store, jobs_folder(store), [], pasted)
    deadline = time.monotonic() + 600
    while (done := store.get_job(job.id)) is None or done.state not in ("done", "failed"):
        if time.monotonic() > deadline:
            raise RuntimeError("the upload's job did not finish")
        time.sleep(0.2)
    return job.id


def shoot(browser: object, base: str, shots: dict[str, str], folder: Path) -> None:
    for width, height in WIDTHS.items():
        page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        for name, path in shots.items():
            page.goto(base + path)
            tall = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
            target = folder / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": tall})
            print(target)
        page.close()


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "parallax.db") as store:
        ingest_paths(store, [SHARED / "corpus" / "seeds", EXAMPLES / "corpus"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            with serve(store, Settings(token=TOKEN, page_size=2)) as server:
                shoot(browser, server.url, pages(store, upload(store)), folder)
            with serve(store, Settings(token=TOKEN, read_token=READ_TOKEN)) as server:  # a private site's sign-in
                shoot(browser, server.url, {"login": "/login?next=%2F"}, folder)
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
