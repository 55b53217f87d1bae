"""SVG pieces for pictures of a gradient built up as a sum over timesteps (05, 06, 07).

Small drawing helpers on top of :mod:`bptt_helpers.plots.svg`, shared by the
accumulate stepper (:mod:`bptt_helpers.widgets.accumulate`) and the embedding-rows
stepper (:mod:`bptt_helpers.widgets.embedding_rows`):

- :func:`step_colours`: one colour per timestep, light (early) to dark (late);
- :func:`heatmap`: a matrix as coloured cells on a signed scale, each clearly non-zero
  cell marked "+" or "−" so that the sign never rests on colour alone;
- :func:`colour_bar`: the key of that scale;
- :func:`step_strip`: the steps 1..T as little boxes, those added so far filled, step t
  outlined (how far a stepper has got, without reading the slider);
- :func:`ring`: the "sum so far" marker (a white dot with a dark rim).

Everything is plain arithmetic and string formatting: a picture of a few hundred
elements takes about a millisecond.
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from .. import style
from .svg import INK, MUTED, Svg, _num, diverging_colours

STEP_LIGHT, STEP_DARK = "#f6c9cf", "#5e1420"   # early and late steps, around style.BACKWARD
UNREAD = "#bdbdbd"                              # outline of what is still to come
SIGN_FRACTION = 0.02                            # |value| below this share of the scale: no sign mark
MAX_CELLS = 400     # a bigger matrix is drawn as one small PNG, one pixel per cell (see heatmap)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def step_colours(T: int) -> list[str]:
    """T hex colours, light (step 1) through style.BACKWARD to dark (step T)."""
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be a positive integer, got {T!r}")
    stops = [_rgb(STEP_LIGHT), _rgb(style.BACKWARD), _rgb(STEP_DARK)]
    out = []
    for k in range(T):
        f = 2.0 * k / max(T - 1, 1)                 # 0..2 across the two segments
        i = min(int(f), 1)
        rgb = stops[i] + (f - i) * (stops[i + 1] - stops[i])
        out.append("#" + "".join(f"{int(c + 0.5):02x}" for c in rgb))
    return out


def ring(svg: Svg, cx: float, cy: float, r: float = 5.5, fill: str = "white", stroke: str = INK,
         width: float = 2.0) -> None:
    """A filled circle with a visible rim (the "sum so far" marker)."""
    svg.parts.append(f'<circle cx="{_num(float(cx))}" cy="{_num(float(cy))}" r="{_num(float(r))}" '
                     f'fill="{fill}" stroke="{stroke}" stroke-width="{_num(float(width))}"/>')


def sign_mark(value: float, scale: float) -> str:
    """'+' or '−' for a value clearly away from zero on this scale, '' for a near-zero one."""
    if not np.isfinite(value) or abs(value) < SIGN_FRACTION * scale:
        return ""
    return "+" if value > 0 else "−"


def _text_on(colour: str) -> str:
    """Ink that reads on a cell of this colour: white on dark cells, near-black otherwise."""
    r, g, b = _rgb(colour)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else INK


def png_bytes(rgb) -> bytes:
    """An (m, n, 3) uint8 array as PNG bytes (8-bit RGB, no filter): a few lines of zlib."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or 0 in rgb.shape:
        raise ValueError(f"rgb must have shape (m, n, 3), got {rgb.shape}")
    m, n, _ = rgb.shape
    raw = np.concatenate([np.zeros((m, 1), dtype=np.uint8), rgb.reshape(m, 3 * n)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, m, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b""))


def _diverging_rgb(matrix: np.ndarray, scale: float) -> np.ndarray:
    """(m, n, 3) uint8 colours of style.DIVERGING_CMAP for signed values in [-scale, scale]."""
    import matplotlib as mpl

    scaled = np.clip((np.nan_to_num(matrix) / (scale or 1.0) + 1) / 2, 0, 1)
    return mpl.colormaps[style.DIVERGING_CMAP](scaled, bytes=True)[..., :3]


