"""Every bad input of issue 2 §3 raises ValueError/TypeError whose message names the argument."""

from __future__ import annotations

import numpy as np
import pytest
from model_cases import N_HIDDEN, REPEAT_INPUTS, REPEAT_TARGETS, small_params

import bptt_helpers as bh

INP, TGT = REPEAT_INPUTS, REPEAT_TARGETS
BATCH_INP, BATCH_TGT = np.stack([INP, INP[::-1]]), np.stack([TGT, TGT[::-1]])


def replaced(params: bh.Params, **fields) -> bh.Params:
    d = params.as_dict()
    d.update(fields)
    return bh.Params(**d)


# --- parameters --------------------------------------------------------------------------------

P = small_params()  # vocab 5, d_model 3, n_hidden 4

BAD_PARAMS = {
    "U transposed": (replaced(P, U=P.U.T.copy()), ValueError, r"params\.U must have shape \(4, 3\)"),
    "b as a row": (replaced(P, b=P.b[None]), ValueError, r"params\.b must have shape \(4,\)"),
    "W not square": (replaced(P, W=np.zeros((4, 5))), ValueError, r"params\.W must have shape \(4, 4\)"),
    "V vocab mismatch": (replaced(P, V=np.zeros((6, 4))), ValueError, r"params\.V must have shape \(5, 4\)"),
    "c vocab mismatch": (replaced(P, c=np.zeros(6)), ValueError, r"params\.c must have shape \(5,\)"),
    "E 3-D": (replaced(P, E=np.zeros((5, 3, 1))), ValueError, r"params\.E must be 2-D"),
    "E of ints": (replaced(P, E=P.E.astype(int)), TypeError, r"params\.E must have a floating-point"),
    "E complex": (replaced(P, E=P.E.astype(complex)), TypeError, r"params\.E must have a floating-point"),
    "V a list": (replaced(P, V=P.V.tolist()), TypeError, r"params\.V must be a numpy array"),
    "mixed dtypes": (replaced(P, c=P.c.astype(np.float32)), TypeError, r"parameters must share one dtype"),
    "W with inf": (replaced(P, W=np.where(np.eye(4) > 0, np.inf, P.W)), ValueError, r"params\.W contains"),
    "b with NaN": (replaced(P, b=np.full(4, np.nan)), ValueError, r"params\.b contains NaN"),
    "E with -inf": (replaced(P, E=np.full((5, 3), -np.inf)), ValueError, r"params\.E contains NaN"),
}


@pytest.mark.parametrize("label", list(BAD_PARAMS))
def test_bad_params_are_rejected_by_forward(label):
    params, exc, pattern = BAD_PARAMS[label]
    with pytest.raises(exc, match=pattern):
        bh.forward(params, INP, TGT, None)


@pytest.mark.parametrize("label", ["U transposed", "mixed dtypes", "W with inf"])
def test_bad_params_are_rejected_by_backward(label):
    params, exc, pattern = BAD_PARAMS[label]
    cache = bh.forward(P, INP, TGT, None)
    with pytest.raises(exc, match=pattern):
        bh.backward(params, cache)


def test_params_must_be_a_params_object():
    with pytest.raises(TypeError, match="params must be a bptt_helpers.Params"):
        bh.forward(P.as_dict(), INP, TGT, None)


@pytest.mark.parametrize("dims", ["d_model=0", "n_hidden=0"])
def test_zero_size_model_is_rejected(dims):
    if dims == "d_model=0":
        params = replaced(P, E=np.zeros((5, 0)), U=np.zeros((4, 0)))
        pattern = "d_model"
    else:
        params = replaced(P, W=np.zeros((0, 0)), U=np.zeros((0, 3)), b=np.zeros(0), V=np.zeros((5, 0)))
        pattern = "n_hidden"
    try:
        bh.forward(params, INP, TGT, None)
    except (ValueError, TypeError) as exc:
        assert pattern in str(exc)
    else:
        raise AssertionError(f"a model with {dims} was accepted")


