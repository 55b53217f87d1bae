"""The widget of notebook 10: truncated BPTT with a slider for the truncation length k.

:func:`truncation_view` compares truncated BPTT (chunks of k, h carried or reset)
with full BPTT for one k, :func:`error_table` does it for many k; both are plain
functions, tested in ``tests/test_widget_vanishing_truncation.py``.
:func:`view_figure` draws one view next to the table; :class:`TruncationExplorer`
wires a k slider to them.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import style
from ..lessons.long_range import input_grad
from ..lessons.truncated import chunk_bounds, full_grads, relative_error, truncated_grads
from ..plots import canvas
from .vanishing import figure_png


def _norms_over_time(dh: np.ndarray) -> np.ndarray:
    """‖(DL)_(h^(t))‖ per t, the norm taken over the hidden units and the batch: (..., T, n) -> (T,)."""
    dh = np.asarray(dh)
    axes = tuple(i for i in range(dh.ndim) if i != dh.ndim - 2)
    return np.sqrt(np.sum(dh * dh, axis=axes))


def truncation_view(params, inputs, targets, h0, k: int) -> dict:
    """Truncated BPTT with chunks of ``k`` against full BPTT, for one k.

    Keys: ``k``, ``tau``, ``bounds`` (the chunks); ``norms_full``, ``norms_carry``,
    ``norms_reset``: ‖(DL)_(h^(t))‖ per t, shape (τ,); relative errors against full BPTT
    ``dW_carry``, ``dW_reset``, ``dx1_carry``, ``dx1_reset`` (dx1: the first token's
    (DL)_(x^(1)) rows); ``loss_full``, ``loss_carry``, ``loss_reset``; ``h_final_gap``:
    max |h^(τ) carry − h^(τ) full| (0 for carry: the forward pass is the same).
    """
    cache, grads, dh = full_grads(params, inputs, targets, h0)
    tau = cache.T
    bounds = chunk_bounds(tau, k)
    dx1 = input_grad(params, cache, dh)[..., 0, :]
    carry = truncated_grads(params, inputs, targets, h0, k, carry=True)
    reset = truncated_grads(params, inputs, targets, h0, k, carry=False)
    return {
        "k": int(k),
        "tau": tau,
        "bounds": bounds,
        "norms_full": _norms_over_time(dh),
        "norms_carry": _norms_over_time(carry.dh),
        "norms_reset": _norms_over_time(reset.dh),
        "dW_carry": relative_error(carry.grads.W, grads.W),
        "dW_reset": relative_error(reset.grads.W, grads.W),
        "dx1_carry": relative_error(carry.dx[..., 0, :], dx1),
        "dx1_reset": relative_error(reset.dx[..., 0, :], dx1),
        "loss_full": cache.loss,
        "loss_carry": carry.loss,
        "loss_reset": reset.loss,
        "h_final_gap": float(np.max(np.abs(carry.h_final - cache.h[..., -1, :]))),
    }


ERROR_KEYS = ("dW_carry", "dx1_carry", "dW_reset", "dx1_reset")


def error_table(params, inputs, targets, h0, ks) -> dict:
    """:func:`truncation_view`'s relative errors for every k in ``ks``: ``{"k": [...], key: [...]}``."""
    ks = [int(k) for k in ks]
    table = {"k": ks, **{key: [] for key in ERROR_KEYS}}
    for k in ks:
        view = truncation_view(params, inputs, targets, h0, k)
        for key in ERROR_KEYS:
            table[key].append(view[key])
    return table


def format_table(table: dict) -> str:
    """The error table as aligned text, one row per k."""
    lines = [f"{'k':>4} {'dW carry':>10} {'dx(1) carry':>12} {'dW reset':>10} {'dx(1) reset':>12}"]
    for i, k in enumerate(table["k"]):
        lines.append(f"{k:>4} {table['dW_carry'][i]:>10.1e} {table['dx1_carry'][i]:>12.1e} "
                     f"{table['dW_reset'][i]:>10.1e} {table['dx1_reset'][i]:>12.1e}")
    return "\n".join(lines)


def view_text(view: dict) -> str:
    return (f"k = {view['k']} ({len(view['bounds'])} chunks of τ = {view['tau']}):  "
            f"relative error of dW  carry {view['dW_carry']:.1e}, reset {view['dW_reset']:.1e};  "
            f"of the first token's dL/dx(1)  carry {view['dx1_carry']:.1e}, "
            f"reset {view['dx1_reset']:.1e}")


def view_figure(view: dict, table: dict):
    """Left: the per-step gradient norms with chunk boundaries; right: error against k."""
    from ..plots.long_range import plot_chunk_norms, plot_error_vs_k

    with mpl.rc_context(style.RC_PARAMS):
        fig, (left, right) = canvas.subplots(1, 2, figsize=(14, 4.8), gridspec_kw={"wspace": 0.3})
        plot_chunk_norms(view, left)
        left.set_title(f"k = {view['k']}: gradient per step")
        plot_error_vs_k(table, view["k"], right)
        right.set_title("what truncation loses")
    return fig


class TruncationExplorer:
    """A slider for k over :func:`truncation_view`; display it as the last line of a cell."""

    def __init__(self, params, inputs, targets, h0=None, k: int = 4):
        import ipywidgets as w

        self.args = (params, inputs, targets, h0)
        tau = np.shape(inputs)[-1]
        self.table = error_table(params, inputs, targets, h0, range(1, tau + 1))
        self.k = w.IntSlider(value=k, min=1, max=tau, description="k", continuous_update=False,
                             layout=w.Layout(width="480px"))
        self.text = w.HTML()
        self.image = w.Image(format="png")
        self.k.observe(lambda _: self.update(), names="value")
        self.widget = w.VBox([self.k, self.text, self.image])
        self.update()

    def update(self) -> dict:
        view = truncation_view(*self.args, self.k.value)
        self.text.value = f"<pre style='font-size:14px'>{view_text(view)}</pre>"
        self.image.value = figure_png(view_figure(view, self.table))
        return view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
