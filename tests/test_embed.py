"""The NumPy MiniLM forward pass against embeddings produced by sentence-transformers with torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parallax.embed import DIMENSIONS, encode

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def test_matches_sentence_transformers() -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    ours = encode(ref["sentences"])
    theirs = np.asarray(ref["embeddings"], dtype=np.float32)
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() > 0.9999


def test_shape_order_and_norm() -> None:
    texts = ["short", "a much longer sentence about a port strike that ends next week", ""]
    vectors = encode(texts)
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    # order is the input order even though batches are sorted by length
    again = encode([texts[1], texts[0]])
    assert np.allclose(again[0], vectors[1], atol=1e-5)
    assert encode([]).shape == (0, DIMENSIONS)


def test_paraphrase_closer_than_unrelated() -> None:
    a, b, c = encode(
        [
            "The minister said the country is ready to work with the company.",
            "The country is willing to cooperate with the firm, the minister said.",
            "Heavy rain flooded several streets in the old town.",
        ]
    )
    assert a @ b > 0.7 > a @ c


def test_encoder_loads_once_when_threads_race() -> None:
    # preload_encoder() loads it in a background thread while the pipeline may ask for it: one shared instance
    import threading

    from parallax.embed import load_encoder, preload_encoder

    preload_encoder()
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(load_encoder())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 3
    assert all(item is seen[0] for item in seen)


def test_token_states_pool_to_the_embedding() -> None:
    """The token states are the encoder's own: their mean over every real token (special ones included) gives
    ``encode``'s vector, and each word piece carries its characters' offsets."""
    from parallax.embed.minilm import load_encoder

    encoder = load_encoder()
    text = "The senator made a shocking claim."
    [(offsets, states)] = encoder.token_states([text])
    assert states.shape == (len(offsets), DIMENSIONS)
    assert [text[s:e] for s, e in offsets] == ["The", "senator", "made", "a", "shocking", "claim", "."]
    ids = np.asarray([encoder.tokenizer.encode(text).ids])
    hidden = encoder._hidden(ids, np.ones(ids.shape, dtype=np.float32))[0]
    assert np.allclose(hidden[1:-1], states, atol=1e-5)
    pooled = hidden.mean(axis=0)
    assert np.allclose(pooled / np.linalg.norm(pooled), encode([text])[0], atol=1e-5)
    assert encoder.token_states([]) == []


# --- ONNX Runtime (embed/ort.py, the onnx extra): a graph built by our code from the same weights ------------------


def _reference() -> tuple[list[str], np.ndarray]:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return ref["sentences"], np.asarray(ref["embeddings"], dtype=np.float32)


def test_onnx_fp32_matches_sentence_transformers(tmp_path: Path) -> None:
    # built from the packaged safetensors into an empty cache, then read back from the cached file
    from parallax.embed import ort

    sentences, theirs = _reference()
    encoder = ort.load_ort("fp32", cache=tmp_path)
    cached = ort.graph_path("fp32", cache=tmp_path)
    assert cached.is_file()
    assert cached.parent == tmp_path
    assert ((encoder.encode(sentences) * theirs).sum(axis=1)).min() > 0.9999
    again = ort.OrtEncoder(cached.read_bytes(), encoder.tokenizer)
    assert np.allclose(again.encode(sentences), encoder.encode(sentences), atol=1e-5)


def test_onnx_int8_close_to_float32() -> None:
    # the onnx device: int8 weights; measured min cosine 0.9916 to sentence-transformers on these sentences
    from parallax.embed import get_encoder

    sentences, theirs = _reference()
    int8 = get_encoder("minilm", "onnx")
    assert ((int8.encode(sentences) * theirs).sum(axis=1)).min() > 0.98
    texts = ["short", "a much longer sentence about a port strike that ends next week", ""]
    vectors = int8.encode(texts)
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    # batches share one activation scale: the same text alone is close, not equal (module docstring)
    assert float(int8.encode([texts[1]])[0] @ vectors[1]) > 0.98


def test_damaged_onnx_cache_is_rebuilt(tmp_path: Path) -> None:
    from parallax.embed import ort

    path = ort.graph_path("fp32", cache=tmp_path / "c")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an onnx graph")
    sentences, theirs = _reference()
    encoder = ort.load_ort("fp32", cache=tmp_path / "c")
    assert ((encoder.encode(sentences[:2]) * theirs[:2]).sum(axis=1)).min() > 0.9999
    assert path.stat().st_size > 1_000_000  # written again, whole


def test_onnx_device_is_a_setting() -> None:
    from parallax import Settings
    from parallax.errors import ModelError

    assert Settings.from_env({"PARALLAX_DEVICE": "ONNX"}).device == "onnx"
    with pytest.raises(ModelError, match="unknown device"):
        Settings.from_env({"PARALLAX_DEVICE": "onnx-int4"})
