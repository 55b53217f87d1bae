"""Training the RNN and the LSTM with the same loop: plain SGD on the hand-derived gradients.

:data:`RNN` and :data:`LSTM` name a model by its forward and backward functions (the package's
:func:`bptt_helpers.forward`/:func:`bptt_helpers.backward` and :func:`lstm_forward`/
:func:`lstm_backward`); :func:`fit` runs full-batch SGD on one fixed batch, :func:`fit_text`
SGD on random windows of a text. Both start from zero states and clip the global gradient
norm if asked. Nothing here uses autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..backward_pass import backward
from ..data import random_batch
from ..forward_pass import forward
from ..params import Params
from ..train import NORM_MARGIN
from .backward import lstm_backward
from .forward import lstm_forward
from .params import LSTMParams


@dataclass(frozen=True)
class Model:
    """A model by name, with its forward (params, inputs, targets -> cache, zero initial state),
    its backward (params, cache -> gradients) and its parameter class."""

    name: str
    forward: Callable
    backward: Callable
    params_type: type


RNN = Model("tanh RNN", lambda p, x, y: forward(p, x, y, None), backward, Params)
LSTM = Model("LSTM", lambda p, x, y: lstm_forward(p, x, y), lstm_backward, LSTMParams)


def model_of(params) -> Model:
    """:data:`RNN` for a :class:`bptt_helpers.Params`, :data:`LSTM` for an :class:`LSTMParams`."""
    for model in (RNN, LSTM):
        if isinstance(params, model.params_type):
            return model
    raise TypeError(f"params must be a bptt_helpers.Params or an LSTMParams, got {type(params).__name__}")


def global_norm(grads) -> float:
    """The L2 norm of all gradients together (as :func:`bptt_helpers.grad_norm`, for either model)."""
    return float(np.sqrt(sum(float(np.sum(g * g)) for _, g in grads.items())))


def sgd(params, grads, lr: float, clip: float | None = None):
    """θ <- θ - lr · g, with g first scaled to global norm ``clip`` if it is longer (one factor).

    Returns ``(new params, norm of g before clipping)``.
    """
    if not (lr > 0 and np.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    norm = global_norm(grads)
    scale = lr
    if clip is not None:
        if not clip > 0:
            raise ValueError(f"clip must be positive, got {clip}")
        if norm > clip:
            scale = lr * clip / (norm + NORM_MARGIN)
    return type(params)(**{name: value - scale * getattr(grads, name)
                           for name, value in params.items()}), norm


@dataclass
class FitResult:
    params: object
    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)


def fit(params, inputs, targets, steps: int, lr: float, clip: float | None = None) -> FitResult:
    """Full-batch SGD on one fixed batch: ``steps`` steps of forward, backward, :func:`sgd`.

    params: a :class:`bptt_helpers.Params` (the RNN) or an :class:`LSTMParams`; inputs,
    targets: int (B, T). Records the loss before each step and the norm before clipping.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    model = model_of(params)
    result = FitResult(params=params)
    for _ in range(steps):
        cache = model.forward(result.params, inputs, targets)
        result.params, norm = sgd(result.params, model.backward(result.params, cache), lr, clip)
        result.losses.append(cache.loss)
        result.grad_norms.append(norm)
    return result


def fit_text(params, ids, window: int, batch_size: int, steps: int, lr: float,
             clip: float | None = None, seed: int = 0) -> FitResult:
    """SGD on random windows of the token ids ``ids`` (reproducible from ``seed``), zero states."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    model = model_of(params)
    rng = np.random.default_rng(seed)
    result = FitResult(params=params)
    for _ in range(steps):
        inputs, targets = random_batch(ids, window, batch_size, rng)
        cache = model.forward(result.params, inputs, targets)
        result.params, norm = sgd(result.params, model.backward(result.params, cache), lr, clip)
        result.losses.append(cache.loss)
        result.grad_norms.append(norm)
    return result
