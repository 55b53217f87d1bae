"""Checker for notebook 08: the SGD update (the global-norm clip is notebook 10's, in ``long_range``)."""

from __future__ import annotations

import numpy as np

from ..params import PARAM_NAMES, Params, init_params
from ..train import sgd_step
from . import CheckResult, checker

SGD_TITLE = "SGD step θ ← θ - lr·dL/dθ"
SGD_HINT = "for every name in E U W b V c: new = param - lr * grad (a new Params; do not add)"


def _flat(p) -> np.ndarray:
    """All six arrays of a Params (or dict) as one float64 vector, in the order E U W b V c."""
    get = p.get if isinstance(p, dict) else (lambda name: getattr(p, name))
    return np.concatenate([np.asarray(get(name), dtype=np.float64).ravel() for name in PARAM_NAMES])


def _shapes_ok(p, like: Params) -> bool:
    get = p.get if isinstance(p, dict) else (lambda name: getattr(p, name, None))
    return all(np.shape(get(name)) == getattr(like, name).shape for name in PARAM_NAMES)


def _random_grads(seed: int, scale: float, like: Params | None = None) -> Params:
    """Random 'gradients' shaped like ``like`` (default: a 5-3-4 model), entries ~ N(0, scale²)."""
    like = like if like is not None else init_params(5, 3, 4, seed=seed)
    rng = np.random.default_rng(seed + 100)
    return Params(**{name: scale * rng.standard_normal(v.shape) for name, v in like.items()})


def _compare(title, hint, got, expected: Params, number: int, rtol=1e-10):
    if not isinstance(got, (Params, dict)) or not _shapes_ok(got, expected):
        return CheckResult(False, f"✗ {title}: case {number} should return a Params with the "
                                  f"shapes of the input. Hint: {hint}")
    g, e = _flat(got), _flat(expected)
    err = float(np.max(np.abs(g - e)) / max(float(np.max(np.abs(e))), 1e-300))
    if not err <= rtol:
        return CheckResult(False, f"✗ {title}: case {number} is off (relative error {err:.1e}). "
                                  f"Hint: {hint}")
    return None


def _call(title, hint, fn, *args):
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, CheckResult(False, f"✗ {title}: not implemented yet. Hint: {hint}")
    except Exception as exc:  # the student's code raised: report, do not crash
        return None, CheckResult(False, f"✗ {title}: raised {type(exc).__name__}: {exc}. Hint: {hint}")


@checker
def check_sgd_step(student_fn) -> CheckResult:
    """Check ``student_fn(params: Params, grads: Params, lr: float) -> Params`` against :func:`sgd_step`."""
    small, other = init_params(5, 3, 4, seed=1), init_params(4, 2, 3, seed=3)
    cases = [(small, _random_grads(2, 1.0, small), 0.1), (other, _random_grads(4, 0.3, other), 0.5)]
    for number, (params, grads, lr) in enumerate(cases, start=1):
        before = _flat(params)
        got, failure = _call(SGD_TITLE, SGD_HINT, student_fn, params, grads, lr)
        if failure is not None:
            return failure
        if not np.array_equal(_flat(params), before):
            return CheckResult(False, f"✗ {SGD_TITLE}: case {number} changed the params passed in; "
                                      f"return new arrays instead. Hint: {SGD_HINT}")
        failure = _compare(SGD_TITLE, SGD_HINT, got, sgd_step(params, grads, lr), number)
        if failure is not None:
            return failure
    return CheckResult(True, f"✓ {SGD_TITLE}: correct on all {len(cases)} cases.")

