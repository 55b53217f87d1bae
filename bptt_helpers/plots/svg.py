"""A tiny SVG writer for the widgets' pictures.

Why not matplotlib here: a widget step is budgeted like a frame (tens of milliseconds), and
on a 2-core laptop matplotlib needs 100-800 ms to turn even a simple figure into PNG or SVG.
Writing the few boxes, bars, lines and labels of a stepper's picture as SVG text takes well
under a millisecond, the browser draws it crisply at any zoom (it is vector graphics), the
labels stay real text (a screen reader and a search can find them), and a frame is a few
kilobytes, so every frame of a stepper can be stored in the notebook and switched in the
browser with no kernel.

:class:`Svg` collects elements in user units (1 unit = 1 CSS pixel at natural size) and
:meth:`Svg.markup` returns the ``<svg>`` element, scaled down by CSS to fit the screen but
never up past its natural size. :class:`Box` maps data to a rectangle of the picture, with
linear or log axes. Colours come from :mod:`bptt_helpers.style`.
"""

from __future__ import annotations

import base64
import html
import math
import re
from typing import NamedTuple

from .. import style

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
INK = "#222222"          # text (contrast 16:1 on white)
MUTED = "#595959"        # secondary text, axes (7:1 on white: WCAG AA for any size)
# Text sizes of the steppers' pictures (user units). A stepper's picture is WIDTH units wide and
# fills a 1280x720 slide's width (about 1230 px: x 1.28), so SMALL, the smallest text in it, is
# about 20 px there, the slides' body text (superscripts, at 72 %, aside). In a notebook it scales
# down with the window.
WIDTH = 960
SMALL, TEXT, TITLE = 16, 17, 19
# A superscript: set by one class (in the frames' style sheet, and in a picture standing alone).
SUP_CSS = (".bptt-sup{baseline-shift:super;font-size:72%}"
           f".bptt-mono{{font-family:{MONO}}}.bptt-px{{image-rendering:pixelated}}")
# What the picture may use of the screen's height, so that the controls above it and the
# picture are visible together (1280x720 at 150 % zoom leaves ~480 CSS px, JupyterLab's bars
# ~120 of them, a stepper's controls ~45).
MAX_HEIGHT_CSS = "calc(100vh - 190px)"


def _num(v: float) -> str:
    """A coordinate, short and stable: at most 1 decimal."""
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


_HEX6 = re.compile(r"^#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3$", re.IGNORECASE)


def _value(value) -> str:
    if isinstance(value, float):
        return _num(value)
    value = str(value)
    m = _HEX6.match(value)                  # #222222 -> #222: the same colour, 3 bytes less
    return f"#{m.group(1)}{m.group(2)}{m.group(3)}".lower() if m else value


def _attrs(**kw) -> str:
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        value = html.escape(_value(value), quote=False)
        # the quote the value does not hold (SVG and HTML take either): no &#x27; in labels
        parts.append(f"{name}='{value}'" if "'" not in value else
                     f'{name}="{value.replace(chr(34), "&quot;")}"')
    return " ".join(parts)


# Presentation attributes that SVG inherits: elements in a row that share them are written as
# one <g> with them, and children with only their own attributes (what makes a frame small).
# (A class is not inherited, but what its CSS sets, a font, is.)
PAINT = ("class_", "fill", "stroke", "stroke_width", "stroke_dasharray", "stroke_linejoin", "font_size",
         "font_weight", "font_family", "font_style", "text_anchor", "marker_start", "marker_mid",
         "marker_end")


class El(NamedTuple):
    """One element: its tag, its own attributes (geometry...), its inherited paint, its content."""

    tag: str
    own: str
    paint: str
    body: str | None = None

    def markup(self, inherited: bool = False) -> str:
        """The element; ``inherited``: its paint comes from an enclosing <g>."""
        attrs = self.own if inherited or not self.paint else f"{self.own} {self.paint}"
        return (f"<{self.tag} {attrs}/>" if self.body is None
                else f"<{self.tag} {attrs}>{self.body}</{self.tag}>")


def write(elements) -> str:
    """Elements as SVG markup: a run of two or more with the same paint becomes one <g>."""
    out, i, elements = [], 0, list(elements)
    while i < len(elements):
        j = i
        while j < len(elements) and elements[j].paint == elements[i].paint:
            j += 1
        if j - i > 1 and elements[i].paint:
            out.append(f"<g {elements[i].paint}>" + "".join(e.markup(True) for e in elements[i:j])
                       + "</g>")
        else:
            out.extend(e.markup() for e in elements[i:j])
        i = j
    return "".join(out)


