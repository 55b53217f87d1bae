"""The exercises of notebook 12, the capstone: the whole backward pass written by the student.

``check_backward(my_backward)``: ``my_backward(params, cache)`` returns all six gradients of the
mean loss (eqs 4.1-4.9) as a :class:`~bptt_helpers.Params` (or a dict ``E U W b V c``). Each
tensor is compared with the package's :func:`~bptt_helpers.backward` (and the ✓ shows central
finite differences in float64), on one sequence and on a batch, both with repeated tokens and a
nonzero h(0); one point per tensor that is right on every case. A wrong answer is compared with
the classic slips of :mod:`.capstone_mistakes` (each a switch of :func:`backward_variant`): when
one of them, or two together, reproduces the answer, the hint names it and the notebook that
teaches it.

Extensions: ``check_dh0(my_dh0)``, the gradient with respect to h(0);
``check_relu_prediction(my_relu_prediction)``, which of the nine equations change when
h = ReLU(a); ``check_backward_relu(my_backward_relu)``, that backward pass, on caches of
:func:`~bptt_helpers.lessons.relu.forward_relu`.

The visible cases are :func:`models`; ``hidden=n`` draws n more pairs of models now (other
sizes, lengths, tokens and weights), which no release holds.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from .. import grads_fast
from ..backward_pass import backward
from ..forward_pass import ForwardCache
from ..forward_pass import _run as _run_tanh
from ..gradcheck import central_difference, format_tol, verdict
from ..lessons.relu import ReluCache, forward_relu, relu_run
from ..params import PARAM_NAMES, Params, init_params
from ..validate import check_inputs
from . import Case, CheckResult, Exercise, Mistake, checker, make_checker
from .capstone_mistakes import CHANGING, DH0_SLIPS, RELU_SLIPS, SLIPS, WHY
from .policy import FLOAT32_RTOL, describe
from .variants import backward_variant

FD_TOL = 1e-6       # relative error against central finite differences (they reach ~1e-9 here)
EXACT_TOL = 1e-8    # relative error against the package's backward (rounding: ~1e-15)
EQUATION = {"E": "(4.9)", "U": "(4.8)", "W": "(4.7)", "b": "(4.5)", "V": "(4.6)", "c": "(4.4)"}
SHAPES = ("E (vocab, d_model), U (n_hidden, d_model), W (n_hidden, n_hidden), b (n_hidden,), "
          "V (vocab, n_hidden), c (vocab,); do is shaped like cache.o, dh like cache.a, and a row "
          "vector times a matrix is `row @ M`")
BATCH_NOTE = ("every sum must run over the batch AND time axes (e.g. reshape to (B·τ, k) rows), h, x, "
              "do, dh keep their leading B axis, and time is indexed as [..., t, :]")


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


def _draw(rng, relu: bool):
    """Two models drawn from ``rng``: sizes all different, tokens repeating, nonzero h(0)."""
    while True:
        vocab, d_model, n_hidden = (int(v) for v in rng.choice(np.arange(3, 8), 3, replace=False))
        tau, batch = int(rng.integers(3, 7)), int(rng.integers(2, 4))
        params = init_params(vocab, d_model, n_hidden, seed=int(rng.integers(0, 2**31)))
        params.W *= 2.0
        few = max(2, vocab - 2)                          # fewer symbols than steps: tokens repeat
        single = rng.integers(0, few, tau), rng.integers(0, vocab, tau), rng.uniform(-0.8, 0.8, n_hidden)
        many = (rng.integers(0, few, (batch, tau)), rng.integers(0, vocab, (batch, tau)),
                rng.uniform(-0.8, 0.8, (batch, n_hidden)))
        if not relu or (_relu_safe(params, *single) and _relu_safe(params, *many)):
            return (Model(f"one sequence (τ = {tau}, sizes {vocab}-{d_model}-{n_hidden})", "one sequence",
                          params, *single),
                    Model(f"a batch of B = {batch} (τ = {tau})", f"batch of {batch}", params, *many))


@functools.cache
def models(relu: bool = False) -> tuple[Model, Model]:
    """The visible cases: one sequence (τ = 6) and a batch of 3 sequences (τ = 4), a 5-3-4 model.

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


