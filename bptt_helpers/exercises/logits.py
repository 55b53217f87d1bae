"""Checker for notebook 03 (logits): write eq 4.1 = 3.4 for one timestep.

The student writes ``my_dlogits(y_hat, target, tau)``: y_hat (vocab,), the softmax
output ŷ^(t); target, the int y^(t); tau, the number of timesteps τ. It returns
(DL)_(o^(t)) = (1/τ)(ŷ^(t) - 1{i = y^(t)}), shape (vocab,).
"""

from __future__ import annotations

import numpy as np

from .. import grads_as_written
from ..forward_pass import forward
from ..params import init_params
from . import checker
from .diagnose import check_with_diagnosis

HINT = ("(DL)_o_i = (1/τ)(ŷ_i - 1{i = y}): copy ŷ, subtract 1 at the target index only, "
        "then divide everything by τ.")


def _onehot(target: int, n: int) -> np.ndarray:
    e = np.zeros(n)
    e[target] = 1.0
    return e


MISTAKES = [
    (lambda y_hat, target, tau: y_hat - _onehot(target, y_hat.size),
     "the shape of the answer is right but it is τ times too big: the loss is the MEAN over "
     "the τ steps (eq 1.2), so every entry carries a factor 1/τ."),
    (lambda y_hat, target, tau: (_onehot(target, y_hat.size) - y_hat) / tau,
     "the sign is flipped: the target's entry must be negative (ŷ_y - 1 < 0, eq 3.2) and all "
     "other entries positive (ŷ_i > 0, eq 3.3)."),
    (lambda y_hat, target, tau: y_hat / tau,
     "only the case i ≠ y (eq 3.3) is there: at the target index i = y subtract 1 (eq 3.2)."),
    (lambda y_hat, target, tau: (y_hat - 1) / tau,
     "you subtracted 1 from every entry: the indicator 1{i = y} is 1 only at the target index."),
]


def cases(n_cases: int = 4):
    """Test cases ``((y_hat, target, tau), expected)`` from small random models (eq 4.1)."""
    out = []
    for seed in range(n_cases):
        vocab, tau = 5 + seed, 3 + seed
        rng = np.random.default_rng(100 + seed)
        params = init_params(vocab, 4, 6, seed=seed)
        inputs = rng.integers(0, vocab, tau)
        targets = rng.integers(0, vocab, tau)
        cache = forward(params, inputs, targets, None)
        do = grads_as_written.dlogits(cache)
        t = int(rng.integers(1, tau + 1))
        out.append(((cache.y_hat[t - 1].copy(), int(targets[t - 1]), tau), do[t - 1]))
    return out


@checker
def check_dlogits(my_dlogits):
    """Check a student's ``my_dlogits(y_hat, target, tau) -> (vocab,)`` against eq 4.1."""
    return check_with_diagnosis("eq 4.1, (DL)_o(t)", my_dlogits, cases, HINT, MISTAKES)
