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
