"""Sentence-embedding throughput: MiniLM on a torch device (the CUDA path) beside the NumPy pass and the static table.

    .venv/bin/python benchmarks/gpu.py [--device cuda] [--sentences 100000] [--output docs/BENCHMARKS.md]
    make bench-gpu

The sentences are real news sentences from ../shared/data (the bench corpus, ``bench.build_corpus``), cut at
sentence ends, repeated to ``--sentences``; every variant embeds the same list after one warm-up batch. Reports
sentences/s, the mean tokens per sentence, and the cosine of each variant's vectors to the NumPy pass on a sample
(fp16 on CUDA should stay above .999). The NumPy pass runs on ``--numpy-sample`` sentences only (it is the slow one),
and so does sentence-transformers' own ``encode`` when it is installed (the issue's reference point for GPUs).
The table replaces the part of ``--output`` between the ``gpu:begin`` and ``gpu:end`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- gpu:begin (written by make bench-gpu) -->", "<!-- gpu:end -->"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def sentences(data: Path, count: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import build_corpus

    texts: list[str] = []
    with build_corpus(data, 1000).open(encoding="utf-8") as stream:
        for line in stream:
            for piece in _SENTENCE_END.split(" ".join(str(json.loads(line).get("maintext", "")).split())):
                if len(piece.split()) >= 4:
                    texts.append(piece)
    if not texts:
        sys.exit("bench-gpu: no sentences in the corpus")
    return (texts * (count // len(texts) + 1))[:count]


def timed(encode: Callable[[list[str]], Any], texts: list[str]) -> tuple[float, NDArray[np.float32]]:
    run = encode
    run(texts[:256])  # warm-up: kernels, allocator, caches
    started = time.perf_counter()
    vectors = np.asarray(run(texts), dtype=np.float32)
    return time.perf_counter() - started, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda", help="torch device for the MiniLM path (cuda, cuda:N, cpu)")
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--numpy-sample", type=int, default=2_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()

    from parallax.embed import load_encoder
    from parallax.embed.base import load_tokenizer
    from parallax.embed.cuda import TorchEncoder
    from parallax.embed.static import load_static
    from parallax.resources import encoder_dir

    texts = sentences(args.data, args.sentences)
    sample = texts[: args.numpy_sample]
    tokens = np.mean([len(e.ids) for e in load_tokenizer().encode_batch(sample)])
    numpy_seconds, numpy_vectors = timed(load_encoder().encode, sample)
    rows = [("MiniLM, NumPy (CPU, the default)", len(sample), numpy_seconds, 1.0)]
    torch_encoder = TorchEncoder(encoder_dir(), load_tokenizer(), args.device)
    seconds, vectors = timed(torch_encoder.encode, texts)
    agreement = float((vectors[: len(sample)] * numpy_vectors).sum(axis=1).min())
    rows.append(
        (
            f"MiniLM, PyTorch on {args.device} ({str(torch_encoder.dtype).replace('torch.', '')})",
            len(texts),
            seconds,
            agreement,
        )
    )
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(encoder_dir()), device=args.device)
        st_seconds, st_vectors = timed(lambda t: model.encode(t, normalize_embeddings=True), sample)
        st_agreement = float((st_vectors * numpy_vectors).sum(axis=1).min())
        rows.append((f"sentence-transformers encode() on {args.device}", len(sample), st_seconds, st_agreement))
    except ImportError:
        pass
    static_seconds, _ = timed(load_static().encode, texts)
    rows.append(("static table (--encoder static, CPU)", len(texts), static_seconds, float("nan")))

    device_name = args.device
    import torch

    if args.device.startswith("cuda") and torch.cuda.is_available():
        device_name = torch.cuda.get_device_name(torch.device(args.device))
    lines = [
        f"Command: `make bench-gpu` (benchmarks/gpu.py --device {args.device} --sentences {args.sentences}), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; device: {device_name}; host: {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {tokens:.1f} word pieces per sentence on average.",
        "",
        "| variant | sentences | seconds | sentences/s | min cosine to the NumPy pass |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {name} | {n:,} | {s:.2f} | {n / s:,.0f} | {'-' if agree != agree else f'{agree:.5f}'} |"
            for name, n, s, agree in rows
        ],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.output:
        previous = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        block = BEGIN + "\n" + text + END
        if BEGIN in previous and END in previous:
            head, rest = previous.split(BEGIN, 1)
            previous = head + block + rest[rest.index(END) + len(END) :]
        else:
            previous = previous.rstrip("\n") + "\n\n## Sentence embeddings on a GPU\n\n" + block + "\n"
        args.output.write_text(previous, encoding="utf-8")


if __name__ == "__main__":
    main()
