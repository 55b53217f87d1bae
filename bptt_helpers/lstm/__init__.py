"""An LSTM language model beside the paper's RNN (notebook 13), derived by the same method.

Same embedding E and output layer V, c as the RNN; the recurrence is ``torch.nn.LSTM``'s
(gate order i, f, g, o; ``W_ih (4·n_hidden, d_model)``, ``W_hh (4·n_hidden, n_hidden)``, one
combined bias ``b`` = torch's ``bias_ih + bias_hh``), row vectors, (T,) or (B, T) input, the
loss the mean over all positions. The parts shared with the RNN are the RNN's own functions:
``embed``, ``logits``, ``log_softmax``/cross-entropy, ``mean_loss`` (forward), ``dlogits``,
``dV``, ``dc`` and the scatter-add of eq 4.9 (backward), and the RNN's input checks.

- :mod:`.params`: :class:`LSTMParams`, :func:`init_lstm_params`, parameter counts;
- :mod:`.forward`: eqs 13.1-13.4, :class:`LSTMCache`, :func:`lstm_forward`;
- :mod:`.grads_as_written` / :mod:`.grads_fast`: eqs 13.5-13.12 as loops / vectorised;
- :mod:`.backward`: :func:`lstm_backward`, and one step, :func:`step_backward`;
- :mod:`.gradcheck`: finite differences for every parameter and the nodes o, h, c;
- :mod:`.train`: SGD on the hand-derived gradients, sampling-free evaluation.
"""

from . import grads_as_written, grads_fast
from .backward import StepCache, StepGrads, lstm_backward, step_backward, step_cache
from .forward import LSTMCache, check_lstm_params, lstm_forward
from .gradcheck import lstm_analytic_grads, lstm_check_gradients, lstm_numerical_grad
from .params import (
    GATES,
    LSTM_PARAM_NAMES,
    LSTMParams,
    init_lstm_params,
    lstm_param_count,
    matched_rnn_hidden,
    rnn_param_count,
)

__all__ = ["GATES", "LSTM_PARAM_NAMES", "LSTMCache", "LSTMParams", "StepCache", "StepGrads",
           "check_lstm_params", "grads_as_written", "grads_fast", "init_lstm_params",
           "lstm_analytic_grads", "lstm_backward", "lstm_check_gradients", "lstm_forward",
           "lstm_numerical_grad", "lstm_param_count", "matched_rnn_hidden", "rnn_param_count",
           "step_backward", "step_cache"]
