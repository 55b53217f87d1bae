"""One term per timestep: the sums of eqs 4.4-4.8 taken apart.

A shared parameter (c, b, V, W, U) is used once per timestep, so its gradient
is a sum over those uses (§3.3, eq 3.9). This module returns the individual
terms of that sum, one per step, and an "untied" forward pass in which every
step really has its own copy of the parameter (the paper's dummy variables
c^(t), b^(t), V^(t), W^(t), U^(t)), so that a finite difference with respect to
one copy measures one term.

Indexing follows the rest of the package: row k - 1 of a ``(T, ...)`` array
belongs to step k = 1..τ. For W the paper counts its copies from t = 0
(W^(t) carries h^(t) into h^(t+1), eq 3.16), so row k - 1 of W's terms is the
paper's term t = k - 1, the one that uses h^(k-1) (row 0 uses h^(0)).
"""

from __future__ import annotations

import numpy as np

from .. import grads_fast, margins
from ..forward_pass import (
    ForwardCache,
    cross_entropy,
    embed,
    hidden_state,
    logits,
    mean_loss,
    preactivation,
    softmax,
)
from ..gradcheck import central_difference, verdict
from ..params import Params
from ..validate import check_inputs, check_params

SHARED_NAMES = ("c", "b", "V", "W", "U")


def _check_name(name) -> str:
    if name not in SHARED_NAMES:
        raise ValueError(f"name must be one of {SHARED_NAMES}, got {name!r}")
    return name


def _check_cache(params: Params, cache) -> ForwardCache:
    check_params(params)
    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache must be the ForwardCache returned by forward(), "
                        f"got {type(cache).__name__}")
    if cache.x.shape[-1] != params.d_model or cache.h.shape[-1] != params.n_hidden:
        raise ValueError("cache does not match params (different d_model or n_hidden)")
    return cache


def per_step_terms(params: Params, cache: ForwardCache, name: str) -> np.ndarray:
    """The τ terms whose sum is (DL)_name, one row per timestep: shape (T, *shape of name).

    With do = (DL)_(o^(t)) (eq 4.1) and g^(t) = (DL)_(h^(t)) ⊙ (1 - (h^(t))^2) (eqs 4.2-4.3, 3.7):

    - ``"c"``: do^(t)                         (eq 4.4)    -> (T, vocab)
    - ``"b"``: g^(t)                          (eq 4.5)    -> (T, n_hidden)
    - ``"V"``: do^(t) ⊗ h^(t)                 (eq 4.6)    -> (T, vocab, n_hidden)
    - ``"W"``: g^(t) ⊗ h^(t-1), paper's term t-1 (eq 4.7) -> (T, n_hidden, n_hidden)
    - ``"U"``: g^(t) ⊗ x^(t)                  (eq 4.8)    -> (T, n_hidden, d_model)

    For a batch (B, T) the row of step t adds the terms of all B sequences at that step.
    """
    _check_name(name)
    _check_cache(params, cache)
    do = grads_fast.dlogits(cache)                       # (..., T, vocab)
    if name in ("c", "V"):
        if name == "c":
            terms = do
        else:
            terms = do[..., :, None] * cache.h[..., 1:, None, :]   # outer product per step
    else:
        dh = grads_fast.dhidden(params, cache, do)       # (..., T, n_hidden)
        g = dh * cache.dtanh                             # (DL)_(a^(t))
        if name == "b":
            terms = g
        elif name == "W":
            terms = g[..., :, None] * cache.h[..., :-1, None, :]  # uses h^(t-1), from h^(0)
        else:
            terms = g[..., :, None] * cache.x[..., :, None, :]
    return terms.sum(axis=0) if cache.batched else terms


def partial_sums(terms: np.ndarray) -> np.ndarray:
    """Running totals of a (T, ...) stack: row t (t = 0..T) is the sum of the first t terms.

    Returns shape (T + 1, ...); row 0 is zeros, row T is the full sum.
    """
    terms = np.asarray(terms, dtype=np.float64)
    if terms.ndim < 1 or terms.shape[0] < 1:
        raise ValueError(f"terms must have shape (T, ...) with T >= 1, got {terms.shape}")
    out = np.zeros((terms.shape[0] + 1,) + terms.shape[1:])
    np.cumsum(terms, axis=0, out=out[1:])
    return out


