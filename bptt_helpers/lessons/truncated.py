"""Truncated BPTT: backpropagate through chunks of k steps instead of the whole sequence.

The sequence of τ steps is cut into chunks [0, k), [k, 2k), ... (the last may be
shorter). Each chunk is one ordinary :func:`bptt_helpers.forward` +
:func:`bptt_helpers.backward` call, so the equations are the package's own. Two
ways to start a chunk:

- ``carry=True``: its h^(0) is the last hidden state of the previous chunk. The
  forward pass is exactly the full one, but the value is a constant to the chunk
  (it is *detached*): no gradient flows back across the chunk boundary.
- ``carry=False``: every chunk restarts from the sequence's h^(0); the model then
  cannot even see what happened before the chunk.

The loss is the mean over all τ positions (eq 1.2) in both cases, so each chunk's
gradient (a mean over its own positions) is weighted by (chunk length) / τ. With
k = τ there is one chunk and the result is full BPTT.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import grads_fast
from ..backward_pass import backward
from ..forward_pass import ForwardCache, forward
from ..gradcheck import numerical_grad
from ..params import PARAM_NAMES, Params
from ..train import clip_grad_norm, clip_grad_value, sgd_step
from ..validate import check_inputs
from .long_range import input_grad


def chunk_bounds(tau: int, k: int) -> list[tuple[int, int]]:
    """The chunks as (start, stop) 0-based slices of the time axis: [(0, k), (k, 2k), ...]."""
    for name, value in (("tau", tau), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be a positive integer, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    return [(start, min(start + k, tau)) for start in range(0, tau, k)]


@dataclass
class TruncatedResult:
    """What :func:`truncated_grads` returns.

    - ``grads``: :class:`Params`, the truncated gradient of the mean loss over all τ positions
    - ``loss``: that mean loss (equal to the full forward pass's loss when ``carry=True``)
    - ``h_starts``: the h^(0) each chunk started from (held fixed: detached)
    - ``caches``: one :class:`ForwardCache` per chunk
    - ``params``: the parameters the chunks ran with
    - ``dh``, ``dx``: (..., τ, n_hidden) and (..., τ, d_model), each chunk's (DL)_(h^(t)) and
      (DL)_(x^(t)) rows, stitched together (``dx[..., 0, :]`` is the first token's); computed
      on first use from the caches, so that training, which needs only ``grads``, never pays for them
    """

    grads: Params
    loss: float
    h_starts: list[np.ndarray]
    caches: list[ForwardCache]
    params: Params

    @property
    def h_final(self) -> np.ndarray:
        """The hidden state after the last step, h^(τ)."""
        return self.caches[-1].h[..., -1, :]

    @cached_property
    def _chunk_dh(self) -> list[np.ndarray]:
        """Each chunk's (DL)_(h^(t)) rows, weighted by (chunk length) / τ like its gradient."""
        tau = sum(cache.T for cache in self.caches)
        return [cache.T / tau * grads_fast.dhidden(self.params, cache, grads_fast.dlogits(cache))
                for cache in self.caches]

    @cached_property
    def dh(self) -> np.ndarray:
        return np.concatenate(self._chunk_dh, axis=-2)

    @cached_property
    def dx(self) -> np.ndarray:
        return np.concatenate([input_grad(self.params, cache, chunk_dh)
                               for cache, chunk_dh in zip(self.caches, self._chunk_dh, strict=True)], axis=-2)


def truncated_grads(params: Params, inputs, targets, h0, k: int, carry: bool = True) -> TruncatedResult:
    """Truncated BPTT over chunks of ``k`` steps (see the module docstring).

    inputs, targets: int (T,) or (B, T); h0: (n_hidden,), (B, n_hidden) or None (zeros).
    """
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    if not isinstance(carry, bool):
        raise TypeError(f"carry must be True or False, got {carry!r}")
    tau = inputs.shape[-1]
    grads = Params(**{name: np.zeros_like(value) for name, value in params.items()})
    h_start, loss, h_starts, caches = h0, 0.0, [], []
    for start, stop in chunk_bounds(tau, k):
        weight = (stop - start) / tau  # chunk mean -> share of the mean over all τ positions
        cache = forward(params, inputs[..., start:stop], targets[..., start:stop], h_start)
        chunk_grads = backward(params, cache)
        for name in PARAM_NAMES:
            getattr(grads, name)[...] += weight * getattr(chunk_grads, name)
        loss += weight * cache.loss
        h_starts.append(h_start)
        caches.append(cache)
        h_start = cache.h[..., -1, :].copy() if carry else h0  # a copy: a constant, detached
    return TruncatedResult(grads=grads, loss=loss, h_starts=h_starts, caches=caches, params=params)


def full_grads(params: Params, inputs, targets, h0) -> tuple[ForwardCache, Params, np.ndarray]:
    """Full BPTT for comparison: ``(cache, grads, dh)`` from the package's forward and backward."""
    cache = forward(params, inputs, targets, h0)
    dh = grads_fast.dhidden(params, cache, grads_fast.dlogits(cache))
    return cache, backward(params, cache), dh


def numerical_truncated_grad(params: Params, inputs, targets, h0, k: int, wrt: str,
                             carry: bool = True, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the chunked loss with h held fixed at every chunk start.

    Σ over chunks of (chunk length / τ) · :func:`bptt_helpers.numerical_grad` of that chunk,
    started from the h^(0) the unperturbed run gave it. This is what truncated BPTT
    differentiates exactly, so it must equal :func:`truncated_grads` (float64).
    """
    params = params.astype(np.float64)
    result = truncated_grads(params, inputs, targets, h0, k, carry)
    inputs, targets, _ = check_inputs(params, inputs, targets, h0)
    tau = inputs.shape[-1]
    total = np.zeros_like(getattr(params, wrt))
    for (start, stop), h_start in zip(chunk_bounds(tau, k), result.h_starts, strict=True):
        total += (stop - start) / tau * numerical_grad(
            params, inputs[..., start:stop], targets[..., start:stop], h_start, wrt, eps)
    return total


def relative_error(approx, exact) -> float:
    """‖approx − exact‖ / ‖exact‖ (Frobenius norms); 0 when both are zero."""
    approx, exact = np.asarray(approx, dtype=np.float64), np.asarray(exact, dtype=np.float64)
    if approx.shape != exact.shape:
        raise ValueError(f"shapes differ: approx {approx.shape}, exact {exact.shape}")
    denom = np.linalg.norm(exact)
    diff = np.linalg.norm(approx - exact)
    return float(diff / denom) if denom > 0 else float(diff)


@dataclass
class TaskTrainResult:
    params: Params
    losses: list[float]
    grad_norms: list[float]
    monitored: list


def train_chunked(params: Params, inputs, targets, h0, k: int | None, steps: int, lr: float,
                  carry: bool = True, clip_norm: float | None = None,
                  clip_value: float | None = None, monitor=None) -> TaskTrainResult:
    """Full-batch SGD on one fixed batch with truncated BPTT (``k=None``: full BPTT).

    Each step: gradients by :func:`truncated_grads` (chunks of ``k``), optionally clipped
    (``clip_norm`` by global norm, ``clip_value`` entry-wise, not both), then
    :func:`bptt_helpers.sgd_step`. Records the mean loss before each step, the global
    gradient norm before clipping, and ``monitor(params)`` (optional) after each step.
    Stops early (keeping what it has) if a step would make the parameters non-finite.
    """
    if clip_norm is not None and clip_value is not None:
        raise ValueError("give clip_norm or clip_value, not both")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    k = inputs.shape[-1] if k is None else k
    losses, norms, monitored = [], [], []
    for _ in range(steps):
        result = truncated_grads(params, inputs, targets, h0, k, carry)
        grads = result.grads
        norm = float(np.sqrt(sum(float(np.sum(g * g)) for _, g in grads.items())))
        if clip_norm is not None:
            grads, _ = clip_grad_norm(grads, clip_norm)
        elif clip_value is not None:
            grads = clip_grad_value(grads, clip_value)
        new = sgd_step(params, grads, lr)
        if not all(np.isfinite(v).all() for _, v in new.items()):
            break
        params = new
        losses.append(result.loss)
        norms.append(norm)
        if monitor is not None:
            monitored.append(monitor(params))
    return TaskTrainResult(params=params, losses=losses, grad_norms=norms, monitored=monitored)
