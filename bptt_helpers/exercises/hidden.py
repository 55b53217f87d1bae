"""Checker for notebook 04 (hidden states): write one step of the recursion, eq 4.3.

The student writes ``my_dhidden_step(dh_next, h_next, W, do_t, V)`` with
dh_next = (DL)_(h^(t+1)) (n_hidden,), h_next = h^(t+1) (n_hidden,), W (n_hidden, n_hidden),
do_t = (DL)_(o^(t)) (vocab,), V (vocab, n_hidden). It returns
(DL)_(h^(t)) = (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W + (DL)_(o^(t)) V, shape (n_hidden,).
"""

from __future__ import annotations

import numpy as np

from .. import grads_fast
from ..forward_pass import forward
from ..params import init_params
from . import checker
from .diagnose import check_with_diagnosis

HINT = ("(DL)_h(t) = (DL)_h(t+1) diag[1 - h(t+1)²] W + (DL)_o(t) V; build diag[1 - h(t+1)²] W "
        "without np.diag: which of its rows or columns does the vector scale? (eq 3.7)")

MISTAKES = [
    (lambda dh_next, h_next, W, do_t, V: dh_next @ ((1 - h_next**2) * W) + do_t @ V,
     "rows vs columns: `(1 - h_next**2) * W` broadcasts the 1-D vector along the rows, so it "
     "scales the COLUMNS of W (that is W diag[1 - h²]). Eq 3.7 needs diag[1 - h²] W, which "
     "scales the ROWS: make the vector a column, (1 - h_next**2)[:, None] * W."),
    (lambda dh_next, h_next, W, do_t, V: dh_next @ W + do_t @ V,
     "the tanh derivative is missing: h(t+1) = tanh(a(t+1)), so going back through it "
     "multiplies by diag[1 - h(t+1)²] (eq 3.7)."),
    (lambda dh_next, h_next, W, do_t, V: (dh_next * (1 - h_next**2)) @ W.T + do_t @ V,
     "W is transposed: a(t+1) = h(t) W^T + ..., so (Da(t+1))_h(t) = W, and a row vector is "
     "multiplied by W itself, not W^T."),
    (lambda dh_next, h_next, W, do_t, V: dh_next @ ((1 - h_next**2)[:, None] * W),
     "the path through o(t) is missing: h(t) also feeds o(t), so add (DL)_o(t) V (eq 3.6)."),
    (lambda dh_next, h_next, W, do_t, V: do_t @ V,
     "the path through h(t+1) is missing: for t < τ, h(t) also feeds h(t+1) (eq 3.6)."),
]


def cases(n_cases: int = 4):
    """Test cases ``((dh_next, h_next, W, do_t, V), expected)`` from small random models.

    The expected value is row t - 1 of ``grads_fast.dhidden`` for a t < τ.
    """
    out = []
    for seed in range(n_cases):
        vocab, n_hidden, tau = 5 + seed, 4 + seed, 4 + seed
        rng = np.random.default_rng(200 + seed)
        params = init_params(vocab, 3, n_hidden, seed=seed)
        params.W *= 2.0  # larger weights: the wrong readings then differ clearly
        inputs = rng.integers(0, vocab, tau)
        targets = rng.integers(0, vocab, tau)
        cache = forward(params, inputs, targets, rng.uniform(-0.5, 0.5, n_hidden))
        do = grads_fast.dlogits(cache)
        dh = grads_fast.dhidden(params, cache, do)
        t = int(rng.integers(1, tau))  # 1 <= t <= τ - 1: eq 4.3, not 4.2
        args = (dh[t].copy(), cache.h[t + 1].copy(), params.W.copy(), do[t - 1].copy(),
                params.V.copy())
        out.append((args, dh[t - 1]))
    return out


@checker
def check_dhidden_step(my_dhidden_step):
    """Check ``my_dhidden_step(dh_next, h_next, W, do_t, V) -> (n_hidden,)`` against eq 4.3."""
    return check_with_diagnosis("eq 4.3, one step of (DL)_h(t)", my_dhidden_step, cases, HINT,
                                MISTAKES)
