"""Notebook 13's widgets: the memory heatmap and the LSTM backward stepper (plain functions)."""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers import lstm, margins
from bptt_helpers.gradcheck import central_difference
from bptt_helpers.lessons import lstm_memory as lm
from bptt_helpers.plots.svg import INK
from bptt_helpers.widgets import lstm_backward as lb
from bptt_helpers.widgets import memory_heatmap as mh
from bptt_helpers.widgets.frames import read_frame

PASSAGE = "abcdefg"   # every character once: dL(t)/dE[row of s] is dL(t)/dx(s)
VOCAB = bh.CharVocab(PASSAGE)


@pytest.fixture(scope="module")
def models():
    return {"tanh RNN": bh.init_params(7, 3, 5, seed=0),
            "LSTM": lstm.init_lstm_params(7, 3, 4, seed=0, forget_bias=1.0)}


def _contrast(a: str, b: str) -> float:
    def lum(c):
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        rgb = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_shade_keeps_the_text_readable():
    assert all(_contrast(colour, INK) >= 4.5 for colour in mh.COLOURS)
    # darker for larger gradients: the shade orders the levels as the bars do
    pairs = zip(mh.COLOURS, mh.COLOURS[1:], strict=False)
    assert all(_contrast(a, "#ffffff") > _contrast(b, "#ffffff") for a, b in pairs)


@pytest.mark.parametrize("label", ["tanh RNN", "LSTM"])
def test_memory_row_is_the_gradient_of_one_steps_loss(models, label):
    params = models[label]
    ids = VOCAB.encode(PASSAGE)
    t = 5
    norms = lm.memory_row(params, ids, t)
    model = lstm.train.model_of(params)

    def loss_t(delta):
        nudged = params.copy()
        nudged.E = nudged.E + delta
        return model.forward(nudged, ids[:t], ids[1:t + 1]).losses[t - 1]
    dE = central_difference(loss_t, params.E.shape)
    np.testing.assert_allclose(norms, np.linalg.norm(dE[ids[:t]], axis=1), rtol=1e-6, atol=1e-12)


def test_levels_and_reach():
    norms = np.array([1e-7, 1e-5, 2e-3, 0.05, 1.0])
    np.testing.assert_array_equal(mh.levels(norms), [8, 6, 3, 1, 0])
    assert lm.reach(norms, 1e-2) == 2 and lm.reach(norms, 1e-3) == 3 and lm.reach(norms, 1e-8) == 5
    with pytest.raises(margins.FragileComparison):
        lm.reach(np.array([0.0101, 1.0]), 1e-2)     # within 1 % of the threshold: too close to count


def test_memory_view_text_and_frame_agree(models):
    view = mh.memory_view(models, PASSAGE, VOCAB, 4)
    assert [row["label"] for row in view["rows"]] == ["tanh RNN", "LSTM"] and view["target"] == "e"
    stepper = mh.MemoryStepper(models, PASSAGE, VOCAB, [2, 4, 6])
    frame = read_frame(stepper.frames[1])
    assert frame["step"] == "4" and frame["readout"] == mh.memory_text(view)
    assert frame["label"] == mh.memory_label(view)
    assert PASSAGE in frame["svg_text"].replace("\xa0", " ")
    assert stepper.show(6)["t"] == 6 and stepper.player.index == 2
    with pytest.raises(ValueError, match="t must be one of"):
        stepper.show(3)
    with pytest.raises(ValueError, match="t must lie in"):
        mh.memory_view(models, PASSAGE, VOCAB, 7)


@pytest.fixture(scope="module")
def small():
    params = lstm.init_lstm_params(5, 3, 4, seed=0, forget_bias=1.0)
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 5, 5), rng.integers(0, 5, 5)
    return params, x, y, lstm.lstm_forward(params, x, y)


def test_backward_view_parts_add_up_to_the_nodes_and_match_finite_differences(small):
    params, x, y, cache = small
    numeric = {k: lstm.lstm_numerical_grad(params, x, y, None, None, k) for k in ("h(t)", "c(t)")}
    for t in range(1, cache.T + 1):
        view = lb.lstm_backward_view(params, cache, t)
        np.testing.assert_allclose(view["h_via_o"] + view["h_via_z"], view["dh"], rtol=0, atol=1e-15)
        np.testing.assert_allclose(view["c_via_h"] + view["c_via_c"], view["dc"], rtol=0, atol=1e-15)
        np.testing.assert_allclose(view["dh"], numeric["h(t)"][t - 1], rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(view["dc"], numeric["c(t)"][t - 1], rtol=1e-6, atol=1e-10)
    last = lb.lstm_backward_view(params, cache, cache.T)
    assert last["norm_h_via_z"] == 0 == last["norm_c_via_c"]


def test_backward_stepper_frames(small):
    params, _, _, cache = small
    stepper = lb.LSTMBackwardStepper(params, cache)
    assert stepper.t == cache.T
    for t, html in stepper.frames.items():
        frame = read_frame(html)
        view = lb.lstm_backward_view(params, cache, t)
        assert frame["step"] == str(t) and frame["readout"] == lb.lstm_step_text(view)
        assert frame["label"] == lb.lstm_step_label(view)
        assert ("no step after" in frame["svg_text"]) == (t == cache.T)
    assert stepper.show(2)["t"] == 2 and stepper.t == 2
    with pytest.raises(TypeError, match="LSTMCache"):
        lb.lstm_backward_view(params, bh.forward(bh.init_params(5, 3, 4), [1, 2], [2, 3], None), 1)
    batch = lstm.lstm_forward(params, np.zeros((2, 3), int), np.zeros((2, 3), int))
    with pytest.raises(ValueError, match="one sequence"):
        lb.lstm_backward_view(params, batch, 1)
