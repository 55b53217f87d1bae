"""Every exercise of notebooks 01-10: right answers in the forms a student writes them pass, and each
classic mistake gets its own hint (both levels, ``hints="all"``). The rules every checker shares
(placeholder, mutation, types, dtype, scale, case-only failures, hint steps, points) are tested
once for all of them in test_checker_policy.py; notebook 12's checkers in test_exercises_capstone.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.exercises import policy
from bptt_helpers.exercises.biases import check_db, check_dc
from bptt_helpers.exercises.embedding import check_scatter_rows
from bptt_helpers.exercises.forward import (
    cache_nbytes,
    check_cache_bytes,
    check_cross_entropy,
    check_preactivation,
    check_softmax,
    measured_cache_bytes,
)
from bptt_helpers.exercises.hidden import check_dhidden_step
from bptt_helpers.exercises.logits import check_dlogits
from bptt_helpers.exercises.long_range import check_clip_grad_norm, check_jacobian_product
from bptt_helpers.exercises.training import check_sgd_step
from bptt_helpers.exercises.weights import check_dW


@pytest.fixture(autouse=True)
def _fresh():
    policy.reset_attempts()


def stable_softmax(o):
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def stable_cross_entropy(o, targets):
    shifted = o - o.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]


def right_cache_bytes(tau, batch, vocab, d_model, n_hidden):
    per_step = 2 + d_model + n_hidden + 2 * vocab + 1 + n_hidden   # ids, x, a, o, ŷ, L(t), dtanh
    return 8 * batch * (tau * per_step + (tau + 1) * n_hidden)


def dlogits(y_hat, target, tau):
    grad = y_hat.copy()
    grad[target] -= 1
    return grad / tau


def dW_loop(dh, h):
    grad = np.zeros((dh.shape[1], dh.shape[1]))
    for t in range(dh.shape[0]):  # row t of dh is (DL)_(h^(t+1))
        grad += np.outer(dh[t] * (1 - h[t + 1] ** 2), h[t])
    return grad


def scatter_loop(rows, tokens, vocab_size):
    grad = np.zeros((vocab_size, rows.shape[1]))
    for row, token in zip(rows, tokens, strict=True):
        grad[token] += row
    return grad


def fancy_index_scatter(rows, tokens, vocab_size):
    grad = np.zeros((vocab_size, rows.shape[1]))
    grad[tokens] += rows          # the classic bug: a repeated token keeps one row
    return grad


def product(h_states, W, columns=False, reverse=False):
    out = np.eye(W.shape[0])
    for h in (h_states if reverse else h_states[::-1]):
        out = out @ (W * (1 - h**2) if columns else (1 - h**2)[:, None] * W)
    return out


def global_clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for _, g in grads.items()))
    return bh.Params(**{n: g * min(1.0, max_norm / norm) for n, g in grads.items()})


RIGHT = {
    check_preactivation: [lambda h, x, W, U, b: h @ W.T + x @ U.T + b,
                          lambda h, x, W, U, b: np.einsum("...j,ij->...i", h, W) + x @ U.T + b],
    check_softmax: [stable_softmax, lambda o: np.exp(o - np.log(np.exp(o - o.max(-1, keepdims=True)).sum(
        -1, keepdims=True)) - o.max(-1, keepdims=True))],
    check_cross_entropy: [stable_cross_entropy],
    check_cache_bytes: [right_cache_bytes],
    check_dlogits: [dlogits, lambda y, t, tau: (y - np.eye(y.size)[t]) / tau],
    check_dhidden_step: [lambda d, h, W, o, V: d @ ((1 - h**2)[:, None] * W) + o @ V,
                         lambda d, h, W, o, V: d @ np.diag(1 - h**2) @ W + o @ V,
                         lambda d, h, W, o, V: (d * (1 - h**2)) @ W + o @ V],
    check_dc: [lambda do: do.sum(axis=0), lambda do: sum(do)],
    check_db: [lambda dh, h: (dh * (1 - h[1:] ** 2)).sum(axis=0)],
    check_dW: [dW_loop, lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[:-1]],
    check_scatter_rows: [scatter_loop],
    check_sgd_step: [lambda p, g, lr: bh.Params(**{n: v - lr * getattr(g, n) for n, v in p.items()}),
                     lambda p, g, lr: {n: v - lr * getattr(g, n) for n, v in p.items()}],
    check_jacobian_product: [product],
    check_clip_grad_norm: [global_clip, lambda g, m: global_clip(g, m).as_dict()],
}

# (wrong answer, words of its first hint, words of its second)
WRONG = {
    check_preactivation: [(lambda h, x, W, U, b: h @ W + x @ U.T + b, "the term of h_prev is not", "W.T"),
                          (lambda h, x, W, U, b: h @ W.T + x @ U + b, "raised ValueError", "U is not square"),
                          (lambda h, x, W, U, b: h @ W.T + x @ U.T, "missing", "add b"),
                          (lambda h, x, W, U, b: np.tanh(h @ W.T + x @ U.T + b), "(-1, 1)",
                           "without the tanh"),
                          (lambda h, x, W, U, b: (h @ W.T + x @ U.T + b).ravel(), "has shape",
                           "leading axes")],
    check_softmax: [(lambda o: np.exp(o) / np.exp(o).sum(axis=-1, keepdims=True),
                     "NaN or inf on logits of ±1000",
                     "subtract each row's largest logit"),
                    (lambda o: np.exp(o - o.max()) / np.exp(o - o.max()).sum(), "the whole array sums to 1",
                     "axis=-1")],
    check_cross_entropy: [
        (lambda o, y: -np.log(np.take_along_axis(stable_softmax(o), y[..., None], axis=-1)[..., 0]),
         "a very unlikely target", "instead of the log of the softmax"),
        (lambda o, y: -stable_cross_entropy(o, y), "wrong sign", "negate"),
        (lambda o, y: stable_cross_entropy(o, y).mean(), "has shape ()", "take_along_axis"),
        (lambda o, y: stable_cross_entropy(o, y) / np.log(10), "log base 10", "natural log")],
    check_cache_bytes: [
        (lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) - 8 * B * n, "one row of h too few",
         "τ + 1 rows"),
        (lambda tau, B, V, d, n: 8 * tau * (2 + d + 2 * n + 2 * V + 1) + 8 * (tau + 1) * n, "right on",
         "B copies of every array"),
        (lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) // 2, "k = 0.5", "constant factor"),
        (lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) - 8 * B * tau * n, "is missing",
         "dtanh"),
        (lambda tau, B, V, d, n: right_cache_bytes(tau, B, V, d, n) + 8, "the value is off", "8 bytes")],
    check_dlogits: [(lambda y, t, tau: y - np.eye(y.size)[t], "τ times too big", "MEAN"),
                    (lambda y, t, tau: (np.eye(y.size)[t] - y) / tau, "wrong sign", "onehot - ŷ"),
                    (lambda y, t, tau: y / tau, "except at the target", "subtract 1"),
                    (lambda y, t, tau: (y - 1) / tau, "right at the target index only", "indicator")],
    check_dhidden_step: [
        (lambda d, h, W, o, V: d @ ((1 - h**2) * W) + o @ V, "scales the wrong side", "COLUMNS"),
        (lambda d, h, W, o, V: d @ W + o @ V, "misses a factor", "diag[1 - h(t+1)²]"),
        (lambda d, h, W, o, V: (d * (1 - h**2)) @ W.T + o @ V, "the wrong way round", "W itself"),
        (lambda d, h, W, o, V: (d * (1 - h**2)) @ W, "one of the two paths", "(DL)_o(t) V"),
        (lambda d, h, W, o, V: o @ V, "one of the two paths", "h(t) also feeds h(t+1)")],
    check_dc: [(lambda do: do.mean(axis=0), "the mean over t", "SUM"),
               (lambda do: do[-1], "last step's term", "all τ rows"),
               (lambda do: do.sum(axis=1), "has shape", "axis 0")],
    check_db: [(lambda dh, h: dh.sum(axis=0), "before the tanh", "1 - (h(t))²"),
               (lambda dh, h: (dh * (1 - h[:-1] ** 2)).sum(axis=0), "one step too early", "h[1:]"),
               (lambda dh, h: (dh * (1 - h[1:]) ** 2).sum(axis=0), "not the tanh derivative", "misprint")],
    check_dW: [(lambda dh, h: (dh[1:] * (1 - h[2:] ** 2)).T @ h[1:-1], "the one with h(0)", "from t = 0"),
               (lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[1:], "the wrong state", "PREVIOUS"),
               (lambda dh, h: (dh * (1 - h[1:]) ** 2).T @ h[:-1], "not the tanh derivative", "misprint"),
               (lambda dh, h: h[:-1].T @ (dh * (1 - h[1:] ** 2)), "transpose", "on the left"),
               (lambda dh, h: dh.T @ h[:-1], "miss a factor", "1 - (h(t+1))²"),
               (lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[:-1] + 1e-3, "values are off", "h[:-1]")],
    check_scatter_rows: [(lambda r, t, v: np.add.at(z := np.zeros((v, r.shape[1])), t, r) or z.T,
                          "has shape", "np.add.at"),
                         (fancy_index_scatter, "kept only ONE of its rows", "last write wins")],
    check_sgd_step: [(lambda p, g, lr: bh.Params(**{n: v + lr * getattr(g, n) for n, v in p.items()}),
                      "uphill", "subtract"),
                     (lambda p, g, lr: bh.Params(**{n: v - getattr(g, n) for n, v in p.items()}),
                      "whole gradient", "multiply the gradient by lr")],
    check_jacobian_product: [(lambda hs, W: product(hs, W, reverse=True), "opposite order", "leftmost"),
                             (lambda hs, W: product(hs, W, columns=True), "wrong side of W", "ROWS"),
                             (lambda hs, W: np.linalg.matrix_power(W, len(hs)), "W^(s-t)", "tanh")],
    check_clip_grad_norm: [
        (lambda g, m: bh.Params(**{n: a * min(1.0, m / np.linalg.norm(a)) for n, a in g.items()}),
         "its own norm", "one vector"),
        (lambda g, m: bh.Params(**{n: a * (m / np.sqrt(sum(np.sum(x**2) for _, x in g.items())))
                                   for n, a in g.items()}), "even where they were shorter", "min(1"),
        (lambda g, m: (global_clip(g, m), 1.0), "returned a tuple of 2 items", "new Params")],
}


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_right_answers_pass(check):
    for fn in RIGHT[check]:
        result = check(fn)
        assert result.passed and result.message.startswith("✓"), result.message


@pytest.mark.parametrize("check, index", [(c, i) for c in WRONG for i in range(len(WRONG[c]))],
                         ids=lambda v: v.__name__ if callable(v) else str(v))
def test_each_wrong_answer_gets_its_own_hint_in_two_steps(check, index):
    wrong, where, change = WRONG[check][index]
    with np.errstate(all="ignore"):
        first = check(wrong).message
        second = check(wrong).message
    assert first.startswith("✗") and where in first, first
    assert "→ what to change" in second and change in second, second


def test_the_cache_size_is_measured_not_assumed():
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


def test_an_answer_that_scales_the_callers_gradients_in_place_is_named():
    def in_place(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g**2) for _, g in grads.items()))
        for _, g in grads.items():
            g *= min(1.0, max_norm / norm)
        return grads
    result = check_clip_grad_norm(in_place)
    assert not result and "changed its input `grads` in place" in result.message


def test_a_checker_given_something_else_than_a_function_says_so():
    with pytest.raises(TypeError, match="pass your function itself"):
        check_dc(3)
