"""The checkers of notebooks 01-02 accept the right answer and reject wrong ones."""

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.exercises.forward import (
    cache_nbytes,
    check_cache_bytes,
    check_cross_entropy,
    check_preactivation,
    check_softmax,
    measured_cache_bytes,
)


def placeholder(*args):
    raise NotImplementedError("write this part yourself")


def assert_rejected(result, needle=None):
    assert not result.passed and repr(result).startswith("✗")
    assert "Hint:" in repr(result)
    if needle:
        assert needle in repr(result)


# ---- eq 1.4 ---------------------------------------------------------------------------------

def test_preactivation_accepts_right_answer():
    result = check_preactivation(lambda h, x, W, U, b: h @ W.T + x @ U.T + b)
    assert result.passed and repr(result).startswith("✓")


@pytest.mark.parametrize("wrong", [
    lambda h, x, W, U, b: h @ W + x @ U.T + b,          # forgot to transpose W
    lambda h, x, W, U, b: h @ W.T + x @ U + b,          # U has the wrong orientation (shape error)
    lambda h, x, W, U, b: h @ W.T + x @ U.T,            # forgot the bias
    lambda h, x, W, U, b: np.tanh(h @ W.T + x @ U.T + b),  # that is h, eq 1.5
    lambda h, x, W, U, b: (h @ W.T + x @ U.T + b).ravel(),  # lost the batch shape
])
def test_preactivation_rejects_wrong_answers(wrong):
    assert_rejected(check_preactivation(wrong))


def test_preactivation_placeholder_is_not_implemented_yet():
    assert_rejected(check_preactivation(placeholder), "not implemented yet")


# ---- eq 1.7 ---------------------------------------------------------------------------------

def stable_softmax(o):
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax_accepts_right_answer():
    assert check_softmax(stable_softmax).passed


@pytest.mark.parametrize("wrong", [
    lambda o: np.exp(o) / np.exp(o).sum(axis=-1, keepdims=True),   # overflows at o = 1000
    lambda o: stable_softmax(o.T).T if o.ndim == 2 else stable_softmax(o),  # wrong axis
    lambda o: np.exp(o - o.max()) / np.exp(o - o.max()).sum(),       # normalised over everything
])
def test_softmax_rejects_wrong_answers(wrong):
    with np.errstate(all="ignore"):
        assert_rejected(check_softmax(wrong))


def test_softmax_placeholder_is_not_implemented_yet():
    assert_rejected(check_softmax(placeholder), "not implemented yet")


# ---- eq 1.1 ---------------------------------------------------------------------------------

def stable_cross_entropy(o, targets):
    shifted = o - o.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]


def test_cross_entropy_accepts_right_answer():
    assert check_cross_entropy(stable_cross_entropy).passed


@pytest.mark.parametrize("wrong", [
    # log of the stable softmax: -inf for a very unlikely target
    lambda o, y: -np.log(np.take_along_axis(stable_softmax(o), y[..., None], axis=-1)[..., 0]),
    # forgot the minus sign
    lambda o, y: -stable_cross_entropy(o, y),
    # the mean over positions (that is eq 1.2), not one loss per position
    lambda o, y: stable_cross_entropy(o, y).mean(),
    # log base 10
    lambda o, y: stable_cross_entropy(o, y) / np.log(10),
])
def test_cross_entropy_rejects_wrong_answers(wrong):
    with np.errstate(all="ignore"):
        assert_rejected(check_cross_entropy(wrong))


def test_cross_entropy_placeholder_is_not_implemented_yet():
    assert_rejected(check_cross_entropy(placeholder), "not implemented yet")


# ---- §2, cache size ---------------------------------------------------------------------------

def right_cache_bytes(tau, batch, vocab, d_model, n_hidden):
    per_step = 2 + d_model + n_hidden + 2 * vocab + 1 + n_hidden   # ids, x, a, o, ŷ, L(t), dtanh
    return 8 * batch * (tau * per_step + (tau + 1) * n_hidden)


def test_cache_bytes_is_measured_not_assumed():
    params = bh.init_params(7, 3, 4)
    tokens = np.array([[1, 2, 3]])
    cache = bh.forward(params, tokens, tokens, None)
    fields = sum(a.nbytes for a in (cache.inputs, cache.targets, cache.x, cache.a, cache.h,
                                    cache.o, cache.y_hat, cache.losses))
    assert cache_nbytes(cache) == fields                      # before backward: the fields only
    bh.backward(params, cache)
    assert cache_nbytes(cache) == fields + cache.dtanh.nbytes  # backward keeps dtanh in the cache
    assert measured_cache_bytes(3, 1, 7, 3, 4) == right_cache_bytes(3, 1, 7, 3, 4)


def test_backward_reads_every_array_but_a_o_and_the_losses():
    from bptt_helpers.lessons.cache import read_by_backward

    params = bh.init_params(7, 3, 4, seed=1)
    tokens = np.array([[1, 2, 3, 1], [0, 4, 4, 6]])
    cache = bh.forward(params, tokens, tokens[:, ::-1], None)
    bh.backward(params, cache)
    reads = read_by_backward(params, cache)
    assert {name for name, read in reads.items() if not read} == {"a", "o", "losses"}
    assert set(reads) == {"inputs", "targets", "x", "a", "h", "o", "y_hat", "losses", "dtanh"}


def test_cache_bytes_accepts_right_answer():
    assert check_cache_bytes(right_cache_bytes).passed


@pytest.mark.parametrize("wrong", [
    lambda tau, B, V, d, n: 8 * B * tau * (2 + d + 2 * n + 2 * V + 1),          # h with τ rows, not τ+1
    lambda tau, B, V, d, n: 8 * tau * (2 + d + n + 2 * V + 1) + 8 * (tau + 1) * n,  # forgot batch
    lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) // 2,           # 4 bytes per entry
    lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) - 8 * B * tau,  # forgot the losses
    lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) - 8 * B * tau * n,  # forgot dtanh
])
def test_cache_bytes_rejects_wrong_answers(wrong):
    assert_rejected(check_cache_bytes(wrong))


def test_cache_bytes_placeholder_is_not_implemented_yet():
    assert_rejected(check_cache_bytes(placeholder), "not implemented yet")
