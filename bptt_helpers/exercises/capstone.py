"""Checkers for notebook 12, the capstone: the whole backward pass written by the student.

``check_backward(my_backward)``: ``my_backward(params, cache)`` returns all six gradients of
the mean loss (eqs 4.1-4.9) as a :class:`~bptt_helpers.Params` (or a dict ``E U W b V c``, or
a tuple in that order). Every tensor is compared with central finite differences in float64
and with the package's :func:`~bptt_helpers.backward`, on one sequence and on a batch, both
with repeated tokens and a nonzero h(0). A wrong answer is compared with the classic mistakes
(each one a variant of the right backward pass, :func:`backward_variant`); when one of them, or
two together, reproduces the answer, the message names it and the notebook that teaches it.

Extensions: ``check_dh0(my_dh0)``, the gradient with respect to h(0);
``check_relu_prediction(my_relu_prediction)``, which of the nine equations change when
h = ReLU(a) instead of tanh(a); ``check_backward_relu(my_backward_relu)``, that backward pass,
on caches made by :func:`forward_relu`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..backward_pass import backward
from ..forward_pass import ForwardCache, cross_entropy, embed, log_softmax, logits, mean_loss
from ..forward_pass import _run as _run_tanh
from ..gradcheck import central_difference, format_tol, numerical_grad, verdict
from ..params import PARAM_NAMES, Params, init_params
from ..validate import check_inputs
from . import CheckResult, checker

FD_TOL = 1e-6       # relative error against central finite differences (they reach ~1e-9 here)
EXACT_TOL = 1e-8    # relative error against the package's backward (rounding: ~1e-15)
EQUATION = {"E": "(4.9)", "U": "(4.8)", "W": "(4.7)", "b": "(4.5)", "V": "(4.6)", "c": "(4.4)"}
SHAPES_HINT = ("shapes: E (vocab, d_model), U (n_hidden, d_model), W (n_hidden, n_hidden), "
               "b (n_hidden,), V (vocab, n_hidden), c (vocab,); do is shaped like cache.o, "
               "dh like cache.a, and a row vector times a matrix is `row @ M`")
HINT_BACKWARD = ("(4.1) for every position at once, then (DL)_h by (4.2)-(4.3) for t = τ..1, "
                 "then the six sums (4.4)-(4.9); return bh.Params(E=dE, U=dU, W=dW, b=db, V=dV, c=dc)")
CHANGING = frozenset({"4.3", "4.5", "4.7", "4.8", "4.9"})  # the equations that hold 1 - h², tanh'


# ---- the models the checks run on -------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    """One check case: a tiny model, its data and h(0). ``label`` names it in messages."""

    label: str
    short: str
    params: Params
    inputs: np.ndarray
    targets: np.ndarray
    h0: np.ndarray

    @property
    def batched(self) -> bool:
        return self.inputs.ndim == 2


def _relu_safe(params, inputs, targets, h0, margin=1e-3) -> bool:
    """No pre-activation of the ReLU network within ``margin`` of the kink at 0."""
    return bool(np.min(np.abs(forward_relu(params, inputs, targets, h0).a)) > margin)


@functools.cache
def models(relu: bool = False) -> tuple[Model, Model]:
    """One sequence (τ = 6) and a batch of 3 sequences (τ = 4) through a 5-3-4 model.

    vocab 5, d_model 3, n_hidden 4: all different, so a transposed gradient has the wrong
    shape. Tokens repeat (within a sequence and across the batch), h(0) is nonzero and
    differs between the rows of the batch. For the ReLU network the seed is the first one
    that keeps every pre-activation at least 1e-3 away from the kink, so that central
    differences (step 1e-6) never straddle it.
    """
    single_in, single_tg = np.array([1, 3, 1, 0, 1, 4]), np.array([3, 1, 0, 1, 4, 2])
    batch_in = np.array([[2, 0, 2, 2], [4, 1, 0, 1], [0, 3, 3, 2]])
    batch_tg = np.array([[0, 2, 2, 1], [1, 0, 1, 3], [3, 3, 2, 4]])
    for seed in range(11, 100):
        rng = np.random.default_rng(seed)
        params = init_params(vocab_size=5, d_model=3, n_hidden=4, seed=seed)
        params.W *= 2.0   # a livelier recursion: every wrong reading of (4.3) shows clearly
        h0_single = rng.uniform(-0.8, 0.8, 4)
        h0_batch = rng.uniform(-0.8, 0.8, (3, 4))
        if not relu or (_relu_safe(params, single_in, single_tg, h0_single)
                        and _relu_safe(params, batch_in, batch_tg, h0_batch)):
            break
    return (Model("one sequence (τ = 6)", "one sequence", params, single_in, single_tg, h0_single),
            Model("a batch of B = 3 (τ = 4)", "batch of 3", params, batch_in, batch_tg, h0_batch))


# ---- a ReLU network (extension 2) ---------------------------------------------------------------

@dataclass
class ReluCache(ForwardCache):
    """A :class:`ForwardCache` of :func:`forward_relu`: h = ReLU(a). It has no ``dtanh``."""

    @property
    def dtanh(self):  # noqa: D102 - the tanh derivative would be silently wrong here
        raise AttributeError("this cache comes from forward_relu: h = ReLU(a), so 1 - h² "
                             "(cache.dtanh) is not its derivative; compute ReLU's yourself")


def forward_relu(params: Params, inputs, targets, h0) -> ReluCache:
    """Eqs (1.1)-(1.7) with eq (1.5) replaced by h^(t) = max(0, a^(t)): one sequence or a batch.

    Same arguments and cache fields as :func:`bptt_helpers.forward` (inputs, targets int (T,)
    or (B, T); h0 (n_hidden,), (B, n_hidden) or None for zeros).
    """
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    return _relu_run(params, inputs, targets, h0)


def _relu_run(params: Params, inputs, targets, h0) -> ReluCache:
    p = params
    x = embed(p.E, inputs)                                            # (1.3)
    T = inputs.shape[-1]
    h = np.empty(inputs.shape[:-1] + (T + 1, p.n_hidden), dtype=p.E.dtype)
    h[..., 0, :] = h0                                                 # h[..., t, :] is h(t)
    a = np.empty_like(h[..., 1:, :])
    for t in range(1, T + 1):
        a[..., t - 1, :] = h[..., t - 1, :] @ p.W.T + x[..., t - 1, :] @ p.U.T + p.b   # (1.4)
        h[..., t, :] = np.maximum(a[..., t - 1, :], 0.0)                             # ReLU
    o = logits(h[..., 1:, :], p.V, p.c)                               # (1.6)
    losses = cross_entropy(o, targets)                                # (1.1)
    return ReluCache(inputs=inputs, targets=targets, x=x, a=a, h=h, o=o,
                     y_hat=np.exp(log_softmax(o)), losses=losses, loss=mean_loss(losses))


# ---- the right backward pass and its classic wrong readings ------------------------------------

def backward_variant(params: Params, cache: ForwardCache, *, act: str = "tanh", act_rec: str | None = None,
                     scale: str = "mean", rec: str = "rows", dW: str = "from t=0",
                     dE: str = "add.at") -> Params:
    """Eqs (4.1)-(4.9) with switches; the defaults give the right gradients of the tanh network.

    act: the derivative (Dh)_a in the parameter sums (4.5), (4.7)-(4.9): "tanh" 1 - h²,
    "(1-h)^2" (the misprint before 3.16), "relu" 1{a > 0}, "h" (h itself), "none" (left out).
    act_rec: the same in the recursion (4.3) (default: ``act``).
    scale: "mean" 1/(B·τ); "sum" no factor; "tau" 1/τ even for a batch.
    rec: (4.3) with diag[f] W ("rows"), the literal broadcast f ⊙ W ("columns"), W^T ("W^T").
    dW: "from t=0" (4.7); "from t=1" (h(0) left out); "h(t+1)" (paired with the wrong state);
    "transposed". dE: "add.at" (every repeat counts), "+=" (``dE[idx] += rows``), "+= per sequence"
    (the same, once per sequence of a batch).
    """
    h, x, a, V, W = cache.h, cache.x, cache.a, params.V, params.W
    tau = cache.T

    def derivative(kind):
        h_t = h[..., 1:, :]
        return {"tanh": 1 - h_t**2, "(1-h)^2": (1 - h_t) ** 2, "relu": (a > 0).astype(float),
                "h": h_t, "none": np.ones_like(h_t)}[kind]

    f_sum, f_rec = derivative(act), derivative(act_rec or act)
    n = {"mean": cache.n_positions, "sum": 1, "tau": tau}[scale]
    do = (cache.y_hat - np.eye(params.vocab_size)[cache.targets]) / n            # (4.1)
    dh = np.zeros_like(a)
    dh[..., tau - 1, :] = do[..., tau - 1, :] @ V                                # (4.2)
    for t in range(tau - 1, 0, -1):                                              # (4.3)
        f_next, dh_next = f_rec[..., t, :], dh[..., t, :]
        if rec == "rows":
            back = (dh_next * f_next) @ W
        elif rec == "columns":
            back = np.einsum("...j,...jk->...k", dh_next, f_next[..., None, :] * W)
        else:
            back = (dh_next * f_next) @ W.T
        dh[..., t - 1, :] = back + do[..., t - 1, :] @ V

    def rows(array):
        return array.reshape(-1, array.shape[-1])

    da = dh * f_sum
    if dW == "from t=0":
        grad_W = rows(da).T @ rows(h[..., :-1, :])
    elif dW == "from t=1":
        grad_W = rows(da[..., 1:, :]).T @ rows(h[..., 1:-1, :])
    elif dW == "h(t+1)":
        grad_W = rows(da).T @ rows(h[..., 1:, :])
    else:
        grad_W = rows(h[..., :-1, :]).T @ rows(da)
    grad_E = np.zeros_like(params.E)
    if dE == "add.at":
        np.add.at(grad_E, cache.inputs.ravel(), rows(da) @ params.U)
    elif dE == "+=":
        grad_E[cache.inputs.ravel()] += rows(da) @ params.U
    else:  # "+= per sequence": the same slip inside a loop over the sequences of a batch
        for tokens, da_s in zip(cache.inputs.reshape(-1, tau), da.reshape(-1, tau, da.shape[-1]),
                                strict=True):
            grad_E[tokens] += da_s @ params.U
    return Params(E=grad_E, U=rows(da).T @ rows(x), W=grad_W, b=rows(da).sum(axis=0),
                  V=rows(do).T @ rows(h[..., 1:, :]), c=rows(do).sum(axis=0))


def _erratum(key: str) -> str:
    """The series' own words for a slip of the paper (bptt_helpers.lessons.errata)."""
    from ..lessons.errata import ERRATA

    entry = next(e for e in ERRATA if e.key == key)
    return f"Erratum of {entry.where}: {entry.correction} (notebook {entry.notebook[:2]})"


