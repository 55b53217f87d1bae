"""Figure 1 of the paper (the unrolled graph) as SVG, for the steppers' pictures.

The same graph as :func:`bptt_helpers.plots.graph.draw_unrolled_graph` (one column per
timestep, the recurrence along the h row, long sequences shown by their ends with "…"), drawn
compactly so that a stepper fits one screen. The edge labels (E; U, b; V, c; softmax; −log)
sit once, in the h(0) column between the rows, where they overlap nothing.

The current column is marked three ways, not by colour alone: an orange band, thick boxes,
and "▼ t = 3" above it. Forward arrows are solid blue; backward (gradient) arrows are dashed
red and point the other way.
"""

from __future__ import annotations

from .. import style
from .graph import _layout, check_graph_args, visible_steps
from .svg import INK, MUTED, SMALL, TITLE, Svg

ROWS = (("token", "tok"), ("x", "x"), ("h", "h"), ("o", "o"), ("y_hat", "ŷ"), ("L_t", "L"))
EDGE_LABELS = ("E", "U, b", "V, c", "softmax", "−log")   # between consecutive rows
NODE_W, NODE_H = 46.0, 26.0
LEFT_MARGIN = 62.0          # the row names
ROW_GAP = 37.0
TOP = 62.0                  # the token row's centre, below the heading and the "▼ t" mark
HEIGHT = TOP + 5 * ROW_GAP + NODE_H / 2 + 6     # what draw_graph uses of the picture's height
SHOWS = ("forward", "backward")


def draw_graph(svg: Svg, x0: float, y0: float, width: float, tau: int, highlight: int | None,
               show: str = "forward", token_labels=None) -> float:
    """Draw Figure 1 in the rectangle starting at (x0, y0), ``width`` wide; returns its bottom.

    The column of step ``highlight`` gets a band under it and "▼ t = ..." above it, then the whole
    graph is drawn, every column alike, then that column's boxes are outlined thick: a stepper's
    frames share the graph and store only the band, the mark and the outlines.
    With ``token_labels`` the token boxes show the tokens themselves.
    """
    tau, highlight, token_labels = check_graph_args(tau, highlight, show, token_labels, SHOWS)
    back = show == "backward"
    colour = style.BACKWARD if back else style.FORWARD
    text_colour = style.BACKWARD_INK if back else style.FORWARD
    dash = "5 3" if back else None
    steps = visible_steps(tau, highlight)
    units, gaps = _layout(steps)
    span = max(units.values()) + 0.7
    scale = min(64.0, (width - LEFT_MARGIN - NODE_W) / span)
    X = {t: x0 + LEFT_MARGIN + NODE_W / 2 + u * scale for t, u in units.items()}
    h0_x = x0 + LEFT_MARGIN + NODE_W / 2
    gap_xs = [x0 + LEFT_MARGIN + NODE_W / 2 + g * scale for g in gaps]
    Y = {key: y0 + TOP + i * ROW_GAP for i, (key, _) in enumerate(ROWS)}

    if highlight is not None:    # under the graph: the band; above it: the mark
        hx = X[highlight]
        svg.rect(hx - scale * 0.75 + 2, Y["token"] - NODE_H / 2 - 5, scale * 1.5 - 4,
                 Y["L_t"] - Y["token"] + NODE_H + 10, fill=style.HIGHLIGHT, opacity=0.3)
        svg.text(hx, y0 + 37, f"▼ t = {highlight}", 17, "middle", INK, weight="bold")

    heading = (f"Figure 1 unrolled, τ = {tau}: "
               + ("gradients flow back (dashed)" if back else "the forward pass"))
    svg.text(x0, y0 + 12, heading, TITLE, "start", text_colour, weight="bold")

    # row names; the edge labels in the h(0) column, which has only h(0): clear of everything
    for i, (key, name) in enumerate(ROWS):
        svg.text(x0 + LEFT_MARGIN - 4, Y[key], name, 18, "end", INK, sup="(t)")
        if i < len(EDGE_LABELS):
            mid = (Y[key] + Y[ROWS[i + 1][0]]) / 2
            mid += {"x": -3.0, "h": 3.0}.get(key, 0.0)     # the two next to h(0): off its box
            svg.text(h0_x, mid, EDGE_LABELS[i], SMALL, "middle", MUTED, italic=True)

    def edge(key):
        return MUTED if key == "token" else colour

    def arrow(p, q):
        if back:
            p, q = q, p
        svg.arrow(p[0], p[1], q[0], q[1], colour, 1.5, 6.5, dash)

    # Drawn kind by kind (elements alike sit together and are stored as one group): the
    # arrows (h(0) and the recurrence, then down every column), their "W", the boxes, the names.
    columns = [(h0_x, [("h", None)])] + [(X[t], [(key, t) for key, _ in ROWS]) for t in steps]
    previous, ws = h0_x, []
    for t in steps:
        x = X[t]
        gap = next((g for g in gap_xs if previous < g < x), None)
        if gap is not None:
            arrow((previous + NODE_W / 2, Y["h"]), (gap - 9, Y["h"]))
            arrow((gap + 9, Y["h"]), (x - NODE_W / 2, Y["h"]))
        else:
            arrow((previous + NODE_W / 2, Y["h"]), (x - NODE_W / 2, Y["h"]))
            ws.append((previous + x) / 2)
        previous = x
    for t in steps:
        for i in range(len(ROWS) - 1):
            arrow((X[t], Y[ROWS[i][0]] + NODE_H / 2), (X[t], Y[ROWS[i + 1][0]] - NODE_H / 2))
    for x in ws:
        svg.text(x, Y["h"] - 14, "W", SMALL, "middle", text_colour)
    for gap in gap_xs:
        for key, _ in ROWS:
            svg.text(gap, Y[key], "…", 18, "middle", MUTED)
    for token_row in (True, False):
        for x, nodes in columns:
            for key, _ in nodes:
                if (key == "token") == token_row:
                    svg.rect(x - NODE_W / 2, Y[key] - NODE_H / 2, NODE_W, NODE_H, fill="white",
                             stroke=edge(key), stroke_width=1.3, rx=5)
    for x, nodes in columns:
        for key, t in nodes:
            if key == "token" and token_labels is not None:
                svg.text(x, Y[key], repr(token_labels[t - 1]), SMALL, "middle", INK, mono=True)
    for x, nodes in columns:
        for key, t in nodes:
            if key != "token" or token_labels is None:
                svg.text(x, Y[key], dict(ROWS)[key], SMALL, "middle", INK,
                         sup=f"({0 if t is None else t})")

    if highlight is not None:    # on top: the column's boxes outlined thick
        for key, _ in ROWS:
            svg.rect(X[highlight] - NODE_W / 2, Y[key] - NODE_H / 2, NODE_W, NODE_H,
                     stroke=edge(key) if key != "token" else INK, stroke_width=3, rx=5)
    return y0 + HEIGHT
