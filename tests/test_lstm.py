"""The LSTM of notebook 13 (bptt_helpers.lstm): finite differences, loop vs vectorised, shared code,
bad input. The PyTorch cross-check is tests/test_torch_lstm.py."""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import REPEAT_INPUTS, REPEAT_TARGETS, batch_with_repeats, random_h0

import bptt_helpers as bh
from bptt_helpers import forward_pass, lstm
from bptt_helpers import grads_as_written as rnn_gw
from bptt_helpers import grads_fast as rnn_gf
from bptt_helpers.lstm import forward as lf
from bptt_helpers.lstm import grads_as_written as gw
from bptt_helpers.lstm import grads_fast as gf

N = 4   # n_hidden; vocab 5 and d_model 3 as in model_cases


@pytest.fixture(scope="module")
def params():
    return lstm.init_lstm_params(5, 3, N, seed=0, forget_bias=0.5)


CASES = {
    "one sequence": lambda: (REPEAT_INPUTS, REPEAT_TARGETS, random_h0((N,)), random_h0((N,), seed=3)),
    "batch, own h0 and c0": lambda: (*batch_with_repeats(3), random_h0((3, N)), random_h0((3, N), seed=3)),
    "batch, shared h0, zero c0": lambda: (*batch_with_repeats(2), random_h0((N,)), None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_parameter_and_the_nodes_o_h_c_match_central_differences(params, case):
    inputs, targets, h0, c0 = CASES[case]()
    result = lstm.lstm_check_gradients(params, inputs, targets, h0, c0)
    assert [row.name for row in result.rows] == ["E", "W_ih", "W_hh", "b", "V", "c", "o(t)", "h(t)", "c(t)"]
    result.assert_close(1e-6)


def test_saturated_gates_still_match_central_differences():
    """Large weights push σ and tanh into their flat parts, where a wrong derivative shows least."""
    p = lstm.init_lstm_params(5, 3, N, seed=1, forget_bias=2.0)
    p.W_hh, p.W_ih = 3 * p.W_hh, 3 * p.W_ih
    lstm.lstm_check_gradients(p, REPEAT_INPUTS, REPEAT_TARGETS, random_h0((N,)), None).assert_close(1e-6)


def test_the_check_can_fail(params):
    grads = lstm.lstm_analytic_grads(params, REPEAT_INPUTS, REPEAT_TARGETS)
    numeric = lstm.lstm_numerical_grad(params, REPEAT_INPUTS, REPEAT_TARGETS, None, None, "W_hh")
    bad = grads["W_hh"].copy()
    bad[N:2 * N] = 0  # the forget gate's rows left out
    with pytest.raises(AssertionError, match="W_hh"):
        bh.compare_grads({"W_hh": bad}, {"W_hh": numeric}).assert_close(1e-6)


@pytest.mark.parametrize("case", list(CASES))
def test_loop_form_equals_vectorised_form(params, case):
    inputs, targets, h0, c0 = CASES[case]()
    cache = lstm.lstm_forward(params, inputs, targets, h0, c0)
    do = gf.dlogits(cache)
    fast, loop = gf.dhidden_cell(params, cache, do), gw.dhidden_cell(params, cache, do)
    for name in ("dh", "dc", "dz"):
        np.testing.assert_allclose(getattr(loop, name), getattr(fast, name), rtol=0, atol=1e-14)
    for name in ("db", "dW_ih", "dW_hh"):
        np.testing.assert_allclose(getattr(gw, name)(cache, fast.dz), getattr(gf, name)(cache, fast.dz),
                                   rtol=0, atol=1e-14)
    np.testing.assert_allclose(gw.dE(params, cache, fast.dz), gf.dE(params, cache, fast.dz),
                               rtol=0, atol=1e-14)
    np.testing.assert_allclose(gw.dlogits(cache), gf.dlogits(cache), rtol=0, atol=1e-15)
    np.testing.assert_allclose(gw.dV(cache, do), gf.dV(cache, do), rtol=0, atol=1e-14)
    np.testing.assert_allclose(gw.dc(cache, do), gf.dc(cache, do), rtol=0, atol=1e-14)


def test_the_shared_parts_are_the_rnns_own_functions():
    """Imported, never copied: the same function objects as the RNN's."""
    assert lf.embed is forward_pass.embed and lf.logits is forward_pass.logits
    assert lf.log_softmax is forward_pass.log_softmax and lf.mean_loss is forward_pass.mean_loss
    assert lf._pick_negative is forward_pass._pick_negative
    for name in ("dlogits", "dc", "dV"):
        assert getattr(gf, name) is getattr(rnn_gf, name), name
        assert getattr(gw, name) is getattr(rnn_gw, name), name
    assert gf.scatter_add_rows is rnn_gf.scatter_add_rows and gw.sum_over_uses is rnn_gw.sum_over_uses


def test_the_rnn_dE_uses_the_shared_sum_over_uses(monkeypatch):
    """The RNN's (4.9) goes through the very functions the LSTM's dE calls."""
    calls = []
    real_fast, real_loop = rnn_gf.scatter_add_rows, rnn_gw.sum_over_uses
    monkeypatch.setattr(rnn_gf, "scatter_add_rows", lambda *a: calls.append("fast") or real_fast(*a))
    monkeypatch.setattr(rnn_gw, "sum_over_uses", lambda *a: calls.append("loop") or real_loop(*a))
    p = bh.init_params(5, 3, 4, seed=0)
    cache = bh.forward(p, REPEAT_INPUTS, REPEAT_TARGETS, None)
    dh = rnn_gf.dhidden(p, cache, rnn_gf.dlogits(cache))
    np.testing.assert_allclose(rnn_gf.dE(p, cache, dh), rnn_gw.dE(p, cache, dh), rtol=0, atol=1e-14)
    assert calls == ["fast", "loop"]


def test_the_cell_path_is_diag_f(params):
    """∂c(t)/∂c(t-1) with h(t-1) and x(t) held = diag f(t): no W, no tanh' (notebook 13's claim)."""
    cache = lstm.lstm_forward(params, REPEAT_INPUTS, REPEAT_TARGETS, None, random_h0((N,)))
    t = 3
    z = cache.z[t - 1]
    i, f, g, _ = lf.split(lf.gates(z))
    jac = np.stack([(lf.cell_state(f, cache.c[t - 1] + 1e-6 * e, i, g)
                     - lf.cell_state(f, cache.c[t - 1] - 1e-6 * e, i, g)) / 2e-6 for e in np.eye(N)], axis=1)
    np.testing.assert_allclose(jac, np.diag(cache.f[t - 1]), rtol=0, atol=1e-9)


def test_step_backward_chained_is_the_backward_pass(params):
    """τ calls of the cs231n-shaped step, from t = τ down to 1, give the whole backward pass."""
    inputs, targets = batch_with_repeats(3)
    h0, c0 = random_h0((3, N)), random_h0((3, N), seed=3)
    cache = lstm.lstm_forward(params, inputs, targets, h0, c0)
    do = gf.dlogits(cache)
    nodes = gf.dhidden_cell(params, cache, do)
    want = lstm.lstm_backward(params, cache)
    dW_ih, dW_hh, db = 0, 0, 0
    dh_from_next, dc_from_next = np.zeros((3, N)), np.zeros((3, N))
    dx = np.zeros_like(cache.x)
    for t in range(cache.T, 0, -1):
        dh_t = do[:, t - 1] @ params.V + dh_from_next
        out = lstm.step_backward(dh_t, dc_from_next, lstm.step_cache(params, cache, t))
        np.testing.assert_allclose(out.dc_t, nodes.dc[:, t - 1], rtol=0, atol=1e-14)
        dh_from_next, dc_from_next = out.dh_prev, out.dc_prev
        dW_ih, dW_hh, db = dW_ih + out.dW_ih, dW_hh + out.dW_hh, db + out.db
        dx[:, t - 1] = out.dx
    np.testing.assert_allclose(dW_ih, want.W_ih, rtol=0, atol=1e-14)
    np.testing.assert_allclose(dW_hh, want.W_hh, rtol=0, atol=1e-14)
    np.testing.assert_allclose(db, want.b, rtol=0, atol=1e-14)
    np.testing.assert_allclose(rnn_gf.scatter_add_rows(params.E, inputs, dx.reshape(-1, 3)), want.E,
                               rtol=0, atol=1e-14)


def test_shapes_and_gate_order(params):
    assert params.W_ih.shape == (4 * N, 3) and params.W_hh.shape == (4 * N, N) and params.b.shape == (4 * N,)
    np.testing.assert_array_equal(params.gate("f", "b"), params.b[N:2 * N])
    p = lstm.init_lstm_params(5, 3, N, seed=0, forget_bias=0.0)
    np.testing.assert_allclose(params.b[N:2 * N] - p.b[N:2 * N], 0.5)   # forget_bias only moves f's block
    np.testing.assert_array_equal(params.b[:N], p.b[:N])
    cache = lstm.lstm_forward(params, REPEAT_INPUTS, REPEAT_TARGETS)
    np.testing.assert_allclose(cache.f, lf.sigmoid(cache.z[:, N:2 * N]), rtol=1e-15)
    np.testing.assert_allclose(cache.g, np.tanh(cache.z[:, 2 * N:3 * N]), rtol=1e-15)
    assert cache.h.shape == cache.c.shape == (8, N) and cache.z.shape == (7, 4 * N)
    assert lstm.lstm_param_count(5, 3, N) == sum(v.size for _, v in params.items())


def test_matched_rnn_hidden_is_the_closest_count():
    m = lstm.matched_rnn_hidden(6, 4, 8)
    target = lstm.lstm_param_count(6, 4, 8)
    assert all(abs(lstm.rnn_param_count(6, 4, m) - target) <= abs(lstm.rnn_param_count(6, 4, k) - target)
               for k in range(1, 80))


def test_sigmoid_has_no_overflow():
    z = np.array([-1e4, -30.0, 0.0, 30.0, 1e4])
    s = lf.sigmoid(z)
    assert np.isfinite(s).all() and s[0] == 0 and s[2] == 0.5 and s[-1] == 1
    np.testing.assert_allclose(lf.sigmoid(np.linspace(-5, 5, 11)), 1 / (1 + np.exp(-np.linspace(-5, 5, 11))),
                               rtol=1e-14)


# --- bad input: the RNN's errors -------------------------------------------------------------------

def _replaced(p, **fields):
    d = p.as_dict()
    d.update(fields)
    return lstm.LSTMParams(**d)


@pytest.mark.parametrize("fields, exc, pattern", [
    ({"W_ih": np.zeros((N, 3))}, ValueError, r"params\.W_ih must have shape \(16, 3\)"),
    ({"W_hh": np.zeros((4 * N, N + 1))}, ValueError, r"params\.W_hh must have shape \(16, 4\)"),
    ({"b": np.zeros(N)}, ValueError, r"params\.b must have shape \(16,\)"),
    ({"V": np.zeros((6, N))}, ValueError, r"params\.V must have shape \(5, 4\)"),
    ({"E": np.zeros(5)}, ValueError, r"params\.E must be 2-D"),
    ({"E": np.zeros((5, 3), dtype=int)}, TypeError, r"params\.E must have a floating-point"),
    ({"c": np.zeros(5, dtype=np.float32)}, TypeError, "parameters must share one dtype"),
    ({"W_hh": np.full((4 * N, N), np.nan)}, ValueError, r"params\.W_hh contains NaN"),
    ({"b": [0.0] * 16}, TypeError, r"params\.b must be a numpy array"),
])
def test_bad_params_are_rejected(params, fields, exc, pattern):
    with pytest.raises(exc, match=pattern):
        lstm.lstm_forward(_replaced(params, **fields), REPEAT_INPUTS, REPEAT_TARGETS)


def test_params_must_be_lstm_params():
    with pytest.raises(TypeError, match="params must be a bptt_helpers.lstm.LSTMParams"):
        lstm.lstm_forward(bh.init_params(5, 3, 4), REPEAT_INPUTS, REPEAT_TARGETS)


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"inputs": np.array([1, 5, 2])}, ValueError, r"inputs must hold token ids in \[0, 4\]"),
    ({"targets": np.array([1.0, 2.0, 3.0])}, TypeError, "targets must be integer token ids"),
    ({"inputs": np.zeros((1, 1, 3), dtype=int)}, ValueError, r"inputs must have shape \(T,\) or \(B, T\)"),
    ({"targets": np.array([1, 2])}, ValueError, "inputs and targets must have the same shape"),
    ({"h0": np.zeros(N + 1)}, ValueError, r"h0 must have shape \(4,\)"),
    ({"c0": np.zeros(N + 1)}, ValueError, r"c0 must have shape \(4,\)"),
    ({"c0": np.full(N, np.inf)}, ValueError, "c0 contains NaN"),
    ({"c0": "abcd"}, TypeError, "c0 must be a float array"),
])
def test_bad_inputs_name_the_argument(params, kwargs, exc, pattern):
    args = {"inputs": np.array([1, 2, 3]), "targets": np.array([2, 3, 4]), "h0": None, "c0": None}
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        lstm.lstm_forward(params, **args)


def test_backward_rejects_a_foreign_cache(params):
    with pytest.raises(TypeError, match="cache must be the LSTMCache"):
        lstm.lstm_backward(params, bh.forward(bh.init_params(5, 3, 4), REPEAT_INPUTS, REPEAT_TARGETS, None))
    cache = lstm.lstm_forward(lstm.init_lstm_params(5, 3, 6), REPEAT_INPUTS, REPEAT_TARGETS)
    with pytest.raises(ValueError, match="cache does not match params"):
        lstm.lstm_backward(params, cache)


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"n_hidden": 0}, ValueError, "n_hidden"),
    ({"forget_bias": float("nan")}, TypeError, "forget_bias"),
    ({"seed": -1}, TypeError, "seed"),
    ({"dtype": np.int32}, TypeError, "dtype"),
])
def test_init_rejects_bad_arguments(kwargs, exc, pattern):
    args = {"vocab_size": 5, "d_model": 3, "n_hidden": 4}
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        lstm.init_lstm_params(**args)


def test_numerical_grad_names_its_choices(params):
    with pytest.raises(ValueError, match="wrt must be one of"):
        lstm.lstm_numerical_grad(params, REPEAT_INPUTS, REPEAT_TARGETS, None, None, "h")
