"""A ReLU network: the paper's RNN with eq (1.5) replaced by h = max(0, a) (notebook 12, extension 2).

Everything else is the package's own forward pass (embed, logits, cross-entropy), so the cache
has the same fields as :class:`~bptt_helpers.ForwardCache`; only ``dtanh`` refuses, because
1 - h² is not this network's derivative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..forward_pass import ForwardCache, cross_entropy, embed, log_softmax, logits, mean_loss
from ..params import Params
from ..validate import check_inputs


@dataclass
class ReluCache(ForwardCache):
    """A :class:`ForwardCache` of :func:`forward_relu`: h = ReLU(a). It has no ``dtanh``."""

    @property
    def dtanh(self):  # noqa: D102 - the tanh derivative would be silently wrong here
        raise AttributeError("this cache comes from forward_relu: h = ReLU(a), so 1 - h² "
                             "(cache.dtanh) is not its derivative; compute ReLU's yourself")


def forward_relu(params: Params, inputs, targets, h0) -> ReluCache:
    """Eqs (1.1)-(1.7) with eq (1.5) replaced by h^(t) = max(0, a^(t)): one sequence or a batch.

    Same arguments and cache fields as :func:`bptt_helpers.forward` (inputs, targets int (T,)
    or (B, T); h0 (n_hidden,), (B, n_hidden) or None for zeros).
    """
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    return relu_run(params, inputs, targets, h0)


def relu_run(params: Params, inputs, targets, h0) -> ReluCache:
    """The forward pass of the ReLU network on validated inputs (see :func:`forward_relu`)."""
    p = params
    x = embed(p.E, inputs)                                            # (1.3)
    T = inputs.shape[-1]
    h = np.empty(inputs.shape[:-1] + (T + 1, p.n_hidden), dtype=p.E.dtype)
    h[..., 0, :] = h0                                                 # h[..., t, :] is h(t)
    a = np.empty_like(h[..., 1:, :])
    for t in range(1, T + 1):
        a[..., t - 1, :] = h[..., t - 1, :] @ p.W.T + x[..., t - 1, :] @ p.U.T + p.b   # (1.4)
        h[..., t, :] = np.maximum(a[..., t - 1, :], 0.0)                             # ReLU
    o = logits(h[..., 1:, :], p.V, p.c)                               # (1.6)
    losses = cross_entropy(o, targets)                                # (1.1)
    return ReluCache(inputs=inputs, targets=targets, x=x, a=a, h=h, o=o,
                     y_hat=np.exp(log_softmax(o)), losses=losses, loss=mean_loss(losses))