class Svg:
    """An SVG picture of ``width`` x ``height`` user units; ``label`` is its text alternative.

    ``parts`` are its elements (:class:`El`), in drawing order: later ones are drawn on top.
    A stepper's frames share what they draw alike (:func:`bptt_helpers.widgets.frames.share`):
    draw what every step shares first and the step's own marks after it, and a frame stores
    little more than its own marks.
    """

    def __init__(self, width: float, height: float, label: str):
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be positive, got {width} x {height}")
        self.width, self.height, self.label = float(width), float(height), str(label)
        self.parts: list[El] = []

    # ------------------------------------------------------------ elements
    def add(self, tag: str, body: str | None = None, **attrs) -> None:
        """Any element: ``attrs`` split into its own and its (inherited) paint; ``body`` is
        its markup content (already escaped), None for an empty element."""
        own = {k: v for k, v in attrs.items() if k not in PAINT}
        paint = {k: attrs[k] for k in PAINT if k in attrs}
        self.parts.append(El(tag, _attrs(**own), _attrs(**paint), body))

    def rect(self, x, y, w, h, fill="none", stroke=None, stroke_width=None, rx=None,
             opacity=None, dash=None) -> None:
        self.add("rect", x=float(x), y=float(y), width=float(max(w, 0)), height=float(max(h, 0)),
                 rx=rx, fill=fill, stroke=stroke, stroke_width=stroke_width, opacity=opacity,
                 stroke_dasharray=dash)

    def line(self, x1, y1, x2, y2, stroke=INK, width=1.5, dash=None) -> None:
        self.add("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke,
                 stroke_width=width, stroke_dasharray=dash)

    def lines(self, segments, stroke=INK, width=1.5, dash=None) -> None:
        """Many straight segments ((x1, y1, x2, y2), ...) as ONE path (ticks, grid lines)."""
        d = "".join(f"M{_num(float(a))} {_num(float(b))}L{_num(float(c))} {_num(float(e))}"
                    for a, b, c, e in segments)
        if d:
            self.add("path", d=d, fill="none", stroke=stroke, stroke_width=width,
                     stroke_dasharray=dash)

    def polyline(self, points, stroke=INK, width=2.0, dash=None, fill="none",
                 marker: str | None = None, marker_size: float = 6.0, hollow: bool = False,
                 digits: int = 1) -> None:
        """A line through ``points``; ``marker`` ('o', 's', '^', 'D') drawn at every point, in
        the line's colour (one SVG <marker>, not an element per point), outlined only if
        ``hollow``. digits: decimals of the coordinates (0 for long curves: a tenth of a unit
        is invisible, and a point costs a few bytes less)."""
        if digits == 0:
            pts = " ".join(f"{round(float(x))},{round(float(y))}" for x, y in points)
        else:
            pts = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in points)
        ref = None
        if marker is not None:
            ref = f"url(#{self.marker_def(marker, marker_size, stroke[:7], hollow)})"
        self.add("polyline", points=pts, style=f"marker:{ref}" if ref else None, fill=fill,
                 stroke=stroke, stroke_width=width, stroke_dasharray=dash, stroke_linejoin="round")

    def marker_def(self, shape: str, size: float, fill: str, hollow: bool = False) -> str:
        """The id of a point marker of this shape, size and colour (defined once per picture)."""
        key = (f"m{shape.replace('^', 't')}{_num(float(size)).replace('.', 'p')}-"
               f"{_value(fill)[1:]}{'h' if hollow else ''}")
        if key not in self.markers:
            s, n = size / 2, _num
            shapes = {"o": f"<circle r='{n(s)}'/>",
                      "s": f"<rect x='{n(-s)}' y='{n(-s)}' width='{n(size)}' height='{n(size)}'/>",
                      "^": f"<polygon points='0,{n(-s)} {n(s)},{n(s)} {n(-s)},{n(s)}'/>",
                      "D": f"<polygon points='0,{n(-s)} {n(s)},0 0,{n(s)} {n(-s)},0'/>"}
            paint = (f"fill='white' stroke='{_value(fill)}' stroke-width='{'2' if shape == 'o' else '1.5'}'"
                     if hollow else f"fill='{_value(fill)}' stroke='none'")
            self.markers[key] = self._marker(key, size, f"<g {paint}>{shapes[shape]}</g>")
        return key

    def _arrowhead(self, head: float, fill: str) -> str:
        """The id of an arrowhead marker: its tip head/2 past the line's end (which it covers)."""
        key = f"a{_num(float(head)).replace('.', 'p')}-{_value(fill)[1:]}"
        if key not in self.markers:
            h, w = head / 2, head * 0.45
            self.markers[key] = self._marker(key, head, f"<path d='M{_num(h)} 0L{_num(-h)} {_num(w)}"
                                                        f"L{_num(-h)} {_num(-w)}Z' fill='{_value(fill)}'"
                                                        f" stroke='none'/>", orient=True)
        return key

    @staticmethod
    def _marker(key: str, size: float, body: str, orient: bool = False) -> str:
        n = _num(float(size))
        turn = " orient='auto'" if orient else ""
        return (f"<marker id='{key}' viewBox='-{n} -{n} {_num(2 * size)} {_num(2 * size)}' "
                f"markerWidth='{_num(2 * size)}' markerHeight='{_num(2 * size)}'{turn} "
                f"markerUnits='userSpaceOnUse' overflow='visible'>{body}</marker>")

    @property
    def markers(self) -> dict:
        if not hasattr(self, "_markers"):
            self._markers: dict[str, str] = {}
        return self._markers

    def points(self, points, shape: str, size: float, colour: str, hollow: bool = False) -> None:
        """The same marker at every point, as ONE element (a line through them that is not
        drawn, with a marker at each point)."""
        pts = " ".join(f"{round(float(x))},{round(float(y))}" for x, y in points)
        ref = f"url(#{self.marker_def(shape, size, colour, hollow)})"
        self.add("polyline", points=pts, style=f"marker:{ref}", fill="none", stroke="none")

    def circle(self, cx, cy, r, fill=INK, stroke=None, width=None) -> None:
        self.add("circle", cx=float(cx), cy=float(cy), r=float(r), fill=fill, stroke=stroke,
                 stroke_width=width)

    def marker(self, cx, cy, shape: str, size: float, fill: str) -> None:
        """A point marker: 'o' circle, 's' square, '^' triangle, 'D' diamond (shape, not only colour)."""
        s = size / 2
        if shape == "o":
            self.circle(cx, cy, s, fill)
        elif shape == "s":
            self.rect(cx - s, cy - s, size, size, fill=fill)
        else:
            pts = {"^": [(cx, cy - s), (cx + s, cy + s), (cx - s, cy + s)],
                   "D": [(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)]}[shape]
            self.polygon(pts, fill)

    def polygon(self, points, fill, stroke=None) -> None:
        pts = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in points)
        self.add("polygon", points=pts, fill=fill, stroke=stroke)

    def arrow(self, x1, y1, x2, y2, stroke=INK, width=1.6, head=7.0, dash=None) -> None:
        """A line from (x1, y1) to (x2, y2) with a filled head at the end (one element: the head
        is a marker, its tip at (x2, y2))."""
        length = math.hypot(x2 - x1, y2 - y1)
        if length == 0:
            return
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        ref = f"url(#{self._arrowhead(head, stroke)})"
        self.add("line", x1=float(x1), y1=float(y1), x2=float(x2 - ux * head / 2),
                 y2=float(y2 - uy * head / 2), stroke=stroke, stroke_width=width,
                 stroke_dasharray=dash, marker_end=ref)

    def image_png(self, x, y, w, h, png: bytes) -> None:
        """A PNG stretched over (x, y, w, h) without smoothing (one pixel per cell, sharp at any zoom)."""
        data = base64.b64encode(png).decode("ascii")
        self.add("image", x=float(x), y=float(y), width=float(w), height=float(h),
                 preserveAspectRatio="none", class_="bptt-px", href=f"data:image/png;base64,{data}")

    def text(self, x, y, s: str, size: float = 13, anchor: str = "start", fill: str = INK,
             weight: str | None = None, mono: bool = False, sup: str | None = None,
             rotate: float | None = None, italic: bool = False, xs=None) -> None:
        """Text whose vertical centre is at y; ``sup`` is set as a superscript after ``s``.

        xs: one x per character (then ``x`` is ignored): a row of single characters, such as the
        signs of a heatmap's cells, in one element."""
        body = html.escape(str(s), quote=False)
        if sup:
            body += f"<tspan class='bptt-sup'>{html.escape(sup, quote=False)}</tspan>"   # SUP_CSS
        transform = f"rotate({_num(rotate)} {_num(float(x))} {_num(float(y))})" if rotate else None
        xpos = " ".join(_num(float(v)) for v in xs) if xs is not None else float(x)
        self.add("text", body, class_="bptt-mono" if mono else None, x=xpos, y=float(y),
                 transform=transform, font_size=size, text_anchor=None if anchor == "start" else anchor,
                 fill=fill, font_weight=weight, font_style="italic" if italic else None)

    # ------------------------------------------------------------ output
    def _defs(self) -> str:
        return f"<defs>{''.join(self.markers.values())}</defs>" if self.markers else ""


    def markup(self, step: str | None = None, max_height: str = MAX_HEIGHT_CSS) -> str:
        """The ``<svg>`` element standing alone: scales down to the width and the screen height,
        never up.

        ``step`` (e.g. "3") is written as ``data-step``, so a test can check which step a
        picture belongs to. The text alternative is both ``aria-label`` and ``<title>``.
        """
        w, h = _num(self.width), _num(self.height)
        # width/height auto + max-*: the browser scales the picture down, keeping its aspect
        # ratio, to the narrower of the two limits; it never scales it up
        style_ = ("display:block;width:auto;height:auto;max-width:100%;"
                  f"max-height:{max_height};background:white")
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
                f'height="{h}" role="img" {_attrs(aria_label=self.label, data_step=step)} '
                f'preserveAspectRatio="xMinYMin meet" style="{style_}" '
                f'font-family="{FONT}" dominant-baseline="central">'
                f"<title>{html.escape(self.label, quote=False)}</title><style>{SUP_CSS}</style>{self._defs()}"
                f"{write(self.parts)}</svg>")

    def frame_markup(self, step: str, body: str | None = None) -> str:
        """The ``<svg>`` element as a stepper frame holds it: class ``bptt-pic`` (its size and
        background come from the frames' style sheet, :data:`bptt_helpers.widgets.frames.FRAME_CSS`),
        the text alternative as ``aria-label`` only, and ``body`` (default: every element) inside.
        Its font and text baseline come from the style sheet too."""
        w, h = _num(self.width), _num(self.height)
        body = self._defs() + write(self.parts) if body is None else body
        return (f"<svg class='bptt-pic' viewBox='0 0 {w} {h}' width='{w}' height='{h}' role='img' "
                f"{_attrs(aria_label=self.label, data_step=step)}>{body}</svg>")


