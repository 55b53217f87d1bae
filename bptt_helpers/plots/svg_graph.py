"""Figure 1 of the paper (the unrolled graph) as SVG, for the steppers' pictures.

The same graph as :func:`bptt_helpers.plots.graph.draw_unrolled_graph` (one column per
timestep, the recurrence along the h row, long sequences shown by their ends with "…"), drawn
compactly so that a stepper fits one screen. The edge labels (E; U, b; V, c; softmax; −log)
sit once in the left margin, between the row names, where they overlap nothing.

The current column is marked three ways, not by colour alone: an orange band, bold boxes,
and "▼ t = 3" above it. Forward arrows are solid blue; backward (gradient) arrows are dashed
red and point the other way.
"""

from __future__ import annotations

from .. import style
from .graph import _layout, check_graph_args, visible_steps
from .svg import INK, MUTED, Svg

ROWS = (("token", "tok"), ("x", "x"), ("h", "h"), ("o", "o"), ("y_hat", "ŷ"), ("L_t", "L"))
EDGE_LABELS = ("E", "U, b", "V, c", "softmax", "−log")   # between consecutive rows
NODE_W, NODE_H = 46.0, 22.0
LEFT_MARGIN = 96.0          # row names and edge labels
ROW_GAP = 33.0
SHOWS = ("forward", "backward")


def draw_graph(svg: Svg, x0: float, y0: float, width: float, tau: int, highlight: int | None,
               show: str = "forward", token_labels=None) -> None:
    """Draw Figure 1 in the rectangle starting at (x0, y0), ``width`` wide (about 250 high)."""
    tau, highlight, token_labels = check_graph_args(tau, highlight, show, token_labels, SHOWS)
    back = show == "backward"
    colour = style.BACKWARD if back else style.FORWARD
    dash = "5 3" if back else None
    steps = visible_steps(tau, highlight)
    units, gaps = _layout(steps)
    span = max(units.values()) + 0.7
    scale = min(64.0, (width - LEFT_MARGIN - NODE_W) / span)
    X = {t: x0 + LEFT_MARGIN + NODE_W / 2 + u * scale for t, u in units.items()}
    h0_x = x0 + LEFT_MARGIN + NODE_W / 2
    gap_xs = [x0 + LEFT_MARGIN + NODE_W / 2 + g * scale for g in gaps]
    top = y0 + 46.0 + (18.0 if token_labels is not None else 0.0)
    Y = {key: top + i * ROW_GAP for i, (key, _) in enumerate(ROWS)}

    heading = (f"Figure 1 unrolled, τ = {tau}: "
               + ("gradients flow back (dashed)" if back else "the forward pass"))
    svg.text(x0, y0 + 10, heading, 14, "start", colour, weight="bold")

    if highlight is not None:
        hx = X[highlight]
        svg.rect(hx - scale / 2 + 2, Y["token"] - NODE_H, scale - 4,
                 Y["L_t"] - Y["token"] + 1.5 * NODE_H + 2, fill=style.HIGHLIGHT, opacity=0.28)
        svg.text(hx, y0 + 27, f"▼ t = {highlight}", 13, "middle", INK, weight="bold")

    # row names, and the edge labels between them (left margin)
    for i, (key, name) in enumerate(ROWS):
        svg.text(x0 + LEFT_MARGIN - 34, Y[key], name, 13, "end", INK, sup="(t)")
        if i < len(EDGE_LABELS):
            svg.text(x0 + LEFT_MARGIN - 34, (Y[key] + Y[ROWS[i + 1][0]]) / 2, EDGE_LABELS[i],
                     11, "end", MUTED, italic=True)

    def node(x, y, name, sup, bold, edge):
        svg.rect(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H, fill="white", stroke=edge,
                 stroke_width=2.6 if bold else 1.3, rx=5)
        svg.text(x, y, name, 12, "middle", INK, weight="bold" if bold else None, sup=sup)

    def arrow(p, q):
        if back:
            p, q = q, p
        svg.arrow(p[0], p[1], q[0], q[1], colour, 1.5, 6.5, dash)

    # h(0) and the recurrence
    node(h0_x, Y["h"], "h", "(0)", False, colour)
    previous = h0_x
    for t in steps:
        x = X[t]
        gap = next((g for g in gap_xs if previous < g < x), None)
        if gap is not None:
            for key, _ in ROWS:
                svg.text(gap, Y[key], "…", 16, "middle", MUTED)
            arrow((previous + NODE_W / 2, Y["h"]), (gap - 9, Y["h"]))
            arrow((gap + 9, Y["h"]), (x - NODE_W / 2, Y["h"]))
        else:
            arrow((previous + NODE_W / 2, Y["h"]), (x - NODE_W / 2, Y["h"]))
            svg.text((previous + x) / 2, Y["h"] - 9, "W", 10, "middle", colour)
        previous = x

    for t in steps:
        x, bold = X[t], t == highlight
        if token_labels is not None:
            svg.text(x, Y["token"] - NODE_H / 2 - 9, repr(token_labels[t - 1]), 12, "middle", INK,
                     mono=True)
        for i, (key, name) in enumerate(ROWS):
            node(x, Y[key], name, f"({t})", bold, MUTED if key == "token" else colour)
            if i + 1 < len(ROWS):
                below = Y[ROWS[i + 1][0]]
                arrow((x, Y[key] + NODE_H / 2), (x, below - NODE_H / 2))
