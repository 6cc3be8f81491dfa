"""Embed: sentences as vectors. ``minilm`` is the default encoder (all-MiniLM-L6-v2 in NumPy), ``cuda`` the same
model through PyTorch on a GPU, ``static`` a distilled per-token encoder for speed.
"""

from .minilm import (
    ENCODERS,
    Encoder,
    encode,
    encoder_device,
    encoder_kind,
    load_encoder,
    preload_encoder,
    use_encoder,
    using_encoder,
)

__all__ = [
    "ENCODERS",
    "Encoder",
    "encode",
    "encoder_device",
    "encoder_kind",
    "load_encoder",
    "preload_encoder",
    "use_encoder",
    "using_encoder",
]