@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(vocab_size=0, d_model=3, n_hidden=4), ValueError, "vocab_size"),
    (dict(vocab_size=5, d_model=-1, n_hidden=4), ValueError, "d_model"),
    (dict(vocab_size=5, d_model=3, n_hidden=4.0), TypeError, "n_hidden"),
    (dict(vocab_size=True, d_model=3, n_hidden=4), TypeError, "vocab_size"),
    (dict(vocab_size=5, d_model=3, n_hidden=4, dtype=np.int64), TypeError, "dtype"),
])
def test_init_params_rejects_bad_sizes(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        bh.init_params(**kwargs)


# --- tokens ------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["inputs", "targets"])
@pytest.mark.parametrize("bad, exc, pattern", [
    (np.array([1, 5, 2]), ValueError, r"in \[0, 4\].*found 5"),           # out of range
    (np.array([1, -1, 2]), ValueError, r"in \[0, 4\].*found -1"),         # negative
    (np.array([1.0, 2.0, 3.0]), TypeError, "integer token ids"),           # floats
    (np.array([True, False, True]), TypeError, "integer token ids"),      # bools
    (np.array(["a", "b", "c"]), TypeError, "integer token ids"),          # strings
    (np.array([1, 2, None], dtype=object), TypeError, "integer token ids"),
    (np.zeros((1, 1, 3), dtype=int), ValueError, r"shape \(T,\) or \(B, T\)"),  # 3-D
    (np.int64(2), ValueError, r"shape \(T,\) or \(B, T\)"),                # 0-D
    (np.zeros(0, dtype=int), ValueError, "must not be empty"),             # T = 0
    (np.zeros((0, 3), dtype=int), ValueError, "must not be empty"),        # B = 0
    (np.zeros((2, 0), dtype=int), ValueError, "must not be empty"),        # B = 2, T = 0
])
def test_bad_tokens_are_rejected(which, bad, exc, pattern):
    good = np.array([1, 2, 3])  # inputs are checked first, then targets, then their shapes
    args = {"inputs": bad, "targets": good} if which == "inputs" else {"inputs": good, "targets": bad}
    with pytest.raises(exc, match=f"^{which} .*{pattern}"):
        bh.forward(P, args["inputs"], args["targets"], None)


def test_ragged_inputs_name_the_argument():
    with pytest.raises(ValueError) as info:
        bh.forward(P, [[1, 2], [3]], [[1, 2], [3]], None)
    assert "inputs" in str(info.value), str(info.value)


@pytest.mark.parametrize("inputs, targets", [
    (INP, TGT[:-1]),                  # different T
    (BATCH_INP, TGT),                 # batched vs single
    (BATCH_INP, BATCH_TGT[:1]),       # different B
    (BATCH_INP[:1], BATCH_TGT[0]),    # (1, T) vs (T,): same numbers, must not broadcast
])
def test_inputs_and_targets_must_have_the_same_shape(inputs, targets):
    with pytest.raises(ValueError, match="inputs and targets must have the same shape"):
        bh.forward(P, inputs, targets, None)


def test_integer_types_and_lists_are_accepted_as_tokens():
    reference = bh.forward(P, INP, TGT, None).loss
    for inputs in (INP.tolist(), INP.astype(np.uint8), INP.astype(np.int32)):
        assert bh.forward(P, inputs, TGT, None).loss == reference


# --- h0 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("inputs, targets, h0, pattern", [
    (INP, TGT, np.zeros(N_HIDDEN + 1), r"h0 must have shape \(4,\)"),
    (INP, TGT, np.zeros((1, N_HIDDEN)), r"h0 must have shape \(4,\)"),     # batched h0, single seq
    (INP, TGT, np.zeros(()), r"h0 must have shape"),
    (BATCH_INP, BATCH_TGT, np.zeros((3, N_HIDDEN)), r"h0 must have shape \(2, 4\)"),  # wrong B
    (BATCH_INP, BATCH_TGT, np.zeros((2, N_HIDDEN + 1)), r"h0 must have shape \(2, 4\)"),
    (BATCH_INP, BATCH_TGT, np.zeros((1, N_HIDDEN)), r"h0 must have shape \(2, 4\)"),  # no broadcast of B=1
    (BATCH_INP, BATCH_TGT, np.zeros(N_HIDDEN + 1), r"h0 must have shape \(2, 4\) or \(4,\)"),
])
def test_h0_of_the_wrong_size(inputs, targets, h0, pattern):
    with pytest.raises(ValueError, match=pattern):
        bh.forward(P, inputs, targets, h0)


@pytest.mark.parametrize("h0, exc, pattern", [
    (np.full(N_HIDDEN, np.nan), ValueError, "h0 contains NaN"),
    (np.array([0, 0, np.inf, 0]), ValueError, "h0 contains NaN"),
    (np.zeros(N_HIDDEN, dtype=bool), TypeError, "h0 must be a float array"),
    (np.zeros(N_HIDDEN, dtype=complex), TypeError, "h0 must be a float array"),
    ("abcd", TypeError, "h0 must be a float array"),
])
def test_h0_of_the_wrong_kind(h0, exc, pattern):
    with pytest.raises(exc, match=pattern):
        bh.forward(P, INP, TGT, h0)


