"""Checkers for the exercises in the notebooks.

An exercise asks the student to write one equation as a function; its checker calls that
function on a few small cases, compares with the package's own result, and returns a
:class:`CheckResult` that prints as a tick, or a cross with a hint. Every checker follows the
one policy of :mod:`bptt_helpers.exercises.policy` (CONTRIBUTING.md, "The checker policy"):
the exercise modules hold only data (cases, known mistakes, hint texts).

Every checker takes ``graded=False``, ``hidden=0`` and ``hints=None``:

- ``graded=True`` marks the exercise's graded test cell (nbgrader). With the environment
  variable ``BPTT_GRADING`` set (the course folder's ``nbgrader_config.py`` sets it), a graded
  check prints its message with every hint level and returns its points as a float, which
  nbgrader reads as the cell's (partial) credit. Without it, nothing ever raises: a student sees
  "not implemented yet" with the idea, not a traceback.
- ``hidden=n`` adds n sets of cases drawn now (nbgrader's hidden tests, which no release holds).
- ``hints="all"`` shows every hint level at once (cells that show a wrong answer on purpose).
"""

from __future__ import annotations

import functools
import os

from .policy import Case, CheckResult, Exercise, Mistake, check

GRADING_ENV = "BPTT_GRADING"
EXERCISES: dict[str, Exercise] = {}   # checker name -> its exercise (answers, cases, texts)


def grading() -> bool:
    """True when the checkers run under an autograder (``BPTT_GRADING`` set and not 0)."""
    return os.environ.get(GRADING_ENV, "") not in ("", "0")


def _graded_switch(fn):
    """Give a ``check_*(student_fn, ...) -> CheckResult`` function the ``graded`` switch."""
    @functools.wraps(fn)
    def wrapper(*args, graded: bool = False, **kwargs) -> CheckResult | float:
        if not isinstance(graded, bool):
            raise TypeError(f"graded must be True or False, got {graded!r}")
        result = fn(*args, **kwargs)
        if not (graded and grading()):
            return result
        print(result.message)
        return result.score   # nbgrader: a number as the cell's result is its partial credit
    return wrapper


def checker(check_fn):
    """The ``graded`` switch for a checker written as code (its own rules, e.g. a set answer)."""
    return _graded_switch(check_fn)


def make_checker(name: str, exercise: Exercise, doc: str = ""):
    """The checker function ``name(student_fn, *, graded=False, hidden=0, hints=None)`` of
    ``exercise``, registered in :data:`EXERCISES`."""
    def run(student_fn, *, hidden: int = 0, hints: str | None = None) -> CheckResult:
        return check(exercise, student_fn, hidden=hidden, hints=hints)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = doc or f"Check a student's function: {exercise.title}."
    wrapped = _graded_switch(run)
    wrapped.exercise = exercise
    EXERCISES[name] = exercise
    return wrapped


def load_all() -> dict[str, Exercise]:
    """Import every checker module, so that :data:`EXERCISES` holds every exercise of the series."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return EXERCISES


def run_check(title: str, student_fn, cases, hint: str, rtol: float = 1e-8) -> CheckResult:
    """The policy on ad-hoc ``[(args, expected), ...]`` cases, with one hint for idea and change."""
    listed = [Case(f"case {i}", tuple(args), expected) for i, (args, expected) in enumerate(cases, 1)]
    exercise = Exercise(title, hint, hint, lambda rng: listed,
                        tuple(f"argument {i}" for i in range(1, 10)), rtol=rtol)
    return check(exercise, student_fn)


__all__ = ["EXERCISES", "GRADING_ENV", "Case", "CheckResult", "Exercise", "Mistake", "checker",
           "grading", "load_all", "make_checker", "run_check"]
