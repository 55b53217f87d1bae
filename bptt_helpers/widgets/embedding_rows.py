"""A stepper that lights up the rows of dL/dE as the tokens of a sequence are read (§3.8, eq 4.9).

Step t adds the term e_(i_t)^T [(DL)_(h^(t)) ⊙ (1 - (h^(t))^2)] U of eq (3.21): one row,
the row of the token read at step t. A token read twice lights up twice, and its row
holds the *sum*. The logic is :func:`embedding_rows_view` (plain numpy, tested in pytest);
:func:`readout` writes a view out (monospace text), :func:`step_label` says what its
picture shows and :func:`step_picture` draws it (SVG). :class:`EmbeddingRowsStepper`
makes every step's frame up front and switches them in the browser
(:mod:`bptt_helpers.widgets.frames`): a step costs the kernel nothing, and text and
picture change together.
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..forward_pass import ForwardCache
from ..lessons.embedding_views import dE_contributions
from ..params import Params
from ..plots.svg import INK, MUTED, SMALL, TEXT, TITLE, WIDTH, Svg
from ..plots.svg_sums import UNREAD, colour_bar, heatmap
from . import check_int, check_view
from .frames import Frame, FrameStepper

N_SHOWN = 6          # entries of a row written out in the readout (lines fit a projector)


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
    step = check_int("step", step, 0, T)
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


def _label(char: str) -> str:
    """A printable label for one character ('␣' for a space, '⏎' for a newline)."""
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(char, char)


def _vec(v) -> str:
    """The first few entries of a row, signed: '[+0.0120 -0.0340 … (24)]'."""
    v = np.asarray(v)
    head = " ".join(f"{value:+.4f}" for value in v[:N_SHOWN])
    return f"[{head} … ({v.size})]" if v.size > N_SHOWN else f"[{head}]"


def _check_view(view) -> dict:
    keys = ("step", "T", "running", "token", "label", "term", "times_read", "rows", "row_labels",
            "counts", "vmax", "complete", "caption", "untouched_rows", "text")
    return check_view(view, keys, "embedding_rows_view")


def readout(view: dict) -> str:
    """The text of a view: its caption, then the term added and the row it went into."""
    view = _check_view(view)
    if view["step"] == 0:
        shape = "×".join(str(s) for s in np.shape(view["running"]))
        return view["caption"] + f"\n  running dL/dE ({shape}): every entry 0"
    row = np.asarray(view["running"])[view["token"]]
    name = repr(view["label"])
    # the caption, on short lines: a readout line must fit a projector (~85 characters)
    caption = (view["caption"].replace(" time, ", " time,\n  ", 1)
               .replace(" All τ terms added", "\n  All τ terms added"))
    times = view["times_read"]
    term_name = f"term of t = {view['step']}"
    row_name = f"row {name} ({times} term{'s' if times != 1 else ''})"
    w = max(len(term_name), len(row_name))
    return "\n".join([caption,
                      f"  {term_name:<{w}}  {_vec(view['term'])}",
                      f"  {row_name:<{w}}  {_vec(row)}"])


def step_label(view: dict) -> str:
    """The text alternative of a view's picture: what it shows and what to notice."""
    view = _check_view(view)
    step, T, n_rows = view["step"], view["T"], len(view["rows"])
    text = "".join(view["text"])
    head = (f"The sequence {text!r} as {T} boxes, the tokens read so far shaded; below, the "
            f"running dL/dE for the {n_rows} rows the sequence reads (red positive, blue negative, "
            f"+ and − written in the cells); the other {view['untouched_rows']} rows stay 0. ")
    if step == 0:
        return head + "Step 0: nothing read yet, every row is 0."
    times = view["times_read"]
    out = (head + f"Step {step}: box {step} ({view['label']!r}) is highlighted; its term, one row, "
           f"is added to row {view['label']!r}, outlined, which now holds {times} "
           f"term{'s' if times != 1 else ''}.")
    if view["complete"]:
        out += " All τ terms are added: this is dL/dE (eq 4.9)."
    return out


