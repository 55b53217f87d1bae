"""Notebook 13's exercise (one LSTM step backward) on the checker policy: a right answer, the
placeholder, each classic mistake named, points per output, and the case's finite differences.

The policy's own rules (in place changes, types, float32, scale, case-only failures, hints, hidden
cases) are fed to this exercise with every other one by tests/test_checker_policy.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from bptt_helpers import lstm
from bptt_helpers.exercises import GRADING_ENV, policy
from bptt_helpers.exercises import lstm as ex


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    policy.reset_attempts()
    yield
    policy.reset_attempts()


def right(dh, dc_next, cache):
    i, f, g, q = cache.i, cache.f, cache.g, cache.q
    tanh_c = np.tanh(cache.c)
    dc = dh * q * (1 - tanh_c**2) + dc_next
    di, df, dg, dq = dc * g, dc * cache.c_prev, dc * i, dh * tanh_c
    dz = np.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), dq * q * (1 - q)], axis=-1)
    return dict(x=dz @ cache.W_ih, h_prev=dz @ cache.W_hh, c_prev=dc * f, W_ih=dz.T @ cache.x,
                W_hh=dz.T @ cache.h_prev, b=dz.sum(axis=0))


def answering(make):
    """A 'student' that returns ``make(case)`` for the case it is called on (computed beforehand,
    so that the student's function never calls into the package: rule 2)."""
    stored = [(case.args[0].copy(), make(case)) for case in ex.cases(None)]

    def my_lstm_step_backward(dh, dc_next, cache):
        return next(value for key, value in stored if np.array_equal(key, dh))
    return my_lstm_step_backward


def test_a_right_answer_passes_with_six_points_and_agrees_with_finite_differences():
    result = ex.check_lstm_step_backward(right, hidden=2)
    assert result.passed and result.score == 6 == ex.LSTM_STEP.max_points
    assert "hidden tests" in result.message and result.message.count("< 10⁻⁶ ✓") == 12


def test_the_expected_answers_are_the_central_differences():
    for case in ex.cases(None) + ex.cases(np.random.default_rng(3)):
        fd = ex.numeric(case)
        for name in ex.OUTPUTS:
            np.testing.assert_allclose(case.expected[name], fd[name], rtol=1e-6, atol=1e-9)
        assert all(np.allclose(ex.step_variant(*case.args)[n], case.expected[n], rtol=0, atol=1e-14)
                   for n in ex.OUTPUTS)


def test_the_placeholder_is_not_implemented_yet():
    def placeholder(dh, dc_next, cache):
        raise NotImplementedError("hint")
    result = ex.check_lstm_step_backward(placeholder)
    assert not result and "not implemented yet" in result.message and "(13.6)" in result.message


@pytest.mark.parametrize("mistake", ex.MISTAKES, ids=lambda m: m.key)
def test_each_classic_mistake_is_named(mistake):
    result = ex.check_lstm_step_backward(answering(mistake.wrong), hints="all")
    assert not result
    assert mistake.where in result.message and mistake.change in result.message, result.message


def test_the_mistakes_are_the_ones_of_the_issue_and_differ_on_every_case():
    texts = " ".join(m.where + " " + m.change for m in ex.MISTAKES)
    for words in ("c(t+1) ⊙ f(t+1) path is left out", "tanh′ is taken at the wrong node",
                  "σ′ is taken of the wrong variable", "gate order is swapped",
                  "forget-gate term is missing"):
        assert words in texts
    for case in ex.cases(None):
        answers = [m.wrong(case) for m in ex.MISTAKES] + [case.expected]
        for a in range(len(answers)):
            for b in range(a):
                assert any(not np.allclose(answers[a][n], answers[b][n]) for n in ex.OUTPUTS), (a, b)


def test_partial_credit_one_point_per_right_output(monkeypatch):
    no_f = next(m for m in ex.MISTAKES if m.key == "no f in dc_prev")
    assert ex.check_lstm_step_backward(answering(no_f.wrong)).score == 5
    monkeypatch.setenv(GRADING_ENV, "1")
    assert ex.check_lstm_step_backward(answering(no_f.wrong), graded=True) == 5.0
    assert ex.check_lstm_step_backward(right, graded=True) == 6.0


def test_calling_the_package_step_scores_zero():
    def cheat(dh, dc_next, cache):
        out = lstm.step_backward(dh, dc_next, cache)
        return dict(x=out.dx, h_prev=out.dh_prev, c_prev=out.dc_prev, W_ih=out.dW_ih, W_hh=out.dW_hh,
                    b=out.db)
    result = ex.check_lstm_step_backward(cheat)
    assert not result and "step_backward" in result.message and result.score == 0


def test_a_tuple_in_cs231n_order_is_told_to_be_a_dict():
    result = ex.check_lstm_step_backward(lambda dh, dc, cache: tuple(right(dh, dc, cache).values()))
    assert not result and "returned a tuple of 6 items" in result.message
