"""torch.nn.LSTM itself, holding the same weights (with nn.Embedding and nn.Linear for E and V, c),
agrees with bptt_helpers.lstm in float64: loss to 1e-13, every gradient to rel err < 1e-10.

Only the weights, the tokens and the initial states are shared; the forward and backward passes
on the torch side are torch's own (nn.LSTM's fused kernel and autograd).
"""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0

import bptt_helpers as bh
from bptt_helpers import lstm

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: the torch.nn.LSTM cross-check needs it "
                    "(install with pip install torch==2.13.0; CI does)")

REL_TOL = 1e-10
N = 4


def torch_lstm_loss_and_grads(params: lstm.LSTMParams, inputs, targets, h0, c0):
    """nn.Embedding -> nn.LSTM (batch_first) -> nn.Linear -> cross-entropy (mean), in float64.

    The package's one bias b goes into nn.LSTM's bias_ih_l0, and bias_hh_l0 is zero: torch adds the
    two, so (DL)_b is the gradient of either (both are returned, to check they agree).
    """
    vocab, d_model = params.E.shape
    emb = torch.nn.Embedding(vocab, d_model, dtype=torch.float64)
    cell = torch.nn.LSTM(d_model, N, batch_first=True, dtype=torch.float64)
    out = torch.nn.Linear(N, vocab, dtype=torch.float64)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(params.E))
        cell.weight_ih_l0.copy_(torch.from_numpy(params.W_ih))
        cell.weight_hh_l0.copy_(torch.from_numpy(params.W_hh))
        cell.bias_ih_l0.copy_(torch.from_numpy(params.b))
        cell.bias_hh_l0.zero_()
        out.weight.copy_(torch.from_numpy(params.V))
        out.bias.copy_(torch.from_numpy(params.c))
    x = torch.as_tensor(np.atleast_2d(inputs), dtype=torch.long)
    y = torch.as_tensor(np.atleast_2d(targets), dtype=torch.long)
    B = x.shape[0]
    states = [torch.as_tensor(np.broadcast_to(s, (B, N)).copy())[None] for s in (h0, c0)]
    hs, _ = cell(emb(x), tuple(states))
    logits = out(hs)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
    loss.backward()
    grads = {"E": emb.weight.grad, "W_ih": cell.weight_ih_l0.grad, "W_hh": cell.weight_hh_l0.grad,
             "b": cell.bias_ih_l0.grad, "V": out.weight.grad, "c": out.bias.grad}
    return loss.item(), {k: v.numpy() for k, v in grads.items()}, cell.bias_hh_l0.grad.numpy()


CASES = {
    "one sequence": lambda: (REPEAT_INPUTS, REPEAT_TARGETS, random_h0((N,)), random_h0((N,), seed=3)),
    "batch": lambda: (*batch_with_repeats(3), random_h0((3, N)), random_h0((3, N), seed=3)),
    "batch, shared states": lambda: (*batch_with_repeats(2), random_h0((N,)), random_h0((N,), seed=3)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_lstm_backward_matches_torch_nn_lstm(case):
    params = lstm.init_lstm_params(5, 3, N, seed=0, forget_bias=1.0)
    params.W_hh *= 2.0   # a livelier recursion
    inputs, targets, h0, c0 = CASES[case]()
    cache = lstm.lstm_forward(params, inputs, targets, h0, c0)
    loss, grads, grad_bias_hh = torch_lstm_loss_and_grads(params, inputs, targets, h0, c0)
    assert cache.loss == pytest.approx(loss, rel=1e-13)
    ours = lstm.lstm_backward(params, cache)
    result = bh.compare_grads(ours, grads)
    assert len(result.rows) == 6
    result.assert_close(REL_TOL)
    bh.compare_grads({"b": ours.b}, {"b": grad_bias_hh}).assert_close(REL_TOL)


def test_torch_cross_check_can_fail():
    """The forget gate's rows of dW_hh zeroed: the same comparison rejects it, naming W_hh."""
    params = lstm.init_lstm_params(5, 3, N, seed=0, forget_bias=1.0)
    inputs, targets, h0, c0 = CASES["one sequence"]()
    _, grads, _ = torch_lstm_loss_and_grads(params, inputs, targets, h0, c0)
    ours = lstm.lstm_backward(params, lstm.lstm_forward(params, inputs, targets, h0, c0))
    ours.W_hh[N:2 * N] = 0.0
    with pytest.raises(AssertionError, match="W_hh"):
        bh.compare_grads(ours, grads).assert_close(REL_TOL)
