"""Figure 1 for the LSTM (notebook 13): the RNN's graph with the new node c(t) and the gates.

One column per timestep, read top to bottom::

    token(t) --E--> x(t) --W_ih, b--> [z(t): i f g q] --i⊙g, f⊙--> c(t) --tanh, q⊙--> h(t) --V,c--> o(t) ...

and two chains across the columns: the cell c(0) -> c(1) -> ... (each step multiplies by f(t),
eq 13.3) and h(t-1) -> z(t) through W_hh (eq 13.1). ``show="backward"`` reverses every arrow,
dashed and red, as the RNN's Figure 1 does (plots/graph.py). The words come with the figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import style
from .describe import FigureText, describe, join

ROW_Y = {"token": 8.7, "x": 7.7, "z": 6.35, "c": 5.0, "h": 3.75, "o": 2.75, "y_hat": 1.75, "L_t": 0.75}
LOSS_Y = -0.45
SPACING = 2.3
NODE_W, NODE_H = 0.98, 0.56
GATE_W = 1.8
SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def _sup(name: str, t) -> str:
    """name with a superscript step, in plain Unicode (mathtext costs ~20 ms a label)."""
    return name + f"({t})".translate(SUP)
LOSS_W = 3.0
SHOWS = ("forward", "backward")


def _check(tau, show):
    if isinstance(tau, bool) or not isinstance(tau, int) or not 1 <= tau <= 5:
        raise ValueError(f"tau must be an integer from 1 to 5 (a figure, not a run), got {tau!r}")
    if show not in SHOWS:
        raise ValueError(f"show must be one of {SHOWS}, got {show!r}")


def draw_lstm_graph(tau: int = 3, show: str = "forward"):
    """Draw the LSTM unrolled over ``tau`` (1-5) steps; returns the Figure, with its words."""
    _check(tau, show)
    back = show == "backward"
    colour = style.BACKWARD if back else style.FORWARD
    ink = style.BACKWARD_INK if back else style.FORWARD
    fig, ax = plt.subplots(figsize=(2.6 + 2.2 * tau, 7.2))
    X = {t: SPACING * t for t in range(tau + 1)}
    half = NODE_H / 2
    loss_x = (X[1] + X[tau]) / 2

    def node(x, y, text, edge=colour, width=NODE_W, face="white", lw=1.6):
        ax.add_patch(FancyBboxPatch((x - width / 2, y - half), width, NODE_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.15", facecolor=face,
                                    edgecolor=edge, linewidth=lw, zorder=3))
        ax.text(x, y, text, ha="center", va="center", fontsize=style.FONT_SIZE, zorder=4)

    def arrow(p, q, lw=1.6, col=None, rad=0.0):
        if back:
            p, q = q, p
        ax.add_patch(FancyArrowPatch(p, q, arrowstyle="-|>", mutation_scale=15, color=col or colour, lw=lw,
                                     shrinkA=0, shrinkB=0, zorder=2, connectionstyle=f"arc3,rad={rad}",
                                     linestyle=style.BACKWARD_LINESTYLE if back else style.FORWARD_LINESTYLE))

    def label(x, y, text, ha="center", size=-3, col=None):
        ax.text(x, y, text, ha=ha, va="center", fontsize=style.FONT_SIZE + size, color=col or ink, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})

    node(X[0], ROW_Y["c"], _sup("c", 0))
    node(X[0], ROW_Y["h"], _sup("h", 0))
    for t in range(1, tau + 1):
        x = X[t]
        node(x, ROW_Y["token"], _sup("tok", t), edge=style.NEUTRAL)
        node(x, ROW_Y["x"], _sup("x", t))
        # the gate block z(t) -> i f g q (eqs 13.1-13.2), four cells
        left = x - GATE_W / 2
        ax.add_patch(FancyBboxPatch((left, ROW_Y["z"] - half), GATE_W, NODE_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.12", facecolor="#f3f3f3",
                                    edgecolor=colour, linewidth=1.6, zorder=3))
        for k, name in enumerate(("i", "f", "g", "q")):
            cx = left + GATE_W * (k + 0.5) / 4
            ax.text(cx, ROW_Y["z"], name, ha="center", va="center", fontsize=style.FONT_SIZE,
                    style="italic", zorder=4)
        ax.text(left + GATE_W + 0.05, ROW_Y["z"] + half + 0.05, _sup("z", t), ha="right", va="bottom",
                fontsize=style.FONT_SIZE - 2, color=ink, zorder=4)
        node(x, ROW_Y["c"], _sup("c", t), lw=2.4)
        node(x, ROW_Y["h"], _sup("h", t))
        for key, name in (("o", "o"), ("y_hat", "ŷ"), ("L_t", "L")):
            node(x, ROW_Y[key], _sup(name, t))
        arrow((x, ROW_Y["token"] - half), (x, ROW_Y["x"] + half))                      # E (1.3)
        arrow((x, ROW_Y["x"] - half), (x, ROW_Y["z"] + half))                          # W_ih, b (13.1)
        arrow((X[t - 1] + NODE_W / 2, ROW_Y["h"] + 0.1), (left + 0.1, ROW_Y["z"] - half), rad=0.12)  # W_hh
        arrow((x - 0.3, ROW_Y["z"] - half), (x - 0.3, ROW_Y["c"] + half))              # i⊙g, f⊙ (13.3)
        arrow((X[t - 1] + NODE_W / 2, ROW_Y["c"]), (x - NODE_W / 2, ROW_Y["c"]), lw=3.0)  # the cell path
        label((X[t - 1] + x) / 2 + 0.05, ROW_Y["c"] + 0.27, "⊙ " + _sup("f", t), size=-2)
        q_x = left + GATE_W * 3.5 / 4
        arrow((q_x, ROW_Y["z"] - half), (x + NODE_W / 2 - 0.12, ROW_Y["h"] + half), rad=-0.15)  # q⊙ (13.4)
        arrow((x - 0.1, ROW_Y["c"] - half), (x - 0.1, ROW_Y["h"] + half))              # tanh (13.4)
        for top, bottom in (("h", "o"), ("o", "y_hat"), ("y_hat", "L_t")):
            arrow((x, ROW_Y[top] - half), (x, ROW_Y[bottom] + half))
        arrow((x, ROW_Y["L_t"] - half), (loss_x + 0.35 * (x - loss_x), LOSS_Y + half), lw=1.0)
    # the edge labels once, left of the first column
    x1 = X[0] - NODE_W / 2 - 0.1
    for (top, bottom), text in ((("token", "x"), "E"), (("x", "z"), "W_ih, b"),
                                (("z", "c"), "i ⊙ g, f ⊙"), (("c", "h"), "tanh, q ⊙"),
                                (("h", "o"), "V, c"), (("o", "y_hat"), "softmax"),
                                (("y_hat", "L_t"), "−log")):
        label(x1 - 0.1, (ROW_Y[top] + ROW_Y[bottom]) / 2, text, ha="right")
    label(X[0] + 1.05, ROW_Y["h"] + 0.62, "W_hh", size=-3)
    node(loss_x, LOSS_Y, "L = (1/τ) Σ L(t)", width=LOSS_W)
    ax.set_title(f"LSTM unrolled, τ = {tau}: " + ("gradients flow back" if back else "the forward pass"),
                 color=ink)
    ax.set_xlim(-2.5, X[tau] + GATE_W / 2 + 0.3)
    ax.set_ylim(LOSS_Y - 0.5, ROW_Y["token"] + 0.45)
    ax.set_aspect("equal")
    ax.axis("off")
    text = describe_lstm_graph(tau, show)
    return describe(fig, text.alt, text.notice)


def describe_lstm_graph(tau: int = 3, show: str = "forward") -> FigureText:
    """The words of :func:`draw_lstm_graph`: alt text and "What to notice"."""
    _check(tau, show)
    what = "the forward pass" if show == "forward" else "the backward pass, every arrow reversed"
    alt = f"Diagram: Figure 1 redrawn for the LSTM, unrolled over τ = {tau} steps, {what}"
    layout = ("One column per step, top to bottom token(t) → x(t) → the gate block z(t) with its "
              "four gates i, f, g, q → the cell state c(t) → h(t) → o(t) → ŷ(t) → L(t); every L(t) "
              "feeds the mean loss L at the bottom")
    chains = (f"Two chains cross the columns: the cell states c(0) → … → c({tau}), the thick arrows, "
              "each step multiplying the old cell by f(t) (eq 13.3), and h(t−1) → z(t) through W_hh "
              "(eq 13.1). The new node c(t) has two uses, h(t) and c(t+1); h(t) has two, o(t) and z(t+1)")
    if show == "forward":
        body = "The arrows are solid and blue and follow the data"
    else:
        body = ("Every arrow is reversed, dashed and red: the gradient reaches c(t) from h(t) and from "
                "c(t+1), and on the thick cell path it is only multiplied by f(t+1), with no weight "
                "matrix and no tanh′ on the way")
    return FigureText(alt, join(layout, chains, body))
