"""The exercises of notebooks 01 (forward pass) and 02 (plan of attack), as data for the policy.

- ``check_preactivation``: eq (1.4), a = h W^T + x U^T + b, for one row and batches;
- ``check_softmax``: eq (1.7), softmax along the last axis, also for logits of ±1000;
- ``check_cross_entropy``: eq (1.1), L = -log ŷ[y], computed stably from the logits;
- ``check_cache_bytes``: §2, the bytes the cache holds once backward has run, as a formula.

Non-square U and W of several sizes make a missing transpose show; logits of ±1000 make an
unstable formula show.
"""

from __future__ import annotations

import numpy as np

from ..backward_pass import backward
from ..forward_pass import cross_entropy, forward, log_softmax, preactivation, softmax
from ..lessons.cache import cache_arrays
from ..params import init_params
from . import Case, Exercise, Mistake, make_checker


def _rng(rng, seed):
    return np.random.default_rng(seed) if rng is None else rng


# ---- eq (1.4) -----------------------------------------------------------------------------------

def _preactivation_cases(rng=None):
    drawn = rng is not None
    rng = _rng(rng, 11)
    shapes = (((), 3, 5), ((4,), 2, 6), ((2, 3), 4, 3)) if not drawn else \
        (((), *rng.choice(np.arange(2, 8), 2, replace=False)), ((int(rng.integers(2, 6)),), 3, 4))
    cases = []
    for batch, d_model, n_hidden in shapes:
        d_model, n_hidden = int(d_model), int(n_hidden)
        args = (rng.uniform(-1, 1, batch + (n_hidden,)), rng.standard_normal(batch + (d_model,)),
                rng.standard_normal((n_hidden, n_hidden)), rng.standard_normal((n_hidden, d_model)),
                rng.standard_normal(n_hidden))
        label = "one row" if not batch else f"a batch of shape {batch}"
        cases.append(Case(f"{label} (d_model {d_model}, n_hidden {n_hidden})", args, preactivation(*args),
                          note="a batch only adds leading axes: the same products work for any number "
                               "of them, so do not reshape or loop"))
    return cases


PREACTIVATION = Exercise(
    title="eq (1.4) preactivation",
    idea="Eq (1.4): a^(t) = h^(t-1) W^T + x^(t) U^T + b, with every vector a row.",
    change="every vector is a row, so h_prev and x are multiplied from the right by the TRANSPOSED "
           "weights (h_prev @ W.T, x @ U.T), then b is added",
    cases=_preactivation_cases, arg_names=("h_prev", "x", "W", "U", "b"), answers=(preactivation,),
    shapes="h_prev (..., n_hidden), x (..., d_model), W (n_hidden, n_hidden), U (n_hidden, d_model), "
           "b (n_hidden,); U is not square",
    mistakes=(
        Mistake("W untransposed", lambda c: c.args[0] @ c.args[2] + c.args[1] @ c.args[3].T + c.args[4],
                "the x and b terms are right; the term of h_prev is not.",
                "row i of W holds the weights INTO unit i, so a row vector is multiplied by W.T: "
                "h_prev @ W.T."),
        Mistake("no bias", lambda c: c.args[0] @ c.args[2].T + c.args[1] @ c.args[3].T,
                "both products are right, and something of (1.4) is missing.", "add b."),
        Mistake("tanh", lambda c: np.tanh(preactivation(*c.args)),
                "your values all lie in (-1, 1): that is h = tanh(a), eq (1.5), one step too far.",
                "return the pre-activation a itself, without the tanh."),
    ))
check_preactivation = make_checker("check_preactivation", PREACTIVATION)


# ---- eq (1.7) and eq (1.1) ---------------------------------------------------------------------

def _logit_cases(rng=None):
    drawn = rng is not None
    rng = _rng(rng, 12)
    small = rng.standard_normal((5, 7))
    huge = np.array([[1000.0, -1000.0, 999.0, 0.0], [-1000.0, -999.0, -1000.0, -998.0]])
    if drawn:
        huge = huge[:, rng.permutation(4)] + rng.uniform(-5, 5)
    batch = 3.0 * rng.standard_normal((2, 3, 6))
    return [("small logits", small, ""),
            ("logits of ±1000", huge, "exp(1000) overflows: subtract each row's largest logit before "
                                      "the exp (it cancels out) and the largest term becomes exp(0) = 1"),
            ("a (2, 3) batch", batch, "a batch only adds leading axes: normalise over the last axis only")]


SOFTMAX = Exercise(
    title="eq (1.7) softmax",
    idea="Eq (1.7): ŷ_i = exp(o_i) / Σ_j exp(o_j), for each position (each row) separately.",
    change="subtract each row's maximum before the exp (it cancels out), and normalise over the last "
           "axis only (sum with axis=-1, keepdims=True)",
    cases=lambda rng=None: [Case(label, (o,), softmax(o), note=note) for label, o, note in _logit_cases(rng)],
    arg_names=("o",), answers=(softmax, log_softmax),
    mistakes=(
        Mistake("normalised over everything",
                lambda c: np.exp(c.args[0] - c.args[0].max()) / np.exp(c.args[0] - c.args[0].max()).sum(),
                "the whole array sums to 1, but each row (each position) must.",
                "sum over the last axis only: .sum(axis=-1, keepdims=True)."),
    ))
