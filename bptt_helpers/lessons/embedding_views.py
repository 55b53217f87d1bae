"""Three ways to look at dL/dE (§3.8: eqs 3.19-3.21, Remark 3.22, eq 4.9).

The package computes dL/dE with one scatter-add (:func:`bptt_helpers.grads_fast.dE`).
This module spells out the views the paper uses to *derive* it, so that a notebook
can build each one and check it against the package:

- the tensor (Dx^(t))_(E) as a stack of ``vocab`` matrices of size d_model x d_model
  (§3.8, after eq 3.20), and the right-multiplication of a row vector by it;
- Remark 3.22: E unfolded into one long vector, the Jacobian becomes an ordinary
  d_model x (vocab·d_model) matrix, and the product is folded back into E's shape;
- the per-step contributions e_(i_t)^T g^(t) of eq (3.21) and their running sum.

Layout as elsewhere: one sequence has time on axis 0; a batch adds a leading B axis
and its positions are taken in row-major order (sequence by sequence).
"""

from __future__ import annotations

import numpy as np

from ..forward_pass import ForwardCache
from ..params import Params


def _check_sizes(vocab_size, d_model) -> tuple[int, int]:
    for name, value in (("vocab_size", vocab_size), ("d_model", d_model)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be a positive integer, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(vocab_size), int(d_model)


def _check_token(token, vocab_size: int) -> int:
    if isinstance(token, bool) or not isinstance(token, (int, np.integer)):
        raise TypeError(f"token must be an integer token id, got {token!r}")
    if not 0 <= token < vocab_size:
        raise ValueError(f"token must lie in [0, {vocab_size - 1}], got {token}")
    return int(token)


def _check_row(name: str, row, d_model: int) -> np.ndarray:
    row = np.asarray(row)
    if row.dtype.kind != "f":
        raise TypeError(f"{name} must be a float array, got dtype {row.dtype}")
    if row.shape != (d_model,):
        raise ValueError(f"{name} must have shape ({d_model},) (d_model), got {row.shape}")
    return row


def embedding_jacobian_tensor(vocab_size: int, d_model: int, token: int) -> np.ndarray:
    """The tensor (Dx^(t))_(E) of §3.8 for x^(t) = E[token] (eq 1.3).

    Returns ``J`` of shape (vocab, d_model, d_model) with
    ``J[i, k, j] = ∂x_k / ∂E_ij``: a vertical stack of ``vocab`` square matrices
    (block i is the Jacobian of x with respect to row i of E, rows = components of x),
    all zero except block ``token``, which is the identity.
    """
    vocab_size, d_model = _check_sizes(vocab_size, d_model)
    token = _check_token(token, vocab_size)
    J = np.zeros((vocab_size, d_model, d_model))
    J[token] = np.eye(d_model)
    return J


def row_times_tensor(row, J) -> np.ndarray:
    """Right-multiply a row vector by the tensor of :func:`embedding_jacobian_tensor`.

    The chain rule ∂L/∂E_ij = Σ_k (∂L/∂x_k)(∂x_k/∂E_ij): the row (1 x d_model) times
    each stacked block (d_model x d_model). row: (d_model,); J: (vocab, d_model, d_model)
    -> (vocab, d_model), one result row per block.
    """
    J = np.asarray(J)
    if J.ndim != 3 or J.shape[1] != J.shape[2]:
        raise ValueError(f"J must have shape (vocab, d_model, d_model), got {J.shape}")
    row = _check_row("row", row, J.shape[1])
    return np.einsum("k,ikj->ij", row, J)


def unfold(E) -> np.ndarray:
    """Remark 3.22: the rows of E (vocab, d_model) side by side, a vector (vocab·d_model,)."""
    E = np.asarray(E)
    if E.ndim != 2:
        raise ValueError(f"E must be 2-D (vocab, d_model), got shape {E.shape}")
    return E.reshape(-1)


def fold(vector, vocab_size: int, d_model: int) -> np.ndarray:
    """Remark 3.22, the way back: (vocab·d_model,) or (1, vocab·d_model) -> (vocab, d_model).

    Consecutive blocks of d_model numbers become the rows, the inverse of :func:`unfold`.
    """
    vocab_size, d_model = _check_sizes(vocab_size, d_model)
    vector = np.asarray(vector)
    if vector.size != vocab_size * d_model or vector.ndim not in (1, 2):
        raise ValueError(f"vector must hold vocab_size*d_model = {vocab_size * d_model} numbers "
                         f"as (n,) or (1, n), got shape {vector.shape}")
    return vector.reshape(vocab_size, d_model)


def unfolded_jacobian(vocab_size: int, d_model: int, token: int) -> np.ndarray:
    """Remark 3.22: the Jacobian of e = unfold(E) -> x = E[token], a plain matrix.

    Returns (d_model, vocab·d_model): entry [k, i·d_model + j] = ∂x_k/∂E_ij, so it is
    zero except for an identity block in columns token·d_model .. token·d_model + d_model - 1.
    It is the tensor of :func:`embedding_jacobian_tensor` with its blocks laid side by side.
    """
    J = embedding_jacobian_tensor(vocab_size, d_model, token)
    return J.transpose(1, 0, 2).reshape(d_model, -1)


def dx_rows(params: Params, cache: ForwardCache, dh) -> np.ndarray:
    """(DL)_(x^(t)) = [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U for every t (the row in eqs 3.20-3.21).

    dh: (DL)_(h^(t)) shaped like ``cache.a`` -> (T, d_model) or (B, T, d_model).
    This is the row vector that eq (4.9) scatters into the rows of dL/dE.
    """
    dh = np.asarray(dh)
    if dh.shape != cache.a.shape:
        raise ValueError(f"dh must have the shape of cache.a {cache.a.shape}, got {dh.shape}")
    return (dh * cache.dtanh) @ params.U


def dE_contributions(params: Params, cache: ForwardCache, dh) -> np.ndarray:
    """The terms of eq (3.21), one per position: e_(i_t)^T [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U.

    Returns (n_positions, vocab, d_model) in row-major position order; term p is zero
    except in the row of the token read at position p. Their sum is dL/dE (eq 4.9).
    """
    rows = dx_rows(params, cache, dh).reshape(-1, params.d_model)
    tokens = cache.inputs.ravel()
    terms = np.zeros((len(tokens),) + params.E.shape, dtype=rows.dtype)
    terms[np.arange(len(tokens)), tokens] = rows
    return terms


def dE_via_tensor(params: Params, cache: ForwardCache, dh) -> np.ndarray:
    """Eq (3.20) done literally: Σ_t row^(t) · (Dx^(t))_(E), with the explicit tensor.

    Returns (vocab, d_model). Slow (builds a vocab x d_model x d_model tensor per step);
    for teaching and checking only.
    """
    rows = dx_rows(params, cache, dh).reshape(-1, params.d_model)
    grad = np.zeros_like(params.E)
    for row, token in zip(rows, cache.inputs.ravel(), strict=True):
        J = embedding_jacobian_tensor(params.vocab_size, params.d_model, int(token))
        grad += row_times_tensor(row, J)
    return grad


def dE_via_unfolded(params: Params, cache: ForwardCache, dh) -> np.ndarray:
    """Remark 3.22 done literally: Σ_t fold(row^(t) @ J_unfolded^(t)), with plain matrices.

    Each step: (1 x d_model) @ (d_model x vocab·d_model) = (1 x vocab·d_model), folded
    back to (vocab, d_model) and added. Returns (vocab, d_model).
    """
    rows = dx_rows(params, cache, dh).reshape(-1, params.d_model)
    grad = np.zeros_like(params.E)
    for row, token in zip(rows, cache.inputs.ravel(), strict=True):
        J = unfolded_jacobian(params.vocab_size, params.d_model, int(token))
        grad += fold(row[None, :] @ J, params.vocab_size, params.d_model)
    return grad


def scatter_rows_fancy_index(rows, tokens, vocab_size: int) -> np.ndarray:
    """THE CLASSIC BUG, kept to be looked at: ``grad[tokens] += rows``.

    NumPy's buffered fancy-index ``+=`` reads ``grad[tokens]`` once, adds, and writes
    back, so when a token repeats only one of its rows survives (the last write wins).
    rows: (N, d_model); tokens: int (N,) -> (vocab, d_model). Correct only when no
    token repeats; use :func:`scatter_rows` (``np.add.at``) instead.
    """
    rows, tokens = _check_scatter_args(rows, tokens, vocab_size)
    grad = np.zeros((vocab_size, rows.shape[1]), dtype=rows.dtype)
    grad[tokens] += rows
    return grad


def scatter_rows(rows, tokens, vocab_size: int) -> np.ndarray:
    """Eq (4.9) as a scatter-add: row p of ``rows`` is added to row ``tokens[p]``, repeats summed.

    rows: (N, d_model); tokens: int (N,) -> (vocab, d_model). The same ``np.add.at``
    that :func:`bptt_helpers.grads_fast.dE` uses.
    """
    rows, tokens = _check_scatter_args(rows, tokens, vocab_size)
    grad = np.zeros((vocab_size, rows.shape[1]), dtype=rows.dtype)
    np.add.at(grad, tokens, rows)
    return grad


def _check_scatter_args(rows, tokens, vocab_size):
    vocab_size, _ = _check_sizes(vocab_size, 1)
    rows = np.asarray(rows)
    tokens = np.asarray(tokens)
    if rows.dtype.kind != "f" or rows.ndim != 2:
        raise ValueError(f"rows must be a 2-D float array (N, d_model), got {rows.dtype} {rows.shape}")
    if tokens.dtype.kind not in "iu" or tokens.shape != rows.shape[:1]:
        raise ValueError(f"tokens must be integer ids of shape ({rows.shape[0]},), "
                         f"got {tokens.dtype} {tokens.shape}")
    if tokens.size and (tokens.min() < 0 or tokens.max() >= vocab_size):
        raise ValueError(f"tokens must lie in [0, {vocab_size - 1}]")
    return rows, tokens


def dE_triple_sum(params: Params, cache: ForwardCache, dh) -> np.ndarray:
    """Eq (3.19), the "triple sum": Σ_t Σ_i Σ_m (DL)_(a_m^(t)) (Da_m^(t))_(x_i^(t)) (Dx_i^(t))_(E).

    (DL)_(a^(t)) = (DL)_(h^(t)) ⊙ (1 - (h^(t))^2); (Da_m)_(x_i) = U[m, i]; (Dx_i)_(E) is slice i
    of the tensor of :func:`embedding_jacobian_tensor`. One ``einsum`` over t, m, i.
    Returns (vocab, d_model).
    """
    da = np.asarray(dh) * cache.dtanh                        # (..., T, n_hidden)
    da = da.reshape(-1, params.n_hidden)                     # (positions, m)
    tensors = np.stack([embedding_jacobian_tensor(params.vocab_size, params.d_model, int(tok))
                        for tok in cache.inputs.ravel()])    # (positions, vocab, i, j)
    return np.einsum("tm,mi,tvij->vj", da, params.U, tensors)
