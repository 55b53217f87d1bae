"""Notebook 12's checkers: the whole backward pass, h(0), and the ReLU variant.

The answers fed to the checkers are written here the way a student would write them (loops over
b and t, one equation at a time), independently of ``capstone.backward_variant``, with each classic
mistake switched in by hand; the checker must name it.
"""

from __future__ import annotations

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers import exercises, grads_fast
from bptt_helpers.exercises import capstone
from bptt_helpers.exercises.capstone import (
    check_backward,
    check_backward_relu,
    check_dh0,
    check_relu_prediction,
    forward_relu,
)


def student_backward(params, cache, *, derivative="tanh", mistake=None, derivative_rec=None):
    """All six gradients with loops over sequences and steps; ``mistake`` switches in one slip."""
    batched = cache.inputs.ndim == 2
    inputs = cache.inputs if batched else cache.inputs[None]
    targets = cache.targets if batched else cache.targets[None]
    H = cache.h if batched else cache.h[None]
    A = cache.a if batched else cache.a[None]
    X = cache.x if batched else cache.x[None]
    Y = cache.y_hat if batched else cache.y_hat[None]
    B, tau = inputs.shape
    n = 1 if mistake == "no mean" else tau if mistake == "tau only" else B * tau
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    for s in range(B):
        h, a, x = H[s], A[s], X[s]

        def deriv(t, h=h, a=a, kind=derivative):  # (Dh(t))_a(t) as a vector, t = 1..τ
            if kind == "relu":
                return (a[t - 1] > 0).astype(float)
            return (1 - h[t]) ** 2 if mistake == "(1-h)^2" else 1 - h[t] ** 2

        do = [None] + [(Y[s, t - 1] - np.eye(params.vocab_size)[targets[s, t - 1]]) / n
                       for t in range(1, tau + 1)]                                   # (4.1)
        dh = [None] * (tau + 1)
        dh[tau] = do[tau] @ params.V                                                 # (4.2)
        for t in range(tau - 1, 0, -1):                                              # (4.3)
            f = deriv(t + 1, kind=derivative_rec or derivative)
            if mistake == "broadcast":
                step = dh[t + 1] @ (f * params.W)
            elif mistake == "W^T":
                step = (dh[t + 1] * f) @ params.W.T
            else:
                step = (dh[t + 1] * f) @ params.W
            dh[t] = step + do[t] @ params.V
        for t in range(1, tau + 1):
            da = dh[t] * deriv(t)
            grads["c"] += do[t]                                                      # (4.4)
            grads["b"] += da                                                         # (4.5)
            grads["V"] += np.outer(do[t], h[t])                                      # (4.6)
            if mistake == "dW from t=1":
                if t >= 2:
                    grads["W"] += np.outer(da, h[t - 1])
            elif mistake == "dW with h(t)":
                grads["W"] += np.outer(da, h[t])
            elif mistake == "dW transposed":
                grads["W"] += np.outer(h[t - 1], da)
            else:
                grads["W"] += np.outer(da, h[t - 1])                                 # (4.7)
            grads["U"] += np.outer(da, x[t - 1])                                     # (4.8)
            if mistake != "+=":
                grads["E"][inputs[s, t - 1]] += da @ params.U                        # (4.9)
        if mistake == "+=":
            rows = np.stack([(dh[t] * deriv(t)) @ params.U for t in range(1, tau + 1)])
            grads["E"][inputs[s]] += rows                                            # the bug
    if mistake == "dV transposed":
        grads["V"] = grads["V"].T
    return bh.Params(**grads)


def placeholder(*args):
    raise NotImplementedError("write the nine equations")


# ---- the whole backward pass --------------------------------------------------------------------

def test_a_right_answer_passes_with_a_verdict_for_every_tensor():
    result = check_backward(student_backward)
    assert result, result.message
    lines = result.message.splitlines()
    assert lines[0].startswith("✓") and "one sequence" in lines[0] and "batch" in lines[0]
    for name in bh.PARAM_NAMES:
        assert any(line.split()[:1] == [f"d{name}"] and line.count("< 10⁻⁶ ✓") == 2 for line in lines)
    assert check_backward(lambda p, c: student_backward(p, c).as_dict())    # a dict is a Params too
    tupled = check_backward(lambda p, c: tuple(v for _, v in student_backward(p, c).items()))
    assert not tupled and "returned a tuple of 6 items" in tupled.message


