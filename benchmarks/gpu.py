"""Sentence-embedding throughput on a CUDA device: Parallax's torch path (``embed/cuda.py``) beside
sentence-transformers, in the same run, on the same sentences.

    python benchmarks/gpu.py pack                       # here: weights (fp16) + sentences into .cache/gpu (~46 MB)
    python benchmarks/gpu.py --device cuda [--pack .cache/gpu] [--sentences 200000] [--output docs/BENCHMARKS.md]
    python benchmarks/gpu.py --device cpu --sentences 2000    # the smoke test (tests/test_bench.py)
    make bench-gpu

One script, no network: on the GPU machine it needs only what is already there (python3 with torch, tokenizers,
safetensors, numpy; sentence-transformers for its column). It does not import the ``parallax`` package (whose
dependencies, spaCy and the rest, a GPU image lacks): it loads ``parallax.embed`` from ``src/`` alone. ``pack``
writes what must travel with the working tree (the project's device tool carries up to 64 MiB of ignored paths):
MiniLM's weights in float16 (the CUDA path runs in fp16 anyway: the same numbers), its tokenizer and config, and
news sentences cut from the bench corpus (``bench.build_corpus``, from ../shared/data), gzipped.

Measured, each after a warm-up, on the same sentences (repeated to ``--sentences``):

1. **tokenizer alone** (``encode_batch``, Rust, all cores): what tokenization costs if nothing overlapped it;
2. **forward only**: the sentences tokenized beforehand, in batches by length (``padded_batches``), the device's
   work alone (synchronised): the ceiling of the torch path;
3. **Parallax** ``TorchEncoder.encode`` as shipped (fp16 on CUDA, batches sorted by length under
   ``GPU_BATCH_TOKENS`` padded tokens, the next chunk tokenized in a thread, pinned copies): end to end. When 3 is
   close to 2, neither the tokenizer nor batching is the limit;
4. **sentence-transformers** ``encode`` on the same device: in fp16 with large batches (``--st-batch``) on every
   sentence, and as it ships (fp32, batch 32) on ``--st-sample`` sentences; min cosine of its vectors to ours.

The table replaces the part of ``--output`` between the ``gpu:begin`` and ``gpu:end`` markers; ``--json`` also
writes the figures as JSON (for a run whose output must come back as a file).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
import time
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / ".cache" / "gpu"
BEGIN, END = "<!-- gpu:begin (written by make bench-gpu) -->", "<!-- gpu:end -->"
GOAL = 50_000  # sentences/s for MiniLM-L6 on an H100 (issue 19)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _parallax_embed() -> types.ModuleType:
    """``parallax.embed`` from src/, without running ``parallax/__init__`` (which imports the whole pipeline)."""
    if "parallax" not in sys.modules:
        package = types.ModuleType("parallax")
        package.__path__ = [str(ROOT / "src" / "parallax")]
        sys.modules["parallax"] = package
    import parallax.embed.base
    import parallax.embed.cuda

    return parallax.embed


# --- the sentences and the weights ----------------------------------------------------------------------------------


def corpus_sentences(data: Path, articles: int = 1000) -> list[str]:
    """News sentences (4 words or more) cut from the bench corpus of ``articles`` articles."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import build_corpus

    texts: list[str] = []
    with build_corpus(data, articles).open(encoding="utf-8") as stream:
        for line in stream:
            for piece in _SENTENCE_END.split(" ".join(str(json.loads(line).get("maintext", "")).split())):
                if len(piece.split()) >= 4:
                    texts.append(piece)
    return texts