def _repeat_hint() -> str:
    from .embedding import REPEAT_HINT

    return f"{REPEAT_HINT} (eq 4.9, notebook 07)"


@dataclass(frozen=True)
class Mistake:
    key: str
    switches: dict
    diagnosis: Callable[[], str]   # a function, so that texts from other modules are read when used


MISTAKES = (
    Mistake("no 1/τ", {"scale": "sum"}, lambda: (
        "every gradient is exactly B·τ times too big: the loss is the MEAN over all positions "
        "(eq 1.2), so (4.1) divides ŷ - onehot(y) by τ, by B·τ for a batch (notebook 03).")),
    Mistake("1/τ on a batch", {"scale": "tau"}, lambda: (
        "right for one sequence, B times too big for the batch: the mean of a batch runs over all "
        "B·τ positions, so (4.1) divides by B·τ (cache.n_positions), not by τ (notebook 03).")),
    Mistake("broadcast (4.3)", {"rec": "columns"}, lambda: (
        "(4.3) read literally: a 1-D vector times W, `(1 - h**2) * W`, scales the COLUMNS of W. "
        + _erratum("broadcast-4.3") + ".")),
    Mistake("W^T in (4.3)", {"rec": "W^T"}, lambda: (
        "W is transposed in (4.3): a(t+1) = h(t) W^T + ..., so (Da(t+1))_h(t) = W and the row "
        "(DL)_a(t+1) is multiplied by W itself (notebook 04).")),
    Mistake("no tanh' in (4.3)", {"act_rec": "none"}, lambda: (
        "the recursion (4.3) lost the tanh derivative: going back from h(t+1) to h(t) passes "
        "through a(t+1), which multiplies by diag[1 - (h(t+1))²] (eq 3.7, notebook 04).")),
    Mistake("no tanh' at all", {"act": "none"}, lambda: (
        "the tanh derivative 1 - h² is missing everywhere: b, W, U and E act on a(t), before "
        "the tanh, so every sum (4.5), (4.7)-(4.9) multiplies (DL)_h(t) by 1 - (h(t))² first "
        "(notebooks 04-06).")),
    Mistake("(1 - h)²", {"act": "(1-h)^2"}, lambda: (
        "(1 - h)² is not the tanh derivative, 1 - h² is. " + _erratum("square-3.16") + ".")),
    Mistake("dW from t = 1", {"dW": "from t=1"}, lambda: (
        "your sum for dW starts at t = 1 and leaves out h(0). W also carries h(0) into h(1), so "
        "(4.7) runs from t = 0: pair (DL)_a(t) with h(t-1), i.e. h[..., :-1, :] (notebook 06).")),
    Mistake("dW with h(t)", {"dW": "h(t+1)"}, lambda: (
        "dW pairs (DL)_a(t) with the wrong state: W multiplies the PREVIOUS state, so (4.7) pairs "
        "(DL)_a(t+1) with h(t), i.e. h[..., :-1, :], not h[..., 1:, :] (notebook 06).")),
    Mistake("dW transposed", {"dW": "transposed"}, lambda: (
        "dW is transposed: row i of dW belongs to a_i, so the gradient factor stands on the left, "
        "[(DL)_h(t+1) ⊙ (1 - (h(t+1))²)] ⊗ h(t) (eq 4.7, notebook 06).")),
    Mistake("dE[idx] +=", {"dE": "+="}, _repeat_hint),
    Mistake("dE[idx] += per sequence", {"dE": "+= per sequence"}, _repeat_hint),
)

