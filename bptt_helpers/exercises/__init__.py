"""Checkers for the exercises in the notebooks.

An exercise asks the student to write one equation as a function; its checker
calls that function on a few small cases, compares with the package's own
result, and returns a :class:`CheckResult` that prints as one line: a tick, or
a cross with a hint. A function that still raises ``NotImplementedError`` (the
student edition's placeholder) is reported as not done yet, never as an error.

Grading (nbgrader, see LECTURES.md): every checker takes ``graded=False``. The notebooks call
it with ``graded=True`` in the exercise's test cell. With the environment variable
``BPTT_GRADING`` set (the course folder's ``nbgrader_config.py`` sets it for autograding), a
graded check that fails prints its ✗ message and then raises ``AssertionError``, so the test
cell loses its points. Without it, nothing ever raises: a student who runs all cells of the
student edition sees "not implemented yet" with a hint, not a traceback.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import numpy as np

GRADING_ENV = "BPTT_GRADING"


def grading() -> bool:
    """True when the checkers run under an autograder (``BPTT_GRADING`` set and not 0)."""
    return os.environ.get(GRADING_ENV, "") not in ("", "0")


@dataclass
class CheckResult:
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:  # IPython display: just the message
        p.text(self.message)


def checker(check):
    """Give a ``check_*(student_fn, ...) -> CheckResult`` function the ``graded`` switch.

    ``graded=True`` marks the call as an exercise's graded test. Under an autograder
    (:func:`grading`) it prints the message and returns nothing (nbgrader would read a
    returned value as partial credit), and a failed check raises ``AssertionError``.
    """
    @functools.wraps(check)
    def wrapper(*args, graded: bool = False, **kwargs) -> CheckResult | None:
        if not isinstance(graded, bool):
            raise TypeError(f"graded must be True or False, got {graded!r}")
        result = check(*args, **kwargs)
        if not (graded and grading()):
            return result
        print(result.message)
        if not result.passed:
            raise AssertionError(result.message)
        return None
    return wrapper


def run_check(title: str, student_fn, cases, hint: str, rtol: float = 1e-8) -> CheckResult:
    """Call ``student_fn(*args)`` for each ``(args, expected)`` in ``cases`` and compare.

    Returns a passing result if every output has the expected shape and matches to
    ``rtol`` (relative to the expected values' scale); otherwise a failing result whose
    message says what went wrong and gives ``hint``.
    """
    for number, (args, expected) in enumerate(cases, start=1):
        try:
            got = student_fn(*args)
        except NotImplementedError:
            return CheckResult(False, f"✗ {title}: not implemented yet. Hint: {hint}")
        except Exception as exc:  # the student's code raised: report, do not crash
            return CheckResult(False, f"✗ {title}: case {number} raised "
                                      f"{type(exc).__name__}: {exc}. Hint: {hint}")
        expected = np.asarray(expected)
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return CheckResult(False, f"✗ {title}: case {number} returned {type(got).__name__}, "
                                      f"expected an array of shape {expected.shape}. Hint: {hint}")
        if got.shape != expected.shape:
            return CheckResult(False, f"✗ {title}: case {number} has shape {got.shape}, "
                                      f"expected {expected.shape}. Hint: {hint}")
        scale = max(float(np.max(np.abs(expected))), 1e-300) if expected.size else 1.0
        err = float(np.max(np.abs(got - expected))) / scale if expected.size else 0.0
        if not err <= rtol:
            return CheckResult(False, f"✗ {title}: case {number} is off (relative error "
                                      f"{err:.1e}). Hint: {hint}")
    return CheckResult(True, f"✓ {title}: correct on all {len(cases)} cases.")
