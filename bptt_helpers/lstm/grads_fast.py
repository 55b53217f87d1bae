"""The LSTM's backward pass, vectorised: what :func:`lstm_backward` uses.

Same names, arguments and results as :mod:`bptt_helpers.lstm.grads_as_written`. The parts the
LSTM shares with the RNN are the RNN's own functions, imported, not copied:
(4.1) ``dlogits``, (4.4) ``dc``, (4.6) ``dV`` and the sum over uses of (4.9),
``scatter_add_rows``, all from :mod:`bptt_helpers.grads_fast`. New are (notebook 13's numbers):

    (DL)_h(t) = (DL)_o(t) V + (DL)_z(t+1) W_hh        (second term for t < τ)          (13.5)
    (DL)_c(t) = (DL)_h(t) ⊙ q(t) ⊙ [1 - tanh² c(t)] + (DL)_c(t+1) ⊙ f(t+1)              (13.6)
    (DL)_q = (DL)_h ⊙ tanh c,  (DL)_i = (DL)_c ⊙ g,  (DL)_f = (DL)_c ⊙ c(t-1),
    (DL)_g = (DL)_c ⊙ i                                                                  (13.7)
    (DL)_z = [(DL)_i ⊙ i(1-i), (DL)_f ⊙ f(1-f), (DL)_g ⊙ (1-g²), (DL)_q ⊙ q(1-q)]        (13.8)
    (DL)_b = Σ_t (DL)_z(t)                                                               (13.9)
    (DL)_W_ih = Σ_t (DL)_z(t) ⊗ x(t)                                                     (13.10)
    (DL)_W_hh = Σ_(t=1..τ) (DL)_z(t) ⊗ h(t-1)                                            (13.11)
    (DL)_x(t) = (DL)_z(t) W_ih,   (DL)_E = Σ_t e_(i_t)^T (DL)_x(t)                        (13.12)

Only the two coupled recursions (13.5)-(13.8) run step by step, t = τ down to 1; every sum over
timesteps (and over a batch) is one matrix product over the stacked B·τ rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..grads_fast import _rows, dc, dlogits, dV, scatter_add_rows
from .forward import LSTMCache, split
from .params import LSTMParams

__all__ = ["BackwardNodes", "dW_hh", "dW_ih", "db", "dc", "dcell_step", "dE", "dhidden_cell",
           "dhidden_step", "dinput", "dlogits", "dpreact", "dV", "gate_grads"]


def dhidden_step(do_t: np.ndarray, V: np.ndarray, dz_next: np.ndarray | None,
                 W_hh: np.ndarray) -> np.ndarray:
    """Eq. (13.5): (DL)_h(t) = (DL)_o(t) V + (DL)_z(t+1) W_hh; ``dz_next=None`` at t = τ.

    do_t: (..., vocab); V: (vocab, n); dz_next: (..., 4n); W_hh: (4n, n) -> (..., n).
    h(t) has two uses: the logits o(t) and the gates z(t+1); the two terms are their paths.
    """
    dh = do_t @ V
    if dz_next is not None:
        dh = dh + dz_next @ W_hh
    return dh


def dcell_step(dh_t: np.ndarray, q_t: np.ndarray, tanh_c_t: np.ndarray, dc_next: np.ndarray | None,
               f_next: np.ndarray | None) -> np.ndarray:
    """Eq. (13.6): (DL)_c(t) = (DL)_h(t) ⊙ q(t) ⊙ [1 - tanh² c(t)] + (DL)_c(t+1) ⊙ f(t+1).

    All (..., n); ``dc_next = f_next = None`` at t = τ. c(t) has two uses: h(t) (through
    tanh, eq 13.4) and c(t+1) (eq 13.3, where ∂c(t+1)/∂c(t) = diag f(t+1): no W, no tanh').
    """
    dc_t = dh_t * q_t * (1 - tanh_c_t ** 2)
    if dc_next is not None:
        dc_t = dc_t + dc_next * f_next
    return dc_t


def gate_grads(dh_t, dc_t, tanh_c_t, c_prev, i, g):
    """Eq. (13.7): the gradients of the four gates' outputs, returned as (di, df, dg, dq).

    (DL)_i = (DL)_c ⊙ g, (DL)_f = (DL)_c ⊙ c(t-1), (DL)_g = (DL)_c ⊙ i (from eq 13.3), and
    (DL)_q = (DL)_h ⊙ tanh c(t) (from eq 13.4). All arrays (..., n).
    """
    return dc_t * g, dc_t * c_prev, dc_t * i, dh_t * tanh_c_t


def dpreact(di, df, dg, dq, acts: np.ndarray) -> np.ndarray:
    """Eq. (13.8): (DL)_z = [(DL)_i ⊙ i(1-i), (DL)_f ⊙ f(1-f), (DL)_g ⊙ (1-g²), (DL)_q ⊙ q(1-q)].

    σ' and tanh' are taken at the gates' OUTPUTS (σ' = σ(1 - σ), tanh' = 1 - tanh²).
    di, df, dg, dq: (..., n); acts: (..., 4n), the step's [i, f, g, q] -> (..., 4n), torch's order.
    """
    i, f, g, q = split(acts)
    return np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g ** 2), dq * q * (1 - q)],
                          axis=-1)


@dataclass
class BackwardNodes:
    """The gradients of the nodes, t = 1..τ: ``dh`` and ``dc`` (..., T, n), ``dz`` (..., T, 4n).

    ``dh[..., t-1, :]`` is (DL)_h(t) (eq 13.5), ``dc[..., t-1, :]`` is (DL)_c(t) (eq 13.6, the
    total gradient, both paths), ``dz[..., t-1, :]`` is (DL)_z(t) (eq 13.8).
    """

    dh: np.ndarray
    dc: np.ndarray
    dz: np.ndarray


def dhidden_cell(params: LSTMParams, cache: LSTMCache, do: np.ndarray) -> BackwardNodes:
    """Eqs. (13.5)-(13.8), t = τ down to 1: the two recursions, for (DL)_h and (DL)_c.

    The term (DL)_o(t) V of every step is one product ``do @ V`` up front; the loop adds the
    path through z(t+1) to (DL)_h(t), then makes (DL)_c(t), the gates' gradients and (DL)_z(t).
    do: like ``cache.o`` -> :class:`BackwardNodes`.
    """
    T = cache.T
    dh = (_rows(do) @ params.V).reshape(cache.tanh_c.shape)     # (DL)_o(t) V, every t
    dcell = np.empty_like(dh)
    dz = np.empty_like(cache.z)
    i, f, g, q = split(cache.acts)
    tanh_c, c_prev, acts, W_hh = cache.tanh_c, cache.c[..., :-1, :], cache.acts, params.W_hh
    for k in range(T - 1, -1, -1):                                # 0-based row k is t = k + 1
        last = k == T - 1
        dh_k = dh[..., k, :]
        if not last:
            dh_k += dz[..., k + 1, :] @ W_hh                     # (13.5)
        dc_k = dcell[..., k, :] = dcell_step(dh_k, q[..., k, :], tanh_c[..., k, :],   # (13.6)
                                             None if last else dcell[..., k + 1, :],
                                             None if last else f[..., k + 1, :])
        parts = gate_grads(dh_k, dc_k, tanh_c[..., k, :], c_prev[..., k, :],         # (13.7)
                           i[..., k, :], g[..., k, :])
        dz[..., k, :] = dpreact(*parts, acts[..., k, :])          # (13.8)
    return BackwardNodes(dh=dh, dc=dcell, dz=dz)


def db(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.9): Σ over all positions of (DL)_z -> (4n,)."""
    return _rows(dz).sum(axis=0)


def dW_ih(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.10): the sum of outer products (DL)_z(t) ⊗ x(t) as one product -> (4n, d_model)."""
    return _rows(dz).T @ _rows(cache.x)


def dW_hh(cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.11): Σ_(t=1..τ) (DL)_z(t) ⊗ h(t-1), h(0) included, as one product -> (4n, n)."""
    return _rows(dz).T @ _rows(cache.h[..., :-1, :])


def dinput(params: LSTMParams, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.12), first half: (DL)_x(t) = (DL)_z(t) W_ih for every t -> like ``cache.x``."""
    return dz @ params.W_ih


def dE(params: LSTMParams, cache: LSTMCache, dz: np.ndarray) -> np.ndarray:
    """Eq. (13.12): (DL)_E = Σ_t e_(i_t)^T (DL)_x(t), by the RNN's own scatter-add (eq 4.9).

    Returns (vocab, d_model); a token read several times collects the sum of its rows.
    """
    return scatter_add_rows(params.E, cache.inputs, _rows(dinput(params, dz)))
