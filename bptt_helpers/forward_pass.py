"""The forward pass of §1 of the paper, one function per equation (1.1-1.7).

Row-vector convention: every vector is a row, so a linear layer is ``h W^T``.
Arrays keep the caller's layout: a single sequence has time on axis 0
(``(T, ...)``), a batch has shape ``(B, T, ...)``. Time is always axis -2.

Indexing: ``cache.h`` holds h(0), ..., h(T) (T + 1 rows), so ``h[..., t, :]``
is the paper's h^(t). All other per-step arrays hold t = 1..T, so the paper's
x^(t) is ``x[..., t - 1, :]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .params import Params
from .validate import check_inputs


def embed(E: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Eq. (1.3): x^(t) = E[input^(t)], a row look-up.

    E: (vocab, d_model); tokens: int (...,) -> x: (..., d_model).
    """
    return E[tokens]


def preactivation(h_prev: np.ndarray, x: np.ndarray, W: np.ndarray, U: np.ndarray,
                  b: np.ndarray) -> np.ndarray:
    """Eq. (1.4): a^(t) = h^(t-1) W^T + x^(t) U^T + b.

    h_prev: (..., n_hidden); x: (..., d_model); W: (n_hidden, n_hidden);
    U: (n_hidden, d_model); b: (n_hidden,) -> a: (..., n_hidden).
    """
    return h_prev @ W.T + x @ U.T + b


def hidden_state(a: np.ndarray) -> np.ndarray:
    """Eq. (1.5): h^(t) = tanh(a^(t)), elementwise. a: (..., n_hidden) -> same shape."""
    return np.tanh(a)


