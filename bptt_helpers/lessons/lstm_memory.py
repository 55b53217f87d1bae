"""Notebook 13's measurements: how far back a gradient reaches in the tanh RNN and in the LSTM.

- :func:`input_grads`: (DL')_x(s) for every input step s, for a loss L' that looks at chosen
  steps only (the last step, or one step t), for either model, by the package's own backward
  functions (the RNN's eqs 4.2-4.3 and the row eq 4.9 scatters, the LSTM's eqs 13.5-13.12);
- :func:`first_token_table`: ‖(DL^(τ))_x(1)‖ against τ for the RNN and the LSTM at a matched
  parameter count, over several seeds (the claim of §"why the gradient survives");
- :func:`cell_jacobian`: ∂c(t)/∂c(t-1) by central differences, to set beside diag f(t);
- :func:`memory_row`: ‖∂L(t)/∂x(s)‖ for s = 1..t along a text, the numbers of the heatmap.

Nothing here re-implements an equation; everything calls the package.
"""

from __future__ import annotations

import numpy as np

from .. import grads_fast as rnn_grads
from .. import margins
from ..forward_pass import ForwardCache
from ..lstm import grads_fast as lstm_grads
from ..lstm.forward import LSTMCache, cell_state, split
from ..lstm.params import LSTMParams, init_lstm_params, matched_rnn_hidden
from ..lstm.train import model_of
from ..params import init_params
from .long_range import input_grad
from .tasks import remember_first


def loss_gradient_at(cache, steps) -> np.ndarray:
    """(DL')_o for L' = Σ_(t in steps) L(t) of every sequence (no 1/τ): ŷ(t) - onehot(y(t)) at
    those steps, zero elsewhere. ``steps`` holds 1-based t; shape like ``cache.o``."""
    do = np.zeros_like(cache.o)
    for t in steps:
        if not 1 <= t <= cache.T:
            raise ValueError(f"steps must lie in [1, {cache.T}], got {t}")
        rows = cache.y_hat[..., t - 1, :].copy()
        np.put_along_axis(rows, cache.targets[..., t - 1, None],
                          np.take_along_axis(rows, cache.targets[..., t - 1, None], axis=-1) - 1, axis=-1)
        do[..., t - 1, :] = rows
    return do


def input_grads(params, cache, do: np.ndarray) -> np.ndarray:
    """(DL')_x(s) for every step s, given (DL')_o: like ``cache.x``.

    RNN: [(DL)_h ⊙ (1 - h²)] U after eqs 4.2-4.3 (:func:`lessons.long_range.input_grad`);
    LSTM: (DL)_z W_ih after eqs 13.5-13.8 (:func:`bptt_helpers.lstm.grads_fast.dinput`).
    """
    if isinstance(params, LSTMParams) and isinstance(cache, LSTMCache):
        return lstm_grads.dinput(params, lstm_grads.dhidden_cell(params, cache, do).dz)
    if isinstance(cache, ForwardCache) and not isinstance(params, LSTMParams):
        return input_grad(params, cache, rnn_grads.dhidden(params, cache, do))
    raise TypeError("params and cache must belong to the same model (Params with a ForwardCache, "
                    "or LSTMParams with an LSTMCache)")


def last_step_input_norms(params, inputs, targets) -> np.ndarray:
    """‖(DL^(τ))_x(s)‖ per sequence and step s, L^(τ) the last step's loss: (B, T) for (B, T) inputs."""
    model = model_of(params)
    cache = model.forward(params, inputs, targets)
    return np.linalg.norm(input_grads(params, cache, loss_gradient_at(cache, [cache.T])), axis=-1)


MODELS = ("tanh RNN", "LSTM, forget bias 0", "LSTM, forget bias 2")


def task_models(seed: int, vocab_size: int, d_model: int = 16, n_hidden: int = 32) -> dict:
    """The three starts compared in notebook 13, from one seed: the RNN with the parameter count
    of the LSTM (:func:`matched_rnn_hidden`), the LSTM as PyTorch initialises it, and the same LSTM
    with 2 added to its forget gate's bias (f(t) starts near σ(2) = 0.88)."""
    return {MODELS[0]: init_params(vocab_size, d_model, matched_rnn_hidden(vocab_size, d_model, n_hidden),
                                   seed=seed),
            MODELS[1]: init_lstm_params(vocab_size, d_model, n_hidden, seed=seed),
            MODELS[2]: init_lstm_params(vocab_size, d_model, n_hidden, seed=seed, forget_bias=2.0)}


