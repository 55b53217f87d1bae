"""The exercise of notebook 13, as data for the policy: one LSTM step's backward pass (cs231n's shape).

The student writes ``my_lstm_step_backward(dh, dc_next, cache)``:

- ``dh`` (B, n): (DL)_h(t), all of eq 13.5; ``dc_next`` (B, n): (DL)_c(t+1) ⊙ f(t+1), what reaches
  c(t) from the step after it; ``cache``: the step's :class:`~bptt_helpers.lstm.StepCache`
  (``x``, ``h_prev``, ``c_prev``, the gates ``i f g q`` and ``acts``, ``c``, ``W_ih``, ``W_hh``);
- returns the gradients of the step's inputs and weights as a dict, named like the series'
  gradients by what they are the gradient of: ``x``, ``h_prev``, ``c_prev``, ``W_ih``, ``W_hh``, ``b``.

The right answer of each case is the package's :func:`~bptt_helpers.lstm.step_backward`, which the
tests hold to central finite differences of S = Σ dh ⊙ h(t) + Σ dc_next ⊙ c(t); the ✓ shows the
student's own agreement with those differences, output by output. The policy
(:mod:`bptt_helpers.exercises.policy`) does the rest: one point per output, the classic mistakes of
:data:`MISTAKES` (each a variant of the right step, :func:`step_variant`) named, in place changes,
types, float32, scale and case-only failures.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import central_difference, verdict
from ..lstm import grads_fast as lstm_grads
from ..lstm.backward import StepCache, lstm_backward, step_backward
from ..lstm.forward import cell_state, gate_preactivations, gates, hidden_output, split
from . import Case, Exercise, Mistake, make_checker

OUTPUTS = ("x", "h_prev", "c_prev", "W_ih", "W_hh", "b")
EQUATION = {"x": "(13.12)", "h_prev": "(13.5)", "c_prev": "(13.6)", "W_ih": "(13.10)", "W_hh": "(13.11)",
            "b": "(13.9)"}
FD_TOL = 1e-6
_FIELDS = ("x", "h_prev", "c_prev", "W_ih", "W_hh", "b")


# ---- the cases -----------------------------------------------------------------------------------

def _step(x, h_prev, c_prev, W_ih, W_hh, b) -> StepCache:
    """The forward step of eqs 13.1-13.3 by the package, kept as the exercise's cache."""
    acts = gates(gate_preactivations(x, h_prev, W_ih, W_hh, b))
    i, f, g, _ = split(acts)
    return StepCache(x=x, h_prev=h_prev, c_prev=c_prev, acts=acts, c=cell_state(f, c_prev, i, g),
                     W_ih=W_ih, W_hh=W_hh, b=b)


def _draw(seed: int, B: int, d: int = 2, n: int = 3) -> dict:
    rng = np.random.default_rng(300 + seed)
    scale = 1.2   # every gate away from 1/2, so that the classic mistakes differ clearly
    return {"dh": rng.standard_normal((B, n)), "dc_next": rng.standard_normal((B, n)),
            "x": rng.standard_normal((B, d)), "h_prev": rng.uniform(-0.9, 0.9, (B, n)),
            "c_prev": rng.uniform(-1.5, 1.5, (B, n)), "W_ih": scale * rng.standard_normal((4 * n, d)),
            "W_hh": scale * rng.standard_normal((4 * n, n)), "b": rng.standard_normal(4 * n)}


def _expected(dh, dc_next, step: StepCache) -> dict[str, np.ndarray]:
    out = step_backward(dh, dc_next, step)
    return {"x": out.dx, "h_prev": out.dh_prev, "c_prev": out.dc_prev, "W_ih": out.dW_ih, "W_hh": out.dW_hh,
            "b": out.db}


def cases(rng=None) -> list[Case]:
    """One row (B = 1) and a batch of B = 3 with d = 2, n = 3; drawn: two batches of other sizes."""
    specs = [("one row (B = 1)", 0, 1, 2, 3), ("a batch of B = 3", 1, 3, 2, 3)] if rng is None else \
        [(f"a batch of B = {B}", int(rng.integers(10, 10_000)), B, 3, 2) for B in (2, 4)]
    out = []
    for label, seed, B, d, n in specs:
        v = _draw(seed, B, d, n)
        step = _step(v["x"], v["h_prev"], v["c_prev"], v["W_ih"], v["W_hh"], v["b"])
        out.append(Case(label, (v["dh"], v["dc_next"], step), _expected(v["dh"], v["dc_next"], step),
                        note="keep the B rows of dx, dh_prev, dc_prev, and sum the weights' and the bias's "
                             "terms over them (a (4n, B) by (B, ·) product)" if B > 1 else ""))
    return out


