"""Notebook 13's memory heatmap: the text itself, each character coloured by ‖∂L(t)/∂x(s)‖.

For a predicted character (step t of a passage) every earlier input character s gets the size of
the gradient of that prediction's loss L(t) with respect to its input vector x(s), relative to the
largest of them, on a log scale in half-decades (:data:`LEVELS` levels and "below"). The tanh RNN
and the LSTM are shown one above the other. Colour is never the only cue: under every character
a bar's height gives the same level, and the readout gives the numbers.

- :func:`memory_view` (a plain function, tested): the numbers of step t for each model;
- :func:`memory_text`, :func:`memory_label`: the readout and the picture's text alternative;
- :func:`memory_picture`: the SVG (compact: one path per colour, the text as one element a row);
- :class:`MemoryStepper`: every chosen t drawn once, switched in the browser (no kernel).
"""

from __future__ import annotations

import html

import numpy as np

from ..lessons.lstm_memory import memory_row, reach
from ..plots.svg import INK, MONO, MUTED, SMALL, TEXT, Svg
from . import check_int
from .frames import Frame, FrameStepper
from .lstm_backward import Compact

# Steps of 3/4 of a decade of ‖∂L(t)/∂x(s)‖ / max_s: level 0 is within 10^-0.75 of the largest,
# level 7 down to 10^-6; below that, no colour. Every colour gives the text (#222) a contrast of
# 5.5:1 or more.
COLOURS = ("#fb694a", "#fc7f5f", "#fc9373", "#fca78b", "#fcbca2", "#fdcebb", "#fee1d3", "#ffebe2")
LEVELS = len(COLOURS)
STEP_DECADES = 0.75
NEWLINE = "↵"
CHAR_W, ROW_H, BAR_H = 11.0, 22.0, 16.0
KEY_W = 108   # one level of the key: swatch, bar and label (SMALL text)


def levels(norms) -> np.ndarray:
    """0 .. LEVELS-1 for the step of 3/4 decade of each norm below the largest, LEVELS below 10^-6."""
    norms = np.asarray(norms, dtype=np.float64)
    rel = norms / norms.max()
    with np.errstate(divide="ignore"):
        down = -np.log10(rel)
    return np.minimum(np.floor(down / STEP_DECADES), LEVELS).astype(int)


def shown(ch: str) -> str:
    return NEWLINE if ch == "\n" else ch


def memory_view(models: dict, passage: str, vocab, t: int) -> dict:
    """Step t of ``passage``: the prediction of character t (0-based ``passage[t]``) from the t before.

    models: {label: params} (a :class:`bptt_helpers.Params` or :class:`LSTMParams`, run from zero
    states at the passage's start). Returns ``{"t", "passage", "target", "rows"}``; each row:
    ``label``, ``norms`` (t,) = ‖∂L(t)/∂x(s)‖, ``levels`` (t,), ``reach2`` and ``reach3`` (how
    many characters back the gradient stays above 1/100 and 1/1000 of its largest), ``p_target``
    (the probability the model gave the character that comes).
    """
    ids = vocab.encode(passage)
    t = check_int("t", t, 1, len(passage) - 1)
    rows = []
    for label, params in models.items():
        norms = memory_row(params, ids, t)
        from ..lstm.train import model_of

        cache = model_of(params).forward(params, ids[:t], ids[1:t + 1])
        rows.append({"label": label, "norms": norms, "levels": levels(norms),
                     # a widget's readout is not compared across machines (nbval-ignore-output):
                     # counted without the margin that the notebook's printed table keeps
                     "reach2": reach(norms, 1e-2, margin=0.0), "reach3": reach(norms, 1e-3, margin=0.0),
                     "p_target": float(cache.y_hat[t - 1, ids[t]])})
    return {"t": t, "passage": passage, "target": passage[t], "rows": rows}


def memory_text(view: dict) -> str:
    """The readout: what is predicted, and per model how far back its gradient reaches."""
    t, passage = view["t"], view["passage"]
    before = passage[max(0, t - 24):t].replace("\n", NEWLINE)
    lines = [f"step t = {t} of {len(passage) - 1}: after …{before!r}, the next character is "
             f"{shown(view['target'])!r}"]
    for row in view["rows"]:
        lines.append(f"  {row['label']:<9} p(next) = {row['p_target']:.2f}; gradient ≥ 1/100 of its largest "
                     f"for the last {row['reach2']:>2} characters, ≥ 1/1000 for {row['reach3']:>2}")
    return "\n".join(lines)


def memory_label(view: dict) -> str:
    """The picture's text alternative."""
    parts = [f"Heatmap of the passage for predicting character t = {view['t']}, {shown(view['target'])!r}: "
             "each earlier character shaded, and barred, by its gradient"]
    for row in view["rows"]:
        parts.append(f"{row['label']}: above 1/100 of the largest for the last {row['reach2']} characters, "
                     f"above 1/1000 for {row['reach3']}")
    return "; ".join(parts) + "."


