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

import functools
from dataclasses import dataclass

import numpy as np

from ..gradcheck import central_difference, verdict
from ..lstm.backward import StepCache, step_backward
from ..lstm.forward import cell_state, gate_preactivations, gates, hidden_output, split
from . import CheckResult, grading

TITLE = "one LSTM step backward, eqs 13.6-13.12"
OUTPUTS = ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db")
EQUATION = {"dx": "(13.12)", "dh_prev": "(13.5)", "dc_prev": "(13.6)", "dW_ih": "(13.10)",
            "dW_hh": "(13.11)", "db": "(13.9)"}
HINT = ("(13.6): c(t) has two uses, h(t) and c(t+1), so its gradient is the sum of two paths; "
        "(13.7)-(13.8): each gate's gradient, then σ' or tanh' taken at that gate's output; "
        "(13.9)-(13.12): a row times a weight matrix for dx and dh_prev, sums of outer products over "
        "the B rows for the weights, and what c(t-1) receives passes through f(t) once")
FD_TOL, EXACT_TOL, FLOAT32_TOL = 1e-6, 1e-8, 1e-4


# ---- the cases -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    label: str
    dh: np.ndarray
    dc_next: np.ndarray
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray

    @property
    def dtype(self):
        return self.x.dtype

    def step(self) -> StepCache:
        """A fresh StepCache of this case (forward eqs 13.1-13.3 by the package)."""
        acts = gates(gate_preactivations(self.x, self.h_prev, self.W_ih, self.W_hh, self.b))
        i, f, g, _ = split(acts)
        return StepCache(x=self.x.copy(), h_prev=self.h_prev.copy(), c_prev=self.c_prev.copy(), acts=acts,
                         c=cell_state(f, self.c_prev, i, g), W_ih=self.W_ih.copy(), W_hh=self.W_hh.copy())

    def as_float32(self, label: str) -> Case:
        return Case(label, *(np.asarray(getattr(self, k), dtype=np.float32) for k in
                             ("dh", "dc_next", "x", "h_prev", "c_prev", "W_ih", "W_hh", "b")))


def _case(label: str, seed: int, B: int, d: int = 2, n: int = 3) -> Case:
    rng = np.random.default_rng(300 + seed)
    scale = 1.2   # large enough that every gate is away from 1/2 and the mistakes differ clearly
    return Case(label, dh=rng.standard_normal((B, n)), dc_next=rng.standard_normal((B, n)),
                x=rng.standard_normal((B, d)), h_prev=rng.uniform(-0.9, 0.9, (B, n)),
                c_prev=rng.uniform(-1.5, 1.5, (B, n)), W_ih=scale * rng.standard_normal((4 * n, d)),
                W_hh=scale * rng.standard_normal((4 * n, n)), b=rng.standard_normal(4 * n))


@functools.cache
def cases() -> tuple[Case, ...]:
    """One row (B = 1), a batch of B = 3, and the batch again in float32."""
    one, batch = _case("one row (B = 1)", 0, 1), _case("a batch of B = 3", 1, 3)
    return one, batch, batch.as_float32("the batch in float32")


def _scalar(case: Case, **nudged) -> float:
    """S = Σ dh ⊙ h(t) + Σ dc_next ⊙ c(t) after one forward step, in float64."""
    v = {k: np.asarray(getattr(case, k), dtype=np.float64)
         for k in ("x", "h_prev", "c_prev", "W_ih", "W_hh", "b")}
    v.update(nudged)
    acts = gates(gate_preactivations(v["x"], v["h_prev"], v["W_ih"], v["W_hh"], v["b"]))
    i, f, g, q = split(acts)
    c = cell_state(f, v["c_prev"], i, g)
    return float(np.sum(case.dh.astype(np.float64) * hidden_output(q, c))
                 + np.sum(case.dc_next.astype(np.float64) * c))


_WRT = {"dx": "x", "dh_prev": "h_prev", "dc_prev": "c_prev", "dW_ih": "W_ih", "dW_hh": "W_hh", "db": "b"}


@functools.cache
def numeric(index: int) -> dict[str, np.ndarray]:
    """Central differences of S for case ``index`` (float64), one array per output."""
    case = cases()[index]
    out = {}
    for name, arg in _WRT.items():
        base = np.asarray(getattr(case, arg), dtype=np.float64)
        out[name] = central_difference(lambda delta, arg=arg, base=base: _scalar(case, **{arg: base + delta}),
                                       base.shape)
    return out


def exact(case: Case, **switches) -> dict[str, np.ndarray]:
    """The six outputs of :func:`step_variant` (the right ones without switches), in float64."""
    c64 = Case(case.label, *(np.asarray(getattr(case, k), dtype=np.float64) for k in
                             ("dh", "dc_next", "x", "h_prev", "c_prev", "W_ih", "W_hh", "b")))
    return step_variant(c64.dh, c64.dc_next, c64.step(), **switches)


# ---- the right step and its classic wrong readings -----------------------------------------------

