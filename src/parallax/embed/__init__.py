"""Embed: sentences as vectors, ``DIMENSIONS`` wide. ``base`` holds the ``Encoder`` protocol, the tokenizer and the
batching every encoder shares; ``minilm`` runs all-MiniLM-L6-v2 in NumPy (the default), ``cuda`` the same model
through PyTorch on a GPU, ``static`` a distilled per-token table for speed; ``factory`` chooses among them.
"""

from .base import DIMENSIONS, Advance, Encoder, Matrix, empty, encode_counted, vocabulary
from .factory import (
    ENCODERS,
    LazyEncoder,
    encode,
    encoder_device,
    get_encoder,
    preload_encoder,
)
from .minilm import load_encoder

__all__ = [
    "DIMENSIONS",
    "ENCODERS",
    "Advance",
    "Encoder",
    "LazyEncoder",
    "Matrix",
    "empty",
    "encode",
    "encode_counted",
    "encoder_device",
    "get_encoder",
    "load_encoder",
    "preload_encoder",
    "vocabulary",
]
