"""A story merged into another by an ingest: its old page leads to the story now holding its articles."""

from __future__ import annotations

from parallax import Report
from parallax.engine.store import ingest_annotated
from tests.store.test_incremental import _store_story
from tests.web.conftest import Server


def test_an_old_story_link_leads_to_the_story_it_was_merged_into(empty_site: Server, seed_report: Report) -> None:
    story = max(seed_report.stories, key=lambda s: len(s.story.articles))
    by_id = {a.id: a for a in seed_report.articles}
    first, second, bridge = (by_id[i] for i in story.story.articles[:3])
    store = empty_site.store
    _store_story(store, "story-1", [first])
    _store_story(store, "story-2", [second])
    assert ingest_annotated(store, [bridge]).merged == (("story-2", "story-1"),)
    with empty_site.client(headers={"accept": "text/html"}) as http:
        page = http.get("/stories/story-2")
        assert page.status_code == 301
        assert page.headers["location"] == "/stories/story-1"
        assert http.get("/stories/story-2", follow_redirects=True).status_code == 200
        answer = http.get("/api/stories/story-2")
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == "story 'story-2' was merged into 'story-1'"
