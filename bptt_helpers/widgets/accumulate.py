"""A stepper that builds a shared parameter's gradient one timestep at a time.

A parameter used at every step (c, b, V, W, U) gets the sum of one term per use
(§3.3, eq 3.9; eqs 4.4-4.8). :class:`AccumulateStepper` adds those terms one by
one (Play, slider t = 0..τ) and shows the running total beside ``backward()``'s
gradient until the two agree at t = τ.

The logic is the plain function :func:`accumulate_view` (tested in pytest);
:func:`readout` writes a view as one line of text, :func:`step_label` says what its
picture shows and :func:`step_picture` draws it (SVG): stacked bars for a vector
(c, b), three heatmaps for a matrix (V, W, U). The stepper makes every step's frame
up front and switches them in the browser (:mod:`bptt_helpers.widgets.frames`), so a
step costs the kernel nothing and text and picture change together. The matplotlib
versions of the pictures, for static figures, are in :mod:`bptt_helpers.plots.sums`.
"""

from __future__ import annotations

import numpy as np

from .. import backward, style
from ..gradcheck import ROUNDING_TOL, verdict
from ..lessons.contributions import per_step_terms
from ..plots.svg import INK, MUTED, Box, Svg, nice_ticks
from ..plots.svg_sums import colour_bar, heatmap, ring, step_colours, step_strip
from . import check_view
from .frames import FrameStepper, frame_html

WIDTH = 940                 # natural width of the picture (user units = CSS px)
MAX_COLUMNS_WRITTEN = 12    # vectors longer than this get no table of numbers under the bars


def accumulate_view(terms, total, t: int) -> dict:
    """What the stepper shows after adding the first ``t`` terms (t = 0..T).

    terms: (T, ...) one term per step; total: (...) the gradient to reach
    (``backward()``'s). Returns a dict with ``t``, ``T``, ``term`` (the term of step t,
    ``None`` at t = 0), ``so_far`` (sum of terms 1..t), ``total``, ``max_abs_diff``
    (max |so_far - total|), ``done`` (t == T) and ``terms`` (all T terms, which the
    picture needs for its fixed axes and its stacked segments).
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
        "terms": terms,
    }


def _diff_shown(view: dict) -> str:
    diff = view["max_abs_diff"]
    if view["done"]:  # only rounding is left, whose digits differ between machines: a verdict
        return verdict(diff, ROUNDING_TOL)
    return f"= {diff:.1e}"


def readout(view: dict, name: str) -> str:
    """Two short lines for a view: which step was added, and how far the sum is from backward()."""
    if view["t"] == 0:
        head = f"t = 0 of τ = {view['T']}: nothing added yet"
    else:
        head = f"t = {view['t']} of τ = {view['T']}: added the term of step {view['t']}"
    if view["done"]:
        head += " (all uses added: only rounding is left)"
    return f"{head}\n  max |sum so far − backward()'s dL/d{name}| {_diff_shown(view)}"


def _steps_added(t: int, T: int) -> str:
    """'no step added yet', 'step 1 added', 'steps 1..t added' (never 'steps 1..0')."""
    if t == 0:
        return "no step added yet"
    return f"step 1 of τ = {T} added" if t == 1 else f"steps 1..{t} of τ = {T} added"


def _sum_name(t: int) -> str:
    return "sum so far (nothing added: 0)" if t == 0 else ("sum of step 1" if t == 1
                                                            else f"sum of steps 1..{t}")


def step_label(view: dict, name: str, labels=None, term_caption=None) -> str:
    """The text alternative of a view's picture: what it shows and what to notice."""
    t, T, so_far = view["t"], view["T"], np.asarray(view["so_far"])
    ending = ("All τ terms are added: the sum equals backward()'s gradient."
              if view["done"] else f"Largest gap to backward()'s gradient: {view['max_abs_diff']:.1e}.")
    if so_far.ndim == 1:
        names = list(labels) if labels is not None else [str(j) for j in range(so_far.size)]
        head = (f"Stacked bars of dL/d{name}, one bar per component ({', '.join(names)}), "
                f"t = {t} of τ = {T}: ")
        if t == 0:
            return head + "no step added yet, every sum is 0; black bars mark backward()'s " \
                          "gradient. " + ending
        return (head + f"the terms of {_steps_added(t, T)} are stacked (positive parts up, "
                f"negative down, darker = later), the newest, step {t}, outlined. White dots mark "
                f"the sum so far, black bars backward()'s gradient. " + ending)
    m, n = so_far.shape
    if t == 0:
        term = "no term yet"
    else:
        term = (term_caption(t) if term_caption else f"the term of step {t}") + " (outlined)"
    return (f"Three heatmaps of dL/d{name} ({m}×{n}) on one colour scale (red positive, blue "
            f"negative, + and − written in the cells), t = {t} of τ = {T}: {term}, "
            f"the {_sum_name(t)}, and backward()'s gradient. " + ending)


