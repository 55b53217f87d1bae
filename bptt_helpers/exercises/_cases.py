"""Small worked models shared by the bias and weight checkers (exercises for eqs 4.4-4.8).

Each case is one sequence through a tiny random RNN with a NONZERO h^(0), so a
sum that forgets the t = 0 term of eq 4.7 is visibly wrong. A case with τ = 1 is
included: there the whole of dL/dW comes from h^(0).
"""

from __future__ import annotations

import numpy as np

from .. import forward, grads_fast, init_params
from . import CheckResult, run_check


def tiny_cases(seeds=(0, 1, 2), lengths=(6, 3, 1)):
    """A list of dicts with ``do``, ``dh``, ``h``, ``x`` (float64 arrays) and ``grads``."""
    cases = []
    for seed, T in zip(seeds, lengths, strict=True):
        rng = np.random.default_rng(100 + seed)
        vocab, d_model, n_hidden = 5 + seed, 3, 4 + seed
        params = init_params(vocab, d_model, n_hidden, seed=seed)
        inputs = rng.integers(0, vocab, size=T)
        targets = rng.integers(0, vocab, size=T)
        h0 = rng.uniform(-0.8, 0.8, size=n_hidden)
        cache = forward(params, inputs, targets, h0)
        do = grads_fast.dlogits(cache)
        dh = grads_fast.dhidden(params, cache, do)
        grads = {"c": grads_fast.dc(cache, do), "b": grads_fast.db(cache, dh),
                 "V": grads_fast.dV(cache, do), "W": grads_fast.dW(cache, dh),
                 "U": grads_fast.dU(cache, dh)}
        cases.append({"do": do, "dh": dh, "h": cache.h.copy(), "x": cache.x.copy(), "grads": grads})
    return cases


def check_with_mistakes(title: str, student_fn, arg_names, expected, hint: str,
                        mistakes=()) -> CheckResult:
    """Like :func:`run_check`, but recognise known wrong formulas and give their own hint.

    arg_names: keys of a tiny case passed to ``student_fn`` in order; expected(case) -> array;
    mistakes: ``(wrong(case) -> array, hint)`` pairs tried when the answer is wrong.
    """
    cases = tiny_cases()

    def as_cases(formula):
        return [(tuple(np.array(case[k]) for k in arg_names), formula(case)) for case in cases]

    result = run_check(title, student_fn, as_cases(expected), hint)
    if result.passed or "not implemented" in result.message:
        return result
    for wrong, specific in mistakes:
        if run_check(title, student_fn, as_cases(wrong), specific).passed:
            return CheckResult(False, f"✗ {title}: {specific}")
    return result
