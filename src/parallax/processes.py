"""Worker processes that never re-run the caller's main module.

Parallax starts its worker processes with ``spawn`` (the caller may hold threads: the web app, BLAS), and a spawned
child normally imports the parent's ``__main__`` again before it runs anything. For a plain script without an
``if __name__ == "__main__":`` guard, that re-runs the script in every worker (which starts workers of its own, and
so on): ``import parallax; parallax.analyze([...150 articles...])`` never finished. Parallax's workers only run
functions of parallax itself, so :func:`spawn_context` gives a ``spawn`` context whose processes skip that import:
scripts, notebooks and ``python -m`` modules work with or without the guard, and workers start sooner.

Only the processes started through this context are affected: others (the caller's own pools) keep the standard
behaviour. Their targets must be importable functions (module level, outside ``__main__``).
"""

from __future__ import annotations

import multiprocessing.spawn
import threading
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

__all__ = ["spawn_context"]

# The keys of the preparation data that make a spawned child import the parent's main module (by path or by name).
MAIN_KEYS = ("init_main_from_path", "init_main_from_name")

_STARTING = threading.local()  # set while this thread starts one of our processes
_INSTALL = threading.Lock()


class _WorkerProcess(SpawnProcess):
    """A spawned process that does not import the parent's ``__main__``."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:  # multiprocessing's name
        _STARTING.active = True
        try:
            return SpawnProcess._Popen(process_obj)
        finally:
            _STARTING.active = False


class _WorkerContext(SpawnContext):
    Process = _WorkerProcess


_CONTEXT = _WorkerContext()


def spawn_context() -> SpawnContext:
    """The ``spawn`` context of parallax's worker processes (``Process``, ``Pool``, ``Pipe``...): its children do not
    import the caller's ``__main__``, so a script without a main guard is not re-run in each of them."""
    with _INSTALL:
        current = multiprocessing.spawn.get_preparation_data
        if not getattr(current, "_parallax", False):
            wrapped = _without_main(current)
            wrapped._parallax = True
            multiprocessing.spawn.get_preparation_data = wrapped
    return _CONTEXT


def _without_main(original: Any) -> Any:
    """``get_preparation_data`` leaving out the main module while one of our processes starts."""

    def preparation_data(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        if getattr(_STARTING, "active", False):
            for key in MAIN_KEYS:
                data.pop(key, None)
        return data

    return preparation_data