def heatmap(svg: Svg, x: float, y: float, w: float, h: float, matrix, scale: float,
            signs: bool = True, outline: str | None = None, outline_width: float = 3.0) -> None:
    """A (m, n) matrix as m x n cells filling (x, y, w, h), blue < 0 < red on [-scale, scale].

    signs: write "+" / "−" in each clearly non-zero cell (when the cells are big enough);
    outline: a colour to frame the whole matrix with (e.g. the newest term), else a thin grey frame.
    A matrix of more than MAX_CELLS cells (too small for signs anyway) is one embedded PNG of
    m x n pixels that the browser enlarges without smoothing (``image-rendering: pixelated``):
    the cells stay sharp-edged at any zoom, and the frame stays small and fast to write.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or 0 in matrix.shape:
        raise ValueError(f"matrix must be a non-empty 2-D array, got shape {matrix.shape}")
    m, n = matrix.shape
    cw, ch = w / n, h / m
    if m * n > MAX_CELLS:
        data = base64.b64encode(png_bytes(_diverging_rgb(matrix, scale))).decode("ascii")
        svg.parts.append(f'<image x="{_num(float(x))}" y="{_num(float(y))}" width="{_num(float(w))}" '
                         f'height="{_num(float(h))}" preserveAspectRatio="none" '
                         f'style="image-rendering:pixelated" href="data:image/png;base64,{data}"/>')
    else:
        colours = diverging_colours(matrix, scale)
        size = min(ch * 0.62, cw * 0.62, 16.0)
        write = signs and size >= 8
        for k, colour in enumerate(colours):
            i, j = divmod(k, n)
            svg.rect(x + j * cw, y + i * ch, cw + 0.3, ch + 0.3, fill=colour)   # +0.3: no hairline gaps
            if write:
                mark = sign_mark(matrix[i, j], scale)
                if mark:
                    svg.text(x + (j + 0.5) * cw, y + (i + 0.5) * ch, mark, size, "middle",
                             _text_on(colour), weight="bold")
    if outline:
        svg.rect(x - outline_width / 2, y - outline_width / 2, w + outline_width, h + outline_width,
                 stroke=outline, stroke_width=outline_width)
    else:
        svg.rect(x, y, w, h, stroke=MUTED, stroke_width=0.8)


def colour_bar(svg: Svg, x: float, y: float, h: float, scale: float, width: float = 14.0,
               fmt: str = "{:+.2g}") -> None:
    """A vertical key for :func:`heatmap` (+scale at the top, −scale at the bottom), labelled."""
    steps = 24
    values = np.linspace(scale, -scale, steps)
    for k, colour in enumerate(diverging_colours(values, scale)):
        svg.rect(x, y + k * h / steps, width, h / steps + 0.3, fill=colour)
    svg.rect(x, y, width, h, stroke=MUTED, stroke_width=0.8)
    for value, yy in ((scale, y), (0.0, y + h / 2), (-scale, y + h)):
        svg.line(x + width, yy, x + width + 4, yy, MUTED, 1)
        label = "0" if value == 0 else fmt.format(value).replace("-", "−")
        svg.text(x + width + 7, yy, label, 11, "start", MUTED, mono=True)
    svg.text(x + width / 2, y - 12, "+ red", 11, "middle", INK)
    svg.text(x + width / 2, y + h + 13, "− blue", 11, "middle", INK)


def step_strip(svg: Svg, x: float, y: float, w: float, T: int, t: int, colours=None,
               label: str = "steps added") -> float:
    """Steps 1..T as small boxes from (x, y), at most ``w`` wide: 1..t filled, t outlined thick.

    colours: one fill per step (default light grey); steps after t are white with a dashed
    outline. Returns the y just below the strip and its numbers.
    """
    if not 0 <= t <= T:
        raise ValueError(f"t must lie in 0..{T}, got {t}")
    svg.text(x, y + 6, label, 12, "start", INK)
    y += 19
    pitch = min(26.0, w / T)
    side = max(pitch - 3, 2.0)
    numbered = set(range(1, T + 1)) if pitch >= 18 else {1, T, t} - {0}
    for s in range(1, T + 1):
        bx = x + (s - 1) * pitch
        if s <= t:
            fill = colours[s - 1] if colours is not None else "#d9d9d9"
            svg.rect(bx, y, side, side, fill=fill, stroke=INK if s == t else "white",
                     stroke_width=1)
        else:
            svg.rect(bx, y, side, side, fill="white", stroke=UNREAD, stroke_width=1, dash="3 2")
        if s in numbered:
            svg.text(bx + side / 2, y + side + 9, str(s), 10, "middle",
                     INK if s <= t else MUTED, weight="bold" if s == t else None)
    if t:
        bx = x + (t - 1) * pitch
        svg.rect(bx - 2, y - 2, side + 4, side + 4, stroke=style.HIGHLIGHT, stroke_width=3)
    return y + side + 18
