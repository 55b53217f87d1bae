"""The Jacobians of §3.1-3.2 (bptt_helpers.lessons.jacobians) and the figures of notebooks 03 and 04."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bptt_helpers as bh  # noqa: E402
from bptt_helpers import grads_fast  # noqa: E402
from bptt_helpers.forward_pass import hidden_state, preactivation, softmax  # noqa: E402
from bptt_helpers.lessons.jacobians import (  # noqa: E402
    chain_rule_dlogits,
    hidden_step_jacobian,
    numerical_jacobian,
    softmax_jacobian,
)
from bptt_helpers.plots.hidden import plot_dhidden_norms  # noqa: E402
from bptt_helpers.plots.softmax import plot_dlogits, plot_softmax_jacobian  # noqa: E402


@pytest.fixture
def y_hat():
    return softmax(np.random.default_rng(0).normal(size=6) * 2)


def test_softmax_jacobian_matches_finite_differences(y_hat):
    o = np.log(y_hat) + 0.3  # any o with softmax(o) = y_hat
    jac = softmax_jacobian(y_hat)
    np.testing.assert_allclose(jac, numerical_jacobian(softmax, o), atol=1e-9)
    np.testing.assert_allclose(jac, jac.T)
    np.testing.assert_allclose(jac.sum(axis=1), 0, atol=1e-15)
    np.testing.assert_allclose(np.diag(jac), y_hat - y_hat**2)


@pytest.mark.parametrize("target", [0, 3, 5])
def test_chain_rule_dlogits_is_eq_4_1(y_hat, target):
    tau = 7
    expected = y_hat.copy()
    expected[target] -= 1
    np.testing.assert_allclose(chain_rule_dlogits(y_hat, target, tau), expected / tau, atol=1e-15)


def test_chain_rule_dlogits_matches_package_and_finite_differences():
    params = bh.init_params(5, 3, 4, seed=2)
    inputs, targets = np.array([0, 4, 2, 2]), np.array([4, 2, 2, 1])
    cache = bh.forward(params, inputs, targets, None)
    numeric = bh.numerical_grad(params, inputs, targets, None, "o")
    for t in range(1, 5):
        got = chain_rule_dlogits(cache.y_hat[t - 1], int(targets[t - 1]), cache.T)
        np.testing.assert_allclose(got, grads_fast.dlogits(cache)[t - 1], atol=1e-15)
        np.testing.assert_allclose(got, numeric[t - 1], atol=1e-9)


def test_hidden_step_jacobian_is_eq_3_7_and_not_the_row_broadcast():
    params = bh.init_params(5, 3, 4, seed=1)
    params.W *= 2
    x = params.E[2]
    h_prev = np.array([0.3, -0.2, 0.5, 0.1])
    h_next = hidden_state(preactivation(h_prev, x, params.W, params.U, params.b))
    numeric = numerical_jacobian(lambda h: hidden_state(preactivation(h, x, params.W, params.U, params.b)),
                                 h_prev)
    jac = hidden_step_jacobian(h_next, params.W)
    np.testing.assert_allclose(jac, numeric, atol=1e-9)
    np.testing.assert_allclose(jac, (1 - h_next**2)[:, None] * params.W)
    assert np.max(np.abs((1 - h_next**2) * params.W - numeric)) > 1e-2


@pytest.mark.parametrize("bad, error", [(np.ones((2, 2)), ValueError), (np.array([]), ValueError),
                                        (np.array(["a"]), TypeError)])
def test_jacobian_inputs_are_checked(bad, error):
    with pytest.raises(error, match="y_hat"):
        softmax_jacobian(bad)


def test_chain_rule_arguments_are_checked(y_hat):
    with pytest.raises(ValueError, match="target"):
        chain_rule_dlogits(y_hat, 6, 3)
    with pytest.raises(TypeError, match="target"):
        chain_rule_dlogits(y_hat, 1.0, 3)
    with pytest.raises(ValueError, match="tau"):
        chain_rule_dlogits(y_hat, 1, 0)
    with pytest.raises(ValueError, match="W must have shape"):
        hidden_step_jacobian(np.zeros(3), np.zeros((3, 4)))
    with pytest.raises(TypeError, match="f must be"):
        numerical_jacobian(3, np.zeros(2))


def test_plot_softmax_jacobian(y_hat):
    fig = plot_softmax_jacobian(y_hat, labels=list("abc de"), target=2)
    heat, bars = fig.axes[0], fig.axes[1]
    np.testing.assert_allclose(heat.images[0].get_array(), softmax_jacobian(y_hat))
    assert [t.get_text() for t in heat.get_xticklabels()][3] == "␣"  # spaces are made visible
    assert len(heat.texts) == 36  # annotated cells
    assert len(bars.patches) == 6
    with pytest.raises(ValueError, match="labels"):
        plot_softmax_jacobian(y_hat, labels=list("abc"))
    with pytest.raises(ValueError, match="target"):
        plot_softmax_jacobian(y_hat, target=6)


def test_plot_dlogits_bars_are_eq_4_1(y_hat):
    ax = plot_dlogits(y_hat, target=4, tau=5)
    heights = np.array([p.get_height() for p in ax.patches])
    np.testing.assert_allclose(heights, chain_rule_dlogits(y_hat, 4, 5))
    assert (heights < 0).sum() == 1 and heights[4] < 0


def test_hidden_plots():
    dh = np.arange(1, 13, dtype=float).reshape(4, 3)
    last = np.zeros_like(dh)
    last[2:] = 1.0
    ax = plot_dhidden_norms(dh, last)
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.linalg.norm(dh, axis=1))
    assert list(ax.lines[1].get_xdata()) == [3, 4]  # zero norms cannot be drawn on a log axis
    with pytest.raises(ValueError, match="dh_last"):
        plot_dhidden_norms(dh, last[:2])
    with pytest.raises(ValueError, match="dh must"):
        plot_dhidden_norms(np.ones(3))
