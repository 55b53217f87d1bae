"""One look for the whole series: two fixed colours and projector-sized fonts.

Forward quantities (x, a, h, o, ŷ, L) are drawn in FORWARD; gradients (dL/d·)
in BACKWARD. Importing this module does not import matplotlib.
"""

FORWARD = "#1f6fb4"      # blue: values computed by the forward pass
BACKWARD = "#d1495b"     # red: gradients flowing back
NEUTRAL = "#8c8c8c"      # grey: everything else (edges, inactive columns)
HIGHLIGHT = "#f4a259"    # orange: the current timestep in steppers
DIVERGING_CMAP = "RdBu_r"  # heatmaps of signed values, centred on zero

# Contrast on white (WCAG 2.1: text 4.5:1, essential lines and marks 3:1). FORWARD 5.3:1 serves
# lines and text; BACKWARD 4.4:1 and NEUTRAL 3.4:1 serve lines only; HIGHLIGHT 2.1:1 serves
# fills only (bands, cells). For text and outlines the figures use these:
BACKWARD_INK = "#b83245"   # red text of gradients: 5.9:1
MUTED_INK = "#595959"      # grey text: 7.0:1 (the SVG widgets' MUTED)
HIGHLIGHT_EDGE = "#a34e00"  # outline or line of the current item: 5.8:1, an orange
# Forward and backward never differ by colour alone: gradients are drawn dashed (as in the
# SVG widgets), forward values solid.
FORWARD_LINESTYLE = "-"
BACKWARD_LINESTYLE = "--"

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
