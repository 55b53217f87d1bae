"""Fixtures for the unit tests of bptt_helpers (helpers live in tests/model_cases.py)."""

from __future__ import annotations

import sys

import pytest
from model_cases import N_HIDDEN, REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0, small_params

import bptt_helpers as bh


@pytest.fixture(autouse=True)
def _close_figures():
    """Close pyplot figures a test left open (only where pyplot was imported at all)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def params() -> bh.Params:
    return small_params(seed=0, scale=1.5)


@pytest.fixture(params=["unbatched", "batched"])
def case(request):
    """(inputs, targets, h0) for one sequence and for a batch of 3, all with repeated tokens."""
    if request.param == "unbatched":
        return REPEAT_INPUTS, REPEAT_TARGETS, random_h0((N_HIDDEN,))
    inputs, targets = batch_with_repeats(3)
    return inputs, targets, random_h0((3, N_HIDDEN))
