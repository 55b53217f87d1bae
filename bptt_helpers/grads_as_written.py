"""The nine backward equations of §4, written as the paper writes them.

Each function loops over the timesteps t = 1..τ with the paper's indices and
works on one row vector at a time, so it can be read side by side with the
equation. They are for reading and for checking; :mod:`bptt_helpers.grads_fast`
has the same functions vectorised, and that is what :func:`bptt_helpers.backward`
uses.

Layout: one sequence has time on axis 0, a batch adds a leading B axis (time is
axis -2). ``do[..., t-1, :]`` is (DL)_(o^(t)) and ``dh[..., t-1, :]`` is
(DL)_(h^(t)); ``cache.h[..., t, :]`` is h^(t), including h^(0). For a batch the
sums over t also run over the sequences of the batch (the outer loop below),
because every sequence uses the same parameters, just as every timestep does.
"""

from __future__ import annotations

import numpy as np

from .forward_pass import ForwardCache
from .params import Params


def _as_batch(array: np.ndarray, batched: bool) -> np.ndarray:
    """View one sequence (T, ...) as a batch of one (1, T, ...); a batch stays as it is."""
    return array if batched else array[None]


def dlogits(cache: ForwardCache) -> np.ndarray:
    """Eq. (4.1) = (3.4): (DL)_(o_i^(t)) = (1/τ)(ŷ_i^(t) - 1{i = y^(t)}).

    Returns do with the shape of ``cache.o``: (T, vocab) or (B, T, vocab). For a
    batch the loss averages over B·τ positions, so 1/τ becomes 1/(B·τ).
    """
    y_hat = _as_batch(cache.y_hat, cache.batched)
    targets = _as_batch(cache.targets, cache.batched)
    n_positions = cache.n_positions  # τ, or B·τ for a batch
    do = np.zeros_like(y_hat)
    for seq in range(y_hat.shape[0]):
        for t in range(1, cache.T + 1):
            for i in range(y_hat.shape[-1]):
                indicator = 1.0 if i == targets[seq, t - 1] else 0.0
                do[seq, t - 1, i] = (y_hat[seq, t - 1, i] - indicator) / n_positions
    return do.reshape(cache.o.shape)


