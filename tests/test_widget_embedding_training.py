"""Logic of the embedding-rows stepper (07) and the live loss display (08), and their widgets."""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import REPEAT_INPUTS, REPEAT_TARGETS, VOCAB, small_params

import bptt_helpers as bh
from bptt_helpers import grads_fast as g
from bptt_helpers.widgets.embedding_rows import (
    EmbeddingRowsStepper,
    embedding_rows_view,
    readout,
    step_label,
    step_picture,
)
from bptt_helpers.widgets.frames import read_frame
from bptt_helpers.widgets.training import LiveLoss, loss_frame, loss_label, progress_view

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


def test_readout_and_label_say_what_each_step_adds(model):
    zero = embedding_rows_view(*model, LABELS, 0)
    assert readout(zero).startswith(zero["caption"]) and "every entry 0" in readout(zero)
    assert readout(zero).splitlines()[0] == zero["caption"]
    assert "nothing read yet" in step_label(zero)
    view = embedding_rows_view(*model, LABELS, 2)          # token 1 ('b') read for the 2nd time
    text = readout(view)
    assert " ".join(text.split()).startswith(" ".join(view["caption"].split()))
    assert max(len(line) for line in text.splitlines()) <= 85          # fits a projector
    assert f"{view['term'][0]:+.4f}" in text and f"{view['running'][1][0]:+.4f}" in text
    assert "row 'b' (2 terms)" in text
    assert "row 'b', outlined, which now holds 2 terms" in step_label(view)
    last = embedding_rows_view(*model, LABELS, len(REPEAT_INPUTS))
    assert "All τ terms added" in readout(last) and "eq 4.9" in step_label(last)
    with pytest.raises(ValueError, match="embedding_rows_view"):
        readout({"step": 1})
    with pytest.raises(ValueError, match="embedding_rows_view"):
        step_picture({"step": 1})


def test_stepper_has_a_frame_per_step_with_its_readout_and_picture(model):
    stepper = EmbeddingRowsStepper(*model, LABELS, step=0)
    T = len(REPEAT_INPUTS)
    assert len(stepper.frames) == T + 1 and len(stepper.player.stack.children) == T + 1
    for step in range(T + 1):
        view = embedding_rows_view(*model, LABELS, step)
        html = stepper.frames[step]
        frame = read_frame(html)
        assert frame["step"] == str(step) and f"data-step='{step}'" in html
        assert frame["readout"] == readout(view)
        assert frame["label"] == step_label(view)
        assert "<svg " in html and "role='img'" in html and "aria-label=" in html
        if step:
            assert f"▼ t = {step}" in frame["svg_text"] and f"term of t = {step}" in frame["svg_text"]
    assert "no term yet" in read_frame(stepper.frames[0])["svg_text"]
    words = read_frame(stepper.frames[2])["svg_text"]
    assert "2 terms ◀ +1 added" in words and "is added to row 'b'" in words


def test_stepper_show_moves_slider_play_and_stack(model):
    stepper = EmbeddingRowsStepper(*model, LABELS, step=0)
    assert stepper.step == 0 and stepper.slider.value == "0" and stepper.player.stack.selected_index == 0
    view = stepper.show(7)
    assert "All τ terms added" in view["caption"]
    assert stepper.step == 7 and stepper.slider.index == 7 and stepper.play.value == 7
    assert stepper.player.stack.selected_index == 7
    stepper.slider.index = 3                      # the arrow keys move the slider
    assert stepper.step == 3                      # (and the browser the picture: jslink)
    for bad, error in ((8, ValueError), (-1, ValueError), (1.0, TypeError)):
        with pytest.raises(error, match="step"):
            stepper.show(bad)
    assert stepper.step == 3
    fallback = "Embedding-rows stepper: the rows of dL/dE fill up"
    assert stepper._repr_mimebundle_()["text/plain"].startswith(fallback)
    assert stepper.widget._repr_mimebundle_()["text/plain"].startswith(fallback)   # 07 shows .widget
    assert stepper.widget is stepper.player.widget and "bptt-stepper" in stepper.widget._dom_classes
    assert not hasattr(stepper, "image") and not hasattr(stepper, "caption")
    with pytest.raises(ValueError, match="step must lie"):
        EmbeddingRowsStepper(*model, LABELS, step=9)


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
    frame = read_frame(live.frame.html.value)             # before training: the waiting frame
    assert frame["step"] == "0" and frame["readout"] == "step 0/7 · waiting for the first step"
    assert "waiting for the first step" in frame["svg_text"]
    sent = []
    live.frame.html.observe(lambda change: sent.append(change["new"]), names="value")
    for step in range(7):
        live(step, 3.0 - 0.1 * step)
        assert len(sent) == {0: 0, 1: 0, 2: 1, 3: 1, 4: 1, 5: 2, 6: 3}[step]   # one message per refresh
    for html, n in zip(sent, (3, 6, 7), strict=True):
        frame = read_frame(html)
        want = progress_view(live.losses[:n], 7, 20)
        assert frame["step"] == str(n) and f"data-step='{n}'" in html
        assert frame["readout"] == want["text"] and frame["readout"].startswith(f"step {n}/7")
        assert frame["label"] == loss_label(live.losses[:n], 7, 20, np.log(5))
        assert '<svg ' in html and 'role="img"' in html and "aria-label=" in html
        assert f"{n}/7" in frame["svg_text"] and "uniform guess ln(V) = 1.61" in frame["svg_text"]
    assert sent[-1] == loss_frame(live.losses, 7, 20, np.log(5)) == live.frame.html.value
    assert live.text.startswith("step 7/7") and len(live.losses) == 7


def test_live_loss_fallback_and_bad_input():
    live = LiveLoss(total_steps=300, update_every=50)
    text = live.widget._repr_mimebundle_()["text/plain"]          # notebook 08 displays live.widget
    assert text.startswith("Live training curve") and "run the cell" in text and "\n" not in text
    assert "mean of last 20 steps" in read_frame(live.frame.html.value)["svg_text"]
    for kwargs, match in (({"total_steps": 0}, "total_steps"), ({"total_steps": 5, "update_every": 0},
                          "update_every"), ({"total_steps": 5, "baseline": float("nan")}, "baseline")):
        with pytest.raises(ValueError, match=match):
            LiveLoss(**kwargs)
    with pytest.raises(ValueError, match="total_steps"):
        loss_frame([1.0, 2.0, 3.0], 2)


def test_live_loss_thins_a_long_run_and_keeps_its_last_point():
    losses = list(np.linspace(4.0, 2.0, 5000))
    html = loss_frame(losses, 5000, 20)
    assert len(html) < 60_000                        # thinned to at most MAX_POINTS per line
    assert read_frame(html)["readout"].startswith("step 5000/5000 · loss 2.00")


def test_live_loss_as_train_callback_records_every_step():
    params = small_params(seed=0)
    ids = np.tile(np.arange(VOCAB), 6)
    live = LiveLoss(total_steps=5, update_every=5)
    result = bh.train(params, ids, window=4, steps=5, lr=0.1, seed=1, callback=live)
    assert live.losses == result.losses
    assert read_frame(live.frame.html.value)["readout"] == progress_view(result.losses, 5)["text"]
