"""Figures of gradients as sums over timesteps (bptt_helpers.plots.sums)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from bptt_helpers import style
from bptt_helpers.plots import sums


def test_stacked_bars_draw_each_step_and_mark_the_total():
    terms = np.array([[1.0, -2.0, 0.5], [0.5, 1.0, -0.5], [-1.0, 0.5, 0.25]])
    fig = sums.draw_stacked_bars(terms, 2, terms.sum(axis=0), name="c", labels=["a", "b", "c"])
    ax = fig.axes[0]
    # two steps x (positive + negative bars) x 3 components
    assert len(ax.patches) == 2 * 2 * 3
    dots = [line for line in ax.lines if line.get_marker() == "o"][0]
    np.testing.assert_allclose(dots.get_ydata(), terms[:2].sum(axis=0))
    assert "steps 1..2 of τ = 3" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    newest = [p for p in ax.patches if p.get_linewidth() == 2.5]
    assert len(newest) == 6  # only the bars of step 2 are outlined


def test_stacked_bars_at_zero_and_bad_input():
    terms = np.ones((2, 3))
    fig = sums.draw_stacked_bars(terms, 0, None)
    assert len(fig.axes[0].patches) == 0
    with pytest.raises(ValueError, match="t must be"):
        sums.draw_stacked_bars(terms, 3)
    with pytest.raises(ValueError, match="terms must have shape"):
        sums.draw_stacked_bars(np.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="labels must have"):
        sums.draw_stacked_bars(terms, 1, labels=["a"])
    with pytest.raises(ValueError, match="total must have shape"):
        sums.draw_stacked_bars(terms, 1, total=np.ones(2))


def test_accumulating_heatmap_shows_term_sum_and_total():
    rng = np.random.default_rng(0)
    terms = rng.normal(size=(4, 3, 2))
    fig = sums.draw_accumulating_heatmap(terms, 3, terms.sum(axis=0), name="W", term_label="g ⊗ h")
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3
    np.testing.assert_allclose(panels[0].images[0].get_array(), terms[2])
    np.testing.assert_allclose(panels[1].images[0].get_array(), terms[:3].sum(axis=0))
    np.testing.assert_allclose(panels[2].images[0].get_array(), terms.sum(axis=0))
    # one colour scale for all panels, centred on zero
    limits = {panel.images[0].get_clim() for panel in panels}
    assert len(limits) == 1 and list(limits)[0][0] == -list(limits)[0][1]
    assert "term of step 3" in panels[0].get_title()
    assert "Σ_t g ⊗ h" in fig._suptitle.get_text()
    done = sums.draw_accumulating_heatmap(terms, 4, terms.sum(axis=0))
    assert "max |diff| < 10⁻¹² ✓" in [ax for ax in done.axes if ax.images][2].get_title()


def test_one_row_jacobian_is_zero_except_row_i():
    h = np.array([0.5, -0.25, 0.75])
    fig = sums.draw_one_row_jacobian(h, 2, 4)
    ax = fig.axes[0]
    jac = ax.images[0].get_array()
    expected = np.zeros((4, 3))
    expected[2] = h
    np.testing.assert_array_equal(jac, expected)
    assert any(p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(style.HIGHLIGHT) for p in ax.patches)
    with pytest.raises(ValueError, match="i must be"):
        sums.draw_one_row_jacobian(h, 4, 4)
    with pytest.raises(ValueError, match="h must be"):
        sums.draw_one_row_jacobian(np.ones((2, 2)), 0, 4)
