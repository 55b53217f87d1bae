"""The checkers of notebooks 05 and 06 accept right answers and reject wrong ones and placeholders."""

from __future__ import annotations

import numpy as np
import pytest

from bptt_helpers.exercises.biases import check_db, check_dc
from bptt_helpers.exercises.weights import check_dV, check_dW


def placeholder(*args):
    raise NotImplementedError("write the equation here")


def right_dW_loop(dh, h):
    grad = np.zeros((dh.shape[1], dh.shape[1]))
    for t in range(0, dh.shape[0]):  # t = 0..τ-1: row t of dh is (DL)_(h^(t+1))
        grad += np.outer(dh[t] * (1 - h[t + 1] ** 2), h[t])
    return grad


def dW_from_t1(dh, h):
    grad = np.zeros((dh.shape[1], dh.shape[1]))
    for t in range(1, dh.shape[0]):
        grad += np.outer(dh[t] * (1 - h[t + 1] ** 2), h[t])
    return grad


RIGHT = {
    check_dc: [lambda do: do.sum(axis=0)],
    check_db: [lambda dh, h: (dh * (1 - h[1:] ** 2)).sum(axis=0)],
    check_dV: [lambda do, h: do.T @ h[1:],
               lambda do, h: sum(np.outer(do[t - 1], h[t]) for t in range(1, len(do) + 1))],
    check_dW: [right_dW_loop, lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[:-1]],
}

WRONG = {
    check_dc: [(lambda do: do.mean(axis=0), "SUM"), (lambda do: do[-1], "every step"),
               (lambda do: do.sum(axis=1), "shape")],
    check_db: [(lambda dh, h: dh.sum(axis=0), "before the tanh"),
               (lambda dh, h: (dh * (1 - h[:-1] ** 2)).sum(axis=0), "off by one"),
               (lambda dh, h: (dh * (1 - h[1:]) ** 2).sum(axis=0), "1 - h^2")],
    check_dV: [(lambda do, h: do.T @ h[:-1], "off by one"), (lambda do, h: h[1:].T @ do, "transposed")],
    check_dW: [(dW_from_t1, "h^(0)"), (lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[1:], "PREVIOUS"),
               (lambda dh, h: (dh * (1 - h[1:]) ** 2).T @ h[:-1], "misprint"),
               (lambda dh, h: h[:-1].T @ (dh * (1 - h[1:] ** 2)), "transposed"),
               (lambda dh, h: dh.T @ h[:-1], "tanh derivative"),
               (lambda dh, h: (dh * (1 - h[1:] ** 2)).T @ h[:-1] + 1e-3, "off")],
}


@pytest.mark.parametrize("checker", list(RIGHT))
def test_accepts_right_answers(checker):
    for fn in RIGHT[checker]:
        result = checker(fn)
        assert result.passed and result.message.startswith("✓"), result.message


@pytest.mark.parametrize("checker", list(WRONG))
def test_rejects_wrong_answers_with_a_specific_hint(checker):
    for fn, word in WRONG[checker]:
        result = checker(fn)
        assert not result.passed and result.message.startswith("✗"), result.message
        assert word in result.message, (word, result.message)


@pytest.mark.parametrize("checker", list(RIGHT))
def test_placeholder_is_not_implemented_yet(checker):
    result = checker(placeholder)
    assert not result.passed
    assert "not implemented yet" in result.message and "Hint" in result.message


def test_start_at_one_hint_names_h0():
    message = check_dW(dW_from_t1).message
    assert "t = 0" in message and "h^(0)" in message


def test_crashing_student_code_is_reported_not_raised():
    result = check_dW(lambda dh, h: dh @ np.ones((3, 3, 3)))
    assert not result.passed and "raised" in result.message
