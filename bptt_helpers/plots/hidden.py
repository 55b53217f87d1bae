"""Pictures for §3.2 (hidden states): the two parts of (DL)_(h^(t)) and its size over t.

- :func:`plot_step_contributions`: bars of the norms of the two terms of eq 4.3 at one t
  (through o^(t) and through h^(t+1)) and of their sum;
- :func:`plot_backward_progress`: ||(DL)_(h^(s))|| for the steps s >= t already computed
  by the backward recursion (the later ones are still unknown);
- :func:`plot_dhidden_norms`: ||(DL)_(h^(t))|| over t on a log scale, optionally next to
  the gradient of the last loss L^(τ) alone: a first look at vanishing gradients.

The numbers come from the package (``grads_fast.dhidden``,
``widgets.backward_stepper.backward_step_view``); these functions only draw.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style


def _rows_2d(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (T, n_hidden) with T >= 1, got {arr.shape}")
    return arr


def plot_step_contributions(view: dict, ax=None):
    """Bars: the norms of the two terms of eq 4.3 at step t and of their sum; returns the Axes.

    view: a dict from ``backward_step_view`` (keys ``t``, ``tau``, ``norm_through_o``,
    ``norm_through_h``, ``norm_total``).
    """
    for key in ("t", "tau", "norm_through_o", "norm_through_h", "norm_total"):
        if key not in view:
            raise ValueError(f"view must be a dict from backward_step_view, missing {key!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    values = [view["norm_through_o"], view["norm_through_h"], view["norm_total"]]
    colours = [style.BACKWARD, style.HIGHLIGHT, style.NEUTRAL]
    bars = ax.bar(range(3), values, color=colours, width=0.6)
    top = max(values) or 1.0
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02 * top, f"{value:.2e}",
                ha="center", va="bottom", fontsize=style.FONT_SIZE - 2)
    t, tau = view["t"], view["tau"]
    ax.set_xticks(range(3), [f"via o({t})", f"via h({t + 1})", f"sum: (DL)_h({t})"])
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel("L2 norm")
    note = " (t = τ: no h(t+1))" if t == tau else ""
    ax.set_title(f"the two parts of (DL)_h({t}){note}", fontsize=style.FONT_SIZE)
    return ax


def plot_backward_progress(norms, t: int, ax=None):
    """||(DL)_(h^(s))|| for s = t..τ (computed so far); the steps s < t are left blank.

    The y-axis is scaled to all τ norms, so it stays put while the stepper moves. Returns the Axes.

    norms: (T,) norms of every row of dL/dh; t: the current step of the backward pass.
    """
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 1 or norms.size == 0:
        raise ValueError(f"norms must be a 1-D array of length T >= 1, got shape {norms.shape}")
    tau = norms.size
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= tau:
        raise ValueError(f"t must be an integer in [1, {tau}], got {t!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    steps = np.arange(1, tau + 1)
    done = steps >= t
    ax.plot(steps[done], norms[done], "o-", color=style.BACKWARD, lw=2)
    ax.plot([t], [norms[t - 1]], "o", ms=13, mfc="none", mec=style.HIGHLIGHT, mew=3)
    if t > 1:
        ax.axvspan(0.5, t - 0.5, color=style.NEUTRAL, alpha=0.12, lw=0)
        ax.text((t) / 2, norms.max() * 1.3, "still to come", ha="center", va="top",
                color=style.NEUTRAL, fontsize=style.FONT_SIZE - 2)
    ax.set_xlim(0.5, tau + 0.5)
    ax.set_ylim(0, norms.max() * 1.45 or 1.0)
    ax.set_xticks(steps if tau <= 16 else np.linspace(1, tau, 8).round().astype(int))
    ax.set_xlabel("t")
    ax.set_ylabel(r"$\|(DL)_{h^{(t)}}\|$")
    so_far = f"t = {tau}, the first step" if t == tau else f"t = {tau} down to {t}"
    ax.set_title(f"backward pass so far: {so_far}", fontsize=style.FONT_SIZE)
    return ax


def plot_dhidden_norms(dh, dh_last=None, ax=None, labels=("all losses: $(DL)_{h^{(t)}}$",
                                                            r"last loss only: $(DL^{(\tau)})_{h^{(t)}}$")):
    """||(DL)_(h^(t))|| over t = 1..τ on a log scale; returns the Axes.

    dh: (T, n_hidden), the gradient of the mean loss (eqs 4.2-4.3). dh_last: optional
    (T, n_hidden), the gradient of the last loss alone: its norm shows how much of the
    signal from step τ survives t steps back.
    """
    dh = _rows_2d("dh", dh)
    steps = np.arange(1, dh.shape[0] + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.6))
    ax.semilogy(steps, np.linalg.norm(dh, axis=1), "o-", color=style.BACKWARD, lw=2, label=labels[0])
    if dh_last is not None:
        dh_last = _rows_2d("dh_last", dh_last)
        if dh_last.shape != dh.shape:
            raise ValueError(f"dh_last must have the shape of dh {dh.shape}, got {dh_last.shape}")
        norms = np.linalg.norm(dh_last, axis=1)
        keep = norms > 0
        ax.semilogy(steps[keep], norms[keep], "s--", color=style.HIGHLIGHT, lw=2, label=labels[1])
    ax.set_xlabel("t")
    ax.set_ylabel("L2 norm (log scale)")
    ax.set_title("size of the hidden-state gradient over time")
    ax.legend(frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return ax
