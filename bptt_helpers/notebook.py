"""One call at the top of every notebook: series style, inline figures, stable output."""

from __future__ import annotations


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
