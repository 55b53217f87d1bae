"""PyTorch autograd (float64) of the same model agrees with backward() to rel err < 1e-10.

The torch forward below is written from eqs 1.3-1.7 independently of the package;
only the weights, the tokens and h0 are shared.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0

import bptt_helpers as bh

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: the autograd cross-check needs it "
                    "(install with pip install torch==2.13.0; CI does)")
F = torch.nn.functional

REL_TOL = 1e-10


def torch_loss_and_grads(params: bh.Params, inputs, targets, h0):
    """Eqs 1.3-1.7 and the mean cross-entropy (eq 1.2) in torch; returns (loss, grads dict)."""
    leaves = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
              for name, value in params.items()}
    E, U, W, b, V, c = (leaves[n] for n in bh.PARAM_NAMES)
    inputs_t = torch.as_tensor(np.asarray(inputs), dtype=torch.long)
    targets_t = torch.as_tensor(np.asarray(targets), dtype=torch.long)
    batched = inputs_t.ndim == 2
    if not batched:
        inputs_t, targets_t = inputs_t[None], targets_t[None]
    h = torch.as_tensor(np.asarray(h0, dtype=np.float64)).expand(inputs_t.shape[0], W.shape[0])
    logits = []
    for t in range(inputs_t.shape[1]):
        x = E[inputs_t[:, t]]                    # (1.3)
        a = h @ W.T + x @ U.T + b                # (1.4)
        h = torch.tanh(a)                        # (1.5)
        logits.append(h @ V.T + c)               # (1.6); softmax (1.7) is inside cross_entropy
    o = torch.stack(logits, dim=1)               # (B, T, vocab)
    loss = F.cross_entropy(o.reshape(-1, o.shape[-1]), targets_t.reshape(-1), reduction="mean")
    loss.backward()
    return loss.item(), {name: leaf.grad.numpy() for name, leaf in leaves.items()}


CASES = {
    "unbatched": lambda: (REPEAT_INPUTS, REPEAT_TARGETS, random_h0((4,))),
    "batched": lambda: (*batch_with_repeats(3), random_h0((3, 4))),
    "batched_shared_h0": lambda: (*batch_with_repeats(2), random_h0((4,))),
}


@pytest.mark.parametrize("case_name", list(CASES))
def test_backward_matches_torch_autograd(params, case_name):
    inputs, targets, h0 = CASES[case_name]()
    cache = bh.forward(params, inputs, targets, h0)
    torch_loss, torch_grads = torch_loss_and_grads(params, inputs, targets, h0)
    assert cache.loss == pytest.approx(torch_loss, rel=1e-13)
    result = bh.compare_grads(bh.backward(params, cache), torch_grads)
    assert len(result.rows) == 6
    result.assert_close(REL_TOL)


def test_backward_matches_torch_at_the_paper_size():
    """The paper's sizes: vocab 65, d_model 24, n_hidden 200, τ = 8, h0 = 0.1·ones."""
    params = bh.init_params(65, 24, 200, seed=64)
    rng = np.random.default_rng(64)
    inputs, targets = rng.integers(0, 65, 8), rng.integers(0, 65, 8)
    h0 = np.full(200, 0.1)
    cache = bh.forward(params, inputs, targets, h0)
    torch_loss, torch_grads = torch_loss_and_grads(params, inputs, targets, h0)
    assert cache.loss == pytest.approx(torch_loss, rel=1e-13)
    bh.compare_grads(bh.backward(params, cache), torch_grads).assert_close(REL_TOL)


def test_torch_cross_check_can_fail(params):
    """A gradient that is wrong by one timestep's worth is rejected by the same comparison."""
    inputs, targets, h0 = REPEAT_INPUTS, REPEAT_TARGETS, random_h0((4,))
    _, torch_grads = torch_loss_and_grads(params, inputs, targets, h0)
    grads = bh.backward(params, bh.forward(params, inputs, targets, h0))
    grads.c = grads.c * len(inputs)  # forgot the 1/τ of eq 1.2
    with pytest.raises(AssertionError, match="c"):
        bh.compare_grads(grads, torch_grads).assert_close(REL_TOL)
