"""The accumulate stepper and the per-step terms it shows (eqs 4.4-4.8, §3.3 eq 3.9).

Step t's partial sum must be the sum of the first t terms; at t = τ it must equal
backward()'s gradient; each term must be what a finite difference with respect to
that step's own copy of the parameter (the paper's dummy variable) measures.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0, small_params

import bptt_helpers as bh
from bptt_helpers.lessons import contributions as C
from bptt_helpers.widgets.accumulate import (
    AccumulateStepper,
    accumulate_view,
    readout,
    step_label,
    step_picture,
)
from bptt_helpers.widgets.frames import read_frame


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
    first = readout(accumulate_view(terms, total, 0), "c")
    assert "no term added yet" in first and "1..0" not in first and f"t = 1..{cache.T}" in first
    last = readout(accumulate_view(terms, total, cache.T), "c")
    assert f"t = {cache.T}: the term of t = {cache.T} added" in last and "✓" in last
    assert max(len(line) for line in last.splitlines()) <= 85          # fits a projector


def _frame_of(stepper, t):
    return read_frame(stepper.frames[t])


@pytest.mark.parametrize("name", C.SHARED_NAMES)
def test_stepper_has_a_frame_per_step_with_its_readout_and_picture(model, name):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, name)
    first = 0 if name == "W" else 1
    assert len(stepper.frames) == cache.T + 1 and len(stepper.player.stack.children) == cache.T + 1
    assert stepper.player.labels == ["none"] + [str(i) for i in range(first, first + cache.T)]
    for t in range(cache.T + 1):
        view = accumulate_view(C.per_step_terms(params, cache, name),
                               getattr(bh.backward(params, cache), name), t, first)
        frame = _frame_of(stepper, t)
        assert frame["step"] == stepper.player.labels[t]
        assert frame["readout"] == readout(view, name)
        assert frame["label"] == step_label(view, name, term_caption=stepper.term_caption)
        assert "<svg " in stepper.frames[t] and "role='img'" in stepper.frames[t]
    # no terms yet never says "t = 1..0", in the text or in the picture
    zero = _frame_of(stepper, 0)
    assert "..0" not in zero["readout"] + zero["label"] + zero["svg_text"]
    assert "no term added yet" in zero["svg_text"]
    assert f"terms t = {first}..{first + cache.T - 1} added" in _frame_of(stepper, cache.T)["svg_text"]


def test_vector_picture_marks_newest_term_and_signs_in_text(model):
    params, cache, _ = model
    labels = list("abcde")
    stepper = AccumulateStepper.for_parameter(params, cache, "c", labels=labels, start=3)
    words = _frame_of(stepper, 3)["svg_text"]
    assert "newest: the term of t = 3" in words and "sum of t = 1..3" in words and "backward()" in words
    term = C.per_step_terms(params, cache, "c")[2]
    for value in term:              # the newest term's entries, each with its sign written
        assert f"{value:+.3f}".replace("-", "−") in words
    assert all(label in words.split() for label in labels)
    assert "Bars of dL/dc" in _frame_of(stepper, 3)["label"]


def test_matrix_picture_has_three_panels_and_sign_marks(model):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, "V", term_label="do ⊗ h", start=2)
    frame = _frame_of(stepper, 2)
    words = frame["svg_text"]
    assert "term of t = 2" in words and "sum of t = 1..2" in words and "backward()" in words
    assert "Σ_t do ⊗ h" in words and "+" in "".join(words.split()) and "−" in "".join(words.split())
    assert "dL/dV (" in frame["label"] and "heatmaps with signs" in frame["label"]
    assert "✓" in _frame_of(stepper, cache.T)["svg_text"]      # rounding only: a verdict
    assert "no term yet" in _frame_of(stepper, 0)["svg_text"]


def test_stepper_show_moves_slider_play_and_stack(model):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, "W")
    assert stepper.t == 1 and stepper.slider.value == "0" and stepper.player.stack.selected_index == 1
    view = stepper.show(4)
    assert view["t"] == 4 and view["index"] == 3 and stepper.t == 4
    assert stepper.slider.index == 4 and stepper.play.value == 4 and stepper.player.stack.selected_index == 4
    stepper.slider.index = cache.T                 # the arrow keys move the slider (the browser
    assert stepper.t == cache.T                    # moves the picture: jslink, tested in test_widget_frames)
    assert stepper.step(+1)["t"] == cache.T        # clamps at τ
    assert stepper.step(-cache.T - 5)["t"] == 0    # and at 0
    assert stepper.player.stack.selected_index == 0
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Accumulate stepper: dL/dW")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert not hasattr(stepper, "image") and not hasattr(stepper, "save_png")


def test_stepper_rejects_bad_input(model):
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, "c")
    for bad in (-1, cache.T + 1, 1.5, True):
        with pytest.raises(ValueError, match="t must be"):
            stepper.show(bad)
    with pytest.raises(ValueError, match="start must be"):
        AccumulateStepper.for_parameter(params, cache, "c", start=cache.T + 1)
    with pytest.raises(ValueError, match="labels"):
        AccumulateStepper.for_parameter(params, cache, "c", labels=["only one"])
    with pytest.raises(ValueError, match="terms must be"):
        AccumulateStepper(np.ones((3, 2, 2, 2)), np.ones((2, 2, 2)), "X")
    with pytest.raises(ValueError, match="total must have shape"):
        AccumulateStepper(np.ones((3, 2)), np.ones(3), "c")
    with pytest.raises(ValueError, match="first must be"):
        accumulate_view(np.ones((3, 2)), np.ones(2), 1, first=2)
    with pytest.raises(ValueError, match="accumulate_view"):
        step_picture({"t": 1}, "c")


def test_W_stepper_numbers_its_terms_as_the_paper_does(model):
    """(4.7) sums t = 0..τ-1: the slider, the readout and the picture all say t = 0 for the
    first term, which reads h(0) (06 once said 'step 1' beside 'paper's t = 0')."""
    params, cache, _ = model
    stepper = AccumulateStepper.for_parameter(params, cache, "W")
    first = _frame_of(stepper, 1)
    assert stepper.player.labels[1] == "0"
    assert first["readout"].startswith("t = 0: the term of t = 0 added")
    assert "t = 0: uses h(0)" in first["svg_text"] and "t = 0: uses h(0)" in first["label"]
    assert "terms t = 0..7 added" in _frame_of(stepper, cache.T)["svg_text"] or cache.T != 8
    assert "step 1" not in first["readout"] + first["svg_text"] + first["label"]


def test_svg_sum_helpers_steps_signs_and_big_matrices():
    import io

    import matplotlib.image as mpimg

    from bptt_helpers.plots import svg_sums
    from bptt_helpers.plots.svg import Svg

    colours = svg_sums.step_colours(5)
    assert len(set(colours)) == 5 and colours[2] == "#d1495b"      # light -> BACKWARD -> dark
    assert svg_sums.sign_mark(0.5, 1.0) == "+" and svg_sums.sign_mark(-0.5, 1.0) == "−"
    assert svg_sums.sign_mark(0.001, 1.0) == ""
    small = Svg(200, 100, "small")
    svg_sums.heatmap(small, 0, 0, 200, 100, [[1.0, -1.0], [0.0, 0.5]], 1.0)
    out = small.markup()   # the cells: one pixelated PNG; the signs: text, one element per row and ink
    assert out.count("<image") == 1 and "class='bptt-px'" in out and "image-rendering:pixelated" in out
    assert "+" in out and "−" in out and out.count("<rect") == 1
    big = Svg(200, 100, "big")
    matrix = np.linspace(-1, 1, 30 * 40).reshape(30, 40)
    svg_sums.heatmap(big, 0, 0, 200, 100, matrix, 1.0)
    out = big.markup()
    assert out.count("<image") == 1 and ">+<" not in out          # cells too small for 16-unit signs
    pixels = mpimg.imread(io.BytesIO(svg_sums.png_bytes(svg_sums.diverging_rgb(matrix, 1.0))))
    assert pixels.shape[:2] == (30, 40)
    assert pixels[0, 0, 2] > pixels[0, 0, 0] and pixels[-1, -1, 0] > pixels[-1, -1, 2]  # blue, red
    with pytest.raises(ValueError, match="T must be"):
        svg_sums.step_colours(0)
    with pytest.raises(ValueError, match="2-D"):
        svg_sums.heatmap(small, 0, 0, 1, 1, np.ones(3), 1.0)
