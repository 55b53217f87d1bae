"""Figures for widgets, made without pyplot.

A widget redraws inside a callback (a button click, a Play tick), outside any cell
execution. Figures made there with ``plt.figure`` live in pyplot's global registry,
where the inline backend may show, close or reuse them at odd moments: the browser
test saw blank, stale and half-drawn pictures. A plain ``matplotlib.figure.Figure``
belongs to nobody but the caller, so every redraw is independent.
"""

from __future__ import annotations

import io


def figure(figsize: tuple[float, float]):
    """A new Figure that pyplot does not know about."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **kwargs):
    """Like ``plt.subplots``, but without pyplot: returns ``(fig, axes)``."""
    fig = figure(figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


# Colours a stored figure keeps: a chart has a few colours and their anti-aliased edges; 128 of
# them draw it as the full-colour PNG does (looked at side by side), at a quarter of the bytes or
# less for a noisy curve (notebook 10's training curves: 196 kB -> 38 kB).
PALETTE = 128


def png_bytes(fig, dpi: float | None = None, palette: int | None = PALETTE) -> bytes:
    """The figure as PNG bytes (no software version in the metadata, so they are stable).

    palette: an opaque figure is stored with at most this many colours (an 8-bit PNG, median
    cut, no dithering: the same picture on every run); None keeps every colour.
    A figure that pyplot does know about is closed afterwards.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi if dpi is not None else "figure",
                bbox_inches="tight", metadata={"Software": None})
    if getattr(fig, "canvas", None) is not None and getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return _palette(buffer.getvalue(), palette) if palette else buffer.getvalue()


def _palette(png: bytes, colours: int) -> bytes:
    """An opaque RGB(A) PNG with at most ``colours`` colours; anything else as it is."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.mode not in ("RGB", "RGBA") or (image.mode == "RGBA" and image.getextrema()[3][0] < 255):
        return png
    # method 0 = median cut, dither 0 = none (numbers: Pillow's enums are newer than its floor)
    small = image.convert("RGB").quantize(colors=colours, method=0, dither=0)
    out = io.BytesIO()
    small.save(out, format="png", optimize=True)
    return out.getvalue() if len(out.getvalue()) < len(png) else png
