"""The exercise of notebook 03 (logits), as data for the policy: eq 4.1 = 3.4 for one timestep.

The student writes ``my_dlogits(y_hat, target, tau)``: y_hat (vocab,), the softmax output ŷ^(t);
target, the int y^(t); tau, the number of timesteps τ. It returns
(DL)_(o^(t)) = (1/τ)(ŷ^(t) - 1{i = y^(t)}), shape (vocab,).
"""

from __future__ import annotations

import numpy as np

from .. import grads_as_written, grads_fast
from ..forward_pass import forward
from ..params import init_params
from . import Case, Exercise, Mistake, make_checker


def _onehot(target: int, n: int) -> np.ndarray:
    e = np.zeros(n)
    e[target] = 1.0
    return e


def cases(rng=None, n_cases: int = 4):
    """Cases ``(y_hat, target, tau) -> row t-1 of (DL)_o`` from small random models (eq 4.1)."""
    out = []
    for k in range(n_cases if rng is None else 2):
        seed = k if rng is None else int(rng.integers(0, 10_000))
        vocab, tau = 5 + k, 3 + k
        local = np.random.default_rng(100 + seed)
        params = init_params(vocab, 4, 6, seed=seed)
        inputs, targets = local.integers(0, vocab, tau), local.integers(0, vocab, tau)
        cache = forward(params, inputs, targets, None)
        do = grads_as_written.dlogits(cache)
        t = int(local.integers(1, tau + 1))
        out.append(Case(f"step t = {t} of τ = {tau} (vocab {vocab})",
                        (cache.y_hat[t - 1].copy(), int(targets[t - 1]), tau), do[t - 1],
                        quantities={"τ": tau}))
    return out


DLOGITS = Exercise(
    title="eq 4.1, (DL)_o(t)",
    idea="Eq (3.4) = (4.1): the softmax and the cross-entropy together give ŷ minus the one-hot "
         "target, and the mean over τ steps (eq 1.2) scales every step's part.",
    change="copy ŷ, subtract 1 at the target index only, then divide every entry by τ",
    cases=cases, arg_names=("y_hat", "target", "tau"),
    answers=(grads_as_written.dlogits, grads_fast.dlogits),
    mistakes=(
        Mistake("no 1/τ", lambda c: c.args[0] - _onehot(c.args[1], c.args[0].size),
                "every entry is τ times too big; the shape of the answer is right.",
                "the loss is the MEAN over the τ steps (eq 1.2), so every entry carries a factor 1/τ."),
        Mistake("sign", lambda c: (_onehot(c.args[1], c.args[0].size) - c.args[0]) / c.args[2],
                "every entry has the wrong sign.",
                "the target's entry is negative (ŷ_y - 1 < 0, eq 3.2), every other entry positive "
                "(ŷ_i > 0, eq 3.3): compute ŷ - onehot, not onehot - ŷ."),
        Mistake("no -1", lambda c: c.args[0] / c.args[2],
                "right everywhere except at the target index.",
                "at i = y subtract 1 (eq 3.2); the other entries are ŷ_i / τ (eq 3.3)."),
        Mistake("-1 everywhere", lambda c: (c.args[0] - 1) / c.args[2],
                "right at the target index only.",
                "the indicator 1{i = y} is 1 at the target index and 0 elsewhere: subtract 1 there only."),
    ))
check_dlogits = make_checker("check_dlogits", DLOGITS)
