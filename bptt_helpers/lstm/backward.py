"""The LSTM's backward pass in the order of the plan (§2's method), and one step of it.

:func:`lstm_backward` chains the equations of :mod:`bptt_helpers.lstm.grads_fast`;
:func:`step_backward` is one timestep in cs231n's shape (the upstream gradients of h and c
in, the step's input and weight gradients out): the backward stepper and the exercise use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import grads_fast as g
from .forward import LSTMCache, check_lstm_params, split
from .params import LSTMParams


def lstm_backward(params: LSTMParams, cache: LSTMCache) -> LSTMParams:
    """All six gradients dL/dE, dW_ih, dW_hh, db, dV, dc of the mean loss.

    params: the :class:`LSTMParams` the forward pass used; cache: its :class:`LSTMCache`.
    Returns an :class:`LSTMParams` of gradients with the shapes of ``params``.
    """
    check_lstm_params(params)
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"cache must be the LSTMCache returned by lstm_forward(), "
                        f"got {type(cache).__name__}")
    made_by = (cache.o.shape[-1], cache.x.shape[-1], cache.h.shape[-1])
    if made_by != (params.vocab_size, params.d_model, params.n_hidden):
        raise ValueError("cache does not match params: it was made by a model with "
                         f"(vocab, d_model, n_hidden) = {made_by}, params have "
                         f"{(params.vocab_size, params.d_model, params.n_hidden)}")
    do = g.dlogits(cache)                    # (4.1)        parallel over t, the RNN's function
    nodes = g.dhidden_cell(params, cache, do)  # (13.5-13.8) sequential, t = τ..1
    return LSTMParams(
        E=g.dE(params, cache, nodes.dz),     # (13.12) with the RNN's scatter-add (4.9)
        W_ih=g.dW_ih(cache, nodes.dz),       # (13.10)
        W_hh=g.dW_hh(cache, nodes.dz),       # (13.11)
        b=g.db(cache, nodes.dz),             # (13.9)
        V=g.dV(cache, do),                   # (4.6)   the RNN's function
        c=g.dc(cache, do),                   # (4.4)   the RNN's function
    )


@dataclass
class StepCache:
    """What one step t of the forward pass keeps for its backward step (one row, or a batch).

    x: (..., d_model) x(t); h_prev, c_prev: (..., n) h(t-1), c(t-1); acts: (..., 4n) the gates
    [i, f, g, q] of eq 13.2; c: (..., n) c(t); W_ih (4n, d_model), W_hh (4n, n); b (4n,) (the backward
    step does not read it; it makes the step's forward pass repeatable).
    """

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    acts: np.ndarray
    c: np.ndarray
    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray | None = None

    @property
    def i(self) -> np.ndarray:
        return split(self.acts)[0]

    @property
    def f(self) -> np.ndarray:
        return split(self.acts)[1]

    @property
    def g(self) -> np.ndarray:
        return split(self.acts)[2]

    @property
    def q(self) -> np.ndarray:
        return split(self.acts)[3]


def step_cache(params: LSTMParams, cache: LSTMCache, t: int) -> StepCache:
    """The :class:`StepCache` of step t (1 <= t <= τ) of a forward pass (copies)."""
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= cache.T:
        raise ValueError(f"t must be an integer in [1, {cache.T}], got {t!r}")
    return StepCache(x=cache.x[..., t - 1, :].copy(), h_prev=cache.h[..., t - 1, :].copy(),
                     c_prev=cache.c[..., t - 1, :].copy(), acts=cache.acts[..., t - 1, :].copy(),
                     c=cache.c[..., t, :].copy(), W_ih=params.W_ih.copy(), W_hh=params.W_hh.copy(),
                     b=params.b.copy())


@dataclass
class StepGrads:
    """The gradients one backward step returns (shapes of its inputs; a batch sums the weights').

    ``dc_t`` (..., n) is (DL)_c(t) itself, eq 13.6; ``dz`` (..., 4n) is eq 13.8.
    """

    dx: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray
    dW_ih: np.ndarray
    dW_hh: np.ndarray
    db: np.ndarray
    dc_t: np.ndarray
    dz: np.ndarray


def step_backward(dh_t: np.ndarray, dc_from_next: np.ndarray, step: StepCache) -> StepGrads:
    """One step of eqs 13.6-13.12 in cs231n's shape.

    dh_t: (DL)_h(t), the whole of eq 13.5 (through o(t) and, for t < τ, z(t+1));
    dc_from_next: (DL)_c(t+1) ⊙ f(t+1), the gradient that reaches c(t) from step t + 1
    (zeros at t = τ); step: the :class:`StepCache` of step t.

    Returns dx = (DL)_z W_ih, dh_prev = (DL)_z W_hh (the part of (DL)_h(t-1) through z(t)),
    dc_prev = (DL)_c(t) ⊙ f(t) (what step t-1 receives as its ``dc_from_next``), and this
    step's terms of the sums (13.9)-(13.11): dW_ih = (DL)_z ⊗ x, dW_hh = (DL)_z ⊗ h(t-1),
    db = (DL)_z (for a batch, summed over its rows).
    """
    i, f, gg, q = split(step.acts)
    tanh_c = np.tanh(step.c)
    dc_t = g.dcell_step(dh_t, q, tanh_c, dc_from_next, np.ones_like(f))   # (13.6)
    dz = g.dpreact(*g.gate_grads(dh_t, dc_t, tanh_c, step.c_prev, i, gg), step.acts)  # (13.7)-(13.8)
    rows_dz = dz.reshape(-1, dz.shape[-1])
    return StepGrads(dx=dz @ step.W_ih, dh_prev=dz @ step.W_hh, dc_prev=dc_t * f,
                     dW_ih=rows_dz.T @ step.x.reshape(-1, step.x.shape[-1]),
                     dW_hh=rows_dz.T @ step.h_prev.reshape(-1, step.h_prev.shape[-1]),
                     db=rows_dz.sum(axis=0), dc_t=dc_t, dz=dz)
