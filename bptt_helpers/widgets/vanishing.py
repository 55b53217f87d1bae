"""The widget of notebook 09: ‖(DL)_(h^(t))‖ against t, live, for a chosen ρ(W) and τ.

:func:`vanishing_view` computes what the widget shows (a plain function, tested in
``tests/test_widget_vanishing_truncation.py``); :func:`view_text` writes it out (the
monospace readout), :func:`step_label` says what its picture shows and :func:`view_picture`
draws it (SVG, ~1 ms). The :class:`VanishingExplorer` wires two sliders to them: ρ(W) and τ
are continuous, so there are no frames to make up front; each slider change computes the
view (~2 ms at τ = 100) and sets ONE value, readout and picture together
(:class:`bptt_helpers.widgets.frames.LiveFrame`).
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..lessons.long_range import norm_profile
from ..plots.svg import INK, MUTED, Box, Svg, log_ticks, power_label, step_ticks
from . import check_view
from .frames import LiveFrame, frame_html, friendly_box

RADIUS_RANGE = (0.25, 4.0)
TAU_RANGE = (2, 100)


def vanishing_view(radius: float, tau: int, seed: int = 0, n_hidden: int = 32,
                   input_scale: float = 1.0) -> dict:
    """What the widget shows for one (ρ(W), τ).

    Keys: ``radius``, ``tau``; ``norms`` = ‖(DL)_(h^(t))‖ for t = 1..τ, shape (τ,), for the
    last-step loss of :func:`bptt_helpers.lessons.long_range.norm_profile`; ``log10_ratio`` =
    log10(norms[0] / norms[-1]); ``per_step`` = the geometric-mean change per step
    going back, 10**(log10_ratio / (τ - 1)) (1.0 when τ = 1); ``verdict``: "vanishes",
    "explodes" or "stays" (within a factor 10 over the whole sequence).
    """
    if isinstance(radius, bool) or not isinstance(radius, (int, float, np.integer, np.floating)):
        raise TypeError(f"radius must be a number, got {type(radius).__name__}")
    if not RADIUS_RANGE[0] <= radius <= RADIUS_RANGE[1]:
        raise ValueError(f"radius must lie in {RADIUS_RANGE}, got {radius}")
    if isinstance(tau, bool) or not isinstance(tau, (int, np.integer)):
        raise TypeError(f"tau must be an integer, got {tau!r}")
    if not TAU_RANGE[0] <= tau <= TAU_RANGE[1]:
        raise ValueError(f"tau must lie in {TAU_RANGE}, got {tau}")
    norms = norm_profile(float(radius), int(tau), seed=seed, n_hidden=n_hidden,
                         input_scale=input_scale)
    log_ratio = float(np.log10(norms[0]) - np.log10(norms[-1]))
    verdict = "vanishes" if log_ratio < -1 else "explodes" if log_ratio > 1 else "stays"
    return {
        "radius": float(radius),
        "tau": int(tau),
        "norms": norms,
        "log10_ratio": log_ratio,
        "per_step": float(10 ** (log_ratio / (tau - 1))),
        "verdict": verdict,
    }


def ratio_power(log10_ratio: float) -> str:
    """A ratio given by its log10, as a power of ten: '10^-9.3' (the style of ``bh.power_of_ten``).

    Taken from the exponent (not the ratio itself), so that a ratio past float range still reads.
    """
    return f"10^{round(float(log10_ratio), 1) + 0.0:.1f}"


def _check_view(view) -> dict:
    keys = ("radius", "tau", "norms", "log10_ratio", "per_step", "verdict")
    return check_view(view, keys, "vanishing_view")


def view_text(view: dict) -> str:
    """One line for the widget: the ratio, the factor per step and the verdict."""
    view = _check_view(view)
    return (f"ρ(W) = {view['radius']:.2f}, τ = {view['tau']}:  "
            f"‖dL/dh(1)‖ / ‖dL/dh(τ)‖ = {ratio_power(view['log10_ratio'])}, "
            f"×{view['per_step']:.3f} per step back  →  the gradient {view['verdict']}")


def step_label(view: dict) -> str:
    """The text alternative of the picture: what it shows and what to notice."""
    view = _check_view(view)
    trend = {"vanishes": "falls", "explodes": "grows", "stays": "stays within a factor 10"}[view["verdict"]]
    return (f"‖dL/dh(t)‖ against the timestep t = 1 to {view['tau']}, on a log axis, for ρ(W) = "
            f"{view['radius']:.2f} and a loss at the last step only. Going back from t = τ to t = 1 "
            f"the gradient {trend}: ×{view['per_step']:.3f} per step, "
            f"10 to the power {round(view['log10_ratio'], 1) + 0.0:.1f} in all, so the gradient "
            f"{view['verdict']}.")


def _log_limits(values, min_decades: float = 4.0) -> tuple[float, float]:
    """Log-axis limits around ``values``: all of them, with a margin, at least ``min_decades`` tall
    (so that a flat curve looks flat)."""
    logs = np.log10(np.maximum(np.asarray(values, dtype=np.float64), 1e-300))
    low, high = float(logs.min()), float(logs.max())
    mid, half = (low + high) / 2, max((high - low) / 2 + 0.3, min_decades / 2)
    return 10.0 ** (mid - half), 10.0 ** (mid + half)


def _sup(e: float) -> str:
    """An exponent for a superscript: '−9.3' (a true minus sign)."""
    return f"{round(float(e), 1) + 0.0:.1f}".replace("-", "−")


WIDTH, HEIGHT = 800, 318


def view_picture(view: dict) -> Svg:
    """‖(DL)_(h^(t))‖ against t on a log axis; at the right, the ratio first/last as an arrow."""
    view = _check_view(view)
    norms = np.asarray(view["norms"], dtype=np.float64)
    tau = len(norms)
    svg = Svg(WIDTH, HEIGHT, step_label(view))
    svg.text(0, 14, f"ρ(W) = {view['radius']:.2f}, τ = {view['tau']}: the gradient {view['verdict']}",
             15, weight="bold")
    svg.text(0, 36, f"loss at t = τ only; going back, ‖dL/dh(t)‖ changes ×{view['per_step']:.3f} "
             "per step", 12, fill=MUTED)
    box = Box(svg, 84, 62, 556, 200, xlim=(0.5, tau + 0.5), ylim=_log_limits(norms), ylog=True)
    yticks = log_ticks(*box.ylim)
    box.yticks(yticks, [power_label(v) for v in yticks], grid=True)
    box.frame()
    ticks = step_ticks(tau)
    box.xticks(ticks, [str(t) for t in ticks])
    box.xlabel("timestep t   (the loss is at t = τ, the right end)")
    box.ylabel("‖dL/dh(t)‖", offset=62)
    points = [(box.X(t), box.Y(v)) for t, v in enumerate(norms, start=1)]
    svg.polyline(points, style.BACKWARD, 1.8)
    r = 3.0 if tau <= 50 else 2.2
    for x, y in points:
        svg.circle(x, y, r, style.BACKWARD)
    # the ratio: from the level of t = τ to the level of t = 1, right of the plot
    x = box.x + box.w + 26
    y_first, y_last = points[0][1], points[-1][1]
    e = view["log10_ratio"]
    if abs(y_first - y_last) >= 34:
        svg.line(x - 6, y_last, x + 6, y_last, INK, 1.2)
        svg.arrow(x, y_last, x, y_first, INK, 1.4)
        svg.text(x + 10, y_last, "t = τ", 12, fill=INK)
        svg.text(x + 10, y_first, "t = 1", 12, fill=INK)
        mid = (y_first + y_last) / 2
        svg.text(x + 10, mid - 9, "going back:", 11, fill=MUTED)
        svg.text(x + 10, mid + 9, "×10", 13, fill=INK, weight="bold", sup=_sup(e))
    else:
        y = (y_first + y_last) / 2
        svg.line(x - 6, y, x + 6, y, INK, 1.2)
        svg.text(x + 10, y - 9, "t = τ to t = 1:", 11, fill=MUTED)
        svg.text(x + 10, y + 9, "×10", 13, fill=INK, weight="bold", sup=_sup(e))
    return svg


def view_frame(view: dict) -> str:
    """The widget's whole frame for a view: the picture and, under it, the readout (one value)."""
    view = _check_view(view)
    step = f"rho={view['radius']:.2f} tau={view['tau']}"
    return frame_html(view_text(view), view_picture(view).markup(step), step, live=True)


