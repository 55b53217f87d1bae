"""Pictures for §2 (the cost of the cache).

- :func:`plot_cache_cost`: bytes held by the forward cache (and optionally seconds) against τ.

(The forward stepper of §1 draws its own picture as SVG: ``widgets.forward_stepper``.)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from .describe import describe, join


def plot_cache_cost(taus, nbytes, seconds=None, ax=None):
    """Bytes held by the forward cache against τ (and seconds of forward+backward, if given).

    taus, nbytes (and seconds): 1-D sequences of equal length. Returns the Axes (of the
    bytes; the seconds go on a twin axis on the right).
    """
    taus = np.asarray(taus)
    nbytes = np.asarray(nbytes, dtype=np.float64)
    if taus.ndim != 1 or taus.shape != nbytes.shape or taus.size < 2:
        raise ValueError(f"taus and nbytes must be 1-D of equal length >= 2, got shapes "
                         f"{taus.shape} and {nbytes.shape}")
    own_figure = ax is None
    if own_figure:
        _, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(taus, nbytes / 1024, "o-", color=style.FORWARD, label="cache size (KiB)")
    ax.set_xlabel("τ (timesteps)")
    ax.set_ylabel("KiB held by the cache", color=style.FORWARD)
    ax.set_ylim(bottom=0)
    handles = ax.get_lines()
    if seconds is not None:
        seconds = np.asarray(seconds, dtype=np.float64)
        if seconds.shape != taus.shape:
            raise ValueError(f"seconds must have the shape of taus {taus.shape}, got {seconds.shape}")
        twin = ax.twinx()
        twin.spines["right"].set_visible(True)
        twin.plot(taus, seconds * 1e3, "s--", color=style.BACKWARD,
                  label="forward + backward (ms)")
        twin.set_ylabel("milliseconds", color=style.BACKWARD_INK)
        twin.set_ylim(bottom=0)
        handles = handles + twin.get_lines()
    ax.legend(handles=handles, loc="upper left")
    ax.set_title("the cost of a longer sequence")
    if own_figure:
        kib = nbytes / 1024
        parts = [f"The memory the forward cache holds (blue, solid, circles) is a straight line in τ: "
                 f"{kib[0]:.1f} KiB at τ = {taus[0]}, {kib[-1]:.0f} KiB at τ = {taus[-1]}"]
        if seconds is not None:
            parts.append("The time of one forward and backward pass (red, dashed, squares, right axis) "
                         "rises close to a straight line too, but noisily: it changes from run to run "
                         "and machine to machine")
        describe(ax.figure, "Line chart: the size of the forward cache"
                            + (" and the time of forward plus backward" if seconds is not None else "")
                            + f" against the sequence length τ, from {taus[0]} to {taus[-1]}",
                 join(*parts))
    return ax
