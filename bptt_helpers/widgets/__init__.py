"""Interactive widgets of the series (ipywidgets + matplotlib).

Each widget keeps its logic in plain functions (what step t shows) that pytest
tests directly; the widget classes only wire those functions to controls.
"""


def check_sequence_cache(cache):
    """The cache a stepper walks through: a ForwardCache of one sequence (inputs (T,))."""
    from ..forward_pass import ForwardCache

    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache must be the ForwardCache returned by forward(), "
                        f"got {type(cache).__name__}")
    if cache.batched:
        raise ValueError(f"cache must come from one sequence (inputs of shape (T,)), got a batch "
                         f"of shape {cache.inputs.shape}; step through one row at a time")
    return cache


def check_int(name: str, value, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; a clear TypeError/ValueError naming ``name`` otherwise."""
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    return int(value)


def check_view(view, keys, made_by: str, what: str = "view") -> dict:
    """``view`` if it is a dict holding every key in ``keys`` (as ``made_by`` returns it)."""
    missing = [k for k in keys if not isinstance(view, dict) or k not in view]
    if missing:
        raise ValueError(f"{what} must be a dict from {made_by}, missing {missing}")
    return view
