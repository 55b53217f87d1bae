"""The exercise of notebook 08, as data for the policy: the SGD update (10's clip is in ``long_range``)."""

from __future__ import annotations

import numpy as np

from ..params import PARAM_NAMES, Params, init_params
from ..train import sgd_step
from . import Case, Exercise, Mistake, make_checker


def random_grads(seed: int, scale: float, like: Params) -> Params:
    """Random 'gradients' shaped like ``like``, entries ~ N(0, scale²)."""
    rng = np.random.default_rng(seed + 100)
    return Params(**{name: scale * rng.standard_normal(v.shape) for name, v in like.items()})


def _sgd_cases(rng=None):
    specs = [((5, 3, 4), 1, 2, 1.0, 0.1), ((4, 2, 3), 3, 4, 0.3, 0.5)] if rng is None else \
        [(tuple(int(v) for v in rng.integers(2, 7, 3)), int(rng.integers(0, 999)), int(rng.integers(0, 999)),
          1.0, float(rng.uniform(0.05, 1.0)))]
    cases = []
    for sizes, seed, grad_seed, scale, lr in specs:
        params = init_params(*sizes, seed=seed)
        grads = random_grads(grad_seed, scale, params)
        cases.append(Case(f"vocab {sizes[0]}, d_model {sizes[1]}, n_hidden {sizes[2]}, lr {lr:g}",
                          (params, grads, lr), sgd_step(params, grads, lr).as_dict(), quantities={"lr": lr}))
    return cases


def _step(c, sign=-1.0, lr=None):
    params, grads, rate = c.args
    rate = rate if lr is None else lr
    return {name: getattr(params, name) + sign * rate * getattr(grads, name) for name in PARAM_NAMES}


SGD_STEP = Exercise(
    title="SGD step θ ← θ - lr·dL/dθ",
    idea="Gradient descent moves every parameter a small step against its gradient: θ - lr · dL/dθ, "
         "for all six of E, U, W, b, V, c.",
    change="for every name in E U W b V c: new = param - lr * grad; return a new bh.Params",
    cases=_sgd_cases, arg_names=("params", "grads", "lr"), answers=(sgd_step,),
    outputs=PARAM_NAMES, point_per_output=False, rtol=1e-10,
    mistakes=(
        Mistake("ascent", lambda c: _step(c, +1.0),
                "every parameter moved WITH its gradient, uphill.",
                "subtract: θ - lr · dL/dθ (the gradient points to where the loss grows)."),
        Mistake("no lr", lambda c: _step(c, lr=1.0),
                "every parameter moved by its whole gradient.",
                "multiply the gradient by lr before subtracting."),
    ))
check_sgd_step = make_checker("check_sgd_step", SGD_STEP)