RELU_MISTAKES = (
    Mistake("tanh' kept", {"act": "tanh"}, lambda: (
        "you kept the tanh derivative 1 - h². For h = ReLU(a) the diagonal of (Dh)_a is "
        "1{a > 0}: 1 where the unit is on, 0 where it is off.")),
    Mistake("tanh' kept in (4.3)", {"act": "relu", "act_rec": "tanh"}, lambda: (
        "the parameter sums use 1{a > 0}, but the recursion (4.3) still has 1 - (h(t+1))²: it "
        "goes back through a(t+1) and the ReLU too.")),
    Mistake("tanh' kept in the sums", {"act": "tanh", "act_rec": "relu"}, lambda: (
        "(4.3) is right, but the sums (4.5), (4.7)-(4.9) still multiply by 1 - h²: b, W, U and E "
        "act before the ReLU as well, so they need 1{a > 0} too.")),
    Mistake("h for ReLU'", {"act": "h"}, lambda: (
        "you multiplied by h = ReLU(a) itself; the derivative of ReLU is the step 1{a > 0} "
        "(0 or 1), not the function.")),
) + tuple(Mistake(m.key, {"act": "relu", **m.switches}, m.diagnosis)
          for m in MISTAKES if m.key in ("no 1/τ", "1/τ on a batch", "broadcast (4.3)",
                                         "W^T in (4.3)", "dW from t = 1", "dW with h(t)",
                                         "dW transposed", "dE[idx] +=",
                                         "dE[idx] += per sequence"))


