"""all-MiniLM-L6-v2 in PyTorch, for a CUDA device: the same model as ``minilm.MiniLM``, run where it is fast.

Optional (``pip install 'parallax[gpu]'``, torch pinned): the default path never imports torch. ``embed.encode``
sends MiniLM's work here when ``$PARALLAX_DEVICE`` says ``cuda`` (or ``auto``, the default, finds an NVIDIA device
and torch with CUDA); ``cpu`` runs this module on the CPU (how the tests check it against the NumPy pass).

What makes it fast on a GPU, as the issue asks:

- **sorted by length, batched by tokens**: texts are ordered by token count and cut into batches of about
  ``GPU_BATCH_TOKENS`` padded tokens, so padding stays small and every batch fills the device;
- **fp16** weights and activations on CUDA (``torch.float16``; the mean pooling and the norm in float32), with
  PyTorch's fused scaled-dot-product attention;
- **tokenization overlapped**: the Rust tokenizer (which releases the GIL) prepares the next chunk of texts in a
  worker thread while the device runs the current one; host-to-device copies come from pinned memory.

Weights are the same safetensors file the NumPy pass reads; the forward pass is BERT's (post-LayerNorm, exact-erf
GELU), mean pooling over real tokens, L2 normalisation, as the model's sentence-transformers config says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from .base import Advance, padded_batches

__all__ = ["GPU_BATCH_TOKENS", "TorchEncoder"]

GPU_BATCH_TOKENS = 65_536  # padded tokens per forward batch on CUDA (an H100 stays busy; memory stays < 2 GB)
CPU_BATCH_TOKENS = 4_096  # on the CPU, as embed.BATCH_TOKENS
TOKENIZE_CHUNK = 8_192  # texts tokenized per step of the overlapped tokenizer

Matrix = NDArray[np.float32]


class TorchEncoder:
    """MiniLM on a torch device: ``encode(texts)`` gives unit-length float32 vectors (``len(texts)`` x 384)."""

    def __init__(self, folder: Path, tokenizer: Any, device: str) -> None:
        try:
            import torch
            from safetensors.numpy import load_file
        except ImportError as exc:
            raise ModelError("PyTorch is not installed", hint="pip install 'parallax-news[gpu]'") from exc
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError("no CUDA device is available to PyTorch", hint="set PARALLAX_DEVICE=cpu, or unset it")
        self.torch = torch
        self.device = torch.device(device)
        self.dtype = torch.float16 if self.device.type == "cuda" else torch.float32
        self.batch_tokens = GPU_BATCH_TOKENS if self.device.type == "cuda" else CPU_BATCH_TOKENS
        self.tokenizer = tokenizer
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.layers_count = int(config["num_hidden_layers"])
        raw = load_file(str(folder / "model.safetensors"))
        self.w = {
            name: torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)).to(self.device, self.dtype)
            for name, value in raw.items()
            if value.dtype.kind == "f"
        }

    @property
    def dimensions(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def _forward(self, ids: Any, mask: Any) -> Any:
        torch = self.torch
        functional = torch.nn.functional
        w = self.w
        batch, length = ids.shape
        width = self.dimensions
        head = width // self.heads
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = functional.layer_norm(
            x, (width,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        keep = mask[:, None, None, :].to(torch.bool)  # attention to real tokens only
        for i in range(self.layers_count):
            p = f"encoder.layer.{i}."

            def linear(t: Any, name: str) -> Any:
                return functional.linear(t, w[p + name + ".weight"], w[p + name + ".bias"])  # noqa: B023

            def split(t: Any) -> Any:
                return t.view(batch, length, self.heads, head).transpose(1, 2)

            q, k, v = (split(linear(x, f"attention.self.{n}")) for n in ("query", "key", "value"))
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            context = context.transpose(1, 2).reshape(batch, length, width)
            x = functional.layer_norm(
                linear(context, "attention.output.dense") + x,
                (width,),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = functional.gelu(linear(x, "intermediate.dense"))
            x = functional.layer_norm(
                linear(hidden, "output.dense") + x,
                (width,),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        weights = mask.to(torch.float32)[:, :, None]
        pooled = (x.to(torch.float32) * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return functional.normalize(pooled, dim=1, eps=1e-12)

    def _tokenized(self, texts: Sequence[str]) -> Iterator[tuple[int, list[Any]]]:
        """(offset, encodings) per chunk of texts; the next chunk is tokenized in a thread while this one runs."""
        chunks = [
            (start, list(texts[start : start + TOKENIZE_CHUNK])) for start in range(0, len(texts), TOKENIZE_CHUNK)
        ]
        if not chunks:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-tokenize") as pool:
            pending = pool.submit(self.tokenizer.encode_batch, chunks[0][1])
            for n, (start, _) in enumerate(chunks):
                encodings = pending.result()
                if n + 1 < len(chunks):
                    pending = pool.submit(self.tokenizer.encode_batch, chunks[n + 1][1])
                yield start, encodings

    counts_batches = True  # encode() takes ``advance`` (base.encode_counted)

    def encode(self, texts: Sequence[str], advance: Advance | None = None) -> Matrix:
        """Unit-length embeddings, shape ``(len(texts), 384)``, float32, in input order; ``advance(n)`` is called
        after each batch of ``n`` texts."""
        torch = self.torch
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        with torch.inference_mode():
            for offset, encodings in self._tokenized(texts):
                for chunk, ids, mask in padded_batches(encodings, self.batch_tokens):
                    ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
                    if self.device.type == "cuda":
                        ids_t = ids_t.pin_memory().to(self.device, non_blocking=True)
                        mask_t = mask_t.pin_memory().to(self.device, non_blocking=True)
                    vectors = self._forward(ids_t, mask_t)
                    empty = mask.sum(axis=1) == 0
                    result = vectors.float().cpu().numpy()
                    result[empty] = 0.0
                    out[[offset + i for i in chunk]] = result
                    if advance is not None:
                        advance(len(chunk))
        return out
