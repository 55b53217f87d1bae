"""Comparisons and counts that rounding cannot decide (README, "What the stored outputs promise").

Two machines may round the last bits of a float differently (another BLAS kernel, thread count
or numpy). A printed count, yes/no or argmax is the same everywhere only if no value it looks at
sits at its threshold. Every such decision the notebooks and the package print goes through this
module: it decides as ``>``/``<``/``argmax`` do, and raises :class:`FragileComparison` when a value
lies within ``rtol`` (default :data:`MARGIN`, 1e-9, relative) of the threshold, so that the
notebook stops on the machine that stored it instead of printing another number on another one.
``tests/test_margins.py`` checks that no printed comparison in the notebooks or the package
bypasses it.

A threshold of 0 has no relative margin: pass ``atol``, the size below which a value would be
rounding noise (e.g. ``above(x, 0, atol=1e-12)``).
"""

from __future__ import annotations

import numpy as np

MARGIN = 1e-9  # relative: far above float64 rounding (1e-16), far below any gap the lessons rely on


class FragileComparison(ValueError):
    """A value sits so close to its threshold that rounding could decide the comparison."""


def _check_margin(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not value >= 0:
        raise ValueError(f"{name} must be a non-negative number such as 1e-9, got {value!r}")
    return float(value)


def _band(threshold: float, rtol: float, atol: float | None) -> float:
    """Half-width of the band around ``threshold`` inside which a value is too close to call."""
    rtol = _check_margin("rtol", rtol)
    if atol is None:
        if threshold == 0:
            raise ValueError("a comparison with 0 has no relative margin: pass atol, the size "
                             "below which a value counts as rounding noise (e.g. atol=1e-12)")
        atol = 0.0
    return rtol * abs(threshold) + _check_margin("atol", atol)


def clear_of(values, threshold, *, rtol: float = MARGIN, atol: float | None = None) -> np.ndarray:
    """``values`` as a float64 array, after checking that none lies within the margin of ``threshold``.

    Raises :class:`FragileComparison` naming the closest value otherwise, and ``ValueError``
    for a NaN (which compares False with everything).
    """
    threshold = float(threshold)
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    band = _band(threshold, rtol, atol)
    arr = np.asarray(values, dtype=np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"cannot compare NaN with the threshold {threshold:g}")
    gaps = np.abs(arr - threshold)
    if arr.size and gaps.min() <= band:
        closest = arr.flat[int(np.argmin(gaps))]
        n = int(np.sum(gaps <= band))
        raise FragileComparison(
            f"{n} value(s) within {band:.1e} of the threshold {threshold!r} (closest: {closest!r}): "
            "rounding on another machine could decide this comparison the other way; compare "
            "with a margin, or choose numbers away from the threshold")
    return arr


def _as_result(result: np.ndarray, values):
    return bool(result) if np.ndim(values) == 0 else result


def above(values, threshold, *, rtol: float = MARGIN, atol: float | None = None):
    """``values > threshold`` (a bool, or a bool array for an array), decided with a margin."""
    return _as_result(clear_of(values, threshold, rtol=rtol, atol=atol) > threshold, values)


def below(values, threshold, *, rtol: float = MARGIN, atol: float | None = None):
    """``values < threshold`` (a bool, or a bool array for an array), decided with a margin."""
    return _as_result(clear_of(values, threshold, rtol=rtol, atol=atol) < threshold, values)


def count_above(values, threshold, *, rtol: float = MARGIN, atol: float | None = None) -> int:
    """How many of ``values`` exceed ``threshold``; raises if any is too close to call."""
    return int(np.sum(above(np.asarray(values), threshold, rtol=rtol, atol=atol)))


def count_below(values, threshold, *, rtol: float = MARGIN, atol: float | None = None) -> int:
    """How many of ``values`` lie below ``threshold``; raises if any is too close to call."""
    return int(np.sum(below(np.asarray(values), threshold, rtol=rtol, atol=atol)))


def argmax(values, axis: int = -1, *, rtol: float = MARGIN, atol: float = 0.0):
    """``np.argmax(values, axis)``, after checking that the largest entry wins by a margin.

    Raises :class:`FragileComparison` where the two largest entries along ``axis`` differ
    by at most ``rtol`` times the largest (plus ``atol``): a near tie, which rounding decides.
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[axis] == 0:
        raise ValueError(f"values must have a non-empty axis {axis}, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError("cannot take the argmax of values that contain NaN")
    if arr.shape[axis] > 1:
        top2 = -np.sort(-arr, axis=axis).take([0, 1], axis=axis)
        first, second = np.moveaxis(top2, axis, 0)
        tied = (first - second) <= _check_margin("rtol", rtol) * np.abs(first) + _check_margin("atol", atol)
        if np.any(tied):
            where = np.argwhere(np.atleast_1d(tied))[0]
            raise FragileComparison(
                f"argmax: the two largest entries differ by at most {rtol:g} (relative) at "
                f"{tuple(int(i) for i in where)}: a near tie that rounding could decide")
    return np.argmax(arr, axis=axis)
