"""Notebook 13's checker (one LSTM step backward) accepts right answers, names each classic mistake,
and follows the series' checking policy (mutation, dtype, types, scale, case)."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_helpers.exercises import GRADING_ENV
from bptt_helpers.exercises import lstm as ex


def right(dh, dc_next, cache):
    i, f, g, q = cache.i, cache.f, cache.g, cache.q
    tanh_c = np.tanh(cache.c)
    dc = dc_next + dh * q * (1 - tanh_c**2)
    di, df, dg, dq = dc * g, dc * cache.c_prev, dc * i, dh * tanh_c
    dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), dq * q * (1 - q)], axis=-1)
    return dz @ cache.W_ih, dz @ cache.W_hh, dc * f, dz.T @ cache.x, dz.T @ cache.h_prev, dz.sum(axis=0)


def variant(**switches):
    def fn(dh, dc_next, cache):
        out = ex.step_variant(dh, dc_next, cache, **switches)
        return tuple(out[name] for name in ex.OUTPUTS)
    return fn


def test_right_answers_pass_with_a_verdict_table():
    for fn in (right, ex.reference, variant()):
        result = ex.check_lstm_step_backward(fn)
        assert result, result.message
        assert result.message.startswith("✓") and "points: 6 of 6" in result.message
    as_dict = ex.check_lstm_step_backward(lambda *a: dict(zip(ex.OUTPUTS, right(*a), strict=True)))
    assert as_dict


def test_placeholder_is_not_implemented_yet():
    def placeholder(dh, dc_next, cache):
        raise NotImplementedError("hint")
    result = ex.check_lstm_step_backward(placeholder)
    assert not result and "not implemented yet" in result.message and "(13.6)" in result.message


@pytest.mark.parametrize("mistake", ex.MISTAKES, ids=lambda m: m.key)
def test_each_classic_mistake_is_named(mistake):
    result = ex.check_lstm_step_backward(variant(**mistake.switches))
    assert not result
    assert "classic mistake" in result.message and mistake.diagnosis in result.message, result.message


def test_the_named_mistakes_are_the_ones_of_the_issue():
    keys = {m.key for m in ex.MISTAKES}
    assert {"cell path left out", "tanh' at h", "σ' of σ(gate)", "order ifqg", "no f in dc_prev"} <= keys
    texts = " ".join(m.diagnosis for m in ex.MISTAKES)
    for words in ("c(t+1) ⊙ f(t+1) path is left out", "tanh′ is taken at the wrong node",
                  "σ′ is taken of the wrong variable", "gate order is swapped",
                  "forget-gate term is missing"):
        assert words in texts


def test_partial_credit_counts_the_right_outputs():
    outcome = ex._run(variant(forget_in_dc_prev=False))
    assert outcome.points == 5 and not outcome.right["dc_prev"]
    outcome = ex._run(variant(cell_path=False))
    assert outcome.points == 0


def test_an_argument_changed_in_place_is_named():
    def in_place(dh, dc_next, cache):
        out = right(dh, dc_next, cache)
        dc_next *= 0.0
        return out
    result = ex.check_lstm_step_backward(in_place)
    assert not result and "changed dc_next in place" in result.message

    def cache_in_place(dh, dc_next, cache):
        out = right(dh, dc_next, cache)
        cache.c[...] = np.tanh(cache.c)
        return out
    result = ex.check_lstm_step_backward(cache_in_place)
    assert not result and "cache.c in place" in result.message


def test_float32_right_answer_is_accepted_and_a_float32_only_failure_names_the_dtype():
    def f32(dh, dc_next, cache):   # computes in the inputs' dtype: float32 in the third case
        return right(dh, dc_next, cache)
    assert ex.check_lstm_step_backward(f32)

    def rounds_float32(dh, dc_next, cache):   # right in float64, coarse in float32
        out = right(dh, dc_next, cache)
        if dh.dtype == np.float32:
            out = tuple(np.round(o, 2) for o in out)
        return out
    result = ex.check_lstm_step_backward(rounds_float32)
    assert not result and "right in float64" in result.message and "float32" in result.message


def test_a_uniform_scale_error_is_named_with_its_factor():
    def doubled_db(dh, dc_next, cache):
        out = list(right(dh, dc_next, cache))
        out[5] = 2 * out[5]
        return tuple(out)
    result = ex.check_lstm_step_backward(doubled_db)
    assert not result and "db is exactly 2 times the right one" in result.message


def test_a_case_only_failure_names_the_cases():
    def first_row_only(dh, dc_next, cache):   # weight gradients from the first row alone
        out = list(right(dh, dc_next, cache))
        one = right(dh[:1], dc_next[:1], type(cache)(**{k: (v[:1] if k not in ("W_ih", "W_hh") else v)
                                                          for k, v in vars(cache).items()}))
        out[3], out[4], out[5] = one[3], one[4], one[5]
        return tuple(out)
    result = ex.check_lstm_step_backward(first_row_only)
    assert not result and "right on one row (B = 1) but wrong on a batch of B = 3" in result.message


@pytest.mark.parametrize("fn, words", [
    (lambda dh, dc, cache: 3.0, "returned float"),
    (lambda dh, dc, cache: right(dh, dc, cache)[:5], "returned 5 values"),
    (lambda dh, dc, cache: {"dx": 0}, "missing"),
    (lambda dh, dc, cache: (*right(dh, dc, cache)[:3], right(dh, dc, cache)[3].T, *right(dh, dc, cache)[4:]),
     "dW_ih has shape (2, 12), expected (12, 2): it is transposed"),
    (lambda dh, dc, cache: tuple(np.full_like(o, np.nan) for o in right(dh, dc, cache)), "NaN"),
    (lambda dh, dc, cache: dh @ np.ones((2, 2)), "raised ValueError"),
])
def test_types_and_shapes_get_their_own_message(fn, words):
    result = ex.check_lstm_step_backward(fn)
    assert not result and words in result.message, result.message


def test_graded_points_under_the_autograder(monkeypatch, capsys):
    assert ex.check_lstm_step_backward(right, graded=True)         # no autograder: the result itself
    monkeypatch.setenv(GRADING_ENV, "1")
    assert ex.check_lstm_step_backward(right, graded=True) is None   # full marks
    assert ex.check_lstm_step_backward(variant(forget_in_dc_prev=False), graded=True) == 5.0
    with pytest.raises(AssertionError, match="classic mistake"):
        ex.check_lstm_step_backward(variant(cell_path=False), graded=True)
    assert "✗" in capsys.readouterr().out
    assert not ex.check_lstm_step_backward(variant(cell_path=False))   # not graded: never raises
    with pytest.raises(TypeError, match="graded"):
        ex.check_lstm_step_backward(right, graded="yes")
    with pytest.raises(TypeError, match="your function"):
        ex.check_lstm_step_backward(None)
