"""The forward stepper of notebook 01: what step t shows, computed by a plain function."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bptt_helpers as bh  # noqa: E402
from bptt_helpers.forward_pass import cross_entropy, softmax  # noqa: E402
from bptt_helpers.widgets.forward_stepper import (  # noqa: E402
    ForwardStepper,
    forward_step_view,
    step_text,
)

TEXT = "abcab cabba"


@pytest.fixture(scope="module")
def model():
    vocab = bh.CharVocab.from_text(TEXT)           # ' ', 'a', 'b', 'c'
    ids = vocab.encode(TEXT)
    inputs, targets = ids[:-1], ids[1:]
    params = bh.init_params(vocab.size, 3, 5, seed=3)
    params = bh.Params(**{k: 2.0 * v for k, v in params.items()})  # sharper predictions
    h0 = np.linspace(-0.3, 0.3, 5)
    return params, vocab, inputs, targets, h0, bh.forward(params, inputs, targets, h0)


@pytest.mark.parametrize("t", [1, 4, 10])
def test_view_holds_the_values_of_step_t(model, t):
    params, vocab, inputs, targets, h0, cache = model
    view = forward_step_view(cache, vocab, t, top_k=3)
    assert view["t"] == t and view["tau"] == len(inputs) == 10
    assert view["input_char"] == TEXT[t - 1] and view["target_char"] == TEXT[t]
    assert view["context"] == TEXT[:t]
    # recompute step t by hand from the equations, starting from h(0)
    h = h0
    for s in range(1, t + 1):
        x = params.E[inputs[s - 1]]
        a = h @ params.W.T + x @ params.U.T + params.b
        h_prev, h = h, np.tanh(a)
    np.testing.assert_allclose(view["x"], x, rtol=1e-12)
    np.testing.assert_allclose(view["a"], a, rtol=1e-12)
    np.testing.assert_allclose(view["h"], h, rtol=1e-12)
    np.testing.assert_allclose(view["h_prev"], h_prev, rtol=1e-12)
    assert view["h_norm"] == pytest.approx(np.linalg.norm(h))
    y_hat = softmax(h @ params.V.T + params.c)
    assert view["loss_t"] == pytest.approx(-np.log(y_hat[targets[t - 1]]), rel=1e-12)
    assert view["target_prob"] == pytest.approx(y_hat[targets[t - 1]], rel=1e-12)
    # top-k: the k largest probabilities, most likely first
    probs = [p for _, p in view["top"]]
    assert len(view["top"]) == 3 and probs == sorted(probs, reverse=True)
    assert probs[0] == pytest.approx(y_hat.max())
    assert view["top"][0][0] == vocab.chars[int(np.argmax(y_hat))]
    rank = 1 + int(np.sum(y_hat > y_hat[targets[t - 1]]))
    assert view["target_rank"] == rank


def test_running_mean_is_mean_of_losses_so_far(model):
    *_, cache = model
    vocab = model[1]
    for t in range(1, cache.T + 1):
        view = forward_step_view(cache, vocab, t)
        np.testing.assert_array_equal(view["losses"], cache.losses[:t])
        assert view["running_mean"] == pytest.approx(np.mean(cache.losses[:t]), rel=1e-12)
    # at t = tau the running mean is the loss L of eq 1.2
    assert view["running_mean"] == pytest.approx(cache.loss, rel=1e-12)
    assert view["loss"] == cache.loss


def test_losses_match_cross_entropy(model):
    *_, cache = model
    np.testing.assert_allclose(forward_step_view(cache, model[1], 10)["all_losses"],
                               cross_entropy(cache.o, cache.targets))


def test_views_are_copies(model):
    *_, cache = model
    view = forward_step_view(cache, model[1], 2)
    view["h"][:] = 99.0
    assert not np.any(cache.h == 99.0)


@pytest.mark.parametrize("t", [0, 11, -1])
def test_t_out_of_range_raises(model, t):
    *_, cache = model
    with pytest.raises(ValueError, match="t must lie in"):
        forward_step_view(cache, model[1], t)


@pytest.mark.parametrize("t", [1.0, "2", True])
def test_t_not_an_integer_raises(model, t):
    *_, cache = model
    with pytest.raises(TypeError, match="t must be an integer"):
        forward_step_view(cache, model[1], t)


def test_top_k_checked(model):
    *_, cache = model
    vocab = model[1]
    assert len(forward_step_view(cache, vocab, 1, top_k=vocab.size)["top"]) == vocab.size
    with pytest.raises(ValueError, match="top_k"):
        forward_step_view(cache, vocab, 1, top_k=0)
    with pytest.raises(ValueError, match="top_k"):
        forward_step_view(cache, vocab, 1, top_k=vocab.size + 1)


def test_bad_cache_and_vocab_raise(model):
    params, vocab, inputs, targets, h0, cache = model
    with pytest.raises(TypeError, match="cache"):
        forward_step_view({"h": cache.h}, vocab, 1)
    batched = bh.forward(params, np.stack([inputs, inputs]), np.stack([targets, targets]), h0)
    with pytest.raises(ValueError, match="one sequence"):
        forward_step_view(batched, vocab, 1)
    with pytest.raises(TypeError, match="vocab"):
        forward_step_view(cache, vocab.chars, 1)
    with pytest.raises(ValueError, match="vocab"):
        forward_step_view(cache, bh.CharVocab("abcde"), 1)


def test_cache_cost_plot_checks_shapes():
    import matplotlib.pyplot as plt

    from bptt_helpers.plots.forward import plot_cache_cost

    ax = plot_cache_cost([1, 2, 4], [100, 200, 400], seconds=[1e-3, 2e-3, 4e-3])
    assert len(ax.figure.axes) == 2                 # bytes and a twin axis for the time
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.array([100, 200, 400]) / 1024)
    with pytest.raises(ValueError, match="taus and nbytes"):
        plot_cache_cost([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="seconds"):
        plot_cache_cost([1, 2], [1, 2], seconds=[1.0])
    plt.close("all")


def test_text_shows_the_numbers(model):
    *_, cache = model
    view = forward_step_view(cache, model[1], 4)
    text = step_text(view)
    for number in (f"{view['loss_t']:.4f}", f"{view['running_mean']:.4f}", f"{view['h_norm']:.3f}"):
        assert number in text
    assert text.startswith("step t = 4 of τ = 10")
    assert len(text.splitlines()) == 6                # a slide shows it at its body size
    first = step_text(forward_step_view(cache, model[1], 1))
    assert "the first token: nothing before it" in first and "after ''" not in first


def test_picture_highlights_column_t_and_says_so(model):
    from bptt_helpers.widgets.forward_stepper import step_label, step_picture
    from bptt_helpers.widgets.frames import read_frame

    *_, cache = model
    view = forward_step_view(cache, model[1], 3)
    pic = step_picture(view, token_labels=list(TEXT[:-1]))
    frame = read_frame(f"<div class='bptt-frame' data-step='3'>{pic.markup('3')}</div>")
    assert frame["label"] == step_label(view)
    assert "column 3 of Figure 1 is highlighted" in frame["label"]
    assert f"{view['loss_t']:.3f}" in frame["label"]
    words = frame["svg_text"]
    assert "▼ t = 3" in words and "L(s) so far, mean" in words and "ŷ(3): top guesses" in words
    assert f"{view['target_prob']:.3f} target" in words or "target" in words
    assert "softmax" in words and "−log" in words   # edge labels, once, in the h(0) column
    assert f"'{TEXT[2]}'" in words                   # the token boxes show the tokens
    with pytest.raises(ValueError, match="forward_step_view"):
        step_picture({"t": 1})


def test_stepper_has_a_frame_per_step_and_moves_to_t(model):
    from bptt_helpers.widgets.frames import read_frame

    *_, cache = model
    vocab = model[1]
    stepper = ForwardStepper(cache, vocab)
    assert stepper.t == 1 and len(stepper.player.frames) == 10
    for t in (1, 5, 10):
        frame = read_frame(stepper.player.frames[t - 1])
        assert frame["step"] == str(t)
        assert frame["readout"] == step_text(forward_step_view(cache, vocab, t))
    view = stepper.show(6)
    assert stepper.t == 6 and stepper.slider.value == "6" and stepper.player.stack.selected_index == 5
    assert view["loss_t"] == pytest.approx(cache.losses[5])
    stepper.slider.index = 9                       # the arrow keys move the slider
    assert stepper.t == 10
    assert "Forward stepper" in stepper._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="t must lie in"):
        stepper.show(11)
