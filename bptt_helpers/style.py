"""One look for the whole series: two fixed colours and projector-sized fonts.

Forward quantities (x, a, h, o, ŷ, L) are drawn in FORWARD; gradients (dL/d·)
in BACKWARD. Importing this module does not import matplotlib.
"""

FORWARD = "#1f6fb4"      # blue: values computed by the forward pass
BACKWARD = "#d1495b"     # red: gradients flowing back
NEUTRAL = "#8c8c8c"      # grey: everything else (edges, inactive columns)
HIGHLIGHT = "#f4a259"    # orange: the current timestep in steppers
DIVERGING_CMAP = "RdBu_r"  # heatmaps of signed values, centred on zero

FONT_SIZE = 14
RC_PARAMS = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE + 2,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE - 2,
    "ytick.labelsize": FONT_SIZE - 2,
    "legend.fontsize": FONT_SIZE - 2,
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def apply() -> None:
    """Set matplotlib's rcParams to the series' style (imports matplotlib)."""
    import matplotlib as mpl

    mpl.rcParams.update(RC_PARAMS)