# ---- comparing a student's gradients ------------------------------------------------------------

class _Rejected(Exception):
    """The student's answer cannot be compared (wrong type, shape, NaN): the message says why."""


def _rel_err(got: np.ndarray, want: np.ndarray) -> float:
    scale = max(float(np.max(np.abs(got))), float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got - want)))
    return err / scale if scale > 0 else err


def _as_grads(got, params: Params) -> dict[str, np.ndarray]:
    """The six gradients of a Params, dict or 6-tuple, as float64 arrays of the right shapes."""
    if isinstance(got, Params):
        got = got.as_dict()
    elif isinstance(got, (tuple, list)) and len(got) == len(PARAM_NAMES):
        got = dict(zip(PARAM_NAMES, got, strict=True))
    if not isinstance(got, dict):
        raise _Rejected(f"it returned {type(got).__name__}; return bh.Params(E=dE, U=dU, W=dW, "
                        "b=db, V=dV, c=dc) (or a dict with those six keys)")
    missing = [name for name in PARAM_NAMES if name not in got]
    if missing:
        raise _Rejected(f"the gradients of {', '.join(missing)} are missing; return all six, "
                        "E U W b V c")
    out = {}
    for name, want in params.items():
        try:
            value = np.asarray(got[name], dtype=np.float64)
        except (TypeError, ValueError):
            raise _Rejected(f"d{name} is a {type(got[name]).__name__}, not an array of shape "
                            f"{want.shape}") from None
        if value.shape != want.shape:
            flipped = len(want.shape) == 2 and value.shape == want.shape[::-1]
            raise _Rejected(f"d{name} has shape {value.shape}, expected {want.shape} (the shape of "
                            f"{name})" + (": it is transposed; rows of a weight's gradient belong "
                                          "to the rows of the weight" if flipped else ""))
        if not np.isfinite(value).all():
            raise _Rejected(f"d{name} contains NaN or infinite values")
        out[name] = value
    return out


