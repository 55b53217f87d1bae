"""The parameters of the LSTM language model of notebook 13, and their initialisation.

The embedding E and the output layer V, c are the RNN's (:mod:`bptt_helpers.params`); the
recurrent part follows ``torch.nn.LSTM`` (one layer), with its shapes and its gate order
**i, f, g, o** stacked along the rows:

============  =========================  ==============================================
field         shape                      role (notebook 13's equations)
============  =========================  ==============================================
``E``         (vocab, d_model)           embedding table, ``x = E[input]`` (1.3)
``W_ih``      (4·n_hidden, d_model)      torch's ``weight_ih_l0``: x(t) to the four gates
``W_hh``      (4·n_hidden, n_hidden)     torch's ``weight_hh_l0``: h(t-1) to the four gates
``b``         (4·n_hidden,)              ONE bias: torch's ``bias_ih_l0 + bias_hh_l0``
``V``         (vocab, n_hidden)          hidden-to-logit weight, ``h V^T`` (1.6)
``c``         (vocab,)                   hidden-to-logit bias (1.6); not the cell state c(t)
============  =========================  ==============================================

Rows ``0:n`` of ``W_ih``, ``W_hh`` and ``b`` belong to the input gate i, ``n:2n`` to the forget
gate f, ``2n:3n`` to the candidate g, ``3n:4n`` to the output gate (torch's o, called q in the
notebook, because o(t) already names the logits of eq 1.6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import ParamArrays, _positive_int

LSTM_PARAM_NAMES = ("E", "W_ih", "W_hh", "b", "V", "c")
GATES = ("i", "f", "g", "q")          # torch's order i, f, g, o; q is torch's o
TORCH_GATE_NAMES = {"i": "i", "f": "f", "g": "g", "q": "o"}


@dataclass
class LSTMParams(ParamArrays):
    """A container for ``E, W_ih, W_hh, b, V, c`` (also used for their gradients); ``items()`` in
    that order, ``copy()`` and ``astype()`` as :class:`bptt_helpers.Params`."""

    E: np.ndarray
    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray

    @property
    def n_hidden(self) -> int:
        return self.W_hh.shape[1]

    def gate(self, name: str, which: str = "b") -> np.ndarray:
        """The rows of ``W_ih``, ``W_hh`` or ``b`` (``which``) that belong to gate ``name`` (i f g q)."""
        if name not in GATES:
            raise ValueError(f"name must be one of {GATES}, got {name!r}")
        if which not in ("W_ih", "W_hh", "b"):
            raise ValueError(f"which must be 'W_ih', 'W_hh' or 'b', got {which!r}")
        n = self.n_hidden
        k = GATES.index(name)
        return getattr(self, which)[k * n:(k + 1) * n]


def lstm_expected_shapes(vocab_size: int, d_model: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
    """The shape every field of :class:`LSTMParams` must have."""
    return {
        "E": (vocab_size, d_model),
        "W_ih": (4 * n_hidden, d_model),
        "W_hh": (4 * n_hidden, n_hidden),
        "b": (4 * n_hidden,),
        "V": (vocab_size, n_hidden),
        "c": (vocab_size,),
    }


def init_lstm_params(vocab_size: int, d_model: int, n_hidden: int, seed: int = 0,
                     forget_bias: float = 0.0, dtype=np.float64) -> LSTMParams:
    """Random parameters with PyTorch's default scales, reproducible from ``seed``.

    ``E ~ N(0, 1)`` like ``nn.Embedding``; ``W_ih, W_hh`` uniform in ``±1/sqrt(n_hidden)`` like
    ``nn.LSTM``, and ``b`` the sum of two such uniforms (torch's bias_ih + bias_hh); ``V, c``
    uniform in ``±1/sqrt(n_hidden)`` like ``nn.Linear``. ``forget_bias`` is added to the
    forget gate's block of ``b`` (1 or more makes f(t) start near 1: the cell keeps its content).
    """
    vocab_size = _positive_int("vocab_size", vocab_size)
    d_model = _positive_int("d_model", d_model)
    n_hidden = _positive_int("n_hidden", n_hidden)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point dtype, got {dtype}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(forget_bias, bool) or not isinstance(forget_bias, (int, float, np.floating)) \
            or not np.isfinite(forget_bias):
        raise TypeError(f"forget_bias must be a finite number, got {forget_bias!r}")
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(n_hidden)
    n4 = 4 * n_hidden
    b = rng.uniform(-k, k, n4) + rng.uniform(-k, k, n4)
    b[n_hidden:2 * n_hidden] += forget_bias
    return LSTMParams(
        E=rng.standard_normal((vocab_size, d_model)).astype(dtype),
        W_ih=rng.uniform(-k, k, (n4, d_model)).astype(dtype),
        W_hh=rng.uniform(-k, k, (n4, n_hidden)).astype(dtype),
        b=b.astype(dtype),
        V=rng.uniform(-k, k, (vocab_size, n_hidden)).astype(dtype),
        c=rng.uniform(-k, k, (vocab_size,)).astype(dtype),
    )


def lstm_param_count(vocab_size: int, d_model: int, n_hidden: int) -> int:
    """Number of numbers in an :class:`LSTMParams` of these sizes."""
    return sum(int(np.prod(s)) for s in lstm_expected_shapes(vocab_size, d_model, n_hidden).values())


def rnn_param_count(vocab_size: int, d_model: int, n_hidden: int) -> int:
    """Number of numbers in the RNN's :class:`bptt_helpers.Params` of these sizes."""
    from ..params import expected_shapes

    return sum(int(np.prod(s)) for s in expected_shapes(vocab_size, d_model, n_hidden).values())


def matched_rnn_hidden(vocab_size: int, d_model: int, n_hidden_lstm: int) -> int:
    """The RNN's n_hidden whose parameter count is closest to the LSTM's (same vocab and d_model)."""
    target = lstm_param_count(vocab_size, d_model, n_hidden_lstm)
    return min(range(1, 8 * n_hidden_lstm + 8),
               key=lambda m: abs(rnn_param_count(vocab_size, d_model, m) - target))