def step_variant(dh, dc_next, step: StepCache, *, cell_path: bool = True, tanh_at: str = "c",
                 sigma_of: str = "gate", order: str = "ifgq", forget_in_dc_prev: bool = True,
                 dq_of: str = "tanh c") -> dict[str, np.ndarray]:
    """Eqs 13.6-13.12 for one step, with switches; the defaults give :func:`step_backward`'s answer.

    cell_path: add ``dc_next`` in (13.6) (False: the c(t+1) ⊙ f(t+1) path left out);
    tanh_at: where tanh' is taken in (13.6): "c" 1 - tanh² c(t), "h" 1 - h(t)², "c_prev" at c(t-1),
    "c itself" 1 - c(t)²; sigma_of: σ' in (13.8) from the gate's output "gate" (σ(1 - σ)),
    "sigma(gate)" (σ applied once more), "g too" (σ' also for the tanh gate g);
    order: the order of the blocks of (DL)_z ("ifgq" is PyTorch's; "ifqg" cs231n's, "igfq"
    TensorFlow's); forget_in_dc_prev: dc_prev = (DL)_c ⊙ f(t) (False: without f);
    dq_of: (DL)_q from "tanh c" (right) or "c".
    """
    i, f, g, q = split(step.acts)
    tanh_c = np.tanh(step.c)
    h = q * tanh_c
    dtanh = {"c": 1 - tanh_c ** 2, "h": 1 - h ** 2, "c_prev": 1 - np.tanh(step.c_prev) ** 2,
             "c itself": 1 - step.c ** 2}[tanh_at]
    dc = dh * q * dtanh + (dc_next if cell_path else 0.0)                              # (13.6)
    di, df, dg = dc * g, dc * step.c_prev, dc * i                                        # (13.7)
    dq = dh * (tanh_c if dq_of == "tanh c" else step.c)

    def dsig(a):
        s = a if sigma_of != "sigma(gate)" else 1 / (1 + np.exp(-a))
        return s * (1 - s)
    blocks = {"i": di * dsig(i), "f": df * dsig(f), "q": dq * dsig(q),
              "g": dg * (g * (1 - g) if sigma_of == "g too" else 1 - g ** 2)}             # (13.8)
    dz = np.concatenate([blocks[k] for k in order], axis=-1)
    rows = dz.reshape(-1, dz.shape[-1])
    return {"dx": dz @ step.W_ih, "dh_prev": dz @ step.W_hh,
            "dc_prev": dc * f if forget_in_dc_prev else dc,
            "dW_ih": rows.T @ step.x.reshape(-1, step.x.shape[-1]),
            "dW_hh": rows.T @ step.h_prev.reshape(-1, step.h_prev.shape[-1]), "db": rows.sum(axis=0)}


@dataclass(frozen=True)
class Mistake:
    key: str
    switches: dict
    diagnosis: str


MISTAKES = (
    Mistake("cell path left out", {"cell_path": False},
            "the c(t+1) ⊙ f(t+1) path is left out: c(t) has two uses, h(t) AND c(t+1), so (13.6) "
            "adds dc_next, the gradient that comes back along the cell, to the part through h(t)."),
    Mistake("tanh' at h", {"tanh_at": "h"},
            "tanh′ is taken at the wrong node: 1 - h(t)² is the RNN's derivative. Here h(t) = "
            "q(t) ⊙ tanh c(t), so the tanh in (13.6) is the one of c(t): 1 - tanh² c(t)."),
    Mistake("tanh' at c(t-1)", {"tanh_at": "c_prev"},
            "tanh′ is taken at the wrong node, c(t-1): h(t) = q(t) ⊙ tanh c(t) is made from the NEW "
            "cell state, so (13.6) needs 1 - tanh² c(t)."),
    Mistake("tanh' as 1 - c²", {"tanh_at": "c itself"},
            "tanh′ is taken at the wrong node: 1 - c(t)² would be right if c(t) were a tanh's output, "
            "but c(t) is the tanh's INPUT here: the derivative is 1 - tanh² c(t)."),
    Mistake("σ' of σ(gate)", {"sigma_of": "sigma(gate)"},
            "σ′ is taken of the wrong variable: i, f, q are already σ's outputs, so σ'(z) = i(1 - i) "
            "(likewise f, q); applying σ to them once more gives σ(i)(1 - σ(i)) (13.8)."),
    Mistake("σ' for g", {"sigma_of": "g too"},
            "σ′ is used for g too: g = tanh(z_g) is the one gate that is a tanh, so its factor in "
            "(13.8) is 1 - g², not g(1 - g)."),
    Mistake("order ifqg", {"order": "ifqg"},
            "the gate order is swapped: (DL)_z is stacked i, f, o, g (cs231n's order). PyTorch's "
            "W_ih and W_hh, and this cache, stack the gates i, f, g, o (o is q here): the blocks of "
            "(DL)_z must follow the rows of the weights."),
    Mistake("order igfq", {"order": "igfq"},
            "the gate order is swapped: (DL)_z is stacked i, g, f, o (TensorFlow's order). PyTorch's "
            "weights, and this cache, stack i, f, g, o (o is q here)."),
    Mistake("no f in dc_prev", {"forget_in_dc_prev": False},
            "the forget-gate term is missing from (DL)_c(t-1): c(t) = f(t) ⊙ c(t-1) + ..., so what "
            "reaches c(t-1) along the cell is (DL)_c(t) ⊙ f(t) (13.6 one step earlier)."),
    Mistake("dq with c", {"dq_of": "c"},
            "(DL)_q is taken with c(t): h(t) = q(t) ⊙ tanh c(t), so (DL)_q = (DL)_h ⊙ tanh c(t) (13.7)."),
)


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
