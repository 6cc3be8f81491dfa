"""The optional parts of Parallax, installed as pip extras, and the one-line error when one is missing.

The core (``pip install parallax-news``) runs ``parallax analyze`` and the SQLite store. The rest is imported late,
where it is used, after :func:`require` has checked that it is there::

    web       fastapi, uvicorn, python-multipart   parallax serve, parallax.web
    postgres  psycopg                              a postgresql:// store
    parquet   polars                               Parquet export and Parquet inputs
    scale     faiss-cpu                            the HNSW index of streaming stories (exact search without it)
    ray       ray[data], pyarrow, polars           --engine ray
    onnx      onnxruntime, onnx                    MiniLM on ONNX Runtime on the CPU (PARALLAX_DEVICE=onnx)
    gpu       torch                                MiniLM on a CUDA device
    all       all of the above but gpu
"""

from __future__ import annotations

import importlib.util

from .errors import ConfigError, ParallaxError

__all__ = ["install_hint", "missing", "require"]

PACKAGE = "parallax-news"


def install_hint(extra: str) -> str:
    """The command that installs ``extra``."""
    return f"pip install '{PACKAGE}[{extra}]'"


def missing(*modules: str) -> str | None:
    """The first of the top-level ``modules`` that cannot be imported, else None (nothing is imported)."""
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return module
    return None


def require(extra: str, what: str, *modules: str, error: type[ParallaxError] = ConfigError) -> None:
    """Raise ``error`` (one line, with the install command as its hint) unless every one of ``modules`` is installed:
    ``require("web", "the web app", "fastapi", "uvicorn")``."""
    absent = missing(*modules)
    if absent is not None:
        raise error(f"{what} needs the {extra} extra (no module named {absent!r})", hint=install_hint(extra))
