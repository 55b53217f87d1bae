"""A synthetic task whose answer depends on an early token: "remember the first token".

Each sequence starts with a symbol s (one of ``n_symbols``), continues with filler
tokens, and ends with a QUERY token; the target at the last step is s. Every other
target is the filler BLANK, so those steps are easy and the whole difficulty is
carrying s across τ - 1 steps:

    inputs   s  _  _  ...  _  ?
    targets  _  _  _  ...  _  s

Token ids: symbols ``0 .. n_symbols-1``, then BLANK = ``n_symbols``, QUERY = ``n_symbols + 1``;
with ``noise > 0`` the fillers are drawn from ``noise`` extra distractor tokens instead of
BLANK (targets stay BLANK). Everything is reproducible from ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class RememberTask:
    """A batch of the task. ``inputs``, ``targets``: int (B, τ); ``answers``: (B,) = targets[:, -1]."""

    inputs: np.ndarray
    targets: np.ndarray
    n_symbols: int
    noise: int

    @property
    def vocab_size(self) -> int:
        return self.n_symbols + 2 + self.noise

    @property
    def blank(self) -> int:
        return self.n_symbols

    @property
    def query(self) -> int:
        return self.n_symbols + 1

    @property
    def answers(self) -> np.ndarray:
        return self.targets[:, -1]

    def describe(self, row: int = 0) -> str:
        """One sequence as text: symbols as letters, ``_`` for filler, ``?`` for QUERY, ``*`` noise."""
        def name(token):
            if token < self.n_symbols:
                return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[token] if token < 26 else str(token)
            return {self.blank: "_", self.query: "?"}.get(token, "*")
        return ("inputs : " + " ".join(name(t) for t in self.inputs[row]) + "\n"
                "targets: " + " ".join(name(t) for t in self.targets[row]))


def _positive_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def remember_first(n_sequences: int, tau: int, n_symbols: int = 4, noise: int = 0,
                   seed: int = 0) -> RememberTask:
    """``n_sequences`` sequences of length ``tau`` (>= 2) whose last target is the first token.

    Returns a :class:`RememberTask` with inputs and targets of shape (n_sequences, tau).
    """
    n_sequences = _positive_int("n_sequences", n_sequences)
    tau = _positive_int("tau", tau, minimum=2)
    n_symbols = _positive_int("n_symbols", n_symbols, minimum=2)
    noise = _positive_int("noise", noise, minimum=0)
    rng = np.random.default_rng(seed)
    first = rng.integers(0, n_symbols, size=n_sequences)
    blank, query = n_symbols, n_symbols + 1
    if noise:
        fill = rng.integers(n_symbols + 2, n_symbols + 2 + noise, size=(n_sequences, tau - 2))
    else:
        fill = np.full((n_sequences, tau - 2), blank)
    inputs = np.concatenate([first[:, None], fill, np.full((n_sequences, 1), query)], axis=1)
    targets = np.full((n_sequences, tau), blank)
    targets[:, -1] = first
    return RememberTask(inputs.astype(np.int64), targets.astype(np.int64), n_symbols, noise)


def answer_accuracy(y_hat: np.ndarray, task: RememberTask) -> float:
    """Fraction of sequences whose most likely token at the last step is the first token.

    y_hat: (B, τ, vocab) probabilities, e.g. ``forward(...).y_hat``.
    """
    y_hat = np.asarray(y_hat)
    if y_hat.shape[:2] != task.inputs.shape:
        raise ValueError(f"y_hat must have shape {task.inputs.shape + (task.vocab_size,)}, "
                         f"got {y_hat.shape}")
    return float(np.mean(np.argmax(y_hat[:, -1], axis=-1) == task.answers))


def answer_loss(y_hat: np.ndarray, task: RememberTask) -> float:
    """Mean cross-entropy of the last step only (the step that needs memory); chance is log(n_symbols)."""
    y_hat = np.asarray(y_hat)
    if y_hat.shape[:2] != task.inputs.shape:
        raise ValueError(f"y_hat must have shape {task.inputs.shape + (task.vocab_size,)}, "
                         f"got {y_hat.shape}")
    p = y_hat[np.arange(len(task.answers)), -1, task.answers]
    return float(-np.mean(np.log(np.maximum(p, 1e-300))))
