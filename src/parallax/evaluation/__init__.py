"""Quality measured on public data that no one here wrote (``../shared/data``, see its README).

One module per task (``extraction``, ``clustering``, ``quotes``, ``loaded_language``...). Each exposes::

    def run(data: Path, *, fast: bool = False) -> list[Measurement]

where ``data`` is the ``shared/data`` folder and ``fast`` selects the small subset that ``make test`` runs as a
quality gate. Each ``Measurement`` holds Parallax's figure next to the baselines measured in the same run and the
best published figure, so a table row can be written from it alone. The data is read where it lies, never copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured figure: what, on which data, Parallax's value, baselines from the same run, the anchor."""

    task: str  # "main-text extraction"
    data: str  # "aeb: 181 pages + gold body"
    measure: str  # "shingle F1"
    parallax: float
    baselines: dict[str, float] = field(default_factory=dict)  # name -> value, measured in the same run
    anchor: str = ""  # best published figure, as text ("trafilatura .958, rs_trafilatura .970")
    goal: str = ""  # ">= .975"
    command: str = ""  # the command that reproduces it
    name: str = ""  # stable short key for the quality gate's floors ("extraction.aeb.f1"); empty: not gated
    notes: str = ""  # what the figure means, how a baseline was set up, what stands in the way of the goal


__all__ = ["Measurement"]
