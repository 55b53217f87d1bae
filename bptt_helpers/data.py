"""Character-level data: a vocabulary, the default corpus, and windows of (input, target).

The default corpus, ``texts/shakespeare.txt``, ships inside the package (public-domain
sonnets and speeches, about 10 kB), so nothing is downloaded. Any UTF-8 text file
works too: ``load_text("my.txt")``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np


def load_text(path: str | Path | None = None) -> str:
    """The text of ``path`` (UTF-8), or the bundled Shakespeare corpus when ``path`` is None."""
    if path is None:
        return resources.files("bptt_helpers").joinpath("texts/shakespeare.txt").read_text("utf-8")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must name an existing UTF-8 text file, got {str(path)!r}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path {str(path)!r} is not valid UTF-8 text: {exc}") from None


class CharVocab:
    """A character vocabulary: ``encode`` text to int ids and ``decode`` ids back."""

    def __init__(self, chars):
        chars = list(chars)
        if not chars:
            raise ValueError("chars must hold at least one character")
        if len(set(chars)) != len(chars):
            raise ValueError("chars must not repeat a character")
        self.chars = chars
        self.index = {ch: i for i, ch in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """The sorted set of characters of ``text``."""
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty string")
        return cls(sorted(set(text)))

    @property
    def size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return self.size

    def encode(self, text: str) -> np.ndarray:
        """Text -> int64 ids of shape (len(text),)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        try:
            return np.array([self.index[ch] for ch in text], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"text contains the character {exc.args[0]!r}, "
                             "which is not in the vocabulary") from None

    def decode(self, ids) -> str:
        """Int ids (any shape, read in order) -> text."""
        ids = np.asarray(ids)
        if ids.size == 0:
            return ""
        if ids.dtype.kind not in "iu":
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(f"ids must lie in [0, {self.size - 1}]")
        return "".join(self.chars[i] for i in ids.ravel())


def _check_ids(ids, window: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise TypeError(f"ids must be a 1-D integer array, got shape {ids.shape} dtype {ids.dtype}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    if len(ids) < window + 1:
        raise ValueError(f"the corpus is too short for the window: a window of {window} "
                         f"needs at least {window + 1} ids, got {len(ids)}")
    return ids


def windows(ids, window: int, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Every (input, target) pair of length ``window`` with targets shifted by one.

    ids: (N,) -> inputs, targets: (n_windows, window), taking windows every ``stride`` ids.
    """
    ids = _check_ids(ids, window)
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}")
    starts = np.arange(0, len(ids) - window, stride)
    offsets = np.arange(window)
    return ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]


def random_batch(ids, window: int, batch_size: int, rng: np.random.Generator):
    """``batch_size`` random windows: inputs, targets of shape (batch_size, window)."""
    ids = _check_ids(ids, window)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {rng!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    starts = rng.integers(0, len(ids) - window, size=batch_size)
    offsets = np.arange(window)
    return ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]


def train_val_split(ids, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The first (1 - val_fraction) of ``ids`` for training, the rest for validation."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    ids = np.asarray(ids)
    cut = int(round(len(ids) * (1 - val_fraction)))
    return ids[:cut], ids[cut:]
