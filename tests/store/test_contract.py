"""The store contract: every backend (SQLite file, real PostgreSQL server) answers the same way.

The data is the seed corpus in ../shared (annotated once per session by the ``seed_report`` fixture, then stored
with ``ingest_annotated``, so no test re-runs spaCy). Search terms, outlets and names are taken from the stored
data at run time, never written here.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from parallax import AnnotatedArticle, Report, render, to_dict
from parallax.engine.store import ingest_annotated
from parallax.errors import StoreError
from parallax.report import SCHEMA
from parallax.settings import store_url
from parallax.store import MARK_END, MARK_START, TABLES, Store, open_store

from .conftest import BACKENDS, make_url


def dump(store: Store) -> dict[str, object]:
    return {table: store.rows(table) for table in TABLES}


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seed_report: Report
) -> Iterator[Store]:
    """A store on each backend holding the seed corpus (read-only for the tests that use it)."""
    url = make_url(request.param, tmp_path_factory.mktemp("seeded"), request)
    with open_store(url) as store:
        result = ingest_annotated(store, seed_report.articles)
        assert len(result.added) == len(seed_report.articles)
        yield store


def _partition(store: Store) -> set[frozenset[str]]:
    stories = store.list_stories(limit=500).items
    return {frozenset(a.id for a in store.story_articles(s.id)) for s in stories}


def test_migrations_are_named_recorded_and_idempotent(store_url: str) -> None:
    with open_store(store_url) as store:
        applied = store.migrations()
        assert applied == (
            "001_initial",
            "002_search",
            "003_sentence_vectors",
            "004_merged_stories",
            "005_jobs",
            "006_public_sources",
        )
        assert store.migrate() == ()
        before = dump(store)
    with open_store(store_url) as again:
        assert again.migrations() == applied
        assert again.migrate() == ()
        assert dump(again) == before


def test_empty_store(store: Store) -> None:
    assert store.counts() == {"articles": 0, "stories": 0, "outlets": 0}
    page = store.list_stories()
    assert page.items == ()
    assert page.total == 0
    assert store.get_story("nope") is None
    assert store.story_report("nope") is None
    assert store.load_report("nope") is None
    assert store.get_article("nope") is None
    assert store.list_outlets() == ()
    assert store.search("anything").total == 0


def test_seed_stories_are_the_batch_stories(seeded: Store, seed_report: Report) -> None:
    batch = {frozenset(s.story.articles) for s in seed_report.stories}
    assert _partition(seeded) == batch
    assert seeded.counts()["stories"] == len(seed_report.stories)
    assert seeded.counts()["articles"] == len(seed_report.articles)


def test_story_report_matches_the_batch_report(seeded: Store, seed_report: Report) -> None:
    """What the store keeps for a story is what `parallax analyze` reports for it (ids aside)."""
    batch = {frozenset(s.story.articles): s for s in seed_report.stories}
    for info in seeded.list_stories().items:
        stored = seeded.story_report(info.id)
        assert stored is not None
        assert stored["schema"] == SCHEMA
        (story,) = stored["stories"]
        assert story["id"] == info.id
        expected = batch[frozenset(story["articles"])]
        assert story["title"] == expected.story.title == info.title
        facts = [(f["text"], f["sources"]) for f in story["facts"]]
        assert facts == [(f.text, list(f.sources)) for f in expected.facts]
        assert [x["text"] for x in story["summary"]] == [x.text for x in expected.summary]
        assert len(story["quotes"]) == len(expected.quotes)
        assert len(story["conflicts"]) == len(expected.conflicts)
        assert [a["id"] for a in stored["articles"]] == list(expected.story.articles)
        assert info.articles == len(expected.story.articles)
        assert info.facts == len(expected.facts)


def test_load_report_renders_like_the_stored_json(seeded: Store) -> None:
    for info in seeded.list_stories().items:
        report = seeded.load_report(info.id)
        assert report is not None
        assert to_dict(report) == seeded.story_report(info.id)
        html = render(report, "html")
        assert info.title.split()[0] in html


def test_articles_round_trip_through_the_store(seeded: Store, seed_report: Report) -> None:
    for annotated in seed_report.articles:
        stored = seeded.get_article(annotated.id)
        assert stored is not None
        # every annotation, through JSON and the database; the source as readers see it (its base name: no folder)
        assert stored.annotated == replace(
            annotated, article=replace(annotated.article, source=Path(annotated.article.source).name)
        )
        assert stored.info.source == Path(annotated.article.source).name
        assert stored.info.checksum == annotated.article.checksum
        assert stored.info.words == len(annotated.article.text.split())
    page = seeded.list_articles()
    assert page.total == len(seed_report.articles)
    for info in seeded.list_stories().items:
        members = seeded.list_articles(story_id=info.id)
        assert [a.id for a in members.items] == [a.id for a in seeded.story_articles(info.id)]
        assert {a.story_id for a in members.items} == {info.id}


def test_list_stories_sorts_and_pages(seeded: Store) -> None:
    largest = seeded.list_stories(sort="largest").items
    assert [s.articles for s in largest] == sorted((s.articles for s in largest), reverse=True)
    newest = seeded.list_stories(sort="newest").items
    dated = [s.last_published for s in newest if s.last_published]
    assert dated == sorted(dated, reverse=True)
    assert all(s.last_published for s in newest[: len(dated)])  # undated last
    first, second = seeded.list_stories(limit=1), seeded.list_stories(limit=1, offset=1)
    assert first.total == second.total == len(newest)
    assert (first.items[0].id, second.items[0].id) == (newest[0].id, newest[1].id)
    with pytest.raises(ValueError, match="sort"):
        seeded.list_stories(sort="oldest")  # type: ignore[arg-type]


def test_list_stories_filters(seeded: Store) -> None:
    everything = seeded.list_stories().items
    for info in everything:
        for outlet in info.outlets:
            found = {s.id for s in seeded.list_stories(outlet=outlet.upper()).items}
            assert info.id in found
            assert found == {s.id for s in everything if outlet in s.outlets}
    assert seeded.list_stories(outlet="no such outlet").total == 0

    # a person named in exactly one story: found by full name and by surname, case-insensitive
    people: dict[str, set[str]] = {}
    for info in everything:
        for article in seeded.story_articles(info.id):
            for e in article.entities:
                if e.label == "PERSON" and len(e.name.split()) > 1:
                    people.setdefault(e.name, set()).add(info.id)
    name, stories = next((n, s) for n, s in sorted(people.items()) if len(s) == 1)
    assert {s.id for s in seeded.list_stories(entity=name.lower()).items} == stories
    assert stories <= {s.id for s in seeded.list_stories(entity=name.split()[-1]).items}
    assert seeded.list_stories(entity="Nobody Atall").total == 0

    dated = [s for s in everything if s.first_published]
    assert dated
    day = dated[0].first_published[:10]  # type: ignore[index]
    same_day = {s.id for s in seeded.list_stories(since=day, until=day).items}  # until includes the whole day
    assert dated[0].id in same_day
    assert seeded.list_stories(since="2999-01-01").total == 0
    assert seeded.list_stories(until="1900-01-01").total == 0


def test_outlets(seeded: Store, seed_report: Report) -> None:
    outlets = seeded.list_outlets()
    expected = Counter(a.article.outlet for a in seed_report.articles if a.article.outlet)
    assert {o.name: o.articles for o in outlets} == dict(expected)
    assert [o.articles for o in outlets] == sorted((o.articles for o in outlets), reverse=True)
    by_name = {a.article.outlet: a for a in seed_report.articles if a.article.outlet}
    for outlet in outlets:
        assert outlet.stories >= 1
        assert -1.0 <= outlet.mean_tone <= 1.0
        article = by_name[outlet.name]
        if expected[outlet.name] == 1:
            assert outlet.quotes == len(article.quotes)
            assert outlet.citations == len(article.citations)
            assert {s for s, _ in outlet.cites} == {c.source for c in article.citations}
    assert seeded.counts()["outlets"] == len(outlets)


def test_search(seeded: Store, seed_report: Report) -> None:
    # a word of one article whose first five letters no other article has (so no stemmer can match it elsewhere)
    def words(a: AnnotatedArticle) -> list[str]:
        return re.findall(r"[a-z]+", f"{a.article.title or ''} {a.article.text}".lower())

    article = seed_report.articles[0]
    elsewhere = {w[:5] for a in seed_report.articles[1:] for w in words(a)}
    in_text = re.findall(r"[a-z]+", article.article.text.lower())
    rare = next(w for w in in_text if len(w) > 6 and w[:5] not in elsewhere)
    page = seeded.search(rare)
    assert page.total == 1
    (hit,) = page.items
    assert hit.article_id == article.id
    assert hit.story_id == seeded.get_article(article.id).info.story_id  # type: ignore[union-attr]
    assert MARK_START in hit.snippet
    assert MARK_END in hit.snippet
    marked = hit.snippet.split(MARK_START, 1)[1].split(MARK_END, 1)[0]
    assert marked.lower() == rare.lower()

    tokens = article.article.text.split()
    pair = next(f"{a} {b}" for a, b in itertools.pairwise(tokens) if a.isalpha() and b.isalpha() and len(a) > 4)
    assert article.id in {h.article_id for h in seeded.search(f'"{pair}"', limit=50).items}

    assert seeded.search("zzqxj").total == 0
    assert seeded.search("").total == 0
    for hostile in ['"unbalanced', "a OR b NEAR(c", "title:x*", "-- ; DROP TABLE articles", "'\"\\%_"]:
        seeded.search(hostile)  # no syntax error whatever the user types
    assert seeded.counts()["articles"] == len(seed_report.articles)


def test_search_pages(seeded: Store, seed_report: Report) -> None:
    # a long word (no stop word on either backend) that several articles use
    counts = Counter(w for a in seed_report.articles for w in set(re.findall(r"[a-z]{7,}", a.article.text.lower())))
    common = max(sorted(counts), key=lambda w: counts[w])
    full = seeded.search(common, limit=50)
    assert full.total >= 2
    ranks = [h.rank for h in full.items]
    assert ranks == sorted(ranks, reverse=True)
    second = seeded.search(common, limit=1, offset=1)
    assert second.total == full.total
    assert second.items[0].article_id == full.items[1].article_id


def test_lookups(seeded: Store, seed_report: Report) -> None:
    article = seed_report.articles[0].article
    assert seeded.find_checksums([article.checksum, "0" * 32]) == {article.checksum: article.id}
    assert seeded.find_ids([article.id, "missing"]) == {article.id}
    with pytest.raises(ValueError, match="unknown table"):
        seeded.rows("sqlite_master")


def test_reingest_is_a_no_op(seeded: Store, seed_report: Report) -> None:
    before = dump(seeded)
    again = ingest_annotated(seeded, seed_report.articles)
    assert again.added == ()
    assert again.stories == ()
    assert sorted(again.unchanged) == sorted(a.id for a in seed_report.articles)
    assert dump(seeded) == before


def test_candidates_are_the_window_and_the_undated(seeded: Store, seed_report: Report) -> None:
    dated = [a for a in seed_report.articles if a.article.published]
    undated = {a.id for a in seed_report.articles if not a.article.published}
    assert dated
    day = dated[0].article.published[:10]  # type: ignore[index]
    around = {a.id for _, a in seeded.recent_articles(since=day, until=day, limit=100)}
    assert around == undated | {a.id for a in dated if a.article.published[:10] == day}  # type: ignore[index]
    far = {a.id for _, a in seeded.recent_articles(since="2999-01-01", until="2999-12-31", limit=100)}
    assert far == undated
    everything = seeded.recent_articles(since=None, until=None, limit=100)
    assert len(everything) == len(seed_report.articles)
    assert len(seeded.recent_articles(since=None, until=None, limit=2)) == 2


def test_saving_an_article_twice_fails_whole(store: Store, seed_report: Report) -> None:
    ingest_annotated(store, seed_report.articles[:1])
    before = dump(store)
    story_id = store.list_stories().items[0].id
    with pytest.raises(StoreError):
        store.save([(story_id, seed_report.articles[0])], [])
    assert dump(store) == before  # the failed transaction left nothing behind


def test_bad_urls() -> None:
    from parallax.errors import ConfigError

    with pytest.raises(ConfigError, match="scheme"):
        open_store("mysql://localhost/x")
    with pytest.raises(StoreError, match="does not exist"):
        open_store("/no/such/folder/parallax.db")
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://someone:secret@127.0.0.1:1/db")
    assert "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.db"
    with open_store(f"sqlite:///{path}") as store:
        assert store.migrations()
    assert path.is_file()
    monkeypatch.chdir(tmp_path)
    # $PARALLAX_DB is read at the edge (the commands: settings.store_url), never by open_store itself
    monkeypatch.setenv("PARALLAX_DB", str(tmp_path / "env.db"))
    with open_store(store_url()):
        pass
    assert (tmp_path / "env.db").is_file()
    with open_store():
        pass
    assert (tmp_path / "parallax.db").is_file()
    monkeypatch.delenv("PARALLAX_DB")
    assert store_url() is None
    with open_store(tmp_path / "b.db") as store:
        assert store.url.endswith("b.db")


def test_migration_006_drops_the_folders_of_stored_sources(store: Store, seed_report: Report) -> None:
    """Articles stored before ingest kept base names only held their file's path (a server's folders, an upload's
    temporary folder): migration 006 leaves the base name; URLs stay whole."""
    from parallax.models import StoryAnalysis
    from parallax.store import StoryRecord

    first, second = seed_report.articles[:2]
    first = replace(first, article=replace(first.article, source="/tmp/parallax-upload-x1/0001/story.html"))
    second = replace(second, article=replace(second.article, source="https://example.com/news/a#b"))
    for article in (first, second):
        story = seed_report.stories[0].story
        story = replace(story, id=f"s-{article.id}", articles=(article.id,))
        store.save([(story.id, article)], [StoryRecord(StoryAnalysis(story), (), {"articles": []})])
    store._run("DELETE FROM schema_migrations WHERE name = ?", ["006_public_sources"])  # type: ignore[attr-defined]
    assert store.migrate() == ("006_public_sources",)
    sources = {a.id: a.source for a in store.list_articles().items}
    assert sources == {first.id: "story.html", second.id: "https://example.com/news/a#b"}


def test_export_is_the_batch_reports_tables(seeded: Store, seed_report: Report, tmp_path: Path) -> None:
    """A store's export (issue 18) holds the tables of the batch report it was ingested from (story ids aside), and
    each stored story's JSON reads back as a report."""
    import polars as pl

    from parallax.report import from_dict
    from parallax.store.export import export
    from parallax.tables import TABLE_NAMES

    written = export(seeded, tmp_path, "parquet")
    assert [p.name for p in written] == [f"{name}.parquet" for name in TABLE_NAMES]
    batch = dict(seed_report.tables().frames())
    for name in TABLE_NAMES:
        read = pl.read_parquet(tmp_path / f"{name}.parquet")
        assert read.height == batch[name].height, name
        assert read.drop(["added", "created", "updated"], strict=False).schema == batch[name].schema, name
    facts = pl.read_parquet(tmp_path / "facts.parquet")
    assert sorted(facts.select("text", "sources").rows()) == sorted(batch["facts"].select("text", "sources").rows())
    stories = pl.read_parquet(tmp_path / "stories.parquet")
    assert stories["created"].null_count() == 0
    assert stories.schema["updated"] == pl.Datetime("us", "UTC")
    for info in seeded.list_stories().items:
        stored = seeded.story_report(info.id)
        assert to_dict(from_dict(stored)) == stored
