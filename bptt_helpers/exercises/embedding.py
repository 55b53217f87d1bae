"""Checker for notebook 07: eq (4.9) as a scatter-add that keeps repeated tokens."""

from __future__ import annotations

import numpy as np

from ..lessons.embedding_views import scatter_rows, scatter_rows_fancy_index
from . import CheckResult, checker, run_check

TITLE = "eq 4.9 as a scatter-add"
HINT = ("start from zeros of shape (vocab_size, d_model) and add row p of `rows` into row "
        "tokens[p] for every p, so a repeated token collects the SUM: np.add.at(grad, tokens, rows) "
        "or a plain for-loop")
REPEAT_HINT = ("a token that is read several times kept only ONE of its rows. `grad[tokens] += rows` "
               "does that: NumPy reads grad[tokens] once, adds, and writes each row back, so the "
               "last write wins. Use np.add.at(grad, tokens, rows) or a for-loop")


def _cases():
    rng = np.random.default_rng(7)
    specs = [
        (np.array([4, 0, 2]), 5),                 # no repeats
        (np.array([1, 1, 3, 1, 0, 3, 1]), 5),     # token 1 four times, token 3 twice
        (np.array([2, 2, 2, 2]), 3),              # one token only
        (np.array([0, 5, 5, 1, 0, 6, 0]), 8),     # repeats, and unused rows
    ]
    cases = []
    for tokens, vocab in specs:
        rows = rng.standard_normal((len(tokens), 3))
        cases.append(((rows, tokens, vocab), scatter_rows(rows, tokens, vocab)))
    return cases


@checker
def check_scatter_rows(student_fn) -> CheckResult:
    """Check ``student_fn(rows (N, d_model), tokens int (N,), vocab_size) -> (vocab_size, d_model)``.

    The answer must add row p into row tokens[p] for every p (eq 4.9). The fancy-index
    ``+=`` version, which drops repeated tokens, is recognised and gets its own hint.
    """
    cases = _cases()
    for (rows, tokens, vocab), expected in cases:
        try:
            got = np.asarray(student_fn(rows.copy(), tokens.copy(), vocab), dtype=np.float64)
        except Exception:
            break  # run_check below reports the exception (or "not implemented yet")
        repeats = len(set(tokens.tolist())) < len(tokens)
        if (repeats and got.shape == expected.shape and not np.allclose(got, expected)
                and np.allclose(got, scatter_rows_fancy_index(rows, tokens, vocab))):
            return CheckResult(False, f"✗ {TITLE}: wrong for tokens {tokens.tolist()}. "
                                      f"Hint: {REPEAT_HINT}")
    return run_check(TITLE, student_fn, cases, HINT)
