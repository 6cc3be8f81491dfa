"""analyze_stories embeds and compares stories a chunk at a time: the chunk size changes memory, never results."""

from __future__ import annotations

import pytest

import parallax.engine.stages as stages
from parallax.models import Report


def test_story_chunks_give_the_same_analyses(example_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    stories = [a.story for a in example_report.stories]
    assert sum(1 for s in stories if len(s.articles) > 1) >= 1
    whole = stages.analyze_stories(stories, example_report.articles, example_report.duplicates)
    monkeypatch.setattr(stages, "EMBED_CHUNK_SENTENCES", 1)  # one story per chunk
    chunked = stages.analyze_stories(stories, example_report.articles, example_report.duplicates)
    assert [len(a.facts) for a in chunked] == [len(a.facts) for a in whole]
    assert [a.summary for a in chunked] == [a.summary for a in whole]
    assert [[f.sources for f in a.facts] for a in chunked] == [[f.sources for f in a.facts] for a in whole]
