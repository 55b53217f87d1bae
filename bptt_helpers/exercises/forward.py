"""Checkers for the exercises of notebooks 01 (forward pass) and 02 (plan of attack).

- :func:`check_preactivation`: eq (1.4), a = h W^T + x U^T + b, for one row and a batch;
- :func:`check_softmax`: eq (1.7), softmax along the last axis, also for huge logits;
- :func:`check_cross_entropy`: eq (1.1), L = -log ŷ[y] computed stably from the logits;
- :func:`check_cache_bytes`: §2, the memory the cache holds once backward has run, as a formula in τ.

Each calls the student's function on a few small cases (non-square U so that a missing
transpose shows; logits of ±1000 so that an unstable formula shows) and compares with
the package's own result.
"""

from __future__ import annotations

import numpy as np

from ..backward_pass import backward
from ..forward_pass import cross_entropy, forward, preactivation, softmax
from ..lessons.cache import cache_arrays
from ..params import init_params
from . import CheckResult, checker, run_check


def _preactivation_cases():
    rng = np.random.default_rng(11)
    cases = []
    for batch, d_model, n_hidden in (((), 3, 5), ((4,), 2, 6), ((2, 3), 4, 3)):
        h_prev = rng.uniform(-1, 1, batch + (n_hidden,))
        x = rng.standard_normal(batch + (d_model,))
        W = rng.standard_normal((n_hidden, n_hidden))
        U = rng.standard_normal((n_hidden, d_model))
        b = rng.standard_normal(n_hidden)
        cases.append(((h_prev, x, W, U, b), preactivation(h_prev, x, W, U, b)))
    return cases


@checker
def check_preactivation(fn) -> CheckResult:
    """Check ``fn(h_prev, x, W, U, b) -> a`` against eq (1.4), a = h W^T + x U^T + b.

    Shapes: h_prev (..., n_hidden), x (..., d_model), W (n_hidden, n_hidden),
    U (n_hidden, d_model), b (n_hidden,) -> a (..., n_hidden); one row and batches.
    """
    return run_check("eq (1.4) preactivation", fn, _preactivation_cases(),
                     hint="every vector is a row, so multiply h_prev and x from the right by the "
                          "TRANSPOSED weights, then add b; U has shape (n_hidden, d_model)")


def _logit_cases():
    rng = np.random.default_rng(12)
    small = rng.standard_normal((5, 7))
    huge = np.array([[1000.0, -1000.0, 999.0, 0.0], [-1000.0, -999.0, -1000.0, -998.0]])
    batch = 3.0 * rng.standard_normal((2, 3, 6))
    return small, huge, batch


@checker
def check_softmax(fn) -> CheckResult:
    """Check ``fn(o) -> ŷ`` against eq (1.7): softmax along the last axis, finite for |o| = 1000."""
    cases = [((o,), softmax(o)) for o in _logit_cases()]
    return run_check("eq (1.7) softmax", fn, cases,
                     hint="subtract each row's maximum before exponentiating (it cancels out), and "
                          "normalise over the last axis only; keepdims=True keeps the shapes aligned")


@checker
def check_cross_entropy(fn) -> CheckResult:
    """Check ``fn(o, targets) -> L`` against eq (1.1): L = -log softmax(o)[target], per position.

    o: (..., vocab) logits; targets: int (...,) -> losses (...,). Must stay finite for logits
    of ±1000, so compute log ŷ as o - max - log Σ exp(o - max) rather than log(softmax(o)).
    """
    rng = np.random.default_rng(13)
    cases = []
    for o in _logit_cases():
        targets = rng.integers(0, o.shape[-1], size=o.shape[:-1])
        cases.append(((o, targets), cross_entropy(o, targets)))
    # the target is a very unlikely token: log(softmax) would give log(0) = -inf
    o = np.array([[800.0, -800.0, 0.0]])
    cases.append(((o, np.array([1])), cross_entropy(o, np.array([1]))))
    return run_check("eq (1.1) cross-entropy", fn, cases,
                     hint="work with log ŷ = (o - max) - log Σ exp(o - max) instead of log(softmax(o)); "
                          "then pick each position's target entry (np.take_along_axis) and negate")


def cache_nbytes(cache) -> int:
    """Bytes held by all the arrays a :class:`ForwardCache` holds now (token ids included).

    Its fields, plus ``dtanh`` (1 - h², eq 3.7) once :func:`backward` has computed and kept it.
    """
    return sum(value.nbytes for value in cache_arrays(cache).values())


def measured_cache_bytes(tau: int, batch: int, vocab: int, d_model: int, n_hidden: int) -> int:
    """Run :func:`forward` and :func:`backward` in float64 on (batch, tau) random tokens and
    measure the cache as backward leaves it (with the ``dtanh`` it keeps)."""
    params = init_params(vocab, d_model, n_hidden, seed=0)
    tokens = np.random.default_rng(0).integers(0, vocab, size=(batch, tau))
    cache = forward(params, tokens, tokens, None)
    backward(params, cache)
    return cache_nbytes(cache)


CACHE_CASES = ((1, 1, 5, 3, 4), (8, 1, 65, 24, 200), (16, 4, 10, 6, 7), (5, 3, 7, 2, 9))


@checker
def check_cache_bytes(fn) -> CheckResult:
    """Check ``fn(tau, batch, vocab, d_model, n_hidden) -> int``: bytes of the float64 cache.

    The truth is measured: :func:`forward` and :func:`backward` run on (batch, tau) tokens
    and the bytes of every array the cache then holds (float64 values, int64 token ids,
    and the ``dtanh`` that backward keeps) are added up.
    """
    cases = [(args, measured_cache_bytes(*args)) for args in CACHE_CASES]
    return run_check("§2 cache size in bytes", fn, cases, rtol=0.0,
                     hint="count the entries of inputs, targets, x, a, h (τ + 1 rows!), o, ŷ, "
                          "the per-step losses and the dtanh = 1 - h² that backward keeps "
                          "(τ rows), each times batch; 8 bytes per entry")


__all__ = ["CheckResult", "cache_nbytes", "check_cache_bytes", "check_cross_entropy",
           "check_preactivation", "check_softmax", "measured_cache_bytes"]
