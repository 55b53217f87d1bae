"""A stepper that builds a shared parameter's gradient one timestep at a time.

A parameter used at every step (c, b, V, W, U) gets the sum of one term per use
(§3.3, eq 3.9; eqs 4.4-4.8). :class:`AccumulateStepper` adds those terms one by
one (Play, a slider over "none" and the terms' indices as the paper numbers them) and shows
the running total beside ``backward()``'s gradient until the two agree after the last term.

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
from ..plots.svg import INK, MUTED, SMALL, TEXT, TITLE, WIDTH, Box, Svg, nice_ticks
from ..plots.svg_sums import colour_bar, heatmap, heatmaps, ring, step_colours, step_strip
from . import check_view
from .frames import Frame, FrameStepper

MAX_COLUMNS_WRITTEN = 8     # vectors longer than this get no table of numbers under the bars


def accumulate_view(terms, total, t: int, first: int = 1) -> dict:
    """What the stepper shows after adding the first ``t`` terms (t = 0..T).

    terms: (T, ...) one term per step; total: (...) the gradient to reach
    (``backward()``'s); first: the index the sum gives its first term (1 for c, b, V, U, whose
    sums run t = 1..τ; 0 for W, whose sum (4.7) runs t = 0..τ-1). Returns a dict with ``t`` (how
    many terms are added), ``T``, ``first``, ``index`` (the index of the newest term,
    ``t - 1 + first``; ``None`` at t = 0), ``term`` (the newest term, ``None`` at t = 0),
    ``so_far`` (sum of the first t terms), ``total``, ``max_abs_diff`` (max |so_far - total|),
    ``done`` (t == T) and ``terms`` (all T terms, which the picture needs for its fixed axes and
    its stacked segments).
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
    if first not in (0, 1):
        raise ValueError(f"first must be 0 or 1 (the index of the sum's first term), got {first!r}")
    so_far = terms[:t].sum(axis=0)
    return {
        "t": int(t),
        "T": T,
        "first": first,
        "index": int(t) - 1 + first if t else None,
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


def _span(view: dict) -> str:
    """The sum's indices: 't = 1..8' (or 't = 0..7' for W)."""
    return f"t = {view['first']}..{view['first'] + view['T'] - 1}"


def readout(view: dict, name: str) -> str:
    """Two short lines for a view: which term was added, and how far the sum is from backward()."""
    if view["t"] == 0:
        head = f"no term added yet (the sum runs {_span(view)}, τ = {view['T']} terms)"
    else:
        head = f"t = {view['index']}: the term of t = {view['index']} added ({view['t']} of {view['T']})"
    if view["done"]:
        head += ": all added, only rounding is left"
    return f"{head}\n  max |sum so far − backward()| {_diff_shown(view)}"


def _added(view: dict) -> str:
    """'no term added yet', 'term t = 1 added', 'terms t = 1..3 added' (never 't = 1..0')."""
    i, f = view["index"], view["first"]
    if i is None:
        return "no term added yet"
    return f"term t = {i} added" if i == f else f"terms t = {f}..{i} added"


def _sum_name(view: dict) -> str:
    i, f = view["index"], view["first"]
    if i is None:
        return "sum so far (nothing added: 0)"
    return f"sum of t = {i}" if i == f else f"sum of t = {f}..{i}"


def step_label(view: dict, name: str, labels=None, term_caption=None) -> str:
    """The text alternative of a view's picture: what it shows and what to notice (``labels``,
    the components' names, are written under the bars; the text keeps to what changes)."""
    t, so_far = view["t"], np.asarray(view["so_far"])
    ending = ("All τ terms added: the sum equals backward()'s gradient."
              if view["done"] else f"Largest gap to it: {view['max_abs_diff']:.1e}.")
    if so_far.ndim == 1:
        if t == 0:
            return (f"Bars of dL/d{name}, one per component: no term added yet, every sum is 0; "
                    f"black bars mark backward()'s gradient. " + ending)
        return (f"Bars of dL/d{name}, one per component: the {_added(view)} stacked (darker = "
                f"later), the newest, t = {view['index']}, outlined; white dots: the sum so far; "
                f"black bars: backward()'s gradient. " + ending)
    m, n = so_far.shape
    if t == 0:
        term = "no term yet"
    else:
        term = (term_caption(view["index"]) if term_caption else f"the term of t = {view['index']}") \
            + " (outlined)"
    return (f"dL/d{name} ({m}×{n}) as heatmaps with signs: {term}, the {_sum_name(view)}, and "
            f"backward()'s gradient. " + ending)


def step_picture(view: dict, name: str, labels=None, term_label: str | None = None,
                 term_caption=None) -> Svg:
    """The picture of a view (SVG): stacked bars for a vector, three heatmaps for a matrix."""
    check_view(view, ("t", "T", "first", "index", "so_far", "total", "terms", "done", "max_abs_diff"),
               "accumulate_view")
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
    """Stacked bars: one segment per added term (newest outlined), the sum so far, backward()."""
    terms, t, T = np.asarray(view["terms"]), view["t"], view["T"]
    n = terms.shape[1]
    labels = [str(j) for j in range(n)] if labels is None else [str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"labels must have {n} entries, got {len(labels)}")
    total, so_far = np.asarray(view["total"]), np.asarray(view["so_far"])
    table = n <= MAX_COLUMNS_WRITTEN
    svg = Svg(WIDTH, 440 if table else 360, step_label(view, name, labels))
    pos_all = np.clip(terms, 0, None).sum(axis=0)
    neg_all = np.clip(terms, None, 0).sum(axis=0)
    top = max(float(pos_all.max()), float(total.max()), 0.0)
    bottom = min(float(neg_all.min()), float(total.min()), 0.0)
    pad = 0.08 * max(top - bottom, 1e-12)
    box = Box(svg, 112, 42, 500, 230, xlim=(-0.5, n - 0.5), ylim=(bottom - pad, top + pad))
    slot = box.w / n
    bar = 0.62 * slot
    colours = step_colours(T)
    # what every frame shares: the axes, the labels, backward()'s bars, the key's fixed lines
    ticks = nice_ticks(box.ylim[0], box.ylim[1], 5)
    box.yticks(ticks, [f"{v:g}".replace("-", "−") for v in ticks], grid=True)
    box.ylabel(f"dL/d{name}")
    every = max(1, int(np.ceil(30.0 / slot)))       # thin the labels of a long vector
    for j in range(0, n, every):
        svg.text(box.X(j), box.y + box.h + 16, labels[j], SMALL, "middle", INK, mono=True)
    svg.text(box.x + box.w / 2, box.y + box.h + 40, f"component of {name}", SMALL, "middle", MUTED)
    kx, ky = 650, 52
    svg.text(kx, ky, "key", TEXT, weight="bold")
    svg.line(kx, ky + 84, kx + 24, ky + 84, INK, 3.5)
    svg.text(kx + 34, ky + 84, f"backward()'s dL/d{name}", SMALL)
    svg.text(kx, ky + 114, "segments: + stacks up, − down", SMALL)
    if table:
        y0 = box.y + box.h + 68
        for i, row_name in enumerate(("term", "sum so far", "backward()")):
            svg.text(box.x - 10, y0 + i * 22, row_name, SMALL, "end", INK)
        for j in range(n):
            svg.text(box.X(j), y0 + 2 * 22, _fmt(total[j]), SMALL, "middle", INK, mono=True)
    # what this step adds
    svg.text(12, 16, f"dL/d{name}: {_added(view)}", TITLE, weight="bold")
    up, down = np.zeros(n), np.zeros(n)
    rects = []
    for k in range(t):
        for j in range(n):
            v = terms[k, j]
            if v == 0:
                continue
            base = up[j] if v > 0 else down[j]
            y1, y2 = box.Y(base), box.Y(base + v)
            rects.append((k, box.X(j) - bar / 2, min(y1, y2), max(abs(y2 - y1), 0.8)))
            if v > 0:
                up[j] += v
            else:
                down[j] += v
    for k, x, y, h in rects:   # a segment looks the same in every frame that has it: shared
        svg.rect(x, y, bar, h, fill=colours[k], stroke="white", stroke_width=0.6)
    for k, x, y, h in rects:   # the newest segments, outlined on top of the rest
        if k == t - 1:
            svg.rect(x - 1, y - 1, bar + 2, h + 2, stroke=style.HIGHLIGHT, stroke_width=3)
    svg.line(box.x, box.Y(0), box.x + box.w, box.Y(0), MUTED, 1.2)
    svg.lines([(box.X(j) - 0.44 * slot, box.Y(total[j]), box.X(j) + 0.44 * slot, box.Y(total[j]))
               for j in range(n)], INK, 3.5)
    svg.points([(box.X(j), box.Y(so_far[j])) for j in range(n)], "o", 2 * min(6.0, 0.3 * slot + 1),
               INK, hollow=True)      # the sum so far: white dots with a dark rim
    box.frame(bottom=False)
    if table:
        y0 = box.y + box.h + 68
        for i, values in enumerate((view["term"], so_far)):
            for j in range(n):
                shown = "—" if values is None else _fmt(values[j])
                svg.text(box.X(j), y0 + i * 22, shown, SMALL, "middle", INK, mono=True)
        svg.rect(box.x - 104, y0 - 11, box.w + 108, 22, stroke=style.HIGHLIGHT, stroke_width=1.5)
    # the key's entries that name this step
    i = view["index"]
    svg.rect(kx, ky + 16, 24, 18, fill=colours[t - 1] if t else "white", stroke=style.HIGHLIGHT,
             stroke_width=3)
    svg.text(kx + 34, ky + 25, f"newest: the term of t = {i}" if t else "newest term (none yet)", SMALL)
    ring(svg, kx + 12, ky + 55)
    svg.text(kx + 34, ky + 55, _sum_name(view).split(" (")[0], SMALL)
    step_strip(svg, kx, ky + 144, 290, T, t, colours, "term colours (darker = later)",
               first=view["first"])
    return svg


def _heatmaps(view: dict, name: str, term_label, term_caption) -> Svg:
    """The newest term (outlined), the sum so far and backward()'s total, on one scale."""
    terms, t, T = np.asarray(view["terms"]), view["t"], view["T"]
    m, n = terms.shape[1:]
    total, so_far = np.asarray(view["total"]), np.asarray(view["so_far"])
    sums = np.cumsum(terms, axis=0)
    scale = max(float(np.abs(sums).max()), float(np.abs(terms).max()), float(np.abs(total).max()),
                1e-12)
    x0, y0 = 56.0, 96.0
    pw = min(236.0, 800.0 / (3 + 2 / n))        # three panels, one cell apart
    cw = pw / n
    ph = min(236.0, pw * m / n * 1.6)
    svg = Svg(WIDTH, y0 + ph + 64, step_label(view, name, term_caption=term_caption))
    xs = [x0 + k * (pw + cw) for k in range(3)]
    # shared by every frame: the title, the total, the scale, the labels
    title = f"dL/d{name} ({m}×{n})" + (f" = Σ_t {term_label}" if term_label else "")
    svg.text(12, 16, title, TITLE, weight="bold")
    svg.text(xs[2], y0 - 40, "backward()", TEXT)
    heatmap(svg, xs[2], y0, pw, ph, total, scale)
    for x in xs:
        svg.text(x + pw / 2, y0 + ph + 16, f"column ({n})", SMALL, "middle", MUTED)
    svg.text(x0 - 20, y0 + ph / 2, f"row ({m})", SMALL, "middle", MUTED, rotate=-90)
    colour_bar(svg, xs[2] + pw + 22, y0, ph, scale)
    # this step: the newest term and the sum so far, one picture
    if t:
        caption = term_caption(view["index"]) if term_caption else f"term of t = {view['index']}"
        term = np.asarray(view["term"])
    else:
        caption, term = "no term yet", np.zeros((m, n))
    svg.text(xs[0], y0 - 40, caption, TEXT, weight="bold" if t else None)
    svg.text(xs[1], y0 - 40, _sum_name(view).split(" (")[0] if t else "sum so far: 0", TEXT)
    svg.text(xs[2], y0 - 18, f"max |diff| {_diff_shown(view)}", SMALL, fill=INK, mono=True)
    heatmaps(svg, xs[0], y0, pw, ph, [term, so_far], scale,
             outlines=[style.HIGHLIGHT if t else None, None])
    # how far the sum has got: in words (the slider shows it too)
    svg.text(x0, y0 + ph + 44, f"{_added(view)} (τ = {T} terms, {_span(view)})", TEXT, fill=INK)
    return svg


class AccumulateStepper:
    """Play + slider through the terms, adding one per step (frames switched in the browser).

    Build it from arrays (``AccumulateStepper(terms, total, "c")``) or from a model
    with :meth:`for_parameter`; display it as the last expression of a cell. The slider reads
    "none" (no term added), then each term's index as the paper numbers it: 1..τ for c, b, V, U
    (``first=1``), 0..τ-1 for W (``first=0``, eq 4.7). Every step's readout (:func:`readout`)
    and picture (:func:`step_picture`) are made up front; the slider (arrow keys) and Play
    switch between them with no kernel. ``stepper.show(t)`` moves to the frame with t terms
    added (t = 0..τ) from code and returns its view.
    """

    def __init__(self, terms, total, name: str, labels=None, term_label: str | None = None,
                 start: int = 1, interval_ms: int = 900, term_caption=None, first: int = 1):
        self.terms = np.asarray(terms, dtype=np.float64)
        self.total = np.asarray(total, dtype=np.float64)
        accumulate_view(self.terms, self.total, 0, first)  # validates shapes and first
        if self.terms.ndim not in (2, 3):
            raise ValueError(f"terms must be (T, n) for a vector or (T, m, n) for a matrix, "
                             f"got shape {self.terms.shape}")
        if labels is not None and (self.terms.ndim != 2 or len(labels) != self.terms.shape[1]):
            raise ValueError(f"labels name the components of a vector: {self.terms.shape[-1]} "
                             f"of them for terms of shape {self.terms.shape}, got {len(labels)}")
        if term_caption is not None and not callable(term_caption):
            raise TypeError("term_caption must be a function index -> str")
        self.name, self.labels, self.term_label = name, labels, term_label
        self.term_caption, self.first = term_caption, first
        self.T = T = self.terms.shape[0]
        if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or not 0 <= start <= T:
            raise ValueError(f"start must be a step in 0..{T} (τ = {T}), got {start!r}")
        self.views = [self.view(t) for t in range(T + 1)]
        slider = ["none"] + [str(t - 1 + first) for t in range(1, T + 1)]
        frames = [Frame(readout(v, name), self.picture(t), slider[t]) for t, v in enumerate(self.views)]
        self.player = FrameStepper(
            frames, slider, start=int(start), description="t",
            name=f"the sum for dL/d{name}, term by term", interval=interval_ms,
            fallback=f"Accumulate stepper: dL/d{name} built one term at a time, "
                     f"t = {first}..{T - 1 + first} (run the cell to step through it).")
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget
        self.frames = self.player.frames

    @classmethod
    def for_parameter(cls, params, cache, name: str, **kwargs) -> AccumulateStepper:
        """A stepper for parameter ``name`` (c, b, V, W, U) of a model and its forward cache.

        W is numbered as the paper numbers eq (4.7), t = 0..τ-1: the term of t reads h^(t)
        (its first use reads h^(0)), and its caption says so.
        """
        if name == "W":
            kwargs.setdefault("first", 0)
            kwargs.setdefault("term_caption", lambda i: f"t = {i}: uses h({i})")
        return cls(per_step_terms(params, cache, name), getattr(backward(params, cache), name),
                   name, **kwargs)

    @property
    def t(self) -> int:
        """How many terms the frame on show has added (0..τ)."""
        return self.player.index

    def view(self, t: int) -> dict:
        return accumulate_view(self.terms, self.total, t, self.first)

    def picture(self, t: int) -> Svg:
        """The picture of the frame with t terms added (SVG)."""
        return step_picture(self.view(t), self.name, self.labels, self.term_label, self.term_caption)

    def show(self, t: int) -> dict:
        """Move to the frame with t terms added (slider, Play and picture follow); return its view."""
        view = self.view(t)          # raises a clear error for a bad t
        self.player.go(int(t))
        return view

    def step(self, delta: int) -> dict:
        """Move ``delta`` steps (clamped to 0..T); return the new view."""
        return self.show(min(max(self.t + int(delta), 0), self.T))

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
