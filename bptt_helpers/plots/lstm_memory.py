"""Notebook 13's chart: ‖(DL^(τ))_x(1)‖ against τ for the tanh RNN and the LSTM, several seeds.

The curves use the series' fixed looks for several lines (:mod:`bptt_helpers.plots.long_range`:
colour, marker and line style each differ), one thin line per seed; the words come with it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from .describe import describe, join
from .long_range import _style, key_sentence


def first_token_figure(table: dict, taus, notice: str):
    """table: {model: (len(taus), n_seeds) of log10 ‖(DL^(τ))_x(1)‖}; notice: the caption's numbers.

    Returns the Figure (described: alt from the data, ``notice`` then the look of each line).
    """
    taus = list(taus)
    with plt.rc_context(style.RC_PARAMS):
        fig, ax = plt.subplots(figsize=(8.6, 4.2))
        for k, (label, logs) in enumerate(table.items()):
            look = _style(k)
            logs = np.asarray(logs)
            for j in range(logs.shape[1]):
                ax.semilogy(taus, 10.0 ** logs[:, j], color=look["color"], marker=look["marker"],
                            ls=look["ls"], lw=1.4, markersize=5, label=label if j == 0 else None)
        ax.set_xlabel("τ, the distance from the first token to the loss")
        ax.set_ylabel("‖(DL(τ))_x(1)‖")
        ax.set_xticks(taus)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left", frameon=False)
    n_seeds = np.asarray(next(iter(table.values()))).shape[1]
    describe(fig, f"Line chart, log scale: the first token's gradient ‖(DL(τ))_x(1)‖ against τ = "
                  f"{', '.join(map(str, taus))}, one line per seed ({n_seeds} seeds) for each of "
                  f"{', '.join(table)}", join(notice, key_sentence(list(table))))
    return fig
