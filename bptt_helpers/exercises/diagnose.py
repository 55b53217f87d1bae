"""Name the likely mistake when a student's answer fails a checker.

``check_with_diagnosis`` runs :func:`bptt_helpers.exercises.run_check`; when the
answer is wrong, it compares the answer on the first case with a few known wrong
readings of the equation (forgot 1/τ, scaled the columns instead of the rows, ...)
and, if one matches, replaces the generic hint by the one for that mistake.
"""

from __future__ import annotations

import numpy as np

from . import CheckResult, run_check


def check_with_diagnosis(title: str, student_fn, make_cases, hint: str, mistakes, rtol: float = 1e-8):
    """Like ``run_check`` on ``make_cases()``, plus specific hints.

    make_cases: a function returning fresh ``[(args, expected), ...]`` (fresh, so that an
    answer that modifies its arguments in place cannot spoil the diagnosis).

    mistakes: list of ``(wrong_fn, hint)``; ``wrong_fn`` takes the same arguments as the
    student's function and returns a known wrong answer. Returns a :class:`CheckResult`.
    """
    result = run_check(title, student_fn, make_cases(), hint, rtol)
    if result.passed or "not implemented yet" in result.message:
        return result
    args, _ = make_cases()[0]
    try:
        got = np.asarray(student_fn(*args), dtype=np.float64)
    except Exception:  # the generic message already reports the error
        return result
    for wrong_fn, specific_hint in mistakes:
        wrong = np.asarray(wrong_fn(*make_cases()[0][0]), dtype=np.float64)
        scale = max(float(np.max(np.abs(wrong))), 1e-300)
        if got.shape == wrong.shape and float(np.max(np.abs(got - wrong))) / scale <= 1e-8:
            return CheckResult(False, f"✗ {title}: case 1 is off. Hint: {specific_hint}")
    return result
