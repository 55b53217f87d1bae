"""A restructured forward + backward, to measure what the package's own code could reach.

NOT used by the package, the notebooks or the tests: the benchmark times it next to
``backward(forward(...))`` and checks that its gradients agree. It computes the same
mathematics in one fused function. The package already computes x U^T + b in one product,
the softmax once and 1 - h^2 once; what only this fused form does, because the package keeps
one readable function per equation with the caller's (B, T, ·) layout, is:

* time-major contiguous arrays (T, B, ·) internally, so every per-step slice is contiguous;
* W^T copied once to a contiguous array (h @ W^T with a transposed operand is slower);
* the backward recursion on (DL)_(a^(t)) = (DL)_(h^(t)) ⊙ (1 - h^2), so the products
  for W, U, b and E reuse it (each of the package's eqs 4.5, 4.7-4.9 forms dh ⊙ (1 - h^2) itself);
* dE as a one-hot product (vocab x B·T) @ (B·T x d_model) instead of ``np.add.at``;
* fewer fresh arrays: at the teaching size much of the remaining gap is page faults on
  newly allocated megabyte arrays (glibc hands them back to the kernel after each call).
"""

from __future__ import annotations

import numpy as np

from bptt_helpers import Params
from bptt_helpers.validate import check_inputs, check_params


def forward_backward(params: Params, inputs, targets, h0) -> tuple[float, Params]:
    """(loss, gradients) of eqs 1.1-1.7 and 4.1-4.9, validated like ``forward``/``backward``."""
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    check_params(params)  # what backward() checks again
    p, dtype = params, params.E.dtype
    T, H, D = inputs.shape[-1], p.n_hidden, p.d_model
    tokens = inputs.reshape(-1, T).T              # (T, B) time-major token ids
    labels = targets.reshape(-1, T).T.ravel()     # (T·B,)
    B = tokens.shape[1]
    N = T * B

    # forward, eqs 1.3-1.7
    x = p.E[tokens]                                # (T, B, D)
    xu = (x.reshape(N, D) @ p.U.T).reshape(T, B, H)
    xu += p.b
    W_T = np.ascontiguousarray(p.W.T)
    h = np.empty((T + 1, B, H), dtype=dtype)
    h[0] = h0
    for t in range(T):
        np.matmul(h[t], W_T, out=h[t + 1])
        h[t + 1] += xu[t]
        np.tanh(h[t + 1], out=h[t + 1])
    hs = h[1:].reshape(N, H)
    o = hs @ p.V.T
    o += p.c
    o -= o.max(axis=1, keepdims=True)              # shifted: exp never overflows
    rows = np.arange(N)
    picked = o[rows, labels]                       # shifted logit of each target
    np.exp(o, out=o)                               # unnormalised probabilities
    total = o.sum(axis=1)
    loss = float(np.mean(np.log(total) - picked))  # eqs 1.1-1.2, finite for logits of ±1e4

    # backward, eqs 4.1-4.9
    do = o
    do /= total[:, None]                           # ŷ
    do[rows, labels] -= 1.0
    do /= N                                        # (4.1)
    dV = do.T @ hs                                 # (4.6)
    dc = do.sum(axis=0)                            # (4.4)
    dh_out = (do @ p.V).reshape(T, B, H)           # (DL)_(o^(t)) V for every t
    dtanh = h[1:] * h[1:]
    np.subtract(1.0, dtanh, out=dtanh)
    da = np.empty((T, B, H), dtype=dtype)          # (DL)_(a^(t))
    np.multiply(dh_out[T - 1], dtanh[T - 1], out=da[T - 1])  # (4.2)
    for t in range(T - 2, -1, -1):                 # (4.3)
        np.matmul(da[t + 1], p.W, out=da[t])
        da[t] += dh_out[t]
        da[t] *= dtanh[t]
    da = da.reshape(N, H)
    dW = da.T @ h[:-1].reshape(N, H)               # (4.7)
    dU = da.T @ x.reshape(N, D)                    # (4.8)
    db = da.sum(axis=0)                            # (4.5)
    one_hot = np.zeros((p.vocab_size, N), dtype=dtype)
    one_hot[tokens.ravel(), rows] = 1.0
    dE = one_hot @ (da @ p.U)                      # (4.9)
    return loss, Params(E=dE, U=dU, W=dW, b=db, V=dV, c=dc)
