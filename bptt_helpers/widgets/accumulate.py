"""A stepper that builds a shared parameter's gradient one timestep at a time.

A parameter used at every step (c, b, V, W, U) gets the sum of one term per use
(§3.3, eq 3.9; eqs 4.4-4.8). :class:`AccumulateStepper` adds those terms one by
one (Play, slider, Prev/Next) and shows the running total beside ``backward()``'s
gradient until the two agree at t = τ.

The logic is the plain function :func:`accumulate_view` (tested in pytest); the
class only wires controls to it and draws with :mod:`bptt_helpers.plots.sums`.
The picture is an ``ipywidgets.Image`` (a PNG), not an ``Output`` widget, so the
cell prints nothing that nbval would have to compare.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import backward
from ..gradcheck import ROUNDING_TOL, verdict
from ..lessons.contributions import per_step_terms
from ..plots.canvas import png_bytes
from ..plots.sums import draw_accumulating_heatmap, draw_stacked_bars


def accumulate_view(terms, total, t: int) -> dict:
    """What the stepper shows after adding the first ``t`` terms (t = 0..T).

    terms: (T, ...) one term per step; total: (...) the gradient to reach
    (``backward()``'s). Returns a dict with ``t``, ``T``, ``term`` (the term of step t,
    ``None`` at t = 0), ``so_far`` (sum of terms 1..t), ``total``, ``max_abs_diff``
    (max |so_far - total|) and ``done`` (t == T).
    """
    terms = np.asarray(terms, dtype=np.float64)
    total = np.asarray(total, dtype=np.float64)
    if terms.ndim < 1 or terms.shape[0] < 1:
        raise ValueError(f"terms must have shape (T, ...) with T >= 1, got {terms.shape}")
    if total.shape != terms.shape[1:]:
        raise ValueError(f"total must have shape {terms.shape[1:]} (one term's shape), got {total.shape}")
    T = terms.shape[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t <= T:
        raise ValueError(f"t must be an integer in 0..{T}, got {t!r}")
    so_far = terms[:t].sum(axis=0)
    return {
        "t": int(t),
        "T": T,
        "term": terms[t - 1] if t else None,
        "so_far": so_far,
        "total": total,
        "max_abs_diff": float(np.max(np.abs(so_far - total))) if total.size else 0.0,
        "done": t == T,
    }


def readout(view: dict, name: str) -> str:
    """One line of text for a view: which step was added and how far the sum is from backward()."""
    if view["t"] == 0:
        head = f"t = 0 of τ = {view['T']}: nothing added yet"
    else:
        head = f"t = {view['t']} of τ = {view['T']}: added the term of step {view['t']}"
    diff = view["max_abs_diff"]
    if view["done"]:  # only rounding is left, whose digits differ between machines: a verdict
        shown = f"{verdict(diff, ROUNDING_TOL)} (all uses added: only rounding is left)"
    else:
        shown = f"= {diff:.1e}"
    return f"{head}; max |sum so far − backward()'s dL/d{name}| {shown}"


def render(terms, total, t: int, name: str, labels=None, term_label: str | None = None,
           term_caption=None):
    """The matplotlib figure for step t: stacked bars for a vector, heatmaps for a matrix."""
    terms = np.asarray(terms, dtype=np.float64)
    if terms.ndim == 2:
        return draw_stacked_bars(terms, t, total, name=name, labels=labels)
    if terms.ndim == 3:
        return draw_accumulating_heatmap(terms, t, total, name=name, term_label=term_label,
                                         term_caption=term_caption)
    raise ValueError(f"terms must be (T, n) or (T, m, n), got shape {terms.shape}")


def figure_png(fig) -> bytes:
    """The figure as stable PNG bytes, as the Image widget shows it."""
    return png_bytes(fig)


class AccumulateStepper:
    """Play / slider / Prev / Next through t = 0..T, adding one term per step.

    Build it from arrays (``AccumulateStepper(terms, total, "c")``) or from a model
    with :meth:`for_parameter`. Display it as the last expression of a cell.
    """

    def __init__(self, terms, total, name: str, labels=None, term_label: str | None = None,
                 start: int = 1, interval_ms: int = 900, term_caption=None):
        self.terms = np.asarray(terms, dtype=np.float64)
        self.total = np.asarray(total, dtype=np.float64)
        accumulate_view(self.terms, self.total, 0)  # validates shapes
        self.name, self.labels, self.term_label = name, labels, term_label
        self.term_caption = term_caption
        T = self.terms.shape[0]
        start = min(max(int(start), 0), T)
        self.play = widgets.Play(value=start, min=0, max=T, step=1, interval=interval_ms,
                                 description="Play")
        self.slider = widgets.IntSlider(value=start, min=0, max=T, description="t",
                                        continuous_update=True)
        # a kernel-side link: a jslink would add an unreferenced LinkModel to the stored state
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.prev_button = widgets.Button(description="◀ Prev", layout=widgets.Layout(width="90px"))
        self.next_button = widgets.Button(description="Next ▶", layout=widgets.Layout(width="90px"))
        self.prev_button.on_click(lambda _: self.step(-1))
        self.next_button.on_click(lambda _: self.step(+1))
        self.text = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        controls = widgets.HBox([self.play, self.prev_button, self.next_button, self.slider])
        self.widget = widgets.VBox([controls, self.text, self.image])
        self.show(start)

    @classmethod
    def for_parameter(cls, params, cache, name: str, **kwargs) -> AccumulateStepper:
        """A stepper for parameter ``name`` (c, b, V, W, U) of a model and its forward cache.

        For W the term of step t is captioned with the paper's index t - 1 (eq 4.7 counts
        from t = 0: the first use of W reads h^(0)).
        """
        if name == "W":
            kwargs.setdefault("term_caption", lambda t: f"paper's t = {t - 1}: uses h({t - 1})")
        return cls(per_step_terms(params, cache, name), getattr(backward(params, cache), name),
                   name, **kwargs)

    def step(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, 0), self.slider.max)

    def view(self, t: int) -> dict:
        return accumulate_view(self.terms, self.total, t)

    def figure(self, t: int):
        return render(self.terms, self.total, t, self.name, self.labels, self.term_label,
                      self.term_caption)

    def show(self, t: int) -> None:
        """Redraw for step t (called by the slider)."""
        self.text.value = f"<span style='font-size:15px'>{readout(self.view(t), self.name)}</span>"
        self.image.value = figure_png(self.figure(t))

    def save_png(self, t: int, path) -> None:
        """Write the picture of step t to ``path`` (to look at a state outside Jupyter)."""
        with open(path, "wb") as handle:
            handle.write(figure_png(self.figure(t)))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
