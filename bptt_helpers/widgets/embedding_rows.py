"""A stepper that lights up the rows of dL/dE as the tokens of a sequence are read (§3.8, eq 4.9).

Step t adds the term e_(i_t)^T [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U of eq (3.21): one row,
the row of the token read at step t. A token read twice lights up twice, and its row
holds the *sum*. The logic is :func:`embedding_rows_view` (plain numpy, tested in pytest);
:class:`EmbeddingRowsStepper` only wires Play / slider / Prev / Next to a picture.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..forward_pass import ForwardCache
from ..lessons.embedding_views import dE_contributions
from ..params import Params
from ..plots import canvas
from ..plots.canvas import png_bytes


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def embedding_rows_view(params: Params, cache: ForwardCache, dh, labels, step: int) -> dict:
    """What the stepper shows after the first ``step`` tokens (0 <= step <= τ) have been read.

    params, cache: one sequence (inputs of shape (τ,)); dh: (DL)_(h^(t)), shape (τ, n_hidden);
    labels: a name per vocabulary row (e.g. ``vocab.chars``). Returns a dict with

    - ``running``: (vocab, d_model), the sum of the first ``step`` terms of eq (3.21);
    - ``token``, ``label``: the token read at step t = ``step`` (None at step 0);
    - ``term``: that step's row (d_model,) (None at step 0);
    - ``times_read``: how often that token has been read up to and including this step;
    - ``rows``: the vocabulary rows the sequence reads (first appearance order), ``row_labels``;
    - ``counts``: for each shown row, how many of the first ``step`` tokens were that token;
    - ``vmax``: one colour scale for all steps; ``complete``: True when step == τ
      (then ``running`` equals the package's dE); ``caption``: one line of text.
    """
    if not isinstance(cache, ForwardCache) or cache.batched:
        raise ValueError("cache must be the ForwardCache of ONE sequence (inputs of shape (T,))")
    T = cache.T
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
        raise TypeError(f"step must be an integer in [0, {T}], got {step!r}")
    if not 0 <= step <= T:
        raise ValueError(f"step must lie in [0, {T}] (τ = {T}), got {step}")
    labels = list(labels)
    if len(labels) != params.vocab_size:
        raise ValueError(f"labels must name all {params.vocab_size} vocabulary rows, got {len(labels)}")
    terms = dE_contributions(params, cache, dh)  # (T, vocab, d_model)
    partial = np.cumsum(terms, axis=0)
    running = partial[step - 1] if step else np.zeros_like(params.E)
    inputs = [int(i) for i in cache.inputs]
    rows = list(dict.fromkeys(inputs))
    read = inputs[:step]
    counts = [read.count(r) for r in rows]
    vmax = float(np.max(np.abs(partial))) or 1.0
    if step == 0:
        token = label = term = None
        times = 0
        caption = f"t = 0 of {T}: nothing read yet, dL/dE is all zeros."
    else:
        token = inputs[step - 1]
        label = labels[token]
        term = terms[step - 1, token]
        times = read.count(token)
        what = ("its row gets its first term" if times == 1
                else f"its row already has {times - 1} term{'s' if times > 2 else ''}: "
                     "this one is ADDED")
        caption = f"t = {step} of {T}: reads {label!r} for the {_ordinal(times)} time, {what}."
        if step == T:
            caption += " All τ terms added: this is dL/dE (eq 4.9)."
    untouched = params.vocab_size - len(rows)
    return {"step": step, "T": T, "running": running, "token": token, "label": label,
            "term": term, "times_read": times, "rows": rows,
            "row_labels": [labels[r] for r in rows], "counts": counts, "vmax": vmax,
            "complete": step == T, "caption": caption, "untouched_rows": untouched,
            "text": [labels[i] for i in inputs]}


def draw_embedding_rows(view: dict):
    """The picture for one view: the sequence on top (current token highlighted),
    below it the running dL/dE restricted to the rows the sequence reads. Returns the figure."""
    from matplotlib.patches import Rectangle

    from ..plots.embedding import _label, draw_dE_rows

    n_rows, T = len(view["rows"]), view["T"]
    fig, (top, ax) = canvas.subplots(
        2, 1, figsize=(8.5, 1.9 + 0.42 * n_rows),
        gridspec_kw={"height_ratios": [1.1, 0.42 * n_rows], "hspace": 0.08})
    top.set_xlim(-0.5, T - 0.5)
    top.set_ylim(-0.55, 0.55)
    top.axis("off")
    for t, char in enumerate(view["text"]):
        current = t == view["step"] - 1
        done = t < view["step"]
        colour = style.HIGHLIGHT if current else ("#e6e6e6" if done else "white")
        top.add_patch(Rectangle((t - 0.45, -0.45), 0.9, 0.9, facecolor=colour,
                                edgecolor=style.NEUTRAL))
        top.text(t, 0, _label(char), ha="center", va="center", fontsize=style.FONT_SIZE + 2,
                 family="monospace", color="black" if done else style.NEUTRAL)
    draw_dE_rows(ax, view["running"], view["rows"], view["row_labels"],
                 highlight_row=view["token"], vmax=view["vmax"])
    ax.set_xlabel(f"running dL/dE (the other {view['untouched_rows']} rows stay 0)")
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(n_rows), [f"{n} term{'s' if n != 1 else ''}" for n in view["counts"]])
    right.tick_params(length=0)
    return fig


def figure_png(fig) -> bytes:
    """The figure as stable PNG bytes, as the Image widget shows it."""
    return png_bytes(fig, dpi=90)


class EmbeddingRowsStepper:
    """Play + slider + Prev/Next over t = 0..τ; shows :func:`draw_embedding_rows` of each step.

    ``EmbeddingRowsStepper(params, cache, dh, vocab.chars).widget`` is the box to display.
    Pictures are rendered once per step and cached.
    """

    def __init__(self, params: Params, cache: ForwardCache, dh, labels, step: int = 0):
        import ipywidgets as w

        self._view = lambda t: embedding_rows_view(params, cache, dh, labels, t)
        self._view(step)  # validate the arguments now
        self._png: dict[int, bytes] = {}
        T = cache.T
        self.play = w.Play(value=step, min=0, max=T, step=1, interval=900, description="play")
        self.slider = w.IntSlider(value=step, min=0, max=T, description="t", continuous_update=True)
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.prev = w.Button(description="◀ Prev", layout=w.Layout(width="90px"))
        self.next = w.Button(description="Next ▶", layout=w.Layout(width="90px"))
        self.caption = w.HTML()
        self.image = w.Image(format="png")
        self.prev.on_click(lambda _: self.show(max(self.slider.value - 1, 0)))
        self.next.on_click(lambda _: self.show(min(self.slider.value + 1, T)))
        self.slider.observe(lambda change: self._update(change["new"]), names="value")
        self.widget = w.VBox([w.HBox([self.play, self.prev, self.next, self.slider]),
                              self.caption, self.image])
        self._update(step)

    def show(self, step: int) -> None:
        """Go to ``step`` (also moves the slider)."""
        self.slider.value = step

    def _update(self, step: int) -> None:
        view = self._view(step)
        if step not in self._png:
            self._png[step] = figure_png(draw_embedding_rows(view))
        self.caption.value = f"<b>{view['caption']}</b>"
        self.image.value = self._png[step]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
