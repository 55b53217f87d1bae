"""Small worked models shared by the bias and weight exercises (eqs 4.4-4.8).

Each case is one sequence through a tiny random RNN with a NONZERO h^(0), so a sum that
forgets the t = 0 term of eq 4.7 is visibly wrong. A case with τ = 1 is included: there the
whole of dL/dW comes from h^(0).
"""

from __future__ import annotations

import numpy as np

from .. import forward, grads_fast, init_params
from . import Case


def tiny_models(rng=None, seeds=(0, 1, 2), lengths=(6, 3, 1)):
    """A list of dicts with ``do``, ``dh``, ``h``, ``x`` (float64 arrays), ``grads`` and ``tau``."""
    if rng is not None:
        seeds = tuple(int(s) for s in rng.integers(0, 10_000, 2))
        lengths = tuple(int(n) for n in rng.integers(1, 8, 2))
    models = []
    for k, (seed, T) in enumerate(zip(seeds, lengths, strict=True)):
        local = np.random.default_rng(100 + seed)
        vocab, d_model, n_hidden = 5 + k, 3, 4 + k
        params = init_params(vocab, d_model, n_hidden, seed=seed)
        inputs, targets = local.integers(0, vocab, size=T), local.integers(0, vocab, size=T)
        cache = forward(params, inputs, targets, local.uniform(-0.8, 0.8, size=n_hidden))
        do = grads_fast.dlogits(cache)
        dh = grads_fast.dhidden(params, cache, do)
        grads = {"c": grads_fast.dc(cache, do), "b": grads_fast.db(cache, dh),
                 "V": grads_fast.dV(cache, do), "W": grads_fast.dW(cache, dh),
                 "U": grads_fast.dU(cache, dh)}
        models.append({"do": do, "dh": dh, "h": cache.h.copy(), "x": cache.x.copy(),
                       "grads": grads, "tau": T})
    return models


def cases_for(arg_names, grad: str):
    """``cases(rng)`` for an exercise whose function takes ``arg_names`` of a tiny model and
    returns its gradient ``grad``; each case keeps its model in ``quantities`` under ``τ``."""
    def cases(rng=None):
        out = []
        for m in tiny_models(rng):
            label = f"one sequence of τ = {m['tau']}" + (" (all of dL/dW comes from h(0))"
                                                        if m["tau"] == 1 else ", h(0) ≠ 0")
            out.append(Case(label, tuple(np.array(m[k]) for k in arg_names), m["grads"][grad],
                            quantities={"τ": m["tau"]}))
        return out
    return cases


def arrays(case: Case, arg_names) -> dict:
    """A case's arguments by name (for the formulas of the known mistakes)."""
    return dict(zip(arg_names, case.args, strict=True))
