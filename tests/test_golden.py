"""Reports stay identical across refactors: the seeds' and the example corpus' reports against goldens.

The goldens in tests/data/golden were written before the package move (issue 13) by
``python -m tests.test_golden --write``; a change that is meant to alter reports rewrites them in the same commit
and says why. Only the time field (``generated``) is left out, and paths are written relative to the repository and
to ../shared so that a clone anywhere compares equal. A golden holds SHA-256 digests of the report's parts (every
subtree down to three levels: ``stories/0/facts``), not its text: the seeds' articles stay in ../shared, and a
failure names the part that changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from parallax import Report, analyze, to_dict

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN = ROOT / "tests" / "data" / "golden"


def normalised(report: Report) -> Any:
    """The report's JSON form without its time field, with this machine's folders replaced by placeholders."""
    data = to_dict(report)
    data.pop("generated", None)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    text = text.replace(json.dumps(str(SHARED))[1:-1], "<shared>").replace(json.dumps(str(ROOT))[1:-1], "<repo>")
    return json.loads(text)


def digests(data: Any, path: str = "", depth: int = 3) -> dict[str, str]:
    """``{"stories/0/facts": sha256, ...}`` for every subtree of ``data`` down to ``depth`` levels, and the whole."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out = {path or "/": hashlib.sha256(canonical.encode("utf-8")).hexdigest()}
    if depth > 0 and isinstance(data, dict):
        items: Any = data.items()
    elif depth > 0 and isinstance(data, list):
        items = enumerate(data)
    else:
        return out
    for key, value in items:
        out.update(digests(value, f"{path}/{key}" if path else str(key), depth - 1))
    return out


def _check(name: str, report: Report) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    actual = digests(normalised(report))
    changed = sorted(k for k in set(actual) | set(expected) if actual.get(k) != expected.get(k))
    # the deepest changed parts say where the report moved
    leaves = [k for k in changed if not any(o.startswith(k + "/") for o in changed)]
    assert not changed, f"{name}: the report differs from the golden in {leaves[:10]}"


def test_seeds_report_unchanged(seed_report: Report) -> None:
    _check("seeds", seed_report)


def test_example_report_unchanged(example_report: Report) -> None:
    _check("examples", example_report)


def _write() -> None:  # pragma: no cover - run by hand when a change is meant to alter reports
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, folder in (("seeds", SHARED / "corpus" / "seeds"), ("examples", ROOT / "examples" / "corpus")):
        data = digests(normalised(analyze([folder])))
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
        (GOLDEN / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python -m tests.test_golden --write")
    _write()