def dhidden(params: Params, cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eqs. (4.2)-(4.3): (DL)_(h^(t)) from t = τ down to 1.

    (DL)_(h^(τ)) = (DL)_(o^(τ)) V                                            (4.2)
    (DL)_(h^(t)) = (DL)_(h^(t+1)) ([1 - (h^(t+1))^2] ⊙ W) + (DL)_(o^(t)) V    (4.3)

    In (4.3) the vector [1 - (h^(t+1))^2] must act as a *column* that scales the
    rows of W, giving diag[1 - (h^(t+1))^2] W as in (3.7).
    do: like ``cache.o`` -> dh: like ``cache.a``, (T, n_hidden) or (B, T, n_hidden).
    """
    V, W, tau = params.V, params.W, cache.T
    h = _as_batch(cache.h, cache.batched)
    do = _as_batch(do, cache.batched)
    dh = np.zeros(h[:, 1:].shape, dtype=h.dtype)
    for seq in range(h.shape[0]):
        dh[seq, tau - 1] = do[seq, tau - 1] @ V  # (4.2)
        for t in range(tau - 1, 0, -1):  # t = τ-1, ..., 1
            column = (1 - h[seq, t + 1] ** 2)[:, None]
            dh[seq, t - 1] = dh[seq, t] @ (column * W) + do[seq, t - 1] @ V  # (4.3)
    return dh.reshape(cache.a.shape)


def dc(cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eq. (4.4): (DL)_c = Σ_t (DL)_(o^(t)). do: like ``cache.o`` -> (vocab,)."""
    do = _as_batch(do, cache.batched)
    grad = np.zeros(do.shape[-1], dtype=do.dtype)
    for seq in range(do.shape[0]):
        for t in range(1, cache.T + 1):
            grad += do[seq, t - 1]
    return grad


def db(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.5): (DL)_b = Σ_t (DL)_(h^(t)) diag[1 - (h^(t))^2]. dh: like ``cache.a`` -> (n_hidden,)."""
    h = _as_batch(cache.h, cache.batched)
    dh = _as_batch(dh, cache.batched)
    grad = np.zeros(dh.shape[-1], dtype=dh.dtype)
    for seq in range(dh.shape[0]):
        for t in range(1, cache.T + 1):
            grad += dh[seq, t - 1] @ np.diag(1 - h[seq, t] ** 2)
    return grad


def dV(cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eq. (4.6): (DL)_V = Σ_t (DL)_(o^(t)) ⊗ h^(t). do: like ``cache.o`` -> (vocab, n_hidden)."""
    h = _as_batch(cache.h, cache.batched)
    do = _as_batch(do, cache.batched)
    grad = np.zeros((do.shape[-1], h.shape[-1]), dtype=do.dtype)
    for seq in range(do.shape[0]):
        for t in range(1, cache.T + 1):
            grad += np.outer(do[seq, t - 1], h[seq, t])
    return grad


def dW(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.7): (DL)_W = Σ_(t=0)^(τ-1) [(DL)_(h^(t+1)) ⊙ (1 - (h^(t+1))^2)] ⊗ h^(t).

    The sum starts at t = 0 because W multiplies h^(0) on the way to h^(1).
    dh: like ``cache.a`` -> (n_hidden, n_hidden).
    """
    h = _as_batch(cache.h, cache.batched)
    dh = _as_batch(dh, cache.batched)
    grad = np.zeros((dh.shape[-1], dh.shape[-1]), dtype=dh.dtype)
    for seq in range(dh.shape[0]):
        for t in range(0, cache.T):  # t = 0, ..., τ-1
            grad += np.outer(dh[seq, t] * (1 - h[seq, t + 1] ** 2), h[seq, t])
    return grad


def dU(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.8): (DL)_U = Σ_t [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] ⊗ x^(t).

    dh: like ``cache.a`` -> (n_hidden, d_model).
    """
    h = _as_batch(cache.h, cache.batched)
    x = _as_batch(cache.x, cache.batched)
    dh = _as_batch(dh, cache.batched)
    grad = np.zeros((dh.shape[-1], x.shape[-1]), dtype=dh.dtype)
    for seq in range(dh.shape[0]):
        for t in range(1, cache.T + 1):
            grad += np.outer(dh[seq, t - 1] * (1 - h[seq, t] ** 2), x[seq, t - 1])
    return grad


def dE(params: Params, cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.9): (DL)_E = Σ_t e_(i_t)^T ([(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U).

    e_(i_t) is the one-hot vector of the token read at step t, so each term is a
    (vocab, d_model) matrix that is zero except in row i_t. A token read at
    several steps collects the *sum* of their terms.
    dh: like ``cache.a`` -> (vocab, d_model).
    """
    h = _as_batch(cache.h, cache.batched)
    dh = _as_batch(dh, cache.batched)
    dx = np.zeros(h.shape[:1] + (cache.T, params.d_model), dtype=dh.dtype)
    for seq in range(dh.shape[0]):
        for t in range(1, cache.T + 1):
            dx[seq, t - 1] = (dh[seq, t - 1] * (1 - h[seq, t] ** 2)) @ params.U  # (d_model,)
    return sum_over_uses(params.E, cache.inputs, dx)


def sum_over_uses(E: np.ndarray, inputs: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """The sum of eq (4.9) as written: Σ_t e_(i_t)^T (DL)_(x^(t)), one outer product per step.

    e_(i_t) is the one-hot vector of the token read at step t, so each term is a
    (vocab, d_model) matrix that is zero except in row i_t. A token read at
    several steps collects the *sum* of their terms.
    E: (vocab, d_model); inputs: int (T,) or (B, T); dx: (T, d_model) or (B, T, d_model),
    ``dx[..., t-1, :]`` = (DL)_(x^(t)). The LSTM's dE uses this same function.
    """
    vocab = E.shape[0]
    inputs = inputs if inputs.ndim == 2 else inputs[None]
    dx = dx.reshape(inputs.shape + (dx.shape[-1],))
    grad = np.zeros_like(E)
    for seq in range(inputs.shape[0]):
        for t in range(1, inputs.shape[1] + 1):
            e_it = np.zeros(vocab, dtype=grad.dtype)
            e_it[inputs[seq, t - 1]] = 1.0  # one-hot for the token read at step t
            grad += np.outer(e_it, dx[seq, t - 1])
    return grad