def step_picture(view: dict) -> Svg:
    """The sequence (the token of step t highlighted), the term of step t, and the running
    dL/dE restricted to the rows the sequence reads (the row of step t outlined), as SVG."""
    view = _check_view(view)
    step, T, vmax = view["step"], view["T"], view["vmax"]
    rows, counts = view["rows"], view["counts"]
    running = np.asarray(view["running"])
    d = running.shape[1]
    n_rows = len(rows)
    rh = min(26.0, 220.0 / n_rows)
    heat_y = 196.0
    height = heat_y + max(n_rows * rh, 110.0) + 34     # 110: room for the colour bar
    svg = Svg(WIDTH, height, step_label(view))
    x0, seq_y = 176.0, 54.0
    pitch = min(44.0, (WIDTH - x0 - 20) / T)
    side = pitch - 4
    size = min(18.0, max(side * 0.6, SMALL))
    cw = min(56.0, 440.0 / d)
    hw = cw * d
    term_y, term_h = 124.0, 28.0

    # every frame alike: the boxes as still to come, the tokens, their numbers, the row labels
    for k in range(T):
        svg.rect(x0 + k * pitch, seq_y, side, 32, fill="white", stroke=UNREAD, stroke_width=1, rx=3,
                 dash="3 2")
    svg.text(x0 - 12, seq_y + 16, "tokens read", TEXT, "end", INK)
    svg.text(x0, heat_y - 18, f"running dL/dE, the {n_rows} rows this sequence reads "
             f"(the other {view['untouched_rows']} rows stay 0)", SMALL, "start", INK)
    svg.text(x0 + hw / 2, heat_y + n_rows * rh + 16, f"d_model columns ({d})", SMALL, "middle", MUTED)
    colour_bar(svg, WIDTH - 100, heat_y, max(n_rows * rh, 110.0), vmax)
    label_size = max(min(16.0, rh * 0.62), 9.0)
    every = max(1, int(np.ceil(16.0 / rh)))            # thin the labels of many rows
    for i, label in enumerate(view["row_labels"]):
        if i % every == 0:
            svg.text(x0 - 12, heat_y + (i + 0.5) * rh, repr(_label(label)), label_size, "end", INK,
                     mono=True)
    # this step: the tokens read so far, the one read now, its term, the rows
    what = ("t = 0, nothing read yet" if step == 0 else f"step t = {step} of τ = {T}"
            + (": all terms added" if view["complete"] else ""))
    svg.text(12, 14, f"dL/dE, one term per token read (eq 3.21): {what}", TITLE, weight="bold")
    for k in range(step):
        current = k + 1 == step
        svg.rect(x0 + k * pitch, seq_y, side, 32, fill=style.HIGHLIGHT if current else "#e6e6e6",
                 stroke=INK if current else MUTED, stroke_width=2.5 if current else 1, rx=3)
    if step:
        svg.text(x0 + (step - 1) * pitch + side / 2, seq_y - 14, f"▼ t = {step}", SMALL, "middle",
                 INK, weight="bold")
    for k, char in enumerate(view["text"]):            # (drawn over the boxes)
        svg.text(x0 + k * pitch + side / 2, seq_y + 16, _label(char), size, "middle", INK, mono=True)
    for k in range(T):
        s = k + 1
        if pitch >= 22 or s in (1, T, step):
            svg.text(x0 + k * pitch + side / 2, seq_y + 44, str(s), SMALL, "middle",
                     INK if s <= step else MUTED)
    if step:
        svg.text(x0 - 12, term_y + term_h / 2, f"term of t = {step}", TEXT, "end", INK, weight="bold")
        heatmap(svg, x0, term_y, hw, term_h, np.asarray(view["term"])[None, :], vmax,
                outline=style.HIGHLIGHT, outline_width=2.5)
        svg.text(x0 + hw + 12, term_y + term_h / 2, f"is added to row {_label(view['label'])!r} ▼",
                 TEXT, "start", INK)
    else:
        svg.text(x0 - 12, term_y + term_h / 2, "term", TEXT, "end", MUTED)
        svg.rect(x0, term_y, hw, term_h, fill="white", stroke=UNREAD, stroke_width=1, dash="3 2")
        svg.text(x0 + hw / 2, term_y + term_h / 2, "no term yet: nothing read", SMALL, "middle", MUTED)
    heatmap(svg, x0, heat_y, hw, n_rows * rh, running[rows], vmax)
    for i, (row, count) in enumerate(zip(rows, counts, strict=True)):
        current = row == view["token"]
        if i % every and not current:
            continue
        terms = f"{count} term{'s' if count != 1 else ''}"
        if current:
            terms += "  ◀ +1 added" if view["times_read"] > 1 else "  ◀ its first"
        svg.text(x0 + hw + 12, heat_y + (i + 0.5) * rh, terms, label_size, "start",
                 INK if count else MUTED, weight="bold" if current else None)
    if view["token"] is not None:
        k = rows.index(view["token"])
        svg.rect(x0 - 2, heat_y + k * rh - 2, hw + 4, rh + 4, stroke=style.HIGHLIGHT, stroke_width=3.5)
    return svg


class EmbeddingRowsStepper:
    """Play + slider over t = 0..τ (frames switched in the browser): the rows of dL/dE fill up.

    ``EmbeddingRowsStepper(params, cache, dh, vocab.chars, step=0)``; display it (or its
    ``.widget``) as the last line of a cell. Every step's readout (:func:`readout`) and
    picture (:func:`step_picture`) are made up front; the slider (arrow keys) and Play
    switch between them with no kernel. ``stepper.show(t)`` moves to step t from code and
    returns its view.
    """

    def __init__(self, params: Params, cache: ForwardCache, dh, labels, step: int = 0,
                 interval: int = 900):
        self._view = lambda t: embedding_rows_view(params, cache, dh, labels, t)
        self._view(step)  # validate the arguments now
        self.T = T = cache.T
        self.views = [self._view(t) for t in range(T + 1)]
        frames = [Frame(readout(v), step_picture(v), str(t)) for t, v in enumerate(self.views)]
        self.player = FrameStepper(
            frames, [str(t) for t in range(T + 1)], start=int(step), description="t",
            name="the tokens read, t = 0 to τ", interval=interval,
            fallback=f"Embedding-rows stepper: the rows of dL/dE fill up as the τ = {T} tokens are "
                     "read (run the cell to step).")
        self.slider, self.play = self.player.slider, self.player.play
        self.widget = self.player.widget   # its text fallback is the player's friendly line
        self.frames = self.player.frames

    @property
    def step(self) -> int:
        """The step on show."""
        return self.player.index

    def view(self, step: int) -> dict:
        return self._view(step)

    def show(self, step: int) -> dict:
        """Go to ``step`` (the slider, the Play button and the picture follow); return its view."""
        view = self._view(step)          # raises a clear error for a bad step
        self.player.go(int(step))
        return view

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