def numeric(case: Case) -> dict[str, np.ndarray]:
    """Central differences (float64) of S = Σ dh ⊙ h(t) + Σ dc_next ⊙ c(t) for every output."""
    dh, dc_next, step = case.args
    base = {name: np.asarray(getattr(step, name), dtype=np.float64) for name in _FIELDS}

    def s_at(**nudged):
        v = {**base, **nudged}
        i, f, g, q = split(gates(gate_preactivations(v["x"], v["h_prev"], v["W_ih"], v["W_hh"], v["b"])))
        c = cell_state(f, v["c_prev"], i, g)
        return float(np.sum(dh * hidden_output(q, c)) + np.sum(dc_next * c))
    return {name: central_difference(lambda delta, name=name: s_at(**{name: base[name] + delta}),
                                     np.shape(base[name])) for name in _FIELDS}


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
    dtanh = {"c": 1 - tanh_c ** 2, "h": 1 - (q * tanh_c) ** 2, "c_prev": 1 - np.tanh(step.c_prev) ** 2,
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
    return {"x": dz @ step.W_ih, "h_prev": dz @ step.W_hh, "c_prev": dc * f if forget_in_dc_prev else dc,
            "W_ih": rows.T @ step.x.reshape(-1, step.x.shape[-1]),
            "W_hh": rows.T @ step.h_prev.reshape(-1, step.h_prev.shape[-1]), "b": rows.sum(axis=0)}


def _variant(**switches):
    return lambda case: step_variant(*case.args, **switches)


MISTAKES = (
    Mistake("cell path left out", _variant(cell_path=False),
            "(DL)_c(t) misses one of its two paths.",
            "the c(t+1) ⊙ f(t+1) path is left out: c(t) has two uses, h(t) AND c(t+1), so (13.6) adds "
            "dc_next, the gradient that comes back along the cell, to the part through h(t)."),
    Mistake("tanh' at h", _variant(tanh_at="h"),
            "(13.6): tanh′ is taken at the wrong node.",
            "1 - h(t)² is the RNN's derivative. Here h(t) = q(t) ⊙ tanh c(t), so the tanh in (13.6) is "
            "the one of c(t): 1 - tanh² c(t)."),
    Mistake("tanh' at c(t-1)", _variant(tanh_at="c_prev"),
            "(13.6): tanh′ is taken at the wrong node, c(t-1).",
            "h(t) = q(t) ⊙ tanh c(t) is made from the NEW cell state, so (13.6) needs 1 - tanh² c(t)."),
    Mistake("tanh' as 1 - c²", _variant(tanh_at="c itself"),
            "(13.6): tanh′ is taken at the wrong node: at the tanh's input, as if it were its output.",
            "1 - c(t)² would be right if c(t) were a tanh's output; c(t) is the tanh's input here, so the "
            "derivative is 1 - tanh² c(t)."),
    Mistake("σ' of σ(gate)", _variant(sigma_of="sigma(gate)"),
            "(13.8): σ′ is taken of the wrong variable.",
            "i, f, q are already σ's outputs, so σ'(z_i) = i(1 - i) (likewise f, q); applying σ to them "
            "once more gives σ(i)(1 - σ(i))."),
    Mistake("σ' for g", _variant(sigma_of="g too"),
            "(13.8): one gate gets the wrong derivative.",
            "g = tanh(z_g) is the one gate that is a tanh, so its factor in (13.8) is 1 - g², not g(1 - g)."),
    Mistake("order ifqg", _variant(order="ifqg"),
            "(13.8): the four blocks of (DL)_z are stacked in another order than the weights' rows.",
            "the gate order is swapped: that is cs231n's order i, f, o, g. PyTorch's W_ih and W_hh, and this "
            "cache, stack the gates i, f, g, o (o is q here): (DL)_z must follow the rows of the weights."),
    Mistake("order igfq", _variant(order="igfq"),
            "(13.8): the four blocks of (DL)_z are stacked in another order than the weights' rows.",
            "the gate order is swapped: that is TensorFlow's order i, g, f, o. PyTorch's weights, and this "
            "cache, stack i, f, g, o (o is q here)."),
    Mistake("no f in dc_prev", _variant(forget_in_dc_prev=False),
            "only (DL)_c(t-1) is wrong: what c(t-1) receives along the cell.",
            "the forget-gate term is missing: c(t) = f(t) ⊙ c(t-1) + ..., so what reaches c(t-1) along the "
            "cell is (DL)_c(t) ⊙ f(t), (13.6) one step earlier."),
    Mistake("dq with c", _variant(dq_of="c"),
            "(13.7): the output gate's gradient uses the wrong factor.",
            "h(t) = q(t) ⊙ tanh c(t), so (DL)_q = (DL)_h ⊙ tanh c(t), not (DL)_h ⊙ c(t)."),
)


def _success(cases_, answers) -> str:
    """The ✓ with the student's own agreement with central differences, output by output."""
    visible = [c for c in cases_ if not c.label.startswith("a hidden case")]
    drawn = len(cases_) - len(visible)
    lines = [f"✓ {TITLE}: all six outputs right on {', '.join(c.label for c in visible)}"
             + (f", and on {drawn} more drawn now (hidden tests)." if drawn else "."),
             f"    {'output':<9}{'eq':<9}" + "".join(f"{c.label:>22}" for c in visible)
             + "   (relative error vs central differences)"]
    numerics = [numeric(c) for c in visible]
    for name in OUTPUTS:
        cells = []
        for answer, fd in zip(answers, numerics, strict=False):
            got, want = np.asarray(answer[name], np.float64), fd[name]
            scale = max(float(np.max(np.abs(got))), float(np.max(np.abs(want))), 1e-300)
            cells.append(verdict(float(np.max(np.abs(got - want))) / scale, FD_TOL))
        lines.append(f"    d{name:<8}{EQUATION[name]:<9}" + "".join(f"{cell:>22}" for cell in cells))
    return "\n".join(lines)


def _locate(wrong: set) -> str:
    if wrong == {"c_prev"}:
        return "only dc_prev is wrong: look at what c(t-1) receives along the cell."
    if "c_prev" not in wrong:
        return "dc_prev is right, so (DL)_c(t) is; look at (13.7)-(13.8) and the sums built on (DL)_z:"
    return "dc_prev is wrong too, so look first at (DL)_c(t), (13.6):"


TITLE = "one LSTM step backward, eqs 13.6-13.12"
LSTM_STEP = Exercise(
    title=TITLE,
    idea="(13.6): c(t) has two uses, h(t) and c(t+1), so its gradient is the sum of two paths; "
         "(13.7)-(13.8): each gate's gradient, then σ′ or tanh′ taken at that gate's output; "
         "(13.9)-(13.12): each input's and weight's gradient from (DL)_z.",
    change="dc = dh ⊙ q ⊙ (1 - tanh² c) + dc_next; the gates' gradients dc ⊙ g, dc ⊙ c_prev, dc ⊙ i, "
           "dh ⊙ tanh c; dz = their products with i(1-i), f(1-f), 1-g², q(1-q), stacked i, f, g, q; then "
           "x: dz W_ih, h_prev: dz W_hh, c_prev: dc ⊙ f, W_ih: dzᵀ x, W_hh: dzᵀ h_prev, b: dz summed "
           "over rows; return dict(x=..., h_prev=..., c_prev=..., W_ih=..., W_hh=..., b=...)",
    cases=cases, arg_names=("dh", "dc_next", "cache"),
    answers=(step_backward, lstm_backward, lstm_grads.dhidden_cell, lstm_grads.dcell_step,
             lstm_grads.gate_grads, lstm_grads.dpreact, lstm_grads.dW_ih, lstm_grads.dW_hh, lstm_grads.db),
    mistakes=MISTAKES, outputs=OUTPUTS,
    shapes="dh, dc_next, x, h_prev, c_prev: (B, ·) rows; W_ih (4n, d), W_hh (4n, n), b (4n,); a row times "
           "a weight is `row @ W`",
    success=_success, locate=_locate)
check_lstm_step_backward = make_checker("check_lstm_step_backward", LSTM_STEP)

__all__ = ["LSTM_STEP", "MISTAKES", "OUTPUTS", "cases", "check_lstm_step_backward", "numeric", "step_variant"]
