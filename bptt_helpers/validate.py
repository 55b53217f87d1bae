"""Checks of everything a user passes in, with errors that name the argument.

Nothing here computes the model; each function either returns its argument in
canonical form or raises ``TypeError``/``ValueError`` saying what was expected.
"""

from __future__ import annotations

import numpy as np

from .params import PARAM_NAMES, Params, expected_shapes


def check_params(params) -> Params:
    """Validate a :class:`Params`: float arrays of consistent shapes, all finite."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be a bptt_helpers.Params, got {type(params).__name__}")
    return check_param_arrays(params, PARAM_NAMES, "W", "(n_hidden, n_hidden)", expected_shapes)


def check_param_arrays(params, names, recurrent: str, recurrent_shape: str, shapes_for,
                       gates: int = 1):
    """The checks of :func:`check_params` for any model's parameter container.

    names: the fields to check; recurrent: the 2-D field whose rows are gates·n_hidden ("W" for
    the RNN, gates 1; the LSTM's weight_hh has 4·n_hidden rows, gates 4), ``recurrent_shape``
    its shape in words; shapes_for(vocab, d_model, n_hidden) -> {name: shape}. Checks float
    arrays, the expected shapes, one dtype, all finite; errors name ``params.<field>``.
    Returns ``params``.
    """
    for name in names:
        value = getattr(params, name)
        if not isinstance(value, np.ndarray):
            raise TypeError(f"params.{name} must be a numpy array, got {type(value).__name__}")
        if value.dtype.kind != "f":
            raise TypeError(f"params.{name} must have a floating-point dtype, got {value.dtype}")
    E, R = params.E, getattr(params, recurrent)
    if E.ndim != 2 or R.ndim != 2:
        raise ValueError(
            f"params.E must be 2-D (vocab, d_model) and params.{recurrent} 2-D {recurrent_shape}; "
            f"got E{E.shape}, {recurrent}{R.shape}")
    vocab, d_model = E.shape
    n_hidden = R.shape[0] // gates
    if min(vocab, d_model, n_hidden) < 1:
        raise ValueError(f"params must have vocab, d_model and n_hidden >= 1, got vocab={vocab}, "
                         f"d_model={d_model}, n_hidden={n_hidden}")
    for name, shape in shapes_for(vocab, d_model, n_hidden).items():
        got = getattr(params, name).shape
        if got != shape:
            raise ValueError(
                f"params.{name} must have shape {shape} for vocab={vocab}, d_model={d_model}, "
                f"n_hidden={n_hidden}; got {got}")
    dtypes = {getattr(params, name).dtype for name in names}
    if len(dtypes) > 1:
        raise TypeError(f"all parameters must share one dtype, got {sorted(map(str, dtypes))}")
    for name in names:
        if not np.isfinite(getattr(params, name)).all():
            raise ValueError(f"params.{name} contains NaN or infinite values")
    return params


def check_tokens(name: str, tokens, vocab_size: int) -> np.ndarray:
    """Token ids: integers of shape (T,) or (B, T), T >= 1, each in [0, vocab_size)."""
    try:
        arr = np.asarray(tokens)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array of shape (T,) or (B, T); "
                         "got rows of different lengths") from None
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer token ids of shape (T,) or (B, T), "
                        f"got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must have shape (T,) or (B, T), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty: need T >= 1 (and B >= 1), got shape {arr.shape}")
    low, high = arr.min(), arr.max()
    if low < 0 or high >= vocab_size:
        bad = low if low < 0 else high
        raise ValueError(f"{name} must hold token ids in [0, {vocab_size - 1}] "
                         f"(vocab_size={vocab_size}), found {bad}")
    return arr.astype(np.intp, copy=False)


def check_h0(h0, batch_shape: tuple[int, ...], n_hidden: int, dtype, name: str = "h0") -> np.ndarray:
    """Initial hidden state: (n_hidden,), or (B, n_hidden) for batched inputs.

    ``None`` means zeros. A single ``(n_hidden,)`` state with batched inputs is
    used for every row of the batch (the documented exception; any other shape
    mismatch raises). ``name`` is the argument the errors name (the LSTM's c0 too).
    """
    full_shape = batch_shape + (n_hidden,)
    if h0 is None:
        return np.zeros(full_shape, dtype=dtype)
    arr = np.asarray(h0)
    if arr.dtype.kind not in "fiu" or arr.dtype == bool:
        raise TypeError(f"{name} must be a float array of shape {full_shape}, got dtype {arr.dtype}")
    if arr.shape == (n_hidden,) and batch_shape:
        arr = np.broadcast_to(arr, full_shape)
    if arr.shape != full_shape:
        allowed = f"{full_shape} or {(n_hidden,)}" if batch_shape else f"{full_shape}"
        raise ValueError(f"{name} must have shape {allowed} (n_hidden={n_hidden}), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return np.array(arr, dtype=dtype)


def check_inputs(params: Params, inputs, targets, h0):
    """Validate one forward call; returns ``(inputs, targets, h0)`` as arrays."""
    check_params(params)
    inputs = check_tokens("inputs", inputs, params.vocab_size)
    targets = check_tokens("targets", targets, params.vocab_size)
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have the same shape, "
                         f"got inputs {inputs.shape} and targets {targets.shape}")
    h0 = check_h0(h0, inputs.shape[:-1], params.n_hidden, params.E.dtype)
    return inputs, targets, h0
