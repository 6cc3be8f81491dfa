"""A static sentence encoder distilled from all-MiniLM-L6-v2 by Parallax itself: ~100x faster, for large batches.

The recipe is model2vec's (Tulkens and van Dongen, 2024), run with our own NumPy forward pass (``minilm.MiniLM``)
on the MiniLM weights already installed, so no other model, package or download is involved:

1. every WordPiece token of MiniLM's vocabulary goes through MiniLM as ``[CLS] token [SEP]``; the token's own
   output vector is kept (30,522 x 384; ~25 s on 2 cores, once);
2. the vectors are centred and rotated onto their principal axes (PCA, all 384 kept, so the width stays MiniLM's and
   every consumer of sentence vectors works unchanged);
3. each is weighted by ``log(1 + rank)``: the vocabulary lists whole words roughly by corpus frequency, so frequent
   words ("the", "said") weigh little, as in SIF weighting;
4. the Zipf-weighted mean of the vocabulary (what an average sentence's vector looks like) is subtracted, so that
   unrelated sentences score near 0 as with MiniLM and not ~0.25.

A sentence's vector is the mean of its tokens' vectors, unit length. Step 4 and the choice of the token's own output
(not the mean with ``[CLS]``/``[SEP]``) were chosen on pairs of sentences from public news text, by correlation of
the static cosine with MiniLM's: Pearson .53 (plain mean of the raw token outputs: .16). Static vectors are cruder than
MiniLM's: word order and context are gone. The report's quality figures with each encoder are in docs/EVALUATION.md.

The distilled table (45 MB) is cached under ``Settings.cache_dir`` (``$PARALLAX_CACHE_DIR``; default
``~/.cache/parallax``), keyed by the MiniLM files it came from, written atomically; where the cache cannot be written
it is rebuilt in memory per process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..resources import encoder_dir
from .base import DIMENSIONS, Advance, load_tokenizer
from .minilm import MiniLM, load_encoder

__all__ = ["StaticEncoder", "build_static", "cache_dir", "load_static", "static_path"]

Matrix = NDArray[np.float32]

# The first word-piece id of BERT's uncased vocabulary: below it are [PAD], [unusedN], [UNK], [CLS], [SEP], [MASK]
# and single characters; from it on, whole words by (roughly) descending frequency ("the" = 1996).
FIRST_WORD_ID = 1996
# Zipf probability of the word at rank r is taken as 1 / (r + ZIPF_OFFSET) for the mean subtracted in step 4
# (10: flattens the head of the list; chosen with step 4 on the sentence pairs above: .531, offsets 1-100 .50-.53).
ZIPF_OFFSET = 10.0
DISTILL_BATCH = 1024  # tokens per forward batch while distilling (3 positions each)
RECIPE = "minilm-static-v1"  # bump when the recipe changes: the cache key includes it

Progress = Callable[[int, int], None]


def cache_dir(folder: Path | None = None) -> Path:
    """Where built models are cached: ``folder`` (``Settings.cache_dir``), else ``~/.cache/parallax``."""
    return folder if folder is not None else Path.home() / ".cache" / "parallax"


def static_path(encoder_folder: Path | None = None, cache: Path | None = None) -> Path:
    """The cache file (under ``cache_dir(cache)``) for the static table distilled from the MiniLM files (those in
    ``encoder_folder``, else the installed ones)."""
    source = encoder_dir(encoder_folder) / "model.safetensors"
    stat = source.stat()
    key = hashlib.sha256(f"{RECIPE}|{source.resolve()}|{stat.st_size}|{int(stat.st_mtime)}".encode()).hexdigest()
    return cache_dir(cache) / f"{RECIPE}-{key[:16]}.npy"


def build_static(encoder: MiniLM, progress: Progress | None = None) -> Matrix:
    """Distil the static token table (vocabulary x 384, float32) from a loaded MiniLM encoder (steps 1-4 above)."""
    vocabulary: dict[str, int] = encoder.tokenizer.get_vocab()
    size = len(vocabulary)
    cls, sep = vocabulary["[CLS]"], vocabulary["[SEP]"]
    outputs = np.zeros((size, DIMENSIONS), dtype=np.float32)
    for start in range(0, size, DISTILL_BATCH):
        ids = np.arange(start, min(size, start + DISTILL_BATCH), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        mask = np.ones(batch.shape, dtype=np.float32)
        own = np.zeros(batch.shape, dtype=np.float32)
        own[:, 1] = 1.0  # attention sees all three positions; the vector kept is the token's own
        outputs[start : start + len(ids)] = encoder._forward(batch, mask, own)
        if progress is not None:
            progress(min(size, start + DISTILL_BATCH), size)
    centred = outputs - outputs.mean(axis=0)
    _, _, axes = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    rotated = centred @ axes.T.astype(np.float32)
    rank = np.maximum(np.arange(size, dtype=np.float64) - FIRST_WORD_ID, 0.0)
    table = rotated * np.log1p(rank + 1.0).astype(np.float32)[:, None]
    zipf = 1.0 / (rank + ZIPF_OFFSET)
    zipf[:FIRST_WORD_ID] = 0.0
    zipf /= zipf.sum()
    table -= (zipf[:, None] * table).sum(axis=0).astype(np.float32)
    result: Matrix = np.ascontiguousarray(table, dtype=np.float32)
    return result


class StaticEncoder:
    """``encode(texts)``: unit-length float32 vectors (``len(texts)`` x 384), the mean of the tokens' static vectors."""

    def __init__(self, table: Matrix, tokenizer: Any) -> None:
        self.table = table
        self.tokenizer = tokenizer

    counts_batches = True  # encode() takes ``advance`` (base.encode_counted)

    def encode(self, texts: Sequence[str], advance: Advance | None = None) -> Matrix:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if not texts:
            return out
        for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                out[row] = self.table[encoding.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = out / np.maximum(norms, 1e-12)
        if advance is not None:  # one table look-up per text: the whole call is one step
            advance(len(texts))
        return result


_LOADING = threading.Lock()


def load_static(
    progress: Progress | None = None, *, folder: Path | None = None, cache: Path | None = None
) -> StaticEncoder:
    """The shared static encoder: read from the cache, or distilled once (about 25 s) and cached. ``folder``:
    another copy of the MiniLM files; ``cache``: the cache folder (``cache_dir``)."""
    with _LOADING:
        if (folder, cache) in _loaded:
            return _loaded[folder, cache]
        tokenizer = load_tokenizer(folder)
        path = static_path(folder, cache)
        table: Matrix | None = None
        if path.is_file():
            try:
                table = np.load(path, allow_pickle=False)
            except (OSError, ValueError):
                table = None  # a damaged cache file is rebuilt below
            if table is not None and table.shape != (tokenizer.get_vocab_size(), DIMENSIONS):
                table = None
        if table is None:
            # MiniLM's weights are loaded only to distil: a cached table needs the tokenizer alone
            table = build_static(load_encoder(folder), progress)
            _save(path, table)
        _loaded[folder, cache] = StaticEncoder(table, tokenizer)
        return _loaded[folder, cache]


_loaded: dict[tuple[Path | None, Path | None], StaticEncoder] = {}


def _save(path: Path, table: Matrix) -> None:
    """Write the table atomically (a temporary file renamed into place); an unwritable cache is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".static-", suffix=".npy")
        try:
            with os.fdopen(handle, "wb") as stream:
                np.save(stream, table, allow_pickle=False)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
