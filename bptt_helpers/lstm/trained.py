"""The trained models notebook 13 reads: made by ``python -m tools.train_lstm_models``.

Training them takes about a minute and a half, far more than a notebook's Run All may (5 s), so
their weights ship with the package in ``trained.npz`` (float32, about 0.3 MB), with everything
needed to see where they came from:

- ``config``: the recipe (sizes, seed, learning rate, steps, clipping, data), as the script ran it;
- ``check_losses``: the loss of each of the first 25 training steps (float64), which
  ``tests/test_trained_models.py`` reproduces by training that short run again (the first 4 for
  the task's tanh RNNs, whose training at learning rate 5 is chaotic on other BLAS kernels);
- ``curve``: a learning curve recorded every ``config["every"]`` steps (the text models: the mean
  training loss of those steps; the task models: test accuracy of the answer).

Models: ``"text/rnn"`` and ``"text/lstm"`` (the bundled text, for the memory heatmap), and
``"task/rnn/<seed>"``, ``"task/lstm/<seed>"`` for seeds 0-3 (the remember-first task of
notebooks 09-10 with τ = 20).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ..params import PARAM_NAMES, Params
from .params import LSTM_PARAM_NAMES, LSTMParams

FILE = "trained.npz"


@dataclass(frozen=True)
class TrainedModel:
    """One shipped model: ``params`` (float64 copies of the stored float32 weights), its recipe."""

    name: str
    params: object
    config: dict
    check_losses: np.ndarray
    curve: np.ndarray


@functools.cache
def _archive() -> dict:
    with resources.files("bptt_helpers.lstm").joinpath(FILE).open("rb") as handle:
        with np.load(handle, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}


def names() -> list[str]:
    """The names of the shipped models, in the order the script made them."""
    return json.loads(str(_archive()["meta"]))["order"]


def load(name: str) -> TrainedModel:
    """The shipped model ``name`` (see :func:`names`), its weights as float64."""
    meta = json.loads(str(_archive()["meta"]))
    if name not in meta["configs"]:
        raise ValueError(f"name must be one of {meta['order']}, got {name!r}")
    config = meta["configs"][name]
    data = _archive()
    fields = LSTM_PARAM_NAMES if config["model"] == "lstm" else PARAM_NAMES
    kind = LSTMParams if config["model"] == "lstm" else Params
    params = kind(**{f: data[f"{name}/{f}"].astype(np.float64) for f in fields})
    return TrainedModel(name, params, config, data[f"{name}/check_losses"], data[f"{name}/curve"])
