"""The six parameters of the RNN of the paper, and their random initialisation.

Shapes follow PyTorch (``nn.Embedding`` and ``nn.Linear``), as in the paper:

=====  ======================  ==========================================
field  shape                   role (paper, eqs 1.3-1.6)
=====  ======================  ==========================================
``E``  (vocab, d_model)        embedding table, ``x = E[input]``
``U``  (n_hidden, d_model)     input-to-hidden weight, ``x U^T``
``W``  (n_hidden, n_hidden)    hidden-to-hidden weight, ``h W^T``
``b``  (n_hidden,)             input-to-hidden bias
``V``  (vocab, n_hidden)       hidden-to-logit weight, ``h V^T``
``c``  (vocab,)                hidden-to-logit bias
=====  ======================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

PARAM_NAMES = ("E", "U", "W", "b", "V", "c")


class ParamArrays:
    """What the parameter containers share (:class:`Params` here, the LSTM's
    :class:`bptt_helpers.lstm.LSTMParams`): dataclass fields that are arrays, E first."""

    @property
    def vocab_size(self) -> int:
        return self.E.shape[0]

    @property
    def d_model(self) -> int:
        return self.E.shape[1]

    def items(self):
        """``(name, array)`` pairs in the fields' order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self.items())

    def copy(self):
        """The same container with every array copied."""
        return type(self)(**{name: np.array(value, copy=True) for name, value in self.items()})

    def astype(self, dtype):
        """The same container with every array as ``dtype``."""
        return type(self)(**{name: np.asarray(value, dtype=dtype) for name, value in self.items()})


@dataclass
class Params(ParamArrays):
    """A container for ``E, U, W, b, V, c`` (also used for their gradients); ``items()`` in that order."""

    E: np.ndarray
    U: np.ndarray
    W: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray

    @property
    def n_hidden(self) -> int:
        return self.W.shape[0]


def expected_shapes(vocab_size: int, d_model: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
    """The shape every field of :class:`Params` must have."""
    return {
        "E": (vocab_size, d_model),
        "U": (n_hidden, d_model),
        "W": (n_hidden, n_hidden),
        "b": (n_hidden,),
        "V": (vocab_size, n_hidden),
        "c": (vocab_size,),
    }


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def init_params(vocab_size: int, d_model: int, n_hidden: int, seed: int = 0,
                dtype=np.float64) -> Params:
    """Random parameters with PyTorch's default scales, reproducible from ``seed``.

    ``E ~ N(0, 1)`` like ``nn.Embedding``; ``U, W, b`` and ``V, c`` uniform in
    ``±1/sqrt(fan_in)`` like ``nn.Linear`` (fan_in = d_model for U and b,
    n_hidden for W, V and c).

    Returns a :class:`Params` with ``E (vocab, d_model)``, ``U (n_hidden, d_model)``,
    ``W (n_hidden, n_hidden)``, ``b (n_hidden,)``, ``V (vocab, n_hidden)``, ``c (vocab,)``.
    """
    vocab_size = _positive_int("vocab_size", vocab_size)
    d_model = _positive_int("d_model", d_model)
    n_hidden = _positive_int("n_hidden", n_hidden)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point dtype, got {dtype}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    k_in, k_h = 1 / np.sqrt(d_model), 1 / np.sqrt(n_hidden)
    return Params(
        E=rng.standard_normal((vocab_size, d_model)).astype(dtype),
        U=rng.uniform(-k_in, k_in, (n_hidden, d_model)).astype(dtype),
        W=rng.uniform(-k_h, k_h, (n_hidden, n_hidden)).astype(dtype),
        b=rng.uniform(-k_in, k_in, (n_hidden,)).astype(dtype),
        V=rng.uniform(-k_h, k_h, (vocab_size, n_hidden)).astype(dtype),
        c=rng.uniform(-k_h, k_h, (vocab_size,)).astype(dtype),
    )
