"""Pictures for §1 (the forward pass) and §2 (the cost of the cache).

- :func:`plot_vector_strips`: vectors (x^(t), a^(t), h^(t)) as the rows of one heatmap;
- :func:`plot_top_predictions`: the top guesses of ŷ^(t), the target marked;
- :func:`plot_losses_so_far`: L^(1..τ) with the steps not yet computed greyed out and
  the running mean of the losses so far;
- :func:`forward_step_figure`: all of the above under Figure 1 with column t highlighted
  (the picture of the forward stepper widget);
- :func:`plot_cache_cost`: bytes held by the forward cache (and optionally seconds) against τ.

The numbers come from the package (``forward``, ``widgets.forward_stepper.forward_step_view``);
these functions only draw.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from . import canvas

VIEW_KEYS = ("t", "tau", "x", "a", "h", "top", "target_char", "target_prob", "all_losses",
             "running_mean")


def plot_vector_strips(ax, vectors, labels, vmax: float | None = None):
    """Vectors of possibly different lengths as rows of one heatmap (short rows padded blank).

    vectors: sequence of 1-D arrays (e.g. x^(t), a^(t), h^(t)); labels: one string each.
    Each row's L2 norm is written under its label. Returns the image (for a colour bar).
    """
    vectors = [np.asarray(v, dtype=np.float64) for v in vectors]
    if not vectors or any(v.ndim != 1 or v.size == 0 for v in vectors):
        raise ValueError("vectors must be a non-empty sequence of non-empty 1-D arrays")
    if len(labels) != len(vectors):
        raise ValueError(f"labels must hold one string per vector ({len(vectors)}), got {len(labels)}")
    width = max(v.size for v in vectors)
    grid = np.full((len(vectors), width), np.nan)
    for row, v in enumerate(vectors):
        grid[row, :v.size] = v
    if vmax is None:
        vmax = float(np.nanmax(np.abs(grid))) or 1.0
    cmap = plt.get_cmap(style.DIVERGING_CMAP).with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto")
    ticks = [f"{label}\nnorm {np.linalg.norm(v):.2f}" for label, v in zip(labels, vectors, strict=True)]
    ax.set_yticks(range(len(vectors)), ticks, fontsize=style.FONT_SIZE - 2)
    ax.set_xticks([0, width - 1], ["1", str(width)])
    ax.set_xlabel("entry")
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return image


def plot_top_predictions(ax, top, target_char: str, target_prob: float, t: int):
    """Horizontal bars: the top (char, probability) pairs of ŷ^(t) and the target's probability."""
    if not top:
        raise ValueError("top must hold at least one (char, probability) pair")
    labels = [repr(c) for c, _ in top]
    probs = [p for _, p in top]
    colours = [style.HIGHLIGHT if c == target_char else style.FORWARD for c, _ in top]
    if target_char not in [c for c, _ in top]:
        labels.append(f"{target_char!r} (target)")
        probs.append(target_prob)
        colours.append(style.HIGHLIGHT)
    y = np.arange(len(labels))[::-1]
    ax.barh(y, probs, color=colours, height=0.6)
    for yi, p in zip(y, probs, strict=True):
        ax.text(p + 0.01, yi, f"{p:.3f}", va="center", fontsize=style.FONT_SIZE - 2)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, min(1.2, max(probs) * 1.4 + 0.02))
    ax.set_xlabel("probability")
    ax.set_title(f"ŷ({t}): top guesses (orange: target)", fontsize=style.FONT_SIZE)


def plot_losses_so_far(ax, all_losses, t: int, running_mean: float):
    """Bars L^(1..t) (step t in HIGHLIGHT) on axes sized for all τ steps; the mean so far dashed."""
    all_losses = np.asarray(all_losses, dtype=np.float64)
    tau = all_losses.size
    if not 1 <= t <= tau:
        raise ValueError(f"t must lie in [1, {tau}], got {t}")
    steps = np.arange(1, tau + 1)
    colours = [style.HIGHLIGHT if s == t else style.FORWARD for s in steps[:t]]
    ax.bar(steps[:t], all_losses[:t], color=colours, width=0.7)
    ax.axhline(running_mean, color=style.FORWARD, linestyle="--", linewidth=1.5)
    span = "L(1)" if t == 1 else f"L(1..{t})"
    ax.text(0.02, 0.97, f"mean of {span} = {running_mean:.3f}", transform=ax.transAxes,
            ha="left", va="top", fontsize=style.FONT_SIZE - 2, color=style.FORWARD)
    ax.set_ylim(0, float(all_losses.max()) * 1.3)
    ax.set_xlabel("step s")
    ax.set_ylabel("L(s)")
    ax.set_xlim(0.4, tau + 0.6)
    ax.set_xticks(steps[::max(1, int(np.ceil(tau / 8)))])
    ax.set_title(f"losses {span} so far", fontsize=style.FONT_SIZE)


def forward_step_figure(view: dict, token_labels=None):
    """The picture of step t: Figure 1 (column t highlighted) above x, a, h, ŷ and the losses.

    view: a dict from ``forward_step_view``; token_labels: the τ input characters,
    written above the token nodes. Returns the Figure.
    """
    from .graph import draw_unrolled_graph

    missing = [k for k in VIEW_KEYS if k not in view]
    if missing:
        raise ValueError(f"view must be a dict from forward_step_view, missing {missing}")
    t, tau = view["t"], view["tau"]
    width = 13.0
    with plt.rc_context(style.RC_PARAMS):
        fig = canvas.figure((width, 10.0))  # not pyplot's: the stepper redraws it in callbacks
        outer = fig.add_gridspec(2, 1, height_ratios=[1.5, 1], hspace=0.15)
        graph = fig.add_subplot(outer[0])
        draw_unrolled_graph(tau, ax=graph, highlight=t, show="forward", token_labels=token_labels)
        graph.set_title(f"step t = {t}: column {t} of Figure 1", color=style.FORWARD)
        bottom = outer[1].subgridspec(1, 3, width_ratios=[1.2, 1, 1], wspace=0.55)
        strips = fig.add_subplot(bottom[0])
        keys = ("x", "a", "h")
        image = plot_vector_strips(strips, [view[k] for k in keys], [f"{k}({t})" for k in keys])
        strips.set_title("(1.3) x, (1.4) a, (1.5) h", fontsize=style.FONT_SIZE, loc="left")
        fig.colorbar(image, ax=strips, location="bottom", fraction=0.12, pad=0.3)
        plot_top_predictions(fig.add_subplot(bottom[1]), view["top"], view["target_char"],
                             view["target_prob"], t)
        plot_losses_so_far(fig.add_subplot(bottom[2]), view["all_losses"], t, view["running_mean"])
        # Figure 1 keeps its aspect ratio: give its row just the height it needs.
        (x0, x1), (y0, y1) = graph.get_xlim(), graph.get_ylim()
        graph_height = width * 0.95 * abs(y1 - y0) / abs(x1 - x0)
        bottom_height = 4.0
        outer.set_height_ratios([graph_height, bottom_height])
        fig.set_size_inches(width, graph_height + bottom_height + 1.0)
    return fig


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
    if ax is None:
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
        twin.set_ylabel("milliseconds", color=style.BACKWARD)
        twin.set_ylim(bottom=0)
        handles = handles + twin.get_lines()
    ax.legend(handles=handles, loc="upper left")
    ax.set_title("the cost of a longer sequence")
    return ax