# --- backward with a cache that does not belong to the params -----------------------------------

def test_backward_needs_a_forward_cache():
    with pytest.raises(TypeError, match="cache must be the ForwardCache"):
        bh.backward(P, {"loss": 1.0})


def test_backward_rejects_a_cache_of_another_hidden_size():
    cache = bh.forward(P, INP, TGT, None)
    with pytest.raises(ValueError, match="cache does not match params"):
        bh.backward(small_params(n_hidden=6), cache)


def test_backward_rejects_a_cache_of_another_vocab():
    cache = bh.forward(P, INP, TGT, None)
    with pytest.raises(ValueError) as info:
        bh.backward(small_params(vocab=6), cache)
    assert "cache" in str(info.value), str(info.value)


# --- extreme but valid logits ------------------------------------------------------------------

@pytest.mark.parametrize("which", ["V", "c"])
@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("batched", [False, True])
def test_logits_of_1e4_give_finite_loss_and_gradients(which, sign, batched):
    if which == "V":  # h in (-1, 1) and |V| ~ 1e4 / n_hidden -> logits of order ±1e4
        params = replaced(P, V=sign * 1e4 * np.sign(P.V) / N_HIDDEN)
    else:
        params = replaced(P, c=sign * np.array([1e4, -1e4, 0.0, 5e3, -5e3]))
    inputs, targets = (BATCH_INP, BATCH_TGT) if batched else (INP, TGT)
    cache = bh.forward(params, inputs, targets, None)
    assert np.abs(cache.o).max() > 1e3
    assert np.isfinite(cache.loss) and np.isfinite(cache.losses).all()
    assert np.isfinite(cache.y_hat).all()
    assert cache.loss > 100  # some targets get probability ~exp(-1e4): a huge but finite loss
    grads = bh.backward(params, cache)
    for name, g in grads.items():
        assert np.isfinite(g).all(), name


# --- data --------------------------------------------------------------------------------------

