"""What the forward pass keeps for the backward pass, and what the backward pass reads (§2, notebook 02).

§2 says the backward pass costs O(τ) memory "just as the forward pass": the cost is the
cache of every step's values. :func:`cache_arrays` lists every array a
:class:`~bptt_helpers.ForwardCache` holds, including ``dtanh`` = 1 - h², which
:func:`~bptt_helpers.backward` computes once and keeps in the cache; :func:`read_by_backward`
finds out, by spoiling one array at a time, which of them ``backward`` actually reads.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..backward_pass import backward
from ..forward_pass import ForwardCache
from ..params import Params


def cache_arrays(cache: ForwardCache) -> dict[str, np.ndarray]:
    """Every array the cache holds now: its fields, then what was computed and kept (``dtanh``)."""
    arrays = {f.name: getattr(cache, f.name) for f in dataclasses.fields(cache)
              if isinstance(getattr(cache, f.name), np.ndarray)}
    arrays.update({name: value for name, value in vars(cache).items()
                   if name not in arrays and isinstance(value, np.ndarray)})
    return arrays


def _spoiled(array: np.ndarray, vocab: int) -> np.ndarray:
    if np.issubdtype(array.dtype, np.integer):
        return (array + 1) % vocab           # other token ids
    return np.full_like(array, np.nan)       # any value read turns a gradient into NaN


def read_by_backward(params: Params, cache: ForwardCache) -> dict[str, bool]:
    """For each array of :func:`cache_arrays`: does ``backward``'s result depend on its values?

    The array is replaced by NaN (token ids by other ids) in a copy of the cache and
    ``backward`` runs again: if all six gradients come out identical, ``backward`` never
    read that array's values (it may still read its shape).
    """
    reference = backward(params, cache)
    reads = {}
    for name, array in cache_arrays(cache).items():
        spoiled = dataclasses.replace(cache)
        if name in {f.name for f in dataclasses.fields(cache)}:
            spoiled = dataclasses.replace(cache, **{name: _spoiled(array, params.vocab_size)})
        else:
            setattr(spoiled, name, _spoiled(array, params.vocab_size))
        grads = backward(params, spoiled)
        reads[name] = not all(np.array_equal(getattr(grads, n), g) for n, g in reference.items())
    return reads
