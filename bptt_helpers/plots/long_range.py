"""Figures of notebooks 09 and 10: gradient norms over time, eigenvalues, truncation, training.

Gradients are drawn in ``style.BACKWARD`` (red, dashed), forward values in ``style.FORWARD``
(blue, solid). Every function returns the Figure it drew (or draws on the ``ax`` it is given);
the figures carry their words (``plots.describe``) for ``notebook.show_figure``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from ..gradcheck import power_of_ten
from .describe import change_words, describe, join

# Several curves at once (radii, training runs): one fixed order, each curve with its own colour,
# marker and line style, so that no curve is told apart by its colour alone. Every colour has
# 3:1 contrast on white or more (WCAG 2.1, 1.4.11), and any two stay ΔE*ab >= 20 apart under
# simulated protanopia, deuteranopia and tritanopia (tests/test_colour_vision.py).
SERIES = ("#1f6fb4", "#d1495b", "#222222", "#9900ff", "#a67c00", "#663300")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)))


COLOUR_NAMES = ("blue", "red", "black", "violet", "ochre", "brown")
MARKER_NAMES = ("circles", "squares", "triangles", "diamonds", "downward triangles", "plus signs")
LINESTYLE_NAMES = ("solid", "dashed", "dotted", "dash-dotted", "long-dash-dotted", "densely dotted")


def key_sentence(labels) -> str:
    """The look of each curve in words (for the caption): 'no clipping: blue, solid, circles; ...'."""
    n = len(SERIES)
    return "Lines: " + "; ".join(f"{label}: {COLOUR_NAMES[k % n]}, {LINESTYLE_NAMES[k % n]}, "
                                 f"{MARKER_NAMES[k % n]}" for k, label in enumerate(labels))


def _style(k: int) -> dict:
    """Colour, marker and line style of the k-th curve of a figure."""
    return {"color": SERIES[k % len(SERIES)], "marker": MARKERS[k % len(MARKERS)],
            "ls": LINESTYLES[k % len(LINESTYLES)]}


def plot_norm_profile(norms, ax=None, label=None, color=style.BACKWARD, marker="o",
                      ls=style.BACKWARD_LINESTYLE):
    """‖(DL)_(h^(t))‖ against t = 1..τ on a log axis (a gradient: dashed). norms: (τ,). Returns the Axes."""
    norms = np.asarray(norms, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    t = np.arange(1, len(norms) + 1)
    ax.semilogy(t, norms, marker=marker, markersize=4, color=color, label=label, lw=1.8, ls=ls)
    ax.set_xlabel("timestep t")
    ax.set_ylabel("‖dL/dh(t)‖")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def norm_profiles_figure(profiles: dict, title: str | None = None):
    """Several profiles on one log axis: ``{label: norms}``. Returns the Figure (described)."""
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(9, 4.8))
        for k, (label, norms) in enumerate(profiles.items()):
            look = _style(k)
            plot_norm_profile(norms, ax=ax, label=label, color=look["color"], marker=look["marker"],
                              ls=look["ls"])
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        if title:
            ax.set_title(title)
    tau = max(len(n) for n in profiles.values())
    parts = []
    for label, norms in profiles.items():
        norms = np.asarray(norms, dtype=float)
        ratio = norms[0] / norms[-1]
        parts.append(f"{label}: {change_words(ratio)}, from {power_of_ten(norms[-1])} at t = {len(norms)} to "
                     f"{power_of_ten(norms[0])} at t = 1")
    describe(fig, f"Line chart, log scale: ‖dL/dh(t)‖ over t = 1 … {tau}, one line for each of "
                  f"{len(profiles)} cases ({', '.join(profiles)})",
             join("Read from right to left, the way the gradient travels", *parts,
                  key_sentence(profiles)))
    return fig


def eigenvalue_figure(W: np.ndarray, radii=(0.5, 1.0, 2.0)):
    """Eigenvalues of W rescaled to each spectral radius, with the unit circle. Returns the Figure."""
    from ..lessons.long_range import scale_to_radius, unit_circle_text

    radii = list(radii)
    lim = 1.15 * max(max(radii), 1.0)
    parts = []
    with plt.rc_context(style.RC_PARAMS):
        fig, axes = plt.subplots(1, len(radii), figsize=(4.2 * len(radii), 4.4), squeeze=False)
        circle = np.linspace(0, 2 * np.pi, 300)
        for ax, radius in zip(axes[0], radii, strict=True):
            eig = np.linalg.eigvals(scale_to_radius(W, radius))
            ax.plot(np.cos(circle), np.sin(circle), color=style.NEUTRAL, lw=1.5, label="unit circle")
            ax.scatter(eig.real, eig.imag, s=18, color=style.FORWARD, label="eigenvalues of W", zorder=3)
            ax.set_aspect("equal")
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.axhline(0, color=style.NEUTRAL, lw=0.5)
            ax.axvline(0, color=style.NEUTRAL, lw=0.5)
            ax.set_title(f"ρ(W) = {radius:g}")
            ax.set_xlabel("Re λ")
            parts.append(f"ρ(W) = {radius:g}: {unit_circle_text(eig)}")
        axes[0][0].set_ylabel("Im λ")
        axes[0][-1].legend(loc="upper center", bbox_to_anchor=(-0.75, -0.2), ncol=2, frameon=False)
    n = np.asarray(W).shape[0]
    describe(fig, f"{len(radii)} scatter plots of the {n} eigenvalues of W in the complex plane, "
                  f"with the unit circle, for ρ(W) = {', '.join(f'{r:g}' for r in radii)}",
             join("The eigenvalues fill a disc whose radius is ρ(W); rescaling W only rescales the "
                  "disc", *parts))
    return fig


def ratio_figure(radii, log_ratios, critical: float | None = None, tau: int = 50):
    """log10 ‖(DL)_(h^(1))‖/‖(DL)_(h^(τ))‖ against the spectral radius, zero line and threshold."""
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.plot(radii, log_ratios, marker="o", color=style.BACKWARD, lw=1.8, ls=style.BACKWARD_LINESTYLE)
        ax.axhline(0, color=style.NEUTRAL, lw=1)
        ax.axvline(1, color=style.NEUTRAL, lw=1, ls=":", label="ρ(W) = 1")
        if critical is not None:
            ax.axvline(critical, color=style.HIGHLIGHT_EDGE, lw=2, ls="-.",
                       label=f"measured threshold ρ ≈ {critical:.2f}")
        ax.set_xlabel("spectral radius ρ(W)")
        ax.set_ylabel(f"log10 ‖dL/dh(1)‖ / ‖dL/dh({tau})‖")
        ax.text(0.02, 0.92, "explodes ↑", transform=ax.transAxes, color=style.BACKWARD_INK)
        ax.text(0.25, 0.05, "vanishes ↓", transform=ax.transAxes, color=style.BACKWARD_INK)
        ax.legend(loc="lower right", frameon=False)
        ax.grid(True, alpha=0.3)
    radii, log_ratios = list(radii), list(log_ratios)
    parts = [f"The ratio ‖dL/dh(1)‖ / ‖dL/dh({tau})‖ rises with ρ(W), from "
             f"{power_of_ten(10 ** log_ratios[0])} at ρ(W) = {radii[0]:g} to "
             f"{power_of_ten(10 ** log_ratios[-1])} at ρ(W) = {radii[-1]:g}"]
    if critical is not None:
        parts.append(f"It crosses zero, where gradients neither vanish nor explode, at the measured "
                     f"threshold ρ(W) ≈ {critical:.2f} (dash-dotted orange line), not at ρ(W) = 1 "
                     "(dotted grey line)")
    describe(fig, f"Line chart: log10 of the ratio of gradient norms at t = 1 and t = {tau} "
                  f"against the spectral radius ρ(W), from {radii[0]:g} to {radii[-1]:g}",
             join(*parts))
    return fig


def curves_figure(curves: dict, ylabel: str, title: str | None = None, logy: bool = False,
                  xlabel: str = "SGD step", hline: tuple[float, str] | None = None,
                  notice: str | None = None):
    """Training curves ``{label: values}`` on one axis (optionally a log y axis and a reference line).

    ``notice``: what the reader should see in the curves, in words (the caption). The caller
    writes it, because what holds of a training run (and may be said on every machine) is
    the caller's knowledge; with it, the figure carries its words for ``show_figure``.
    """
    every = max(1, max(len(v) for v in curves.values()) // 12)
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for k, (label, values) in enumerate(curves.items()):
            ax.plot(np.arange(1, len(values) + 1), values, lw=1.8, label=label, markevery=every,
                    markersize=6, **_style(k))
        if hline is not None:
            ax.axhline(hline[0], color=style.NEUTRAL, ls="--", lw=1.2, label=hline[1])
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        ax.grid(True, alpha=0.3)
    if notice is not None:
        steps = max(len(v) for v in curves.values())
        describe(fig, f"Line chart{', log scale' if logy else ''}: {ylabel} over {steps} steps "
                      f"({xlabel}), one line for each of: {', '.join(curves)}",
                 join(notice, key_sentence(curves)))
    return fig
