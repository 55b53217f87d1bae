"""The widget of notebook 10: truncated BPTT with a slider for the truncation length k.

:func:`truncation_view` compares truncated BPTT (chunks of k, h carried or reset)
with full BPTT for one k, :func:`error_table` does it for many k; both are plain
functions, tested in ``tests/test_widget_vanishing_truncation.py``. :func:`view_text`
writes one view out (the monospace readout), :func:`step_label` says what its picture
shows and :func:`view_picture` draws it next to the table (SVG). The
:class:`TruncationExplorer` computes every k's view once (it needs them all for the
table anyway), makes every k's frame up front and switches them in the browser
(:class:`bptt_helpers.widgets.frames.FrameStepper`): moving k costs the kernel nothing.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..lessons.long_range import input_grad
from ..lessons.truncated import chunk_bounds, full_grads, relative_error, truncated_grads
from ..plots.svg import (
    INK,
    SMALL,
    TITLE,
    WIDTH,
    Box,
    Svg,
    log_ticks,
    nice_ticks,
    power_label,
    step_ticks,
    text_width,
)
from . import check_int, check_view
from .frames import Frame, FrameStepper, frame_html


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


_VIEW_KEYS = ("k", "tau", "bounds", "norms_full", "norms_carry", "norms_reset", "dW_carry",
              "dW_reset", "dx1_carry", "dx1_reset", "loss_full", "loss_carry", "loss_reset")


def _check_view(view) -> dict:
    return check_view(view, _VIEW_KEYS, "truncation_view")


def _check_table(table) -> dict:
    return check_view(table, ("k", *ERROR_KEYS), "error_table", what="table")


def chunks_text(k: int, tau: int, n_chunks: int) -> str:
    """How τ is cut: '8 chunks of 4 steps', '7 chunks of 5 steps (the last of 2)', '1 chunk: ...'."""
    if n_chunks == 1:
        return f"1 chunk of all τ = {tau} steps: no truncation, full BPTT"
    last = tau - (n_chunks - 1) * k
    text = f"τ = {tau} cut into {n_chunks} chunks of {k} step{'s' if k != 1 else ''}"
    return text + (f" (the last of {last})" if last != k else "")


def view_text(view: dict) -> str:
    """The readout for one k: how τ is cut, then the relative errors and the losses, aligned."""
    view = _check_view(view)
    head = f"k = {view['k']}: {chunks_text(view['k'], view['tau'], len(view['bounds']))}"
    rows = [("error vs full BPTT", "carry h", "reset h"),
            ("dL/dW", f"{view['dW_carry']:.1e}", f"{view['dW_reset']:.1e}"),
            ("dL/dx(1), 1st token", f"{view['dx1_carry']:.1e}", f"{view['dx1_reset']:.1e}"),
            (f"loss (full {view['loss_full']:.4f})", f"{view['loss_carry']:.4f}",
             f"{view['loss_reset']:.4f}")]
    return "\n".join([head] + [f"  {a:<20}{b:>8} {c:>8}" for a, b, c in rows])


def step_label(view: dict) -> str:
    """The text alternative of the picture for one k: what it shows and what to notice."""
    view = _check_view(view)
    k, n = view["k"], len(view["bounds"])
    errors = (f"dL/dW carry {view['dW_carry']:.1e}, reset {view['dW_reset']:.1e}; the first "
              f"token's dL/dx(1) {view['dx1_carry']:.1e}")
    if n == 1:
        return (f"k = {k} = τ: one chunk, so truncated BPTT, carry or reset, is full BPTT: the three "
                f"curves of ‖dL/dh(t)‖ coincide and every error is 0 ({errors}). Right: the errors "
                "of every shorter k on a log axis.")
    return (f"k = {k}: ‖dL/dh(t)‖ of truncated BPTT ({n} chunks; h carried or reset) drops at "
            f"every chunk's end, below full BPTT. Errors against full BPTT (all k, log axis): {errors}.")


# (label, colour, dash, marker): the lines differ by style and marker, not by colour only.
# Where carry and reset coincide both stay visible: reset is a wide pale band with hollow
# triangles, carry a thin line with small dots drawn over it.
FULL = ("full BPTT", style.BACKWARD, None, None)
CARRY = ("carry h", style.FORWARD, None, "o")
RESET = ("reset h", "#2a7d73", None, "^")
ERR_SERIES = (("dW_carry", "dL/dW carry", style.FORWARD, None, "o"),
              ("dW_reset", "dL/dW reset", "#2a7d73", "2 3", "^"),
              ("dx1_carry", "dL/dx(1)", style.BACKWARD, "7 4", "s"))
HEIGHT = 376


def _legend(svg: Svg, x: float, y: float, items, gap: float = 14) -> None:
    """One row of legend entries (a line sample with its marker, then the label), from x at y."""
    for label, colour, dash, marker in items:
        if label == RESET[0]:
            _reset_sample(svg, x, y)
        else:
            svg.polyline([(x, y), (x + 26, y)], colour, 2.6 if marker is None else 1.8,
                         dash, marker=marker, marker_size=7)
        svg.text(x + 38, y, label, SMALL)
        x += 38 + text_width(label, SMALL) + gap


def _reset_sample(svg: Svg, x: float, y: float) -> None:
    svg.polyline([(x, y), (x + 26, y)], RESET[1] + "59", 9, marker="^", marker_size=11, hollow=True)


def _series(svg: Svg, box: Box, xs, ys, colour, dash, marker, width=1.8) -> None:
    points = [(box.X(x), box.Y(y)) for x, y in zip(xs, ys, strict=True)]
    svg.polyline(points, colour, width, dash, marker=marker, marker_size=6, digits=0)


def _reset_series(svg: Svg, box: Box, xs, ys) -> None:
    points = [(box.X(x), box.Y(y)) for x, y in zip(xs, ys, strict=True)]
    # the band, teal at 35 %, and hollow teal triangles at its points
    svg.polyline(points, RESET[1] + "59", 9, marker="^", marker_size=11, hollow=True, digits=0)


def view_picture(view: dict, table: dict) -> Svg:
    """Left: the per-step gradient norms with chunk boundaries; right: error against k. What is
    the same for every k comes first (the axes, full BPTT, the right panel's curves)."""
    view, table = _check_view(view), _check_table(table)
    k, tau = view["k"], view["tau"]
    svg = Svg(WIDTH, HEIGHT, step_label(view))
    t = np.arange(1, tau + 1)
    # ---- left: ‖dL/dh(t)‖ per step; its axes fit every k's curves (the table's views share them)
    top = max(float(np.max(view[key])) for key in ("norms_full", "norms_carry", "norms_reset"))
    top = max(top, float(table.get("norms_top", top)))
    left = Box(svg, 96, 84, 356, 236, xlim=(0.5, tau + 0.5), ylim=(0, 1.08 * top or 1.0))
    _legend(svg, 0, 46, (FULL, CARRY, RESET))
    yticks = nice_ticks(0, left.ylim[1], 4)
    left.yticks(yticks, [f"{v:g}" for v in yticks], grid=True)
    _series(svg, left, t, view["norms_full"], FULL[1], None, None, width=3.2)
    left.frame()
    ticks = step_ticks(tau)
    left.xticks(ticks, [str(v) for v in ticks])
    left.xlabel("timestep t   (dashed: chunk boundaries)")
    left.ylabel("‖dL/dh(t)‖")
    # ---- right: relative error against k, k < τ (at k = τ every error is 0)
    ks = np.asarray(table["k"])
    keep = ks < ks.max()
    positive = [v for key, *_ in ERR_SERIES for v in np.asarray(table[key])[keep] if v > 0]
    low, high = (min(positive), max(positive)) if positive else (1e-3, 1.0)
    low, high = 10.0 ** np.floor(np.log10(low)), 10.0 ** np.ceil(np.log10(high))
    if low == high:
        low, high = low / 10, high * 10
    right = Box(svg, 590, 84, 358, 236, xlim=(0.5, ks.max() + 0.5), ylim=(low, high), ylog=True)
    svg.text(510, 14, "what truncation loses", TITLE, weight="bold")
    _legend(svg, 510, 46, [(label, c, d, m) for _, label, c, d, m in ERR_SERIES], gap=12)
    yticks = log_ticks(low, high, 5)
    right.yticks(yticks, [power_label(v) for v in yticks], grid=True)
    for key, _, colour, dash, marker in ERR_SERIES:
        values = np.asarray(table[key], dtype=np.float64)[keep]
        ok = values > 0
        _series(svg, right, ks[keep][ok], values[ok], colour, dash, marker)
    right.frame()
    kt = step_ticks(int(ks.max()))
    right.xticks(kt, [str(v) for v in kt])
    right.xlabel("truncation length k   (k = τ: exact, error 0)")
    right.ylabel("relative error")
    # ---- this k
    svg.text(0, 14, f"k = {k}: gradient per step, full vs truncated", TITLE, weight="bold")
    svg.lines([(left.X(start + 0.5), left.y, left.X(start + 0.5), left.y + left.h)
               for start, _ in view["bounds"][1:]], style.HIGHLIGHT, 1.5 if tau / k < 12 else 1.0,
              dash="5 4")
    _reset_series(svg, left, t, view["norms_reset"])
    _series(svg, left, t, view["norms_carry"], *CARRY[1:])
    xk = right.X(k)
    svg.line(xk, right.y, xk, right.y + right.h, style.HIGHLIGHT, 2.5)
    note = f"k = {k}" if k < ks.max() else f"k = {k}: exact, error 0"
    svg.text(xk - 5 if k > ks.max() / 2 else xk + 5, right.y - 10, note, SMALL,
             "end" if k > ks.max() / 2 else "start", INK, weight="bold")
    return svg


def view_frame(view: dict, table: dict) -> str:
    """The frame of one k: the picture and, under it, the readout (``data-step`` = k)."""
    view = _check_view(view)
    step = str(view["k"])
    return frame_html(view_text(view), view_picture(view, table).markup(step), step)


class TruncationExplorer:
    """A slider for k over :func:`truncation_view`; display it as the last line of a cell.

    Every k = 1..τ is computed once when the cell runs (the error table needs them all),
    and its frame made up front; the slider (arrow keys) and the Play button switch between
    them in the browser. ``explorer.show(k)`` moves there from code and returns the view;
    ``explorer.k`` is the k on show.
    """

    def __init__(self, params, inputs, targets, h0=None, k: int = 4):
        self.args = (params, inputs, targets, h0)
        tau = self.tau = int(np.shape(inputs)[-1])
        k = check_int("k", k, 1, tau)
        self.views = {j: truncation_view(params, inputs, targets, h0, j) for j in range(1, tau + 1)}
        self.table = {"k": list(self.views),
                      **{key: [v[key] for v in self.views.values()] for key in ERROR_KEYS},
                      "norms_top": max(float(np.max(v[key])) for v in self.views.values()
                                       for key in ("norms_full", "norms_carry", "norms_reset"))}
        frames = [Frame(view_text(v), view_picture(v, self.table), str(j)) for j, v in self.views.items()]
        self.player = FrameStepper(
            frames, [str(j) for j in range(1, tau + 1)],
            start=k - 1, description="truncation length k", name="the truncation lengths k = 1 to τ",
            interval=900,
            fallback=(f"Truncation explorer: truncated BPTT with chunks of k = 1..{tau} against full "
                      "BPTT (run the cell to move k)."))
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget
        self.frames = dict(zip(range(1, tau + 1), self.player.frames, strict=True))

    @property
    def k(self) -> int:
        """The truncation length on show."""
        return self.player.index + 1

    def show(self, k: int) -> dict:
        """Move to truncation length k (slider, Play and picture follow); returns its view."""
        k = check_int("k", k, 1, self.tau)
        self.player.go(k - 1)
        return self.views[k]

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)

