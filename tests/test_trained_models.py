"""The trained models shipped in bptt_helpers/lstm/trained.npz are what tools/train_lstm_models.py makes.

Retraining everything takes about 90 s; this test retrains the first steps of every model by its
recipe (25, or 4 for the task's tanh RNNs, whose training is chaotic: tools/train_lstm_models.py
says what was measured) and compares the losses with the ones stored beside the weights, checks
the recipes against the script's, and that the stored weights are finite and of the right kind.
"""

from __future__ import annotations

import numpy as np
import pytest

from bptt_helpers import Params
from bptt_helpers.lstm import LSTMParams, trained
from tools import train_lstm_models as tool

NAMES = list(tool.recipes())


def test_the_file_holds_every_model_of_the_script_with_its_recipe():
    assert trained.names() == NAMES
    for name, recipe in tool.recipes().items():
        model = trained.load(name)
        assert model.config == recipe, name
        kind = LSTMParams if recipe["model"] == "lstm" else Params
        assert isinstance(model.params, kind)
        assert all(np.isfinite(v).all() for _, v in model.params.items())
        assert len(model.check_losses) == tool.CHECK_STEPS
        assert len(model.curve) == -(-recipe["steps"] // recipe["every"])


@pytest.mark.parametrize("name", NAMES)
def test_a_short_retraining_reproduces_the_stored_start(name):
    model = trained.load(name)
    steps = tool.check_steps(name)
    _, losses, _ = tool.train(model.config, steps=steps)
    np.testing.assert_allclose(losses, model.check_losses[:steps], rtol=1e-9, atol=0)


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="name must be one of"):
        trained.load("text/gru")
