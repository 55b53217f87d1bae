"""The exercises of notebooks 09 and 10, as data for the policy: the product of Jacobian factors
over several steps (eq 4.3 unrolled), and clipping by the global norm."""

from __future__ import annotations

import numpy as np

from ..forward_pass import forward
from ..lessons.long_range import jacobian_factor, jacobian_product, random_model
from ..params import PARAM_NAMES, Params, init_params
from ..train import clip_grad_norm, grad_norm
from . import Case, Exercise, Mistake, make_checker

# ---- notebook 09: F(s) F(s-1) ... F(t+1) --------------------------------------------------------


def _product_cases(rng=None):
    specs = [(0, 1.2, 8, 2, 7), (1, 0.9, 6, 4, 5), (2, 1.5, 5, 0, 5), (3, 1.0, 4, 3, 3)] if rng is None else \
        [(int(rng.integers(0, 999)), float(rng.uniform(0.8, 1.6)), int(n), int(t), int(t + k))
         for n, t, k in zip(rng.integers(3, 9, 2), rng.integers(0, 3, 2), rng.integers(1, 5, 2), strict=True)]
    cases = []
    for seed, radius, n, t, s in specs:
        params = random_model(radius, vocab_size=5, d_model=3, n_hidden=n, seed=seed)
        tokens = np.random.default_rng(seed + 50).integers(0, 5, size=s + 1)
        cache = forward(params, tokens[:s], tokens[1:], None)
        k = s - t
        label = f"{k} step{'s' if k != 1 else ''} back, from h({s}) to h({t}) (n_hidden {n})"
        cases.append(Case(label, (cache.h[t + 1:s + 1].copy(), params.W.copy()),
                          jacobian_product(cache, params.W, t, s),
                          note="no steps back (t = s) is the identity: start from np.eye(n)"
                          if k == 0 else ""))
    return cases


def _ordered(hs, W, factor, reverse=False):
    product = np.eye(W.shape[0])
    rows = list(hs) if reverse else list(hs)[::-1]
    for h in rows:
        product = product @ factor(h, W)
    return product


JACOBIAN_PRODUCT = Exercise(
    title="F(s) F(s-1) ... F(t+1), eq 4.3 over s - t steps",
    idea="Unrolled, eq (4.3) carries (DL)_h(s) back to h(t) through s - t factors "
         "F(r) = diag[1 - (h(r))²] W (eq 3.7), one per step; the latest step's factor is met first.",
    change="start from the identity and multiply on the right by F(s), then F(s-1), ..., F(t+1): "
           "h_states[-1] is h(s), h_states[0] is h(t+1); each F scales the ROWS of W by 1 - h²",
    cases=_product_cases, arg_names=("h_states", "W"), answers=(jacobian_product,),
    mistakes=(
        Mistake("order", lambda c: _ordered(*c.args, jacobian_factor, reverse=True),
                "the factors are right but multiplied in the opposite order (they do not commute).",
                "(DL)_h(t) = (DL)_h(s) F(s) ... F(t+1): F(s), the factor of h(s) = h_states[-1], "
                "stands leftmost."),
        Mistake("columns", lambda c: _ordered(*c.args, lambda h, W: W * (1 - h**2)),
                "each factor scales the wrong side of W.",
                "diag[1 - h²] W scales the ROWS: (1 - h**2)[:, None] * W; `W * (1 - h**2)` scales the "
                "columns (that is W diag[1 - h²])."),
        Mistake("W only", lambda c: np.linalg.matrix_power(c.args[1], len(c.args[0])),
                "that is W^(s-t): the tanh derivatives are missing.",
                "each step back passes through a tanh: F(r) = diag[1 - (h(r))²] W."),
    ))
check_jacobian_product = make_checker("check_jacobian_product", JACOBIAN_PRODUCT)


# ---- notebook 10: clipping by the global norm ----------------------------------------------------

def _clip_cases(rng=None):
    specs = ((0, 1.0), (1, 0.3), (2, 50.0)) if rng is None else \
        ((int(rng.integers(0, 999)), float(rng.uniform(0.1, 2.0))), (int(rng.integers(0, 999)), 1e6))
    cases = []
    for seed, max_norm in specs:
        grads = init_params(5, 3, 4, seed=seed)
        grads.W = grads.W * 20  # one tensor much larger: per-tensor clipping gives another answer
        clipped, norm = clip_grad_norm(grads, max_norm)
        below = " (below: unchanged)" if norm <= max_norm else ""
        label = f"global norm {norm:.3g}, max_norm {max_norm:g}{below}"
        cases.append(Case(label, (grads, max_norm), clipped.as_dict()))
    return cases


def _per_tensor(c) -> dict:
    grads, max_norm = c.args
    return {name: g * min(1.0, max_norm / np.linalg.norm(g)) for name, g in grads.items()}


CLIP_GRAD_NORM = Exercise(
    title="clip by global norm",
    idea="Clipping by norm treats the six gradients as ONE long vector: if its length exceeds "
         "max_norm, shrink it to max_norm without turning it; otherwise leave it alone.",
    change="global norm = sqrt(sum of g**2 over ALL six tensors); if it exceeds max_norm, multiply "
           "every tensor by max_norm / norm, otherwise return them unchanged (as a new Params)",
    cases=_clip_cases, arg_names=("grads", "max_norm"), answers=(clip_grad_norm, grad_norm),
    outputs=PARAM_NAMES, point_per_output=False, rtol=1e-9,
    mistakes=(
        Mistake("per tensor", _per_tensor,
                "each tensor was clipped to its own norm.",
                "the global norm treats the six gradients as one vector: one norm, one scale factor "
                "for all."),
        Mistake("always scaled", lambda c: {n: g * (c.args[1] / np.sqrt(sum(float(np.sum(x * x)) for _, x in
                                                                          c.args[0].items())))
                                           for n, g in c.args[0].items()},
                "the gradients were rescaled to length max_norm even where they were shorter.",
                "scale only when the norm exceeds max_norm (factor min(1, max_norm / norm))."),
    ))
check_clip_grad_norm = make_checker("check_clip_grad_norm", CLIP_GRAD_NORM)

__all__ = ["check_clip_grad_norm", "check_jacobian_product", "Params"]
