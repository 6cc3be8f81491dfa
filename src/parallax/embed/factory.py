"""Which encoder runs, and where: ``get_encoder(kind, device)`` gives a loaded, shared ``Encoder``.

Kinds: "minilm" (the default: the transformer, best alignment) and "static" (the table distilled from it in
``static``, ~100x faster, cruder). Devices for MiniLM: "auto" (a CUDA device through PyTorch when an NVIDIA device is
present and torch with CUDA is installed, else NumPy), "onnx" / "onnx-fp32" (ONNX Runtime on the CPU, ``ort``: the
``onnx`` extra), "numpy", "cuda" / "cuda:N" (``cuda``) or "cpu" (PyTorch on
the CPU: how the tests check the torch path against the NumPy one). The choice comes from the run's ``Settings``,
passed down as an encoder object; nothing here reads the environment.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from ..resources import encoder_dir
from ..settings import ENCODERS, check_device, check_encoder
from .base import Advance, Encoder, Matrix, encode_counted, load_tokenizer
from .minilm import load_encoder
from .ort import load_ort
from .static import load_static

# The ONNX Runtime devices and the precision of the weights each runs (embed/ort.py).
ONNX_DEVICES = {"onnx": "int8", "onnx-fp32": "fp32"}

__all__ = ["ENCODERS", "ONNX_DEVICES", "LazyEncoder", "encode", "encoder_device", "get_encoder", "preload_encoder"]


def get_encoder(
    kind: str = "minilm", device: str = "auto", *, folder: Path | None = None, cache_dir: Path | None = None
) -> Encoder:
    """The shared encoder of ``kind`` ("minilm" or "static"), loaded once; MiniLM runs on ``device``
    (:func:`encoder_device`). ``folder``: another copy of the MiniLM files; ``cache_dir``: where the static table
    is cached. Raises ``ModelError`` for an unknown kind or device, or a model that cannot be loaded."""
    check_encoder(kind)
    if kind == "static":
        return load_static(folder=folder, cache=cache_dir)
    where = encoder_device(device)
    if where == "numpy":
        return load_encoder(folder)
    if where in ONNX_DEVICES:
        return load_ort(ONNX_DEVICES[where], folder=folder, cache=cache_dir)
    with _TORCH_LOADING:
        encoder: Encoder = _load_torch(where, folder)
    return encoder


def encoder_device(device: str = "auto") -> str:
    """Where MiniLM runs for ``device``: "onnx" or "onnx-fp32" (ONNX Runtime), "numpy", or a torch device ("cuda",
    "cuda:1", "cpu"); "auto" resolved."""
    wanted = check_device(device.strip().lower() or "auto")
    return _auto_device() if wanted == "auto" else wanted


@dataclass(frozen=True, slots=True)
class LazyEncoder:
    """An ``Encoder`` that loads the shared one (:func:`get_encoder`) on its first use: a run that embeds nothing
    (one article, no stories to compare) never loads a model."""

    kind: str = "minilm"
    device: str = "auto"
    folder: Path | None = None
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        check_encoder(self.kind)
        check_device(self.device)

    def load(self) -> Encoder:
        return get_encoder(self.kind, self.device, folder=self.folder, cache_dir=self.cache_dir)

    counts_batches: ClassVar[bool] = True  # encode() takes ``advance`` (base.encode_counted)

    def encode(self, texts: Sequence[str], advance: Advance | None = None) -> Matrix:
        if advance is None:
            return self.load().encode(texts)
        return encode_counted(self.load(), texts, advance)

    def preload(self) -> None:
        """Start loading the encoder in a background thread (a cold run overlaps it with spaCy's work).

        A failure is left for the first real use to report: ``load`` then tries again and raises.
        """

        def load() -> None:
            try:
                self.load()
            except Exception:  # reported by the first encode() call
                return

        threading.Thread(target=load, name="parallax-encoder-load", daemon=True).start()


def preload_encoder(kind: str = "minilm", device: str = "auto") -> None:
    """Start loading the shared encoder of ``kind`` in a background thread (see :meth:`LazyEncoder.preload`)."""
    LazyEncoder(kind, device).preload()


def encode(texts: Sequence[str]) -> Matrix:
    """Embed texts with the default encoder (MiniLM, on the ``auto`` device): unit vectors, one row per text. A run
    embeds with the encoder its settings choose, passed down; this is the default where none is passed."""
    return get_encoder().encode(texts)


@cache
def _auto_device() -> str:
    # torch is imported (a second or more) only where an NVIDIA device node exists and torch is installed
    if not Path("/dev/nvidiactl").exists() or importlib.util.find_spec("torch") is None:
        return "numpy"
    import torch

    return "cuda" if torch.cuda.is_available() else "numpy"


_TORCH_LOADING = threading.Lock()


@cache
def _load_torch(device: str, folder: Path | None) -> Any:
    from .cuda import TorchEncoder  # torch is optional: imported only when a torch device is asked for

    return TorchEncoder(encoder_dir(folder), load_tokenizer(folder), device)
