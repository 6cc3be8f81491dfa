"""Sentence embeddings: all-MiniLM-L6-v2 run in plain NumPy, no torch at run time.

The weights are the authentic all-MiniLM-L6-v2 files, inside the parallax-news wheel (``parallax/weights/minilm``,
checked by the build against the upstream SHA-256 hashes; ``resources.encoder_dir``)
(``model.safetensors`` + ``tokenizer.json``). The forward pass is the standard BERT encoder (6 layers, 12 heads,
384 wide, GELU, post-LayerNorm), then mean pooling over real tokens and L2 normalisation, exactly as the model's
sentence-transformers config (modules.json: Transformer -> Pooling(mean) -> Normalize) prescribes.
``tests/test_embed.py`` pins a few embeddings computed with sentence-transformers 5 / torch, so a drift shows.

Texts are sorted by length and batched so that padding stays small; the result is in input order.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..resources import encoder_dir
from .base import DIMENSIONS, Advance, Matrix, load_tokenizer, padded_batches

__all__ = ["BATCH_TOKENS", "MiniLM", "load_encoder"]

BATCH_TOKENS = 4096  # tokens per forward batch: keeps the attention tensors small in memory (measured: fastest)
# Padded tokens cost as much as real ones here: a batch ends before padding passes this share of its real tokens.
# (The 60 sentences of the seeds in one batch were 2x padded: 1.6 s of CPU; with this, ~1.1 s.)
PADDING = 0.2


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


_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "F64": np.float64, "I64": np.int64}


def _mapped_weights(path: Path) -> dict[str, NDArray[Any]]:
    """The tensors of a safetensors file as read-only arrays over one memory map of it: nothing is read until used
    (a cold run touches a few hundred of the 30,522 rows of the word embeddings, not all 47 MB; the layers are
    copied once, transposed). The format: an 8-byte little-endian header length, a JSON header (name -> dtype, shape,
    byte offsets), the data."""
    try:
        with path.open("rb") as handle:
            size = int.from_bytes(handle.read(8), "little")
            header: dict[str, Any] = json.loads(handle.read(size))
        data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the encoder's weights {path}: {exc}", hint="reinstall parallax-news") from exc
    tensors: dict[str, NDArray[Any]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ModelError(f"{path.name}: tensor {name} is {info['dtype']}", hint="use the float32 MiniLM files")
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(np.dtype(dtype).newbyteorder("<")).reshape(info["shape"])
    return tensors


class MiniLM:
    """all-MiniLM-L6-v2 loaded in NumPy, an ``Encoder``: ``encode(texts)`` gives unit-length float32 vectors, one row
    per text."""

    def __init__(self, folder: Path) -> None:
        try:
            from tokenizers import Tokenizer  # noqa: F401  (load_tokenizer's, checked here for the message)
        except ImportError as exc:  # pragma: no cover - hard dependencies
            raise ModelError("tokenizers is not installed", hint="pip install tokenizers") from exc
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads: int = int(config["num_attention_heads"])
        self.eps: float = float(config.get("layer_norm_eps", 1e-12))
        weights = _mapped_weights(folder / "model.safetensors")
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
        x3 = self._hidden(ids, mask)
        weights = mask if pool is None else pool
        summed = (x3 * weights[:, :, None]).sum(axis=1)
        pooled: Matrix = summed / np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
        return pooled

    def _hidden(self, ids: NDArray[np.int64], mask: Matrix) -> Matrix:
        """The last layer's hidden states, shape ``(batch, length, width)`` (padding rows are meaningless)."""
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
        x3: Matrix = x.reshape(batch, length, width)
        return x3

    counts_batches = True  # encode() takes ``advance`` (base.encode_counted)

    def encode(self, texts: Sequence[str], advance: Advance | None = None) -> Matrix:
        """Unit-length embeddings, shape ``(len(texts), 384)``, float32, in input order; ``advance(n)`` is called
        after each batch of ``n`` texts."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        for chunk, ids, mask in padded_batches(encodings, BATCH_TOKENS, PADDING):
            out[chunk] = self._forward(ids, mask.astype(np.float32))
            if advance is not None:
                advance(len(chunk))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / np.maximum(norms, 1e-12)
        return result

    def token_states(self, texts: Sequence[str]) -> list[tuple[NDArray[np.int64], Matrix]]:
        """Per text, its word pieces' character offsets ``(pieces, 2)`` (special tokens left out) and their last-layer
        hidden states ``(pieces, 384)`` float32, in input order: the encoder's view of each word in its context."""
        out: list[tuple[NDArray[np.int64], Matrix]] = [
            (np.zeros((0, 2), dtype=np.int64), np.zeros((0, DIMENSIONS), dtype=np.float32)) for _ in texts
        ]
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        for chunk, ids, mask in padded_batches(encodings, BATCH_TOKENS, PADDING):
            states = self._hidden(ids, mask.astype(np.float32))
            for row, i in enumerate(chunk):
                encoding = encodings[i]
                real = [j for j, special in enumerate(encoding.special_tokens_mask) if not special]
                offsets = np.asarray([encoding.offsets[j] for j in real], dtype=np.int64).reshape(-1, 2)
                out[i] = (offsets, np.ascontiguousarray(states[row, real]))
        return out


_LOADING = threading.Lock()


def load_encoder(folder: Path | None = None) -> MiniLM:
    """The shared encoder, loaded once (about 0.3 s: 90 MB of weights); safe to call from several threads.
    ``folder``: another copy of the MiniLM files (``resources.encoder_dir``)."""
    with _LOADING:
        return _load(folder)


@cache
def _load(folder: Path | None) -> MiniLM:
    return MiniLM(encoder_dir(folder))