def logits(h: np.ndarray, V: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Eq. (1.6): o^(t) = h^(t) V^T + c.

    h: (..., n_hidden); V: (vocab, n_hidden); c: (vocab,) -> o: (..., vocab).
    """
    return h @ V.T + c


def log_softmax(o: np.ndarray) -> np.ndarray:
    """log softmax(o) along the last axis, shifted by the max so that it never overflows."""
    shifted = o - o.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(o: np.ndarray) -> np.ndarray:
    """Eq. (1.7): ŷ^(t) = softmax(o^(t)) along the last axis. o: (..., vocab) -> same shape."""
    return np.exp(log_softmax(o))


def cross_entropy(o: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Eq. (1.1): L^(t) = -log ŷ^(t)[y^(t)], computed from the logits for stability.

    o: (..., vocab); targets: int (...,) -> per-step losses (...,).
    Logits of ±1e4 still give finite losses.
    """
    return _pick_negative(log_softmax(o), targets)


def _pick_negative(logp: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """-logp[..., targets]: the entry of each row that the target names, negated."""
    return -np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]


def mean_loss(losses: np.ndarray) -> float:
    """Eq. (1.2): L = (1/τ) Σ_t L^(t); for a batch the mean over all B·τ positions."""
    return float(np.mean(losses))


class SequenceCache:
    """What every forward cache of the series shares (the RNN's here, the LSTM's in
    :mod:`bptt_helpers.lstm.forward`): it holds ``inputs`` ((T,) or (B, T)) and ``h`` (h[..., 0, :]
    is h(0))."""

    @property
    def batched(self) -> bool:
        return self.inputs.ndim == 2

    @property
    def T(self) -> int:
        """τ, the number of timesteps."""
        return self.inputs.shape[-1]

    @property
    def n_positions(self) -> int:
        """B·τ, the number of terms the loss averages over (τ for one sequence)."""
        return self.inputs.size

    @property
    def h0(self) -> np.ndarray:
        return self.h[..., 0, :]


@dataclass
class ForwardCache(SequenceCache):
    """Everything the forward pass computed, kept for the backward pass.

    Shapes for a single sequence (a batch adds a leading B axis everywhere):

    - ``inputs``, ``targets``: (T,) token ids
    - ``x``: (T, d_model), eq 1.3 — ``x[t-1]`` is x^(t)
    - ``a``: (T, n_hidden), eq 1.4
    - ``h``: (T+1, n_hidden), eq 1.5 — ``h[0]`` is h^(0), ``h[t]`` is h^(t)
    - ``o``: (T, vocab), eq 1.6
    - ``y_hat``: (T, vocab), eq 1.7
    - ``losses``: (T,), eq 1.1 — the per-step L^(t)
    - ``loss``: float, eq 1.2 — the mean over all positions
    """

    inputs: np.ndarray
    targets: np.ndarray
    x: np.ndarray
    a: np.ndarray
    h: np.ndarray
    o: np.ndarray
    y_hat: np.ndarray
    losses: np.ndarray
    loss: float


    @cached_property
    def dtanh(self) -> np.ndarray:
        """1 - (h^(t))^2 for t = 1..T: the diagonal of (Dh^(t))_(a^(t)), eq 3.7. Shape like ``a``.

        Computed once, on first use (every backward equation but (4.1), (4.4), (4.6) needs it).
        """
        h = self.h[..., 1:, :]
        square = h * h
        return np.subtract(1.0, square, out=square)  # 1 - h^2, in the memory of h^2


def _run(params: Params, inputs, targets, h0, h_delta=None, o_delta=None) -> ForwardCache:
    """Eqs 1.3-1.7 over all timesteps (inputs already validated).

    The same equations as the functions above, arranged for speed: the input part of
    eq 1.4, x^(t) U^T + b, is one matrix product for all steps before the loop, written
    straight into ``a``; the loop then adds h^(t-1) W^T to each row (W^T copied once into a
    contiguous array, which BLAS multiplies faster than a transposed view) and writes tanh
    into the preallocated ``h``. Only the recurrence h^(t-1) -> h^(t) is sequential.

    ``h_delta`` / ``o_delta`` (shaped like ``cache.a`` / ``cache.o``) are added to
    h^(t) / o^(t) as soon as they are computed; the finite-difference check of the
    internal nodes uses them to nudge one node and let the change flow on.
    """
    p = params
    T = inputs.shape[-1]
    x = embed(p.E, inputs)                                           # eq 1.3
    a = x @ p.U.T                                                    # x^(t) U^T, every t at once
    a += p.b                                                         # + b
    h = np.empty(inputs.shape[:-1] + (T + 1, p.n_hidden), dtype=p.E.dtype)
    h[..., 0, :] = h0
    W_T = np.ascontiguousarray(p.W.T)
    for t in range(1, T + 1):
        a_t = a[..., t - 1, :]
        a_t += h[..., t - 1, :] @ W_T                                # + h^(t-1) W^T: eq 1.4
        np.tanh(a_t, out=h[..., t, :])                               # eq 1.5
        if h_delta is not None:
            h[..., t, :] += h_delta[..., t - 1, :]
    o = logits(h[..., 1:, :], p.V, p.c)                              # eq 1.6
    if o_delta is not None:
        o = o + o_delta
    logp = log_softmax(o)
    losses = _pick_negative(logp, targets)                           # eq 1.1
    y_hat = np.exp(logp, out=logp)                                   # eq 1.7, in the same memory
    return ForwardCache(inputs=inputs, targets=targets, x=x, a=a, h=h, o=o,
                        y_hat=y_hat, losses=losses, loss=mean_loss(losses))  # eq 1.2


def forward(params: Params, inputs, targets, h0) -> ForwardCache:
    """The forward pass, eqs 1.1-1.7, for one sequence or a batch.

    params: :class:`Params`; inputs, targets: int (T,) or (B, T);
    h0: (n_hidden,) or (B, n_hidden) (``None`` for zeros; one (n_hidden,) state
    is shared by all rows of a batch). Returns a :class:`ForwardCache` whose
    ``loss`` is the mean cross-entropy over all positions (eq 1.2).
    """
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    return _run(params, inputs, targets, h0)