def test_the_package_own_backward_scores_zero_however_it_is_called():
    from bptt_helpers import backward as renamed
    from bptt_helpers.grads_fast import dhidden

    for cheat in (bh.backward, lambda p, c: renamed(p, c).as_dict(),
                  lambda p, c: (dhidden(p, c, grads_fast.dlogits(c)), student_backward(p, c))[1],
                  lambda p, c: capstone.backward_variant(p, c)):
        result = check_backward(cheat)
        assert not result and "calls the package's own" in result.message and result.score == 0


@pytest.mark.parametrize("mistake, words", [
    ("no mean", "B·τ times too big"),
    ("tau only", "B times too big for the batch"),
    ("broadcast", "COLUMNS of W"),
    ("W^T", "multiplied by W itself"),
    ("(1-h)^2", "(1 - h)² is not the tanh derivative"),
    ("dW from t=1", "so (4.7) runs from t = 0"),
    ("dW with h(t)", "W multiplies the PREVIOUS state"),
    ("dW transposed", "the transpose of the right matrix"),
    ("+=", "read more than once"),
])
def test_each_classic_mistake_is_named(mistake, words):
    result = check_backward(lambda p, c: student_backward(p, c, mistake=mistake), hints="all")
    assert not result and result.message.startswith("✗")
    assert words in result.message, result.message
    assert "→ what to change" in result.message


def test_the_broadcast_diagnosis_is_the_errata_text_and_the_scatter_one_notebook_07s():
    from bptt_helpers.exercises.embedding import REPEAT_HINT
    from bptt_helpers.lessons.errata import ERRATA

    broadcast = check_backward(lambda p, c: student_backward(p, c, mistake="broadcast"), hints="all").message
    assert next(e.correction for e in ERRATA if e.key == "broadcast-4.3") in broadcast
    scatter = check_backward(lambda p, c: student_backward(p, c, mistake="+="), hints="all").message
    assert REPEAT_HINT in scatter


def test_only_the_tensors_a_mistake_touches_are_listed_as_wrong():
    def dW_slightly_off(params, cache):
        grads = student_backward(params, cache)
        grads.W = grads.W + 0.01
        return grads
    message = check_backward(dW_slightly_off).message
    wrong_line = next(line for line in message.splitlines() if "on one sequence" in line)
    assert "wrong dW (rel. error" in wrong_line and "right: dE, dU, db, dV, dc" in wrong_line
    assert check_backward(dW_slightly_off).score == 5
    assert "the term of h(0) included" in check_backward(dW_slightly_off).message   # the second hint


def test_two_mistakes_at_once_are_both_named():
    def two(params, cache):
        grads = student_backward(params, cache, mistake="no mean")
        grads.E = student_backward(params, cache, mistake="+=").E * cache.n_positions
        return grads

    message = check_backward(two, hints="all").message
    assert "two slips together" in message and "B·τ times too big" in message
    assert "read more than once" in message


def test_a_transposed_dV_is_reported_by_its_shape():
    message = check_backward(lambda p, c: student_backward(p, c, mistake="dV transposed")).message
    assert message.startswith("✗") and "dV has shape (4, 5), expected (5, 4) (it is transposed)" in message


def test_an_unknown_error_says_where_to_look():
    def off_b(params, cache):
        grads = student_backward(params, cache)
        grads.b = grads.b * 1.01
        return grads

    message = check_backward(off_b).message
    assert message.startswith("✗") and "look again at db (4.5)" in message

    def batch_only(params, cache):
        grads = student_backward(params, cache)
        if cache.inputs.ndim == 2:
            grads.U = grads.U + 0.1
        return grads

    message = check_backward(batch_only, hints="all").message
    assert "right on one sequence (τ = 6), wrong on a batch of B = 3 (τ = 4)" in message
    assert "leading B axis" in message


