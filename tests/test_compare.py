"""Story comparison on the bundled example corpus, whose truth is known by construction (corpus.planted.json)."""

from __future__ import annotations

import json

from parallax import Report

from .conftest import EXAMPLES

PLANTED = json.loads((EXAMPLES / "corpus.planted.json").read_text(encoding="utf-8"))


def _story_of(report: Report, article: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.stories if article in s.story.articles)


def test_recycled_older_article_is_its_own_story(example_report: Report) -> None:
    for item in PLANTED["recycled"]:
        story = _story_of(example_report, item["article"])
        assert story.story.articles == (item["article"],)


def test_planted_number_and_date_conflicts_found_and_none_invented(example_report: Report) -> None:
    story = _story_of(example_report, "wires-1")
    planted = [c for c in PLANTED["conflicts"] if c["kind"] in {"number", "date"}]
    found = [c for c in story.conflicts if c.kind in {"number", "date"}]
    assert len(found) == len(planted)
    for plant in planted:
        match = [c for c in found if c.kind == plant["kind"] and all(v in c.description for v in plant["values"])]
        assert match, (plant, [c.description for c in found])
        articles = {m.article_id for m in match[0].mentions}
        assert len(articles) >= 2
        assert articles <= set(plant["articles"])


def test_planted_name_conflict_found_and_no_other_name_or_attribution_conflict(example_report: Report) -> None:
    story = _story_of(example_report, "wires-1")
    planted = [c for c in PLANTED["conflicts"] if c["kind"] == "name"]
    found = [c for c in story.conflicts if c.kind in {"name", "attribution"}]
    assert len(found) == len(planted)
    for plant, conflict in zip(planted, found, strict=True):
        assert conflict.kind == "name"
        assert all(v in conflict.description for v in plant["values"])
        by_value = {v: {m.article_id for m in conflict.mentions if m.value == v} for v in plant["values"]}
        # the minority title is exactly where it was planted, and every mention sentence carries its title
        assert by_value[plant["values"][1]] == {a for a, anchor in plant["anchors"] if plant["values"][1] in anchor}
        assert all(m.value in m.text for m in conflict.mentions)
    other = [c for s in example_report.stories if "wires-1" not in s.story.articles for c in s.conflicts]
    assert other == []


def test_no_conflicts_in_the_seed_stories_title_variants(seed_report: Report) -> None:
    # "Russia's Foreign Minister" and "Foreign Minister" are one title written more or less fully
    assert not [c for s in seed_report.stories for c in s.conflicts if c.kind == "name"]


def test_syndicated_copy_is_linked_and_not_independent(example_report: Report) -> None:
    pairs = {(g.original, copy) for g in example_report.duplicates for copy in g.copies}
    for item in PLANTED["syndicated"]:
        assert (item["original"], item["copy"]) in pairs
    story = _story_of(example_report, "wires-1")
    for fact in story.facts:
        assert not ("07_ostervik_post" in fact.independent and "wires-1" in fact.independent)


def test_summary_is_verbatim_cited_and_shared_facts_first(example_report: Report) -> None:
    texts = {a.id: a.article.text for a in example_report.articles}
    for story in example_report.stories:
        assert story.summary
        seen_exclusive = False
        for sentence in story.summary:
            assert sentence.text in texts[sentence.article_id]
            assert sentence.article_id in sentence.sources
            seen_exclusive = seen_exclusive or sentence.exclusive
            assert not (seen_exclusive and not sentence.exclusive), "exclusives come after shared facts"
        assert len({s.text for s in story.summary}) == len(story.summary)


def test_fact_mentions_are_exact_sentences(example_report: Report) -> None:
    by_id = {a.id: a for a in example_report.articles}
    for story in example_report.stories:
        for fact in story.facts:
            for mention in fact.mentions:
                article = by_id[mention.article_id]
                assert article.article.text[mention.start : mention.end] == mention.text
                assert article.sentences[mention.sentence].text == mention.text
        # every sentence of every article is in exactly one fact
        placed = [(m.article_id, m.sentence) for f in story.facts for m in f.mentions]
        assert len(placed) == len(set(placed)) == sum(len(by_id[a].sentences) for a in story.story.articles)


def test_timeline_is_sorted_and_dated(example_report: Report) -> None:
    for story in example_report.stories:
        dates = [entry.date for entry in story.timeline]
        assert dates == sorted(dates)
        assert all(entry.articles for entry in story.timeline)


def test_summary_voices_each_fact_by_its_plainest_original_wording(example_report: Report) -> None:
    loaded: dict[tuple[str, int], int] = {}
    for article in example_report.articles:
        for term in article.loaded_terms:
            if term.kind != "hedge":
                loaded[(article.id, term.sentence)] = loaded.get((article.id, term.sentence), 0) + 1
    copies = {copy for group in example_report.duplicates for copy in group.copies}
    for story in example_report.stories:
        facts = {f.id: f for f in story.facts}
        for sentence in story.summary:
            fact = facts[sentence.fact_id or ""]
            fewest = min(loaded.get((m.article_id, m.sentence), 0) for m in fact.mentions)
            assert loaded.get((sentence.article_id, sentence.sentence), 0) == fewest
            if any(m.article_id not in copies and m.text == sentence.text for m in fact.mentions):
                assert sentence.article_id not in copies


def test_title_variants_that_do_not_conflict() -> None:
    from parallax.compare.story import _compatible_titles

    assert _compatible_titles("Foreign Minister", "Russia’s Foreign Minister")
    assert _compatible_titles("RNC Chairman", "Republican National Committee Chairman")
    assert not _compatible_titles("Industry Minister", "Economy Minister")
    assert not _compatible_titles("RNC Chairman", "DNC Chairman")
