"""The right backward pass and its classic wrong readings, one switch each (the capstone's mistakes).

:func:`backward_variant` with its defaults is eqs (4.1)-(4.9) of the tanh network; every switch
turns one equation into a known wrong reading of it, so that the capstone's checker can say
which slip (or which two slips together) reproduces a student's numbers exactly.
"""

from __future__ import annotations

import numpy as np

from ..forward_pass import ForwardCache
from ..params import Params


def backward_variant(params: Params, cache: ForwardCache, *, act: str = "tanh", act_rec: str | None = None,
                     scale: str = "mean", rec: str = "rows", dW: str = "from t=0",
                     dE: str = "add.at") -> Params:
    """Eqs (4.1)-(4.9) with switches; the defaults give the right gradients of the tanh network.

    act: the derivative (Dh)_a in the parameter sums (4.5), (4.7)-(4.9): "tanh" 1 - h²,
    "(1-h)^2" (the misprint before 3.16), "relu" 1{a > 0}, "h" (h itself), "none" (left out).
    act_rec: the same in the recursion (4.3) (default: ``act``).
    scale: "mean" 1/(B·τ); "sum" no factor; "tau" 1/τ even for a batch.
    rec: (4.3) with diag[f] W ("rows"), the literal broadcast f ⊙ W ("columns"), W^T ("W^T").
    dW: "from t=0" (4.7); "from t=1" (h(0) left out); "h(t+1)" (paired with the wrong state);
    "transposed". dE: "add.at" (every repeat counts), "+=" (``dE[idx] += rows``), "+= per sequence"
    (the same, once per sequence of a batch).
    """
    h, x, a, V, W = cache.h, cache.x, cache.a, params.V, params.W
    tau = cache.T

    def derivative(kind):
        h_t = h[..., 1:, :]
        return {"tanh": 1 - h_t**2, "(1-h)^2": (1 - h_t) ** 2, "relu": (a > 0).astype(float),
                "h": h_t, "none": np.ones_like(h_t)}[kind]

    f_sum, f_rec = derivative(act), derivative(act_rec or act)
    n = {"mean": cache.n_positions, "sum": 1, "tau": tau}[scale]
    do = (cache.y_hat - np.eye(params.vocab_size)[cache.targets]) / n            # (4.1)
    dh = np.zeros_like(a)
    dh[..., tau - 1, :] = do[..., tau - 1, :] @ V                                # (4.2)
    for t in range(tau - 1, 0, -1):                                              # (4.3)
        f_next, dh_next = f_rec[..., t, :], dh[..., t, :]
        if rec == "rows":
            back = (dh_next * f_next) @ W
        elif rec == "columns":
            back = np.einsum("...j,...jk->...k", dh_next, f_next[..., None, :] * W)
        else:
            back = (dh_next * f_next) @ W.T
        dh[..., t - 1, :] = back + do[..., t - 1, :] @ V

    def rows(array):
        return array.reshape(-1, array.shape[-1])

    da = dh * f_sum
    if dW == "from t=0":
        grad_W = rows(da).T @ rows(h[..., :-1, :])
    elif dW == "from t=1":
        grad_W = rows(da[..., 1:, :]).T @ rows(h[..., 1:-1, :])
    elif dW == "h(t+1)":
        grad_W = rows(da).T @ rows(h[..., 1:, :])
    else:
        grad_W = rows(h[..., :-1, :]).T @ rows(da)
    grad_E = np.zeros_like(params.E)
    if dE == "add.at":
        np.add.at(grad_E, cache.inputs.ravel(), rows(da) @ params.U)
    elif dE == "+=":
        grad_E[cache.inputs.ravel()] += rows(da) @ params.U
    else:  # "+= per sequence": the same slip inside a loop over the sequences of a batch
        for tokens, da_s in zip(cache.inputs.reshape(-1, tau), da.reshape(-1, tau, da.shape[-1]),
                                strict=True):
            grad_E[tokens] += da_s @ params.U
    return Params(E=grad_E, U=rows(da).T @ rows(x), W=grad_W, b=rows(da).sum(axis=0),
                  V=rows(do).T @ rows(h[..., 1:, :]), c=rows(do).sum(axis=0))
