"""The backward stepper of notebook 04: its pure step function, and the widget's wiring."""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers import grads_as_written, grads_fast
from bptt_helpers.widgets.backward_stepper import (
    BackwardStepper,
    backward_step_view,
    step_text,
)

TAU = 6


@pytest.fixture
def model():
    params = bh.init_params(7, 4, 5, seed=3)
    params.W *= 2.5  # a saturating recurrence: the two readings of eq 4.3 differ clearly
    rng = np.random.default_rng(3)
    inputs = rng.integers(0, 7, TAU)
    targets = rng.integers(0, 7, TAU)
    h0 = rng.uniform(-0.5, 0.5, 5)
    return params, inputs, targets, h0, bh.forward(params, inputs, targets, h0)


@pytest.mark.parametrize("t", range(1, TAU + 1))
def test_parts_sum_to_dhidden_row(model, t):
    params, *_, cache = model
    view = backward_step_view(params, cache, t)
    dh = grads_as_written.dhidden(params, cache, grads_as_written.dlogits(cache))
    np.testing.assert_allclose(view["through_o"] + view["through_h"], dh[t - 1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(view["total"], dh[t - 1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(view["norms"], np.linalg.norm(dh, axis=1), rtol=1e-12)
    assert view["norm_total"] == pytest.approx(np.linalg.norm(dh[t - 1]))
    assert view["loss_t"] == pytest.approx(cache.losses[t - 1])


def test_last_step_has_no_recurrent_part(model):
    params, *_, cache = model
    view = backward_step_view(params, cache, TAU)
    assert np.all(view["through_h"] == 0) and view["norm_through_h"] == 0.0
    do = grads_fast.dlogits(cache)
    np.testing.assert_allclose(view["total"], do[-1] @ params.V)  # eq 4.2


@pytest.mark.parametrize("t", range(1, TAU))
def test_parts_match_their_formulas(model, t):
    params, *_, cache = model
    view = backward_step_view(params, cache, t)
    do = grads_fast.dlogits(cache)
    dh = grads_fast.dhidden(params, cache, do)
    np.testing.assert_allclose(view["through_o"], do[t - 1] @ params.V, rtol=1e-12)
    expected = dh[t] @ np.diag(1 - cache.h[t + 1] ** 2) @ params.W
    np.testing.assert_allclose(view["through_h"], expected, rtol=1e-10, atol=1e-15)
    assert view["norm_through_h"] > 0


def test_total_matches_finite_differences(model):
    params, inputs, targets, h0, cache = model
    numeric = bh.numerical_grad(params, inputs, targets, h0, "h")
    for t in range(1, TAU + 1):
        total = backward_step_view(params, cache, t)["total"]
        np.testing.assert_allclose(total, numeric[t - 1], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("t", [0, TAU + 1, -1])
def test_t_out_of_range_raises(model, t):
    params, *_, cache = model
    with pytest.raises(ValueError, match="t must lie in"):
        backward_step_view(params, cache, t)


@pytest.mark.parametrize("t", [2.0, "3", True, None])
def test_t_not_an_int_raises(model, t):
    params, *_, cache = model
    with pytest.raises(TypeError, match="t must be an integer"):
        backward_step_view(params, cache, t)


def test_bad_cache_raises(model):
    params, inputs, targets, h0, cache = model
    with pytest.raises(TypeError, match="cache"):
        backward_step_view(params, {"h": cache.h}, 1)
    batch = bh.forward(params, np.stack([inputs, inputs]), np.stack([targets, targets]), None)
    with pytest.raises(ValueError, match="one sequence"):
        backward_step_view(params, batch, 1)
    with pytest.raises(ValueError, match="does not match"):
        backward_step_view(bh.init_params(7, 4, 6, seed=0), cache, 1)


def test_step_text_names_both_parts(model):
    params, *_, cache = model
    middle = step_text(backward_step_view(params, cache, 3))
    assert "eq 4.3" in middle and "through o(3)" in middle and "through h(4)" in middle
    view = backward_step_view(params, cache, 3)
    assert f"{view['norm_through_h']:.3g}" in middle and f"{view['norm_total']:.3g}" in middle
    last = step_text(backward_step_view(params, cache, TAU))
    assert "eq 4.2" in last and "none" in last


def test_a_norm_is_written_the_same_everywhere(model):
    """Readout, picture and text alternative write a norm alike ('0.0539', never '5.386e-02')."""
    from bptt_helpers.widgets.backward_stepper import norm_text, step_label, step_picture
    from bptt_helpers.widgets.frames import read_frame

    params, *_, cache = model
    view = backward_step_view(params, cache, 3)
    frame = read_frame(step_picture(view).markup("3"))
    for value in (view["norm_through_o"], view["norm_through_h"], view["norm_total"]):
        shown = norm_text(value)
        assert shown in step_text(view) and shown in frame["svg_text"] and shown in step_label(view)
    assert "e-0" not in step_text(view) + frame["svg_text"] + step_label(view)


def test_picture_shows_both_parts_and_the_progress(model):
    from bptt_helpers.widgets.backward_stepper import step_label, step_picture
    from bptt_helpers.widgets.frames import read_frame

    params, *_, cache = model
    view = backward_step_view(params, cache, 2)
    frame = read_frame(step_picture(view, token_labels=list("abcdef")).markup("2"))
    assert frame["label"] == step_label(view) and "step t = 2 of τ = 6" in frame["label"]
    assert "via o(2)" in frame["svg_text"] and "via h(3)" in frame["svg_text"]
    assert "‖(DL)_h(t)‖ so far: τ = 6 down to t = 2" in frame["svg_text"]
    assert "still to come" in frame["svg_text"] and "dashed" in frame["svg_text"]
    last = read_frame(step_picture(backward_step_view(params, cache, TAU)).markup(str(TAU)))
    assert "0 (no such term)" in last["svg_text"] and "still to come" in last["svg_text"]
    assert "t = τ = 6, the first step" in last["svg_text"]
    with pytest.raises(ValueError, match="backward_step_view"):
        step_picture({"t": 1})


def test_widget_runs_t_from_tau_down_to_1(model):
    """The slider runs t = 1..τ left to right (as the figure's t axis) and starts at t = τ;
    Play walks the backward pass's own order, t = τ down to 1."""
    from bptt_helpers.widgets.frames import read_frame

    params, *_, cache = model
    stepper = BackwardStepper(params, cache)
    assert stepper.t == TAU and stepper.slider.value == str(TAU) and stepper.play.value == 0
    assert list(stepper.slider.options) == [str(t) for t in range(1, TAU + 1)]
    assert [read_frame(f)["step"] for f in stepper.player.frames] == [str(t) for t in range(1, TAU + 1)]
    assert stepper.player.reverse_play and "bptt-reverse" in stepper.widget._dom_classes
    stepper.play.value = 1                     # Play counts 0..τ-1, i.e. t = τ..1
    assert stepper.t == TAU - 1 and stepper.slider.value == str(TAU - 1)
    stepper.slider.index = 0                   # the arrow keys move the slider
    assert stepper.t == 1 and stepper.play.value == TAU - 1
    assert read_frame(stepper.player.frames[0])["readout"] == step_text(backward_step_view(params, cache, 1))
    np.testing.assert_allclose(stepper.show(3)["total"], backward_step_view(params, cache, 3)["total"])
    assert stepper.t == 3 and stepper.player.stack.selected_index == 2 and stepper.play.value == TAU - 3
    with pytest.raises(ValueError):
        stepper.show(TAU + 1)
    with pytest.raises(ValueError, match="token_labels"):
        BackwardStepper(params, cache, token_labels=list("ab"))
