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


class StepsOverT:
    """What a stepper over t = 1..τ shares: ``self.player`` (a FrameStepper whose frame k is step
    t = k + 1), ``self.tau`` and ``self.views`` ({t: view}) are set by the stepper's __init__."""

    @property
    def t(self) -> int:
        """The step on show."""
        return self.player.index + 1

    def show(self, t: int) -> dict:
        """Move to step t (the slider, the Play button and the picture follow); return its view."""
        t = check_int("t", t, 1, self.tau)
        self.player.go(t - 1)
        return self.views[t]

    def _repr_mimebundle_(self, **kwargs):
        return self.player._repr_mimebundle_(**kwargs)
