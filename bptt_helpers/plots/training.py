"""Loss curves for notebook 08 (training with the hand-derived gradients)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from .describe import describe, join

VALIDATION_COLOUR = "#222222"   # validation points: a forward quantity, but not a curve; dark diamonds


def moving_average(values, window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values: (n,) -> (n - window + 1,).

    With fewer than ``window`` values, the mean of all of them (one number).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, got shape {values.shape}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    window = min(int(window), values.size)
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def plot_loss_curve(losses, window: int = 20, baseline: float | None = None,
                    val_before: float | None = None, val_after: float | None = None,
                    title: str = "training loss", ax=None):
    """Per-step training loss (thin), its moving average (thick), and reference lines.

    baseline: ln(vocab), the loss of a uniform guess; val_before / val_after: validation
    losses before and after training, drawn as markers at the first and last step.
    Returns the figure.
    """
    losses = np.asarray(losses, dtype=np.float64)
    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots(figsize=(8, 4.2))
    else:
        fig = ax.figure
    steps = np.arange(1, losses.size + 1)
    ax.plot(steps, losses, color=style.FORWARD, alpha=0.3, lw=1, label="loss of each batch")
    smooth = moving_average(losses, window)
    ax.plot(steps[len(steps) - smooth.size:], smooth, color=style.FORWARD, lw=2.5,
            label=f"mean of last {min(window, losses.size)} steps")
    if baseline is not None:
        ax.axhline(baseline, color=style.NEUTRAL, ls="--", lw=1.5,
                   label=f"uniform guess ln(V) = {baseline:.2f}")
    if val_before is not None:
        ax.plot([1], [val_before], "D", color=VALIDATION_COLOUR, ms=9, label="validation loss")
    if val_after is not None:
        ax.plot([losses.size], [val_after], "D", color=VALIDATION_COLOUR, ms=9,
                label=None if val_before is not None else "validation loss")
    ax.set_xlabel("SGD step")
    ax.set_ylabel("mean cross-entropy (nats)")
    ax.set_title(title)
    ax.legend(loc="center right", frameon=False)
    fig.tight_layout()
    if own_figure:
        w = min(window, losses.size)
        parts = [f"The loss of each batch (thin blue line; thick: mean of the last {w} steps) goes "
                 f"from {losses[:w].mean():.2f} over steps 1-{w} to {losses[-w:].mean():.2f} over "
                 f"steps {losses.size - w + 1}-{losses.size}"]
        if val_before is not None and val_after is not None:
            parts.append(f"The validation loss (dark diamonds) goes from {val_before:.2f} at the start "
                         f"to {val_after:.2f} at the end")
        if baseline is not None:
            parts.append(f"The dashed grey line is the loss of a uniform guess, {baseline:.2f}")
        describe(fig, f"Line chart of the training loss over {losses.size} SGD steps: {title}",
                 join(*parts))
    return fig
