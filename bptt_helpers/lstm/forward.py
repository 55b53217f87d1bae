"""The LSTM's forward pass, one function per equation (notebook 13's numbers; the paper has none).

The embedding (1.3), the logits (1.6), the softmax (1.7) and the loss (1.1)-(1.2) are the
RNN's own functions, imported from :mod:`bptt_helpers.forward_pass`. New are four equations:

    z(t) = x(t) W_ih^T + h(t-1) W_hh^T + b                                  (13.1)
    i(t), f(t), g(t), q(t) = σ(z_i), σ(z_f), tanh(z_g), σ(z_q)              (13.2)
    c(t) = f(t) ⊙ c(t-1) + i(t) ⊙ g(t)                                      (13.3)
    h(t) = q(t) ⊙ tanh(c(t))                                                (13.4)

Row vectors and PyTorch's gate order (i, f, g, o) along the 4·n_hidden axis of z; torch's
output gate o is written q, because o(t) is already the logits. Layout as for the RNN: time
on axis -2; ``cache.h[..., t, :]`` and ``cache.c[..., t, :]`` are h(t), c(t) including t = 0;
every other per-step array holds t = 1..τ, so ``cache.x[..., t-1, :]`` is x(t).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..forward_pass import SequenceCache, _pick_negative, embed, log_softmax, logits, mean_loss
from ..validate import check_h0, check_param_arrays, check_tokens
from .params import LSTM_PARAM_NAMES, LSTMParams, lstm_expected_shapes


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(-z)), elementwise, computed as (1 + tanh(z/2)) / 2: the same function,
    with no overflow for any z."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def gate_preactivations(x: np.ndarray, h_prev: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
                        b: np.ndarray) -> np.ndarray:
    """Eq. (13.1): z(t) = x(t) W_ih^T + h(t-1) W_hh^T + b, the four gates' inputs side by side.

    x: (..., d_model); h_prev: (..., n_hidden); W_ih: (4·n_hidden, d_model);
    W_hh: (4·n_hidden, n_hidden); b: (4·n_hidden,) -> z: (..., 4·n_hidden), blocks i f g q.
    """
    return x @ W_ih.T + h_prev @ W_hh.T + b


def gates(z: np.ndarray) -> np.ndarray:
    """Eq. (13.2): [i, f, g, q] = [σ(z_i), σ(z_f), tanh(z_g), σ(z_q)], block by block.

    z: (..., 4·n_hidden) -> (..., 4·n_hidden), the same blocks (PyTorch's order i, f, g, o).
    """
    n = z.shape[-1] // 4
    out = sigmoid(z)
    out[..., 2 * n:3 * n] = np.tanh(z[..., 2 * n:3 * n])
    return out


def cell_state(f: np.ndarray, c_prev: np.ndarray, i: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Eq. (13.3): c(t) = f(t) ⊙ c(t-1) + i(t) ⊙ g(t), elementwise. All (..., n_hidden)."""
    return f * c_prev + i * g


def hidden_output(q: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Eq. (13.4): h(t) = q(t) ⊙ tanh(c(t)), elementwise. Both (..., n_hidden) -> (..., n_hidden)."""
    return q * np.tanh(c)


def split(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(..., 4·n) -> the four (..., n) blocks i, f, g, q (views, PyTorch's order)."""
    n = blocks.shape[-1] // 4
    return blocks[..., :n], blocks[..., n:2 * n], blocks[..., 2 * n:3 * n], blocks[..., 3 * n:]


@dataclass
class LSTMCache(SequenceCache):
    """Everything the LSTM's forward pass computed, kept for the backward pass.

    Shapes for one sequence (a batch adds a leading B axis everywhere):

    - ``inputs``, ``targets``: (T,) token ids
    - ``x``: (T, d_model), eq 1.3
    - ``z``: (T, 4·n_hidden), eq 13.1; ``acts``: (T, 4·n_hidden), eq 13.2, blocks i f g q
      (also as the views ``cache.i``, ``cache.f``, ``cache.g``, ``cache.q``, each (T, n_hidden))
    - ``c``: (T+1, n_hidden), eq 13.3 — ``c[0]`` is c(0); ``tanh_c``: (T, n_hidden), tanh c(t)
    - ``h``: (T+1, n_hidden), eq 13.4 — ``h[0]`` is h(0), ``h[t]`` is h(t)
    - ``o``: (T, vocab) logits, eq 1.6; ``y_hat``: (T, vocab), eq 1.7
    - ``losses``: (T,), eq 1.1; ``loss``: float, eq 1.2 (the mean over all positions)
    """

    inputs: np.ndarray
    targets: np.ndarray
    x: np.ndarray
    z: np.ndarray
    acts: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    o: np.ndarray
    y_hat: np.ndarray
    losses: np.ndarray
    loss: float

    @property
    def c0(self) -> np.ndarray:
        return self.c[..., 0, :]

    @property
    def i(self) -> np.ndarray:
        return split(self.acts)[0]

    @property
    def f(self) -> np.ndarray:
        return split(self.acts)[1]

    @property
    def g(self) -> np.ndarray:
        return split(self.acts)[2]

    @property
    def q(self) -> np.ndarray:
        return split(self.acts)[3]


def check_lstm_params(params) -> LSTMParams:
    """Validate an :class:`LSTMParams` with the RNN's checks (float, shapes, one dtype, finite)."""
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be a bptt_helpers.lstm.LSTMParams, got {type(params).__name__}")
    return check_param_arrays(params, LSTM_PARAM_NAMES, "W_hh", "(4·n_hidden, n_hidden)",
                              lstm_expected_shapes, gates=4)


def check_lstm_inputs(params: LSTMParams, inputs, targets, h0, c0):
    """Validate one forward call; returns ``(inputs, targets, h0, c0)`` as arrays (errors as the RNN's)."""
    check_lstm_params(params)
    inputs = check_tokens("inputs", inputs, params.vocab_size)
    targets = check_tokens("targets", targets, params.vocab_size)
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have the same shape, "
                         f"got inputs {inputs.shape} and targets {targets.shape}")
    h0 = check_h0(h0, inputs.shape[:-1], params.n_hidden, params.E.dtype)
    c0 = check_h0(c0, inputs.shape[:-1], params.n_hidden, params.E.dtype, name="c0")
    return inputs, targets, h0, c0


def _run(params: LSTMParams, inputs, targets, h0, c0, h_delta=None, c_delta=None,
         o_delta=None) -> LSTMCache:
    """Eqs 1.3, 13.1-13.4, 1.6, 1.7, 1.1, 1.2 over all timesteps (inputs already validated).

    The same equations as the functions above, arranged for speed: the input part of eq 13.1,
    x(t) W_ih^T + b, is one matrix product for all steps before the loop. Only the recurrence
    (h(t-1), c(t-1)) -> (h(t), c(t)) is sequential.

    ``h_delta``, ``c_delta`` (shaped like h(1..τ)) and ``o_delta`` (like the logits) are added
    to h(t), c(t), o(t) as soon as each is computed, so that the change flows on (c(t) is
    nudged before h(t) is made from it): the finite-difference check of the nodes uses them.
    """
    p = params
    T, n = inputs.shape[-1], p.n_hidden
    x = embed(p.E, inputs)                                           # (1.3)
    x_part = x @ p.W_ih.T + p.b                                      # x(t) W_ih^T + b, every t
    lead = inputs.shape[:-1]
    h = np.empty(lead + (T + 1, n), dtype=p.E.dtype)
    c = np.empty_like(h)
    h[..., 0, :], c[..., 0, :] = h0, c0
    z = np.empty(lead + (T, 4 * n), dtype=p.E.dtype)
    acts = np.empty_like(z)
    tanh_c = np.empty(lead + (T, n), dtype=p.E.dtype)
    W_hh_T = p.W_hh.T
    for t in range(1, T + 1):
        z_t = z[..., t - 1, :]
        np.matmul(h[..., t - 1, :], W_hh_T, out=z_t)
        z_t += x_part[..., t - 1, :]                                 # (13.1)
        a_t = acts[..., t - 1, :] = gates(z_t)                       # (13.2)
        i, f, g, q = split(a_t)
        c[..., t, :] = cell_state(f, c[..., t - 1, :], i, g)        # (13.3)
        if c_delta is not None:
            c[..., t, :] += c_delta[..., t - 1, :]
        np.tanh(c[..., t, :], out=tanh_c[..., t - 1, :])
        np.multiply(q, tanh_c[..., t - 1, :], out=h[..., t, :])      # (13.4)
        if h_delta is not None:
            h[..., t, :] += h_delta[..., t - 1, :]
    o = logits(h[..., 1:, :], p.V, p.c)                              # (1.6)
    if o_delta is not None:
        o = o + o_delta
    logp = log_softmax(o)
    losses = _pick_negative(logp, targets)                           # (1.1)
    return LSTMCache(inputs=inputs, targets=targets, x=x, z=z, acts=acts, c=c, tanh_c=tanh_c, h=h,
                     o=o, y_hat=np.exp(logp), losses=losses, loss=mean_loss(losses))  # (1.7), (1.2)


def lstm_forward(params: LSTMParams, inputs, targets, h0=None, c0=None) -> LSTMCache:
    """The LSTM's forward pass for one sequence or a batch.

    params: :class:`LSTMParams`; inputs, targets: int (T,) or (B, T); h0, c0: (n_hidden,) or
    (B, n_hidden), ``None`` for zeros (one (n_hidden,) state is shared by all rows of a batch).
    Returns an :class:`LSTMCache` whose ``loss`` is the mean cross-entropy over all positions.
    """
    inputs, targets, h0, c0 = check_lstm_inputs(params, inputs, targets, h0, c0)
    return _run(params, inputs, targets, h0, c0)
