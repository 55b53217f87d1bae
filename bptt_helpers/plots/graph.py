"""Figure 1 of the paper: the computational graph of the RNN, unrolled over τ steps.

One column per timestep t = 1..τ, read top to bottom::

    token(t) --E--> x(t) --U,b--> h(t) --V,c--> o(t) --softmax--> ŷ(t) --> L(t)

plus the recurrence h(0) --W--> h(1) --W--> ... --W--> h(τ) across the columns, and
every L(t) feeding the mean L = (1/τ) Σ_t L(t) at the bottom (eq 1.2).

``draw_unrolled_graph(tau)`` draws it for any τ >= 1 (long sequences show the first
and last columns with "…" in between). Three looks:

- ``show="forward"``: the forward pass, arrows along the data flow, in ``style.FORWARD``;
- ``show="backward"``: the same graph with every arrow reversed, dashed, in ``style.BACKWARD``
  (gradients flow from L back to the parameters' uses; dashed so that the two views differ by
  more than colour, as in the SVG widgets);
- ``show="plan"``: the plan of attack of §2: the logit gradients (DL)_o(t) are all
  computed at once ("parallel"), the hidden-state gradients (DL)_h(t) one after the
  other from t = τ down to 1 ("sequential").

Every node and column is tagged with a gid (``"node:h:3"``, ``"column:3"``) so tests
and widgets can find them. The figure carries its words (``plots.describe``): a text
alternative and a "What to notice" caption, from :func:`describe_unrolled_graph`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .. import style
from .describe import FigureText, describe, join

SHOWS = ("forward", "backward", "plan")
MAX_FULL_COLUMNS = 12   # up to this τ every column is drawn
EDGE_COLUMNS = 3        # for longer sequences: this many columns at each end (and around highlight)

# Rows from top to bottom: (key, y position, label template)
ROWS = (
    ("token", 6.0, r"$\mathrm{tok}^{(%s)}$"),
    ("x", 5.0, r"$x^{(%s)}$"),
    ("h", 4.0, r"$h^{(%s)}$"),
    ("o", 3.0, r"$o^{(%s)}$"),
    ("y_hat", 2.0, r"$\hat{y}^{(%s)}$"),
    ("L_t", 1.0, r"$L^{(%s)}$"),
)
ROW_Y = {key: y for key, y, _ in ROWS}
LOSS_Y = -0.2
# Vertical edges: (from row, to row, label)
VERTICAL_EDGES = (
    ("token", "x", "E"),
    ("x", "h", "U, b"),
    ("h", "o", "V, c"),
    ("o", "y_hat", "softmax"),
    ("y_hat", "L_t", "−log"),
)
COLUMN_SPACING = 1.55
NODE_W, NODE_H = 0.98, 0.56
LOSS_W = 2.5


def visible_steps(tau: int, highlight: int | None = None) -> list[int]:
    """The timesteps drawn as columns: all of 1..τ if τ <= 12, else both ends (and highlight).

    Returns a sorted list; a gap between two consecutive entries is drawn as "…".
    """
    tau = _check_tau(tau)
    if tau <= MAX_FULL_COLUMNS:
        return list(range(1, tau + 1))
    keep = set(range(1, EDGE_COLUMNS + 1)) | set(range(tau - EDGE_COLUMNS + 1, tau + 1))
    if highlight is not None:
        keep |= {t for t in (highlight - 1, highlight, highlight + 1) if 1 <= t <= tau}
    return sorted(keep)


def _check_tau(tau) -> int:
    if isinstance(tau, bool) or not hasattr(tau, "__index__"):
        raise TypeError(f"tau must be a positive integer, got {tau!r}")
    tau = int(tau.__index__())
    if tau < 1:
        raise ValueError(f"tau must be a positive integer (number of timesteps), got {tau}")
    return tau


def _check_highlight(highlight, tau: int) -> int | None:
    if highlight is None:
        return None
    if isinstance(highlight, bool) or not hasattr(highlight, "__index__"):
        raise TypeError(f"highlight must be an integer timestep or None, got {highlight!r}")
    highlight = int(highlight.__index__())
    if not 1 <= highlight <= tau:
        raise ValueError(f"highlight must be a timestep in [1, {tau}] (tau={tau}), got {highlight}")
    return highlight


def check_graph_args(tau, highlight, show: str, token_labels, shows=SHOWS):
    """Validate the arguments of a Figure 1 drawing; returns (tau, highlight, token_labels).

    ``show`` must be one of ``shows``; ``token_labels`` (if given) becomes a list of τ strings.
    """
    tau = _check_tau(tau)
    highlight = _check_highlight(highlight, tau)
    if show not in shows:
        raise ValueError(f"show must be one of {shows}, got {show!r}")
    if token_labels is not None:
        token_labels = [str(s) for s in token_labels]
        if len(token_labels) != tau:
            raise ValueError(f"token_labels must hold tau={tau} strings, got {len(token_labels)}")
    return tau, highlight, token_labels


def _layout(steps: list[int]) -> tuple[dict[int, float], list[float]]:
    """x position of each drawn timestep (h(0) sits at x = 0) and of each "…" gap."""
    xs, gaps = {}, []
    x = 0.0
    previous = 0
    for t in steps:
        x += COLUMN_SPACING
        if t - previous > 1:        # a gap: leave one slot for "…"
            gaps.append(x)
            x += COLUMN_SPACING * 0.7
        xs[t] = x
        previous = t
    return xs, gaps


def draw_unrolled_graph(tau: int, ax=None, highlight: int | None = None, show: str = "forward",
                        token_labels=None):
    """Draw Figure 1 of the paper unrolled over ``tau`` timesteps; return the Axes.

    tau: number of timesteps τ >= 1. ax: a matplotlib Axes (a new figure if None).
    highlight: a timestep t in [1, τ] whose column is emphasised (``style.HIGHLIGHT``).
    show: ``"forward"`` (data flow, blue), ``"backward"`` (every arrow reversed, red) or
    ``"plan"`` (§2: parallel logit gradients, sequential hidden-state gradients).
    A figure made here carries its words (:func:`describe_unrolled_graph`).
    token_labels: optional sequence of τ strings written under the token nodes
    (e.g. the characters of the input).
    """
    tau, highlight, token_labels = check_graph_args(tau, highlight, show, token_labels)
    steps = visible_steps(tau, highlight)
    xs, gaps = _layout(steps)
    x_max = max(xs.values())
    loss_x = (xs[steps[0]] + x_max) / 2
    own_figure = ax is None
    if own_figure:
        width = min(3.0 + 1.45 * (len(steps) + len(gaps)), 20.0)
        _, ax = plt.subplots(figsize=(width, 6.6))

    back = show == "backward"
    colour = style.BACKWARD if back else style.FORWARD
    # In the plan, the forward half of the graph is context (grey); gradients are red.
    edge_colour = {row: (style.NEUTRAL if show == "plan" and row in ("token", "x") else colour)
                   for row, _, _ in ROWS}
    if show == "plan":
        edge_colour.update({"h": style.BACKWARD, "o": style.BACKWARD, "y_hat": style.BACKWARD})

    def node(x, y, text, gid, face="white", edge=colour, bold=False, width=NODE_W):
        box = FancyBboxPatch((x - width / 2, y - NODE_H / 2), width, NODE_H,
                             boxstyle="round,pad=0.02,rounding_size=0.15", facecolor=face,
                             edgecolor=edge, linewidth=2.6 if bold else 1.6, zorder=3)
        box.set_gid(gid)
        ax.add_patch(box)
        ax.text(x, y, text, ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4)

    def arrow(p, q, col, reverse=False, lw=1.6):
        """An edge p -> q (q -> p if reverse); gradient edges (BACKWARD) are dashed."""
        if reverse:
            p, q = q, p
        dashed = col == style.BACKWARD
        patch = FancyArrowPatch(p, q, arrowstyle="-|>", mutation_scale=16, color=col, lw=lw,
                                shrinkA=0, shrinkB=0, zorder=2,
                                linestyle=style.BACKWARD_LINESTYLE if dashed else style.FORWARD_LINESTYLE)
        ax.add_patch(patch)

    half_h = NODE_H / 2
    # highlight band behind column t
    if highlight is not None:
        band = Rectangle((xs[highlight] - 0.7, LOSS_Y + 0.55), 1.4, ROW_Y["token"] - LOSS_Y - 0.05,
                         facecolor=style.HIGHLIGHT, alpha=0.25, edgecolor="none", zorder=0)
        band.set_gid("highlight")
        ax.add_patch(band)

    # h(0) and the recurrence along the h row
    node(0.0, ROW_Y["h"], r"$h^{(0)}$", "node:h:0",
         edge=edge_colour["h"] if show != "plan" else style.NEUTRAL)
    previous_x = 0.0
    for t in steps:
        x = xs[t]
        gap_before = any(previous_x < g < x for g in gaps)
        rec_colour = edge_colour["h"]
        if gap_before:
            g = next(g for g in gaps if previous_x < g < x)
            ax.text(g, ROW_Y["h"], "…", ha="center", va="center", fontsize=style.FONT_SIZE + 4,
                    color=_ink(rec_colour), zorder=4)
            for row in ("token", "x", "o", "y_hat", "L_t"):
                ax.text(g, ROW_Y[row], "…", ha="center", va="center",
                        fontsize=style.FONT_SIZE + 4, color=style.MUTED_INK, zorder=4)
            arrow((previous_x + NODE_W / 2, ROW_Y["h"]), (g - 0.25, ROW_Y["h"]), rec_colour,
                  reverse=back or show == "plan")
            arrow((g + 0.25, ROW_Y["h"]), (x - NODE_W / 2, ROW_Y["h"]), rec_colour,
                  reverse=back or show == "plan")
        else:
            p, q = (previous_x + NODE_W / 2, ROW_Y["h"]), (x - NODE_W / 2, ROW_Y["h"])
            arrow(p, q, rec_colour, reverse=back or show == "plan")
            ax.text((p[0] + q[0]) / 2, ROW_Y["h"] + 0.12, "W", ha="center", va="bottom",
                    fontsize=style.FONT_SIZE - 3, color=_ink(rec_colour), zorder=4)
        previous_x = x

    # the columns
    for t in steps:
        x = xs[t]
        col_marker = Rectangle((x - 0.7, LOSS_Y + 0.55), 1.4, ROW_Y["token"] - LOSS_Y - 0.05,
                               fill=False, edgecolor="none")
        col_marker.set_gid(f"column:{t}")
        ax.add_patch(col_marker)
        is_hl = t == highlight
        for key, y, template in ROWS:
            face = "#fde7d3" if is_hl else "white"
            if key == "token":
                node_edge = style.NEUTRAL
            elif show == "plan":
                node_edge = style.BACKWARD if key in ("h", "o") else style.NEUTRAL
            else:
                node_edge = colour
            node(x, y, template % t, f"node:{key}:{t}", face=face, edge=node_edge, bold=is_hl)
        if token_labels is not None:
            ax.text(x, ROW_Y["token"] + half_h + 0.08, repr(token_labels[t - 1]), ha="center",
                    va="bottom", fontsize=style.FONT_SIZE - 2, color="black", zorder=4)
        for top, bottom, _label in VERTICAL_EDGES:
            p = (x, ROW_Y[top] - half_h)
            q = (x, ROW_Y[bottom] + half_h)
            arrow(p, q, edge_colour[top],
                  reverse=back or (show == "plan" and top in ("h", "o", "y_hat")))
        # L(t) -> mean L: arrows converge on the top edge of the loss node
        offset = max(-LOSS_W / 2 + 0.2, min(LOSS_W / 2 - 0.2, 0.35 * (x - loss_x)))
        arrow((x, ROW_Y["L_t"] - half_h), (loss_x + offset, LOSS_Y + half_h),
              style.BACKWARD if show == "plan" else colour, lw=1.0,
              reverse=back or show == "plan")

    # the edge labels, once, left of the first column, where they overlap no arrow or box
    for top, bottom, label in VERTICAL_EDGES:
        ax.text(xs[steps[0]] - NODE_W / 2 - 0.12, (ROW_Y[top] + ROW_Y[bottom]) / 2, label,
                ha="right", va="center", fontsize=style.FONT_SIZE - 3, color=_ink(edge_colour[top]),
                zorder=4)

    # the mean loss (eq 1.2)
    node(loss_x, LOSS_Y, r"$L=\frac{1}{\tau}\,\Sigma_t\,L^{(t)}$" if tau > 1 else r"$L = L^{(1)}$",
         "node:L", edge=colour if show != "plan" else style.BACKWARD, width=LOSS_W)

    if show == "plan":
        _draw_plan_marks(ax, xs, tau)
    title = {"forward": f"Figure 1 unrolled, τ = {tau}: the forward pass",
             "backward": f"Figure 1 unrolled, τ = {tau}: gradients flow back",
             "plan": f"Plan of attack (§2), τ = {tau}"}[show]
    ax.set_title(title, color=style.BACKWARD_INK if show != "forward" else style.FORWARD)
    ax.set_xlim(min(-0.8, loss_x - LOSS_W / 2 - 0.1),
                max(x_max + 0.8, loss_x + LOSS_W / 2 + 0.1) + (1.9 if show == "plan" else 0.0))
    ax.set_ylim(LOSS_Y - 0.5, ROW_Y["token"] + (0.75 if token_labels is not None else 0.45))
    ax.set_aspect("equal")
    ax.axis("off")
    if own_figure:   # a figure of several panels gets its words from its maker
        text = describe_unrolled_graph(tau, show, highlight, token_labels)
        describe(ax.figure, text.alt, text.notice)
    return ax


def _ink(colour: str) -> str:
    """The colour for text beside lines of ``colour``: one with 4.5:1 contrast on white."""
    return {style.BACKWARD: style.BACKWARD_INK, style.NEUTRAL: style.MUTED_INK}.get(colour, colour)


def describe_unrolled_graph(tau: int, show: str = "forward", highlight: int | None = None,
                            token_labels=None) -> FigureText:
    """The words of :func:`draw_unrolled_graph` with the same arguments: alt text and caption."""
    tau, highlight, token_labels = check_graph_args(tau, highlight, show, token_labels)
    steps = visible_steps(tau, highlight)
    chain = "token(t) → x(t) → h(t) → o(t) → ŷ(t) → L(t)"
    what = {"forward": "the forward pass",
            "backward": "the backward pass, every arrow reversed",
            "plan": "the plan of attack of §2"}[show]
    alt = f"Diagram: Figure 1 of the paper, the RNN unrolled over τ = {tau} steps, {what}"
    layout = (f"One column per step, top to bottom {chain}; the hidden states h(0) … h({tau}) "
              "chained across the columns through W; every L(t) feeds the mean loss L at the bottom")
    elided = ""
    if len(steps) < tau:
        elided = (f"Only the columns t = {', '.join(map(str, steps))} are drawn; "
                  "“…” stands for the others")
    if show == "forward":
        body = ("The arrows (solid, blue) follow the data from top to bottom: each column reads "
                "its token through E, then U and b, then V and c. Across the columns h(t−1) enters "
                "h(t) through W, so every h(t) depends on all earlier tokens. Every column uses the "
                "same E, U, W, b, V, c")
    elif show == "backward":
        body = ("Every arrow is reversed, dashed and red: the gradient starts at the mean loss L at "
                "the bottom, climbs each column through L(t), ŷ(t) and o(t) to h(t) and x(t), and "
                f"also runs right to left along the h row, from h({tau}) back to h(0) through W. "
                "So each h(t) but the last receives gradient along two paths: from o(t) in its "
                "own column and from h(t+1)")
    else:
        body = ("The gradients of the logits o(t), in the box marked “parallel”, need only their "
                "own column, so all of them are computed at once. The gradients of the hidden "
                "states h(t), in the box marked “sequential”, run right to left along the h row, "
                f"from t = {tau} down to 1, each needing the one of h(t+1) first. Gradient arrows "
                "are dashed and red; the token and x rows are grey context")
    tokens = ""
    if token_labels is not None:
        tokens = "The input tokens above the columns: " + " ".join(repr(s) for s in token_labels)
    marked = f"Column t = {highlight} is highlighted" if highlight is not None else ""
    return FigureText(alt, join(layout, body, elided, tokens, marked))


def _draw_plan_marks(ax, xs, tau):
    """§2: brace the o row as "parallel" and the h row as "sequential, t = τ..1"."""
    left = min(xs.values()) - 0.6
    right = max(xs.values()) + 0.6
    for key, text, gid in (
        ("o", r"grad of $o^{(t)}$: parallel, all t at once", "plan:parallel"),
        ("h", r"grad of $h^{(t)}$: sequential, t = τ..1", "plan:sequential"),
    ):
        y = ROW_Y[key]
        box = Rectangle((left, y - 0.36), right - left, 0.72, facecolor="none",
                        edgecolor=style.BACKWARD, linestyle="--", linewidth=1.4, zorder=1)
        box.set_gid(gid)
        ax.add_patch(box)
        ax.text(right + 0.1, y, text, ha="left", va="center",
                fontsize=style.FONT_SIZE + 1, color=style.BACKWARD_INK, zorder=4)
