"""The accumulate stepper and the per-step terms it shows (eqs 4.4-4.8, §3.3 eq 3.9).

Step t's partial sum must be the sum of the first t terms; at t = τ it must equal
backward()'s gradient; each term must be what a finite difference with respect to
that step's own copy of the parameter (the paper's dummy variable) measures.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from conftest import REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0, small_params

import bptt_helpers as bh
from bptt_helpers.lessons import contributions as C
from bptt_helpers.widgets.accumulate import AccumulateStepper, accumulate_view, readout


@pytest.fixture
def model():
    params = small_params(seed=3)
    h0 = random_h0(params.n_hidden)
    cache = bh.forward(params, REPEAT_INPUTS, REPEAT_TARGETS, h0)
    return params, cache, h0


@pytest.mark.parametrize("name", C.SHARED_NAMES)
def test_terms_sum_to_all_three_gradient_forms(model, name):
    params, cache, _ = model
    terms = C.per_step_terms(params, cache, name)
    assert terms.shape == (cache.T,) + getattr(params, name).shape
    do = bh.grads_fast.dlogits(cache)
    dh = bh.grads_fast.dhidden(params, cache, do)
    arg = do if name in ("c", "V") else dh
    as_written = getattr(bh.grads_as_written, "d" + name)(cache, arg)
    fast = getattr(bh.grads_fast, "d" + name)(cache, arg)
    total = getattr(bh.backward(params, cache), name)
    for reference in (as_written, fast, total):
        np.testing.assert_allclose(terms.sum(axis=0), reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", C.SHARED_NAMES)
def test_each_term_is_the_finite_difference_of_its_own_copy(model, name):
    params, cache, h0 = model
    terms = C.per_step_terms(params, cache, name)
    for step in (1, 4, cache.T):
        numeric = C.numerical_step_grad(params, REPEAT_INPUTS, REPEAT_TARGETS, h0, name, step)
        err = np.abs(numeric - terms[step - 1]).max() / max(np.abs(terms[step - 1]).max(), 1e-12)
        assert err < 1e-6, (name, step, err)


def test_untied_forward_with_equal_copies_is_the_forward_pass(model):
    params, cache, h0 = model
    for name in C.SHARED_NAMES:
        copies = np.repeat(getattr(params, name)[None], cache.T, axis=0)
        untied = C.untied_forward(params, REPEAT_INPUTS, REPEAT_TARGETS, h0, name, copies)
        assert untied.loss == pytest.approx(cache.loss, rel=1e-14)
        np.testing.assert_allclose(untied.h, cache.h, rtol=1e-14)


def test_batched_terms_add_the_sequences_step_by_step():
    params = small_params(seed=4)
    inputs, targets = batch_with_repeats(B=3)
    cache = bh.forward(params, inputs, targets, random_h0((3, params.n_hidden)))
    grads = bh.backward(params, cache)
    for name in C.SHARED_NAMES:
        terms = C.per_step_terms(params, cache, name)
        assert terms.shape == (inputs.shape[1],) + getattr(params, name).shape
        np.testing.assert_allclose(terms.sum(axis=0), getattr(grads, name), rtol=1e-12, atol=1e-15)


def test_dropping_the_h0_term_of_W_is_wrong(model):
    params, cache, _ = model
    terms = C.per_step_terms(params, cache, "W")
    np.testing.assert_allclose(terms[0], np.outer(
        bh.grads_fast.dhidden(params, cache, bh.grads_fast.dlogits(cache))[0] * cache.dtanh[0],
        cache.h[0]))
    assert np.abs(terms[1:].sum(axis=0) - bh.backward(params, cache).W).max() > 1e-4


@pytest.mark.parametrize("name", C.SHARED_NAMES)
def test_view_partial_sums(model, name):
    params, cache, _ = model
    terms = C.per_step_terms(params, cache, name)
    total = getattr(bh.backward(params, cache), name)
    sums = C.partial_sums(terms)
    for t in range(cache.T + 1):
        view = accumulate_view(terms, total, t)
        np.testing.assert_allclose(view["so_far"], terms[:t].sum(axis=0), rtol=0, atol=0)
        np.testing.assert_allclose(view["so_far"], sums[t], rtol=1e-12, atol=1e-15)
        assert view["done"] == (t == cache.T)
        if t:
            np.testing.assert_array_equal(view["term"], terms[t - 1])
        else:
            assert view["term"] is None
            assert np.all(view["so_far"] == 0)
    final = accumulate_view(terms, total, cache.T)
    assert final["max_abs_diff"] < 1e-14
    np.testing.assert_allclose(final["so_far"], total, rtol=1e-12, atol=1e-15)
    # before the last step the sum is still visibly short of the total
    assert accumulate_view(terms, total, cache.T - 1)["max_abs_diff"] > 1e-6


def test_view_rejects_bad_input():
    terms = np.ones((3, 2))
    with pytest.raises(ValueError, match="t must be"):
        accumulate_view(terms, np.ones(2), 4)
    with pytest.raises(ValueError, match="t must be"):
        accumulate_view(terms, np.ones(2), -1)
    with pytest.raises(ValueError, match="total must have shape"):
        accumulate_view(terms, np.ones(3), 1)
    with pytest.raises(ValueError, match="name must be one of"):
        C.per_step_terms(small_params(), bh.forward(small_params(), REPEAT_INPUTS, REPEAT_TARGETS, None), "E")
    with pytest.raises(TypeError, match="cache must be"):
        C.per_step_terms(small_params(), "cache", "c")
    with pytest.raises(ValueError, match="copies must have shape"):
        C.untied_forward(small_params(), REPEAT_INPUTS, REPEAT_TARGETS, None, "c", np.zeros((2, 5)))
    with pytest.raises(ValueError, match="step must be"):
        C.numerical_step_grad(small_params(), REPEAT_INPUTS, REPEAT_TARGETS, None, "c", 0)


def test_readout_text(model):
    params, cache, _ = model
    terms = C.per_step_terms(params, cache, "c")
    total = bh.backward(params, cache).c
    assert "nothing added yet" in readout(accumulate_view(terms, total, 0), "c")
    last = readout(accumulate_view(terms, total, cache.T), "c")
    assert f"t = {cache.T} of τ = {cache.T}" in last and "✓" in last


@pytest.mark.parametrize("name", ["c", "W"])
def test_stepper_controls_follow_the_view(model, name, tmp_path):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, name)
    assert stepper.slider.value == 1 and stepper.slider.max == cache.T
    first_png = stepper.image.value
    assert first_png[:8] == b"\x89PNG\r\n\x1a\n"
    stepper.next_button.click()
    assert stepper.slider.value == 2 and "t = 2 of" in stepper.text.value
    assert stepper.image.value != first_png
    stepper.prev_button.click()
    stepper.prev_button.click()
    stepper.prev_button.click()  # clamps at 0
    assert stepper.slider.value == 0 and "nothing added yet" in stepper.text.value
    stepper.slider.value = cache.T
    assert "✓" in stepper.text.value
    stepper.save_png(cache.T, tmp_path / "last.png")
    assert (tmp_path / "last.png").read_bytes()[:4] == b"\x89PNG"


def test_W_stepper_names_the_papers_index(model):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, "W")
    fig = stepper.figure(1)
    titles = [ax.get_title() for ax in fig.axes]
    assert any("paper's t = 0: uses h(0)" in title for title in titles)
    matplotlib.pyplot.close(fig)
