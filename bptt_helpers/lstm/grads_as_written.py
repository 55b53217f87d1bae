"""The LSTM's backward pass written as the equations read: loops over t, one row vector at a time.

For reading and for checking; :mod:`bptt_helpers.lstm.grads_fast` has the same functions
vectorised, and that is what :func:`bptt_helpers.lstm.lstm_backward` uses. The shared parts
are the RNN's as-written functions, imported: (4.1) ``dlogits``, (4.4) ``dc``, (4.6) ``dV`` and
the sum over uses of (4.9), ``sum_over_uses`` (from :mod:`bptt_helpers.grads_as_written`).

Layout as for the RNN: one sequence has time on axis 0, a batch adds a leading B axis; the
sums over t also run over the sequences of a batch (the outer loops), which share the weights.
"""

from __future__ import annotations

import numpy as np

from ..grads_as_written import _as_batch, dc, dlogits, dV, sum_over_uses
from .forward import LSTMCache
from .grads_fast import BackwardNodes
from .params import LSTMParams

__all__ = ["dW_hh", "dW_ih", "db", "dc", "dE", "dhidden_cell", "dlogits", "dV"]


def dhidden_cell(params: LSTMParams, cache: LSTMCache, do: np.ndarray) -> BackwardNodes:
    """Eqs. (13.5)-(13.8) from t = τ down to 1, every term as written.

    (DL)_h(t) = (DL)_o(t) V + (DL)_z(t+1) W_hh                                 (13.5)
    (DL)_c(t) = (DL)_h(t) ⊙ q(t) ⊙ [1 - tanh² c(t)] + (DL)_c(t+1) ⊙ f(t+1)      (13.6)
    (DL)_i = (DL)_c ⊙ g, (DL)_f = (DL)_c ⊙ c(t-1), (DL)_g = (DL)_c ⊙ i,
    (DL)_q = (DL)_h ⊙ tanh c(t)                                                (13.7)
    (DL)_z = [(DL)_i ⊙ i(1-i), (DL)_f ⊙ f(1-f), (DL)_g ⊙ (1-g²), (DL)_q ⊙ q(1-q)]  (13.8)

    The terms with t + 1 are absent at t = τ. do: like ``cache.o`` -> BackwardNodes.
    """
    n, tau = params.n_hidden, cache.T
    V, W_hh = params.V, params.W_hh
    acts = _as_batch(cache.acts, cache.batched)
    c = _as_batch(cache.c, cache.batched)
    do = _as_batch(do, cache.batched)
    B = acts.shape[0]
    dh = np.zeros((B, tau, n))
    dcell = np.zeros((B, tau, n))
    dz = np.zeros((B, tau, 4 * n))
    for seq in range(B):
        for t in range(tau, 0, -1):                                   # t = τ, ..., 1
            a = acts[seq, t - 1]
            i, f, g, q = a[:n], a[n:2 * n], a[2 * n:3 * n], a[3 * n:]
            tanh_c = np.tanh(c[seq, t])
            dh[seq, t - 1] = do[seq, t - 1] @ V                       # (13.5), through o(t)
            if t < tau:
                dh[seq, t - 1] += dz[seq, t] @ W_hh                   # (13.5), through z(t+1)
            dcell[seq, t - 1] = dh[seq, t - 1] * q * (1 - tanh_c ** 2)  # (13.6), through h(t)
            if t < tau:
                f_next = acts[seq, t, n:2 * n]                        # f(t+1)
                dcell[seq, t - 1] += dcell[seq, t] * f_next           # (13.6), through c(t+1)
            d_i = dcell[seq, t - 1] * g                               # (13.7)
            d_f = dcell[seq, t - 1] * c[seq, t - 1]
            d_g = dcell[seq, t - 1] * i
            d_q = dh[seq, t - 1] * tanh_c
            dz[seq, t - 1, :n] = d_i * i * (1 - i)                    # (13.8), σ'(z) = σ(1 - σ)
            dz[seq, t - 1, n:2 * n] = d_f * f * (1 - f)
            dz[seq, t - 1, 2 * n:3 * n] = d_g * (1 - g ** 2)          # tanh'(z) = 1 - tanh²
            dz[seq, t - 1, 3 * n:] = d_q * q * (1 - q)
    shape = cache.tanh_c.shape
    return BackwardNodes(dh=dh.reshape(shape), dc=dcell.reshape(shape), dz=dz.reshape(cache.z.shape))


def db(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.9): (DL)_b = Σ_t (DL)_z(t). dz: like ``cache.z`` -> (4n,)."""
    dz = _as_batch(dz, cache.batched)
    grad = np.zeros(dz.shape[-1])
    for seq in range(dz.shape[0]):
        for t in range(1, cache.T + 1):
            grad += dz[seq, t - 1]
    return grad


def dW_ih(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.10): (DL)_W_ih = Σ_t (DL)_z(t) ⊗ x(t). dz: like ``cache.z`` -> (4n, d_model)."""
    dz = _as_batch(dz, cache.batched)
    x = _as_batch(cache.x, cache.batched)
    grad = np.zeros((dz.shape[-1], x.shape[-1]))
    for seq in range(dz.shape[0]):
        for t in range(1, cache.T + 1):
            grad += np.outer(dz[seq, t - 1], x[seq, t - 1])
    return grad


def dW_hh(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.11): (DL)_W_hh = Σ_(t=1..τ) (DL)_z(t) ⊗ h(t-1): W_hh also reads h(0).

    dz: like ``cache.z`` -> (4n, n).
    """
    dz = _as_batch(dz, cache.batched)
    h = _as_batch(cache.h, cache.batched)
    grad = np.zeros((dz.shape[-1], h.shape[-1]))
    for seq in range(dz.shape[0]):
        for t in range(1, cache.T + 1):
            grad += np.outer(dz[seq, t - 1], h[seq, t - 1])
    return grad


def dE(params: LSTMParams, cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.12): (DL)_x(t) = (DL)_z(t) W_ih, then the RNN's sum over uses of eq (4.9).

    dz: like ``cache.z`` -> (vocab, d_model).
    """
    dz_b = _as_batch(dz, cache.batched)
    dx = np.zeros(dz_b.shape[:2] + (params.d_model,))
    for seq in range(dz_b.shape[0]):
        for t in range(1, cache.T + 1):
            dx[seq, t - 1] = dz_b[seq, t - 1] @ params.W_ih
    return sum_over_uses(params.E, cache.inputs, dx)
