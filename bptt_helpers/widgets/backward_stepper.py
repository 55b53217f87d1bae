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
from ..plots.svg import INK, MUTED, Box, Svg, nice_ticks, step_ticks
from ..plots.svg_graph import draw_graph
from ..validate import check_params
from . import check_int, check_sequence_cache, check_view
from .frames import FrameStepper, frame_html


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


def step_text(view: dict) -> str:
    """Plain text for step t: the parts of eq 4.2/4.3 and their norms, one line each."""
    t, tau = view["t"], view["tau"]
    eq = "4.2" if t == tau else "4.3"
    rows = [(f"through o({t}):", f"(DL)_o({t}) V", f"{view['norm_through_o']:.3e}")]
    if t < tau:
        rows.append((f"through h({t + 1}):", f"(DL)_h({t + 1}) diag[1 - h({t + 1})²] W",
                     f"{view['norm_through_h']:.3e}"))
    else:
        rows.append((f"through h({t + 1}):", "none: h(τ) feeds only o(τ)", "0"))
    rows.append(("sum:", f"(DL)_h({t})", f"{view['norm_total']:.3e}"))
    lines = [f"step t = {t} of the backward pass (τ = {tau}), eq {eq}; L({t}) = {view['loss_t']:.4f}",
             f"  {'part':<18}{'term':<34}{'norm':>10}"]
    lines += [f"  {a:<18}{b:<34}{c:>10}" for a, b, c in rows]
    return "\n".join(lines)


def step_label(view: dict) -> str:
    """The text alternative of step t's picture: what it shows and what to notice."""
    t, tau = view["t"], view["tau"]
    via_h = (f"plus the part through h({t + 1}), norm {view['norm_through_h']:.3g}"
             if t < tau else "and nothing through h(τ+1): h(τ) feeds only o(τ)")
    return (f"Backward pass, step t = {t} of τ = {tau}: column {t} of Figure 1, arrows reversed, "
            f"is highlighted. (DL)_h({t}) is the part through o({t}), norm "
            f"{view['norm_through_o']:.3g}, {via_h}; their sum has norm {view['norm_total']:.3g}. "
            f"The norms of (DL)_h(s) are known for s = {tau} down to {t}.")


def step_picture(view: dict, token_labels=None) -> Svg:
    """Figure 1 (backward, column t highlighted) above the two parts of (DL)_h(t) and the progress."""
    check_view(view, ("t", "tau", "norm_through_o", "norm_through_h", "norm_total", "norms"),
               "backward_step_view")
    t, tau = view["t"], view["tau"]
    svg = Svg(940, 450, step_label(view))
    draw_graph(svg, 0, 0, 940, tau, t, "backward", token_labels)
    _parts(svg, 0, 300, view)
    _progress(svg, 520, 300, view)
    return svg


def _parts(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """Horizontal bars: the norms of the part through o(t), through h(t+1), and their sum."""
    t, tau = view["t"], view["tau"]
    note = "  (t = τ: no h(t+1))" if t == tau else ""
    svg.text(x0, y0 - 14, f"the two parts of (DL)_h({t}){note}", 14, weight="bold")
    rows = [(f"via o({t})", view["norm_through_o"], style.BACKWARD, None),
            (f"via h({t + 1})", view["norm_through_h"], style.HIGHLIGHT, "4 2"),
            (f"sum (DL)_h({t})", view["norm_total"], INK, None)]
    top = max(view["norms"].max(), max(v for _, v, _, _ in rows)) or 1.0
    box = Box(svg, x0 + 120, y0 + 4, 200, 96, xlim=(0, top * 1.05))
    for i, (name, value, colour, dash) in enumerate(rows):
        y = y0 + 10 + i * 30
        svg.text(box.x - 8, y + 10, name, 13, "end")
        svg.rect(box.x, y, box.X(value) - box.x, 20, fill=colour, stroke=INK if dash else None,
                 stroke_width=1 if dash else None, dash=dash)
        svg.text(box.X(value) + 6, y + 10, "0 (no such term)" if value == 0 and i == 1
                 else f"{value:.3g}", 12, mono=True)
    box.frame(bottom=False)
    svg.text(box.x, y0 + 112, "sum = via o + via h, as vectors (eq 4.3)", 11, fill=MUTED)


def _progress(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """‖(DL)_h(s)‖ for s = τ down to t (computed so far); s < t still to come."""
    t, tau, norms = view["t"], view["tau"], np.asarray(view["norms"])
    so_far = f"t = {tau}, the first step" if t == tau else f"t = {tau} down to {t}"
    svg.text(x0, y0 - 14, f"backward pass so far: {so_far}", 14, weight="bold")
    box = Box(svg, x0 + 50, y0 + 4, 340, 96, xlim=(0.5, tau + 0.5), ylim=(0, norms.max() * 1.2 or 1.0))
    if t > 1:
        svg.rect(box.X(0.5), box.y, box.X(t - 0.5) - box.X(0.5), box.h, fill="#efefef")
        svg.text((box.X(0.5) + box.X(t - 0.5)) / 2, box.y + 10, "still to come", 11, "middle", MUTED)
    points = [(box.X(s), box.Y(norms[s - 1])) for s in range(t, tau + 1)]
    svg.polyline(points, style.BACKWARD, 2, dash="5 3")
    for x, y in points:
        svg.circle(x, y, 3.5, style.BACKWARD)
    svg.circle(box.X(t), box.Y(norms[t - 1]), 8, "none", stroke=INK)
    box.frame()
    box.xticks(step_ticks(tau))
    box.xlabel("t")
    box.yticks(nice_ticks(0, box.ylim[1], 4))
    box.ylabel("‖(DL)_h(t)‖", offset=40)


class BackwardStepper:
    """A Play button and a slider over the backward pass, t = τ down to 1 (frames switched in the browser).

    ``BackwardStepper(params, cache, token_labels=None)``; display it as the last line of
    a cell. The slider and the Play button run the backward pass in its own order,
    t = τ, τ-1, ..., 1, with no kernel. ``stepper.show(t)`` jumps to step t from code.
    """

    def __init__(self, params: Params, cache: ForwardCache, token_labels=None, interval: int = 1500):
        _check(params, cache)
        tau = self.tau = cache.T
        self.views = {t: backward_step_view(params, cache, t) for t in range(1, tau + 1)}
        if token_labels is not None and len(token_labels) != tau:
            raise ValueError(f"token_labels must hold tau={tau} strings, got {len(token_labels)}")
        self.token_labels = token_labels
        order = list(range(tau, 0, -1))          # the backward pass's own order
        self.frames = {t: frame_html(step_text(self.views[t]),
                                     step_picture(self.views[t], token_labels).markup(str(t)), str(t))
                       for t in order}
        self.player = FrameStepper(
            [self.frames[t] for t in order], [str(t) for t in order], start=0, description="step t",
            name="the backward pass, t = τ down to 1", interval=interval,
            fallback=f"Backward stepper: t = {tau} down to 1 of the backward pass "
                     "(run the cell to step through it).")
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget

    @property
    def t(self) -> int:
        """The step on show."""
        return self.tau - self.player.index

    def show(self, t: int) -> dict:
        """Move to step t; return its view."""
        t = check_int("t", t, 1, self.tau)
        self.player.go(self.tau - t)
        return self.views[t]

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
