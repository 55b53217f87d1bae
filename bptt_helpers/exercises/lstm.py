"""Checker for notebook 13: one LSTM step's backward pass, in cs231n's shape.

The student writes ``my_lstm_step_backward(dh, dc_next, cache)``:

- ``dh`` (B, n): (DL)_h(t), all of eq 13.5; ``dc_next`` (B, n): (DL)_c(t+1) ⊙ f(t+1), what
  reaches c(t) from the step after it; ``cache``: the step's :class:`~bptt_helpers.lstm.StepCache`
  (``x``, ``h_prev``, ``c_prev``, the gates ``i f g q`` (and ``acts``), ``c``, ``W_ih``, ``W_hh``);
- returns ``(dx, dh_prev, dc_prev, dW_ih, dW_hh, db)`` (or a dict with those keys).

Each of the six outputs is compared with central finite differences (float64) of
S = Σ dh ⊙ h(t) + Σ dc_next ⊙ c(t), whose gradients they are, and with the package's
:func:`~bptt_helpers.lstm.step_backward`; each right output is worth one point (nbgrader's
partial credit, see :func:`check_lstm_step_backward`). A wrong answer is compared with the
classic mistakes, each a variant of the right step (:func:`step_variant`), and named.

The checking policy (the series' rules, tested in tests/test_exercises_lstm.py):

- **mutation**: every argument is a copy, compared afterwards: an argument changed in place is a
  named ✗, whatever the outputs;
- **dtype**: a float32 case is checked to float32's tolerance (1e-4); an answer right in float64
  but off in float32 gets a message naming the dtype;
- **types and shapes**: a wrong container, a missing output, a wrong shape (a transposed weight
  gradient is named) are each their own ✗;
- **scale**: an output that is the right one times a constant factor is named with the factor;
- **case**: an answer right on some cases only names the cases it fails (e.g. B = 1 against B = 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gradcheck import verdict
from ..lstm.backward import step_backward
from . import CheckResult, grading
from ._lstm_cases import MISTAKES, Case, Mistake, cases, exact, numeric, step_variant

TITLE = "one LSTM step backward, eqs 13.6-13.12"
OUTPUTS = ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db")
EQUATION = {"dx": "(13.12)", "dh_prev": "(13.5)", "dc_prev": "(13.6)", "dW_ih": "(13.10)",
            "dW_hh": "(13.11)", "db": "(13.9)"}
HINT = ("(13.6): c(t) has two uses, h(t) and c(t+1), so its gradient is the sum of two paths; "
        "(13.7)-(13.8): each gate's gradient, then σ' or tanh' taken at that gate's output; "
        "(13.9)-(13.12): a row times a weight matrix for dx and dh_prev, sums of outer products over "
        "the B rows for the weights, and what c(t-1) receives passes through f(t) once")
FD_TOL, EXACT_TOL, FLOAT32_TOL = 1e-6, 1e-8, 1e-4


# ---- running the student's function --------------------------------------------------------------

class _Rejected(Exception):
    """The answer cannot be compared; the message says why."""


def _as_outputs(got, case: Case) -> dict[str, np.ndarray]:
    if hasattr(got, "dx") and hasattr(got, "dW_ih"):
        got = {name: getattr(got, name) for name in OUTPUTS}
    if isinstance(got, (tuple, list)):
        if len(got) != len(OUTPUTS):
            raise _Rejected(f"it returned {len(got)} values; return the six (dx, dh_prev, dc_prev, "
                            "dW_ih, dW_hh, db), in that order")
        got = dict(zip(OUTPUTS, got, strict=True))
    if not isinstance(got, dict):
        raise _Rejected(f"it returned {type(got).__name__}; return the tuple (dx, dh_prev, dc_prev, "
                        "dW_ih, dW_hh, db)")
    missing = [name for name in OUTPUTS if name not in got]
    if missing:
        raise _Rejected(f"{', '.join(missing)} missing: return all six, {', '.join(OUTPUTS)}")
    want = exact(case)
    out = {}
    for name in OUTPUTS:
        try:
            value = np.asarray(got[name], dtype=np.float64)
        except (TypeError, ValueError):
            raise _Rejected(f"{name} is a {type(got[name]).__name__}, not an array") from None
        if value.shape != want[name].shape:
            flipped = value.ndim == 2 and value.shape == want[name].shape[::-1]
            raise _Rejected(f"{name} has shape {value.shape}, expected {want[name].shape}"
                            + (": it is transposed (rows of a weight's gradient belong to the rows of "
                               "the weight, the 4·n gate rows)" if flipped else ""))
        if not np.isfinite(value).all():
            raise _Rejected(f"{name} contains NaN or infinite values")
        out[name] = value
    return out


def _rel(got, want) -> float:
    scale = max(float(np.max(np.abs(got))), float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got - want)))
    return err / scale if scale > 0 else err


def _scale_factor(got, want) -> float | None:
    """k if ``got`` is k · ``want`` for one constant k != 1 (to 1e-8), else None."""
    denom = float(np.sum(want * want))
    if denom == 0:
        return None
    k = float(np.sum(got * want)) / denom
    if abs(k - 1) < 1e-6 or _rel(got, k * want) > 1e-8:
        return None
    return k


@dataclass
class Outcome:
    """What the check found: per output, right on every case or not; the message; the points."""

    result: CheckResult
    right: dict[str, bool]

    @property
    def points(self) -> int:
        return sum(self.right.values())


def _run(student_fn) -> Outcome:
    nothing = dict.fromkeys(OUTPUTS, False)
    answers = []
    for case in cases():
        step = case.step()
        args = (case.dh.copy(), case.dc_next.copy(), step)
        before = {"dh": args[0].copy(), "dc_next": args[1].copy(),
                  **{f"cache.{k}": getattr(step, k).copy() for k in ("x", "h_prev", "c_prev", "acts", "c",
                                                                      "W_ih", "W_hh")}}
        try:
            got = student_fn(*args)
        except NotImplementedError:
            return Outcome(CheckResult(False, f"✗ {TITLE}: not implemented yet. Hint: {HINT}"), nothing)
        except Exception as exc:  # the student's code raised: report it, never a traceback
            return Outcome(CheckResult(False, f"✗ {TITLE}: on {case.label} it raised {type(exc).__name__}: "
                                              f"{exc}. Hint: {HINT}"), nothing)
        now = {"dh": args[0], "dc_next": args[1], **{f"cache.{k}": getattr(step, k) for k in
                                                      ("x", "h_prev", "c_prev", "acts", "c", "W_ih", "W_hh")}}
        changed = [k for k in before if not np.array_equal(before[k], now[k])]
        if changed:
            return Outcome(CheckResult(False, f"✗ {TITLE}: on {case.label} it changed {', '.join(changed)} "
                                              "in place (e.g. with +=, *= or out=): the caller still needs "
                                              "them. Compute new arrays instead."), nothing)
        try:
            answers.append(_as_outputs(got, case))
        except _Rejected as why:
            return Outcome(CheckResult(False, f"✗ {TITLE}: on {case.label}, {why}."), nothing)
    return _judge(answers)


def _judge(answers) -> Outcome:
    all_cases = cases()
    errors = []   # per case: {name: (err vs FD, err vs exact, ok)}
    for index, (case, got) in enumerate(zip(all_cases, answers, strict=True)):
        want, fd = exact(case), numeric(index)
        row = {}
        for name in OUTPUTS:
            e_fd, e_ex = _rel(got[name], fd[name]), _rel(got[name], want[name])
            ok = (e_ex < FLOAT32_TOL and e_fd < FLOAT32_TOL) if case.dtype == np.float32 \
                else (e_ex < EXACT_TOL and e_fd < FD_TOL)
            row[name] = (e_fd, e_ex, ok)
        errors.append(row)
    right = {name: all(row[name][2] for row in errors) for name in OUTPUTS}
    if all(right.values()):
        lines = [f"✓ {TITLE}: all six outputs match central finite differences (float64) and the exact step, "
                 f"on {', on '.join(c.label for c in all_cases)}.",
                 f"    {'output':<9}{'eq':<9}" + "".join(f"{c.label:>24}" for c in all_cases)]
        for name in OUTPUTS:
            lines.append(f"    {name:<9}{EQUATION[name]:<9}" + "".join(
                f"{verdict(row[name][0], FLOAT32_TOL if c.dtype == np.float32 else FD_TOL):>24}"
                for c, row in zip(all_cases, errors, strict=True)))
        lines.append(f"    points: {len(OUTPUTS)} of {len(OUTPUTS)}")
        return Outcome(CheckResult(True, "\n".join(lines)), right)
    return Outcome(CheckResult(False, _explain(answers, errors, right)), right)


def _explain(answers, errors, right) -> str:
    all_cases = cases()
    f64 = [k for k, c in enumerate(all_cases) if c.dtype == np.float64]
    wrong_64 = {name for k in f64 for name in OUTPUTS if not errors[k][name][2]}
    lines = []
    if not wrong_64:   # right in float64, wrong only in float32
        k = next(k for k, c in enumerate(all_cases) if c.dtype == np.float32)
        bad = [n for n in OUTPUTS if not errors[k][n][2]]
        return (f"✗ {TITLE}: right in float64, but on {all_cases[k].label} (inputs of dtype float32) "
                f"{', '.join(bad)} are off (relative error {max(errors[k][n][1] for n in bad):.1e}, more "
                f"than float32's {FLOAT32_TOL:g}): compute in the inputs' dtype and do not round or cast "
                f"to another dtype on the way.\n    points: {sum(right.values())} of {len(OUTPUTS)}")
    found = _diagnose(answers, f64)
    if found is not None:
        head = f"✗ {TITLE}: your answer is exactly a classic mistake. {found.diagnosis}"
    else:
        head = f"✗ {TITLE}: " + _locate(answers, errors, f64)
    lines.append(head)
    for name in OUTPUTS:
        cells = []
        for k in f64:
            e_fd, _, ok = errors[k][name]
            cells.append("✓" if ok else f"✗ ({e_fd:.1e})")
        lines.append(f"    {name:<9}{EQUATION[name]:<9}" + "  ".join(
            f"{all_cases[k].label}: {cell}" for k, cell in zip(f64, cells, strict=True)))
    lines.append(f"    points: {sum(right.values())} of {len(OUTPUTS)} (one per output right on every case). "
                 f"Hint: {HINT}")
    return "\n".join(lines)


def _diagnose(answers, f64) -> Mistake | None:
    for mistake in MISTAKES:
        if all(_rel(answers[k][name], exact(cases()[k], **mistake.switches)[name]) < EXACT_TOL
               for k in f64 for name in OUTPUTS):
            return mistake
    return None


def _locate(answers, errors, f64) -> str:
    all_cases = cases()
    bad_cases = [k for k in f64 if any(not errors[k][n][2] for n in OUTPUTS)]
    if len(bad_cases) < len(f64):
        good = [all_cases[k].label for k in f64 if k not in bad_cases]
        wrong = ", ".join(all_cases[k].label for k in bad_cases)
        return (f"right on {', '.join(good)} but wrong on {wrong}: "
                "every output keeps the batch's rows (B, ·), and each weight gradient sums over them "
                "(a (4n, B) times (B, ·) product).")
    for name in OUTPUTS:
        factors = [_scale_factor(answers[k][name], exact(all_cases[k])[name]) for k in f64]
        if all(f is not None for f in factors) and max(factors) - min(factors) < 1e-6 * abs(factors[0]):
            return (f"{name} is exactly {factors[0]:.4g} times the right one, on every case: a constant "
                    "factor too many or too few.")
    bad = [n for n in OUTPUTS if any(not errors[k][n][2] for k in f64)]
    return "look again at " + ", ".join(f"{n} {EQUATION[n]}" for n in bad) + "."


def check_lstm_step_backward(my_lstm_step_backward, graded: bool = False):
    """Check ``my_lstm_step_backward(dh, dc_next, cache) -> (dx, dh_prev, dc_prev, dW_ih, dW_hh, db)``.

    Returns a :class:`~bptt_helpers.exercises.CheckResult` (✓, or ✗ naming the mistake). With
    ``graded=True`` under an autograder (``BPTT_GRADING`` set): prints the message, and then
    returns None for full marks, the number of right outputs (1-5 points, one per output:
    nbgrader's partial credit for a cell whose result is a number) or raises AssertionError
    for none.
    """
    if not isinstance(graded, bool):
        raise TypeError(f"graded must be True or False, got {graded!r}")
    if not callable(my_lstm_step_backward):
        raise TypeError("my_lstm_step_backward must be your function, e.g. my_lstm_step_backward(dh, "
                        f"dc_next, cache); got {type(my_lstm_step_backward).__name__}")
    outcome = _run(my_lstm_step_backward)
    if not (graded and grading()):
        return outcome.result
    print(outcome.result.message)
    if outcome.points == len(OUTPUTS):
        return None
    if outcome.points == 0:
        raise AssertionError(outcome.result.message)
    return float(outcome.points)


def reference(dh, dc_next, cache):
    """The package's answer in the exercise's shape (what the checker compares with)."""
    out = step_backward(dh, dc_next, cache)
    return out.dx, out.dh_prev, out.dc_prev, out.dW_ih, out.dW_hh, out.db


POINTS = len(OUTPUTS)
__all__ = ["MISTAKES", "OUTPUTS", "POINTS", "check_lstm_step_backward", "reference", "step_variant"]
