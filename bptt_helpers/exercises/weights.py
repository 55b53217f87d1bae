"""The exercises of notebook 06, as data for the policy: the weight gradient of eq (4.7).

The student's functions get one sequence: ``do`` (T, vocab) with row t-1 = (DL)_(o^(t)),
``dh`` (T, n_hidden) with row t-1 = (DL)_(h^(t)), and ``h`` (T+1, n_hidden) with row
t = h^(t), including h^(0). The cases start from a nonzero h^(0).
"""

from __future__ import annotations

from .. import grads_as_written, grads_fast
from . import Exercise, Mistake, make_checker
from ._cases import cases_for


def _g(c):
    """[(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] for t = 1..τ, shape (T, n_hidden)."""
    dh, h = c.args
    return dh * (1 - h[1:] ** 2)


DW = Exercise(
    title="dL/dW (eq 4.7)",
    idea="Eq (4.7): W is used at every step, carrying h(t) into a(t+1); each use gives an outer "
         "product of the gradient at a(t+1) with the state it multiplied, h(t), and the uses add up "
         "(a loop, or one matrix product).",
    change="(DL)_W = Σ_{t=0}^{τ-1} [(DL)_h(t+1) ⊙ (1 - (h(t+1))²)] ⊗ h(t): pair row t of "
           "dh * (1 - h[1:]**2) with h[t] for t = 0..τ-1 (h[:-1])",
    cases=cases_for(("dh", "h"), "W"), arg_names=("dh", "h"),
    answers=(grads_as_written.dW, grads_fast.dW),
    mistakes=(
        Mistake("from t = 1", lambda c: _g(c)[1:].T @ c.args[1][1:-1],
                "your sum misses one term: the one with h(0).",
                "W also carries h(0) into h(1), so eq 4.7 runs from t = 0: add "
                "[(DL)_h(1) ⊙ (1 - (h(1))²)] ⊗ h(0)."),
        Mistake("h(t+1)", lambda c: _g(c).T @ c.args[1][1:],
                "each term pairs the gradient at a(t+1) with the wrong state.",
                "W multiplies the PREVIOUS state: pair (DL)_a(t+1) with h(t) = h[:-1], not with h(t+1)."),
        Mistake("(1-h)^2", lambda c: (c.args[0] * (1 - c.args[1][1:]) ** 2).T @ c.args[1][:-1],
                "the factor applied to (DL)_h is not the tanh derivative.",
                "(1 - h)² is the paper's misprint before (3.16); the tanh derivative is 1 - h²."),
        Mistake("transposed", lambda c: c.args[1][:-1].T @ _g(c),
                "your matrix is the transpose of the right one (W is square, so the shape cannot say so).",
                "row i of dW belongs to a_i, so the gradient factor stands on the left: outer(g, h_prev)."),
        Mistake("no tanh'", lambda c: c.args[0].T @ c.args[1][:-1],
                "the terms miss a factor: W acts inside a(t+1), before the tanh.",
                "multiply dh by 1 - (h(t+1))² first (eq 3.7)."),
    ))
check_dW = make_checker("check_dW", DW)

__all__ = ["check_dW"]
