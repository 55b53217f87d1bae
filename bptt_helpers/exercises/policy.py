"""The one checker policy of the series: every exercise checker runs through :func:`check`.

CONTRIBUTING.md ("The checker policy") states the rules; this module is the only place that
implements them. An exercise is data (:class:`Exercise`: its cases, its known mistakes and
their texts); the rules are code, applied in this order:

1. **Not written yet.** The placeholder's ``NotImplementedError`` gives "not implemented yet"
   and the exercise's idea (the equation and what it says), never code.
2. **The package's own answer.** A call, during the student's function, into the package's
   backward code (``backward_pass``, ``grads_fast``, ``grads_as_written``, ``gradcheck``), into
   any checker (``bptt_helpers.exercises``) or into one of the exercise's ``answers``, however it
   was imported, is a ✗ with 0 points that says which function was called.
3. **Inputs changed in place** (an array, a Params or a cache the student was given): a ✗ that
   names the argument. The student always works on copies; the check compares them afterwards.
4. **Types.** Arrays: anything ``np.asarray`` turns into numbers. Named outputs (the six
   gradients): a ``bh.Params`` or a dict with exactly those names. Anything else is a ✗ that
   says what the function returned.
5. **Shapes** are named, and a transposed matrix is called transposed. NaN or inf is named.
6. **dtype.** Answers are compared in float64. A float32 answer that is right to float32's
   precision (:data:`FLOAT32_RTOL`) is accepted, and the ✓ says it was float32; any other
   precision that misses the tolerance gets a ✗ naming the dtype.
7. **Known mistakes** (the exercise's table): an answer equal to one on every case gets that
   mistake's own text.
8. **Case-only failures**: right on some cases, wrong (or raising) on others: the ✗ names both.
9. **A uniform scale**: k times the right answer on every case (k ≠ 1, either way) is named
   with k, and with the case's quantity k equals (τ, B·τ, 1/τ, -1, ...) when there is one.
10. **Hints in steps.** The first ✗ for a function says *where* the mistake is; the next ✗ for a
    function of the same name adds *what to change*. Under the autograder, both at once.
11. **Points.** An exercise is worth 1 point, or 1 per named output that is right on every case
    (partial credit). A ✗ of rules 2-4 or an exception scores 0.
12. **Hidden cases.** ``hidden=n`` adds cases drawn now from fresh random numbers, which no
    release holds; the nbgrader source calls it inside ``### BEGIN HIDDEN TESTS``.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .calls import NotYet, attempt

FLOAT32_RTOL = 1e-4      # a float32 answer is right when within this relative error
_ATTEMPTS: dict[tuple[str, str], int] = {}   # failed checks per (exercise, function name)



# ---- what an exercise is -------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One call of the student's function: ``args``, the right answer, and a label for messages.

    ``quantities`` name numbers a uniform scale error may equal, e.g. ``{"τ": 6}``; ``note`` is
    what to change when this case alone fails (e.g. for a batch: keep the leading B axis).
    """

    label: str
    args: tuple
    expected: object
    quantities: Mapping[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``wrong(case)`` reproduces it; ``where`` and ``change`` are its hint."""

    key: str
    wrong: Callable[[Case], object]
    where: str | Callable[[], str]
    change: str | Callable[[], str]


@dataclass(frozen=True)
class Exercise:
    """The data of one checker; :func:`check` applies the policy to it.

    cases(rng): the visible cases when ``rng`` is None, else cases drawn from ``rng``.
    outputs: None for one array; else the names of the outputs, one point each (a Params).
    answers: the package functions that answer the exercise: never called by the student's
    function, never listed above its checker (tests/test_student.py).
    """

    title: str
    idea: str
    change: str
    cases: Callable[[np.random.Generator | None], list[Case]]
    arg_names: tuple[str, ...]
    answers: tuple[Callable, ...] = ()
    mistakes: tuple[Mistake, ...] | Callable[[], Iterable[Mistake]] = ()
    rtol: float = 1e-8
    outputs: tuple[str, ...] | None = None
    shapes: str = ""        # the shapes, for a student whose code raised IndexError/ValueError
    success: Callable | None = None   # (cases, answers) -> the ✓ text, when it says more
    point_per_output: bool = True     # False: named outputs, but one point for all of them
    allowed: tuple[Callable, ...] = ()  # package functions this exercise may call (and what they call)
    locate: Callable[[set], str] | None = None   # named outputs: where to look, from which are wrong
    explain: Callable[[set], str] | None = None  # named outputs: what to change, from which are wrong

    @property
    def max_points(self) -> float:
        return float(len(self.outputs)) if self.outputs and self.point_per_output else 1.0


# ---- the result ----------------------------------------------------------------------------------

@dataclass
class CheckResult:
    """One check's verdict: the line(s) a student reads, and the points it is worth (rule 11).

    ``points`` None means all or nothing: ``max_points`` when passed, else 0.
    """

    passed: bool
    message: str
    points: float | None = None
    max_points: float = 1.0

    @property
    def score(self) -> float:
        if self.points is None:
            return self.max_points if self.passed else 0.0
        return float(self.points)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:  # IPython display: just the message
        p.text(self.message)


def _text(value) -> str:
    return value() if callable(value) else value


def _failure(ex: Exercise, fn, where: str, change: str, level: int | None, points: float = 0.0):
    """A ✗ whose hint grows with each failed attempt of a function of that name (rule 10)."""
    if level is None:
        key = (ex.title, getattr(fn, "__name__", "?"))
        _ATTEMPTS[key] = _ATTEMPTS.get(key, 0) + 1
        level = _ATTEMPTS[key]
    lines = [f"✗ {ex.title}: {where}"]
    if level >= 2:
        lines.append(f"    → what to change: {change}")
    else:
        lines.append("    (run the check again for what to change)")
    return CheckResult(False, "\n".join(lines), points, ex.max_points)


# ---- comparing an answer -------------------------------------------------------------------------

def describe(value) -> str:
    """What a student returned, in words: 'a tuple of 6 items', 'None', 'an array of shape (3,)'."""
    if value is None:
        return "None (is a `return` missing?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__} ({value!r:.40})"


class Rejected(Exception):
    """An answer that cannot be compared: the message says why (rules 4-6)."""


def as_outputs(value, names: tuple[str, ...]) -> dict:
    """Rule 4 for named outputs: a Params (anything with those attributes and ``as_dict``) or a dict."""
    if hasattr(value, "as_dict") and callable(value.as_dict):
        value = value.as_dict()
    if not isinstance(value, dict):
        raise Rejected(f"it returned {describe(value)}; return a bh.Params "
                       f"({', '.join(names)}) or a dict with exactly those keys")
    missing = [n for n in names if n not in value]
    extra = sorted(str(k) for k in value if k not in names)
    if missing or extra:
        raise Rejected(f"it returned a dict with keys {sorted(map(str, value))}: "
                       + (f"missing {', '.join(missing)}" if missing else "")
                       + ("; " if missing and extra else "")
                       + (f"unknown {', '.join(extra)}" if extra else "")
                       + f"; the keys are {', '.join(names)}")
    return value


def _array(value, want: np.ndarray, what: str) -> np.ndarray:
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind not in "biuf":
        raise Rejected(f"{what} is {describe(value)}, not numbers")
    try:
        got = np.asarray(value)
        if got.dtype.kind not in "biuf":
            raise TypeError
    except (TypeError, ValueError):
        raise Rejected(f"{what} is {describe(value)}, expected an array of shape {want.shape}") from None
    if got.shape != want.shape:
        flipped = got.ndim == 2 and got.shape == want.shape[::-1] and want.shape[0] != want.shape[1]
        raise Rejected(f"{what} has shape {got.shape}, expected {want.shape}"
                       + (" (it is transposed)" if flipped else ""))
    if got.dtype.kind == "f" and not np.isfinite(got).all():
        raise Rejected(f"{what} contains NaN or inf")
    return got


def rel_err(got: np.ndarray, want: np.ndarray) -> float:
    """Largest absolute difference over the larger of the two largest magnitudes."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(got))), float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got - want)))
    return err / scale if scale > 0 else err


def _tolerance(got: np.ndarray, rtol: float) -> float:
    return max(rtol, FLOAT32_RTOL) if got.dtype == np.float32 else rtol


def _verdicts(ex: Exercise, value, case: Case) -> dict[str, bool | str]:
    """Per output: True (right), False (wrong values) or a rule 4-6 message (``Rejected``)."""
    names = ex.outputs or ("",)
    if ex.outputs:
        value = as_outputs(value, ex.outputs)
        pairs = [(n, value[n], case.expected[n], f"d{n}") for n in names]
    else:
        pairs = [("", value, case.expected, "the answer")]
    out = {}
    for name, got, want, what in pairs:
        want = np.asarray(want)
        got = _array(got, want, what)
        tol = _tolerance(got, ex.rtol)
        ok = rel_err(got, want) <= tol
        err = rel_err(got, want)
        if not ok and got.dtype.kind == "f" and got.dtype != np.float64 and err <= 10 * FLOAT32_RTOL:
            raise Rejected(f"{what} is {got.dtype}, too coarse for the tolerance "
                           f"({ex.rtol:.0e}); compute in float64 as the inputs are")
        if not ok and got.dtype == np.float64 and err <= FLOAT32_RTOL:
            raise Rejected(f"{what} agrees with the right answer only to {err:.0e}, float32's precision, not "
                           f"float64's ({ex.rtol:.0e}): part of it was computed in float32; keep every "
                           "array float64 (or return float32 throughout)")
        out[name] = ok
    return out


def _scale(answers: list, ex: Exercise, cases: list[Case]):
    """Rule 9: the factor k with answer = k · right on every case, and the quantity it equals."""
    factors = []
    for value, case in zip(answers, cases, strict=True):
        got_all, want_all = [], []
        for name in ex.outputs or ("",):
            got = value[name] if ex.outputs else value
            want = case.expected[name] if ex.outputs else case.expected
            got_all.append(np.ravel(np.asarray(got, dtype=np.float64)))
            want_all.append(np.ravel(np.asarray(want, dtype=np.float64)))
        got, want = np.concatenate(got_all), np.concatenate(want_all)
        denom = float(want @ want)
        if denom == 0:
            return None
        k = float(got @ want) / denom
        if abs(k - 1) < 1e-6 or rel_err(got, k * want) > 1e-8:
            return None
        factors.append(k)
    names = set.intersection(*(set(c.quantities) for c in cases)) if cases else set()
    pairs = list(zip(factors, cases, strict=True))
    for q in sorted(names):
        for power, form in ((1, "{q} times"), (-1, "1/({q}) of")):
            for sign in (1, -1):
                if all(abs(k - sign * c.quantities[q] ** power) <= 1e-6 * abs(k) for k, c in pairs):
                    return factors, ("-" if sign < 0 else "") + form.format(q=q), q
    if max(factors) - min(factors) > 1e-6 * max(abs(k) for k in factors):
        return None   # a different factor on each case is not a uniform scale
    return factors, None, None


# ---- the check -----------------------------------------------------------------------------------

def _labels(cases) -> str:
    labels = [c.label for c in cases]
    return ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]