def step_picture(view: dict, name: str, labels=None, term_label: str | None = None,
                 term_caption=None) -> Svg:
    """The picture of a view (SVG): stacked bars for a vector, three heatmaps for a matrix."""
    check_view(view, ("t", "T", "so_far", "total", "terms", "done", "max_abs_diff"), "accumulate_view")
    ndim = np.ndim(view["so_far"])
    if ndim == 1:
        return _bars(view, name, labels)
    if ndim == 2:
        return _heatmaps(view, name, term_label, term_caption)
    raise ValueError(f"terms must be (T, n) or (T, m, n), got shape {np.shape(view['terms'])}")


def _fmt(v: float) -> str:
    """A signed value for the table under the bars; the sign is always written."""
    return f"{v:+.3f}".replace("-", "−")


def _bars(view: dict, name: str, labels) -> Svg:
    """Stacked bars: one segment per added step (newest outlined), the sum so far, backward()."""
    terms, t, T = np.asarray(view["terms"]), view["t"], view["T"]
    n = terms.shape[1]
    labels = [str(j) for j in range(n)] if labels is None else [str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"labels must have {n} entries, got {len(labels)}")
    total, so_far = np.asarray(view["total"]), np.asarray(view["so_far"])
    table = n <= MAX_COLUMNS_WRITTEN
    svg = Svg(WIDTH, 392 if table else 340, step_label(view, name, labels))
    svg.text(12, 16, f"dL/d{name}: {_steps_added(t, T)}", 15, weight="bold")

    pos_all = np.clip(terms, 0, None).sum(axis=0)
    neg_all = np.clip(terms, None, 0).sum(axis=0)
    top = max(float(pos_all.max()), float(total.max()), 0.0)
    bottom = min(float(neg_all.min()), float(total.min()), 0.0)
    pad = 0.08 * max(top - bottom, 1e-12)
    box = Box(svg, 118, 46, 520, 236, xlim=(-0.5, n - 0.5), ylim=(bottom - pad, top + pad))
    ticks = [v for v in nice_ticks(box.ylim[0], box.ylim[1], 5)]
    box.yticks(ticks, [f"{v:g}".replace("-", "−") for v in ticks], grid=True)
    box.ylabel(f"dL/d{name}", offset=72)
    slot = box.w / n
    bar = 0.62 * slot
    colours = step_colours(T)
    up, down = np.zeros(n), np.zeros(n)
    for k in range(t):
        newest = k == t - 1
        for j in range(n):
            v = terms[k, j]
            if v == 0:
                continue
            base = up[j] if v > 0 else down[j]
            y1, y2 = box.Y(base), box.Y(base + v)
            svg.rect(box.X(j) - bar / 2, min(y1, y2), bar, max(abs(y2 - y1), 0.8), fill=colours[k],
                     stroke="white" if not newest else None, stroke_width=0.6 if not newest else None)
            if v > 0:
                up[j] += v
            else:
                down[j] += v
    if t:   # the newest segments, outlined on top of the rest
        for j in range(n):
            v = terms[t - 1, j]
            if v == 0:
                continue
            base = (up[j] - v) if v > 0 else (down[j] - v)
            y1, y2 = box.Y(base), box.Y(base + v)
            svg.rect(box.X(j) - bar / 2 - 1, min(y1, y2) - 1, bar + 2, max(abs(y2 - y1), 0.8) + 2,
                     stroke=style.HIGHLIGHT, stroke_width=3)
    svg.line(box.x, box.Y(0), box.x + box.w, box.Y(0), MUTED, 1.2)
    every = max(1, int(np.ceil(22.0 / slot)))       # thin the labels of a long vector
    for j in range(n):
        x = box.X(j)
        svg.line(x - 0.44 * slot, box.Y(total[j]), x + 0.44 * slot, box.Y(total[j]), INK, 3.5)
        ring(svg, x, box.Y(so_far[j]), r=min(5.5, 0.3 * slot + 1))
        if j % every == 0:
            svg.text(x, box.y + box.h + 14, labels[j], 14, "middle", INK, mono=True)
    box.frame(bottom=False)
    svg.text(box.x + box.w / 2, box.y + box.h + 34, f"component of {name}", 12, "middle", MUTED)

    if table:
        y0 = box.y + box.h + 56
        rows = [(f"term {t}" if t else "term", view["term"]), ("sum so far", so_far),
                ("backward()", total)]
        for i, (row_name, values) in enumerate(rows):
            y = y0 + i * 18
            svg.text(box.x - 10, y, row_name, 12, "end", INK, weight="bold" if i == 0 else None)
            for j in range(n):
                shown = "—" if values is None else _fmt(values[j])
                svg.text(box.X(j), y, shown, 12, "middle", INK, mono=True)
        svg.rect(box.x - 96, y0 - 9, box.w + 100, 18, stroke=style.HIGHLIGHT, stroke_width=1.5)

    # key
    kx, ky = 672, 56
    svg.text(kx, ky, "key", 13, weight="bold")
    svg.rect(kx, ky + 16, 22, 16, fill=colours[t - 1] if t else "white", stroke=style.HIGHLIGHT,
             stroke_width=3)
    svg.text(kx + 32, ky + 24, f"newest: the term of step {t}" if t else "newest term (none yet)", 12)
    ring(svg, kx + 11, ky + 52)
    svg.text(kx + 32, ky + 52, _sum_name(t).split(" (")[0], 12)
    svg.line(kx, ky + 78, kx + 22, ky + 78, INK, 3.5)
    svg.text(kx + 32, ky + 78, f"backward()'s dL/d{name}", 12)
    svg.text(kx, ky + 104, "segments: + stacks up, − down", 12)
    step_strip(svg, kx, ky + 128, 250, T, t, colours, "step colours (darker = later)")
    return svg


