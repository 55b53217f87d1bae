"""The Jacobians of §3.1 and §3.2, as matrices you can print, plot and check.

The backward pass never builds these matrices (it multiplies by them implicitly);
notebooks 03 and 04 build them to look at them and to check the paper's steps:

- :func:`softmax_jacobian`: (Dŷ)_o = diag(ŷ) - ŷ^T ŷ, used in eqs 3.1-3.3;
- :func:`chain_rule_dlogits`: eq 3.1 evaluated literally, as a row vector times that Jacobian;
- :func:`hidden_step_jacobian`: (Dh^(t+1))_(h^(t)) = diag[1 - (h^(t+1))^2] W, eq 3.7;
- :func:`numerical_jacobian`: central differences of any vector function, to check them.

Row-vector convention: a Jacobian has one row per output and one column per input,
so a gradient (a row) is pushed back by multiplying it from the left.
"""

from __future__ import annotations

import numpy as np


def _vector(name: str, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu" or arr.dtype == bool:
        raise TypeError(f"{name} must be a real-valued vector, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D vector, got shape {arr.shape}")
    return arr.astype(np.float64, copy=False)


def softmax_jacobian(y_hat) -> np.ndarray:
    """(Dŷ)_o for ŷ = softmax(o), eq 1.7: the matrix diag(ŷ) - ŷ^T ŷ.

    Entry (k, i) is dŷ_k / do_i = ŷ_k (1{k = i} - ŷ_i): ŷ_i - ŷ_i^2 on the diagonal
    (the factor in eq 3.2) and -ŷ_k ŷ_i off it (the factor in eq 3.3).
    y_hat: (vocab,) probabilities -> (vocab, vocab), symmetric, every row sums to 0.
    """
    y_hat = _vector("y_hat", y_hat)
    return np.diag(y_hat) - np.outer(y_hat, y_hat)


def chain_rule_dlogits(y_hat, target: int, tau: int) -> np.ndarray:
    """Eq. (3.1) for one timestep: (1/τ) Σ_k (DL^(t))_(ŷ_k) (Dŷ_k)_(o_i), for every i at once.

    (DL)_(L^(t)) = 1/τ comes from the mean in eq 1.2. L^(t) = -log ŷ_y depends on ŷ
    only through ŷ_y, so the row (DL^(t))_ŷ is zero except -1/ŷ_y at k = y. The
    result must equal (1/τ)(ŷ - onehot(y)), eq 3.4 = 4.1.
    y_hat: (vocab,); target: int in [0, vocab); tau: int >= 1 -> (vocab,).
    """
    y_hat = _vector("y_hat", y_hat)
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(f"target must be an integer token id, got {target!r}")
    if not 0 <= target < y_hat.size:
        raise ValueError(f"target must lie in [0, {y_hat.size - 1}], got {target}")
    if isinstance(tau, bool) or not isinstance(tau, (int, np.integer)) or tau < 1:
        raise ValueError(f"tau must be a positive integer, got {tau!r}")
    dL_dLt = 1.0 / tau                      # (DL)_(L^(t)), from eq 1.2
    dLt_dyhat = np.zeros_like(y_hat)        # (DL^(t))_ŷ, a row
    dLt_dyhat[target] = -1.0 / y_hat[target]
    return dL_dLt * (dLt_dyhat @ softmax_jacobian(y_hat))


def hidden_step_jacobian(h_next, W) -> np.ndarray:
    """Eq. (3.7): (Dh^(t+1))_(h^(t)) = diag[1 - (h^(t+1))^2] W.

    h^(t+1) = tanh(h^(t) W^T + ...), so row j (output h_j^(t+1)) is row j of W scaled
    by 1 - (h_j^(t+1))^2: the vector scales the *rows* of W.
    h_next: (n_hidden,); W: (n_hidden, n_hidden) -> (n_hidden, n_hidden).
    """
    h_next = _vector("h_next", h_next)
    W = np.asarray(W, dtype=np.float64)
    if W.shape != (h_next.size, h_next.size):
        raise ValueError(f"W must have shape {(h_next.size, h_next.size)} to match h_next, "
                         f"got {W.shape}")
    return np.diag(1 - h_next**2) @ W


def numerical_jacobian(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of a vector function, in float64.

    f: maps an (n,) array to an (m,) array; x: (n,) -> (m, n), entry (k, i) ≈ df_k/dx_i.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one vector, got {type(f).__name__}")
    x = _vector("x", x).copy()
    columns = []
    for i in range(x.size):
        saved = x[i]
        x[i] = saved + eps
        plus = np.asarray(f(x), dtype=np.float64)
        x[i] = saved - eps
        minus = np.asarray(f(x), dtype=np.float64)
        x[i] = saved
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=-1)
