"""Checkers for notebooks 09 and 10: the Jacobian factor of eq 3.7 and clipping by global norm."""

from __future__ import annotations

import numpy as np

from ..lessons.long_range import jacobian_factor
from ..params import PARAM_NAMES, Params, init_params
from ..train import clip_grad_norm
from . import CheckResult, checker, run_check


def _factor_cases():
    rng = np.random.default_rng(7)
    cases = []
    for n in (3, 5, 8):
        h_next = np.tanh(rng.standard_normal(n))
        W = rng.standard_normal((n, n))
        cases.append(((h_next, W), jacobian_factor(h_next, W)))
    return cases


@checker
def check_jacobian_factor(student_fn) -> CheckResult:
    """``student_fn(h_next, W)`` must return diag[1 - (h^(t+1))^2] W (eq 3.7), shape (n, n).

    A function that scales the *columns* of W instead (``W * (1 - h**2)``, which is what
    PyTorch broadcasting makes of the row vector in eq 4.3) gets a specific hint.
    """
    title = "Jacobian factor diag[1 - h²] W"
    hint = ("h_next is h^(t+1); in eq 3.7 the diagonal matrix stands to the LEFT of W, "
            "so row i of W is multiplied by 1 - (h_i^(t+1))^2")
    cases = _factor_cases()
    result = run_check(title, student_fn, cases, hint)
    if result.passed:
        return result
    (h_next, W), _ = cases[0]
    try:
        got = np.asarray(student_fn(h_next, W), dtype=float)
    except Exception:  # already reported by run_check
        return result
    if got.shape == W.shape and np.allclose(got, W * (1 - h_next**2)[None, :]):
        return CheckResult(False, f"✗ {title}: you scaled the columns of W (W ⊙ [1 - h²] with the "
                                  "row vector broadcast along rows): that is W diag[1 - h²], not "
                                  "diag[1 - h²] W. Scale the rows: make 1 - h² a column vector first.")
    return result


def _flat(grads) -> np.ndarray:
    if not isinstance(grads, Params):
        raise TypeError(f"must return a bptt_helpers.Params, got {type(grads).__name__}")
    return np.concatenate([np.ravel(getattr(grads, name)) for name in PARAM_NAMES])


def _clip_cases():
    cases = []
    for seed, max_norm in ((0, 1.0), (1, 0.3), (2, 50.0)):  # the last one is below the threshold
        grads = init_params(5, 3, 4, seed=seed)
        grads.W = grads.W * 20  # one tensor much larger: per-tensor clipping gives another answer
        clipped, _ = clip_grad_norm(grads, max_norm)
        cases.append(((grads, max_norm), _flat(clipped)))
    return cases


def _per_tensor(grads: Params, max_norm: float) -> np.ndarray:
    """The classic mistake: every tensor clipped to its own norm."""
    return np.concatenate([np.ravel(g * min(1.0, max_norm / np.linalg.norm(g)))
                           for g in (getattr(grads, name) for name in PARAM_NAMES)])


CLIP_TITLE = "clip by global norm"
CLIP_HINT = ("global norm = sqrt(sum of g**2 over ALL six tensors); if it exceeds max_norm, "
             "multiply every tensor by max_norm / norm, otherwise return them unchanged")
PER_TENSOR = ("each tensor was clipped to its own norm. The global norm treats the six gradients "
              "as ONE long vector: one norm, one scale factor for all of them")
IN_PLACE = ("it changed the gradients passed in (the caller's arrays, e.g. with g *= factor). "
            "Return a new Params (g * factor makes new arrays) and leave the input as it was")


@checker
def check_clip_grad_norm(student_fn) -> CheckResult:
    """``student_fn(grads, max_norm)`` must return the :class:`Params` rescaled to global norm <= max_norm.

    One factor for all six tensors together (the global L2 norm), and nothing changes when
    the norm is already below ``max_norm``; compared with :func:`bptt_helpers.clip_grad_norm`.
    The student gets a copy of each case and the checker compares it afterwards with another
    copy: a solution that changes its input in place is rejected, as ``bh.train`` and any
    caller still hold those arrays. Per-tensor clipping gets its own diagnosis.
    """
    def flat_student(grads, max_norm):
        given = grads.copy()
        result = student_fn(given, max_norm)
        if not np.array_equal(_flat(given), _flat(grads)):
            raise _InPlace
        return _flat(result)

    cases = _clip_cases()
    for number, ((grads, max_norm), expected) in enumerate(cases, start=1):
        try:
            got = flat_student(grads, max_norm)
        except _InPlace:
            return CheckResult(False, f"✗ {CLIP_TITLE}: case {number}: {IN_PLACE}.")
        except Exception:  # not implemented, crashed, wrong type: run_check reports it
            return run_check(CLIP_TITLE, flat_student, cases, CLIP_HINT, rtol=1e-9)
        if got.shape == expected.shape and np.allclose(got, _per_tensor(grads, max_norm), rtol=1e-9, atol=0) \
                and not np.allclose(got, expected, rtol=1e-9, atol=0):
            return CheckResult(False, f"✗ {CLIP_TITLE}: case {number}: {PER_TENSOR}.")
    return run_check(CLIP_TITLE, flat_student, cases, CLIP_HINT, rtol=1e-9)


class _InPlace(Exception):
    """Raised inside the checker when the student's function changed its input."""
