"""Pictures of a gradient as a sum over timesteps (§3.3-3.7, eqs 4.4-4.8).

- :func:`draw_stacked_bars`: a vector gradient (dL/dc, dL/db) as stacked bars, one
  segment per timestep, beside the total that ``backward()`` returns.
- :func:`draw_accumulating_heatmap`: a matrix gradient (dL/dV, dL/dW, dL/dU) as three
  heatmaps: the term of step t, the sum of steps 1..t, and ``backward()``'s total.
- :func:`draw_one_row_jacobian`: the Jacobian (Do_i^(t))_V of §3.5, a matrix that is
  zero except row i, which holds h^(t).

Every function takes plain arrays, draws on the axes it is given (or new ones) and
returns the figure; colours and fonts come from :mod:`bptt_helpers.style`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from .. import style
from ..gradcheck import ROUNDING_TOL, verdict
from . import canvas


def _step_colours(T: int):
    """One colour per step, light (early) to dark (late) in the gradient colour."""
    cmap = LinearSegmentedColormap.from_list("steps", ["#f6c9cf", style.BACKWARD, "#5e1420"])
    return [cmap(k / max(T - 1, 1)) for k in range(T)]


def _check_t(t, T: int) -> int:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= T:
        raise ValueError(f"t must be an integer in 0..{T} (T = {T}), got {t!r}")
    return int(t)


def draw_stacked_bars(terms, t: int, total=None, ax=None, name: str = "c", labels=None):
    """Stacked bars of the first ``t`` rows of ``terms`` (T, n), one bar per component.

    Positive parts stack upwards from 0 and negative parts downwards, one colour per
    step (darker = later; the newest step is outlined in HIGHLIGHT). A black dot marks
    the sum so far, a black bar the ``total`` (e.g. ``backward()``'s gradient).
    labels: n tick labels (default: component indices). Returns the figure.
    """
    terms = np.asarray(terms, dtype=np.float64)
    if terms.ndim != 2:
        raise ValueError(f"terms must have shape (T, n) for a vector gradient, got {terms.shape}")
    T, n = terms.shape
    t = _check_t(t, T)
    if labels is None:
        labels = [str(j) for j in range(n)]
    if len(labels) != n:
        raise ValueError(f"labels must have {n} entries, got {len(labels)}")
    if ax is None:
        _, ax = canvas.subplots(figsize=(max(6.0, 0.75 * n + 2.5), 4.2))  # widget-safe
    colours = _step_colours(T)
    xs = np.arange(n)
    up, down = np.zeros(n), np.zeros(n)
    for k in range(t):
        pos, neg = np.clip(terms[k], 0, None), np.clip(terms[k], None, 0)
        newest = k == t - 1
        edge = dict(edgecolor=style.HIGHLIGHT, linewidth=2.5) if newest else dict(edgecolor="white",
                                                                                   linewidth=0.5)
        ax.bar(xs, pos, bottom=up, width=0.7, color=colours[k], **edge,
               label=f"step {k + 1}" if newest else None)
        ax.bar(xs, neg, bottom=down, width=0.7, color=colours[k], **edge)
        up += pos
        down += neg
    so_far = terms[:t].sum(axis=0)
    ax.axhline(0, color=style.NEUTRAL, linewidth=1)
    if total is not None:
        total = np.asarray(total, dtype=np.float64)
        if total.shape != (n,):
            raise ValueError(f"total must have shape ({n},), got {total.shape}")
        ax.hlines(total, xs - 0.42, xs + 0.42, color="black", linewidth=3, label="backward()")
    ax.plot(xs, so_far, "o", color="black", markersize=6, markerfacecolor="white",
            markeredgewidth=2, label=f"sum of steps 1..{t}")
    limit = max(np.abs(terms).sum(axis=0).max(), 1e-12)
    pos_all, neg_all = np.clip(terms, 0, None).sum(axis=0), np.clip(terms, None, 0).sum(axis=0)
    ax.set_ylim(1.12 * min(neg_all.min(), -0.05 * limit), 1.12 * max(pos_all.max(), 0.05 * limit))
    ax.set_xticks(xs, labels)
    ax.set_xlabel(f"component of {name}")
    ax.set_ylabel(f"dL/d{name}")
    ax.set_title(f"dL/d{name}: steps 1..{t} of τ = {T} added")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax.figure


def _heat(ax, matrix, vmax, title, cmap=style.DIVERGING_CMAP):
    image = ax.imshow(matrix, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto",
                      interpolation="nearest")
    ax.set_title(title, fontsize=style.FONT_SIZE)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(style.NEUTRAL)
    return image


def draw_accumulating_heatmap(terms, t: int, total=None, axes=None, name: str = "W",
                              term_label: str | None = None, term_caption=None):
    """Heatmaps of the term of step t, the sum of steps 1..t and ``total``, for terms (T, m, n).

    All three panels share one colour scale (the largest entry of any term, partial sum
    or the total), so the middle panel visibly grows into the right one. term_label: the
    formula of one term, shown in the title (e.g. "do(t) ⊗ h(t)"). term_caption: a function
    t -> str naming the term of step t (default "term of step t"). Returns the figure.
    """
    terms = np.asarray(terms, dtype=np.float64)
    if terms.ndim != 3:
        raise ValueError(f"terms must have shape (T, m, n) for a matrix gradient, got {terms.shape}")
    T = terms.shape[0]
    t = _check_t(t, T)
    if axes is None:
        fig, axes = canvas.subplots(1, 3, figsize=(12, 4.2), gridspec_kw={"wspace": 0.12})
    else:
        fig = axes[0].figure
    sums = np.cumsum(terms, axis=0)
    so_far = sums[t - 1] if t else np.zeros(terms.shape[1:])
    scale = max(np.abs(sums).max(), np.abs(terms).max())
    if total is not None:
        total = np.asarray(total, dtype=np.float64)
        if total.shape != terms.shape[1:]:
            raise ValueError(f"total must have shape {terms.shape[1:]}, got {total.shape}")
        scale = max(scale, np.abs(total).max())
    scale = max(scale, 1e-12)
    if t:
        term = terms[t - 1]
        caption = term_caption(t) if term_caption else f"term of step {t}"
        _heat(axes[0], term, scale, f"{caption}\n(max |entry| {np.abs(term).max():.1e})")
        for spine in axes[0].spines.values():
            spine.set_color(style.HIGHLIGHT)
            spine.set_linewidth(3)
    else:
        _heat(axes[0], np.zeros(terms.shape[1:]), scale, "no term yet\n(t = 0)")
    image = _heat(axes[1], so_far, scale, f"sum of steps 1..{t}\n(of τ = {T})")
    if total is not None:
        diff = np.abs(so_far - total).max()
        shown = verdict(diff, ROUNDING_TOL) if t == T else f"= {diff:.1e}"  # rounding: a verdict
        _heat(axes[2], total, scale, f"backward()\nmax |diff| {shown}")
    else:
        axes[2].set_visible(False)
    for ax in axes:
        ax.set_xlabel(f"column ({terms.shape[2]})", fontsize=style.FONT_SIZE - 2)
    axes[0].set_ylabel(f"row ({terms.shape[1]})", fontsize=style.FONT_SIZE - 2)
    fig.colorbar(image, ax=list(axes), shrink=0.8, pad=0.02, format="%.2f")
    label = f"dL/d{name} {terms.shape[1]}×{terms.shape[2]}"
    if term_label:
        label += f":  Σ_t {term_label}"
    fig.suptitle(label, fontsize=style.FONT_SIZE + 2, y=1.06)
    return fig


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
    if ax is None:
        _, ax = plt.subplots(figsize=(0.8 * h.size + 2.5, 0.55 * n_rows + 1.6))
    vmax = max(np.abs(h).max(), 1e-12)
    ax.imshow(jac, cmap=style.DIVERGING_CMAP, vmin=-vmax, vmax=vmax, aspect="auto",
              interpolation="nearest")
    ax.add_patch(plt.Rectangle((-0.5, i - 0.5), h.size, 1, fill=False, edgecolor=style.HIGHLIGHT,
                               linewidth=3))
    if annotate:
        for r in range(n_rows):
            for j in range(h.size):
                strong = r == i and abs(jac[r, j]) > 0.55 * vmax
                colour = "white" if strong else ("black" if r == i else style.NEUTRAL)
                ax.text(j, r, f"{jac[r, j]:.2f}" if r == i else "0", ha="center", va="center",
                        fontsize=style.FONT_SIZE - 3, color=colour)
    ax.set_xticks(range(h.size), [str(j) for j in range(h.size)])
    ax.set_yticks(range(n_rows), row_labels if row_labels is not None else [str(r) for r in range(n_rows)])
    ax.set_xlabel(f"column j of {matrix_name}")
    ax.set_ylabel(f"row of {matrix_name}")
    sup = f"^{{({t})}}" if t is not None else ""
    ax.set_title(f"${{(D{output_name}_{{{i}}}{sup})}}_{{{matrix_name}}}$: zero except row {i}, "
                 f"which holds $h{sup}$")
    return ax.figure
