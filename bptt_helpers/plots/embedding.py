"""Pictures for §3.8: the tensor (Dx^(t))_(E), its unfolded matrix (Remark 3.22), rows of dL/dE."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .. import style

_ONES = ListedColormap(["white", style.FORWARD])  # 0 white, 1 blue


def _label(char: str) -> str:
    """A printable label for one character ('␣' for a space, '⏎' for a newline)."""
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(char, char)


def _annotate(ax, array) -> None:
    """Write each entry (0 or 1) in its cell: ones in white, zeros in light grey."""
    for (r, c), value in np.ndenumerate(array):
        ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=style.FONT_SIZE - 3,
                color="white" if value else "#c8c8c8")


def plot_jacobian_tensor(J, token: int, labels=None, J_unfolded=None):
    """Left: the tensor (vocab, d_model, d_model) as a vertical stack of square blocks.

    Right (if ``J_unfolded`` (d_model, vocab·d_model) is given): the same numbers as the
    one flat matrix of Remark 3.22. The block of ``token`` (the identity) is outlined in
    the highlight colour. ``labels``: one name per vocabulary row. Returns the figure.
    """
    J = np.asarray(J)
    vocab, d, _ = J.shape
    labels = [_label(c) for c in labels] if labels is not None else [str(i) for i in range(vocab)]
    ncols = 1 if J_unfolded is None else 2
    width = 3.2 if J_unfolded is None else 11.5
    fig, axes = plt.subplots(1, ncols, figsize=(width, 0.33 * vocab * d + 1.4),
                             gridspec_kw={"width_ratios": [1, 3.2][:ncols]} if ncols == 2 else None)
    axes = np.atleast_1d(axes)
    ax = axes[0]
    stacked = J.reshape(vocab * d, d)
    ax.imshow(stacked, cmap=_ONES, vmin=0, vmax=1, aspect="equal")
    _annotate(ax, stacked)
    for i in range(1, vocab):
        ax.axhline(i * d - 0.5, color=style.NEUTRAL, lw=1.5)
    ax.add_patch(Rectangle((-0.5, token * d - 0.5), d, d, fill=False,
                           edgecolor=style.HIGHLIGHT, lw=3.5))
    ax.set_yticks([i * d + (d - 1) / 2 for i in range(vocab)], [f"row {lab!r}" for lab in labels])
    ax.set_xticks(range(d), [f"{j}" for j in range(d)])
    ax.set_xlabel("j (column of E)")
    ax.set_title("$(Dx^{(t)})_E$: a stack\nof $V$ blocks, each\n$d_{model} \\times d_{model}$")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    if J_unfolded is not None:
        ax = axes[1]
        ax.imshow(np.asarray(J_unfolded), cmap=_ONES, vmin=0, vmax=1, aspect="equal")
        _annotate(ax, np.asarray(J_unfolded))
        for i in range(1, vocab):
            ax.axvline(i * d - 0.5, color=style.NEUTRAL, lw=1.5)
        ax.add_patch(Rectangle((token * d - 0.5, -0.5), d, d, fill=False,
                               edgecolor=style.HIGHLIGHT, lw=3.5))
        ax.set_xticks([i * d + (d - 1) / 2 for i in range(vocab)], [f"row {lab!r}" for lab in labels])
        ax.set_yticks(range(d), [f"$x_{k}$" for k in range(d)])
        ax.set_title("Remark 3.22: one matrix $d_{model} \\times (V\\cdot d_{model})$")
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
    fig.tight_layout()
    return fig


def draw_dE_rows(ax, dE, rows, labels, highlight_row=None, vmax=None, title=None):
    """Heatmap of the rows ``rows`` of dL/dE (vocab, d_model) on ``ax``, labelled by ``labels``.

    ``highlight_row``: the vocabulary row to outline (the current token). ``vmax``: fix the
    colour scale (so the picture does not rescale while a stepper runs). Returns the image.
    """
    dE = np.asarray(dE)
    rows = list(rows)
    shown = dE[rows]
    if vmax is None:
        vmax = float(np.max(np.abs(shown))) or 1.0
    im = ax.imshow(shown, cmap=style.DIVERGING_CMAP, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_yticks(range(len(rows)), [repr(_label(lab)) for lab in labels])
    ax.set_xticks([])
    ax.set_xlabel("d_model columns")
    if highlight_row is not None and highlight_row in rows:
        k = rows.index(highlight_row)
        ax.add_patch(Rectangle((-0.5, k - 0.5), shown.shape[1], 1, fill=False,
                               edgecolor=style.HIGHLIGHT, lw=4, clip_on=False))
    if title:
        ax.set_title(title)
    return im


def plot_scatter_comparison(panels, rows, labels, counts=None):
    """Side-by-side heatmaps of several (vocab, d_model) gradients, same colour scale.

    panels: list of (title, array). rows/labels: which vocabulary rows to show and their
    names; counts (optional): how often each shown row's token is read, printed on the right.
    Returns the figure.
    """
    vmax = max(float(np.max(np.abs(np.asarray(a)[list(rows)]))) for _, a in panels) or 1.0
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels) + 0.8, 0.42 * len(rows) + 1.8),
                             sharey=True)
    for ax, (title, array) in zip(axes, panels, strict=True):
        im = draw_dE_rows(ax, array, rows, labels, vmax=vmax, title=title)
    if counts is not None:
        right = axes[-1].secondary_yaxis("right")
        right.set_yticks(range(len(rows)), [f"read {n}×" for n in counts])
        right.tick_params(length=0)
    fig.colorbar(im, ax=list(axes), shrink=0.8, pad=0.12 if counts is not None else 0.02)
    return fig