def _cache(m: Model, relu: bool) -> ForwardCache:
    args = check_inputs(m.params, m.inputs, m.targets, m.h0)
    return relu_run(m.params, *args) if relu else _run_tanh(m.params, *args)


def _numeric(m: Model, name: str, relu: bool) -> np.ndarray:
    """Central finite differences of the mean loss with respect to parameter ``name``."""
    inputs, targets, h0 = check_inputs(m.params, m.inputs, m.targets, m.h0)
    run = relu_run if relu else _run_tanh

    def loss_at(delta):
        nudged = m.params.copy()
        getattr(nudged, name)[...] += delta
        return run(nudged, inputs, targets, h0).loss
    return central_difference(loss_at, getattr(m.params, name).shape)


@functools.cache
def _visible_numeric(relu: bool):
    return {m.label: {n: _numeric(m, n, relu) for n in PARAM_NAMES} for m in models(relu)}


def _grad_case(m: Model, relu: bool) -> Case:
    cache = _cache(m, relu)
    exact = (backward_variant(m.params, cache, act="relu") if relu else backward(m.params, cache)).as_dict()
    return Case(m.label, (m.params, cache), exact, note=BATCH_NOTE if m.batched else "",
                quantities={"B·τ": cache.n_positions, "τ": cache.T})


def _grad_cases(relu: bool):
    def cases(rng=None):
        return [_grad_case(m, relu) for m in (models(relu) if rng is None else _draw(rng, relu))]
    return cases


def _slips(table):
    """Each slip, then each pair of slips that switch different things, as policy Mistakes."""
    def variant(switches):
        return lambda c: backward_variant(c.args[0], c.args[1], **switches).as_dict()

    def text(value):
        return value() if callable(value) else value

    def mistakes():
        for slip in table:
            yield Mistake(slip.key, variant(slip.switches), slip.where, slip.change)
        for first, second in itertools.combinations(table, 2):
            shared = set(first.switches) & set(second.switches)
            if any(first.switches[k] != second.switches[k] for k in shared):
                continue  # two readings of the same switch cannot both be there
            merged = {**first.switches, **second.switches}
            if merged in (first.switches, second.switches):
                continue
            yield Mistake(f"{first.key} + {second.key}", variant(merged),
                          lambda f=first, s=second: "two slips together reproduce your answer exactly. (1) "
                          + text(f.where) + " (2) " + text(s.where),
                          lambda f=first, s=second: "(1) " + text(f.change) + " (2) " + text(s.change))
    return mistakes


def _locate(bad: set) -> str:
    """Where to look, from which tensors are wrong (their shared path through the graph)."""
    if bad == set(PARAM_NAMES):
        return "all six gradients are wrong: start at the beginning, (4.1) and (4.2)-(4.3)."
    if {"E", "U", "W", "b"} <= bad and not bad & {"V", "c"}:
        return ("dV and dc are right, so (4.1) is; dE, dU, dW and db all go through (DL)_h and "
                "1 - h²: look at (4.2)-(4.3) and the derivative.")
    return "look again at " + ", ".join(f"d{n} {EQUATION[n]}" for n in PARAM_NAMES if n in bad) + "."


SUMS = {
    "E": "(4.9): row i of dE adds [(DL)_h(t) ⊙ (Dh)_a(t)] U for every position that read token i, "
         "repeats included",
    "U": "(4.8): Σ_t [(DL)_h(t) ⊙ (Dh)_a(t)] ⊗ x(t), t = 1..τ",
    "W": "(4.7): Σ_t [(DL)_h(t+1) ⊙ (Dh)_a(t+1)] ⊗ h(t) for t = 0..τ-1, the term of h(0) included",
    "b": "(4.5): Σ_t (DL)_h(t) ⊙ (Dh)_a(t), t = 1..τ",
    "V": "(4.6): Σ_t (DL)_o(t) ⊗ h(t), t = 1..τ",
    "c": "(4.4): Σ_t (DL)_o(t)",
}


