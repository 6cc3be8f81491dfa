"""Screenshots of the web app over the seed corpus (``make screenshots``): ``python -m tests.web.screenshots DIR``.

Ingests ../shared/corpus/seeds into a temporary store, serves it on 127.0.0.1 and saves PNGs of the main pages.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from parallax.engine.store import ingest_paths
from parallax.store import open_store
from parallax.web import Settings
from tests.conftest import SHARED
from tests.web.conftest import CHROMIUM, TOKEN, serve


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "parallax.db") as store:
        ingest_paths(store, [SHARED / "corpus" / "seeds"])
        story = store.list_stories(sort="largest").items[0]
        article = store.list_articles(story_id=story.id).items[0]
        outlet = store.list_outlets()[0].name
        stored = store.get_article(article.id)
        assert stored is not None
        first = stored.annotated.sentences[0]
        word = max(re.findall(r"[A-Za-z]+", first.text), key=len)  # a word of its text, as a reader would search
        shots = {
            "stories.png": ("/", False),
            "story.png": (f"/stories/{story.id}", False),
            "story-charts.png": (f"/stories/{story.id}#content", True),
            "article.png": (f"/articles/{article.id}", False),
            "outlet.png": (f"/outlets/{outlet}", False),
            "search.png": (f"/search?q={word}", False),
            "upload.png": ("/upload", False),
        }
        with serve(store, Settings(token=TOKEN)) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, (path, full) in shots.items():
                page.goto(server.url + path)
                if name == "story-charts.png":
                    page.locator(".charts").screenshot(path=str(folder / name))
                else:
                    page.screenshot(path=str(folder / name), full_page=full)
                print(folder / name)
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
