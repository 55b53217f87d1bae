"""Data (vocabulary, corpus, windows, batches) and training/sampling with the package's gradients."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from model_cases import small_params

import bptt_helpers as bh


@pytest.fixture(scope="module")
def corpus():
    text = bh.load_text()
    vocab = bh.CharVocab.from_text(text)
    return text, vocab, vocab.encode(text)


# --- vocabulary and corpus ---------------------------------------------------------------------

def test_encode_decode_round_trip(corpus):
    text, vocab, ids = corpus
    assert ids.dtype.kind == "i" and ids.shape == (len(text),)
    assert ids.min() == 0 and ids.max() == vocab.size - 1
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.reshape(-1)[:100].reshape(10, 10)) == text[:100]  # read in order
    assert vocab.chars == sorted(set(text)) and len(vocab) == vocab.size


def test_vocab_from_explicit_chars_keeps_their_order():
    vocab = bh.CharVocab("cab")
    np.testing.assert_array_equal(vocab.encode("abcab"), [1, 2, 0, 1, 2])
    assert vocab.decode([2, 1, 0]) == "bac"
    assert vocab.encode("").shape == (0,)
    assert vocab.decode(vocab.encode("")) == ""


def test_decode_of_an_empty_list_is_the_empty_string():
    assert bh.CharVocab("ab").decode([]) == ""


def test_default_corpus_loads_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("load_text tried to open a network connection")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text = bh.load_text()
    assert len(text) > 5000 and "\n" in text
    assert bh.CharVocab.from_text(text).size > 30


def test_a_utf8_file_works(tmp_path):
    text = "naïve café — 日本語 ✓\nsecond line: ß, ø, é\n" * 3
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    loaded = bh.load_text(path)
    assert loaded == text
    assert bh.load_text(str(path)) == text
    vocab = bh.CharVocab.from_text(loaded)
    assert {"ï", "—", "日", "✓"} <= set(vocab.chars)
    assert vocab.decode(vocab.encode(loaded)) == text


# --- windows and batches -----------------------------------------------------------------------

@pytest.mark.parametrize("window, stride", [(1, 1), (8, 1), (8, 3), (20, 20)])
def test_windows_shapes_and_targets_shifted_by_one(window, stride):
    ids = np.arange(50) % 7
    inputs, targets = bh.windows(ids, window, stride)
    n = len(range(0, len(ids) - window, stride))
    assert inputs.shape == targets.shape == (n, window)
    for k in range(n):
        start = k * stride
        np.testing.assert_array_equal(inputs[k], ids[start:start + window])
        np.testing.assert_array_equal(targets[k], ids[start + 1:start + window + 1])
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])


def test_windows_of_a_corpus_just_long_enough():
    inputs, targets = bh.windows(np.arange(6), 5)
    np.testing.assert_array_equal(inputs, [[0, 1, 2, 3, 4]])
    np.testing.assert_array_equal(targets, [[1, 2, 3, 4, 5]])


def test_random_batch_is_reproducible_by_seed(corpus):
    _, _, ids = corpus
    a = bh.random_batch(ids, 16, 8, np.random.default_rng(7))
    b = bh.random_batch(ids, 16, 8, np.random.default_rng(7))
    c = bh.random_batch(ids, 16, 8, np.random.default_rng(8))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])
    inputs, targets = a
    assert inputs.shape == targets.shape == (8, 16)
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])
    positions = np.arange(len(ids))
    for row in inputs:  # every row is a contiguous slice of the corpus
        starts = positions[: len(ids) - 16][ids[: len(ids) - 16] == row[0]]
        assert any(np.array_equal(ids[s:s + 16], row) for s in starts)


def test_train_val_split():
    ids = np.arange(100)
    train, val = bh.train_val_split(ids, 0.1)
    assert len(train) == 90 and len(val) == 10
    np.testing.assert_array_equal(np.concatenate([train, val]), ids)


# --- training ----------------------------------------------------------------------------------

def test_sgd_lowers_the_loss_on_the_default_corpus(corpus):
    _, vocab, ids = corpus
    ids = ids[:3000]
    params = bh.init_params(vocab.size, 16, 48, seed=0)
    before = bh.evaluate(params, ids, 16)
    result = bh.train(params, ids, window=16, steps=40, lr=0.5, batch_size=16, seed=0)
    after = bh.evaluate(result.params, ids, 16)
    assert len(result.losses) == len(result.grad_norms) == 40
    assert np.isfinite(result.losses).all()
    assert after < before - 0.5, (before, after)
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5]) - 0.5
    # seeded: the same run again gives the same numbers
    again = bh.train(params, ids, window=16, steps=40, lr=0.5, batch_size=16, seed=0)
    assert again.losses == result.losses


def test_train_with_batch_one_and_h0_and_callback(corpus):
    _, vocab, ids = corpus
    params = bh.init_params(vocab.size, 8, 16, seed=1)
    seen = []
    result = bh.train(params, ids, window=8, steps=5, lr=0.1, h0=np.full(16, 0.1), clip=1.0,
                      callback=lambda step, loss: seen.append((step, loss)))
    assert [s for s, _ in seen] == list(range(5))
    assert [loss for _, loss in seen] == result.losses
    assert result.params is not params  # the input parameters are not modified in place
    np.testing.assert_array_equal(params.E, bh.init_params(vocab.size, 8, 16, seed=1).E)


def test_sgd_step_moves_against_the_gradient():
    params = small_params()
    grads = bh.Params(**{name: np.ones_like(v) for name, v in params.items()})
    stepped = bh.sgd_step(params, grads, 0.25)
    for name, value in stepped.items():
        np.testing.assert_allclose(value, getattr(params, name) - 0.25)


def _scaled_grads(scale: float) -> bh.Params:
    rng = np.random.default_rng(3)
    return bh.Params(**{name: scale * rng.standard_normal(v.shape) for name, v in small_params().items()})


def test_clip_grad_norm_caps_the_norm_and_keeps_the_direction():
    grads = _scaled_grads(10.0)
    norm = bh.grad_norm(grads)
    assert norm > 5
    clipped, before = bh.clip_grad_norm(grads, 1.0)
    assert before == pytest.approx(norm)
    assert bh.grad_norm(clipped) == pytest.approx(1.0, rel=1e-9)
    assert bh.grad_norm(clipped) <= 1.0
    flat = np.concatenate([g.ravel() for _, g in grads.items()])
    flat_clipped = np.concatenate([g.ravel() for _, g in clipped.items()])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(flat_clipped, flat / norm, rtol=1e-9)


def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = _scaled_grads(1e-3)
    clipped, before = bh.clip_grad_norm(grads, 1.0)
    assert before == pytest.approx(bh.grad_norm(grads))
    for name, g in clipped.items():
        np.testing.assert_array_equal(g, getattr(grads, name))


def test_grad_norm_is_the_global_l2_norm():
    grads = bh.Params(E=np.full((2, 2), 1.0), U=np.zeros((1, 2)), W=np.zeros((1, 1)),
                      b=np.array([2.0]), V=np.zeros((2, 1)), c=np.zeros(2))
    assert bh.grad_norm(grads) == pytest.approx(np.sqrt(4 + 4))


# --- sampling ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained(corpus):
    _, vocab, ids = corpus
    params = bh.init_params(vocab.size, 16, 32, seed=0)
    return bh.train(params, ids[:3000], 16, 10, 0.5, batch_size=8).params, vocab


def test_sampling_is_reproducible_with_a_seed(trained):
    params, vocab = trained
    a = bh.sample(params, vocab, 40, prompt="the ", seed=3)
    b = bh.sample(params, vocab, 40, prompt="the ", seed=3)
    c = bh.sample(params, vocab, 40, prompt="the ", seed=4)
    assert a == b and a != c
    assert a.startswith("the ") and len(a) == 44
    assert set(a) <= set(vocab.chars)


def test_sampling_without_prompt_starts_from_one_random_char(trained):
    params, vocab = trained
    text = bh.sample(params, vocab, 10, seed=5)
    assert len(text) == 11 and text == bh.sample(params, vocab, 10, seed=5)


def test_temperature_changes_the_sample(trained):
    params, vocab = trained
    samples = {t: bh.sample(params, vocab, 60, prompt="the ", seed=3, temperature=t)
               for t in (0.2, 1.0, 3.0)}
    assert len(set(samples.values())) == 3
    # a temperature near 0 is greedy: the same text whatever the seed
    cold = [bh.sample(params, vocab, 30, prompt="the ", seed=s, temperature=1e-3) for s in (0, 1, 2)]
    assert cold[0] == cold[1] == cold[2]
    # and a high temperature spreads over more distinct characters than a low one
    assert len(set(samples[3.0][4:])) > len(set(samples[0.2][4:]))
