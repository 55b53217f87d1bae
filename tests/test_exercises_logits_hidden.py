"""Checkers of notebooks 03 (eq 4.1) and 04 (eq 4.3): accept the right answer, reject wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_helpers.exercises.hidden import MISTAKES as HIDDEN_MISTAKES
from bptt_helpers.exercises.hidden import check_dhidden_step
from bptt_helpers.exercises.logits import MISTAKES as LOGIT_MISTAKES
from bptt_helpers.exercises.logits import check_dlogits


def right_dlogits(y_hat, target, tau):
    grad = y_hat.copy()
    grad[target] -= 1
    return grad / tau


def right_dhidden_step(dh_next, h_next, W, do_t, V):
    return dh_next @ ((1 - h_next**2)[:, None] * W) + do_t @ V


def placeholder(*args):
    raise NotImplementedError("write eq 4.1")


def test_dlogits_accepts_right_answer():
    result = check_dlogits(right_dlogits)
    assert result.passed and result.message.startswith("✓")


def test_dlogits_accepts_in_place_answer():
    def in_place(y_hat, target, tau):
        y_hat[target] -= 1
        y_hat /= tau
        return y_hat
    assert check_dlogits(in_place).passed


def test_dlogits_reports_placeholder_as_not_done():
    result = check_dlogits(placeholder)
    assert not result.passed and "not implemented yet" in result.message


@pytest.mark.parametrize("index", range(len(LOGIT_MISTAKES)))
def test_dlogits_rejects_known_mistakes_with_their_hint(index):
    wrong, hint = LOGIT_MISTAKES[index]
    result = check_dlogits(wrong)
    assert not result.passed and hint in result.message


def test_dlogits_rejects_other_wrong_answers():
    assert not check_dlogits(lambda y_hat, target, tau: np.zeros_like(y_hat))
    assert not check_dlogits(lambda y_hat, target, tau: right_dlogits(y_hat, target, tau)[:-1])
    result = check_dlogits(lambda y_hat, target, tau: 1 / 0)
    assert not result.passed and "ZeroDivisionError" in result.message


def test_dhidden_accepts_right_answer():
    assert check_dhidden_step(right_dhidden_step).passed


def test_dhidden_reports_placeholder_as_not_done():
    result = check_dhidden_step(placeholder)
    assert not result.passed and "not implemented yet" in result.message


def test_dhidden_rejects_row_broadcast_with_rows_vs_columns_hint():
    def row_broadcast(dh_next, h_next, W, do_t, V):
        return dh_next @ ((1 - h_next**2) * W) + do_t @ V  # W diag[1 - h²]: wrong
    result = check_dhidden_step(row_broadcast)
    assert not result.passed
    assert "rows vs columns" in result.message and "COLUMNS" in result.message


@pytest.mark.parametrize("index", range(len(HIDDEN_MISTAKES)))
def test_dhidden_rejects_known_mistakes_with_their_hint(index):
    wrong, hint = HIDDEN_MISTAKES[index]
    result = check_dhidden_step(wrong)
    assert not result.passed and hint in result.message


def test_dhidden_accepts_equivalent_forms():
    def with_diag(dh_next, h_next, W, do_t, V):
        return dh_next @ np.diag(1 - h_next**2) @ W + do_t @ V

    def fast_form(dh_next, h_next, W, do_t, V):
        return (dh_next * (1 - h_next**2)) @ W + do_t @ V
    assert check_dhidden_step(with_diag).passed and check_dhidden_step(fast_form).passed