def test_placeholder_errors_and_bad_returns_are_messages_not_tracebacks():
    message = check_backward(placeholder).message
    assert message.startswith("✗") and "not implemented yet" in message and "(4.1)" in message
    raised = check_backward(lambda p, c: c.y_hat @ p.V.T, hints="all").message
    assert raised.startswith("✗") and "raised ValueError" in raised and "V (vocab, n_hidden)" in raised
    for bad, words in ((lambda p, c: None, "returned None"),
                       (lambda p, c: {"E": 0}, "missing U, W, b, V, c"),
                       (lambda p, c: {**student_backward(p, c).as_dict(), "c": np.full(5, np.nan)}, "NaN")):
        message = check_backward(bad).message
        assert message.startswith("✗") and words in message, message


def test_an_answer_that_changes_its_inputs_is_named_and_cannot_spoil_the_check():
    def scribbles(params, cache):
        grads = student_backward(params, cache)
        cache.y_hat[...] = 0.0
        params.W[...] = 0.0
        return grads

    result = check_backward(scribbles)
    assert not result and "changed its input `params`, `cache` in place" in result.message
    assert result.score == 0
    assert check_backward(student_backward)  # and the cases are still intact afterwards


def test_a_checker_called_with_something_else_than_a_function_names_the_argument():
    with pytest.raises(TypeError, match="my_backward"):
        check_backward(3)
    with pytest.raises(TypeError, match="my_dh0"):
        check_dh0("my_dh0")


def test_graded_under_the_autograder(monkeypatch, capsys):
    monkeypatch.setenv(exercises.GRADING_ENV, "1")
    for fn, words, points in ((placeholder, "not implemented yet", 0),
                              (lambda p, c: student_backward(p, c, mistake="+="), "read more than once", 5)):
        assert check_backward(fn, graded=True) == points
        printed = capsys.readouterr().out
        assert printed.startswith("✗") and words in printed
    assert check_backward(student_backward, graded=True) == 6
    assert capsys.readouterr().out.startswith("✓")
    for check, fn in ((check_dh0, placeholder), (check_backward_relu, placeholder),
                      (check_relu_prediction, placeholder)):
        assert check(fn, graded=True) == 0
        assert "not implemented yet" in capsys.readouterr().out
    assert not check_backward(placeholder)  # ungraded calls return the result


# ---- extension 1: h(0) --------------------------------------------------------------------------

def _dh1(params, cache):
    return grads_fast.dhidden(params, cache, grads_fast.dlogits(cache))[..., 0, :]


def right_dh0(params, cache):
    return (_dh1(params, cache) * (1 - cache.h[..., 1, :] ** 2)) @ params.W


