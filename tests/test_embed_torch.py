"""The PyTorch MiniLM (embed_torch.py, the CUDA path) against the NumPy pass and sentence-transformers' embeddings.

Runs where torch is installed (``pip install 'torch==2.13.0'``): on the CPU here, and on a CUDA device too when one
is present. Without torch the module is skipped: the default path never needs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parallax.embed import encoder_device, get_encoder, load_encoder
from parallax.errors import ModelError
from parallax.settings import DEVICE_ENV, Settings

torch = pytest.importorskip("torch")

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def _devices() -> list[str]:
    return ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]


@pytest.mark.parametrize("device", _devices())
def test_torch_matches_numpy_and_reference(device: str) -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = [*ref["sentences"], "", "5G", "a much longer sentence about a port strike that ends next week " * 6]
    assert encoder_device(Settings.from_env({DEVICE_ENV: device}).device) == device
    encoder = get_encoder("minilm", device)
    ours = encoder.encode(texts)
    numpy_pass = load_encoder().encode(texts)
    assert ours.shape == numpy_pass.shape
    assert ours.dtype == np.float32
    floor = 0.9999 if device == "cpu" else 0.999  # fp16 on CUDA
    assert float((ours * numpy_pass).sum(axis=1).min()) > floor
    theirs = np.asarray(ref["embeddings"], dtype=np.float32)
    assert float((ours[: len(theirs)] * theirs).sum(axis=1).min()) > floor
    # input order kept although batches are sorted by length
    again = encoder.encode([texts[-1], texts[0]])
    assert np.allclose(again[1], ours[0], atol=1e-3)


def test_device_setting() -> None:
    assert encoder_device(Settings.from_env({DEVICE_ENV: "numpy"}).device) == "numpy"
    with pytest.raises(ModelError, match="unknown device"):
        Settings.from_env({DEVICE_ENV: "tpu"})
    with pytest.raises(ModelError, match="unknown device"):
        encoder_device("tpu")
    # auto: torch with CUDA only where an NVIDIA device is present
    expected = "cuda" if Path("/dev/nvidiactl").exists() and torch.cuda.is_available() else "numpy"
    assert encoder_device(Settings.from_env({}).device) == expected
    assert encoder_device() == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without CUDA")
def test_cuda_asked_without_cuda() -> None:
    from parallax.embed.base import load_tokenizer
    from parallax.embed.cuda import TorchEncoder
    from parallax.resources import encoder_dir

    with pytest.raises(ModelError, match="no CUDA device"):
        TorchEncoder(encoder_dir(), load_tokenizer(), "cuda")
