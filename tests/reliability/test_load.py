"""The short load test: benchmarks/load.py's generator (200 requests from 8 clients: story reads, searches and
ingests, whose jobs must all end done) against `parallax serve` on a store holding the example corpus, then a small
hostile scenario (reads while hostile ingests run); no request may fail. ``make load`` runs the long one and writes
its latencies into docs/RELIABILITY.md."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import ROOT

REQUESTS = 200
CONCURRENCY = 8


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("parallax_load", ROOT / "benchmarks" / "load.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("parallax_load", module)
    spec.loader.exec_module(module)
    return module


def test_short_load_has_no_errors(tmp_path: Path) -> None:
    load = _load_module()
    token = secrets.token_urlsafe(16)
    with load.served(load.seeded_store(tmp_path), token) as base:
        result = load.run_load(base, token, requests=REQUESTS, concurrency=CONCURRENCY, max_seconds=600)
        hostile = load.run_hostile(base, token, seconds=60, scale=0.1)
    assert result.requests == REQUESTS
    errors = [e for tally in result.tallies.values() for e in tally.errors]
    assert errors == []
    assert all(tally.count > 0 for tally in result.tallies.values())  # every kind of request was sent
    assert result.tallies["ingest job"].count == result.tallies["ingest"].count  # every ingest's job ended done
    assert hostile.reads.errors == []
    assert hostile.reads.count > 0
    assert [state for _, state, _ in hostile.jobs] != ["queued"] * 3  # the reads ran while the worker did
    written = tmp_path / "RELIABILITY.md"
    written.write_text("# Reliability\n\n## Load\n\nold figures\n\n## Other\n\nkept\n", encoding="utf-8")
    load.write_section(written, load.section(result, "make load", hostile))
    text = written.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert "## Other\n\nkept\n" in text
    assert "| all requests | 200 | 0 |" in text
    assert "| `GET /api/stories` during the hostile ingests |" in text
