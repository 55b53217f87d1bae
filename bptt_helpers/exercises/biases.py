"""Checkers for notebook 05: the bias gradients, eqs (4.4) and (4.5).

The student's functions get one sequence: ``do`` (T, vocab) with row t-1 = (DL)_(o^(t)),
``dh`` (T, n_hidden) with row t-1 = (DL)_(h^(t)), and ``h`` (T+1, n_hidden) with row
t = h^(t), including h^(0).
"""

from __future__ import annotations

from . import CheckResult, checker
from ._cases import check_with_mistakes

HINT_DC = "(DL)_c is the sum over t of the rows (DL)_(o^(t)) of do: sum over axis 0."
HINT_DB = ("(DL)_b = Σ_t (DL)_(h^(t)) ⊙ (1 - (h^(t))^2) with t = 1..τ, "
           "i.e. dh * (1 - h[1:]**2) summed over axis 0.")


@checker
def check_dc(my_dc) -> CheckResult:
    """Eq. (4.4): ``my_dc(do) -> (vocab,)``."""
    return check_with_mistakes(
        "dL/dc (eq 4.4)", my_dc, ("do",), lambda case: case["grads"]["c"], HINT_DC,
        mistakes=[(lambda case: case["do"].mean(axis=0),
                   "that is the mean over t; eq 4.4 is the SUM (the 1/τ is already inside do)."),
                  (lambda case: case["do"][-1],
                   "that is only the last step; c is used at every step, so add all τ rows.")])


@checker
def check_db(my_db) -> CheckResult:
    """Eq. (4.5): ``my_db(dh, h) -> (n_hidden,)``."""
    return check_with_mistakes(
        "dL/db (eq 4.5)", my_db, ("dh", "h"), lambda case: case["grads"]["b"], HINT_DB,
        mistakes=[(lambda case: case["dh"].sum(axis=0),
                   "you summed (DL)_(h^(t)) but b acts before the tanh: multiply each row by "
                   "1 - (h^(t))^2 first (eq 3.7)."),
                  (lambda case: (case["dh"] * (1 - case["h"][:-1] ** 2)).sum(axis=0),
                   "off by one step: dh[t-1] is (DL)_(h^(t)), so pair it with h^(t) = h[t], "
                   "i.e. use h[1:], not h[:-1]."),
                  (lambda case: (case["dh"] * (1 - case["h"][1:]) ** 2).sum(axis=0),
                   "(1 - h)^2 is not the tanh derivative: it is 1 - h^2.")])