def _explain(bad: set) -> str:
    """What to change, from which tensors are wrong: their equations, with every sum over the batch too."""
    if bad == set(PARAM_NAMES):
        return ("(4.1) is ŷ - onehot(y) divided by B·τ; (4.2) starts the recursion at t = τ with "
                "(DL)_o(τ) V, and (4.3) runs down to t = 1; then the six sums, each over the batch too.")
    return "; ".join(SUMS[n] for n in PARAM_NAMES if n in bad) + ". Each sum runs over the batch too."


def _success(title: str, relu: bool):
    def text(cases, answers):
        numeric = _visible_numeric(relu)
        lines = [f"✓ {title}: all six gradients match the exact formula and central finite differences "
                 f"(float64), on {' and on '.join(c.label for c in cases[:2])}.",
                 f"    {'tensor':<8}{'shape':<10}" + "".join(f"{c.label.split(' (')[0]:>18}"
                                                          for c in cases[:2])
                 + "   (relative error vs finite differences)"]
        for name in PARAM_NAMES:
            cells = []
            for case, answer in zip(cases[:2], answers[:2], strict=True):
                fd = numeric.get(case.label, {}).get(name)
                got = np.asarray(answer[name])
                tol = FLOAT32_RTOL if got.dtype == np.float32 else FD_TOL
                cells.append(verdict(_rel(got, fd), tol) if fd is not None else "")
            shape = str(cases[0].expected[name].shape)
            lines.append(f"    d{name:<7}{shape:<10}" + "".join(f"{c:>18}" for c in cells))
        hidden = len(cases) - 2
        if hidden:
            lines.append(f"    and right on {hidden} models drawn now (hidden tests).")
        return "\n".join(lines)
    return text


def _rel(got, want):
    from .policy import rel_err

    return rel_err(got, want)


_BACKWARD_IDEA = ("Eqs (4.1)-(4.9) in the paper's order: (4.1) for every position at once, then the "
                  "recursion (4.2)-(4.3) from t = τ down to 1, then one sum over the uses of each parameter.")
BACKWARD = Exercise(
    title="my_backward, eqs 4.1-4.9", idea=_BACKWARD_IDEA,
    change="follow the table of the nine equations; return bh.Params(E=dE, U=dU, W=dW, b=db, V=dV, c=dc)",
    cases=_grad_cases(False), arg_names=("params", "cache"), answers=(backward,),
    mistakes=_slips(SLIPS), rtol=EXACT_TOL, outputs=PARAM_NAMES, shapes=SHAPES, locate=_locate,
    explain=_explain, success=_success("my_backward, eqs 4.1-4.9", False))
check_backward = make_checker("check_backward", BACKWARD,
                              "``my_backward(params, cache) -> Params`` of the six gradients (4.1-4.9).")

BACKWARD_RELU = Exercise(
    title="my_backward_relu",
    idea="The same nine equations for h = ReLU(a): the activation's derivative is the step 1{a > 0} "
         "wherever the tanh's 1 - h² stood.",
    change="your my_backward with (cache.a > 0) wherever 1 - h² stood",
    cases=_grad_cases(True), arg_names=("params", "cache"), answers=(backward,),
    mistakes=_slips(RELU_SLIPS), rtol=EXACT_TOL, outputs=PARAM_NAMES, shapes=SHAPES, locate=_locate,
    explain=_explain, success=_success("my_backward_relu", True))
check_backward_relu = make_checker("check_backward_relu", BACKWARD_RELU,
                                   "``my_backward_relu(params, cache) -> Params``, forward_relu caches.")


# ---- extension 1: the gradient with respect to h(0) --------------------------------------------

def _dh_do(params, cache):
    do = grads_fast.dlogits(cache)
    return grads_fast.dhidden(params, cache, do), do


def _dh0_cases(rng=None):
    out = []
    for m in (models() if rng is None else _draw(rng, False)):
        cache = _cache(m, False)
        dh, _ = _dh_do(m.params, cache)
        exact = (dh[..., 0, :] * cache.dtanh[..., 0, :]) @ m.params.W
        out.append(Case(m.label, (m.params, cache), exact,
                        note="each sequence of a batch starts from its own row of h(0): keep the B axis, "
                             "index with [..., 0, :]" if m.batched else ""))
    return out