def _error_text(exc: Exception) -> str:
    return f"raised {type(exc).__name__}: {exc}"


def check(ex: Exercise, fn, *, hidden: int = 0, hints: str | None = None) -> CheckResult:
    """Apply the policy (module docstring) to ``fn`` on the exercise's cases; ``hidden`` adds
    that many sets of freshly drawn cases; ``hints="all"`` shows every hint level at once."""
    from . import grading

    if not callable(fn):
        raise TypeError(f"pass your function itself, e.g. {ex.title.split(',')[0]}; got {describe(fn)}")
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 0:
        raise ValueError(f"hidden must be a non-negative int, got {hidden!r}")
    if hints not in (None, "all"):
        raise ValueError(f"hints must be None or 'all', got {hints!r}")
    level = 2 if hints == "all" or grading() else None
    cases = list(ex.cases(None))
    n_visible = len(cases)
    for _ in range(hidden):
        drawn = ex.cases(np.random.default_rng(secrets.randbits(64)))
        cases += [dataclasses.replace(c, label=f"a hidden case ({c.label})") for c in drawn]
    try:
        attempts = [attempt(fn, case, ex.arg_names, ex.answers, ex.allowed) for case in cases]
    except NotYet:
        return CheckResult(False, f"✗ {ex.title}: not implemented yet. {ex.idea}", 0.0, ex.max_points)

    for a in attempts:                                                  # rule 2
        if a.forbidden:
            return _failure(ex, fn, f"your function calls the package's own `{a.forbidden}`, so this "
                            "would compare the package with itself: 0 points.",
                            "write it with numpy yourself; the package's version is shown after "
                            "this exercise, to compare with yours.", 2)
    for a in attempts:                                                  # rule 3
        if a.mutated:
            args = ", ".join(f"`{n}`" for n in a.mutated)
            return _failure(ex, fn, f"on {a.case.label}: it changed its input {args} in place; the "
                            "caller still holds those arrays.",
                            "build new arrays (`y = x * k`, `x.copy()`) instead of writing into an "
                            "argument (`x *= k`, `x[...] = ...`, `x += ...`).", level)

    verdicts, answers, problems = [], [], []
    for a in attempts:
        if a.error is not None:
            problems.append((a.case, _error_text(a.error)))
            verdicts.append(None)
            answers.append(None)
            continue
        try:
            verdicts.append(_verdicts(ex, a.value, a.case))
            answers.append(as_outputs(a.value, ex.outputs) if ex.outputs else a.value)
        except Rejected as why:
            problems.append((a.case, str(why)))
            verdicts.append(None)
            answers.append(None)

    good = [c for c, v in zip(cases, verdicts, strict=True) if v is not None and all(v.values())]
    if len(good) == len(cases):
        float32 = any(np.asarray(x).dtype == np.float32
                      for v in answers for x in (v.values() if ex.outputs else [v]))
        drawn = len(cases) - n_visible
        text = ex.success(cases, answers) if ex.success else (
            f"✓ {ex.title}: correct on all {n_visible} cases"
            + (f", and on {drawn} more drawn now (hidden tests)." if drawn else "."))
        if float32:
            text += (f"\n    (your answer is float32: right to float32's precision, relative error "
                     f"≤ {FLOAT32_RTOL:.0e}; the series computes in float64)")
        return CheckResult(True, text, ex.max_points, ex.max_points)

    points = 0.0
    if ex.outputs and ex.point_per_output and not problems:
        points = float(sum(all(v[n] for v in verdicts) for n in ex.outputs))
    shapes = f" ({ex.shapes})" if ex.shapes else ""

    if problems and not good:                                           # every case failed to compare
        errors = {text for _, text in problems}
        if len(problems) == len(cases) and len(errors) == 1:
            (text,) = errors
            where = f"{text} on every case" if any(a.error for a in attempts) else text
            is_shape = any(isinstance(a.error, (IndexError, ValueError)) for a in attempts)
            return _failure(ex, fn, where + ".", ex.change + (shapes if is_shape else ""), level, points)
    if problems and good:                                               # rule 8, with errors
        bad_text = "; ".join(f"{text} on {case.label}" for case, text in problems)
        notes = "; ".join(dict.fromkeys(c.note for c, _ in problems if c.note)) or ex.change
        return _failure(ex, fn, f"right on {_labels(good)}, but {bad_text}.", notes, level, points)
    if problems:
        case, text = problems[0]
        return _failure(ex, fn, f"on {case.label}: {text}.", ex.change + shapes, level, points)

    mistakes = ex.mistakes() if callable(ex.mistakes) else ex.mistakes
    for m in mistakes:                                                  # rule 7
        if all(_reproduces(ex, value, m.wrong(case)) for value, case in zip(answers, cases, strict=True)):
            return _failure(ex, fn, _text(m.where), _text(m.change), level, points)

    if good:                                                            # rule 8
        bad = [c for c in cases if c not in good]
        notes = "; ".join(dict.fromkeys(c.note for c in bad if c.note)) or ex.change
        return _failure(ex, fn, f"right on {_labels(good)}, wrong on {_labels(bad)}.", notes, level, points)

    scaled = _scale(answers, ex, cases)                                 # rule 9
    if scaled:
        factors, form, q = scaled
        ks = ", ".join(f"{k:.4g}" for k in dict.fromkeys(factors))
        where = (f"every entry is {form} the right value on every case (k = {ks}): a factor {q} "
                 "too many or too few." if form else
                 f"every entry is k times the right value (k = {ks}): the formula is right up to a factor.")
        change = (f"look at each division or multiplication by {q} in your code: the equation has it "
                  "exactly once" if q else f"find the constant factor; the equation: {ex.change}")
        return _failure(ex, fn, where, change, level, points)

    where = _where_wrong(ex, answers, cases, verdicts)                  # generic
    change = ex.change
    if ex.outputs and ex.explain:
        change = ex.explain({n for v in verdicts for n in ex.outputs if not v[n]})
    return _failure(ex, fn, where, change, level, points)


