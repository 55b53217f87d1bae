"""The matplotlib figures of the series meet WCAG 2.1 AA on white, and never tell forward from
backward by colour alone.

- Text (1.4.3): every visible text has 4.5:1 contrast on white (white text is only ever
  written on dark heatmap cells).
- Lines, arrows, outlines and marks that carry meaning (1.4.11): 3:1 on white. Grid lines and
  the faint per-batch loss (alpha < 0.5) are decoration, and so are light fills behind text.
- Forward vs backward (1.4.1): a line or arrow drawn in ``style.BACKWARD`` (a gradient) is
  dashed, one in ``style.FORWARD`` is solid, as in the SVG widgets.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb, to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from bptt_helpers import style  # noqa: E402
from bptt_helpers.plots import embedding, forward, graph, hidden, long_range, softmax, sums, training  # noqa: E402
from tools.cvd_preview import contrast  # noqa: E402

WHITE = np.ones(3)


def _figures():
    rng = np.random.default_rng(0)
    y_hat = np.array([0.05, 0.6, 0.2, 0.15])
    J = np.zeros((3, 2, 2))
    J[0] = np.eye(2)
    dE = rng.normal(size=(3, 2))
    t = np.arange(1, 21)
    yield "graph forward", graph.draw_unrolled_graph(5, highlight=2, token_labels=list("abcde")).figure
    yield "graph backward", graph.draw_unrolled_graph(20, show="backward", highlight=9).figure
    yield "graph plan", graph.draw_unrolled_graph(6, show="plan").figure
    yield "cache cost", forward.plot_cache_cost([1, 2, 4], [1e3, 2e3, 4e3], [1e-3, 2e-3, 5e-3]).figure
    yield "softmax jacobian", softmax.plot_softmax_jacobian(y_hat, labels="abcd", target=1)
    yield "dlogits", softmax.plot_dlogits(y_hat, 2, 5, labels="abcd").figure
    yield "dhidden", hidden.plot_dhidden_norms(rng.normal(size=(20, 3)),
                                               np.outer(0.5 ** (20 - t), [1, 1, 0])).figure
    yield "one-row jacobian", sums.draw_one_row_jacobian(np.array([0.9, -0.2, 0.4]), 1, 3)
    yield "jacobian tensor", embedding.plot_jacobian_tensor(J, 0, labels="ab ",
                                                             J_unfolded=J.reshape(3, 4).T)
    yield "dE rows", embedding.plot_scatter_comparison([("a", dE), ("b", 2 * dE)], [0, 1, 2], "abc",
                                                       [1, 2, 0])
    yield "loss curve", training.plot_loss_curve(3 - np.log(t), 5, baseline=3.0, val_before=3.1,
                                                 val_after=1.0)
    profiles = {f"ρ = {r}": r ** (20.0 - t) for r in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)}
    yield "norm profiles", long_range.norm_profiles_figure(profiles, title="profiles")
    yield "eigenvalues", long_range.eigenvalue_figure(rng.normal(size=(8, 8)))
    yield "ratio", long_range.ratio_figure([0.5, 1, 2, 3], [-10, -5, 1, 3], critical=1.9)
    yield "curves", long_range.curves_figure({f"run {k}": 3 - np.log(t + k) for k in range(6)}, "loss",
                                             logy=True, hline=(1.0, "chance"))


FIGURES = dict(_figures())


def _visible(artist) -> bool:
    return artist.get_visible() and (artist.get_alpha() is None or artist.get_alpha() >= 0.5)


@pytest.mark.parametrize("name", FIGURES)
def test_text_has_4_5_to_1_contrast(name):
    fig = FIGURES[name]
    fig.canvas.draw()
    texts = [t for t in fig.findobj(Text) if _visible(t) and t.get_text().strip()]
    assert texts
    for text in texts:
        rgb = np.array(to_rgb(text.get_color()))
        if np.allclose(rgb, 1.0):
            assert name in ("softmax jacobian", "one-row jacobian", "jacobian tensor"), \
                f"{name}: white text {text.get_text()!r} outside a heatmap"
            continue
        assert contrast(rgb, WHITE) >= 4.5, (name, text.get_text(), text.get_color())


@pytest.mark.parametrize("name", FIGURES)
def test_lines_and_outlines_have_3_to_1_contrast(name):
    fig = FIGURES[name]
    for line in fig.findobj(Line2D):
        if _visible(line) and line.get_linewidth() > 0 and len(line.get_xdata()) > 0:
            assert contrast(np.array(to_rgb(line.get_color())), WHITE) >= 3, (name, line.get_label())
    for patch in fig.findobj(Patch):
        if not patch.get_visible() or patch is fig.patch:
            continue
        edge, face = to_rgba(patch.get_edgecolor()), to_rgba(patch.get_facecolor())
        edge_ok = patch.get_linewidth() >= 1 and edge[3] >= 0.5 and contrast(np.array(edge[:3]), WHITE) >= 3
        if isinstance(patch, FancyArrowPatch) or (not patch.get_fill() and edge[3] > 0):
            assert edge_ok, (name, type(patch).__name__, patch.get_gid(), patch.get_edgecolor())
        elif face[3] >= 0.5 and not np.allclose(face[:3], 1.0) and patch.get_gid() is None:
            # a filled mark (a bar): its fill or its outline stands out from the page
            assert edge_ok or contrast(np.array(face[:3]), WHITE) >= 3, (name, patch, face)


@pytest.mark.parametrize("name", FIGURES)
def test_gradients_are_dashed_and_forward_values_solid(name):
    fig = FIGURES[name]
    backward, forward_ = to_rgb(style.BACKWARD), to_rgb(style.FORWARD)
    for artist in list(fig.findobj(Line2D)) + list(fig.findobj(FancyArrowPatch)):
        colour = to_rgb(artist.get_color() if isinstance(artist, Line2D) else artist.get_edgecolor())
        if isinstance(artist, Line2D) and (len(artist.get_xdata()) < 2 or artist.get_linestyle() == "None"):
            continue    # a single marker (the validation points) or a legend's marker-only handle
        solid = artist.get_linestyle() in ("-", "solid")
        if colour == backward:
            assert not solid, f"{name}: a gradient drawn solid"
        elif colour == forward_ and name != "norm profiles" and name != "curves":
            assert solid, f"{name}: a forward value drawn dashed"


def test_graph_views_differ_by_more_than_colour():
    fwd = FIGURES["graph forward"].axes[0]
    back = FIGURES["graph backward"].axes[0]
    styles = {ax: {p.get_linestyle() for p in ax.patches if isinstance(p, FancyArrowPatch)}
              for ax in (fwd, back)}
    assert styles[fwd] == {"-"} and styles[back] == {"--"}


@pytest.mark.parametrize("name", ["norm profiles", "curves"])
def test_several_curves_differ_by_marker_and_line_style(name):
    ax = FIGURES[name].axes[0]
    curves = [line for line in ax.get_lines() if not line.get_label().startswith("_")
              and len(line.get_xdata()) > 2]
    assert len(curves) == 6
    assert len({line.get_marker() for line in curves}) == 6
    assert len({line.get_linestyle() for line in curves}) >= 4   # matplotlib names custom dashes "--"


def test_dlogits_target_bar_is_hatched():
    ax = FIGURES["dlogits"].axes[0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_height() < 0
