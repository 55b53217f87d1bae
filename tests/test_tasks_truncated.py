"""lessons.tasks (remember the first token) and lessons.truncated (truncated BPTT)."""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.lessons import tasks
from bptt_helpers.lessons import truncated as tr
from bptt_helpers.lessons.long_range import jacobian_product, random_model


# --------------------------------------------------------------------------- tasks
def test_remember_first_layout():
    task = tasks.remember_first(20, 7, n_symbols=3, seed=4)
    assert task.inputs.shape == task.targets.shape == (20, 7)
    np.testing.assert_array_equal(task.answers, task.inputs[:, 0])
    assert (task.inputs[:, 0] < 3).all()
    assert (task.inputs[:, 1:-1] == task.blank).all() and (task.inputs[:, -1] == task.query).all()
    assert (task.targets[:, :-1] == task.blank).all()
    assert task.vocab_size == 5 and task.inputs.max() < task.vocab_size
    assert task.describe(0).splitlines()[0].startswith("inputs : " + "ABC"[task.inputs[0, 0]])
    again = tasks.remember_first(20, 7, n_symbols=3, seed=4)
    np.testing.assert_array_equal(again.inputs, task.inputs)
    assert len(set(tasks.remember_first(200, 4, seed=0).answers)) == 4


def test_remember_first_noise_tokens():
    task = tasks.remember_first(50, 9, n_symbols=2, noise=3, seed=1)
    middle = task.inputs[:, 1:-1]
    assert ((middle >= 4) & (middle < 7)).all() and task.vocab_size == 7
    assert (task.targets[:, :-1] == task.blank).all()
    assert "*" in task.describe(0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"tau": 1}, ValueError, "tau"), ({"n_symbols": 1}, ValueError, "n_symbols"),
    ({"noise": -1}, ValueError, "noise"), ({"tau": 3.0}, TypeError, "tau"),
])
def test_remember_first_bad_input(kwargs, error, match):
    args = {"n_sequences": 4, "tau": 5, **kwargs}
    with pytest.raises(error, match=match):
        tasks.remember_first(**args)


def test_answer_accuracy_and_loss():
    task = tasks.remember_first(8, 5, n_symbols=4, seed=0)
    y_hat = np.full((8, 5, task.vocab_size), 1e-3)
    y_hat[np.arange(8), -1, task.answers] = 1.0
    assert tasks.answer_accuracy(y_hat, task) == 1.0
    assert tasks.answer_loss(y_hat, task) == pytest.approx(0.0)
    uniform = np.full((8, 5, task.vocab_size), 1 / task.vocab_size)
    assert tasks.answer_loss(uniform, task) == pytest.approx(np.log(task.vocab_size))
    with pytest.raises(ValueError, match="y_hat"):
        tasks.answer_accuracy(np.zeros((3, 5, 6)), task)


# ----------------------------------------------------------------------- truncated
def _case(batched: bool, tau: int = 10, seed: int = 0):
    params = random_model(1.3, vocab_size=6, d_model=3, n_hidden=5, seed=seed)
    rng = np.random.default_rng(seed)
    shape = (3, tau + 1) if batched else (tau + 1,)
    tokens = rng.integers(0, 6, size=shape)
    h0 = 0.2 * rng.standard_normal(shape[:-1] + (5,))
    return params, tokens[..., :-1], tokens[..., 1:], h0


def test_chunk_bounds():
    assert tr.chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert tr.chunk_bounds(5, 5) == [(0, 5)] and tr.chunk_bounds(5, 9) == [(0, 5)]
    with pytest.raises(ValueError, match="k must"):
        tr.chunk_bounds(5, 0)
    with pytest.raises(TypeError, match="k must"):
        tr.chunk_bounds(5, 2.0)


@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("carry", [True, False])
def test_k_equal_tau_is_full_bptt_exactly(batched, carry):
    params, inputs, targets, h0 = _case(batched)
    cache, grads, dh = tr.full_grads(params, inputs, targets, h0)
    result = tr.truncated_grads(params, inputs, targets, h0, k=10, carry=carry)
    for name, value in grads.items():
        np.testing.assert_array_equal(getattr(result.grads, name), value)
    np.testing.assert_array_equal(result.dh, dh)
    assert result.loss == cache.loss


