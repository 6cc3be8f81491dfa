"""The regex audit in ``make test`` (issue 15): every pattern in src/parallax, run over adversarial inputs of 10k, 20k
and 40k characters (tests/regex_audit.py), may at most triple its time per doubling of the input.

One test per pattern, named after it. The audit times each input as the best of 3 runs, counting anything under
``FLOOR`` (50 ms) as 50 ms, so only an input that takes over 150 ms at 20k or 40k characters can fail (those under it
are not timed again); on a busy machine a pattern that fails is measured again, best of 5, before the test fails (a
catastrophic pattern, one still running after ``LIMIT`` seconds, is not).
"""

from __future__ import annotations

import re

import pytest

from . import regex_audit
from .regex_audit import Found

FOUND = regex_audit.patterns()
REPEATS = (3, 5)  # runs per timing: the audit, then the measurements again of a pattern that failed


def test_the_audit_sees_every_pattern() -> None:
    assert len(FOUND) >= 90  # 99 at the end of issue 15 (102 before three were replaced by plain string searches)
    wheres = {found.where for found in FOUND}
    assert "parallax.annotate.citations._PROPER_RUN" in wheres  # compiled at module level
    assert any(where.startswith("parallax/") and ":" in where for where in wheres)  # literal ones in re.* calls


def test_the_audit_finds_a_quadratic_pattern() -> None:
    """A run of white space before a required character: each start rescans the run (the shape of issue 15)."""
    problem = regex_audit.audit(Found("self-test", r"\s*x", re.compile(r"\s*x").flags))
    assert problem is not None
    assert problem.startswith("self-test: ")


@pytest.mark.parametrize("found", FOUND, ids=[found.where for found in FOUND])
def test_pattern_is_linear(found: Found) -> None:
    problems = []
    for repeats in REPEATS:
        problem = regex_audit.audit(found, repeats)
        if problem is None:
            return
        problems.append(problem)
        if "still running" in problem:
            break
    pytest.fail("\n".join(problems))