class Box:
    """A plotting rectangle (x, y, w, h) of an :class:`Svg`, with data ranges for its axes.

    ``xlim``/``ylim`` are (low, high); ``ylog=True`` makes the y axis logarithmic (base 10).
    :meth:`X` and :meth:`Y` map data to picture coordinates (y grows downwards in SVG).
    """

    def __init__(self, svg: Svg, x, y, w, h, xlim=(0.0, 1.0), ylim=(0.0, 1.0), ylog=False):
        self.svg, self.x, self.y, self.w, self.h = svg, float(x), float(y), float(w), float(h)
        self.ylog = ylog
        if ylog and (ylim[0] <= 0 or ylim[1] <= 0):
            raise ValueError(f"a log axis needs positive limits, got {ylim}")
        self.xlim = (float(xlim[0]), float(xlim[1]))
        self.ylim = (float(ylim[0]), float(ylim[1]))
        self.ytick_width = 0.0      # how far left of the axis the y tick labels reach

    def X(self, v) -> float:
        lo, hi = self.xlim
        return self.x + (float(v) - lo) / (hi - lo) * self.w if hi != lo else self.x

    def Y(self, v) -> float:
        lo, hi = self.ylim
        if self.ylog:
            v, lo, hi = math.log10(max(float(v), 1e-300)), math.log10(lo), math.log10(hi)
        return self.y + self.h - (float(v) - lo) / (hi - lo) * self.h if hi != lo else self.y + self.h

    def frame(self, left=True, bottom=True) -> None:
        segments = []
        if left:
            segments.append((self.x, self.y, self.x, self.y + self.h))
        if bottom:
            segments.append((self.x, self.y + self.h, self.x + self.w, self.y + self.h))
        self.svg.lines(segments, MUTED, 1)

    def xticks(self, values, labels=None, size=SMALL) -> None:
        labels = labels if labels is not None else [f"{v:g}" for v in values]
        xs = [self.X(v) for v in values]
        self.svg.lines([(x, self.y + self.h, x, self.y + self.h + 5) for x in xs], MUTED, 1)
        for x, label in zip(xs, labels, strict=True):
            self.svg.text(x, self.y + self.h + 7 + 0.6 * size, label, size, "middle", MUTED)

    def yticks(self, values, labels=None, size=SMALL, grid=False) -> None:
        labels = labels if labels is not None else [f"{v:g}" for v in values]
        ys = [self.Y(v) for v in values]
        if grid:
            self.svg.lines([(self.x, y, self.x + self.w, y) for y in ys], "#e3e3e3", 1)
        self.svg.lines([(self.x - 5, y, self.x, y) for y in ys], MUTED, 1)
        for y, label in zip(ys, labels, strict=True):
            self.svg.text(self.x - 8, y, label, size, "end", MUTED)
        widths = [text_width(label, size) for label in labels]
        self.ytick_width = max([self.ytick_width, *[8 + w for w in widths]])

    def title(self, s: str, size=TITLE, fill=INK) -> None:
        self.svg.text(self.x, self.y - 16, s, size, "start", fill, weight="bold")

    def xlabel(self, s: str, size=SMALL) -> None:
        self.svg.text(self.x + self.w / 2, self.y + self.h + 12 + 1.65 * size, s, size, "middle", MUTED)

    def ylabel(self, s: str, size=SMALL, offset: float | None = None) -> None:
        """The y axis title, rotated, left of the tick labels (``offset`` from the axis: by
        default just clear of the longest tick label, so the two never overlap)."""
        offset = self.ytick_width + 6 + 0.6 * size if offset is None else offset
        self.svg.text(self.x - offset, self.y + self.h / 2, s, size, "middle", MUTED, rotate=-90)


