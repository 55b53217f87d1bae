"""The gradients of bptt_helpers, proven by central finite differences (float64).

Every test here can fail: it compares numbers with a tolerance and asserts.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import N_HIDDEN, REPEAT_INPUTS, REPEAT_TARGETS, random_h0, small_params

import bptt_helpers as bh
from bptt_helpers import grads_as_written as gw
from bptt_helpers import grads_fast as gf

TOL = 1e-6  # central differences with eps=1e-6 in float64 land near 1e-9 here
ALL_TENSORS = ("E", "U", "W", "b", "V", "c", "o", "h")


def test_inputs_really_repeat_tokens(case):
    inputs, _, _ = case
    _, counts = np.unique(np.asarray(inputs), return_counts=True)
    assert counts.max() >= 2, "the fixture must force repeated tokens"


def test_finite_differences_all_six_params_and_nodes(params, case):
    inputs, targets, h0 = case
    result = bh.check_gradients(params, inputs, targets, h0)
    assert [row.name for row in result.rows] == list(ALL_TENSORS)
    result.assert_close(TOL)
    for row in result.rows:  # absolute agreement too, not only relative
        assert row.max_abs_err < 1e-7, row


@pytest.mark.parametrize("h0_kind", ["zeros", "shared"])
def test_finite_differences_batched_h0_variants(params, h0_kind):
    """h0=None (zeros) and one (n_hidden,) state shared by every row of a batch."""
    inputs = np.array([REPEAT_INPUTS, REPEAT_INPUTS[::-1]])
    targets = np.array([REPEAT_TARGETS, REPEAT_TARGETS[::-1]])
    h0 = None if h0_kind == "zeros" else random_h0((N_HIDDEN,))
    bh.check_gradients(params, inputs, targets, h0).assert_close(TOL)


def test_finite_differences_float32_params_are_checked_in_float64():
    params = small_params(seed=3).astype(np.float32)
    bh.check_gradients(params, REPEAT_INPUTS, REPEAT_TARGETS, None, wrt=("E", "W")).assert_close(TOL)


def test_gradients_are_not_trivially_zero(params, case):
    inputs, targets, h0 = case
    grads = bh.backward(params, bh.forward(params, inputs, targets, h0))
    for name, g in grads.items():
        assert np.abs(g).max() > 1e-4, name


def _fancy_index_dE(params, cache, dh):
    """The classic bug: ``dE[idx] += g`` writes each repeated row once (the last wins)."""
    grad = np.zeros_like(params.E)
    rows = (dh * cache.dtanh).reshape(-1, params.n_hidden) @ params.U
    grad[cache.inputs.ravel()] += rows
    return grad


def test_finite_differences_catch_the_fancy_index_dE_bug(params, case):
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    dh = gf.dhidden(params, cache, gf.dlogits(cache))
    numeric = bh.numerical_grad(params, inputs, targets, h0, "E")

    buggy = bh.compare_grads({"E": _fancy_index_dE(params, cache, dh)}, {"E": numeric})
    assert buggy.max_rel_err > 1e-2
    with pytest.raises(AssertionError, match="E"):
        buggy.assert_close(TOL)
    # ... while the package's scatter-add passes the same check
    bh.compare_grads({"E": gf.dE(params, cache, dh)}, {"E": numeric}).assert_close(TOL)


def test_fancy_index_bug_is_harmless_without_repeats(params):
    """Why the inputs must repeat: with distinct tokens the buggy dE is right."""
    inputs, targets = np.array([0, 2, 4, 1]), np.array([2, 4, 1, 3])
    cache = bh.forward(params, inputs, targets, None)
    dh = gf.dhidden(params, cache, gf.dlogits(cache))
    np.testing.assert_allclose(_fancy_index_dE(params, cache, dh), gf.dE(params, cache, dh),
                               rtol=1e-12, atol=1e-15)


# --- as written (loops) vs fast (vectorised): the eight functions of eqs 4.1-4.9 ------------

def _call(module, name, params, cache, do, dh):
    fn = getattr(module, name)
    args = {"dlogits": (cache,), "dhidden": (params, cache, do), "dc": (cache, do),
            "db": (cache, dh), "dV": (cache, do), "dW": (cache, dh), "dU": (cache, dh),
            "dE": (params, cache, dh)}[name]
    return fn(*args)


FUNCTIONS = ["dlogits", "dhidden", "dc", "db", "dV", "dW", "dU", "dE"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_as_written_equals_fast(params, case, name):
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    do = gf.dlogits(cache)
    dh = gf.dhidden(params, cache, do)
    slow = _call(gw, name, params, cache, do, dh)
    fast = _call(gf, name, params, cache, do, dh)
    assert slow.shape == fast.shape
    assert slow.dtype == fast.dtype
    np.testing.assert_allclose(slow, fast, rtol=1e-11, atol=1e-14)


def test_as_written_chain_equals_backward(params, case):
    """The as-written functions chained end to end (do and dh from the loops too)."""
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    do = gw.dlogits(cache)
    dh = gw.dhidden(params, cache, do)
    slow = bh.Params(E=gw.dE(params, cache, dh), U=gw.dU(cache, dh), W=gw.dW(cache, dh),
                     b=gw.db(cache, dh), V=gw.dV(cache, do), c=gw.dc(cache, do))
    bh.compare_grads(slow, bh.backward(params, cache)).assert_close(1e-11)


def test_backward_equals_the_fast_functions(params, case):
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    grads = bh.backward(params, cache)
    do = gf.dlogits(cache)
    dh = gf.dhidden(params, cache, do)
    expected = {"E": gf.dE(params, cache, dh), "U": gf.dU(cache, dh), "W": gf.dW(cache, dh),
                "b": gf.db(cache, dh), "V": gf.dV(cache, do), "c": gf.dc(cache, do)}
    for name, g in grads.items():
        assert g.shape == getattr(params, name).shape
        np.testing.assert_array_equal(g, expected[name], err_msg=name)


def test_backward_does_not_modify_the_cache(params, case):
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    before = {k: np.copy(getattr(cache, k)) for k in ("x", "a", "h", "o", "y_hat", "losses")}
    bh.backward(params, cache)
    bh.backward(params, cache)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(cache, k), v, err_msg=k)


# --- the comparison helper itself --------------------------------------------------------------

def test_assert_close_raises_on_a_wrong_gradient(params, case):
    inputs, targets, h0 = case
    grads = bh.backward(params, bh.forward(params, inputs, targets, h0))
    wrong = grads.copy()
    wrong.W = wrong.W.T  # a classic slip: the transpose
    numeric = {"W": bh.numerical_grad(params, inputs, targets, h0, "W")}
    bh.compare_grads({"W": grads.W}, numeric).assert_close(TOL)
    with pytest.raises(AssertionError, match=r"W \("):
        bh.compare_grads({"W": wrong.W}, numeric).assert_close(TOL)


def test_compare_grads_reports_relative_error():
    a = {"x": np.array([1.0, 2.0, 4.0])}
    b = {"x": np.array([1.0, 2.0, 4.4])}
    result = bh.compare_grads(a, b)
    (row,) = result.rows
    assert row.max_abs_err == pytest.approx(0.4)
    assert row.max_rel_err == pytest.approx(0.4 / 4.4)
    assert "x" in result.table() and "max rel err" in str(result)
    assert "9.1e-02" in str(result)  # before a tolerance is given: the raw digits
    checked = result.assert_close(0.1)
    assert "< 0.1 ✓" in str(checked) and "e-02" not in str(checked)  # after: the verdict only
    assert "9.1e-02" in checked.table(digits=True)
    with pytest.raises(AssertionError):
        result.assert_close(0.05)


def test_assert_close_fails_on_nan():
    result = bh.compare_grads({"x": np.array([np.nan, 1.0])}, {"x": np.array([0.0, 1.0])})
    with pytest.raises(AssertionError):
        result.assert_close(1e-6)


def test_numerical_grad_of_logits_matches_the_closed_form(params):
    """Eq. 4.1 by hand: (ŷ - onehot(y)) / τ, against finite differences on o."""
    cache = bh.forward(params, REPEAT_INPUTS, REPEAT_TARGETS, None)
    onehot = np.eye(params.vocab_size)[REPEAT_TARGETS]
    by_hand = (cache.y_hat - onehot) / len(REPEAT_TARGETS)
    numeric = bh.numerical_grad(params, REPEAT_INPUTS, REPEAT_TARGETS, None, "o")
    np.testing.assert_allclose(numeric, by_hand, rtol=0, atol=1e-9)


# --- an independent forward pass: the check does not rest on the package's own _run ------------

def reference_loss(params, inputs, targets, h0) -> float:
    """Eqs 1.1-1.7 written again with plain loops over sequences and steps (no package code)."""
    inputs, targets = np.atleast_2d(inputs), np.atleast_2d(targets)
    h0 = np.zeros((len(inputs), params.n_hidden)) if h0 is None else np.broadcast_to(
        h0, (len(inputs), params.n_hidden))
    total = 0.0
    for seq, tokens in enumerate(inputs):
        h = h0[seq]
        for t, token in enumerate(tokens):
            h = np.tanh(params.W @ h + params.U @ params.E[token] + params.b)
            o = params.V @ h + params.c
            total += np.log(np.sum(np.exp(o - o.max()))) + o.max() - o[targets[seq, t]]
    return total / inputs.size


def reference_grad(params, inputs, targets, h0, name, eps=1e-6) -> np.ndarray:
    value = getattr(params, name)
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        losses = []
        for sign in (1, -1):
            nudged = params.copy()
            getattr(nudged, name)[index] += sign * eps
            losses.append(reference_loss(nudged, inputs, targets, h0))
        grad[index] = (losses[0] - losses[1]) / (2 * eps)
    return grad


def test_independent_forward_and_finite_differences(params, case):
    inputs, targets, h0 = case
    cache = bh.forward(params, inputs, targets, h0)
    assert cache.loss == pytest.approx(reference_loss(params, inputs, targets, h0), rel=1e-13)
    grads = bh.backward(params, cache)
    numeric = {name: reference_grad(params, inputs, targets, h0, name) for name in bh.PARAM_NAMES}
    bh.compare_grads(grads, numeric).assert_close(TOL)


def test_verdict_is_the_same_for_any_rounding_below_the_tolerance():
    assert bh.verdict(2.7e-11, 1e-8) == bh.verdict(2.9e-11, 1e-8) == bh.verdict(0.0, 1e-8) == "< 10⁻⁸ ✓"
    assert bh.verdict(0.31, 1e-6) == "3.1e-01 ✗"
    assert bh.verdict(np.nan, 1e-6) == "nan ✗"
    assert bh.verdict(1e-9, 5e-8) == "< 5·10⁻⁸ ✓"
    assert bh.verdict(3.1, 2.0, above=True) == "> 2 ✓" and bh.verdict(1.5, 2.0, above=True) == "1.5e+00 ✗"
    assert bh.verdict(0.3, 0.5) == "< 0.5 ✓"
    with pytest.raises(ValueError, match="tol"):
        bh.verdict(1.0, 0)


def test_power_of_ten_shows_a_magnitude_by_its_exponent():
    assert bh.power_of_ten(3.0e-23) == "10^-22.5" and bh.power_of_ten(4.4e4) == "10^4.6"
    assert bh.power_of_ten(2.9e-23) == bh.power_of_ten(3.1e-23)  # rounding-level changes do not show
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="value"):
            bh.power_of_ten(bad)


def test_assert_close_rejects_a_tolerance_that_is_not_positive():
    result = bh.compare_grads({"x": np.ones(2)}, {"x": np.ones(2)})
    for bad in (0, -1e-6, float("nan"), True, "1e-6"):
        with pytest.raises(ValueError, match="tol"):
            result.assert_close(bad)