def _heatmaps(view: dict, name: str, term_label, term_caption) -> Svg:
    """The term of step t (outlined), the sum so far and backward()'s total, on one scale."""
    terms, t, T = np.asarray(view["terms"]), view["t"], view["T"]
    m, n = terms.shape[1:]
    total, so_far = np.asarray(view["total"]), np.asarray(view["so_far"])
    sums = np.cumsum(terms, axis=0)
    scale = max(float(np.abs(sums).max()), float(np.abs(terms).max()), float(np.abs(total).max()),
                1e-12)
    pw, gap, x0, y0 = 236.0, 34.0, 52.0, 82.0
    ph = min(236.0, pw * m / n * 1.6)
    svg = Svg(WIDTH, y0 + ph + 30 + 64, step_label(view, name, term_caption=term_caption))
    title = f"dL/d{name} ({m}×{n})" + (f" = Σ_t {term_label}" if term_label else "") + \
        f":  {_steps_added(t, T)}"
    svg.text(12, 16, title, 15, weight="bold")
    if t:
        term = np.asarray(view["term"])
        caption = term_caption(t) if term_caption else f"term of step {t}"
        titles = [(caption, f"(newest; max |entry| {np.abs(term).max():.1e})")]
    else:
        term = np.zeros((m, n))
        titles = [("no term yet", "(t = 0)")]
    titles.append((_sum_name(t).split(" (")[0] if t else "sum so far: nothing added",
                   f"(of τ = {T})" if t else "(all zeros)"))
    titles.append(("backward()", f"max |diff| {_diff_shown(view)}"))
    panels = [term, so_far, total]
    for k, (matrix, (line1, line2)) in enumerate(zip(panels, titles, strict=True)):
        x = x0 + k * (pw + gap)
        svg.text(x, y0 - 34, line1, 13, weight="bold" if k == 0 and t else None)
        svg.text(x, y0 - 16, line2, 12, fill=INK, mono=k == 2)
        heatmap(svg, x, y0, pw, ph, matrix, scale, outline=style.HIGHLIGHT if (k == 0 and t) else None)
        svg.text(x + pw / 2, y0 + ph + 14, f"column ({n})", 12, "middle", MUTED)
    svg.text(x0 - 16, y0 + ph / 2, f"row ({m})", 12, "middle", MUTED, rotate=-90)
    cx = x0 + 3 * pw + 2 * gap + 22
    colour_bar(svg, cx, y0, ph, scale)
    step_strip(svg, x0, y0 + ph + 30, 400, T, t, None, "steps added")
    return svg


