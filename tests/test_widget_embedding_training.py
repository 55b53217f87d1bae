"""Logic of the embedding-rows stepper (07) and the live loss display (08), and their widgets."""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import REPEAT_INPUTS, REPEAT_TARGETS, VOCAB, small_params

import bptt_helpers as bh
from bptt_helpers import grads_fast as g
from bptt_helpers.widgets.embedding_rows import EmbeddingRowsStepper, embedding_rows_view
from bptt_helpers.widgets.training import LiveLoss, progress_view

LABELS = list("abcde")


@pytest.fixture
def model():
    params = small_params(seed=4, scale=1.5)
    cache = bh.forward(params, REPEAT_INPUTS, REPEAT_TARGETS, None)
    dh = g.dhidden(params, cache, g.dlogits(cache))
    return params, cache, dh


def test_step_zero_is_all_zeros(model):
    view = embedding_rows_view(*model, LABELS, 0)
    assert not view["running"].any() and view["token"] is None and view["term"] is None
    assert view["counts"] == [0] * len(view["rows"]) and "nothing read" in view["caption"]


def test_each_step_adds_one_row_and_last_step_equals_package_dE(model):
    params, cache, dh = model
    previous = np.zeros_like(params.E)
    for step in range(1, cache.T + 1):
        view = embedding_rows_view(params, cache, dh, LABELS, step)
        token = int(REPEAT_INPUTS[step - 1])
        change = view["running"] - previous
        assert np.flatnonzero(np.abs(change).sum(axis=1)).tolist() == [token]
        np.testing.assert_allclose(change[token], view["term"], atol=1e-15)
        assert view["token"] == token and view["label"] == LABELS[token]
        assert view["times_read"] == list(REPEAT_INPUTS[:step]).count(token)
        assert view["complete"] == (step == cache.T)
        previous = view["running"]
    np.testing.assert_allclose(previous, bh.backward(params, cache).E, atol=1e-14)


def test_repeated_token_caption_says_added(model):
    view = embedding_rows_view(*model, LABELS, 2)  # token 1 read for the 2nd time
    assert view["times_read"] == 2 and "2nd" in view["caption"] and "ADDED" in view["caption"]
    assert view["rows"] == [1, 3, 0] and view["counts"] == [2, 0, 0]
    assert view["untouched_rows"] == VOCAB - 3


def test_colour_scale_is_fixed_over_steps(model):
    vmaxes = {embedding_rows_view(*model, LABELS, s)["vmax"] for s in range(len(REPEAT_INPUTS) + 1)}
    assert len(vmaxes) == 1


@pytest.mark.parametrize("step, error", [(-1, ValueError), (8, ValueError), (1.0, TypeError)])
def test_bad_step_raises(model, step, error):
    with pytest.raises(error, match="step"):
        embedding_rows_view(*model, LABELS, step)


def test_bad_labels_and_batch_raise(model):
    params, cache, dh = model
    with pytest.raises(ValueError, match="labels"):
        embedding_rows_view(params, cache, dh, LABELS[:3], 1)
    batch = bh.forward(params, REPEAT_INPUTS[None], REPEAT_TARGETS[None], None)
    with pytest.raises(ValueError, match="ONE sequence"):
        embedding_rows_view(params, batch, dh[None], LABELS, 1)


def test_stepper_buttons_move_slider_and_change_picture(model):
    stepper = EmbeddingRowsStepper(*model, LABELS, step=0)
    first = stepper.image.value
    assert first[:4] == b"\x89PNG"
    stepper.next.click()
    assert stepper.slider.value == 1 and "t = 1" in stepper.caption.value
    assert stepper.image.value != first
    stepper.prev.click()
    stepper.prev.click()  # stays at 0
    assert stepper.slider.value == 0 and stepper.image.value == first
    stepper.show(7)
    assert "All τ terms added" in stepper.caption.value
    stepper.next.click()
    assert stepper.slider.value == 7


def test_progress_view_text_and_fraction():
    empty = progress_view([], 10)
    assert empty["step"] == 0 and empty["recent"] is None and "0/10" in empty["text"]
    view = progress_view([4.0, 3.0, 2.0, 1.0], 10, window=2)
    assert view["step"] == 4 and view["fraction"] == 0.4
    assert view["recent"] == 1.5 and view["first"] == 3.5
    assert view["text"] == "step 4/10 · loss 1.500 (mean of last 2) · started at 3.500"
    assert "started" not in progress_view([4.0], 10, window=2)["text"]


@pytest.mark.parametrize("args", [([1.0] * 3, 2), ([], 0), ([], 5.0)])
def test_progress_view_rejects_bad_input(args):
    with pytest.raises(ValueError):
        progress_view(*args)


def test_live_loss_updates_every_k_steps_and_at_the_end():
    live = LiveLoss(total_steps=7, update_every=3, baseline=np.log(5))
    for step in range(7):
        live(step, 3.0 - 0.1 * step)
        if step == 1:
            assert live.bar.value == 0.0 and live.image.value == b""
        if step == 2:
            assert live.bar.value == pytest.approx(3 / 7) and live.image.value[:4] == b"\x89PNG"
    assert live.bar.value == 1.0 and live.status.value.startswith("step 7/7")
    assert len(live.losses) == 7


def test_live_loss_as_train_callback_records_every_step():
    params = small_params(seed=0)
    ids = np.tile(np.arange(VOCAB), 6)
    live = LiveLoss(total_steps=5, update_every=5)
    result = bh.train(params, ids, window=4, steps=5, lr=0.1, seed=1, callback=live)
    assert live.losses == result.losses
