"""The nine backward equations of §4, vectorised: what :func:`backward` uses.

Same names, arguments and results as :mod:`bptt_helpers.grads_as_written`.
Every sum over timesteps (and over the sequences of a batch) becomes one matrix
product over the stacked B·τ rows; only the recursion for dL/dh (eq 4.3) stays
a loop, because h^(t) needs h^(t+1) first. dE is a scatter-add, which, unlike
``dE[idx] += g``, keeps every repeat of a token.
"""

from __future__ import annotations

import numpy as np

from .forward_pass import ForwardCache
from .params import Params


def _rows(array: np.ndarray) -> np.ndarray:
    """Stack all (sequence, timestep) positions as rows: (..., k) -> (B·τ, k)."""
    return array.reshape(-1, array.shape[-1])


def dlogits(cache: ForwardCache) -> np.ndarray:
    """Eq. (4.1): do = (ŷ - onehot(y)) / (B·τ). Returns an array shaped like ``cache.o``."""
    do = cache.y_hat.copy()
    np.put_along_axis(do, cache.targets[..., None],
                      np.take_along_axis(do, cache.targets[..., None], axis=-1) - 1, axis=-1)
    do /= cache.n_positions
    return do


def dhidden(params: Params, cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eqs. (4.2)-(4.3): dh (shaped like ``cache.a``) by the backward recursion.

    The term (DL)_(o^(t)) V of every step is one product ``do @ V`` up front; the
    loop then only adds (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W, computed as
    ``(dh[t+1] * (1 - h[t+1]^2)) @ W``: scaling the row vector by 1 - h^2 first is
    the same as scaling the rows of W, and much cheaper.
    """
    dh = (_rows(do) @ params.V).reshape(cache.a.shape)  # (DL)_(o^(t)) V; its last row is (4.2)
    dtanh, W = cache.dtanh, params.W
    da_next = np.empty_like(dh[..., 0, :])
    for t in range(cache.T - 2, -1, -1):  # 0-based rows τ-2..0, i.e. t = τ-1..1
        np.multiply(dh[..., t + 1, :], dtanh[..., t + 1, :], out=da_next)  # (DL)_(a^(t+1))
        dh[..., t, :] += da_next @ W  # (4.3)
    return dh


def dc(cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eq. (4.4): Σ over all positions of do -> (vocab,)."""
    return _rows(do).sum(axis=0)


def db(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.5): Σ over all positions of dh ⊙ (1 - h^2) -> (n_hidden,)."""
    return _rows(dh * cache.dtanh).sum(axis=0)


def dV(cache: ForwardCache, do: np.ndarray) -> np.ndarray:
    """Eq. (4.6): the sum of outer products as one product, do^T @ h -> (vocab, n_hidden)."""
    return _rows(do).T @ _rows(cache.h[..., 1:, :])


def dW(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.7): [dh ⊙ (1 - h^2)]^T @ h_prev, with h_prev = h^(0..τ-1) -> (n_hidden, n_hidden)."""
    return _rows(dh * cache.dtanh).T @ _rows(cache.h[..., :-1, :])


def dU(cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.8): [dh ⊙ (1 - h^2)]^T @ x -> (n_hidden, d_model)."""
    return _rows(dh * cache.dtanh).T @ _rows(cache.x)


def dE(params: Params, cache: ForwardCache, dh: np.ndarray) -> np.ndarray:
    """Eq. (4.9): scatter-add the rows [dh ⊙ (1 - h^2)] U into the rows of the tokens read.

    ``np.add.at`` adds once per occurrence, so a repeated token gets the sum of
    its contributions. Returns (vocab, d_model).
    """
    return scatter_add_rows(params.E, cache.inputs, _rows(dh * cache.dtanh) @ params.U)


def scatter_add_rows(E: np.ndarray, inputs: np.ndarray, dx_rows: np.ndarray) -> np.ndarray:
    """The sum over uses of eq (4.9): Σ_t e_(i_t)^T (DL)_(x^(t)), the rows added into E's rows.

    E: (vocab, d_model), the table (for its shape and dtype); inputs: int (T,) or (B, T);
    dx_rows: (B·τ, d_model), row k the gradient of the k-th position's x (in ``inputs.ravel()``
    order). Every occurrence of a token adds its row. The LSTM's dE uses this same function.
    """
    grad = np.zeros(E.shape, dtype=E.dtype)  # C order: grad.reshape(-1) is a view
    # np.add.at(grad, inputs, rows), entry by entry: column j of row k goes to entry
    # inputs[k] · d_model + j of the flat table (numpy adds along a 1-D index much faster)
    d_model = grad.shape[-1]
    entries = inputs.reshape(-1, 1) * d_model + np.arange(d_model)
    np.add.at(grad.reshape(-1), entries.ravel(), dx_rows.ravel())
    return grad
