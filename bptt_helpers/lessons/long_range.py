"""Why gradients vanish or explode over many steps: eq 4.3 unrolled.

Eq 4.3 passes (DL)_(h^(t+1)) back one step by multiplying with the factor

    (Dh^(t+1))_(h^(t)) = diag[1 - (h^(t+1))^2] W          (eq 3.7)

so a loss that only looks at the last step reaches h^(t) through the product
of τ - t such factors. Everything here is a pure function built on the package's
forward pass and :func:`bptt_helpers.grads_fast.dhidden`; nothing re-implements
the equations. One sequence only: inputs (T,), h0 (n_hidden,) or None.
"""

from __future__ import annotations

import numpy as np

from .. import grads_fast, margins
from ..forward_pass import ForwardCache, _run, forward
from ..gradcheck import central_difference
from ..params import PARAM_NAMES, Params, init_params
from ..validate import check_inputs
from .jacobians import hidden_step_jacobian as jacobian_factor  # eq 3.7, one step back


def jacobian_product(cache: ForwardCache, W: np.ndarray, t: int, s: int | None = None) -> np.ndarray:
    """(Dh^(s))_(h^(t)) = F(s) F(s-1) ... F(t+1), with F(r) = diag[1 - (h^(r))^2] W.

    cache: a single-sequence :class:`ForwardCache`; 0 <= t <= s <= τ (s defaults to τ).
    Returns (n_hidden, n_hidden); the identity when t == s. A row vector
    (DL)_(h^(s)) times this matrix is the part of (DL)_(h^(t)) that flows from h^(s).
    """
    tau = _single(cache)
    s = tau if s is None else s
    for name, value in (("t", t), ("s", s)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer step, got {value!r}")
    if not 0 <= t <= s <= tau:
        raise ValueError(f"need 0 <= t <= s <= tau={tau}, got t={t}, s={s}")
    product = np.eye(W.shape[0], dtype=cache.h.dtype)
    for r in range(s, t, -1):  # multiply F(s) F(s-1) ... F(t+1) from the left
        product = product @ jacobian_factor(cache.h[r], W)
    return product


def last_step_dlogits(cache: ForwardCache) -> np.ndarray:
    """(DL)_(o^(t)) for the loss L = L^(τ) of the last step alone (eq 4.1 without the 1/τ).

    Shape like ``cache.o``; all rows but the last are zero, the last is ŷ^(τ) - onehot(y^(τ)).
    """
    _single(cache)
    do = np.zeros_like(cache.o)
    do[-1] = cache.y_hat[-1]
    do[-1, cache.targets[-1]] -= 1.0
    return do


def last_step_dhidden(params: Params, inputs, targets, h0=None) -> tuple[ForwardCache, np.ndarray]:
    """Forward pass, then (DL)_(h^(t)) for t = 1..τ with L = L^(τ), by the package's eq 4.2-4.3.

    inputs, targets: int (T,). Returns ``(cache, dh)`` with dh of shape (T, n_hidden);
    ``dh[t - 1]`` is (DL)_(h^(t)).
    """
    cache = forward(params, inputs, targets, h0)
    _single(cache)
    return cache, grads_fast.dhidden(params, cache, last_step_dlogits(cache))


def numerical_last_step_grad(params: Params, inputs, targets, h0, wrt: str,
                             eps: float = 1e-6) -> np.ndarray:
    """d L^(τ) / d(wrt) by central differences in float64, for the last-step loss alone.

    wrt: a parameter name (``E U W b V c``, shape of that parameter) or ``"h"`` (the
    hidden states h^(1..τ), shape (T, n_hidden), each nudge flowing on through the
    rest of the forward pass, as in :func:`bptt_helpers.numerical_grad`).
    """
    if wrt not in PARAM_NAMES + ("h",):
        raise ValueError(f"wrt must be one of {PARAM_NAMES + ('h',)}, got {wrt!r}")
    params = params.astype(np.float64)
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    if inputs.ndim != 1:
        raise ValueError(f"inputs must be one sequence of shape (T,), got shape {inputs.shape}")
    if wrt == "h":
        shape = (inputs.shape[0], params.n_hidden)

        def last_loss(delta):
            return _run(params, inputs, targets, h0, h_delta=delta).losses[-1]
    else:
        shape = getattr(params, wrt).shape

        def last_loss(delta):
            nudged = params.copy()
            getattr(nudged, wrt)[...] += delta
            return _run(nudged, inputs, targets, h0).losses[-1]
    return central_difference(last_loss, shape, eps)


def dhidden_by_products(cache: ForwardCache, W: np.ndarray, dh_last: np.ndarray) -> np.ndarray:
    """Rows (DL)_(h^(τ)) (Dh^(τ))_(h^(t)) for t = 1..τ: eq 4.3 unrolled for a last-step loss.

    dh_last: (n_hidden,) -> (T, n_hidden). Equals :func:`last_step_dhidden`'s dh.
    """
    tau = _single(cache)
    return np.stack([dh_last @ jacobian_product(cache, W, t) for t in range(1, tau + 1)])


def grad_norms(dh: np.ndarray) -> np.ndarray:
    """‖(DL)_(h^(t))‖ for every row t of dh: (T, n_hidden) -> (T,)."""
    return np.linalg.norm(np.asarray(dh), axis=-1)


def input_grad(params: Params, cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """(DL)_(x^(t)) = [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U for every t (the row eq 4.9 scatters into E).

    dh: like ``cache.a`` -> (..., T, d_model).
    """
    return (dh * cache.dtanh) @ params.U


def input_grad_norms(params: Params, inputs, targets, h0=None) -> np.ndarray:
    """‖(DL^(τ))_(x^(t))‖ for t = 1..τ, for the last-step loss: how much each input step is heard.

    inputs, targets: int (T,) -> (T,). Entry 0 is the first token's, entry τ-1 the last one's.
    """
    cache, dh = last_step_dhidden(params, inputs, targets, h0)
    return grad_norms(input_grad(params, cache, dh))


def spectral_radius(W: np.ndarray) -> float:
    """ρ(W) = max |eigenvalue of W|."""
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scale_to_radius(W: np.ndarray, radius: float) -> np.ndarray:
    """W rescaled by one factor so that its spectral radius is ``radius`` (same eigenvectors)."""
    if isinstance(radius, bool) or not isinstance(radius, (int, float, np.floating, np.integer)):
        raise TypeError(f"radius must be a number, got {type(radius).__name__}")
    if not radius >= 0 or not np.isfinite(radius):
        raise ValueError(f"radius must be a finite number >= 0, got {radius}")
    rho = spectral_radius(W)
    if rho == 0:
        raise ValueError("W has spectral radius 0 (nilpotent or zero): it cannot be rescaled")
    return np.asarray(W) * (radius / rho)


# |λ| this close to 1 is on the unit circle: scale_to_radius(W, 1) puts the largest there, up to rounding
ON_CIRCLE = 1e-12


def unit_circle_counts(eigenvalues) -> dict[str, int]:
    """How many eigenvalues lie inside, on and outside the unit circle: ``{"inside", "on", "outside"}``.

    "On" means | |λ| - 1 | < :data:`ON_CIRCLE`: rounding level, where
    ``scale_to_radius(W, 1.0)`` puts the largest |λ| (0.99999999999999623 on one machine, maybe
    1.0000000000000002 on another: a bare ``|λ| > 1`` would count it by rounding). Every other
    |λ| must be clear of 1 by :data:`bptt_helpers.margins.MARGIN`, else ``FragileComparison``.
    """
    moduli = np.abs(np.asarray(eigenvalues)).ravel()
    on = margins.below(np.abs(moduli - 1.0), ON_CIRCLE)
    rest = moduli[~on]
    outside = margins.count_above(rest, 1.0)
    return {"inside": int(rest.size - outside), "on": int(np.sum(on)), "outside": outside}


def unit_circle_text(eigenvalues) -> str:
    """``'20 of 32 eigenvalues outside the unit circle'``, with ``', 1 on it'`` when one sits on it."""
    counts = unit_circle_counts(eigenvalues)
    total = sum(counts.values())
    text = f"{counts['outside']} of {total} eigenvalues outside the unit circle"
    return text + (f", {counts['on']} on it" if counts["on"] else "")


def random_model(radius: float, vocab_size: int = 8, d_model: int = 8, n_hidden: int = 32,
                 seed: int = 0, input_scale: float = 1.0) -> Params:
    """:func:`init_params` with W replaced by a Gaussian matrix of spectral radius ``radius``.

    The Gaussian W (entries N(0, 1/n_hidden)) has eigenvalues spread over a disc, so its
    scale is set by one number. Same seed -> same W up to the scale. ``input_scale``
    multiplies E and b: small inputs keep tanh in its linear range (1 - h^2 near 1).
    """
    if not input_scale >= 0:
        raise ValueError(f"input_scale must be >= 0, got {input_scale}")
    params = init_params(vocab_size, d_model, n_hidden, seed=seed)
    params.E = params.E * input_scale
    params.b = params.b * input_scale
    rng = np.random.default_rng(seed + 1000)
    W = rng.standard_normal((n_hidden, n_hidden)) / np.sqrt(n_hidden)
    params.W = scale_to_radius(W, radius)
    return params


def norm_profile(radius: float, tau: int, seed: int = 0, n_hidden: int = 32,
                 input_scale: float = 1.0) -> np.ndarray:
    """‖(DL)_(h^(t))‖, t = 1..τ, for the last-step loss of a random sequence and a random W.

    The model is :func:`random_model` (vocab 8, d_model 8) with h^(0) = 0 and
    uniformly random tokens, both from ``seed``. Returns (τ,).
    """
    if isinstance(tau, bool) or not isinstance(tau, (int, np.integer)) or tau < 1:
        raise ValueError(f"tau must be a positive integer, got {tau!r}")
    params = random_model(radius, n_hidden=n_hidden, seed=seed, input_scale=input_scale)
    rng = np.random.default_rng(seed + 2000)
    tokens = rng.integers(0, params.vocab_size, size=tau + 1)
    _, dh = last_step_dhidden(params, tokens[:-1], tokens[1:])
    return grad_norms(dh)


def log10_ratio(radius: float, tau: int = 50, seeds=(0, 1, 2, 3, 4), n_hidden: int = 32,
                input_scale: float = 1.0) -> float:
    """log10 of ‖(DL)_(h^(1))‖ / ‖(DL)_(h^(τ))‖, averaged over ``seeds``.

    Negative: the gradient vanished on its way back to step 1; positive: it exploded.
    """
    logs = []
    for seed in seeds:
        norms = norm_profile(radius, tau, seed=seed, n_hidden=n_hidden, input_scale=input_scale)
        logs.append(np.log10(norms[0]) - np.log10(norms[-1]))
    return float(np.mean(logs))


def critical_radius(tau: int = 50, low: float = 0.5, high: float = 3.0, seeds=(0, 1, 2, 3, 4),
                    n_hidden: int = 32, input_scale: float = 1.0, tol: float = 1e-3) -> float:
    """The spectral radius where :func:`log10_ratio` crosses 0 (vanishing -> exploding), by bisection.

    Needs the ratio to be negative at ``low`` and positive at ``high``. Each step's side is
    decided with a margin (:func:`bptt_helpers.margins.below`, ``MARGIN`` in log10 units): a
    midpoint whose ratio rounding could put on either side raises instead of moving the result.
    """
    def f(radius):
        return log10_ratio(radius, tau, seeds, n_hidden, input_scale)

    f_low, f_high = f(low), f(high)
    if not (f_low < 0 < f_high):
        raise ValueError(f"the log ratio must change sign between low={low} ({f_low:.2f}) "
                         f"and high={high} ({f_high:.2f})")
    while high - low > tol:
        mid = 0.5 * (low + high)
        if margins.below(f(mid), 0.0, atol=margins.MARGIN):
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def _single(cache: ForwardCache) -> int:
    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache must be a ForwardCache, got {type(cache).__name__}")
    if cache.batched:
        raise ValueError("this function takes one sequence (inputs of shape (T,)), got a batch")
    return cache.T