def _row(svg: Svg, out, x0: int, y: int, view: dict, row: dict) -> None:
    """One model: its label, the shaded characters (one rect per run of a level), the bars under
    them (one path), the text (one element, each character placed by the x list), the outline."""
    passage, t = view["passage"], view["t"]
    lv = list(row["levels"])
    w, rh, bh = int(CHAR_W), int(ROW_H), int(BAR_H)
    out.text(x0 - 8, y + rh / 2, row["label"], TEXT, "end", INK, bold=True)
    runs, start = {k: [] for k in range(LEVELS)}, 0
    for s in range(1, t + 1):
        if s == t or lv[s] != lv[start]:
            if lv[start] < LEVELS:
                runs[lv[start]].append(f"M{x0 + start * w} {y}h{(s - start) * w}v{rh}h-{(s - start) * w}z")
            start = s
    for k, d in runs.items():
        if d:
            svg.add("path", d="".join(d), fill=COLOURS[k])
    base = y + rh + 2 + bh
    heights = [(bh * (LEVELS - k)) // LEVELS for k in lv]   # whole pixels: level 0 full, below: none
    # one stroke per bar, w - 2 wide, drawn up from the base line: "m<dx> <dy>v-<height>"
    d, prev, dx = f"M{x0 + w // 2} {base}", 0, 0
    for hgt in heights:
        if hgt:
            d += f"m{dx} {prev}v-{hgt}"
            prev, dx = hgt, w
        else:
            dx += w
    svg.add("path", d=d, stroke=MUTED, stroke_width=w - 2)
    text = html.escape("".join(shown(ch) for ch in passage).replace(" ", "\u00a0"), quote=False)
    svg.add("text", text, x=x0, y=y + rh // 2 + 1, textLength=len(passage) * w, lengthAdjust="spacing",
            font_family=MONO, font_size=SMALL, fill=INK)
    svg.rect(x0 + t * w - 1, y - 2, w + 2, rh + 4, fill="none", stroke=INK, stroke_width=2)


def memory_picture(view: dict) -> Svg:
    """Both models' rows, a marker over the predicted character, and the key."""
    passage, t = view["passage"], view["t"]
    x0, top = 100, 50
    width = x0 + len(passage) * CHAR_W + 12
    gap = int(ROW_H + BAR_H + 22)
    svg = Svg(width, top + gap * len(view["rows"]) + 56, memory_label(view))
    out = Compact()
    out.text(0, 12, f"t = {t}: ‖∂L(t)/∂x(s)‖ for the prediction of {shown(view['target'])!r} "
                    f"(outlined), each s relative to its largest", TEXT, bold=True)
    xt = x0 + (t + 0.5) * CHAR_W
    out.text(xt, 37, "▼ predicted", SMALL, "end" if xt > width - 50 else "middle", INK)
    for k, row in enumerate(view["rows"]):
        _row(svg, out, x0, top + k * gap, view, row)
    # the key: colour and bar height for each level
    ky = top + gap * len(view["rows"]) + 6
    out.text(x0 - 8, ky + 10, "key", SMALL, "end", MUTED)
    swatches = "".join(f"<path fill='{COLOURS[k]}' d='M{x0 + k * KEY_W} {ky}h16v16h-16z'/>"
                       for k in range(LEVELS))
    bars = "".join(f"M{x0 + k * KEY_W + 18} {ky + 16}h6v-{(int(BAR_H) * (LEVELS - k)) // LEVELS}h-6z"
                   for k in range(LEVELS))
    names = ["1"] + [f"10^-{k * STEP_DECADES:g}" for k in range(1, LEVELS)]
    labels = "".join(f"<text x='{x0 + k * KEY_W + 27}' y='{ky + 12}'>{names[k]}</text>"
                     for k in range(LEVELS))
    svg.add("g", swatches, stroke=MUTED, stroke_width=0.6)
    svg.add("path", d=bars, fill=MUTED)
    svg.add("g", f"{labels}<text x='{x0}' y='{ky + 38}'>shade and bar: the gradient over its largest, "
                 "down to that power of ten; none: below 10^-6</text>", font_size=SMALL, fill=MUTED)
    out.write(svg)
    return svg


class MemoryStepper:
    """A Play button and a slider moving t along the passage; every frame made up front.

    ``MemoryStepper(models, passage, vocab, steps)``: steps are the t to show (1 <= t < len(passage)).
    """

    def __init__(self, models: dict, passage: str, vocab, steps, interval: int = 1200):
        steps = [check_int("t", t, 1, len(passage) - 1) for t in steps]
        if not steps:
            raise ValueError("steps must hold at least one t")
        self.views = {t: memory_view(models, passage, vocab, t) for t in steps}
        self.steps = steps
        frames = [Frame(memory_text(self.views[t]), memory_picture(self.views[t]), str(t)) for t in steps]
        self.player = FrameStepper(
            frames, [f"{t} {shown(passage[t])!r}" for t in steps], start=0, description="predict t",
            name="the passage, one predicted character at a time", interval=interval,
            fallback=f"Memory heatmap: {len(steps)} predicted characters of the passage, the tanh RNN "
                     "above the LSTM (run the cell to step through them).")
        self.frames = self.player.frames
        self.widget = self.player.widget

    def show(self, t: int) -> dict:
        """Move to step t (one of the steps); return its view."""
        if t not in self.views:
            raise ValueError(f"t must be one of {self.steps}, got {t!r}")
        self.player.go(self.steps.index(t))
        return self.views[t]

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