def text_width(s: str, size: float, mono: bool = False) -> float:
    """About how wide ``s`` is at ``size`` (DejaVu Sans: 0.62 em a character, mono 0.6 em)."""
    return len(str(s)) * size * (0.6 if mono else 0.62)


def log_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Powers of ten in [low, high] whose exponents are multiples of a round stride (1, 2, 5,
    10, 20, ...), at most ``most`` of them: 10⁻⁶⁰ 10⁻⁴⁰ 10⁻²⁰ 1, never 10⁻⁸ 10⁻²¹ 10⁻³⁴."""
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got {low}, {high}")
    a = math.ceil(math.log10(low) - 1e-9)
    b = math.floor(math.log10(high) + 1e-9)
    for stride in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        exps = [e for e in range(a, b + 1) if e % stride == 0]
        if len(exps) <= most:
            return [10.0 ** e for e in exps]
    return [10.0 ** a]


def power_label(value: float) -> str:
    """10^e written with a superscript exponent: '10⁻³'."""
    e = round(math.log10(value))
    return "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")) if e != 0 else "1"


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round ticks (multiples of 1, 2 or 5 times a power of ten) covering [low, high]."""
    if not high > low:
        return [low]
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + 1e-9 * step:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def step_ticks(tau: int) -> list[int]:
    """Whole-number timestep ticks for t = 1..τ: every step up to 10, else 1 and round steps."""
    if isinstance(tau, bool) or not hasattr(tau, "__index__") or tau < 1:
        raise ValueError(f"tau must be a positive integer, got {tau!r}")
    tau = int(tau)
    if tau <= 10:
        return list(range(1, tau + 1))
    ticks = [int(v) for v in nice_ticks(0, tau, 6) if v >= 1 and float(v).is_integer()]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else tau
    ticks = [1] + [v for v in ticks if v - 1 >= step / 2]
    if tau - ticks[-1] >= step / 2:
        ticks.append(tau)
    return ticks


def diverging_colours(values, vmax: float) -> list[str]:
    """Hex colours of ``style.DIVERGING_CMAP`` for signed values in [-vmax, vmax] (NaN: white)."""
    import matplotlib as mpl
    import numpy as np

    cmap = mpl.colormaps[style.DIVERGING_CMAP]
    values = np.asarray(values, dtype=np.float64)
    scaled = np.clip((values / (vmax or 1.0) + 1) / 2, 0, 1)
    rgba = cmap(np.nan_to_num(scaled, nan=0.5))
    out = []
    for v, (r, g, b, _) in zip(values.ravel(), rgba.reshape(-1, 4), strict=True):
        out.append("#ffffff" if np.isnan(v) else
                   "#" + "".join(f"{int(c * 255 + 0.5):02x}" for c in (r, g, b)))
    return out