VOCAB = bh.CharVocab("abc")


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: VOCAB.encode("abd"), ValueError, r"character 'd'.*not in the vocabulary"),
    (lambda: VOCAB.encode(123), TypeError, "text must be a str"),
    (lambda: VOCAB.encode(b"abc"), TypeError, "text must be a str"),
    (lambda: VOCAB.decode([0, 3]), ValueError, r"ids must lie in \[0, 2\]"),
    (lambda: VOCAB.decode([-1]), ValueError, r"ids must lie in \[0, 2\]"),
    (lambda: VOCAB.decode([1.0]), TypeError, "ids must be integers"),
    (lambda: bh.CharVocab("aab"), ValueError, "chars must not repeat"),
    (lambda: bh.CharVocab(""), ValueError, "chars must hold at least one"),
    (lambda: bh.CharVocab.from_text(""), ValueError, "text must be a non-empty string"),
    (lambda: bh.CharVocab.from_text(None), ValueError, "text must be a non-empty string"),
])
def test_bad_vocab_use(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


IDS = np.arange(10)


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: bh.windows(np.arange(5), 5), ValueError, "corpus is too short for the window"),
    (lambda: bh.windows(np.arange(5), 8), ValueError, "corpus is too short for the window"),
    (lambda: bh.random_batch(np.arange(5), 5, 2, np.random.default_rng(0)), ValueError,
     "corpus is too short"),
    (lambda: bh.evaluate(P, np.arange(3), 5), ValueError, "corpus is too short"),
    (lambda: bh.windows(IDS, 0), ValueError, "window must be a positive integer"),
    (lambda: bh.windows(IDS, 2.5), ValueError, "window must be a positive integer"),
    (lambda: bh.windows(IDS.astype(float), 2), TypeError, "ids must be a 1-D integer array"),
    (lambda: bh.windows(IDS.reshape(2, 5), 2), TypeError, "ids must be a 1-D integer array"),
    (lambda: bh.random_batch(IDS, 3, 0, np.random.default_rng(0)), ValueError, "batch_size"),
    (lambda: bh.train_val_split(IDS, 0.0), ValueError, "val_fraction"),
    (lambda: bh.train_val_split(IDS, 1.5), ValueError, "val_fraction"),
    (lambda: bh.load_text("/nonexistent/corpus.txt"), ValueError, "path must name an existing"),
])
def test_bad_data_arguments(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_a_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(ValueError, match="not valid UTF-8"):
        bh.load_text(path)


@pytest.mark.parametrize("stride", [0, -1, 1.5])
def test_windows_rejects_a_bad_stride(stride):
    try:
        bh.windows(IDS, 3, stride=stride)
    except (ValueError, TypeError) as exc:
        assert "stride" in str(exc), str(exc)
    except Exception as exc:  # noqa: BLE001 - any other error type is the bug being recorded
        raise AssertionError(f"{type(exc).__name__}: {exc}") from None
    else:
        raise AssertionError(f"stride={stride!r} was accepted")


# --- training and sampling ---------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: bh.sgd_step(P, P, 0.0), ValueError, "lr must be a positive"),
    (lambda: bh.sgd_step(P, P, float("nan")), ValueError, "lr must be a positive"),
    (lambda: bh.clip_grad_norm(P, -1.0), ValueError, "max_norm must be positive"),
    (lambda: bh.clip_grad_value(P, 0.0), ValueError, "max_value must be positive"),
    (lambda: bh.train(P, np.tile(np.arange(5), 5), 3, -1, 0.1), ValueError, "steps"),
    (lambda: bh.train(P, np.tile(np.arange(5), 5), 3, 1, 0.1, batch_size=2.0), ValueError,
     "batch_size"),
    (lambda: bh.sample(P, bh.CharVocab("abcde"), 5, temperature=0.0), ValueError, "temperature"),
    (lambda: bh.sample(P, bh.CharVocab("abcde"), -1), ValueError, "n_chars"),
    (lambda: bh.sample(P, bh.CharVocab("abcde"), 3, prompt="xyz"), ValueError, "not in the vocabulary"),
    (lambda: bh.sample(P, bh.CharVocab("abcde"), 3, h0=np.zeros(3)), ValueError, "h0 must have shape"),
    (lambda: bh.numerical_grad(P, INP, TGT, None, "Z"), ValueError, "wrt must be one of"),
    (lambda: bh.compare_grads({"a": np.zeros(2)}, {"a": np.zeros(3)}), ValueError, "shapes differ"),
])
def test_bad_training_and_checking_arguments(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_sample_rejects_a_vocab_of_another_size():
    with pytest.raises(ValueError) as info:
        bh.sample(P, bh.CharVocab("abc"), 5)
    assert "vocab" in str(info.value), str(info.value)


def test_sgd_step_rejects_gradients_of_the_wrong_shape():
    grads = replaced(P, b=np.ones(1))
    try:
        bh.sgd_step(P, grads, 0.1)
    except (ValueError, TypeError) as exc:
        assert "grads" in str(exc), str(exc)
    else:
        raise AssertionError("grads.b of shape (1,) was broadcast onto b of shape (4,)")


# --- more arguments that must name themselves when wrong ----------------------------------------

@pytest.mark.parametrize("call, exc, argument", [
    pytest.param(lambda: bh.numerical_grad(P, INP, TGT, None, "c", eps=0.0), ValueError, "eps",
                 id="numerical_grad-eps0"),
    pytest.param(lambda: bh.check_gradients(P, INP, TGT, None, eps=0.0, wrt=("c",)), ValueError, "eps",
                 id="check_gradients-eps0"),
    pytest.param(lambda: bh.sgd_step(P, P, float("inf")), ValueError, "lr",
                 id="sgd_step-lr-inf"),
    pytest.param(lambda: bh.sample(P, bh.CharVocab("abcde"), 3, prompt=12), TypeError, "prompt",
                 id="sample-prompt-int"),
    pytest.param(lambda: bh.grad_norm("x"), TypeError, "grads",
                 id="grad_norm-str"),
    pytest.param(lambda: bh.init_params(5, 3, 4, seed="a"), TypeError, "seed",
                 id="init_params-seed-str"),
    pytest.param(lambda: bh.random_batch(np.arange(20), 3, 2, None), TypeError, "rng",
                 id="random_batch-rng-None"),
    pytest.param(lambda: bh.compare_grads(3, 4), TypeError, "grad",
                 id="compare_grads-ints"),
])
def test_more_bad_arguments_name_themselves(call, exc, argument):
    try:
        call()
    except (ValueError, TypeError) as error:
        assert isinstance(error, exc) and argument in str(error), f"{type(error).__name__}: {error}"
    except Exception as error:  # noqa: BLE001 - any other error type is what is being recorded
        raise AssertionError(f"{type(error).__name__}: {error}") from None
    else:
        raise AssertionError("accepted without an error")