def pack(data: Path, folder: Path, source: Path) -> None:
    """Write ``folder``: MiniLM's weights in float16, its config and tokenizer, and the corpus sentences."""
    from safetensors.numpy import load_file, save_file

    folder.mkdir(parents=True, exist_ok=True)
    weights = load_file(str(source / "model.safetensors"))
    half = {k: (v.astype(np.float16) if v.dtype.kind == "f" else v) for k, v in weights.items()}
    save_file(half, str(folder / "model.safetensors"))
    for name in ("config.json", "tokenizer.json"):
        (folder / name).write_bytes((source / name).read_bytes())
    # what sentence-transformers reads beside them (the model's own files; mean pooling is its default)
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": True, "model_max_length": 256, "tokenizer_class": "BertTokenizer"}),
        encoding="utf-8",
    )
    (folder / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": 256, "do_lower_case": False}), encoding="utf-8"
    )
    texts = corpus_sentences(data)
    with gzip.open(folder / "sentences.txt.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(t.replace("\n", " ") for t in texts) + "\n")
    size = sum(f.stat().st_size for f in folder.iterdir())
    print(f"bench-gpu: packed {len(texts):,} sentences and the weights into {folder} ({size / 2**20:.1f} MiB)")


def load_sentences(folder: Path | None, data: Path, count: int) -> list[str]:
    if folder is not None and (folder / "sentences.txt.gz").is_file():
        with gzip.open(folder / "sentences.txt.gz", "rt", encoding="utf-8") as stream:
            texts = [line.rstrip("\n") for line in stream if line.strip()]
    else:
        texts = corpus_sentences(data)
    if not texts:
        sys.exit("bench-gpu: no sentences (hint: run `python benchmarks/gpu.py pack` where ../shared/data is)")
    return (texts * (count // len(texts) + 1))[:count]


# --- measuring ------------------------------------------------------------------------------------------------------


def _sync(torch: Any, device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(run: Callable[[], Any], torch: Any, device: str) -> tuple[float, Any]:
    _sync(torch, device)
    started = time.perf_counter()
    result = run()
    _sync(torch, device)
    return time.perf_counter() - started, result


def forward_only(encoder: Any, encodings: Sequence[Any], padded_batches: Callable[..., Any]) -> Callable[[], None]:
    """The device's work alone: batches prepared (and copied) beforehand, one forward pass each."""
    torch = encoder.torch
    batches = []
    for _, ids, mask in padded_batches(encodings, encoder.batch_tokens):
        batches.append((torch.from_numpy(ids).to(encoder.device), torch.from_numpy(mask).to(encoder.device)))

    def run() -> None:
        with torch.inference_mode():
            for ids, mask in batches:
                encoder._forward(ids, mask)

    return run


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    embed = _parallax_embed()
    from parallax.embed.base import load_tokenizer, padded_batches
    from parallax.embed.cuda import GPU_BATCH_TOKENS, TorchEncoder

    folder = args.pack if (args.pack / "model.safetensors").is_file() else None
    weights = folder or _encoder_dir()
    texts = load_sentences(folder, args.data, args.sentences)
    tokenizer = load_tokenizer(weights)
    encoder = TorchEncoder(weights, tokenizer, args.device)
    warm = texts[: min(len(texts), 4096)]
    encoder.encode(warm)  # kernels, allocator, the tokenizer's threads
    rows: list[dict[str, Any]] = []

    seconds, encodings = timed(lambda: tokenizer.encode_batch(texts), torch, "cpu")
    tokens = float(np.mean([len(e.ids) for e in encodings]))
    rows.append({"variant": "tokenizer alone (Rust encode_batch, all cores)", "n": len(texts), "seconds": seconds})
    run = forward_only(encoder, encodings, padded_batches)
    run()
    seconds, _ = timed(run, torch, args.device)
    rows.append(
        {
            "variant": f"forward only, batches by length (ceiling of the torch path) on {args.device}",
            "n": len(texts),
            "seconds": seconds,
        }
    )
    del run, encodings
    seconds, ours = timed(lambda: encoder.encode(texts), torch, args.device)
    dtype = str(encoder.dtype).replace("torch.", "")
    rows.append(
        {
            "variant": f"**Parallax** TorchEncoder.encode on {args.device} ({dtype}, as shipped)",
            "n": len(texts),
            "seconds": seconds,
            "parallax": True,
        }
    )
    rows += _sentence_transformers(args, weights, texts, ours, torch)
    name = (
        torch.cuda.get_device_name(torch.device(args.device))
        if args.device.startswith("cuda")
        else platform.processor()
    )
    return {
        "device": args.device,
        "device_name": name or platform.machine(),
        "torch": torch.__version__,
        "sentences": len(texts),
        "tokens": tokens,
        "batch_tokens": GPU_BATCH_TOKENS if args.device.startswith("cuda") else encoder.batch_tokens,
        "rows": rows,
        "host": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "embed": embed.__name__,
    }


def _encoder_dir() -> Path:
    from parallax.resources import encoder_dir

    return Path(encoder_dir())


def _sentence_transformers(
    args: argparse.Namespace, weights: Path, texts: list[str], ours: Any, torch: Any
) -> list[dict[str, Any]]:
    """sentence-transformers on the same device: fp16 + large batches on all sentences, and as shipped (fp32,
    batch 32) on a sample; min cosine to Parallax's vectors."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return [{"variant": "sentence-transformers (not installed)", "n": 0, "seconds": 0.0}]
    rows = []
    model = SentenceTransformer(str(weights), device=args.device)
    sample = texts[: args.st_sample]
    model.encode(sample[:256], batch_size=32)

    def shipped() -> Any:
        return model.encode(sample, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    seconds, vectors = timed(shipped, torch, args.device)
    cosine = float((np.asarray(vectors, dtype=np.float32) * ours[: len(sample)]).sum(axis=1).min())
    rows.append(
        {
            "variant": f"sentence-transformers encode() as shipped (fp32, batch 32) on {args.device}",
            "n": len(sample),
            "seconds": seconds,
            "cosine": cosine,
        }
    )
    if args.device.startswith("cuda"):
        model.half()
        model.encode(texts[:4096], batch_size=args.st_batch)

        def fast() -> Any:
            return model.encode(texts, batch_size=args.st_batch, normalize_embeddings=True, convert_to_numpy=True)

        seconds, vectors = timed(fast, torch, args.device)
        cosine = float((np.asarray(vectors, dtype=np.float32) * ours).sum(axis=1).min())
        rows.append(
            {
                "variant": f"sentence-transformers encode() in fp16, batch {args.st_batch} on {args.device}",
                "n": len(texts),
                "seconds": seconds,
                "cosine": cosine,
            }
        )
    return rows


# --- writing --------------------------------------------------------------------------------------------------------


def table(result: dict[str, Any], command: str) -> str:
    lines = [
        f"Command: `{command}`, {result['when']}; device: {result['device_name']} (torch {result['torch']}); "
        f"host: {result['host']}; {result['sentences']:,} news sentences, {result['tokens']:.1f} word pieces each "
        f"on average; batches of {result['batch_tokens']:,} padded tokens.",
        "",
        "| variant | sentences | seconds | sentences/s | min cosine to Parallax |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        rate = f"{row['n'] / row['seconds']:,.0f}" if row["seconds"] else "-"
        cosine = f"{row['cosine']:.5f}" if "cosine" in row else "-"
        lines.append(f"| {row['variant']} | {row['n']:,} | {row['seconds']:.2f} | {rate} | {cosine} |")
    ours = next(r for r in result["rows"] if r.get("parallax"))
    rate = ours["n"] / ours["seconds"]
    verdict = "met" if rate >= GOAL else "not met"
    lines += [
        "",
        f"Goal >= {GOAL:,} sentences/s (MiniLM-L6 on an H100): {rate:,.0f} on {result['device_name']}, "
        f"{verdict}{'' if result['device'].startswith('cuda') else ' (a CPU run: a smoke test, not the goal)'}.",
        "",
    ]
    return "\n".join(lines)


def write_block(path: Path, text: str) -> None:
    previous = path.read_text(encoding="utf-8") if path.is_file() else ""
    block = BEGIN + "\n" + text + END
    if BEGIN in previous and END in previous:
        head, rest = previous.split(BEGIN, 1)
        previous = head + block + rest[rest.index(END) + len(END) :]
    else:
        previous = previous.rstrip("\n") + "\n\n## Sentence embeddings on a GPU\n\n" + block + "\n"
    path.write_text(previous, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", choices=["run", "pack"], default="run")
    parser.add_argument("--device", default="cuda", help="torch device (cuda, cuda:N, cpu)")
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--st-batch", type=int, default=512, help="sentence-transformers' batch size in fp16")
    parser.add_argument("--st-sample", type=int, default=20_000, help="sentences for sentence-transformers as shipped")
    parser.add_argument("--pack", type=Path, default=PACK, help="the folder `pack` writes (used when it exists)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--output", type=Path, default=None, help="a Markdown file to write the table into")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    if args.action == "pack":
        _parallax_embed()
        pack(args.data, args.pack, _encoder_dir())
        return
    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            sys.exit("bench-gpu: torch sees no CUDA device (hint: --device cpu runs the smoke test)")
    args.st_sample = min(args.st_sample, args.sentences)
    result = measure(args)
    command = f"python benchmarks/gpu.py --device {args.device} --sentences {args.sentences}"
    text = table(result, command)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.output:
        write_block(args.output, text)


if __name__ == "__main__":
    main()
