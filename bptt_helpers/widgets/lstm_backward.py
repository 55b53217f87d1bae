"""Notebook 13's backward stepper: (DL)_h(t) and (DL)_c(t) from t = τ down to 1, and where paths add.

Eqs 13.5 and 13.6 each add two paths:

- into h(t): through o(t), (DL)_o(t) V, and through z(t+1), (DL)_z(t+1) W_hh (t < τ);
- into c(t): through h(t), (DL)_h(t) ⊙ q(t) ⊙ [1 - tanh² c(t)], and along the cell from c(t+1),
  (DL)_c(t+1) ⊙ f(t+1) (t < τ): no W, no tanh'.

:func:`lstm_backward_view` computes the four parts for one t from the package's
``grads_fast.dhidden_cell`` (a plain function, tested); :func:`lstm_step_text` and
:func:`lstm_step_label` say it in words; :func:`lstm_step_picture` draws the local graph of step t
with the two sums, and the norms so far, as compact SVG; :class:`LSTMBackwardStepper` makes every
frame up front and switches them in the browser.
"""

from __future__ import annotations

import html

import numpy as np

from .. import style
from ..lstm import grads_fast as g
from ..lstm.forward import LSTMCache
from ..plots.svg import INK, MUTED, SMALL, TEXT, TITLE, WIDTH, Svg
from . import StepsOverT, check_int
from .frames import Frame, FrameStepper


def _check(params, cache) -> LSTMCache:
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"cache must be the LSTMCache of lstm_forward(), got {type(cache).__name__}")
    if cache.batched:
        raise ValueError(f"cache must come from one sequence (inputs of shape (T,)), got a batch of shape "
                         f"{cache.inputs.shape}")
    if cache.h.shape[-1] != params.n_hidden or cache.x.shape[-1] != params.d_model:
        raise ValueError("cache does not match params (different d_model or n_hidden)")
    return cache


def lstm_backward_view(params, cache: LSTMCache, t: int) -> dict:
    """Step t of the backward recursions (eqs 13.5-13.6) as a dict of arrays and norms.

    Keys: ``t``, ``tau``; ``h_via_o`` = (DL)_o(t) V; ``h_via_z`` = (DL)_z(t+1) W_hh (zeros at
    t = τ); ``dh`` = their sum, row t - 1 of ``dhidden_cell(...).dh``; ``c_via_h`` = (DL)_h(t) ⊙ q(t)
    ⊙ [1 - tanh² c(t)]; ``c_via_c`` = (DL)_c(t+1) ⊙ f(t+1) (zeros at t = τ); ``dc`` = their sum;
    the norm of each as ``norm_<key>``; ``norms_h``, ``norms_c`` = ‖(DL)_h(s)‖, ‖(DL)_c(s)‖ for
    s = 1..τ; ``f_next`` = f(t+1) (zeros at t = τ).
    """
    cache = _check(params, cache)
    tau = cache.T
    t = check_int("t", t, 1, tau)
    do = g.dlogits(cache)
    nodes = g.dhidden_cell(params, cache, do)
    k = t - 1
    h_via_o = do[k] @ params.V
    last = t == tau
    h_via_z = np.zeros_like(h_via_o) if last else nodes.dz[k + 1] @ params.W_hh
    c_via_h = nodes.dh[k] * cache.q[k] * (1 - cache.tanh_c[k] ** 2)
    f_next = np.zeros_like(h_via_o) if last else cache.f[k + 1]
    c_via_c = np.zeros_like(h_via_o) if last else nodes.dc[k + 1] * f_next
    view = {"t": t, "tau": tau, "h_via_o": h_via_o, "h_via_z": h_via_z, "dh": nodes.dh[k].copy(),
            "c_via_h": c_via_h, "c_via_c": c_via_c, "dc": nodes.dc[k].copy(), "f_next": f_next,
            "norms_h": np.linalg.norm(nodes.dh, axis=1), "norms_c": np.linalg.norm(nodes.dc, axis=1)}
    for key in ("h_via_o", "h_via_z", "dh", "c_via_h", "c_via_c", "dc"):
        view[f"norm_{key}"] = float(np.linalg.norm(view[key]))
    return view


