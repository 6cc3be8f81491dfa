"""What every sentence encoder shares: the width of its vectors, the ``Encoder`` protocol, MiniLM's WordPiece
tokenizer and vocabulary (the static encoder reads the same tokens), and length-sorted padded batching."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
from numpy.typing import NDArray

from ..resources import encoder_dir

__all__ = [
    "DIMENSIONS",
    "MAX_TOKENS",
    "Advance",
    "Encoder",
    "Matrix",
    "empty",
    "encode_counted",
    "load_tokenizer",
    "padded_batches",
    "vocabulary",
]

DIMENSIONS = 384  # all-MiniLM-L6-v2's width; every encoder here gives vectors this wide
MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length

Matrix = NDArray[np.float32]


class Encoder(Protocol):
    """A sentence encoder: ``encode(texts)`` gives unit-length float32 vectors, ``len(texts)`` x ``DIMENSIONS``, in
    input order."""

    def encode(self, texts: Sequence[str]) -> Matrix: ...


Advance = Callable[[int], None]
"""Told how many more texts are embedded, as an encoder goes through its batches (``encode_counted``)."""


def encode_counted(encoder: Encoder, texts: Sequence[str], advance: Advance) -> Matrix:
    """``encoder.encode(texts)``, calling ``advance(n)`` as each batch of ``n`` texts is done: per batch for
    parallax's encoders (those with ``counts_batches``: same batches, same vectors as without), once at the end for
    any other ``Encoder``."""
    if getattr(encoder, "counts_batches", False):
        counted: Matrix = cast(Any, encoder).encode(texts, advance=advance)
        return counted
    vectors = encoder.encode(texts)
    advance(len(texts))
    return vectors


def empty(rows: int = 0) -> Matrix:
    """``rows`` zero vectors of the encoders' width (what an empty or skipped input embeds to)."""
    return np.zeros((rows, DIMENSIONS), dtype=np.float32)


def load_tokenizer(folder: Path | None = None) -> Any:
    """MiniLM's WordPiece tokenizer (``tokenizers.Tokenizer``), truncating at ``MAX_TOKENS``, without padding;
    ``folder``: another copy of the MiniLM files (``resources.encoder_dir``)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(encoder_dir(folder) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@cache
def vocabulary() -> dict[str, int]:
    """MiniLM's WordPiece vocabulary, word piece -> id (the tokenizer alone: the weights are not loaded)."""
    vocab: dict[str, int] = load_tokenizer().get_vocab()
    return vocab


def padded_batches(
    encodings: Sequence[Any], budget: int, padding: float | None = None
) -> Iterator[tuple[list[int], NDArray[np.int64], NDArray[np.int64]]]:
    """Tokenized texts in batches by ascending length, each under ``budget`` padded tokens: (rows of the input,
    token ids, attention mask), both ``len(rows)`` x the batch's longest. Sorting keeps padding small; ``padding``
    (a share, e.g. 0.2) also ends a batch before its padded size passes ``1 + padding`` times its real tokens, so a
    few texts of mixed lengths are not all padded to the longest (on a CPU every padded token costs as much as a
    real one)."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    most = float("inf") if padding is None else 1.0 + padding
    start = 0
    while start < len(order):
        # grow the batch while the padded size stays under the budget and the padding share (lengths ascend)
        stop = start + 1
        real = len(encodings[order[start]].ids)
        while stop < len(order):
            length = len(encodings[order[stop]].ids)
            padded = (stop - start + 1) * length
            if padded > budget or padded > most * (real + length):
                break
            real += length
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
