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

import html
import math

from .. import style

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
INK = "#222222"          # text (contrast 16:1 on white)
MUTED = "#595959"        # secondary text, axes (7:1 on white: WCAG AA for any size)
# What the picture may use of the screen's height, so that the controls above it and the
# picture are visible together (1280x720 at 150 % zoom leaves ~480 CSS px, JupyterLab's bars
# ~120 of them, a stepper's controls ~45).
MAX_HEIGHT_CSS = "calc(100vh - 190px)"


def _num(v: float) -> str:
    """A coordinate, short and stable: at most 1 decimal."""
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def _attrs(**kw) -> str:
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = _num(value)
        parts.append(f'{name}="{html.escape(str(value), quote=True)}"')
    return " ".join(parts)


class Svg:
    """An SVG picture of ``width`` x ``height`` user units; ``label`` is its text alternative."""

    def __init__(self, width: float, height: float, label: str):
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be positive, got {width} x {height}")
        self.width, self.height, self.label = float(width), float(height), str(label)
        self.parts: list[str] = []

    # ------------------------------------------------------------ elements
    def _add(self, tag: str, **attrs) -> None:
        self.parts.append(f"<{tag} {_attrs(**attrs)}/>")

    def rect(self, x, y, w, h, fill="none", stroke=None, stroke_width=None, rx=None,
             opacity=None, dash=None) -> None:
        self._add("rect", x=float(x), y=float(y), width=float(max(w, 0)), height=float(max(h, 0)),
                  rx=rx, fill=fill, stroke=stroke, stroke_width=stroke_width, opacity=opacity,
                  stroke_dasharray=dash)

    def line(self, x1, y1, x2, y2, stroke=INK, width=1.5, dash=None) -> None:
        self._add("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke,
                  stroke_width=width, stroke_dasharray=dash)

    def polyline(self, points, stroke=INK, width=2.0, dash=None, fill="none") -> None:
        pts = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in points)
        self._add("polyline", points=pts, fill=fill, stroke=stroke, stroke_width=width,
                  stroke_dasharray=dash, stroke_linejoin="round")

    def circle(self, cx, cy, r, fill=INK, stroke=None) -> None:
        self._add("circle", cx=float(cx), cy=float(cy), r=float(r), fill=fill, stroke=stroke)

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
        self._add("polygon", points=pts, fill=fill, stroke=stroke)

    def arrow(self, x1, y1, x2, y2, stroke=INK, width=1.6, head=7.0, dash=None) -> None:
        """A line from (x1, y1) to (x2, y2) with a filled head at the end."""
        length = math.hypot(x2 - x1, y2 - y1)
        if length == 0:
            return
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        bx, by = x2 - ux * head, y2 - uy * head            # base of the head
        self.line(x1, y1, bx, by, stroke, width, dash)
        px, py = -uy * head * 0.45, ux * head * 0.45
        self.polygon([(x2, y2), (bx + px, by + py), (bx - px, by - py)], stroke)

    def text(self, x, y, s: str, size: float = 13, anchor: str = "start", fill: str = INK,
             weight: str | None = None, mono: bool = False, sup: str | None = None,
             rotate: float | None = None, italic: bool = False) -> None:
        """Text whose vertical centre is at y; ``sup`` is set as a superscript after ``s``."""
        body = html.escape(str(s))
        if sup:
            body += (f'<tspan baseline-shift="super" font-size="{_num(size * 0.72)}">'
                     f"{html.escape(sup)}</tspan>")
        transform = f"rotate({_num(rotate)} {_num(float(x))} {_num(float(y))})" if rotate else None
        attrs = _attrs(x=float(x), y=float(y), font_size=size, text_anchor=anchor, fill=fill,
                       font_weight=weight, font_family=MONO if mono else None,
                       font_style="italic" if italic else None, dominant_baseline="central",
                       transform=transform)
        self.parts.append(f"<text {attrs}>{body}</text>")

    # ------------------------------------------------------------ output
    def markup(self, step: str | None = None, max_height: str = MAX_HEIGHT_CSS) -> str:
        """The ``<svg>`` element: scales down to the width and the screen height, never up.

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
                f'font-family="{FONT}"><title>{html.escape(self.label)}</title>'
                + "".join(self.parts) + "</svg>")


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

    def X(self, v) -> float:
        lo, hi = self.xlim
        return self.x + (float(v) - lo) / (hi - lo) * self.w if hi != lo else self.x

    def Y(self, v) -> float:
        lo, hi = self.ylim
        if self.ylog:
            v, lo, hi = math.log10(max(float(v), 1e-300)), math.log10(lo), math.log10(hi)
        return self.y + self.h - (float(v) - lo) / (hi - lo) * self.h if hi != lo else self.y + self.h

    def frame(self, left=True, bottom=True) -> None:
        if left:
            self.svg.line(self.x, self.y, self.x, self.y + self.h, MUTED, 1)
        if bottom:
            self.svg.line(self.x, self.y + self.h, self.x + self.w, self.y + self.h, MUTED, 1)

    def xticks(self, values, labels=None, size=12) -> None:
        labels = labels if labels is not None else [f"{v:g}" for v in values]
        for v, label in zip(values, labels, strict=True):
            x = self.X(v)
            self.svg.line(x, self.y + self.h, x, self.y + self.h + 4, MUTED, 1)
            self.svg.text(x, self.y + self.h + 13, label, size, "middle", MUTED)

    def yticks(self, values, labels=None, size=12, grid=False) -> None:
        labels = labels if labels is not None else [f"{v:g}" for v in values]
        for v, label in zip(values, labels, strict=True):
            y = self.Y(v)
            self.svg.line(self.x - 4, y, self.x, y, MUTED, 1)
            if grid:
                self.svg.line(self.x, y, self.x + self.w, y, "#e3e3e3", 1)
            self.svg.text(self.x - 7, y, label, size, "end", MUTED)

    def title(self, s: str, size=14, fill=INK) -> None:
        self.svg.text(self.x, self.y - 14, s, size, "start", fill, weight="bold")

    def xlabel(self, s: str, size=12) -> None:
        self.svg.text(self.x + self.w / 2, self.y + self.h + 30, s, size, "middle", MUTED)

    def ylabel(self, s: str, size=12, offset=38) -> None:
        self.svg.text(self.x - offset, self.y + self.h / 2, s, size, "middle", MUTED, rotate=-90)


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
