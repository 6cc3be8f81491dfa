"""The NumPy MiniLM forward pass against embeddings produced by sentence-transformers with torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

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
