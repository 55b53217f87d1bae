"""Checker for the warm-up exercise of notebook 00: broadcasting a vector against a matrix.

The paper's eq (4.3) multiplies a vector into W "by broadcasting", and the right reading is
diag(v) W, which scales the rows. This exercise practises exactly that, before it matters.
"""

from __future__ import annotations

import numpy as np

from . import CheckResult, checker, run_check


def _cases():
    rng = np.random.default_rng(0)
    cases = []
    for n, m in ((3, 3), (4, 4), (2, 5)):
        v, M = rng.standard_normal(n), rng.standard_normal((n, m))
        cases.append(((v, M), np.diag(v) @ M))
    return cases


@checker
def check_scale_rows(student_fn) -> CheckResult:
    """``student_fn(v, M)`` must return diag(v) @ M (row i of M times v[i]) without np.diag."""
    result = run_check("diag(v) M by broadcasting", student_fn, _cases(),
                       hint="v must act as a column, v[:, None] * M; plain v * M scales the columns")
    if not result.passed:
        v, M = _cases()[0][0]
        try:
            columns = np.allclose(student_fn(v, M), v * M) and not np.allclose(v * M, np.diag(v) @ M)
        except Exception:  # the student's code may raise: the message above already says so
            columns = False
        if columns:
            return CheckResult(False, "✗ diag(v) M by broadcasting: your result scales the "
                                      "columns of M (that is M diag(v)). Hint: make v a column "
                                      "with v[:, None].")
    return result