class VanishingExplorer:
    """Sliders for ρ(W) and τ over :func:`vanishing_view`; display it as the last line of a cell.

    Each slider change recomputes the view and sends readout and picture as one value
    (``explorer.frame.html``); ``explorer.update()`` does it from code and returns the view.
    """

    def __init__(self, radius: float = 1.0, tau: int = 50, seed: int = 0):
        import ipywidgets as w

        vanishing_view(radius, tau, seed=seed)       # clear errors for bad input, before any widget
        self.seed = seed
        common = {"continuous_update": True, "style": {"description_width": "initial"},
                  "layout": w.Layout(width="330px")}
        self.radius = w.FloatSlider(
            value=radius, min=RADIUS_RANGE[0], max=RADIUS_RANGE[1], step=0.05, readout_format=".2f",
            description="ρ(W)", tooltip="ρ(W), the spectral radius of the recurrent matrix W "
            f"({RADIUS_RANGE[0]} to {RADIUS_RANGE[1]:g}; arrow keys: ±0.05)", **common)
        self.tau = w.IntSlider(
            value=tau, min=TAU_RANGE[0], max=TAU_RANGE[1], description="τ",
            tooltip=f"τ, the sequence length ({TAU_RANGE[0]} to {TAU_RANGE[1]} steps; arrow keys: ±1)",
            **common)
        self.frame = LiveFrame()
        self.view: dict = {}
        self.radius.observe(lambda _: self.update(), names="value")
        self.tau.observe(lambda _: self.update(), names="value")
        controls = w.HBox([self.radius, self.tau], layout=w.Layout(flex_flow="row wrap"))
        self.fallback = (f"Vanishing/exploding explorer: ‖dL/dh(t)‖ over t for ρ(W) = {radius:.2f}, "
                         f"τ = {tau} (run the cell to move the sliders).")
        self.widget = friendly_box([controls, self.frame.html], self.fallback)
        self.update()

    def update(self) -> dict:
        """Recompute for the sliders' values and redraw (one message); returns the view."""
        self.view = vanishing_view(self.radius.value, self.tau.value, seed=self.seed)
        self.frame.set(view_frame(self.view))
        return self.view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
