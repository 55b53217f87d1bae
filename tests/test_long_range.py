"""bptt_helpers.lessons.long_range: eq 4.3 unrolled into products of diag[1 - h^2] W."""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.lessons import long_range as lr


def _model(radius=1.2, seed=3, tau=12):
    params = lr.random_model(radius, vocab_size=6, d_model=4, n_hidden=7, seed=seed)
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 6, size=tau + 1)
    h0 = 0.3 * rng.standard_normal(7)
    return params, tokens[:-1], tokens[1:], h0


def test_jacobian_factor_scales_rows_and_matches_finite_differences():
    params, inputs, targets, h0 = _model()
    cache = bh.forward(params, inputs, targets, h0)
    t = 4
    factor = lr.jacobian_factor(cache.h[t + 1], params.W)
    np.testing.assert_allclose(factor, np.diag(1 - cache.h[t + 1] ** 2) @ params.W)
    # (Dh^(t+1))_(h^(t)) by central differences of one step of eqs 1.4-1.5
    x, eps = cache.x[t], 1e-6

    def step(h):
        return np.tanh(h @ params.W.T + x @ params.U.T + params.b)

    numeric = np.stack([(step(cache.h[t] + eps * e) - step(cache.h[t] - eps * e)) / (2 * eps)
                        for e in np.eye(7)], axis=1)
    np.testing.assert_allclose(factor, numeric, atol=1e-9)
    column_version = params.W * (1 - cache.h[t + 1] ** 2)[None, :]
    assert not np.allclose(factor, column_version)


def test_product_of_factors_reproduces_dhidden_for_last_step_loss():
    params, inputs, targets, h0 = _model()
    cache, dh = lr.last_step_dhidden(params, inputs, targets, h0)
    by_products = lr.dhidden_by_products(cache, params.W, dh[-1])
    np.testing.assert_allclose(by_products, dh, rtol=1e-12, atol=1e-15)


def test_last_step_dhidden_matches_finite_differences_of_last_step_loss():
    params, inputs, targets, h0 = _model(tau=6)
    cache, dh = lr.last_step_dhidden(params, inputs, targets, h0)
    numeric = lr.numerical_last_step_grad(params, inputs, targets, h0, "h")
    bh.compare_grads({"h": dh}, {"h": numeric}).assert_close(1e-7)
    # the row of E of a token read once is (DL^(τ))_(x^(t)) of that step
    dx = lr.input_grad(params, cache, dh)
    numeric_E = lr.numerical_last_step_grad(params, inputs, targets, h0, "E")
    once = [t for t in range(6) if list(inputs).count(inputs[t]) == 1]
    assert once
    for t in once:
        np.testing.assert_allclose(dx[t], numeric_E[inputs[t]], rtol=1e-6, atol=1e-9)
    # and it is not the mean loss's gradient
    assert not np.allclose(numeric, bh.numerical_grad(params, inputs, targets, h0, "h"))
    with pytest.raises(ValueError, match="wrt"):
        lr.numerical_last_step_grad(params, inputs, targets, h0, "x")
    with pytest.raises(ValueError, match="one sequence"):
        lr.numerical_last_step_grad(params, np.stack([inputs] * 2), np.stack([targets] * 2), None, "h")


def test_jacobian_product_identity_and_composition():
    params, inputs, targets, h0 = _model()
    cache = bh.forward(params, inputs, targets, h0)
    np.testing.assert_array_equal(lr.jacobian_product(cache, params.W, 5, 5), np.eye(7))
    whole = lr.jacobian_product(cache, params.W, 2, 9)
    split = lr.jacobian_product(cache, params.W, 5, 9) @ lr.jacobian_product(cache, params.W, 2, 5)
    np.testing.assert_allclose(whole, split, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="t <= s"):
        lr.jacobian_product(cache, params.W, 6, 3)
    with pytest.raises(TypeError, match="t must be an integer"):
        lr.jacobian_product(cache, params.W, 1.0)


def test_input_grad_is_the_row_eq_4_9_scatters():
    params, inputs, targets, h0 = _model()
    cache = bh.forward(params, inputs, targets, h0)
    dh = bh.grads_fast.dhidden(params, cache, bh.grads_fast.dlogits(cache))
    dx = lr.input_grad(params, cache, dh)
    dE = np.zeros_like(params.E)
    np.add.at(dE, inputs, dx)
    np.testing.assert_allclose(dE, bh.backward(params, cache).E, rtol=1e-12, atol=1e-15)


def test_scale_to_radius():
    W = np.random.default_rng(0).standard_normal((9, 9))
    for radius in (0.5, 1.0, 2.5):
        assert lr.spectral_radius(lr.scale_to_radius(W, radius)) == pytest.approx(radius, rel=1e-10)
    with pytest.raises(ValueError, match="radius"):
        lr.scale_to_radius(W, -1.0)
    with pytest.raises(TypeError, match="radius"):
        lr.scale_to_radius(W, "2")
    with pytest.raises(ValueError, match="spectral radius 0"):
        lr.scale_to_radius(np.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError, match="square"):
        lr.spectral_radius(np.ones((2, 3)))


def test_vanishing_and_exploding_regimes_and_threshold_above_one():
    assert lr.log10_ratio(0.5) < -10          # small ρ: vanishes fast
    assert lr.log10_ratio(4.0) > 3            # large ρ: explodes
    # the ratio grows with ρ over this range
    ratios = [lr.log10_ratio(r) for r in (0.5, 1.0, 1.5, 2.5)]
    assert ratios == sorted(ratios)
    critical = lr.critical_radius(50)
    assert 1.2 < critical < 3.0               # tanh' < 1 pushes the threshold above 1
    assert lr.log10_ratio(critical - 0.05) < 0 < lr.log10_ratio(critical + 0.05)
    # smaller inputs keep tanh linear: the threshold moves towards 1
    small = lr.critical_radius(50, low=0.3, input_scale=0.01)
    assert 0.9 < small < critical and abs(small - 1) < 0.1


def test_norm_profile_deterministic_and_validated():
    np.testing.assert_array_equal(lr.norm_profile(1.3, 20, seed=2), lr.norm_profile(1.3, 20, seed=2))
    assert lr.norm_profile(1.3, 20).shape == (20,)
    with pytest.raises(ValueError, match="tau"):
        lr.norm_profile(1.0, 0)
    with pytest.raises(ValueError, match="change sign"):
        lr.critical_radius(50, low=0.5, high=0.6)


def test_bad_input():
    params, inputs, targets, h0 = _model()
    with pytest.raises(ValueError, match="h_next"):
        lr.jacobian_factor(np.zeros(3), params.W)
    with pytest.raises(ValueError, match="W must have shape"):
        lr.jacobian_factor(np.zeros(3), np.zeros((3, 4)))
    batch = bh.forward(params, np.stack([inputs, inputs]), np.stack([targets, targets]), None)
    with pytest.raises(ValueError, match="one sequence"):
        lr.last_step_dlogits(batch)
    with pytest.raises(TypeError, match="cache"):
        lr.jacobian_product("cache", params.W, 1)
    with pytest.raises(ValueError, match="input_scale"):
        lr.random_model(1.0, input_scale=-1)


def test_input_grad_norms():
    params, inputs, targets, h0 = _model()
    cache, dh = lr.last_step_dhidden(params, inputs, targets, h0)
    norms = lr.input_grad_norms(params, inputs, targets, h0)
    np.testing.assert_allclose(norms, np.linalg.norm((dh * cache.dtanh) @ params.U, axis=1))
    assert norms.shape == (12,)
