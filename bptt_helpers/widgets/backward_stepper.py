"""The backward stepper of notebook 04: (DL)_(h^(t)) from t = τ down to 1, one step at a time.

Eqs 4.2-4.3 (= 3.5, 3.8) split (DL)_(h^(t)) into two parts:

- through o^(t):    (DL)_(o^(t)) V                                   (both equations)
- through h^(t+1):  (DL)_(h^(t+1)) diag[1 - (h^(t+1))^2] W           (eq 4.3, t < τ only)

:func:`backward_step_view` computes both for one t (a plain function, tested in
``tests/test_widget_backward.py``); :func:`step_figure` draws them; the
:class:`BackwardStepper` widget only wires a Play button, a slider and Prev/Next
buttons to those two functions.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import grads_fast, style
from ..forward_pass import ForwardCache
from ..lessons.jacobians import hidden_step_jacobian
from ..params import Params
from ..plots import canvas
from ..plots.canvas import png_bytes
from ..validate import check_params
from . import check_sequence_cache


def _check(params: Params, cache) -> ForwardCache:
    check_params(params)
    check_sequence_cache(cache)
    if cache.x.shape[-1] != params.d_model or cache.h.shape[-1] != params.n_hidden:
        raise ValueError("cache does not match params (different d_model or n_hidden)")
    return cache


def _check_t(t, tau: int) -> int:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
        raise TypeError(f"t must be an integer timestep in [1, {tau}], got {t!r}")
    if not 1 <= t <= tau:
        raise ValueError(f"t must lie in [1, tau={tau}], got {t}")
    return int(t)


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
    t = _check_t(t, tau)
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


def step_figure(view: dict, token_labels=None):
    """The figure for one step: Figure 1 (backward, column t highlighted) above two panels.

    Left panel: the norms of the two parts and their sum; right panel: ||(DL)_h(s)||
    for the steps already computed. Returns the Figure.
    """
    from ..plots.graph import draw_unrolled_graph
    from ..plots.hidden import plot_backward_progress, plot_step_contributions

    width, panel_height = 13.0, 4.0  # inches
    with mpl.rc_context(style.RC_PARAMS):
        fig = canvas.figure((width, 10.0))
        graph = fig.add_axes([0, 0, 1, 1])
        draw_unrolled_graph(view["tau"], ax=graph, highlight=view["t"], show="backward",
                            token_labels=token_labels)
        # The graph keeps its aspect ratio: lay the figure out in inches around it.
        (x0, x1), (y0, y1) = graph.get_xlim(), graph.get_ylim()
        graph_width = width - 0.6
        graph_height = graph_width * abs(y1 - y0) / abs(x1 - x0)
        gap, bottom, top = 0.9, 0.9, 0.5
        height = bottom + panel_height + gap + graph_height + top
        fig.set_size_inches(width, height)
        graph.set_position([0.3 / width, (bottom + panel_height + gap) / height,
                            graph_width / width, graph_height / height])
        panel_width = (width - 2.6) / 2
        left_ax = fig.add_axes([1.0 / width, bottom / height, panel_width / width, panel_height / height])
        right_ax = fig.add_axes([(1.9 + panel_width) / width, bottom / height,
                                 panel_width / width, panel_height / height])
        plot_step_contributions(view, ax=left_ax)
        plot_backward_progress(view["norms"], view["t"], ax=right_ax)
    return fig


def figure_png(fig) -> bytes:
    """The figure as stable PNG bytes, as the Image widget shows it."""
    return png_bytes(fig, dpi=72)


class BackwardStepper:
    """Play / slider / Prev-Next controls over :func:`backward_step_view`, from t = τ down to 1.

    ``BackwardStepper(params, cache, token_labels=None)``; display it as the last line of
    a cell. ``stepper.show(t)`` jumps to step t. The Play button runs the backward pass
    in its own order, t = τ, τ-1, ..., 1.
    """

    def __init__(self, params: Params, cache: ForwardCache, token_labels=None, interval: int = 1500):
        import ipywidgets as w

        _check(params, cache)
        self.tau = cache.T
        self.views = {t: backward_step_view(params, cache, t) for t in range(1, self.tau + 1)}
        self.token_labels = token_labels
        tau = self.tau
        # The Play widget only counts upwards, so it counts -τ..-1 and t = -value.
        self.play = w.Play(min=-tau, max=-1, value=-tau, step=1, interval=interval,
                           description="play", layout=w.Layout(width="auto"))
        self.slider = w.IntSlider(min=1, max=tau, value=tau, description="t",
                                  continuous_update=False, layout=w.Layout(width="360px"))
        self.next_button = w.Button(description="next: t-1", tooltip="one step further back")
        self.prev_button = w.Button(description="back: t+1", tooltip="undo one step")
        self.text = w.HTML()
        self.image = w.Image(format="png")
        self.play.observe(lambda change: self.show(-change["new"]), names="value")
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        self.next_button.on_click(lambda _: self.show(max(1, self.t - 1)))
        self.prev_button.on_click(lambda _: self.show(min(tau, self.t + 1)))
        controls = w.HBox([self.play, self.prev_button, self.next_button, self.slider])
        self.widget = w.VBox([controls, self.text, self.image])
        self.t = None
        self.show(tau)

    def show(self, t: int) -> dict:
        """Move to step t: update the controls, the text and the picture; return the view."""
        t = _check_t(t, self.tau)
        if t == self.t:
            return self.views[t]
        self.t = t
        self.slider.value = t
        self.play.value = -t
        view = self.views[t]
        self.text.value = f"<pre style='font-size:14px; line-height:1.35'>{step_text(view)}</pre>"
        self.image.value = figure_png(step_figure(view, self.token_labels))
        return view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
