"""The backward stepper of notebook 04: (DL)_(h^(t)) from t = τ down to 1, one step at a time.

Eqs 4.2-4.3 (= 3.5, 3.8) split (DL)_(h^(t)) into two parts:

- through o^(t):    (DL)_(o^(t)) V                                   (both equations)
- through h^(t+1):  (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W           (eq 4.3, t < τ only)

:func:`backward_step_view` computes both for one t (a plain function, tested in
``tests/test_widget_backward.py``); :func:`step_picture` draws them as SVG; the
:class:`BackwardStepper` widget makes every step's frame up front and switches them in the browser.
"""

from __future__ import annotations

import numpy as np

from .. import grads_fast, style
from ..forward_pass import ForwardCache
from ..lessons.jacobians import hidden_step_jacobian
from ..params import Params
from ..plots.svg import INK, MUTED, SMALL, TEXT, WIDTH, Box, Svg, nice_ticks, step_ticks
from ..plots.svg_graph import draw_graph
from ..validate import check_params
from . import StepsOverT, check_int, check_sequence_cache, check_view
from .frames import Frame, FrameStepper


def _check(params: Params, cache) -> ForwardCache:
    check_params(params)
    check_sequence_cache(cache)
    if cache.x.shape[-1] != params.d_model or cache.h.shape[-1] != params.n_hidden:
        raise ValueError("cache does not match params (different d_model or n_hidden)")
    return cache


def backward_step_view(params: Params, cache: ForwardCache, t: int) -> dict:
    """What step t of the backward recursion (eqs 4.2-4.3) computes, as a dict.

    Keys: ``t``, ``tau``; ``through_o`` = (DL)_(o^(t)) V; ``through_h`` =
    (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W (zeros at t = τ, where eq 4.2 has no such
    term); ``total`` = their sum, which is row t - 1 of ``grads_fast.dhidden``; all
    three of shape (n_hidden,); ``norm_through_o``, ``norm_through_h``, ``norm_total``
    (floats); ``norms`` = ||(DL)_(h^(s))|| for every s = 1..τ, shape (T,); ``loss_t``,
    the step's loss L^(t). One sequence only (cache from inputs of shape (T,)).
    """
    cache = _check(params, cache)
    tau = cache.T
    t = check_int("t", t, 1, tau)
    do = grads_fast.dlogits(cache)                   # (4.1), all t at once
    dh = grads_fast.dhidden(params, cache, do)       # (4.2)-(4.3)
    through_o = do[t - 1] @ params.V
    if t < tau:
        jac = hidden_step_jacobian(cache.h[t + 1], params.W)   # diag[1 - h(t+1)^2] W, eq 3.7
        through_h = dh[t] @ jac                      # dh[t] is (DL)_h(t+1)
    else:
        through_h = np.zeros_like(through_o)
    total = through_o + through_h
    return {
        "t": t,
        "tau": tau,
        "through_o": through_o,
        "through_h": through_h,
        "total": total,
        "norm_through_o": float(np.linalg.norm(through_o)),
        "norm_through_h": float(np.linalg.norm(through_h)),
        "norm_total": float(np.linalg.norm(total)),
        "norms": np.linalg.norm(dh, axis=1),
        "loss_t": float(cache.losses[t - 1]),
    }


def norm_text(value: float) -> str:
    """A norm as every place of the stepper writes it: 3 significant digits ('0.0539')."""
    return f"{value:.3g}"


def step_text(view: dict) -> str:
    """Plain text for step t: the parts of eq 4.2/4.3 and their norms, one line each."""
    t, tau = view["t"], view["tau"]
    eq = "4.2" if t == tau else "4.3"
    rows = [(f"through o({t}):", f"(DL)_o({t}) V", norm_text(view["norm_through_o"]))]
    if t < tau:
        rows.append((f"through h({t + 1}):", f"(DL)_h({t + 1}) diag[1 - h({t + 1})²] W",
                     norm_text(view["norm_through_h"])))
    else:
        rows.append((f"through h({t + 1}):", "none: h(τ) feeds only o(τ)", "0"))
    rows.append(("sum:", f"(DL)_h({t})", norm_text(view["norm_total"])))
    lines = [f"step t = {t} of the backward pass (τ = {tau}), eq {eq}; L({t}) = {view['loss_t']:.4f}",
             f"  {'part':<16}{'term':<32}{'norm':>8}"]
    lines += [f"  {a:<16}{b:<32}{c:>8}" for a, b, c in rows]
    return "\n".join(lines)


def step_label(view: dict) -> str:
    """The text alternative of step t's picture: what it shows and what to notice."""
    t, tau = view["t"], view["tau"]
    via_h = (f"plus the part through h({t + 1}), norm {norm_text(view['norm_through_h'])}"
             if t < tau else "and nothing through h(τ+1): h(τ) feeds only o(τ)")
    return (f"Backward pass, step t = {t} of τ = {tau}: column {t} of Figure 1, arrows reversed, "
            f"is highlighted. (DL)_h({t}) is the part through o({t}), norm "
            f"{norm_text(view['norm_through_o'])}, {via_h}; their sum has norm "
            f"{norm_text(view['norm_total'])}. The norms of (DL)_h(s) are known for s from τ down "
            f"to t = {t}.")


HEIGHT = 400   # Figure 1 (266) and, under it, the two panels


