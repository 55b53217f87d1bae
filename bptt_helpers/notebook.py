"""One call at the top of every notebook (series style, inline figures, stable output), and
show_figure: a figure with its text alternative and a visible "What to notice" caption."""

from __future__ import annotations

import base64


def setup(seed: int = 0):
    """Apply the series' matplotlib style and inline-figure settings; return a seeded Generator.

    Figures are stored as PNG without the matplotlib version in their metadata, so
    re-executing a notebook gives the same file.
    """
    import numpy as np

    from . import style

    style.apply()
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        ip = None
    else:
        ip = get_ipython()
    if ip is not None:
        ip.run_line_magic("matplotlib", "inline")
        ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
        ip.run_line_magic("config", "InlineBackend.print_figure_kwargs = "
                                    "{'bbox_inches': 'tight', 'metadata': {'Software': None}}")
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    return np.random.default_rng(seed)


def show_figure(fig=None, alt: str | None = None, notice: str | None = None):
    """Show a figure with its words: the PNG with a text alternative, then a visible caption.

    fig: a matplotlib Figure or Axes (default: pyplot's current figure). ``alt`` and
    ``notice`` default to the texts the plotting helper attached (``plots.describe``); one
    given here replaces that one. Raises ValueError when a text is missing or generic, so no
    figure is shown undescribed. The PNG's display output carries ``alt`` in
    ``metadata["image/png"]["alt"]`` (what the static pages write as the image's alt) and as
    its text/plain; the caption "What to notice: ..." follows as its own output, visible in
    JupyterLab too (WCAG technique G74). A pyplot figure is closed afterwards, so the inline
    backend does not show it a second time. Returns None (so that a cell ending in this call
    echoes nothing more); the texts are ``plots.describe.text_of(fig)`` or the arguments.
    """
    from .plots.canvas import png_bytes
    from .plots.describe import FigureText, text_of

    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.gcf()
    figure = fig if hasattr(fig, "savefig") else getattr(fig, "figure", None)
    if figure is None:
        raise TypeError(f"show_figure() needs a matplotlib Figure or Axes, got {type(fig).__name__}")
    attached = text_of(figure)
    if alt is None or notice is None:
        if attached is None:
            raise ValueError("this figure has no description: pass alt= and notice= (what it "
                             "shows, and what to notice in it, in words)")
        alt = attached.alt if alt is None else alt
        notice = attached.notice if notice is None else notice
    text = FigureText(alt, notice)          # checks both
    data = png_bytes(figure)                # closes a pyplot figure
    caption = f"What to notice: {text.notice}"
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: the words are all we can show
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(text.alt)
        print(caption)
        return None
    display({"image/png": base64.b64encode(data).decode("ascii"), "text/plain": text.alt}, raw=True,
            metadata={"image/png": {"alt": text.alt}})
    display({"text/markdown": f"**What to notice:** {_markdown_escape(text.notice)}",
             "text/plain": caption}, raw=True)
    return None


def _markdown_escape(text: str) -> str:
    """``text`` with the characters Markdown would read as formatting escaped."""
    return "".join(f"\\{ch}" if ch in "\\`*_[]<>#|$" else ch for ch in text)
