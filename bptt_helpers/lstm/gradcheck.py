"""Central finite differences (float64) for the LSTM: every parameter and the nodes o, h and c.

The same method as :mod:`bptt_helpers.gradcheck` (whose ``central_difference`` and
``compare_grads`` do the work): nudge one number by ±eps, rerun the forward pass, difference the
loss. A nudge of a node h(t) or c(t) flows on through the rest of the forward pass (c(t) is
nudged before h(t) is made from it), so its numerical gradient is the total (DL)_h(t), (DL)_c(t).
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import GradComparison, _check_eps, central_difference, compare_grads
from . import grads_fast
from .backward import lstm_backward
from .forward import _run, check_lstm_inputs
from .params import LSTM_PARAM_NAMES, LSTMParams

LSTM_NODE_NAMES = ("o(t)", "h(t)", "c(t)")   # "c" alone is the output bias of (1.6)
_DELTA = {"o(t)": "o_delta", "h(t)": "h_delta", "c(t)": "c_delta"}


def lstm_numerical_grad(params: LSTMParams, inputs, targets, h0, c0, wrt: str,
                        eps: float = 1e-6) -> np.ndarray:
    """dL/d(wrt) by central differences, in float64.

    wrt: a parameter (``E W_ih W_hh b V c``, that parameter's shape), ``"o(t)"`` (the logits, like
    ``cache.o``), ``"h(t)"`` or ``"c(t)"`` (h(1..τ) or the cell states c(1..τ), like
    ``cache.tanh_c``).
    """
    if wrt not in LSTM_PARAM_NAMES + LSTM_NODE_NAMES:
        raise ValueError(f"wrt must be one of {LSTM_PARAM_NAMES + LSTM_NODE_NAMES}, got {wrt!r}")
    _check_eps(eps)
    params = params.astype(np.float64)
    inputs, targets, h0, c0 = check_lstm_inputs(params, inputs, targets, h0, c0)
    if wrt in LSTM_PARAM_NAMES:
        def loss_at(delta):
            nudged = params.copy()
            getattr(nudged, wrt)[...] += delta
            return _run(nudged, inputs, targets, h0, c0).loss
        shape = getattr(params, wrt).shape
    else:
        cache = _run(params, inputs, targets, h0, c0)
        shape = cache.o.shape if wrt == "o(t)" else cache.tanh_c.shape

        def loss_at(delta):
            return _run(params, inputs, targets, h0, c0, **{_DELTA[wrt]: delta}).loss
    return central_difference(loss_at, shape, eps)


def lstm_analytic_grads(params: LSTMParams, inputs, targets, h0=None, c0=None) -> dict[str, np.ndarray]:
    """The package's gradients of the six parameters and of the nodes o(t), h(t), c(t)."""
    inputs, targets, h0, c0 = check_lstm_inputs(params, inputs, targets, h0, c0)
    cache = _run(params, inputs, targets, h0, c0)
    do = grads_fast.dlogits(cache)
    nodes = grads_fast.dhidden_cell(params, cache, do)
    grads = lstm_backward(params, cache).as_dict()
    grads.update({"o(t)": do, "h(t)": nodes.dh, "c(t)": nodes.dc})
    return grads


def lstm_check_gradients(params: LSTMParams, inputs, targets, h0=None, c0=None, eps: float = 1e-6,
                         wrt=LSTM_PARAM_NAMES + LSTM_NODE_NAMES) -> GradComparison:
    """Finite differences against :func:`lstm_backward` for ``wrt`` (all nine tensors by default).

    Runs in float64 whatever the dtype of ``params``; print ``.assert_close(tol)`` for verdicts.
    """
    _check_eps(eps)
    params64 = params.astype(np.float64)
    analytic = lstm_analytic_grads(params64, inputs, targets, h0, c0)
    numeric = {name: lstm_numerical_grad(params64, inputs, targets, h0, c0, name, eps) for name in wrt}
    return compare_grads({name: analytic[name] for name in wrt}, numeric)
