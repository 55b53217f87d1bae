"""Small models and token sequences shared by the unit tests of bptt_helpers.

Small random models and token sequences that FORCE repeated tokens: with a
vocabulary of 5 and inputs like [1, 1, 3, 1, ...] a gradient for E that drops
repeats (``dE[idx] += g``) is visibly wrong, whereas random data at the paper's
sizes often hides that bug.
"""

from __future__ import annotations

import numpy as np

import bptt_helpers as bh

VOCAB, D_MODEL, N_HIDDEN = 5, 3, 4

# token 1 is read four times, token 3 twice: repeats are guaranteed.
REPEAT_INPUTS = np.array([1, 1, 3, 1, 0, 3, 1])
REPEAT_TARGETS = np.array([1, 3, 1, 0, 3, 1, 4])


def small_params(seed: int = 0, vocab: int = VOCAB, d_model: int = D_MODEL,
                 n_hidden: int = N_HIDDEN, scale: float = 1.0) -> bh.Params:
    """Random float64 parameters; ``scale`` > 1 makes tanh saturate more (harder check)."""
    params = bh.init_params(vocab, d_model, n_hidden, seed=seed)
    return bh.Params(**{name: value * scale for name, value in params.items()})


def batch_with_repeats(B: int = 3, seed: int = 1):
    """(B, 7) inputs/targets: row 0 is REPEAT_INPUTS, the others random, all from 5 tokens."""
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, VOCAB, size=(B, len(REPEAT_INPUTS)))
    targets = rng.integers(0, VOCAB, size=(B, len(REPEAT_INPUTS)))
    inputs[0], targets[0] = REPEAT_INPUTS, REPEAT_TARGETS
    return inputs, targets


def random_h0(shape, seed: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 0.5, size=shape)
