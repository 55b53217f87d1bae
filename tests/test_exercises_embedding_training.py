"""Checkers of notebooks 07 and 08 accept right answers and reject wrong ones and placeholders."""

from __future__ import annotations

import numpy as np

import bptt_helpers as bh
from bptt_helpers.exercises.embedding import check_scatter_rows
from bptt_helpers.exercises.training import check_sgd_step


def _placeholder(*args):
    raise NotImplementedError("write it")


# ---- eq 4.9 as a scatter ----------------------------------------------------------------

def scatter_add_at(rows, tokens, vocab_size):
    grad = np.zeros((vocab_size, rows.shape[1]))
    np.add.at(grad, tokens, rows)
    return grad


def scatter_loop(rows, tokens, vocab_size):
    grad = np.zeros((vocab_size, rows.shape[1]))
    for row, token in zip(rows, tokens, strict=True):
        grad[token] += row
    return grad


def scatter_fancy(rows, tokens, vocab_size):
    grad = np.zeros((vocab_size, rows.shape[1]))
    grad[tokens] += rows
    return grad


def scatter_transposed(rows, tokens, vocab_size):
    return scatter_add_at(rows, tokens, vocab_size).T


def scatter_unscaled_mean(rows, tokens, vocab_size):
    return scatter_add_at(rows, tokens, vocab_size) / len(tokens)


def test_scatter_checker_accepts_correct_versions():
    for fn in (scatter_add_at, scatter_loop):
        result = check_scatter_rows(fn)
        assert result.passed and result.message.startswith("✓")


def test_scatter_checker_rejects_fancy_index_with_specific_hint():
    result = check_scatter_rows(scatter_fancy)
    assert not result.passed and result.message.startswith("✗")
    assert "grad[tokens] += rows" in result.message and "np.add.at" in result.message


def test_scatter_checker_rejects_other_wrong_answers_and_placeholder():
    for fn in (scatter_transposed, scatter_unscaled_mean, lambda r, t, v: None):
        result = check_scatter_rows(fn)
        assert not result.passed and result.message.startswith("✗"), fn
    result = check_scatter_rows(_placeholder)
    assert not result.passed and "not implemented yet" in result.message


def test_scatter_checker_does_not_let_student_mutation_leak():
    def mutating(rows, tokens, vocab_size):
        rows *= 0
        return np.zeros((vocab_size, rows.shape[1]))
    assert not check_scatter_rows(mutating).passed
    assert check_scatter_rows(scatter_add_at).passed


# ---- SGD step (the global-norm clip is notebook 10's: test_exercises_long_range.py) ------------

def sgd_right(params, grads, lr):
    return bh.Params(**{n: v - lr * getattr(grads, n) for n, v in params.items()})


def sgd_plus(params, grads, lr):
    return bh.Params(**{n: v + lr * getattr(grads, n) for n, v in params.items()})


def sgd_in_place(params, grads, lr):
    for n, v in params.items():
        v -= lr * getattr(grads, n)
    return params


def test_sgd_checker():
    assert check_sgd_step(sgd_right).passed
    assert check_sgd_step(lambda p, gr, lr: bh.sgd_step(p, gr, lr)).passed
    for fn in (sgd_plus, sgd_in_place, lambda p, gr, lr: p, lambda p, gr, lr: 3):
        result = check_sgd_step(fn)
        assert not result.passed and result.message.startswith("✗"), fn
    assert "changed the params" in check_sgd_step(sgd_in_place).message
    assert "not implemented yet" in check_sgd_step(_placeholder).message

