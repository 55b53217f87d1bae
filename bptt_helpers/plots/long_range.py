"""Figures of notebooks 09 and 10: gradient norms over time, eigenvalues, truncation, training.

Gradients are drawn in ``style.BACKWARD`` (red), forward values in ``style.FORWARD`` (blue).
Every function returns the Figure it drew (or draws on the ``ax`` it is given).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style

# Colours for several curves at once: radii / modes (one fixed order, readable on a projector).
SERIES = ("#1f6fb4", "#d1495b", "#2a9d8f", "#f4a259", "#6a4c93", "#8c8c8c")


def plot_norm_profile(norms, ax=None, label=None, color=style.BACKWARD, marker="o"):
    """‖(DL)_(h^(t))‖ against t = 1..τ on a log axis. norms: (τ,). Returns the Axes."""
    norms = np.asarray(norms, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    t = np.arange(1, len(norms) + 1)
    ax.semilogy(t, norms, marker=marker, markersize=4, color=color, label=label, lw=1.8)
    ax.set_xlabel("timestep t")
    ax.set_ylabel("‖dL/dh(t)‖")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def norm_profiles_figure(profiles: dict, title: str | None = None):
    """Several profiles on one log axis: ``{label: norms}``. Returns the Figure."""
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(9, 4.8))
        for (label, norms), color in zip(profiles.items(), SERIES, strict=False):
            plot_norm_profile(norms, ax=ax, label=label, color=color)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        if title:
            ax.set_title(title)
    return fig


def eigenvalue_figure(W: np.ndarray, radii=(0.5, 1.0, 2.0)):
    """Eigenvalues of W rescaled to each spectral radius, with the unit circle. Returns the Figure."""
    from ..lessons.long_range import scale_to_radius

    radii = list(radii)
    lim = 1.15 * max(max(radii), 1.0)
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
        axes[0][0].set_ylabel("Im λ")
        axes[0][-1].legend(loc="upper center", bbox_to_anchor=(-0.75, -0.2), ncol=2, frameon=False)
    return fig


def ratio_figure(radii, log_ratios, critical: float | None = None, tau: int = 50):
    """log10 ‖(DL)_(h^(1))‖/‖(DL)_(h^(τ))‖ against the spectral radius, zero line and threshold."""
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.plot(radii, log_ratios, marker="o", color=style.BACKWARD, lw=1.8)
        ax.axhline(0, color=style.NEUTRAL, lw=1)
        ax.axvline(1, color=style.NEUTRAL, lw=1, ls=":", label="ρ(W) = 1")
        if critical is not None:
            ax.axvline(critical, color=style.HIGHLIGHT, lw=2, ls="--",
                       label=f"measured threshold ρ ≈ {critical:.2f}")
        ax.set_xlabel("spectral radius ρ(W)")
        ax.set_ylabel(f"log10 ‖dL/dh(1)‖ / ‖dL/dh({tau})‖")
        ax.text(0.02, 0.92, "explodes ↑", transform=ax.transAxes, color=style.BACKWARD)
        ax.text(0.25, 0.05, "vanishes ↓", transform=ax.transAxes, color=style.BACKWARD)
        ax.legend(loc="lower right", frameon=False)
        ax.grid(True, alpha=0.3)
    return fig


def curves_figure(curves: dict, ylabel: str, title: str | None = None, logy: bool = False,
                  xlabel: str = "SGD step", hline: tuple[float, str] | None = None):
    """Training curves ``{label: values}`` on one axis (optionally a log y axis and a reference line)."""
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for (label, values), color in zip(curves.items(), SERIES, strict=False):
            ax.plot(np.arange(1, len(values) + 1), values, color=color, lw=1.8, label=label)
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
    return fig