def first_token_table(taus=(5, 10, 20, 40, 80), seeds=(0, 1, 2, 3, 4), n_sequences: int = 16,
                      d_model: int = 16, n_hidden: int = 32) -> dict[str, np.ndarray]:
    """log10 ‖(DL^(τ))_x(1)‖ (geometric mean over ``n_sequences`` remember-first sequences) for
    each model of :func:`task_models`, each τ and each seed: {model: (len(taus), len(seeds))}."""
    out = {name: np.zeros((len(taus), len(seeds))) for name in MODELS}
    for a, tau in enumerate(taus):
        task = remember_first(n_sequences, tau, n_symbols=4, seed=100 + tau)
        for b, seed in enumerate(seeds):
            for name, params in task_models(seed, task.vocab_size, d_model, n_hidden).items():
                norms = last_step_input_norms(params, task.inputs, task.targets)
                out[name][a, b] = float(np.mean(np.log10(norms[:, 0])))
    return out


def cell_jacobian(cache: LSTMCache, t: int, eps: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """(numerical ∂c(t)/∂c(t-1), diag f(t)) for one sequence, h(t-1) and x(t) held fixed.

    The numerical Jacobian nudges each entry of c(t-1) by ±eps in eq 13.3 (the gates of step t,
    made from h(t-1) and x(t), stay as they are): (n, n), column j the change from c_j(t-1).
    """
    if cache.batched:
        raise ValueError("cache must be of one sequence (inputs of shape (T,))")
    if not 1 <= t <= cache.T:
        raise ValueError(f"t must lie in [1, {cache.T}], got {t}")
    i, f, g, _ = split(cache.acts[t - 1])
    n = f.shape[-1]
    cols = [(cell_state(f, cache.c[t - 1] + eps * e, i, g) - cell_state(f, cache.c[t - 1] - eps * e, i, g))
            / (2 * eps) for e in np.eye(n)]
    return np.stack(cols, axis=1), np.diag(f)


def memory_row(params, ids, t: int) -> np.ndarray:
    """‖∂L(t)/∂x(s)‖ for s = 1..t: how strongly the prediction at step t depends on each input.

    ids: int (T,) the text's token ids, read as inputs ids[:-1] and targets ids[1:] from zero
    states; step t predicts ids[t] from ids[0..t-1]. Returns (t,); entry s - 1 belongs to the
    input character ids[s - 1]. L(t) is the cross-entropy of step t alone.
    """
    ids = np.asarray(ids)
    if not 1 <= t < len(ids):
        raise ValueError(f"t must lie in [1, {len(ids) - 1}], got {t}")
    model = model_of(params)
    cache = model.forward(params, ids[:t], ids[1:t + 1])
    return np.linalg.norm(input_grads(params, cache, loss_gradient_at(cache, [t])), axis=-1)


def reach(norms, fraction: float = 0.01, margin: float = 0.01) -> int:
    """How many characters back the gradient stays above ``fraction`` of its largest value: the
    number of trailing entries of ``norms`` (up to the last one below) that are above fraction·max.

    Decided by :mod:`bptt_helpers.margins` with a relative ``margin`` (1 % by default): a value that
    close to fraction·max raises ``FragileComparison`` instead of giving a count another machine
    could round the other way.
    """
    norms = np.asarray(norms, dtype=np.float64)
    ok = margins.above(norms / norms.max(), fraction, rtol=margin)
    below = np.flatnonzero(~ok)
    return int(len(norms) - (below[-1] + 1 if below.size else 0))


def task_results(models: dict, n_test: int = 512, test_seed: int = 7, tau: int = 20) -> dict:
    """Answer accuracy (%) and answer loss of trained remember-first models on fresh sequences.

    models: {label: [params of each start]}; the test set is :func:`remember_first` with
    ``test_seed`` (the training and monitoring sets used seeds 0 and 1). Returns
    {label: {"accuracy": [...], "loss": [...]}} in the order of the starts.
    """
    from .tasks import answer_accuracy, answer_loss

    test = remember_first(n_test, tau, n_symbols=4, seed=test_seed)
    out = {}
    for label, starts in models.items():
        acc, loss = [], []
        for params in starts:
            y_hat = model_of(params).forward(params, test.inputs, test.targets).y_hat
            acc.append(100 * answer_accuracy(y_hat, test))
            loss.append(answer_loss(y_hat, test))
        out[label] = {"accuracy": acc, "loss": loss}
    return out
