"""Property tests over shapes (B, T, vocab, d_model, n_hidden), including T = 1 and B = 1.

``B = None`` means one unbatched sequence of shape (T,).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bptt_helpers as bh
from bptt_helpers import grads_as_written as gw
from bptt_helpers import grads_fast as gf

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TINY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw, max_T=6, max_B=3, max_vocab=6, max_d=4, max_h=5):
    """A random model and a (possibly batched) problem: (params, inputs, targets, h0, B)."""
    B = draw(st.one_of(st.none(), st.integers(1, max_B)))
    T = draw(st.integers(1, max_T))
    vocab = draw(st.integers(1, max_vocab))
    d_model = draw(st.integers(1, max_d))
    n_hidden = draw(st.integers(1, max_h))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    params = bh.init_params(vocab, d_model, n_hidden, seed=seed)
    lead = () if B is None else (B,)
    inputs = rng.integers(0, vocab, size=lead + (T,))
    targets = rng.integers(0, vocab, size=lead + (T,))
    h0 = draw(st.sampled_from(["zeros", "random", "shared"]))
    if h0 == "zeros":
        h0 = None
    elif h0 == "shared" or B is None:
        h0 = rng.uniform(-0.9, 0.9, n_hidden)
    else:
        h0 = rng.uniform(-0.9, 0.9, (B, n_hidden))
    return params, inputs, targets, h0, B


@FAST
@given(problems())
def test_shapes_of_forward_and_backward(problem):
    params, inputs, targets, h0, B = problem
    T, V, D, H = inputs.shape[-1], params.vocab_size, params.d_model, params.n_hidden
    lead = () if B is None else (B,)
    cache = bh.forward(params, inputs, targets, h0)
    assert cache.x.shape == lead + (T, D)
    assert cache.a.shape == lead + (T, H)
    assert cache.h.shape == lead + (T + 1, H)
    assert cache.o.shape == cache.y_hat.shape == lead + (T, V)
    assert cache.losses.shape == lead + (T,)
    assert isinstance(cache.loss, float) and np.isfinite(cache.loss)
    np.testing.assert_allclose(cache.y_hat.sum(axis=-1), 1.0, rtol=1e-12)
    expected_h0 = np.zeros(lead + (H,)) if h0 is None else np.broadcast_to(h0, lead + (H,))
    np.testing.assert_array_equal(cache.h0, expected_h0)
    grads = bh.backward(params, cache)
    for name, g in grads.items():
        assert g.shape == getattr(params, name).shape, name
        assert g.dtype == getattr(params, name).dtype, name
        assert np.isfinite(g).all(), name


@FAST
@given(problems())
def test_as_written_equals_fast(problem):
    params, inputs, targets, h0, _ = problem
    cache = bh.forward(params, inputs, targets, h0)
    do_w, do_f = gw.dlogits(cache), gf.dlogits(cache)
    np.testing.assert_allclose(do_w, do_f, rtol=1e-12, atol=1e-15)
    dh_w, dh_f = gw.dhidden(params, cache, do_f), gf.dhidden(params, cache, do_f)
    np.testing.assert_allclose(dh_w, dh_f, rtol=1e-10, atol=1e-14)
    pairs = {
        "c": (gw.dc(cache, do_f), gf.dc(cache, do_f)),
        "b": (gw.db(cache, dh_f), gf.db(cache, dh_f)),
        "V": (gw.dV(cache, do_f), gf.dV(cache, do_f)),
        "W": (gw.dW(cache, dh_f), gf.dW(cache, dh_f)),
        "U": (gw.dU(cache, dh_f), gf.dU(cache, dh_f)),
        "E": (gw.dE(params, cache, dh_f), gf.dE(params, cache, dh_f)),
    }
    for name, (slow, fast) in pairs.items():
        np.testing.assert_allclose(slow, fast, rtol=1e-10, atol=1e-14, err_msg=name)


@TINY
@given(problems(max_T=4, max_B=2, max_vocab=4, max_d=3, max_h=3))
def test_finite_differences_on_tiny_shapes(problem):
    """Relative to each tensor's scale, with a floor at the finite differences' own noise: a random
    tiny model can have a gradient tensor of size ~1e-4 (a one-token vocabulary: about 0), where
    the central differences' error of ~1e-10 is 1e-6 of it without any bug (seen: 1.3e-6)."""
    params, inputs, targets, h0, _ = problem
    grads = bh.backward(params, bh.forward(params, inputs, targets, h0))
    for name, exact in grads.items():
        numeric = bh.numerical_grad(params, inputs, targets, h0, name)
        err = float(np.max(np.abs(exact - numeric)))
        scale = max(float(np.max(np.abs(exact))), float(np.max(np.abs(numeric))))
        assert err <= max(1e-6 * scale, 1e-9), (name, err, scale)


