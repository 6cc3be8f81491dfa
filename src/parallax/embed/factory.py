"""Which encoder runs, and where: ``get_encoder(kind, device)`` gives a loaded, shared ``Encoder``.

Kinds: "minilm" (the default: the transformer, best alignment) and "static" (the table distilled from it in
``static``, ~100x faster, cruder). Devices for MiniLM: "auto" (a CUDA device through PyTorch when an NVIDIA device is
present and torch with CUDA is installed, else NumPy), "numpy", "cuda" / "cuda:N" (``cuda``) or "cpu" (PyTorch on
the CPU: how the tests check the torch path against the NumPy one).
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..resources import encoder_dir
from .base import Matrix, load_tokenizer
from .minilm import load_encoder

__all__ = [
    "DEVICE_ENV",
    "ENCODERS",
    "ENCODER_ENV",
    "encode",
    "encoder_device",
    "encoder_kind",
    "preload_encoder",
    "use_encoder",
    "using_encoder",
]

# Which sentence encoder ``encode`` runs: "minilm" (the default: the transformer, best alignment) or "static" (the
# table distilled from it in static_embed.py, ~100x faster, cruder). Chosen per process by ``use_encoder`` or
# $PARALLAX_ENCODER, which worker processes inherit.
ENCODERS = ("minilm", "static")
ENCODER_ENV = "PARALLAX_ENCODER"
# Where MiniLM runs: "auto" (the default: a CUDA device through PyTorch when an NVIDIA device is present and torch
# with CUDA is installed, else NumPy), "numpy", "cuda" / "cuda:N" (PyTorch on that device, embed_torch.py) or "cpu"
# (PyTorch on the CPU: how the tests check the torch path against the NumPy one).
DEVICE_ENV = "PARALLAX_DEVICE"


def encoder_kind() -> str:
    """The sentence encoder in use: ``$PARALLAX_ENCODER`` ("minilm" or "static"), "minilm" when unset."""
    kind = os.environ.get(ENCODER_ENV, "").strip().lower() or "minilm"
    if kind not in ENCODERS:
        raise ModelError(
            f"unknown sentence encoder {kind!r} in ${ENCODER_ENV}", hint=f"use one of: {', '.join(ENCODERS)}"
        )
    return kind


def use_encoder(kind: str) -> None:
    """Choose the sentence encoder for this process and the worker processes it starts ("minilm" or "static")."""
    if kind not in ENCODERS:
        raise ModelError(f"unknown sentence encoder {kind!r}", hint=f"use one of: {', '.join(ENCODERS)}")
    os.environ[ENCODER_ENV] = kind


@contextmanager
def using_encoder(kind: str) -> Iterator[None]:
    """Run the block with the given sentence encoder, then restore the one chosen before (for evaluations)."""
    before = os.environ.get(ENCODER_ENV)
    use_encoder(kind)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENCODER_ENV, None)
        else:
            os.environ[ENCODER_ENV] = before


def preload_encoder() -> None:
    """Start loading the shared encoder in a background thread (a cold run overlaps it with spaCy's work).

    A failure is left for the first real use to report: ``load_encoder`` then tries again and raises.
    """

    static = encoder_kind() == "static"

    def load() -> None:
        try:
            if static:
                from .static import load_static

                load_static()
            else:
                load_encoder()
        except Exception:  # reported by the caller's own load_encoder() call
            return

    threading.Thread(target=load, name="parallax-encoder-load", daemon=True).start()


def encoder_device() -> str:
    """Where MiniLM runs (``$PARALLAX_DEVICE``): "numpy", or a torch device ("cuda", "cuda:1", "cpu")."""
    wanted = os.environ.get(DEVICE_ENV, "").strip().lower() or "auto"
    if wanted == "auto":
        return _auto_device()
    if wanted in ("numpy", "cpu") or re.fullmatch(r"cuda(?::\d+)?", wanted):
        return wanted
    raise ModelError(f"unknown device {wanted!r} in ${DEVICE_ENV}", hint="use auto, numpy, cpu, cuda or cuda:N")


@cache
def _auto_device() -> str:
    # torch is imported (a second or more) only where an NVIDIA device node exists and torch is installed
    if not Path("/dev/nvidiactl").exists() or importlib.util.find_spec("torch") is None:
        return "numpy"
    import torch

    return "cuda" if torch.cuda.is_available() else "numpy"


_TORCH_LOADING = threading.Lock()


@cache
def _load_torch(device: str) -> Any:
    from .cuda import TorchEncoder

    return TorchEncoder(encoder_dir(), load_tokenizer(), device)


def encode(texts: Sequence[str]) -> Matrix:
    """Embed texts with the encoder in use (``encoder_kind``; MiniLM by default, on ``encoder_device``): unit
    vectors, one row per text."""
    if encoder_kind() == "static":
        from .static import load_static

        return load_static().encode(texts)
    device = encoder_device()
    if device != "numpy":
        with _TORCH_LOADING:
            torch_encoder = _load_torch(device)
        result: Matrix = torch_encoder.encode(texts)
        return result
    return load_encoder().encode(texts)