def step_picture(view: dict, token_labels=None) -> Svg:
    """Figure 1 (backward, column t highlighted) above the two parts of (DL)_h(t) and the progress."""
    check_view(view, ("t", "tau", "norm_through_o", "norm_through_h", "norm_total", "norms"),
               "backward_step_view")
    t, tau = view["t"], view["tau"]
    svg = Svg(WIDTH, HEIGHT, step_label(view))
    top = draw_graph(svg, 0, 0, WIDTH, tau, t, "backward", token_labels) + 22
    _progress(svg, 480, top, view)
    _parts(svg, 0, top, view)
    return svg


def _parts(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """Horizontal bars: the norms of the part through o(t), through h(t+1), and their sum."""
    t, tau = view["t"], view["tau"]
    rows = [(f"via o({t})", view["norm_through_o"], style.BACKWARD, None),
            (f"via h({t + 1})", view["norm_through_h"], style.HIGHLIGHT, "4 2"),
            (f"sum (DL)_h({t})", view["norm_total"], INK, None)]
    top = max(view["norms"].max(), max(v for _, v, _, _ in rows)) or 1.0
    box = Box(svg, x0 + 132, y0 + 12, 200, 70, xlim=(0, top * 1.05))
    box.frame(bottom=False)
    svg.text(box.x, y0 + 96, "sum = via o + via h, as vectors (eq 4.3)", SMALL, fill=MUTED)
    note = "  (t = τ: no h(t+1))" if t == tau else ""
    svg.text(x0, y0, f"the two parts of (DL)_h({t}){note}", TEXT, weight="bold")
    ys = [y0 + 14 + i * 24 for i in range(3)]
    for y, (name, *_) in zip(ys, rows, strict=True):
        svg.text(box.x - 8, y + 9, name, SMALL, "end")
    for y, (_, value, colour, dash) in zip(ys, rows, strict=True):
        svg.rect(box.x, y, box.X(value) - box.x, 18, fill=colour, stroke=INK if dash else None,
                 stroke_width=1 if dash else None, dash=dash)
    for i, (y, (_, value, _, _)) in enumerate(zip(ys, rows, strict=True)):
        svg.text(box.X(value) + 6, y + 9, "0 (no such term)" if value == 0 and i == 1
                 else norm_text(value), SMALL, mono=True)


def _progress(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """‖(DL)_h(s)‖ for s = τ down to t (computed so far); s < t still to come. The axes first
    (every frame shares them), then what step t has computed."""
    t, tau, norms = view["t"], view["tau"], np.asarray(view["norms"])
    box = Box(svg, x0 + 52, y0 + 14, WIDTH - x0 - 70, 56, xlim=(0.5, tau + 0.5),
              ylim=(0, norms.max() * 1.2 or 1.0))
    if t > 1:
        svg.rect(box.X(0.5), box.y, box.X(t - 0.5) - box.X(0.5), box.h, fill="#efefef")
    box.frame()
    box.xticks(step_ticks(tau))
    box.yticks(nice_ticks(0, box.ylim[1], 3))
    so_far = f"t = τ = {tau}, the first step" if t == tau else f"τ = {tau} down to t = {t}"
    # the axis is named in the title (a rotated name would be taller than the plot)
    svg.text(x0, y0, f"‖(DL)_h(t)‖ so far: {so_far}", TEXT, weight="bold")
    if t > 1:
        svg.text((box.X(0.5) + box.X(t - 0.5)) / 2, box.y + box.h / 2, "still to come", SMALL,
                 "middle", MUTED)
    points = [(box.X(s), box.Y(norms[s - 1])) for s in range(t, tau + 1)]
    svg.polyline(points, style.BACKWARD, 2, dash="5 3", marker="o", marker_size=7)
    svg.circle(box.X(t), box.Y(norms[t - 1]), 8, "none", stroke=INK, width=1.5)


class BackwardStepper(StepsOverT):
    """A Play button and a slider over the backward pass, t = τ down to 1 (frames switched in the browser).

    ``BackwardStepper(params, cache, token_labels=None)``; display it as the last line of
    a cell. The slider runs t = 1..τ left to right (the figure's t axis) and starts at t = τ;
    the Play button runs the backward pass in its own order, t = τ, τ-1, ..., 1.
    ``stepper.show(t)`` jumps to step t from code.
    """

    def __init__(self, params: Params, cache: ForwardCache, token_labels=None, interval: int = 1500):
        _check(params, cache)
        tau = self.tau = cache.T
        self.views = {t: backward_step_view(params, cache, t) for t in range(1, tau + 1)}
        if token_labels is not None and len(token_labels) != tau:
            raise ValueError(f"token_labels must hold tau={tau} strings, got {len(token_labels)}")
        self.token_labels = token_labels
        # the slider runs t = 1..τ left to right, as the figure's t axis; the stepper starts at
        # t = τ (the backward pass's first step) and Play walks t = τ down to 1
        frames = [Frame(step_text(self.views[t]), step_picture(self.views[t], token_labels), str(t))
                  for t in range(1, tau + 1)]
        self.player = FrameStepper(
            frames, [str(t) for t in range(1, tau + 1)], start=tau - 1, description="step t",
            name="the backward pass, t = τ down to 1", interval=interval, reverse_play=True,
            fallback=f"Backward stepper: t = {tau} down to 1 of the backward pass "
                     "(run the cell to step through it).")
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget
        self.frames = dict(zip(range(1, tau + 1), self.player.frames, strict=True))