def running_sum_lines(distances, tol: float, label: str) -> str:
    """One line per partial sum: how far the sum of the first t terms is from the whole gradient.

    distances: (T + 1,); entry t is the distance (e.g. max |sum so far - backward()|) after t
    terms. The partial sums are *meant* to differ, so they get words ("missing 3 terms") and
    their distance, not a checker's ✗; only the last line, the complete sum, is a check and
    gets the verdict ``< 10⁻¹² ✓``. Raises ``AssertionError`` unless the complete sum is within
    ``tol`` and every partial sum is not (each decided with :mod:`bptt_helpers.margins`).
    """
    distances = np.asarray(distances, dtype=np.float64)
    if distances.ndim != 1 or distances.size < 2:
        raise ValueError(f"distances must have shape (T + 1,) with T >= 1, got {distances.shape}")
    T = distances.size - 1
    if not margins.below(distances[-1], tol):
        raise AssertionError(f"the sum of all {T} terms is {distances[-1]:.1e} from the gradient, "
                             f"not within {tol:g}")
    if margins.count_below(distances[:-1], tol):
        raise AssertionError(f"a partial sum is already within {tol:g} of the gradient: {distances}")
    lines = []
    for t, distance in enumerate(distances):
        missing = T - t
        value, words = ((f"{distance:.1e}", f"missing {missing} term{'' if missing == 1 else 's'}") if missing
                        else (verdict(distance, tol), "all terms in"))
        lines.append(f"after {t} of {T} terms:  {label}: {value:<9}  {words}")
    return "\n".join(lines)


def untied_forward(params: Params, inputs, targets, h0, name: str, copies) -> ForwardCache:
    """The forward pass (eqs 1.3-1.7) with a separate copy of ``name`` at every step.

    copies: shape (T, *shape of name); row t - 1 is the paper's dummy variable used at
    step t (for W: the copy that multiplies h^(t-1) on the way to h^(t)). With every
    row equal to the shared value this is :func:`bptt_helpers.forward` (up to rounding).
    One sequence only: inputs, targets (T,). Returns a :class:`ForwardCache`.
    """
    _check_name(name)
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    if inputs.ndim != 1:
        raise ValueError(f"untied_forward takes one sequence: inputs of shape (T,), got {inputs.shape}")
    T = inputs.shape[0]
    shape = getattr(params, name).shape
    copies = np.asarray(copies, dtype=params.E.dtype)
    if copies.shape != (T,) + shape:
        raise ValueError(f"copies must have shape {(T,) + shape} (one {name} per step), "
                         f"got {copies.shape}")
    p = params
    x = embed(p.E, inputs)
    h = np.empty((T + 1, p.n_hidden), dtype=p.E.dtype)
    h[0] = h0
    a = np.empty((T, p.n_hidden), dtype=p.E.dtype)
    o = np.empty((T, p.vocab_size), dtype=p.E.dtype)
    for t in range(1, T + 1):
        use = {k: (copies[t - 1] if k == name else getattr(p, k)) for k in SHARED_NAMES}
        a[t - 1] = preactivation(h[t - 1], x[t - 1], use["W"], use["U"], use["b"])
        h[t] = hidden_state(a[t - 1])
        o[t - 1] = logits(h[t], use["V"], use["c"])
    losses = cross_entropy(o, targets)
    return ForwardCache(inputs=inputs, targets=targets, x=x, a=a, h=h, o=o,
                        y_hat=softmax(o), losses=losses, loss=mean_loss(losses))


def numerical_step_grad(params: Params, inputs, targets, h0, name: str, step: int,
                        eps: float = 1e-6) -> np.ndarray:
    """dL/d(name^(step)) by central differences in float64: nudge only the copy used at ``step``.

    step: 1..T (for W, the copy that carries h^(step-1) into h^(step)). Returns the
    shape of ``name``; it should equal ``per_step_terms(...)[step - 1]``.
    """
    _check_name(name)
    params = params.astype(np.float64)
    inputs_arr = np.asarray(inputs)
    T = inputs_arr.shape[-1] if inputs_arr.ndim else 0
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= T:
        raise ValueError(f"step must be an integer in 1..{T}, got {step!r}")
    shared = getattr(params, name)

    def loss_at(delta):  # only the copy used at `step` moves
        copies = np.repeat(shared[None], T, axis=0)
        copies[step - 1] += delta
        return untied_forward(params, inputs, targets, h0, name, copies).loss

    return central_difference(loss_at, shared.shape, eps)