@FAST
@given(problems())
def test_loss_is_the_mean_of_the_per_step_losses(problem):
    params, inputs, targets, h0, _ = problem
    cache = bh.forward(params, inputs, targets, h0)
    assert cache.loss == pytest.approx(float(np.mean(cache.losses)), rel=1e-14)
    by_hand = -np.log(np.take_along_axis(cache.y_hat, targets[..., None], axis=-1)[..., 0])
    np.testing.assert_allclose(cache.losses, by_hand, rtol=1e-10)
    if inputs.ndim == 1:  # the paper's 1/τ Σ_t L^(t), eq 1.2
        assert cache.loss == pytest.approx(sum(cache.losses) / len(inputs), rel=1e-13)


@FAST
@given(problems().filter(lambda p: p[4] is not None))
def test_batch_equals_average_of_single_sequences(problem):
    """Loss and every gradient of a batch of B are the means over B single-sequence runs."""
    params, inputs, targets, h0, B = problem
    h0_rows = np.zeros((B, params.n_hidden)) if h0 is None else np.broadcast_to(h0, (B, params.n_hidden))
    cache = bh.forward(params, inputs, targets, h0)
    grads = bh.backward(params, cache)
    singles = [bh.forward(params, inputs[i], targets[i], h0_rows[i]) for i in range(B)]
    assert cache.loss == pytest.approx(np.mean([c.loss for c in singles]), rel=1e-12)
    for i, single in enumerate(singles):
        np.testing.assert_allclose(cache.h[i], single.h, rtol=1e-13, atol=1e-15)
    single_grads = [bh.backward(params, c) for c in singles]
    for name, g in grads.items():
        mean = np.mean([getattr(sg, name) for sg in single_grads], axis=0)
        np.testing.assert_allclose(g, mean, rtol=1e-10, atol=1e-14, err_msg=name)


@FAST
@given(problems().filter(lambda p: p[4] is None))
def test_batch_of_one_equals_the_unbatched_sequence(problem):
    params, inputs, targets, h0, _ = problem
    single = bh.forward(params, inputs, targets, h0)
    batch = bh.forward(params, inputs[None], targets[None], None if h0 is None else h0[None])
    assert batch.loss == pytest.approx(single.loss, rel=1e-14)
    g1, gB = bh.backward(params, single), bh.backward(params, batch)
    for name, g in g1.items():
        np.testing.assert_allclose(getattr(gB, name), g, rtol=1e-12, atol=1e-15, err_msg=name)


@FAST
@given(problems(), st.sampled_from([np.float32, np.float64]))
def test_dtype_is_kept_without_upcasting(problem, dtype):
    params, inputs, targets, h0, _ = problem
    params = params.astype(dtype)
    cache = bh.forward(params, inputs, targets, h0)
    for name in ("x", "a", "h", "o", "y_hat"):
        assert getattr(cache, name).dtype == dtype, name
    for name, g in bh.backward(params, cache).items():
        assert g.dtype == dtype, name


def _edge_problem(B, T, vocab, d_model, n_hidden, seed=0):
    rng = np.random.default_rng(seed)
    params = bh.init_params(vocab, d_model, n_hidden, seed=seed)
    lead = () if B is None else (B,)
    inputs = rng.integers(0, vocab, size=lead + (T,))
    targets = rng.integers(0, vocab, size=lead + (T,))
    return params, inputs, targets, rng.uniform(-0.9, 0.9, lead + (n_hidden,)), B


# The corners hypothesis is likely but not certain to draw, checked every run.
EDGES = [(None, 1, 3, 2, 2), (1, 1, 3, 2, 2), (1, 5, 3, 2, 2), (3, 1, 3, 2, 2),
         (None, 4, 1, 1, 1), (2, 3, 1, 1, 1)]


@pytest.mark.parametrize("shape", EDGES, ids=lambda s: "B{}-T{}-V{}-D{}-H{}".format(*s))
def test_edge_shapes(shape):
    problem = _edge_problem(*shape)
    test_shapes_of_forward_and_backward.hypothesis.inner_test(problem)
    test_as_written_equals_fast.hypothesis.inner_test(problem)
    test_finite_differences_on_tiny_shapes.hypothesis.inner_test(problem)
    test_loss_is_the_mean_of_the_per_step_losses.hypothesis.inner_test(problem)
    if shape[0] is None:
        test_batch_of_one_equals_the_unbatched_sequence.hypothesis.inner_test(problem)
    else:
        test_batch_equals_average_of_single_sequences.hypothesis.inner_test(problem)
