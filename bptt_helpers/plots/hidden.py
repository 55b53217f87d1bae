"""Pictures for §3.2 (hidden states): the size of (DL)_(h^(t)) over t.

(The backward stepper of notebook 04 draws the two parts of (DL)_(h^(t)) itself, as SVG:
``widgets.backward_stepper``.)

- :func:`plot_dhidden_norms`: ||(DL)_(h^(t))|| over t on a log scale, optionally next to
  the gradient of the last loss L^(τ) alone: a first look at vanishing gradients.

The numbers come from the package (``grads_fast.dhidden``,
``widgets.backward_stepper.backward_step_view``); these functions only draw.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from ..gradcheck import power_of_ten
from .describe import change_words, describe, join

LAST_LOSS_COLOUR = "#7d1d2c"   # a dark red: also a gradient, told apart by shade, marker and dots


def _rows_2d(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (T, n_hidden) with T >= 1, got {arr.shape}")
    return arr


def plot_dhidden_norms(dh, dh_last=None, ax=None, labels=("all losses: $(DL)_{h^{(t)}}$",
                                                            r"last loss only: $(DL^{(\tau)})_{h^{(t)}}$")):
    """||(DL)_(h^(t))|| over t = 1..τ on a log scale; returns the Axes.

    dh: (T, n_hidden), the gradient of the mean loss (eqs 4.2-4.3). dh_last: optional
    (T, n_hidden), the gradient of the last loss alone: its norm shows how much of the
    signal from step τ survives t steps back.
    """
    dh = _rows_2d("dh", dh)
    steps = np.arange(1, dh.shape[0] + 1)
    own_figure = ax is None
    if own_figure:
        _, ax = plt.subplots(figsize=(9, 4.6))
    ax.semilogy(steps, np.linalg.norm(dh, axis=1), marker="o", ls=style.BACKWARD_LINESTYLE,
                color=style.BACKWARD, lw=2, label=labels[0])
    if dh_last is not None:
        dh_last = _rows_2d("dh_last", dh_last)
        if dh_last.shape != dh.shape:
            raise ValueError(f"dh_last must have the shape of dh {dh.shape}, got {dh_last.shape}")
        norms = np.linalg.norm(dh_last, axis=1)
        keep = norms > 0
        ax.semilogy(steps[keep], norms[keep], marker="s", ls=":", color=LAST_LOSS_COLOUR, lw=2.2,
                    label=labels[1])
    if own_figure:
        describe(ax.figure, f"Line chart, log scale: the norm of the hidden-state gradient "
                            f"over t = 1 … {dh.shape[0]}", dhidden_norms_notice(dh, dh_last))
    ax.set_xlabel("t")
    ax.set_ylabel("L2 norm (log scale)")
    ax.set_title("size of the hidden-state gradient over time")
    ax.legend(frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return ax


def dhidden_norms_notice(dh, dh_last=None) -> str:
    """What :func:`plot_dhidden_norms` shows, in words: its sizes as powers of ten.

    Powers of ten to one decimal (``bh.power_of_ten``): the same on every machine.
    """
    dh = _rows_2d("dh", dh)
    tau = dh.shape[0]
    norms = np.linalg.norm(dh, axis=1)
    parts = [f"The gradient of the mean loss (red, dashed, circles) has norm {power_of_ten(norms[-1])} "
             f"at t = {tau} and {power_of_ten(norms[0])} at t = 1"]
    if dh_last is not None:
        last = np.linalg.norm(_rows_2d("dh_last", dh_last), axis=1)
        if last[-1] > 0 and last[0] > 0:
            ratio = last[0] / last[-1]
            parts.append(f"The gradient of the last loss alone (dark red, dotted, squares) "
                         f"{change_words(ratio)} on its way back from t = {tau} to t = 1")
    return join(*parts)
