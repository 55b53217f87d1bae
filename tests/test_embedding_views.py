"""§3.8 views of dL/dE (tensor, Remark 3.22 unfolding, per-step terms) agree with grads_fast.dE."""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import D_MODEL, REPEAT_INPUTS, REPEAT_TARGETS, VOCAB, random_h0, small_params

import bptt_helpers as bh
from bptt_helpers import grads_fast as g
from bptt_helpers.lessons import embedding_views as ev


def _grads(params, inputs, targets, h0):
    cache = bh.forward(params, inputs, targets, h0)
    dh = g.dhidden(params, cache, g.dlogits(cache))
    return cache, dh, g.dE(params, cache, dh)


def test_tensor_is_a_stack_of_zero_blocks_with_identity_at_token():
    J = ev.embedding_jacobian_tensor(5, 3, 2)
    assert J.shape == (5, 3, 3)
    np.testing.assert_array_equal(J[2], np.eye(3))
    assert np.count_nonzero(J) == 3


def test_tensor_entries_are_derivatives_of_the_lookup():
    """J[i, k, j] = dx_k/dE_ij, measured by nudging E[i, j] in x = E[token]."""
    E = np.random.default_rng(0).standard_normal((4, 3))
    token, eps = 1, 1e-6
    J = ev.embedding_jacobian_tensor(4, 3, token)
    for i in range(4):
        for j in range(3):
            nudged = E.copy()
            nudged[i, j] += eps
            np.testing.assert_allclose((nudged[token] - E[token]) / eps, J[i, :, j], atol=1e-8)


def test_row_times_tensor_gives_one_nonzero_row():
    row = np.array([1.0, -2.0, 0.5])
    out = ev.row_times_tensor(row, ev.embedding_jacobian_tensor(4, 3, 3))
    expected = np.zeros((4, 3))
    expected[3] = row
    np.testing.assert_array_equal(out, expected)


def test_unfold_fold_roundtrip_and_unfolded_jacobian_matches_tensor():
    E = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(ev.unfold(E), np.arange(12.0))
    np.testing.assert_array_equal(ev.fold(ev.unfold(E), 4, 3), E)
    J = ev.unfolded_jacobian(4, 3, 2)
    assert J.shape == (3, 12)
    np.testing.assert_array_equal(J @ ev.unfold(E), E[2])  # the projection e -> x
    np.testing.assert_array_equal(J[:, 6:9], np.eye(3))
    assert np.count_nonzero(J) == 3


@pytest.mark.parametrize("batched", [False, True])
def test_three_views_equal_package_dE_and_finite_differences(batched):
    params = small_params(seed=3, scale=1.5)
    if batched:
        inputs = np.stack([REPEAT_INPUTS, REPEAT_INPUTS[::-1]])
        targets = np.stack([REPEAT_TARGETS, REPEAT_TARGETS[::-1]])
        h0 = random_h0((2, params.n_hidden))
    else:
        inputs, targets, h0 = REPEAT_INPUTS, REPEAT_TARGETS, random_h0((params.n_hidden,))
    cache, dh, dE = _grads(params, inputs, targets, h0)
    for view in (ev.dE_via_tensor(params, cache, dh), ev.dE_via_unfolded(params, cache, dh),
                 ev.dE_contributions(params, cache, dh).sum(axis=0), ev.dE_triple_sum(params, cache, dh)):
        np.testing.assert_allclose(view, dE, rtol=0, atol=1e-14)
    numeric = bh.numerical_grad(params, inputs, targets, h0, "E")
    bh.compare_grads({"E": dE}, {"E": numeric}).assert_close(1e-7)


def test_contributions_have_one_nonzero_row_each():
    params = small_params(seed=1)
    cache, dh, _ = _grads(params, REPEAT_INPUTS, REPEAT_TARGETS, None)
    terms = ev.dE_contributions(params, cache, dh)
    assert terms.shape == (len(REPEAT_INPUTS), VOCAB, D_MODEL)
    for p, token in enumerate(REPEAT_INPUTS):
        nonzero_rows = np.flatnonzero(np.abs(terms[p]).sum(axis=1))
        assert nonzero_rows.tolist() == [token]


def test_fancy_index_drops_repeats_but_scatter_keeps_them():
    params = small_params(seed=2)
    cache, dh, dE = _grads(params, REPEAT_INPUTS, REPEAT_TARGETS, None)
    rows = ev.dx_rows(params, cache, dh)
    np.testing.assert_allclose(ev.scatter_rows(rows, REPEAT_INPUTS, VOCAB), dE, atol=1e-15)
    bad = ev.scatter_rows_fancy_index(rows, REPEAT_INPUTS, VOCAB)
    assert not np.allclose(bad, dE)
    # the bug keeps exactly the LAST row of a repeated token
    last = {int(t): p for p, t in enumerate(REPEAT_INPUTS)}
    for token, p in last.items():
        np.testing.assert_array_equal(bad[token], rows[p])
    # without repeats the two agree
    distinct = np.array([4, 0, 2])
    np.testing.assert_array_equal(ev.scatter_rows(rows[:3], distinct, VOCAB),
                                  ev.scatter_rows_fancy_index(rows[:3], distinct, VOCAB))


@pytest.mark.parametrize("call, error, match", [
    (lambda: ev.embedding_jacobian_tensor(0, 3, 0), ValueError, "vocab_size"),
    (lambda: ev.embedding_jacobian_tensor(4, 2.0, 0), TypeError, "d_model"),
    (lambda: ev.embedding_jacobian_tensor(4, 3, 4), ValueError, "token"),
    (lambda: ev.embedding_jacobian_tensor(4, 3, 1.0), TypeError, "token"),
    (lambda: ev.row_times_tensor(np.ones(2), np.zeros((4, 3, 3))), ValueError, "row"),
    (lambda: ev.row_times_tensor(np.ones(3), np.zeros((4, 3))), ValueError, "J"),
    (lambda: ev.fold(np.ones(11), 4, 3), ValueError, "vector"),
    (lambda: ev.unfold(np.ones(3)), ValueError, "E"),
    (lambda: ev.scatter_rows(np.ones((2, 3)), np.array([0, 9]), 4), ValueError, "tokens"),
    (lambda: ev.scatter_rows(np.ones((2, 3)), np.array([0]), 4), ValueError, "tokens"),
])
def test_bad_input_raises_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dx_rows_checks_dh_shape():
    params = small_params()
    cache, dh, _ = _grads(params, REPEAT_INPUTS, REPEAT_TARGETS, None)
    with pytest.raises(ValueError, match="dh"):
        ev.dx_rows(params, cache, dh[:-1])
