"""The exercise of notebook 07, as data for the policy: eq (4.9) as a scatter-add that keeps
repeated tokens."""

from __future__ import annotations

import numpy as np

from .. import grads_as_written, grads_fast
from ..lessons.embedding_views import scatter_rows, scatter_rows_fancy_index
from . import Case, Exercise, Mistake, make_checker

REPEAT_HINT = ("`grad[tokens] += rows` reads grad[tokens] once, adds, and writes each row back, so "
               "the last write wins; np.add.at(grad, tokens, rows), or a for-loop, adds every one")


def _cases(rng=None):
    specs = [(np.array([4, 0, 2]), 5, "no repeats"),
             (np.array([1, 1, 3, 1, 0, 3, 1]), 5, "token 1 four times"),
             (np.array([2, 2, 2, 2]), 3, "one token only"),
             (np.array([0, 5, 5, 1, 0, 6, 0]), 8, "repeats, unused rows")]
    if rng is not None:
        specs = [(rng.integers(0, 4, size=int(n)), 6, "drawn tokens") for n in rng.integers(5, 9, 2)]
    rng = np.random.default_rng(7) if rng is None else rng
    cases = []
    for tokens, vocab, what in specs:
        rows = rng.standard_normal((len(tokens), 3))
        cases.append(Case(f"tokens {tokens.tolist()} ({what})", (rows, tokens, vocab),
                          scatter_rows(rows, tokens, vocab),
                          note="" if len(set(tokens.tolist())) == len(tokens) else
                          "a token read several times collects the SUM of its rows"))
    return cases


SCATTER = Exercise(
    title="eq 4.9 as a scatter-add",
    idea="Eq (4.9): the embedding row of a token collects one term for EVERY position that read it, "
         "so a repeated token adds up all its rows.",
    change="start from zeros of shape (vocab_size, d_model) and add row p of `rows` into row tokens[p] "
           "for every p: " + REPEAT_HINT,
    cases=_cases, arg_names=("rows", "tokens", "vocab_size"),
    answers=(scatter_rows, grads_fast.dE, grads_as_written.dE),
    mistakes=(
        Mistake("+=", lambda c: scatter_rows_fancy_index(*c.args),
                "right where no token repeats; a token read several times kept only ONE of its rows.",
                REPEAT_HINT),
    ))
check_scatter_rows = make_checker("check_scatter_rows", SCATTER)
