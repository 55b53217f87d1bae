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


def png_bytes(fig, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes (no software version in the metadata, so they are stable).

    A figure that pyplot does know about is closed afterwards.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi if dpi is not None else "figure",
                bbox_inches="tight", metadata={"Software": None})
    if getattr(fig, "canvas", None) is not None and getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buffer.getvalue()
