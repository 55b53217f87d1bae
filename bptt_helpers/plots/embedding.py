"""Pictures for §3.8: the tensor (Dx^(t))_(E), its unfolded matrix (Remark 3.22), rows of dL/dE."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .. import margins, style
from .describe import describe, join

_ONES = ListedColormap(["white", style.FORWARD])  # 0 white, 1 blue


def _label(char: str) -> str:
    """A printable label for one character ('␣' for a space, '⏎' for a newline)."""
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(char, char)


def _annotate(ax, array) -> None:
    """Write each entry (0 or 1) in its cell: ones in white, zeros in light grey."""
    for (r, c), value in np.ndenumerate(array):
        ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=style.FONT_SIZE - 3,
                color="white" if value else style.MUTED_INK)


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
                           edgecolor=style.HIGHLIGHT_EDGE, lw=3.5))
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
                               edgecolor=style.HIGHLIGHT_EDGE, lw=3.5))
        ax.set_xticks([i * d + (d - 1) / 2 for i in range(vocab)], [f"row {lab!r}" for lab in labels])
        ax.set_yticks(range(d), [f"$x_{k}$" for k in range(d)])
        ax.set_title("Remark 3.22: one matrix $d_{model} \\times (V\\cdot d_{model})$")
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
    fig.tight_layout()
    ones, total = int(np.count_nonzero(J)), int(J.size)
    shape = f"{vocab} stacked {d} × {d} blocks"
    parts = [f"Only the block of token {labels[token]!r} (outlined) is non-zero: the identity, "
             f"{ones} ones on its diagonal; the other {total - ones} of the {total} entries are 0"]
    if J_unfolded is not None:
        parts.append(f"Right, the same {total} numbers as one {d} × {vocab * d} matrix (Remark 3.22): "
                     f"the identity sits in columns {token * d} to {token * d + d - 1}, under "
                     f"row {labels[token]!r} of E")
    describe(fig, f"Grid{'s' if ncols == 2 else ''} of 0s and 1s: the tensor (Dx(t))_E as {shape}"
                  + (", and the same numbers as one flat matrix" if ncols == 2 else ""), join(*parts))
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
                               edgecolor=style.HIGHLIGHT_EDGE, lw=4, clip_on=False))
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
    describe(fig, f"{len(panels)} heatmaps side by side, on one colour scale, of the rows of "
                  "dL/dE: " + "; ".join(title for title, _ in panels),
             scatter_comparison_notice(panels, rows, labels, counts))
    return fig


def scatter_comparison_notice(panels, rows, labels, counts=None, rtol: float = 1e-6) -> str:
    """Which rows of each panel differ from the first panel's, in words.

    A row differs when some entry is off by more than ``rtol`` times the largest entry shown: a
    decision with a wide margin (finite differences agree to about 10^-9, a bug is off by O(1)).
    """
    rows = list(rows)
    first_title, first = panels[0]
    first = np.asarray(first, dtype=np.float64)[rows]
    scale = max(float(np.max(np.abs(first))), 1e-300)
    read = {r: n for r, n in zip(rows, counts, strict=True)} if counts is not None else {}
    parts = []
    for title, array in panels[1:]:
        off = margins.above(np.abs(np.asarray(array, dtype=np.float64)[rows] - first).max(axis=1),
                            rtol * scale)
        if not off.any():
            parts.append(f"“{title}” agrees with “{first_title}” in every row")
            continue
        names = [f"{_label(labels[k])!r}" + (f" (read {read[r]}×)" if r in read else "")
                 for k, r in enumerate(rows) if off[k]]
        parts.append(f"“{title}” differs from “{first_title}” in {len(names)} of {len(rows)} rows: "
                     + ", ".join(names))
    return join(*parts)
