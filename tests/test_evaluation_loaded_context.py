"""The contextual loaded-language experiment: word states from the real MiniLM, its candidates and its fit."""

from __future__ import annotations

import numpy as np

from parallax.annotate.lexicon import fold, tokenize
from parallax.embed.minilm import load_encoder
from parallax.evaluation.loaded_context import candidates_of, fit, word_states
from parallax.evaluation.loaded_judge import Example
from parallax.models import Article, Sentence


def _article(text: str) -> tuple[Article, tuple[Sentence, ...]]:
    article = Article(id="t-1", source="test", text=text)
    return article, (Sentence(article.id, 0, 0, len(text), text),)


def test_word_states_average_a_words_pieces() -> None:
    text = "The unhinged senator's tirade shocked nobody."
    _, sentences = _article(text)
    encoder = load_encoder()
    states = word_states(encoder, text, sentences)
    words = [t for t in tokenize(fold(text), 0, len(text)) if t.word]
    assert sorted(states) == [t.start for t in words]
    [(offsets, pieces)] = encoder.token_states([text])
    start = text.index("unhinged")
    inside = (offsets[:, 0] < start + len("unhinged")) & (offsets[:, 1] > start)
    assert inside.sum() > 1  # a word of several pieces
    assert np.allclose(states[start], pieces[inside].mean(axis=0), atol=1e-6)


def test_candidates_are_own_voice_content_words() -> None:
    text = 'Critics blasted the reckless plan, and Smith said "it is a disgraceful betrayal" on Monday.'
    article, sentences = _article(text)
    states = word_states(load_encoder(), text, sentences)
    gold = frozenset({text.index("reckless")})
    item = candidates_of(Example(article, sentences, gold, article.id, "babe"), states, "babe")
    words = [text[s:e] for s, e in item.spans]
    assert {"reckless", "blasted"} <= set(words)
    assert not {"disgraceful", "betrayal"} & set(words)  # inside a quotation: not the outlet's voice
    assert not {"the", "and", "Smith", "Monday"} & set(words)  # function words and names' words
    assert item.x.shape == (len(words), 384 + 5)
    assert [w for w, y in zip(words, item.y, strict=True) if y] == ["reckless"]


def test_fit_separates_a_separable_problem() -> None:
    rng = np.random.default_rng(16)
    x = rng.normal(size=(400, 3)).astype(np.float32)
    y = x[:, 0] + 0.5 * x[:, 1] > 0
    model = fit(x, y, 1.0)
    assert ((model.probability(x) >= 0.5) == y).mean() > 0.95
    assert model.weights[0] > model.weights[1] > abs(model.weights[2])
