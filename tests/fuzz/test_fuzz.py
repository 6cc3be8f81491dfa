"""Property tests: every reader and stage, fed hostile input, returns or rejects cleanly (tests/fuzz/targets.py).

Fast settings for ``make test`` (a few hundred examples per target); ``make fuzz`` runs the same targets for 100,000
inputs each (tests/fuzz/long.py, figures in docs/RELIABILITY.md). Set ``PARALLAX_FUZZ_EXAMPLES`` to run more here.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.models import Rejection

from . import targets
from .strategies import hostile_bytes

EXAMPLES = int(os.environ.get("PARALLAX_FUZZ_EXAMPLES", "150"))
# The targets that run spaCy or analyse a report cost ~10-50 ms per input: fewer examples keep the folder fast.
SLOW = {"annotate": 40, "render": 40, "html": 80}

FAST = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_target_rejects_cleanly(name: str, request: pytest.FixtureRequest) -> None:
    target = targets.TARGETS[name]
    if name == "render":  # the session's example report (conftest), not a second analysis of the same corpus
        targets.use_report(request.getfixturevalue("example_report"))
    examples = min(EXAMPLES, SLOW.get(name, EXAMPLES))

    @settings(FAST, max_examples=examples)
    @given(hostile_bytes())
    def run(data: bytes) -> None:
        target(data)

    run()


@settings(FAST)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(("text", "maintext", "title", "authors", "date", "url", "source_domain")),
                inner,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_json_records_of_any_shape(value: object) -> None:
    """Any JSON value, as a file or as JSON lines, gives records or clean rejections."""
    import json

    text = json.dumps(value)
    targets.json_records(b"\x00" + text.encode())
    targets.json_records(b"\x00" + (text + "\n" + text).encode())


@settings(FAST)
@given(st.sampled_from(("[", '{"a":', '[["x",')), st.integers(900, 200_000))
def test_json_nested_too_deep_is_rejected(opening: str, depth: int) -> None:
    from parallax.sources.records import records_from_text

    closing = {"[": "]", '{"a":': "}", '[["x",': "]]"}[opening]
    for text in (opening * depth, opening * depth + "1" + closing * depth):
        items = list(records_from_text("deep.json", "deep", text, used=set()))
        assert items
        assert targets.checked(items) == []
        assert all(isinstance(item, Rejection) and item.reason == "format" for item in items)