def lstm_step_text(view: dict) -> str:
    """The readout of step t: the norms of each sum's two parts and of the sum (the picture names
    each path's factor)."""
    t, tau = view["t"], view["tau"]
    none = "none (t = τ)"

    def part(v):
        return none if t == tau else f"{v:.3g}"

    return "\n".join([
        f"step t = {t} of the backward pass (τ = {tau}): two sums, each of two paths (norms)",
        f"  (DL)_h({t}), eq 13.5:  via o({t}) {view['norm_h_via_o']:.3g},  via z({t + 1}) "
        f"{part(view['norm_h_via_z'])},  sum {view['norm_dh']:.3g}",
        f"  (DL)_c({t}), eq 13.6:  via h({t}) {view['norm_c_via_h']:.3g},  via c({t + 1}) "
        f"{part(view['norm_c_via_c'])},  sum {view['norm_dc']:.3g}"])


def lstm_step_label(view: dict) -> str:
    """The text alternative of step t's picture."""
    t, tau = view["t"], view["tau"]
    if t == tau:
        paths = (f"at t = τ each has one path: (DL)_h({t}) comes from o({t}) alone, norm "
                 f"{view['norm_dh']:.3g}, and (DL)_c({t}) from h({t}) alone, norm {view['norm_dc']:.3g}")
    else:
        paths = (f"(DL)_h({t}) adds the path from o({t}), norm {view['norm_h_via_o']:.3g}, "
                 f"and from z({t + 1}), "
                 f"norm {view['norm_h_via_z']:.3g}; (DL)_c({t}) adds the path from h({t}), norm "
                 f"{view['norm_c_via_h']:.3g}, and the cell path from c({t + 1}) times f({t + 1}), norm "
                 f"{view['norm_c_via_c']:.3g}")
    return (f"LSTM backward pass, step t = {t} of τ = {tau}: the graph around step {t}, arrows reversed; "
            f"{paths}. The norms of (DL)_h(s) and (DL)_c(s) are known for s = {tau} down to {t}.")


class Compact:
    """Texts and dashed arrows of one picture, written grouped by their look (a frame is stored
    in the notebook for every step, so every byte counts): one ``<g>`` per look."""

    def __init__(self):
        self.texts: dict[tuple, list[str]] = {}
        self.lines: dict[tuple, list[str]] = {}
        self.heads: dict[str, list[str]] = {}

    def text(self, x, y, s, size=12, anchor="start", fill=INK, bold=False) -> None:
        self.texts.setdefault((size, anchor, fill, bold), []).append(
            f'<text x="{x:g}" y="{y:g}">{html.escape(str(s))}</text>')

    def arrow(self, x1, y1, x2, y2, colour, width=1.6, head=7.0, dash="5 3") -> None:
        length = float(np.hypot(x2 - x1, y2 - y1))
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        bx, by = x2 - ux * head, y2 - uy * head
        self.lines.setdefault((colour, width, dash), []).append(f"M{x1:.0f} {y1:.0f}L{bx:.0f} {by:.0f}")
        px, py = -uy * head * 0.45, ux * head * 0.45
        self.heads.setdefault(colour, []).append(
            f"M{x2:.0f} {y2:.0f}L{bx + px:.0f} {by + py:.0f}L{bx - px:.0f} {by - py:.0f}z")

    def write(self, svg: Svg) -> None:
        for (colour, width, dash), d in self.lines.items():
            svg.add("path", d="".join(d), fill="none", stroke=colour, stroke_width=float(width),
                    stroke_dasharray=dash)
        for colour, d in self.heads.items():
            svg.add("path", d="".join(d), fill=colour)
        for (size, anchor, fill, bold), items in self.texts.items():
            # one <g> per look, its texts inside (the picture's baseline is already central)
            # a white halo (drawn under the glyphs): a dashed arrow crossing a label hides behind it
            svg.add("g", "".join(items), font_size=size, text_anchor=anchor, fill=fill,
                    font_weight="bold" if bold else None, stroke="white", stroke_width=4,
                    paint_order="stroke", stroke_linejoin="round")