@pytest.mark.parametrize("batched", [False, True])
def test_carry_keeps_the_forward_pass_reset_does_not(batched):
    params, inputs, targets, h0 = _case(batched)
    cache, grads, _ = tr.full_grads(params, inputs, targets, h0)
    carry = tr.truncated_grads(params, inputs, targets, h0, k=3, carry=True)
    np.testing.assert_allclose(carry.h_final, cache.h[..., -1, :], rtol=0, atol=1e-15)
    assert carry.loss == pytest.approx(cache.loss, rel=1e-14)
    # h^(0) of chunk 2 is h^(3) of the full run
    np.testing.assert_allclose(carry.h_starts[1], cache.h[..., 3, :], atol=1e-15)
    # dV and dc do not go through the recurrence: identical to full BPTT
    np.testing.assert_allclose(carry.grads.V, grads.V, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(carry.grads.c, grads.c, rtol=1e-12, atol=1e-15)
    # but everything that does go through h^(t-1) -> h^(t) is cut
    assert tr.relative_error(carry.grads.W, grads.W) > 1e-3
    reset = tr.truncated_grads(params, inputs, targets, h0, k=3, carry=False)
    assert np.max(np.abs(reset.h_final - cache.h[..., -1, :])) > 1e-3
    for start_h in reset.h_starts:
        np.testing.assert_array_equal(start_h, reset.h_starts[0])


@pytest.mark.parametrize("batched", [False, True])
def test_gradients_differ_only_through_the_cut_paths(batched):
    """dh_full(t) - dh_trunc(t) is the gradient that crossed the chunk's end, pushed back to t."""
    params, inputs, targets, h0 = _case(batched)
    cache, _, dh_full = tr.full_grads(params, inputs, targets, h0)
    result = tr.truncated_grads(params, inputs, targets, h0, k=4, carry=True)
    bounds = tr.chunk_bounds(10, 4)
    start, stop = bounds[-1]  # the last chunk: nothing flows into it from later steps
    np.testing.assert_allclose(result.dh[..., start:, :], dh_full[..., start:, :], rtol=1e-12, atol=1e-15)
    rows = [(None, inputs, targets, h0, cache)] if not batched else [
        (b, inputs[b], targets[b], h0[b], bh.forward(params, inputs[b], targets[b], h0[b])) for b in range(3)]
    for b, _, _, _, seq_cache in rows:
        sel = (lambda a: a) if b is None else (lambda a, b=b: a[b])
        full_b, trunc_b = sel(dh_full), sel(result.dh)
        for start, stop in bounds[:-1]:
            # what eq 4.3 would have passed back across the boundary from h^(stop+1) to h^(stop)
            cut = full_b[stop] @ jacobian_product(seq_cache, params.W, stop, stop + 1)
            for t in range(start + 1, stop + 1):  # paper steps inside the chunk
                expected = cut @ jacobian_product(seq_cache, params.W, t, stop)
                np.testing.assert_allclose(full_b[t - 1] - trunc_b[t - 1], expected,
                                           rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("carry", [True, False])
def test_no_recurrence_means_nothing_is_cut(carry):
    params, inputs, targets, h0 = _case(False)
    params.W = np.zeros_like(params.W)
    _, grads, _ = tr.full_grads(params, inputs, targets, h0)
    result = tr.truncated_grads(params, inputs, targets, h0, k=3, carry=carry)
    for name, value in grads.items():
        if name == "W" and not carry:
            # eq 4.7 multiplies by h^(t-1): reset feeds it h^(0) instead of the true state
            assert tr.relative_error(result.grads.W, value) > 1e-3
            continue
        np.testing.assert_allclose(getattr(result.grads, name), value, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("carry", [True, False])
@pytest.mark.parametrize("batched", [False, True])
def test_truncated_equals_finite_differences_of_the_chunked_loss(carry, batched):
    params, inputs, targets, h0 = _case(batched, tau=7)
    result = tr.truncated_grads(params, inputs, targets, h0, k=3, carry=carry)
    numeric = {name: tr.numerical_truncated_grad(params, inputs, targets, h0, 3, name, carry=carry)
               for name in bh.PARAM_NAMES}
    bh.compare_grads(result.grads, numeric).assert_close(1e-7)
    # and it is NOT the finite-difference gradient of the full loss
    full_numeric = bh.numerical_grad(params, inputs, targets, h0, "W")
    assert tr.relative_error(result.grads.W, full_numeric) > 1e-3


def test_relative_error():
    assert tr.relative_error(np.ones(3), np.ones(3)) == 0.0
    assert tr.relative_error(np.zeros(2), np.array([3.0, 4.0])) == pytest.approx(1.0)
    assert tr.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match="shapes"):
        tr.relative_error(np.zeros(2), np.zeros(3))


def test_bad_input():
    params, inputs, targets, h0 = _case(False)
    with pytest.raises(TypeError, match="carry"):
        tr.truncated_grads(params, inputs, targets, h0, k=3, carry="yes")
    with pytest.raises(ValueError, match="k must"):
        tr.truncated_grads(params, inputs, targets, h0, k=0)
    with pytest.raises(ValueError, match="not both"):
        tr.train_chunked(params, inputs, targets, h0, 3, 1, 0.1, clip_norm=1.0, clip_value=1.0)
    with pytest.raises(ValueError, match="steps"):
        tr.train_chunked(params, inputs, targets, h0, 3, -1, 0.1)


def test_full_bptt_learns_to_remember_and_truncation_cannot():
    task = tasks.remember_first(64, 6, n_symbols=4, seed=0)
    test = tasks.remember_first(256, 6, n_symbols=4, seed=1)

    def accuracy(p):
        return tasks.answer_accuracy(bh.forward(p, test.inputs, test.targets, None).y_hat, test)

    start = bh.init_params(task.vocab_size, 8, 32, seed=0)
    results = {}
    for name, k, carry in (("full", None, True), ("carry", 3, True), ("reset", 3, False)):
        run = tr.train_chunked(start, task.inputs, task.targets, None, k, 150, 2.0, carry=carry,
                               clip_norm=5.0)
        assert len(run.losses) == 150
        results[name] = accuracy(run.params)
    assert results["full"] == 1.0
    assert results["carry"] < 0.6 and results["reset"] < 0.6


def test_train_chunked_clipping_and_monitor():
    params, inputs, targets, h0 = _case(True)
    run = tr.train_chunked(params, inputs, targets, h0, None, 5, 0.5, clip_value=1e-3,
                           monitor=lambda p: float(p.W.sum()))
    assert len(run.monitored) == 5 and len(run.grad_norms) == 5
    # value clipping at 1e-3 moves every entry by at most lr * 1e-3 per step
    assert np.max(np.abs(run.params.W - params.W)) <= 5 * 0.5 * 1e-3 + 1e-15
    again = tr.train_chunked(params, inputs, targets, h0, None, 5, 0.5, clip_value=1e-3)
    assert again.losses == run.losses
