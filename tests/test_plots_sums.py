"""Figures of gradients as sums over timesteps (bptt_helpers.plots.sums)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from bptt_helpers import style
from bptt_helpers.plots import sums


def test_one_row_jacobian_is_zero_except_row_i():
    h = np.array([0.5, -0.25, 0.75])
    fig = sums.draw_one_row_jacobian(h, 2, 4)
    ax = fig.axes[0]
    jac = ax.images[0].get_array()
    expected = np.zeros((4, 3))
    expected[2] = h
    np.testing.assert_array_equal(jac, expected)
    assert any(p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(style.HIGHLIGHT_EDGE) for p in ax.patches)
    with pytest.raises(ValueError, match="i must be"):
        sums.draw_one_row_jacobian(h, 4, 4)
    with pytest.raises(ValueError, match="h must be"):
        sums.draw_one_row_jacobian(np.ones((2, 2)), 0, 4)