def _reproduces(ex: Exercise, value, wrong) -> bool:
    if ex.outputs:
        wrong = as_outputs(wrong, ex.outputs)
        return all(rel_err(value[n], wrong[n]) <= 1e-8 for n in ex.outputs)
    return np.shape(value) == np.shape(wrong) and rel_err(value, wrong) <= 1e-8


def _where_wrong(ex: Exercise, answers, cases, verdicts) -> str:
    if ex.outputs:
        lines = []
        for value, case, v in zip(answers, cases, verdicts, strict=True):
            wrong = [n for n in ex.outputs if not v[n]]
            if wrong:
                lines.append(f"on {case.label}: wrong " + ", ".join(
                    f"d{n} (rel. error {rel_err(value[n], case.expected[n]):.1e})" for n in wrong)
                    + "; right: " + (", ".join(f"d{n}" for n in ex.outputs if v[n]) or "none"))
        bad = {n for v in verdicts for n in ex.outputs if not v[n]}
        head = ex.locate(bad) if ex.locate else "wrong values:"
        return "\n    ".join([head] + lines)
    value, case = next((a, c) for a, c, v in zip(answers, cases, verdicts, strict=True) if not v[""])
    got, want = np.asarray(value, dtype=np.float64), np.asarray(case.expected, dtype=np.float64)
    index = np.unravel_index(int(np.argmax(np.abs(got - want))), want.shape) if want.ndim else ()
    if not index:
        return f"on {case.label} the value is off (relative error {rel_err(got, want):.1e})."
    at = tuple(int(i) for i in index)
    return (f"on {case.label} the values are off (relative error {rel_err(got, want):.1e}, "
            f"largest at index {at}).")


def reset_attempts() -> None:
    """Forget the failed attempts (the hint level starts again at 1)."""
    _ATTEMPTS.clear()
