"""Pictures of a gradient as a sum over timesteps (§3.3-3.7, eqs 4.4-4.8).

(The accumulating sums themselves are drawn by the stepper of notebooks 05-06, as SVG:
``widgets.accumulate``.)

- :func:`draw_one_row_jacobian`: the Jacobian (Do_i^(t))_V of §3.5, a matrix that is
  zero except row i, which holds h^(t).

Every function takes plain arrays, draws on the axes it is given (or new ones) and
returns the figure; colours and fonts come from :mod:`bptt_helpers.style`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from .describe import describe, join


def draw_one_row_jacobian(h, i: int, n_rows: int, ax=None, row_labels=None, annotate: bool = True,
                          matrix_name: str = "V", output_name: str = "o", t: int | None = None):
    """The Jacobian of o_i = Σ_j V_ij h_j + c_i with respect to V: shape (n_rows, len(h)).

    Zero everywhere except row ``i``, which holds ``h`` (§3.5; the same picture is
    (Da_i^(t+1))_W with h^(t) in §3.6). Row i is framed in HIGHLIGHT; ``t`` (optional) only
    labels the title with the timestep. Returns the figure.
    """
    h = np.asarray(h, dtype=np.float64)
    if h.ndim != 1:
        raise ValueError(f"h must be a vector (n_hidden,), got shape {h.shape}")
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n_rows:
        raise ValueError(f"i must be a row index in 0..{n_rows - 1}, got {i!r}")
    jac = np.zeros((n_rows, h.size))
    jac[i] = h
    own_figure = ax is None
    if own_figure:
        _, ax = plt.subplots(figsize=(0.8 * h.size + 2.5, 0.55 * n_rows + 1.6))
    vmax = max(np.abs(h).max(), 1e-12)
    ax.imshow(jac, cmap=style.DIVERGING_CMAP, vmin=-vmax, vmax=vmax, aspect="auto",
              interpolation="nearest")
    ax.add_patch(plt.Rectangle((-0.5, i - 0.5), h.size, 1, fill=False, edgecolor=style.HIGHLIGHT_EDGE,
                               linewidth=3))
    if annotate:
        for r in range(n_rows):
            for j in range(h.size):
                strong = r == i and abs(jac[r, j]) > 0.55 * vmax
                colour = "white" if strong else ("black" if r == i else style.MUTED_INK)
                ax.text(j, r, f"{jac[r, j]:.2f}" if r == i else "0", ha="center", va="center",
                        fontsize=style.FONT_SIZE - 3, color=colour)
    ax.set_xticks(range(h.size), [str(j) for j in range(h.size)])
    ax.set_yticks(range(n_rows), row_labels if row_labels is not None else [str(r) for r in range(n_rows)])
    ax.set_xlabel(f"column j of {matrix_name}")
    ax.set_ylabel(f"row of {matrix_name}")
    sup = f"^{{({t})}}" if t is not None else ""
    ax.set_title(f"${{(D{output_name}_{{{i}}}{sup})}}_{{{matrix_name}}}$: zero except row {i}, "
                 f"which holds $h{sup}$")
    if own_figure:
        step = f"({t})" if t is not None else ""
        describe(ax.figure,
                 f"Heatmap of the {n_rows} × {h.size} Jacobian of o_{i}{step} with respect to "
                 f"{matrix_name}, one cell per entry of {matrix_name}",
                 join(f"Every entry outside row {i} is 0 ({(n_rows - 1) * h.size} zeros)",
                      f"Row {i}, outlined, holds the {h.size} entries of h{step}, from "
                      f"{h.min():.2f} to {h.max():.2f}: o_{i} depends on row {i} of "
                      f"{matrix_name} only, and ∂o_{i}/∂{matrix_name}_{i}j = h_j"))
    return ax.figure