def _dh0_mistake(key, wrong, where, change):
    def reproduce(c):
        params, cache = c.args
        return wrong(params, cache, *_dh_do(params, cache))
    return Mistake(key, reproduce, where, change)


def _dh0_success(cases, answers) -> str:
    hidden = len(cases) - 2
    return (f"✓ my_dh0, (DL)_h(0): matches the exact formula (< {format_tol(EXACT_TOL)}), checked against "
            f"central finite differences, on {' and on '.join(c.label for c in cases[:2])}"
            + (f", and on {hidden} models drawn now (hidden tests)." if hidden else "."))


DH0 = Exercise(
    title="my_dh0, (DL)_h(0)",
    idea="h(0) feeds only a(1) (there is no o(0)): its gradient is (4.3) once more, at t = 0, "
         "with one of its two paths.",
    change="(DL)_h(0) = (DL)_h(1) diag[1 - (h(1))²] W, with (DL)_h(1) = row 0 of "
           "grads_fast.dhidden(params, cache, grads_fast.dlogits(cache))",
    cases=_dh0_cases, arg_names=("params", "cache"), rtol=EXACT_TOL,
    allowed=(grads_fast.dhidden, grads_fast.dlogits),
    mistakes=tuple(_dh0_mistake(*slip) for slip in DH0_SLIPS),
    success=_dh0_success)
check_dh0 = make_checker("check_dh0", DH0, "``my_dh0(params, cache) -> (DL)_h(0)``, shaped like "
                                           "``cache.h[..., 0, :]``.")


# ---- extension 2, first: predict which equations change for ReLU ------------------------------

def _equation_label(item) -> str | None:
    if isinstance(item, float):
        text = f"{item:.1f}"
    else:
        text = str(item).strip().lower().removeprefix("eq").strip().strip("()").strip()
    return text if text in WHY else None


@checker
def check_relu_prediction(my_relu_prediction) -> CheckResult:
    """``my_relu_prediction() -> a set of equation numbers`` (e.g. ``{"4.1", "4.6"}``) that change
    when eq (1.5) is h = ReLU(a) instead of tanh(a). Rules 1, 4 and 11 of the policy; each wrong
    classification gets its reason at once (the answer is nine yes/no decisions)."""
    title = "prediction: which of (4.1)-(4.9) change for ReLU"
    if not callable(my_relu_prediction):
        raise TypeError(f"pass your function itself, my_relu_prediction; got {describe(my_relu_prediction)}")
    try:
        got = my_relu_prediction()
    except NotImplementedError:
        return CheckResult(False, f"✗ {title}: not implemented yet. Follow each equation's path in "
                                  "Figure 1: does it pass through the activation?")
    except Exception as exc:  # the student's code raised: reported, never a traceback
        return CheckResult(False, f"✗ {title}: raised {type(exc).__name__}: {exc}.")
    if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__"):
        return CheckResult(False, f"✗ {title}: it returned {describe(got)}; return a set of equation "
                                  "numbers, e.g. {'4.1', '4.6'}.")
    chosen = {_equation_label(item) for item in got}
    if None in chosen:
        bad = [item for item in got if _equation_label(item) is None]
        return CheckResult(False, f"✗ {title}: {bad[0]!r} is not one of the nine equations; write "
                                  "them like '4.3' or 4.3.")
    if chosen == CHANGING:
        return CheckResult(True, f"✓ {title}: all nine equations classified right.")
    lines = [f"✗ {title}: {len(chosen ^ CHANGING)} of the nine classified wrong. Look for "
             "the activation's derivative, 1 - h² for tanh, on each equation's path:"]
    lines += [f"    {eq} does not change: {WHY[eq]}." for eq in sorted(chosen - CHANGING)]
    lines += [f"    {eq} changes: {WHY[eq]}." for eq in sorted(CHANGING - chosen)]
    return CheckResult(False, "\n".join(lines))


__all__ = ["BACKWARD", "BACKWARD_RELU", "DH0", "Model", "ReluCache", "backward_variant", "check_backward",
           "check_backward_relu", "check_dh0", "check_relu_prediction", "forward_relu", "models"]
