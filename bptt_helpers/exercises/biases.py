"""The exercises of notebook 05, as data for the policy: the bias gradients, eqs (4.4) and (4.5).

The student's functions get one sequence: ``do`` (T, vocab) with row t-1 = (DL)_(o^(t)),
``dh`` (T, n_hidden) with row t-1 = (DL)_(h^(t)), and ``h`` (T+1, n_hidden) with row
t = h^(t), including h^(0).
"""

from __future__ import annotations

from .. import grads_as_written, grads_fast
from . import Exercise, Mistake, make_checker
from ._cases import arrays, cases_for

DC = Exercise(
    title="dL/dc (eq 4.4)",
    idea="Eq (4.4): c is used at every step, and (Do(t))_c = I, so its gradient collects one "
         "term per use: the sum over t of (DL)_o(t).",
    change="(DL)_c is the sum over t of the rows (DL)_o(t) of do: sum over axis 0",
    cases=cases_for(("do",), "c"), arg_names=("do",),
    answers=(grads_as_written.dc, grads_fast.dc),
    mistakes=(
        Mistake("mean", lambda c: c.args[0].mean(axis=0),
                "that is the mean over t of (DL)_o(t).",
                "eq 4.4 is the SUM; the 1/τ of the mean loss is already inside every row of do."),
        Mistake("last step", lambda c: c.args[0][-1],
                "that is the last step's term only.",
                "c is used at every step: add all τ rows."),
    ))
check_dc = make_checker("check_dc", DC)

_DB = ("dh", "h")
DB = Exercise(
    title="dL/db (eq 4.5)",
    idea="Eq (4.5) = (3.12): b acts inside a(t), before the tanh, at every step: one term per "
         "step, each (DL)_h(t) passed back through the tanh, summed over t.",
    change="multiply each row (DL)_h(t) of dh by 1 - (h(t))², with h(t) = h[t] for t = 1..τ "
           "(h[1:]), then sum over axis 0",
    cases=cases_for(_DB, "b"), arg_names=_DB,
    answers=(grads_as_written.db, grads_fast.db),
    mistakes=(
        Mistake("no tanh'", lambda c: arrays(c, _DB)["dh"].sum(axis=0),
                "you summed (DL)_h(t) as it is, but b acts before the tanh.",
                "multiply each row by 1 - (h(t))² first (eq 3.7)."),
        Mistake("h(t-1)", lambda c: (c.args[0] * (1 - c.args[1][:-1] ** 2)).sum(axis=0),
                "the derivative is taken at the wrong step: one step too early.",
                "dh[t-1] is (DL)_h(t), so pair it with h(t) = h[t]: use h[1:], not h[:-1]."),
        Mistake("(1-h)^2", lambda c: (c.args[0] * (1 - c.args[1][1:]) ** 2).sum(axis=0),
                "the factor is not the tanh derivative.",
                "(1 - h)² is the paper's misprint before (3.16); the derivative of tanh is 1 - h²."),
    ))
check_db = make_checker("check_db", DB)

__all__ = ["check_db", "check_dc"]