class AccumulateStepper:
    """Play + slider through t = 0..T, adding one term per step (frames switched in the browser).

    Build it from arrays (``AccumulateStepper(terms, total, "c")``) or from a model
    with :meth:`for_parameter`; display it as the last expression of a cell. Every
    step's readout (:func:`readout`) and picture (:func:`step_picture`) are made up
    front; the slider (arrow keys) and Play switch between them with no kernel.
    ``stepper.show(t)`` moves to step t from code and returns its view.
    """

    def __init__(self, terms, total, name: str, labels=None, term_label: str | None = None,
                 start: int = 1, interval_ms: int = 900, term_caption=None):
        self.terms = np.asarray(terms, dtype=np.float64)
        self.total = np.asarray(total, dtype=np.float64)
        accumulate_view(self.terms, self.total, 0)  # validates shapes
        if self.terms.ndim not in (2, 3):
            raise ValueError(f"terms must be (T, n) for a vector or (T, m, n) for a matrix, "
                             f"got shape {self.terms.shape}")
        if labels is not None and (self.terms.ndim != 2 or len(labels) != self.terms.shape[1]):
            raise ValueError(f"labels name the components of a vector: {self.terms.shape[-1]} "
                             f"of them for terms of shape {self.terms.shape}, got {len(labels)}")
        if term_caption is not None and not callable(term_caption):
            raise TypeError("term_caption must be a function t -> str")
        self.name, self.labels, self.term_label = name, labels, term_label
        self.term_caption = term_caption
        self.T = T = self.terms.shape[0]
        if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or not 0 <= start <= T:
            raise ValueError(f"start must be a step in 0..{T} (τ = {T}), got {start!r}")
        self.views = [self.view(t) for t in range(T + 1)]
        self.frames = [frame_html(readout(v, name), self.picture(t).markup(str(t)), str(t))
                       for t, v in enumerate(self.views)]
        self.player = FrameStepper(
            self.frames, [str(t) for t in range(T + 1)], start=int(start), description="t",
            name=f"the sum for dL/d{name}, t = 0 to τ", interval=interval_ms,
            fallback=f"Accumulate stepper: dL/d{name} built one step at a time, t = 0..{T} "
                     f"(run the cell to step through it).")
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget

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

    @property
    def t(self) -> int:
        """The step on show."""
        return self.player.index

    def view(self, t: int) -> dict:
        return accumulate_view(self.terms, self.total, t)

    def picture(self, t: int) -> Svg:
        """The picture of step t (SVG)."""
        return step_picture(self.view(t), self.name, self.labels, self.term_label, self.term_caption)

    def show(self, t: int) -> dict:
        """Move to step t (the slider, the Play button and the picture follow); return the view."""
        view = self.view(t)          # raises a clear error for a bad t
        self.player.go(int(t))
        return view

    def step(self, delta: int) -> dict:
        """Move ``delta`` steps (clamped to 0..T); return the new view."""
        return self.show(min(max(self.t + int(delta), 0), self.T))

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
