"""The backward pass of §4: the nine equations in the order the paper derives them."""

from __future__ import annotations

from . import grads_fast as g
from .forward_pass import ForwardCache
from .params import Params
from .validate import check_params


def backward(params: Params, cache: ForwardCache) -> Params:
    """All six gradients dL/dE, dL/dU, dL/dW, dL/db, dL/dV, dL/dc (eqs 4.1-4.9).

    params: the :class:`Params` the forward pass used; cache: its :class:`ForwardCache`.
    Returns a :class:`Params` of gradients with the same shapes as ``params``.
    """
    check_params(params)
    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache must be the ForwardCache returned by forward(), "
                        f"got {type(cache).__name__}")
    made_by = (cache.o.shape[-1], cache.x.shape[-1], cache.h.shape[-1])
    if made_by != (params.vocab_size, params.d_model, params.n_hidden):
        raise ValueError("cache does not match params: it was made by a model with "
                         f"(vocab, d_model, n_hidden) = {made_by}, params have "
                         f"{(params.vocab_size, params.d_model, params.n_hidden)}")
    do = g.dlogits(cache)                 # (4.1)   parallel over t
    dh = g.dhidden(params, cache, do)     # (4.2-3) sequential, t = τ..1
    return Params(
        E=g.dE(params, cache, dh),        # (4.9)
        U=g.dU(cache, dh),                # (4.8)
        W=g.dW(cache, dh),                # (4.7)
        b=g.db(cache, dh),                # (4.5)
        V=g.dV(cache, do),                # (4.6)
        c=g.dc(cache, do),                # (4.4)
    )
