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

import struct
import zlib

import numpy as np

from .. import style
from .svg import INK, MUTED, SMALL, Svg

STEP_LIGHT, STEP_DARK = "#f6c9cf", "#5e1420"   # early and late steps, around style.BACKWARD
UNREAD = "#bdbdbd"                              # outline of what is still to come
SIGN_FRACTION = 0.05                            # |value| below this share of the scale: no sign mark
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
    svg.circle(cx, cy, r, fill, stroke, float(width))


def sign_mark(value: float, scale: float) -> str:
    """'+' or '−' for a value clearly away from zero on this scale, '' for a near-zero one."""
    if not np.isfinite(value) or abs(value) < SIGN_FRACTION * scale:
        return ""
    return "+" if value > 0 else "−"


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


def diverging_rgb(matrix: np.ndarray, scale: float) -> np.ndarray:
    """(m, n, 3) uint8 colours of style.DIVERGING_CMAP for signed values in [-scale, scale]."""
    import matplotlib as mpl

    scaled = np.clip((np.nan_to_num(matrix) / (scale or 1.0) + 1) / 2, 0, 1)
    return mpl.colormaps[style.DIVERGING_CMAP](scaled, bytes=True)[..., :3]


def heatmap(svg: Svg, x: float, y: float, w: float, h: float, matrix, scale: float,
            signs: bool = True, outline: str | None = None, outline_width: float = 3.0) -> None:
    """A (m, n) matrix as m x n cells filling (x, y, w, h), blue < 0 < red on [-scale, scale].

    The cells are one embedded PNG of m x n pixels that the browser enlarges without smoothing
    (``image-rendering: pixelated``): sharp-edged at any zoom, and a few hundred bytes.
    signs: write "+" / "−" in each clearly non-zero cell when the cells are big enough for
    16-unit marks (one text element per row and ink, the marks placed by their x positions);
    outline: a colour to frame the whole matrix with (e.g. the newest term), else a thin grey frame.
    """
    heatmaps(svg, x, y, w, h, [matrix], scale, signs=signs, outlines=[outline],
             outline_width=outline_width)


def heatmaps(svg: Svg, x: float, y: float, w: float, h: float, matrices, scale: float,
             gap: int = 1, signs: bool = True, outlines=None, outline_width: float = 3.0) -> float:
    """Matrices of one shape side by side, each (w x h), ``gap`` cells apart, as ONE PNG (the gap
    columns white), each with its signs and its frame (``outlines``: a colour per matrix, or
    None for the thin grey frame). Returns the x where each next panel would start."""
    matrices = [np.asarray(mat, dtype=np.float64) for mat in matrices]
    if not matrices or any(mat.ndim != 2 or 0 in mat.shape for mat in matrices):
        raise ValueError("matrix must be a non-empty 2-D array, got shapes "
                         f"{[np.shape(mat) for mat in matrices]}")
    m, n = matrices[0].shape
    if any(mat.shape != (m, n) for mat in matrices):
        raise ValueError(f"matrices must share one shape, got {[mat.shape for mat in matrices]}")
    cw, ch = w / n, h / m
    rgbs = [diverging_rgb(mat, scale) for mat in matrices]
    white = np.full((m, gap, 3), 255, dtype=np.uint8)
    parts = []
    for k, rgb in enumerate(rgbs):
        parts += ([white] if k else []) + [rgb]
    k = len(matrices)
    svg.image_png(x, y, k * w + (k - 1) * gap * cw, h, png_bytes(np.concatenate(parts, axis=1)))
    size = min(ch * 0.62, cw * 0.62, 18.0)
    outlines = list(outlines) if outlines is not None else [None] * k
    for k, (mat, rgb, outline) in enumerate(zip(matrices, rgbs, outlines, strict=True)):
        px = x + k * (w + gap * cw)
        if signs and size >= 16 and m * n <= MAX_CELLS:
            light = (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) < 140
            for ink in (INK, "white"):
                for i in range(m):
                    marks = [(px + (j + 0.5) * cw, sign_mark(mat[i, j], scale)) for j in range(n)
                             if (ink == "white") == bool(light[i, j])]
                    marks = [(mx, mark) for mx, mark in marks if mark]
                    if marks:
                        svg.text(0, round(y + (i + 0.5) * ch), "".join(mk for _, mk in marks), size,
                                 "middle", ink, weight="bold", xs=[round(mx) for mx, _ in marks])
        if outline:
            svg.rect(px - outline_width / 2, y - outline_width / 2, w + outline_width,
                     h + outline_width, stroke=outline, stroke_width=outline_width)
        else:
            svg.rect(px, y, w, h, stroke=MUTED, stroke_width=0.8)
    return x + k * (w + gap * cw) + w + gap * cw


def colour_bar(svg: Svg, x: float, y: float, h: float, scale: float, width: float = 16.0,
               fmt: str = "{:+.2g}") -> None:
    """A vertical key for :func:`heatmap` (+scale at the top, −scale at the bottom), labelled."""
    values = np.linspace(scale, -scale, 24)[:, None]
    svg.image_png(x, y, width, h, png_bytes(diverging_rgb(values, scale)))
    svg.rect(x, y, width, h, stroke=MUTED, stroke_width=0.8)
    marks = ((scale, y), (0.0, y + h / 2), (-scale, y + h))
    svg.lines([(x + width, yy, x + width + 5, yy) for _, yy in marks], MUTED, 1)
    for value, yy in marks:
        label = "0" if value == 0 else fmt.format(value).replace("-", "−")
        svg.text(x + width + 8, yy, label, SMALL, "start", MUTED, mono=True)
    svg.text(x + width / 2, y - 14, "+ red", SMALL, "middle", INK)
    svg.text(x + width / 2, y + h + 16, "− blue", SMALL, "middle", INK)


def step_strip(svg: Svg, x: float, y: float, w: float, T: int, t: int, colours=None,
               label: str = "steps added", first: int = 1) -> float:
    """Terms 1..T as small boxes from (x, y), at most ``w`` wide: 1..t filled, t outlined thick,
    numbered from ``first`` (the index the sum gives its first term: 1, or 0 for W).

    colours: one fill per step (default light grey); terms after t are white with a dashed
    outline. Returns the y just below the strip and its numbers.
    """
    if not 0 <= t <= T:
        raise ValueError(f"t must lie in 0..{T}, got {t}")
    svg.text(x, y + 6, label, SMALL, "start", INK)
    y += 19
    pitch = min(30.0, w / T)
    side = max(pitch - 4, 2.0)
    numbered = set(range(1, T + 1)) if pitch >= 26 else {1, T, t} - {0}
    boxes = [(s, x + (s - 1) * pitch) for s in range(1, T + 1)]
    for _, bx in boxes:             # shared: the empty boxes and their numbers
        svg.rect(bx, y, side, side, fill="white", stroke=UNREAD, stroke_width=1, dash="3 2")
    for s, bx in boxes:
        if s in numbered:
            svg.text(bx + side / 2, y + side + 11, str(s - 1 + first), SMALL, "middle", MUTED)
    for s, bx in boxes[:t]:         # this step: the terms added so far, filled
        fill = colours[s - 1] if colours is not None else "#d9d9d9"
        svg.rect(bx, y, side, side, fill=fill, stroke=INK if s == t else "white", stroke_width=1)
    if t:
        bx = x + (t - 1) * pitch
        svg.rect(bx - 2, y - 2, side + 4, side + 4, stroke=style.HIGHLIGHT, stroke_width=3)
        svg.text(bx + side / 2, y + side + 11, str(t - 1 + first), SMALL, "middle", INK, weight="bold")
    return y + side + 22
