"""The widget of notebook 09: ‖(DL)_(h^(t))‖ against t, live, for a chosen ρ(W) and τ.

:func:`vanishing_view` computes what the widget shows (a plain function, tested in
``tests/test_widget_vanishing_truncation.py``); :func:`view_figure` draws it; the
:class:`VanishingExplorer` only wires two sliders to them.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import style
from ..lessons.long_range import norm_profile
from ..plots import canvas
from ..plots.canvas import png_bytes

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


def view_text(view: dict) -> str:
    """One line for the widget: the ratio, the factor per step and the verdict."""
    return (f"ρ(W) = {view['radius']:.2f}, τ = {view['tau']}:  "
            f"‖dL/dh(1)‖ / ‖dL/dh(τ)‖ = 1e{view['log10_ratio']:+.1f}, "
            f"×{view['per_step']:.3f} per step back  →  the gradient {view['verdict']}")


def view_figure(view: dict):
    """‖(DL)_(h^(t))‖ against t on a log axis, with the verdict in the title. Returns the Figure."""
    from ..plots.long_range import plot_norm_profile

    with mpl.rc_context(style.RC_PARAMS):
        fig, ax = canvas.subplots(figsize=(9, 4.6))
        plot_norm_profile(view["norms"], ax=ax)
        ax.set_title(f"ρ(W) = {view['radius']:.2f}, τ = {view['tau']}: the gradient {view['verdict']}")
        ax.set_xlim(0.5, view["tau"] + 0.5)
        low, high = np.min(view["norms"]), np.max(view["norms"])
        # at least 4 decades visible, so that a flat curve looks flat
        mid = np.sqrt(low * high)
        span = max(np.log10(high / low) / 2 + 0.3, 2.0)
        ax.set_ylim(mid / 10**span, mid * 10**span)
        ax.set_xlabel("timestep t   (the loss is at t = τ, the right end)")
    return fig


def figure_png(fig) -> bytes:
    """The figure as stable PNG bytes, as the Image widget shows it."""
    return png_bytes(fig, dpi=80)


class VanishingExplorer:
    """Sliders for ρ(W) and τ over :func:`vanishing_view`; display it as the last line of a cell."""

    def __init__(self, radius: float = 1.0, tau: int = 50, seed: int = 0):
        import ipywidgets as w

        self.seed = seed
        self.radius = w.FloatSlider(value=radius, min=RADIUS_RANGE[0], max=RADIUS_RANGE[1], step=0.05,
                                    description="ρ(W)", continuous_update=False,
                                    layout=w.Layout(width="420px"))
        self.tau = w.IntSlider(value=tau, min=TAU_RANGE[0], max=TAU_RANGE[1], description="τ",
                               continuous_update=False, layout=w.Layout(width="420px"))
        self.text = w.HTML()
        self.image = w.Image(format="png")
        self.radius.observe(lambda _: self.update(), names="value")
        self.tau.observe(lambda _: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.radius, self.tau]), self.text, self.image])
        self.update()

    def update(self) -> dict:
        """Recompute for the sliders' values and redraw; returns the view."""
        view = vanishing_view(self.radius.value, self.tau.value, seed=self.seed)
        self.text.value = f"<pre style='font-size:14px'>{view_text(view)}</pre>"
        self.image.value = figure_png(view_figure(view))
        return view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