@dataclass
class _Case:
    model: Model
    numeric: dict[str, np.ndarray]     # central finite differences, float64
    exact: dict[str, np.ndarray]       # the right formula (the package's backward for tanh)


def _call(title, fn, hint, *args):
    """``fn(*args)``, or a failing CheckResult for NotImplementedError / any other exception."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, CheckResult(False, f"✗ {title}: not implemented yet. Hint: {hint}")
    except Exception as exc:  # the student's code raised: report it, never a traceback
        advice = SHAPES_HINT if isinstance(exc, (ValueError, IndexError)) else hint
        return None, CheckResult(False, f"✗ {title}: raised {type(exc).__name__}: {exc}. "
                                        f"Hint: {advice}")


def _require_function(name: str, fn) -> None:
    if not callable(fn):
        raise TypeError(f"{name} must be your function, e.g. {name}(params, cache); "
                        f"got {type(fn).__name__}")


def _check_all_grads(title: str, student_fn, cases: list[_Case], make_cache, mistakes, hint) -> CheckResult:
    """Run ``student_fn(params, cache)`` on every case; ✓ with a verdict table, or ✗ with a diagnosis."""
    answers, errors = [], []
    for case in cases:
        m = case.model
        got, failed = _call(title, student_fn, hint, m.params.copy(), make_cache(m))
        if failed is not None:
            return failed
        try:
            got = _as_grads(got, m.params)
        except _Rejected as why:
            return CheckResult(False, f"✗ {title}: on {m.label}, {why}.")
        answers.append(got)
        errors.append({name: (_rel_err(got[name], case.numeric[name]), _rel_err(got[name], case.exact[name]))
                       for name in PARAM_NAMES})
    wrong = [[name for name in PARAM_NAMES if not (err[name][0] < FD_TOL and err[name][1] < EXACT_TOL)]
             for err in errors]
    if not any(wrong):
        lines = [f"✓ {title}: all six gradients match central finite differences (float64) and the "
                 f"exact formula, on {' and on '.join(c.model.label for c in cases)}.",
                 f"    {'tensor':<8}{'shape':<10}" + "".join(f"{c.model.short:>16}" for c in cases)
                 + "   (relative error vs finite differences)"]
        for name in PARAM_NAMES:
            lines.append(f"    d{name:<7}{str(cases[0].model.params.as_dict()[name].shape):<10}"
                         + "".join(f"{verdict(err[name][0], FD_TOL):>16}" for err in errors))
        return CheckResult(True, "\n".join(lines))
    return CheckResult(False, _explain(title, cases, answers, errors, wrong, make_cache, mistakes))


def _explain(title, cases, answers, errors, wrong, make_cache, mistakes) -> str:
    """Which tensors are wrong where, and the classic mistake (or two) that reproduces the answer."""
    lines = []
    for case, err, bad in zip(cases, errors, wrong, strict=True):
        if bad:
            lines.append(f"    on {case.model.label}: wrong " + ", ".join(
                f"d{name} {EQUATION[name]} (rel. error {err[name][0]:.1e})" for name in bad)
                + "; right: " + (", ".join(f"d{n}" for n in PARAM_NAMES if n not in bad) or "none"))
    found = _diagnose(cases, answers, make_cache, mistakes)
    if found:
        head = f"✗ {title}: " + ("two mistakes together reproduce your answer exactly."
                                 if len(found) == 2 else "your answer is exactly a classic mistake.")
        lines += [f"    → {m.diagnosis()}" for m in found]
    else:
        head = f"✗ {title}: " + _locate(cases, wrong)
    return "\n".join([head, *lines])


def _locate(cases, wrong) -> str:
    """Where to look, from which tensors are wrong (their shared path through the graph)."""
    if not wrong[0] and any(wrong[1:]):
        return ("right on one sequence, wrong on the batch: every sum must run over the batch AND "
                "time axes (e.g. reshape to (B·τ, k) rows), and h, x, do, dh keep their leading B axis.")
    bad = set().union(*map(set, wrong))
    if bad == set(PARAM_NAMES):
        return "all six gradients are wrong: start at the beginning, (4.1) and (4.2)-(4.3)."
    if {"E", "U", "W", "b"} <= bad and not bad & {"V", "c"}:
        return ("dV and dc are right, so (4.1) is; dE, dU, dW and db all go through (DL)_h and "
                "1 - h²: look at (4.2)-(4.3) and the derivative.")
    return "look again at " + ", ".join(f"d{n} {EQUATION[n]}" for n in PARAM_NAMES if n in bad) + "."


def _diagnose(cases, answers, make_cache, mistakes) -> tuple[Mistake, ...]:
    """The single mistake, else the pair of mistakes, whose gradients equal the answer everywhere."""
    def variant(switches):
        return [backward_variant(c.model.params, make_cache(c.model), **switches).as_dict() for c in cases]

    def reproduces(switches) -> bool:
        return all(_rel_err(got[name], want[name]) < EXACT_TOL
                   for got, want in zip(answers, variant(switches), strict=True) for name in PARAM_NAMES)

    for mistake in mistakes:
        if reproduces(mistake.switches):
            return (mistake,)
    for first, second in itertools.combinations(mistakes, 2):
        shared = set(first.switches) & set(second.switches)
        if any(first.switches[key] != second.switches[key] for key in shared):
            continue  # two readings of the same switch cannot both be there
        merged = {**first.switches, **second.switches}
        if merged in (first.switches, second.switches):
            continue
        if reproduces(merged):
            return (first, second)
    return ()


# ---- the checks ---------------------------------------------------------------------------------

def _tanh_cache(m: Model) -> ForwardCache:
    return _run_tanh(m.params, *check_inputs(m.params, m.inputs, m.targets, m.h0))


def _relu_cache(m: Model) -> ReluCache:
    return forward_relu(m.params, m.inputs, m.targets, m.h0)


@functools.cache
def _tanh_cases() -> tuple[_Case, ...]:
    out = []
    for m in models():
        numeric = {name: numerical_grad(m.params, m.inputs, m.targets, m.h0, name) for name in PARAM_NAMES}
        out.append(_Case(m, numeric, backward(m.params, _tanh_cache(m)).as_dict()))
    return tuple(out)


def _relu_numeric(m: Model, name: str) -> np.ndarray:
    inputs, targets, h0 = check_inputs(m.params, m.inputs, m.targets, m.h0)

    def loss_at(delta):
        nudged = m.params.copy()
        getattr(nudged, name)[...] += delta
        return _relu_run(nudged, inputs, targets, h0).loss
    return central_difference(loss_at, getattr(m.params, name).shape)


@functools.cache
def _relu_cases() -> tuple[_Case, ...]:
    out = []
    for m in models(relu=True):
        numeric = {name: _relu_numeric(m, name) for name in PARAM_NAMES}
        out.append(_Case(m, numeric, backward_variant(m.params, _relu_cache(m), act="relu").as_dict()))
    return tuple(out)


@checker
def check_backward(my_backward) -> CheckResult:
    """``my_backward(params, cache) -> Params`` of dE, dU, dW, db, dV, dc (eqs 4.1-4.9), tanh RNN."""
    _require_function("my_backward", my_backward)
    return _check_all_grads("my_backward, eqs 4.1-4.9", my_backward, list(_tanh_cases()), _tanh_cache,
                            MISTAKES, HINT_BACKWARD)


@checker
def check_backward_relu(my_backward_relu) -> CheckResult:
    """``my_backward_relu(params, cache) -> Params`` for caches of :func:`forward_relu`."""
    _require_function("my_backward_relu", my_backward_relu)
    return _check_all_grads("my_backward_relu", my_backward_relu, list(_relu_cases()), _relu_cache,
                            RELU_MISTAKES, "your my_backward with ReLU's derivative 1{a > 0} wherever "
                                           "the tanh's 1 - h² stood")


# ---- extension 1: the gradient with respect to h(0) --------------------------------------------

HINT_DH0 = ("h(0) feeds only a(1) (there is no o(0)): (4.3) once more at t = 0, without its "
            "(DL)_o term; (DL)_h(1) is row 0 of the package's grads_fast.dhidden")

DH0_MISTAKES = (
    (lambda p, c, dh: (dh[..., 0, :] * c.dtanh[..., 0, :]) @ p.W + _do(c)[..., 0, :] @ p.V,
     "h(0) has no logits o(0) of its own: (DL)_h(0) = (DL)_h(1) diag[1 - (h(1))²] W, with no "
     "(DL)_o V term."),
    (lambda p, c, dh: dh[..., 0, :] @ p.W,
     "the tanh derivative is missing: h(1) = tanh(a(1)), so multiply (DL)_h(1) by 1 - (h(1))² "
     "before W (eq 3.7)."),
    (lambda p, c, dh: (dh[..., 0, :] * (1 - c.h[..., 0, :] ** 2)) @ p.W,
     "off by one step: the derivative belongs to the tanh that made h(1), so it is 1 - (h(1))², "
     "not 1 - (h(0))² (h(0) was given, no tanh made it)."),
    (lambda p, c, dh: (dh[..., 0, :] * c.dtanh[..., 0, :]) @ p.W.T,
     "W is transposed: a(1) = h(0) W^T + ..., so the row (DL)_a(1) is multiplied by W itself."),
    (lambda p, c, dh: dh[..., 0, :],
     "that is (DL)_h(1); go one step further back, through a(1)."),
    (lambda p, c, dh: dh[..., 0, :] * c.dtanh[..., 0, :],
     "that is (DL)_a(1); one more factor: (Da(1))_h(0) = W."),
)


def _do(cache):
    from .. import grads_fast

    return grads_fast.dlogits(cache)


def _dh(params, cache):
    from .. import grads_fast

    return grads_fast.dhidden(params, cache, _do(cache))


@functools.cache
def _dh0_cases():
    out = []
    for m in models():
        inputs, targets, h0 = check_inputs(m.params, m.inputs, m.targets, m.h0)

        def loss_at(delta, m=m, inputs=inputs, targets=targets, h0=h0):
            return _run_tanh(m.params, inputs, targets, h0 + delta).loss
        numeric = central_difference(loss_at, h0.shape)
        cache = _tanh_cache(m)
        exact = (_dh(m.params, cache)[..., 0, :] * cache.dtanh[..., 0, :]) @ m.params.W
        out.append((m, numeric, exact))
    return tuple(out)


@checker
def check_dh0(my_dh0) -> CheckResult:
    """``my_dh0(params, cache) -> (DL)_h(0)``, shaped like ``cache.h[..., 0, :]``."""
    _require_function("my_dh0", my_dh0)
    title = "my_dh0, (DL)_h(0)"
    answers = []
    for m, numeric, exact in _dh0_cases():
        got, failed = _call(title, my_dh0, HINT_DH0, m.params.copy(), _tanh_cache(m))
        if failed is not None:
            return failed
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return CheckResult(False, f"✗ {title}: on {m.label} it returned {type(got).__name__}, "
                                      f"expected an array of shape {exact.shape}.")
        if got.shape != exact.shape:
            extra = (": each sequence of a batch starts from its own row of h(0), so keep the B axis"
                     if m.batched and got.shape == exact.shape[1:] else "")
            return CheckResult(False, f"✗ {title}: on {m.label} the shape is {got.shape}, expected "
                                      f"{exact.shape} (like cache.h[..., 0, :]){extra}.")
        answers.append(got)
        if not (_rel_err(got, numeric) < FD_TOL and _rel_err(got, exact) < EXACT_TOL):
            for wrong, why in DH0_MISTAKES:
                if all(_rel_err(a, wrong(mm.params, _tanh_cache(mm), _dh(mm.params, _tanh_cache(mm))))
                       < EXACT_TOL for a, (mm, _, _) in zip(answers, _dh0_cases(), strict=False)):
                    return CheckResult(False, f"✗ {title}: wrong on {m.label}. {why}")
            return CheckResult(False, f"✗ {title}: wrong on {m.label} (rel. error against finite "
                                      f"differences {_rel_err(got, numeric):.1e}). Hint: {HINT_DH0}")
    return CheckResult(True, f"✓ {title}: matches central finite differences (< {format_tol(FD_TOL)}) "
                             f"on {' and on '.join(m.label for m, _, _ in _dh0_cases())}.")


# ---- extension 2, first: predict which equations change for ReLU ------------------------------

WHY = {
    "4.1": "(4.1) goes from the loss through the softmax to o(t); no activation on that path",
    "4.2": "(4.2): h(τ) feeds only o(τ) = h(τ) V^T + c, so its gradient is (DL)_o(τ) V whatever "
           "made h(τ)",
    "4.3": "(4.3) goes back from h(t+1) to h(t) THROUGH a(t+1): its factor 1 - (h(t+1))² is "
           "the activation's derivative",
    "4.4": "(4.4): c is added after the activation, in o(t)",
    "4.5": "(4.5): b is added inside a(t), before the activation, so its sum carries the derivative",
    "4.6": "(4.6): V multiplies h(t), the activation's output, and nothing after it",
    "4.7": "(4.7): W acts inside a(t+1), before the activation",
    "4.8": "(4.8): U acts inside a(t), before the activation",
    "4.9": "(4.9): E reaches the loss through x(t) U^T inside a(t), before the activation",
}


def _equation_label(item) -> str:
    text = str(item).strip().lower().removeprefix("eq").strip().strip("()").strip()
    if isinstance(item, float):
        text = f"{item:.1f}"
    if text not in WHY:
        raise _Rejected(f"{item!r} is not one of the nine equations; write them like '4.3' or 4.3")
    return text


@checker
def check_relu_prediction(my_relu_prediction) -> CheckResult:
    """``my_relu_prediction() -> a set of equation numbers`` (e.g. ``{"4.1", "4.6"}``) that change
    when eq (1.5) is h = ReLU(a) instead of tanh(a)."""
    _require_function("my_relu_prediction", my_relu_prediction)
    title = "prediction: which of (4.1)-(4.9) change for ReLU"
    hint = "return a set of equation numbers, e.g. {'4.1', '4.6'}: the equations that change"
    got, failed = _call(title, my_relu_prediction, hint)
    if failed is not None:
        return failed
    if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__"):
        return CheckResult(False, f"✗ {title}: it returned {type(got).__name__}. Hint: {hint}")
    try:
        chosen = {_equation_label(item) for item in got}
    except _Rejected as why:
        return CheckResult(False, f"✗ {title}: {why}.")
    if chosen == CHANGING:
        return CheckResult(True, f"✓ {title}: all nine equations classified right.")
    lines = [f"✗ {title}: {len(chosen ^ CHANGING)} of the nine classified wrong. Look for "
             "the activation's derivative, 1 - h² for tanh, on each equation's path:"]
    lines += [f"    {eq} does not change: {WHY[eq]}." for eq in sorted(chosen - CHANGING)]
    lines += [f"    {eq} changes: {WHY[eq]}." for eq in sorted(CHANGING - chosen)]
    return CheckResult(False, "\n".join(lines))


__all__ = ["MISTAKES", "RELU_MISTAKES", "ReluCache", "backward_variant", "check_backward",
           "check_backward_relu", "check_dh0", "check_relu_prediction", "forward_relu", "models"]