def lstm_step_picture(view: dict) -> Svg:
    """The local graph of step t (left), the two sums as bars (right), the norms so far (below them).

    WIDTH units wide, text SMALL or larger: on a 1280x720 slide it fills the width and its
    smallest text is the slides' body text (tests/test_decks.py)."""
    t, tau = view["t"], view["tau"]
    last = t == tau
    svg = Svg(WIDTH, 322, lstm_step_label(view))
    red, ink_red = style.BACKWARD, style.BACKWARD_INK
    out = Compact()
    out.text(0, 14, f"step t = {t}: where the two paths add", TITLE, "start", ink_red, bold=True)
    # the graph around step t, gradients flowing down and to the left: columns t-1, t, t+1
    X = {"prev": 62, "now": 292, "next": 522}
    Y = {"o": 58, "h": 130, "c": 202, "z": 274}
    bw_, bh_ = 84, 32   # node boxes
    nodes = [("now", "o", f"o({t})"), ("now", "h", f"h({t})"), ("now", "c", f"c({t})"),
             ("now", "z", f"z({t})"), ("prev", "c", f"c({t - 1})"), ("prev", "h", f"h({t - 1})")]
    if not last:
        nodes += [("next", "z", f"z({t + 1})"), ("next", "c", f"c({t + 1})")]
    svg.rect(X["now"] - 54, Y["o"] - 26, 108, Y["z"] - Y["o"] + 52, fill=style.HIGHLIGHT, opacity=0.28)
    boxes = "".join(f"M{X[c] - bw_ // 2} {Y[r] - bh_ // 2}h{bw_}v{bh_}h-{bw_}z" for c, r, _ in nodes)
    svg.add("path", d=boxes, fill="white", stroke=red, stroke_width=1.6)
    # (from, to, label): gradient arrows, dashed; grey where they lead to the next step (t - 1)
    arrows = [(("now", "o"), ("now", "h"), "V"), (("now", "h"), ("now", "c"), "q ⊙ tanh′"),
              (("now", "c"), ("now", "z"), "gates i f g"), (("now", "z"), ("prev", "h"), "W_hh"),
              (("now", "c"), ("prev", "c"), f"⊙ f({t})")]
    if not last:
        arrows += [(("next", "z"), ("now", "h"), "W_hh"), (("next", "c"), ("now", "c"), f"⊙ f({t + 1})")]
    half_w, half_h = bw_ / 2, bh_ / 2
    for (c1, r1), (c2, r2), lab in arrows:
        x1, y1, x2, y2 = X[c1], Y[r1], X[c2], Y[r2]
        grey = c2 == "prev"   # the next step's, still to come
        colour, ink = (MUTED, MUTED) if grey else (red, ink_red)
        if c1 == c2:                       # down a column
            out.arrow(x1, y1 + half_h, x2, y2 - half_h, colour, 1.8, 9)
            out.text(x1 + 10, (y1 + y2) / 2, lab, SMALL, "start", ink)
        elif r1 == r2:                     # along the cell row
            out.arrow(x1 - half_w, y1, x2 + half_w, y2, colour, 2.6, 10)
            out.text((x1 + x2) / 2, y1 + 17, lab, SMALL, "middle", ink)
            out.text((x1 + x2) / 2, y1 - 13, "cell path", SMALL, "middle", ink)
        else:                              # z(s) -> h(s-1), up and to the left
            out.arrow(x1 - half_w, y1 - 8, x2 + half_w, y2 + 10, colour, 1.8, 9)
            out.text(x1 - half_w - 8, y1 + 4, lab, SMALL, "end", ink)
    for c, r, name in nodes:
        out.text(X[c], Y[r], name, TEXT, "middle")
    if not last:   # where two paths add: a plus at the top left of h(t) and c(t), clear of the arrows
        for r in ("h", "c"):
            out.text(X["now"] - half_w - 4, Y[r] - half_h - 6, "+", 24, "end", INK, bold=True)
    else:
        out.text(X["next"], Y["c"] - 38, "t = τ: no step after,", SMALL, "middle", MUTED)
        out.text(X["next"], Y["c"] - 18, "one path each", SMALL, "middle", MUTED)
    # the two sums as bars
    rows = [(f"via o({t})", view["norm_h_via_o"]), (f"via z({t + 1})", view["norm_h_via_z"]),
            (f"(DL)_h({t})", view["norm_dh"]), (f"via h({t})", view["norm_c_via_h"]),
            (f"via c({t + 1})", view["norm_c_via_c"]), (f"(DL)_c({t})", view["norm_dc"])]
    top = max(max(v for _, v in rows), 1e-300)
    bx, by, bw = 742, 40, 140
    out.text(bx - 130, by - 22, "norms of the parts and their sums", TEXT, bold=True)
    bars = {red: "", INK: ""}
    for k, (name, value) in enumerate(rows):
        y = by + k * 24 + (8 if k >= 3 else 0)
        total = k in (2, 5)
        out.text(bx - 8, y + 9, name, SMALL, "end", INK, bold=total)
        w = bw * value / top
        bars[INK if total else red] += f"M{bx} {y}h{w:.1f}v18h-{w:.1f}z"
        out.text(bx + w + 5, y + 9, "0 (none)" if value == 0 else f"{value:.3g}", SMALL)
    for colour, d in bars.items():
        if d:
            svg.add("path", d=d, fill=colour)
    # the norms so far, s = τ down to t
    nx, ny, nw, nh = 742, 232, 190, 58
    out.text(nx - 130, ny - 20, "so far: ‖(DL)_h(s)‖ ●, ‖(DL)_c(s)‖ ■", TEXT, bold=True)
    peak = max(float(np.max(view["norms_h"])), float(np.max(view["norms_c"])), 1e-300)

    def X_(s):
        return nx + (s - 0.5) / tau * nw

    def Y_(v):
        return ny + nh - v / peak * (nh - 8)

    svg.line(nx, ny + nh, nx + nw, ny + nh, MUTED, 1)
    dots, squares = "", ""
    labelled = set(range(1, tau + 1, max(1, -(-tau // 8)))) | {tau}   # at most ~9 tick labels
    for s in range(1, tau + 1):
        if s in labelled:
            out.text(X_(s), ny + nh + 14, str(s), SMALL, "middle", MUTED)
        if s < t:
            continue
        x, y = X_(s) - 5, Y_(view["norms_h"][s - 1])
        dots += f"M{x - 4.5:.1f} {y:.1f}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0z"
        squares += f"M{X_(s) + 1:.1f} {Y_(view['norms_c'][s - 1]) - 4.5:.1f}h9v9h-9z"
    svg.add("path", d=dots, fill=red)
    svg.add("path", d=squares, fill=INK)
    if t > 1:
        out.text((nx + X_(t - 0.5)) / 2, ny + nh / 2, "still to come", SMALL, "middle", MUTED)
    out.write(svg)
    return svg


class LSTMBackwardStepper(StepsOverT):
    """A Play button and a slider over the LSTM's backward pass, t = τ down to 1 (frames in the browser)."""

    def __init__(self, params, cache: LSTMCache, interval: int = 1500):
        _check(params, cache)
        tau = self.tau = cache.T
        self.views = {t: lstm_backward_view(params, cache, t) for t in range(1, tau + 1)}
        # as notebook 04's stepper: the slider runs t = 1..τ left to right (the figure's t axis),
        # starts at t = τ, and Play walks the backward pass's own order, τ down to 1
        frames = [Frame(lstm_step_text(self.views[t]), lstm_step_picture(self.views[t]), str(t))
                  for t in range(1, tau + 1)]
        self.player = FrameStepper(
            frames, [str(t) for t in range(1, tau + 1)], start=tau - 1, description="step t",
            name="the LSTM's backward pass, t = τ down to 1", interval=interval, reverse_play=True,
            fallback=f"LSTM backward stepper: t = {tau} down to 1, (DL)_h and (DL)_c "
                     "(run the cell to step through it).")
        self.widget = self.player.widget
        self.frames = dict(zip(range(1, tau + 1), self.player.frames, strict=True))

