"""Reports to read: the held-out news of docs/AUDIT.md as folders of text files, each through ``parallax analyze``.

    .venv/bin/python benchmarks/audit_reports.py OUT [--data ../shared/data]

Writes OUT/NAME/docs/*.txt and OUT/NAME/report.{json,md} for the first six odd-numbered lines (from 0) of
``multinews/clusters.jsonl`` with at least three documents of 150 words or more (every document of the line, named
d0, d1, ...), and ECB+ topics 3 and 9 (every document, its title as the first line, named by its id). The reading
itself (is each shared fact one claim? each conflict real? ...) is done by a person; docs/AUDIT.md has the tallies.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = 6
MIN_DOCUMENTS = 3
MIN_WORDS = 150
TOPICS = ("3", "9")


def folders(data: Path, out: Path) -> list[Path]:
    from parallax.evaluation.summaries import load

    made = []
    clusters = load(data)
    for number in range(1, len(clusters), 2):
        documents = [d.strip() for d in clusters[number].documents if d.strip()]
        if sum(len(d.split()) >= MIN_WORDS for d in documents) < MIN_DOCUMENTS:
            continue
        folder = out / f"mn_{number:03d}" / "docs"
        folder.mkdir(parents=True, exist_ok=True)
        for k, text in enumerate(documents):
            (folder / f"d{k}.txt").write_text(text + "\n", encoding="utf-8")
        made.append(folder.parent)
        if len(made) == CLUSTERS:
            break
    for line in (data / "ecbplus" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["topic"] in TOPICS:
            folder = out / f"ecb_t{record['topic']}" / "docs"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{record['id']}.txt").write_text(f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
            if folder.parent not in made:
                made.append(folder.parent)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    parallax = Path(sys.executable).parent / "parallax"
    for case in folders(args.data, args.out):
        outputs = ["-o", str(case / "report.json"), "-o", str(case / "report.md")]
        subprocess.run([str(parallax), "analyze", "-q", str(case / "docs"), *outputs], check=True)
        print(case.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
