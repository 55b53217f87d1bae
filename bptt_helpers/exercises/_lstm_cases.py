"""The cases and the classic wrong readings of notebook 13's exercise (one LSTM step backward).

:func:`cases` are one row, a batch of 3 and that batch in float32, each with the upstream gradients
and the step's inputs; :func:`numeric` their central differences (float64) of
S = Σ dh ⊙ h(t) + Σ dc_next ⊙ c(t); :func:`step_variant` the right step with switches, one per
classic mistake of :data:`MISTAKES`. The checker is :mod:`bptt_helpers.exercises.lstm`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..gradcheck import central_difference
from ..lstm.backward import StepCache
from ..lstm.forward import cell_state, gate_preactivations, gates, hidden_output, split

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
