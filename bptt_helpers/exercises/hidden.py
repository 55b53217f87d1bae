"""The exercise of notebook 04 (hidden states), as data for the policy: one step of eq 4.3.

The student writes ``my_dhidden_step(dh_next, h_next, W, do_t, V)`` with
dh_next = (DL)_(h^(t+1)) (n_hidden,), h_next = h^(t+1) (n_hidden,), W (n_hidden, n_hidden),
do_t = (DL)_(o^(t)) (vocab,), V (vocab, n_hidden). It returns
(DL)_(h^(t)) = (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W + (DL)_(o^(t)) V, shape (n_hidden,).
"""

from __future__ import annotations

import numpy as np

from .. import grads_as_written, grads_fast
from ..forward_pass import forward
from ..lessons.jacobians import hidden_step_jacobian
from ..params import init_params
from . import Case, Exercise, Mistake, make_checker


def cases(rng=None, n_cases: int = 4):
    """Cases ``(dh_next, h_next, W, do_t, V) -> row t-1 of grads_fast.dhidden`` for a t < τ."""
    out = []
    for k in range(n_cases if rng is None else 2):
        seed = k if rng is None else int(rng.integers(0, 10_000))
        vocab, n_hidden, tau = 5 + k, 4 + k, 4 + k
        local = np.random.default_rng(200 + seed)
        params = init_params(vocab, 3, n_hidden, seed=seed)
        params.W *= 2.0  # larger weights: the wrong readings then differ clearly
        inputs, targets = local.integers(0, vocab, tau), local.integers(0, vocab, tau)
        cache = forward(params, inputs, targets, local.uniform(-0.5, 0.5, n_hidden))
        do = grads_fast.dlogits(cache)
        dh = grads_fast.dhidden(params, cache, do)
        t = int(local.integers(1, tau))  # 1 <= t <= τ - 1: eq 4.3, not 4.2
        args = (dh[t].copy(), cache.h[t + 1].copy(), params.W.copy(), do[t - 1].copy(), params.V.copy())
        out.append(Case(f"step t = {t} of τ = {tau} (n_hidden {n_hidden})", args, dh[t - 1]))
    return out


def _f(c):
    dh_next, h_next, W, do_t, V = c.args
    return dh_next, 1 - h_next**2, W, do_t, V


DHIDDEN_STEP = Exercise(
    title="eq 4.3, one step of (DL)_h(t)",
    idea="Eq (4.3): h(t) reaches the loss along two paths, through h(t+1) (back through the tanh and "
         "W) and through o(t) (back through V); its gradient is the sum of the two.",
    change="(DL)_h(t) = (DL)_h(t+1) diag[1 - h(t+1)²] W + (DL)_o(t) V. diag[v] W scales the ROWS of W: "
           "v[:, None] * W, or scale the row vector first: (dh_next * (1 - h_next**2)) @ W",
    cases=cases, arg_names=("dh_next", "h_next", "W", "do_t", "V"),
    answers=(grads_as_written.dhidden, grads_fast.dhidden, hidden_step_jacobian),
    mistakes=(
        Mistake("columns", lambda c: (lambda d, f, W, o, V: d @ (f * W) + o @ V)(*_f(c)),
                "the path through o(t) is right; the path through h(t+1) scales the wrong side of W.",
                "`(1 - h_next**2) * W` broadcasts the 1-D vector along the rows, so it scales the COLUMNS "
                "of W (that is W diag[1 - h²]). Eq 3.7 needs diag[1 - h²] W, which scales the ROWS: "
                "make the vector a column, (1 - h_next**2)[:, None] * W."),
        Mistake("no tanh'", lambda c: (lambda d, f, W, o, V: d @ W + o @ V)(*_f(c)),
                "the path through h(t+1) misses a factor.",
                "h(t+1) = tanh(a(t+1)), so going back through it multiplies by diag[1 - h(t+1)²] (eq 3.7)."),
        Mistake("W^T", lambda c: (lambda d, f, W, o, V: (d * f) @ W.T + o @ V)(*_f(c)),
                "the path through h(t+1) uses W the wrong way round.",
                "a(t+1) = h(t) W^T + ..., so (Da(t+1))_h(t) = W: the row vector is multiplied by W itself."),
        Mistake("no o path", lambda c: (lambda d, f, W, o, V: (d * f) @ W)(*_f(c)),
                "the path through h(t+1) is right; one of the two paths is missing.",
                "h(t) also feeds o(t): add (DL)_o(t) V (eq 3.6)."),
        Mistake("no h path", lambda c: c.args[3] @ c.args[4],
                "the path through o(t) is right; one of the two paths is missing.",
                "for t < τ, h(t) also feeds h(t+1) (eq 3.6): add (DL)_h(t+1) diag[1 - h(t+1)²] W."),
    ))
check_dhidden_step = make_checker("check_dhidden_step", DHIDDEN_STEP)
