"""Training with the hand-derived gradients (plain SGD), and sampling text.

Nothing here uses autograd: the gradients come from :func:`bptt_helpers.backward`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backward_pass import backward
from .data import random_batch, windows
from .forward_pass import embed, forward, hidden_state, logits, preactivation, softmax
from .params import Params
from .validate import check_h0, check_params


def grad_norm(grads: Params) -> float:
    """The global L2 norm of all six gradients taken together."""
    if not isinstance(grads, Params):
        raise TypeError(f"grads must be a bptt_helpers.Params, got {type(grads).__name__}")
    return float(np.sqrt(sum(float(np.sum(g * g)) for _, g in grads.items())))


# Added to the norm before dividing, so that rounding can never leave the clipped norm above max_norm.
NORM_MARGIN = 1e-12


def clip_grad_norm(grads: Params, max_norm: float) -> tuple[Params, float]:
    """Scale all gradients by one factor so that their global norm is at most ``max_norm``.

    Returns ``(clipped, norm_before)``. The direction of the update is kept.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norm = grad_norm(grads)
    if norm <= max_norm:
        return grads, norm
    scale = max_norm / (norm + NORM_MARGIN)  # the margin keeps the result at or below max_norm
    return Params(**{name: g * scale for name, g in grads.items()}), norm


def clip_grad_value(grads: Params, max_value: float) -> Params:
    """Clip every gradient entry to [-max_value, max_value] (changes the direction)."""
    if not max_value > 0:
        raise ValueError(f"max_value must be positive, got {max_value}")
    return Params(**{name: np.clip(g, -max_value, max_value) for name, g in grads.items()})


def sgd_step(params: Params, grads: Params, lr: float) -> Params:
    """θ <- θ - lr · dL/dθ for all six parameters; returns new :class:`Params`."""
    if not (lr > 0 and np.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    if not isinstance(grads, Params):
        raise TypeError(f"grads must be a bptt_helpers.Params, got {type(grads).__name__}")
    for name, value in params.items():
        if np.shape(getattr(grads, name)) != value.shape:
            raise ValueError(f"grads.{name} must have the shape of params.{name}, {value.shape}; "
                             f"got {np.shape(getattr(grads, name))}")
    return Params(**{name: value - lr * getattr(grads, name) for name, value in params.items()})


@dataclass
class TrainResult:
    params: Params
    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)


def train(params: Params, ids, window: int, steps: int, lr: float, batch_size: int = 1,
          h0=None, clip: float | None = None, seed: int = 0, callback=None) -> TrainResult:
    """SGD on random windows of ``ids`` with :func:`backward`'s gradients.

    Each step draws ``batch_size`` windows of length ``window`` (reproducibly from
    ``seed``), runs forward and backward from ``h0`` (zeros if None), optionally
    clips the global gradient norm to ``clip``, and steps. ``callback(step, loss)``
    is called after every step (e.g. to update a live plot).
    """
    check_params(params)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    rng = np.random.default_rng(seed)
    result = TrainResult(params=params)
    for step in range(steps):
        inputs, targets = random_batch(ids, window, batch_size, rng)
        if batch_size == 1:
            inputs, targets = inputs[0], targets[0]
        cache = forward(result.params, inputs, targets, h0)
        grads = backward(result.params, cache)
        norm = grad_norm(grads)
        if clip is not None:
            grads, norm = clip_grad_norm(grads, clip)
        result.params = sgd_step(result.params, grads, lr)
        result.losses.append(cache.loss)
        result.grad_norms.append(norm)
        if callback is not None:
            callback(step, cache.loss)
    return result


def evaluate(params: Params, ids, window: int, h0=None) -> float:
    """Mean loss over every window of ``ids`` (all windows in one batch), each from ``h0``."""
    inputs, targets = windows(ids, window)
    if h0 is not None and np.ndim(h0) == 1:
        h0 = np.broadcast_to(h0, (len(inputs), params.n_hidden))
    return forward(params, inputs, targets, h0).loss


def sample(params: Params, vocab, n_chars: int, prompt: str = "", h0=None,
           temperature: float = 1.0, seed: int = 0) -> str:
    """Generate ``n_chars`` characters after ``prompt``, one step of eqs 1.3-1.7 at a time.

    temperature: divides the logits before the softmax (< 1 sharper, > 1 flatter).
    """
    check_params(params)
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    if isinstance(n_chars, bool) or not isinstance(n_chars, (int, np.integer)) or n_chars < 0:
        raise ValueError(f"n_chars must be a non-negative integer, got {n_chars!r}")
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    if vocab.size != params.vocab_size:
        raise ValueError(f"vocab has {vocab.size} characters but params were made for "
                         f"vocab_size={params.vocab_size}")
    rng = np.random.default_rng(seed)
    h = check_h0(h0, (), params.n_hidden, params.E.dtype)
    p = params
    token = None
    for token in vocab.encode(prompt) if prompt else []:
        h = hidden_state(preactivation(h, embed(p.E, token), p.W, p.U, p.b))
    if token is None:  # no prompt: start from a random character
        token = int(rng.integers(vocab.size))
        prompt = vocab.decode([token])
        h = hidden_state(preactivation(h, embed(p.E, token), p.W, p.U, p.b))
    out = []
    for _ in range(n_chars):
        probs = softmax(logits(h, p.V, p.c) / temperature)
        token = int(rng.choice(vocab.size, p=probs / probs.sum()))
        out.append(token)
        h = hidden_state(preactivation(h, embed(p.E, token), p.W, p.U, p.b))
    return prompt + vocab.decode(np.array(out, dtype=np.int64))