check_softmax = make_checker("check_softmax", SOFTMAX)


def _cross_entropy_cases(rng=None):
    drawn = rng is not None
    rng = _rng(rng, 13)
    cases = []
    for label, o, note in _logit_cases(rng if drawn else None):
        targets = rng.integers(0, o.shape[-1], size=o.shape[:-1])
        cases.append(Case(label, (o, targets), cross_entropy(o, targets), note=note))
    o, y = np.array([[800.0, -800.0, 0.0]]), np.array([1])   # log(softmax) would give log(0) = -inf
    cases.append(Case("a very unlikely target (ŷ = e^-1600)", (o, y), cross_entropy(o, y),
                      note="ŷ of the target is e^-1600, which is 0 in float64, and log 0 = -inf: work with "
                           "log ŷ = (o - max) - log Σ exp(o - max) instead of the log of the softmax"))
    return cases


CROSS_ENTROPY = Exercise(
    title="eq (1.1) cross-entropy",
    idea="Eq (1.1): L^(t) = -log ŷ^(t)[y^(t)], one loss per position, computed from the logits o.",
    change="compute log ŷ = (o - max) - log Σ exp(o - max) (never the log of the softmax), pick each "
           "position's target entry (np.take_along_axis) and negate",
    cases=_cross_entropy_cases, arg_names=("o", "targets"), answers=(cross_entropy, log_softmax),
    mistakes=(
        Mistake("sign", lambda c: -c.expected,
                "every loss has the wrong sign: a loss is positive, log ŷ is negative.",
                "L = -log ŷ[y]: negate."),
        Mistake("log10", lambda c: c.expected / np.log(10),
                "every loss is 1/ln 10 of the right value: that is log base 10.",
                "use the natural log (np.log, or log-sum-exp with np.exp and np.log)."),
    ))
check_cross_entropy = make_checker("check_cross_entropy", CROSS_ENTROPY)


# ---- §2: the size of the cache ----------------------------------------------------------------

def cache_nbytes(cache) -> int:
    """Bytes held by all the arrays a :class:`ForwardCache` holds now (token ids included).

    Its fields, plus ``dtanh`` (1 - h², eq 3.7) once :func:`backward` has computed and kept it.
    """
    return sum(value.nbytes for value in cache_arrays(cache).values())


def measured_cache_bytes(tau: int, batch: int, vocab: int, d_model: int, n_hidden: int) -> int:
    """Run :func:`forward` and :func:`backward` in float64 on (batch, tau) random tokens and
    measure the cache as backward leaves it (with the ``dtanh`` it keeps)."""
    params = init_params(vocab, d_model, n_hidden, seed=0)
    tokens = np.random.default_rng(0).integers(0, vocab, size=(batch, tau))
    cache = forward(params, tokens, tokens, None)
    backward(params, cache)
    return cache_nbytes(cache)


CACHE_CASES = ((1, 1, 5, 3, 4), (8, 1, 65, 24, 200), (16, 4, 10, 6, 7), (5, 3, 7, 2, 9))


def _cache_cases(rng=None):
    sizes = CACHE_CASES if rng is None else \
        [tuple(int(v) for v in rng.integers(1, 12, 5)) for _ in range(2)]
    return [Case(f"τ {s[0]}, B {s[1]}, vocab {s[2]}, d_model {s[3]}, n_hidden {s[4]}", s,
                 measured_cache_bytes(*s), quantities={"B": s[1]},
                 note="" if s[1] == 1 else "a batch of B sequences holds B copies of every array")
            for s in sizes]


CACHE_BYTES = Exercise(
    title="§2 cache size in bytes",
    idea="§2: the backward pass keeps every array the forward pass computed; count their entries "
         "(8 bytes each in float64, token ids included) as a formula in τ, B and the sizes.",
    change="count the entries of inputs, targets, x, a, h (τ + 1 rows: h(0) too), o, ŷ, the per-step "
           "losses and the dtanh = 1 - h² that backward keeps (τ rows), each times B; 8 bytes per entry",
    cases=_cache_cases, arg_names=("tau", "batch", "vocab", "d_model", "n_hidden"), rtol=0.0,
    answers=(measured_cache_bytes, cache_nbytes, cache_arrays),
    mistakes=(
        Mistake("h with τ rows", lambda c: c.expected - 8 * c.args[1] * c.args[4],
                "you counted one row of h too few.",
                "h holds h(0) too: τ + 1 rows of n_hidden entries per sequence."),
        Mistake("no dtanh", lambda c: c.expected - 8 * c.args[1] * c.args[0] * c.args[4],
                "one array of τ rows of n_hidden entries per sequence is missing.",
                "backward keeps dtanh = 1 - h² (τ rows) in the cache: count it."),
        Mistake("no losses", lambda c: c.expected - 8 * c.args[1] * c.args[0],
                "one entry per position is missing.", "the cache keeps the per-step losses L(t) too."),
    ))
check_cache_bytes = make_checker("check_cache_bytes", CACHE_BYTES)

__all__ = ["cache_nbytes", "check_cache_bytes", "check_cross_entropy", "check_preactivation",
           "check_softmax", "measured_cache_bytes"]
