"""Figure 1 drawn by the package: structure of the unrolled graph and argument checks."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from bptt_helpers import style  # noqa: E402
from bptt_helpers.plots.graph import (  # noqa: E402
    MAX_FULL_COLUMNS,
    ROWS,
    draw_unrolled_graph,
    visible_steps,
)


def gids(ax, prefix):
    return sorted(p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith(prefix))


def arrow_colours(ax):
    return {to_rgba(p.get_edgecolor()) for p in ax.patches if isinstance(p, FancyArrowPatch)}


@pytest.mark.parametrize("tau", [1, 3, 8, 12])
def test_every_column_and_node_is_drawn(tau):
    ax = draw_unrolled_graph(tau)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert gids(ax, "column:") == sorted(f"column:{t}" for t in range(1, tau + 1))
    nodes = gids(ax, "node:")
    # six nodes per column, plus h(0) and the mean loss L
    assert len(nodes) == 6 * tau + 2
    assert "node:h:0" in nodes and "node:L" in nodes
    for key, _, _ in ROWS:
        assert f"node:{key}:{tau}" in nodes


def test_edge_count_forward():
    tau = 4
    ax = draw_unrolled_graph(tau)
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    # per column: 5 vertical edges, 1 recurrence edge h(t-1)->h(t), 1 edge L(t)->L
    assert len(arrows) == 7 * tau


def test_long_sequences_are_elided_but_keep_ends_and_highlight():
    tau = 40
    steps = visible_steps(tau, highlight=20)
    assert steps[:3] == [1, 2, 3] and steps[-3:] == [38, 39, 40]
    assert {19, 20, 21} <= set(steps)
    assert len(steps) < MAX_FULL_COLUMNS
    ax = draw_unrolled_graph(tau, highlight=20)
    assert gids(ax, "column:") == sorted(f"column:{t}" for t in steps)
    assert sum(t.get_text() == "…" for t in ax.texts) >= 2


def test_highlight_marks_one_column():
    ax = draw_unrolled_graph(5, highlight=3)
    bands = [p for p in ax.patches if p.get_gid() == "highlight"]
    assert len(bands) == 1
    column = next(p for p in ax.patches if p.get_gid() == "column:3")
    assert np.isclose(bands[0].get_x(), column.get_x())
    assert to_rgba(bands[0].get_facecolor())[:3] == to_rgba(style.HIGHLIGHT)[:3]
    assert not [p for p in draw_unrolled_graph(5).patches if p.get_gid() == "highlight"]


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_highlight_out_of_range_raises(bad):
    with pytest.raises(ValueError, match="highlight"):
        draw_unrolled_graph(5, highlight=bad)


def test_highlight_wrong_type_raises():
    with pytest.raises(TypeError, match="highlight"):
        draw_unrolled_graph(5, highlight=2.0)


@pytest.mark.parametrize("bad", [0, -3])
def test_bad_tau_raises_value_error(bad):
    with pytest.raises(ValueError, match="tau"):
        draw_unrolled_graph(bad)


@pytest.mark.parametrize("bad", [2.5, "3", True, None])
def test_non_integer_tau_raises_type_error(bad):
    with pytest.raises(TypeError, match="tau"):
        draw_unrolled_graph(bad)


def test_numpy_integer_tau_is_accepted():
    ax = draw_unrolled_graph(np.int64(3), highlight=np.int64(2))
    assert len(gids(ax, "column:")) == 3


def test_bad_show_raises():
    with pytest.raises(ValueError, match="show"):
        draw_unrolled_graph(3, show="sideways")


def test_token_labels_length_checked():
    with pytest.raises(ValueError, match="token_labels"):
        draw_unrolled_graph(3, token_labels=["a", "b"])
    ax = draw_unrolled_graph(3, token_labels=["a", "b", "c"])
    assert {"'a'", "'b'", "'c'"} <= {t.get_text() for t in ax.texts}


def test_forward_and_backward_colours_and_directions():
    fwd = draw_unrolled_graph(3, show="forward")
    bwd = draw_unrolled_graph(3, show="backward")
    assert arrow_colours(fwd) == {to_rgba(style.FORWARD)}
    assert arrow_colours(bwd) == {to_rgba(style.BACKWARD)}

    def recurrence(ax):  # arrows on the h row, as (start x, end x)
        y = dict((k, y) for k, y, _ in ROWS)["h"]
        out = []
        for p in ax.patches:
            if isinstance(p, FancyArrowPatch):
                (x0, y0), (x1, y1) = p._posA_posB
                if np.isclose(y0, y) and np.isclose(y1, y):
                    out.append((x0, x1))
        return out

    assert all(x1 > x0 for x0, x1 in recurrence(fwd))   # h(t-1) -> h(t)
    assert all(x1 < x0 for x0, x1 in recurrence(bwd))   # gradients run t -> t-1
    assert len(recurrence(fwd)) == len(recurrence(bwd)) == 3


def test_plan_marks_parallel_and_sequential():
    ax = draw_unrolled_graph(4, show="plan")
    assert gids(ax, "plan:") == ["plan:parallel", "plan:sequential"]
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "parallel" in texts and "sequential, t = τ..1" in texts
    assert to_rgba(style.BACKWARD) in arrow_colours(ax)


def test_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_unrolled_graph(2, ax=right) is right
    assert not left.patches
