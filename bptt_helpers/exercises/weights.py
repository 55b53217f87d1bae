"""Checkers for notebook 06: the weight gradients, eqs (4.6) and (4.7).

The student's functions get one sequence: ``do`` (T, vocab) with row t-1 = (DL)_(o^(t)),
``dh`` (T, n_hidden) with row t-1 = (DL)_(h^(t)), and ``h`` (T+1, n_hidden) with row
t = h^(t), including h^(0). The test cases start from a nonzero h^(0).
"""

from __future__ import annotations

from . import CheckResult, checker
from ._cases import check_with_mistakes

HINT_DV = "(DL)_V = Σ_t (DL)_(o^(t)) ⊗ h^(t), t = 1..τ: np.outer(do[t-1], h[t]) summed."
HINT_DW = ("(DL)_W = Σ_(t=0)^(τ-1) [(DL)_(h^(t+1)) ⊙ (1 - (h^(t+1))^2)] ⊗ h^(t): "
           "pair row t of dh * (1 - h[1:]**2) with h[t] for t = 0..τ-1 (h[:-1]).")


def _g(case):
    """[(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] for t = 1..τ, shape (T, n_hidden)."""
    return case["dh"] * (1 - case["h"][1:] ** 2)


def _dW_from_t1(case):
    """The classic slip: the sum of eq 4.7 started at t = 1, dropping the h^(0) term."""
    return _g(case)[1:].T @ case["h"][1:-1]


@checker
def check_dV(my_dV) -> CheckResult:
    """Eq. (4.6): ``my_dV(do, h) -> (vocab, n_hidden)``."""
    return check_with_mistakes(
        "dL/dV (eq 4.6)", my_dV, ("do", "h"), lambda case: case["grads"]["V"], HINT_DV,
        mistakes=[(lambda case: case["do"].T @ case["h"][:-1],
                   "off by one step: o^(t) is computed from h^(t) = h[t], so use h[1:], not h[:-1]."),
                  (lambda case: (case["do"].T @ case["h"][1:]).T,
                   "transposed: the outer product (DL)_(o^(t)) ⊗ h^(t) is do[t-1][:, None] * h[t], "
                   "rows for the vocabulary (V is vocab x n_hidden).")])


@checker
def check_dW(my_dW) -> CheckResult:
    """Eq. (4.7): ``my_dW(dh, h) -> (n_hidden, n_hidden)``; a loop or one matrix product."""
    return check_with_mistakes(
        "dL/dW (eq 4.7)", my_dW, ("dh", "h"), lambda case: case["grads"]["W"], HINT_DW,
        mistakes=[(_dW_from_t1,
                   "your sum starts at t = 1 and leaves out h^(0). W also carries h^(0) into "
                   "h^(1), so eq 4.7 runs from t = 0: add [(DL)_(h^(1)) ⊙ (1 - (h^(1))^2)] ⊗ h^(0)."),
                  (lambda case: _g(case).T @ case["h"][1:],
                   "off by one step: W multiplies the PREVIOUS state, so pair (DL)_(a^(t+1)) with "
                   "h^(t) = h[:-1], not with h^(t+1)."),
                  (lambda case: (case["dh"] * (1 - case["h"][1:]) ** 2).T @ case["h"][:-1],
                   "(1 - h)^2 is the paper's misprint before (3.16); the tanh derivative is 1 - h^2."),
                  (lambda case: case["h"][:-1].T @ _g(case),
                   "transposed: row i of dW belongs to a_i, so the gradient factor is on the left "
                   "(outer(g, h_prev)), not outer(h_prev, g)."),
                  (lambda case: case["dh"].T @ case["h"][:-1],
                   "you left out the tanh derivative: multiply dh by 1 - (h^(t+1))^2 first.")])


__all__ = ["check_dV", "check_dW"]
