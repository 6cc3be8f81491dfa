"""Small synthetic news articles for the reliability tests: written here from templates (no corpus text), distinct
in wording, place, people and figures so that each has its own content hash, on a handful of topics so that they
form several stories."""

from __future__ import annotations

import random
from pathlib import Path

__all__ = ["write_articles"]

TOWNS = ("Aldermoor", "Brightwater", "Calder Vale", "Dunross", "Eastwick", "Fenmouth", "Glenhaven", "Harrowgate")
PEOPLE = ("Mara Okonkwo", "Tomas Lindqvist", "Priya Raman", "Jonah Whitlock", "Elena Sorokina", "Idris Bakare")
TOPICS = (
    ("bridge", "The {town} council voted to close the old river bridge after inspectors found cracked supports."),
    ("water", "Residents of {town} were told to boil tap water after a main burst near the pumping station."),
    ("school", "A new primary school in {town} will open in September, the education board announced."),
    ("fire", "Firefighters in {town} spent the night containing a warehouse blaze on the industrial estate."),
    ("transit", "{town} will add night buses on four routes from next month, the transport authority said."),
)
OUTLETS = ("The Morning Ledger", "Valley Courier", "Harbour Times", "Northern Wire", "City Dispatch")


def _article(k: int, rng: random.Random) -> str:
    topic, lead = TOPICS[k % len(TOPICS)]
    town = TOWNS[rng.randrange(len(TOWNS))]
    person = PEOPLE[rng.randrange(len(PEOPLE))]
    figure = rng.randrange(12, 980)
    cost = rng.randrange(2, 90)
    lines = [
        f"{topic.title()} update {k}: {town} acts",
        "",
        lead.format(town=town),
        f'"We had no other choice," said {person}, who chairs the {town} {topic} committee.',
        f"The work is expected to cost about {cost} million and affect some {figure} households.",
        f"Officials said a public meeting on the {topic} plan would be held on day {k % 28 + 1} of the month.",
        f"Local shop owners told reporters that item {k} on the agenda had surprised them.",
    ]
    return "\n".join(lines) + "\n"


def write_articles(folder: Path, count: int, seed: int = 8) -> list[Path]:
    """Write ``count`` articles as ``folder/NNN.txt`` (with a JSON sidecar-free outlet line) and return their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        path = folder / f"{k:03d}.txt"
        path.write_text(_article(k, rng), encoding="utf-8")
        paths.append(path)
    return paths