def test_dh0_right_answer_matches_finite_differences_on_a_sequence_and_a_batch():
    result = check_dh0(right_dh0)
    assert result and "one sequence" in result.message and "batch" in result.message
    # the h(0) gradient is what finite differences of the loss say, shared h0 summed over the batch
    m = capstone.models()[1]
    shared = m.h0[0]
    cache = bh.forward(m.params, m.inputs, m.targets, shared)
    numeric = bh.gradcheck.central_difference(
        lambda d: bh.forward(m.params, m.inputs, m.targets, shared + d).loss, shared.shape)
    assert np.allclose(right_dh0(m.params, cache).sum(axis=0), numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("wrong, words", [
    (lambda p, c: right_dh0(p, c) + grads_fast.dlogits(c)[..., 0, :] @ p.V, "no logits o(0)"),
    (lambda p, c: _dh1(p, c) @ p.W, "multiply (DL)_h(1) by 1 - (h(1))²"),
    (lambda p, c: (_dh1(p, c) * (1 - c.h[..., 0, :] ** 2)) @ p.W, "not 1 - (h(0))²"),
    (lambda p, c: (_dh1(p, c) * (1 - c.h[..., 1, :] ** 2)) @ p.W.T, "W is used the wrong way round"),
    (lambda p, c: _dh1(p, c), "that is (DL)_h(1)"),
    (lambda p, c: right_dh0(p, c).sum(axis=0) if c.inputs.ndim == 2 else right_dh0(p, c), "own row"),
    (placeholder, "not implemented yet"),
])
def test_dh0_mistakes_are_named(wrong, words):
    result = check_dh0(wrong, hints="all")
    assert not result and result.message.startswith("✗") and words in result.message, result.message


# ---- extension 2: ReLU --------------------------------------------------------------------------

def test_forward_relu_is_the_forward_pass_with_relu_and_checks_its_input():
    m = capstone.models(relu=True)[1]
    cache = forward_relu(m.params, m.inputs, m.targets, m.h0)
    assert np.array_equal(cache.h[:, 1:], np.maximum(cache.a, 0)) and np.array_equal(cache.h[:, 0], m.h0)
    rows = [forward_relu(m.params, m.inputs[b], m.targets[b], m.h0[b]) for b in range(3)]
    assert np.allclose(cache.losses, np.stack([r.losses for r in rows]), rtol=1e-12)
    assert np.isclose(cache.loss, np.mean([r.loss for r in rows]))
    with pytest.raises(AttributeError, match="forward_relu"):
        cache.dtanh  # noqa: B018
    with pytest.raises(ValueError, match="h0 must have shape"):
        forward_relu(m.params, m.inputs, m.targets, np.zeros(7))
    for model in capstone.models(relu=True):  # finite differences never straddle the kink
        cache = forward_relu(model.params, model.inputs, model.targets, model.h0)
        assert np.min(np.abs(cache.a)) > 1e-3 and (cache.a < 0).any() and (cache.a > 0).any()


def test_relu_backward_right_and_wrong():
    assert check_backward_relu(lambda p, c: student_backward(p, c, derivative="relu"))
    for fn, words in (
            (lambda p, c: student_backward(p, c), "the derivative of the activation is the tanh's"),
            (lambda p, c: c.dtanh, "raised AttributeError"),
            (lambda p, c: student_backward(p, c, derivative="relu", mistake="+="), "read more than once"),
            (lambda p, c: student_backward(p, c, derivative="relu", mistake="no mean"), "B·τ times"),
            (placeholder, "not implemented yet")):
        result = check_backward_relu(fn, hints="all")
        assert not result and result.message.startswith("✗") and words in result.message, result.message

    def tanh_in_the_sums(params, cache):
        return student_backward(params, cache, derivative="tanh", derivative_rec="relu")

    assert "still use the tanh's derivative" in check_backward_relu(tanh_in_the_sums).message


@pytest.mark.parametrize("answer", [
    {"4.3", "4.5", "4.7", "4.8", "4.9"}, [4.3, 4.5, 4.7, 4.8, 4.9],
    ("(4.3)", "eq 4.5", "4.7", 4.8, "4.9", "4.9"),
])
def test_relu_prediction_right(answer):
    result = check_relu_prediction(lambda: answer)
    assert result and result.message.startswith("✓")
    assert "4.3" not in result.message  # the stored ✓ must not give the answer away


def test_relu_prediction_wrong_names_each_misclassified_equation():
    message = check_relu_prediction(lambda: {"4.2", "4.3", "4.5", "4.7", "4.8"}).message
    assert message.startswith("✗") and "2 of the nine" in message
    assert "4.2 does not change" in message and "4.9 changes" in message and "4.6" not in message
    for bad, words in ((lambda: "4.3", "returned a str"), (lambda: {"4.10"}, "not one of the nine"),
                       (lambda: None, "returned None"), (placeholder, "not implemented yet")):
        message = check_relu_prediction(bad).message
        assert message.startswith("✗") and words in message, message


# ---- the notebook -------------------------------------------------------------------------------

def test_notebook_12_has_the_four_graded_exercises_and_its_links_resolve():
    import re
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parents[1] / "notebooks" / "12_write_bptt_yourself.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    graded = [c.metadata["nbgrader"]["grade_id"] for c in cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded == ["12-my_backward-check", "12-my_dh0-check", "12-my_relu_prediction-check",
                      "12-my_backward_relu-check"]
    solution = next(c.source for c in cells if c.source.startswith("def my_backward("))
    assert "bh.backward" not in solution and "grads_fast" not in solution  # written out, not called
    links = [link for c in cells if c.cell_type == "markdown"
             for link in re.findall(r"\]\(([^)#]+\.ipynb)\)", c.source)]
    assert {link[:2] for link in links} >= {"03", "04", "05", "06", "07", "10", "11"}
    for link in links:
        assert (path.parent / link).exists(), link
