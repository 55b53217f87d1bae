"""bptt_helpers: the equations of "BPTT Derivations" as a small, verified numpy package.

Forward pass (§1, eqs 1.1-1.7): :mod:`bptt_helpers.forward_pass`.
Backward pass (§4, eqs 4.1-4.9): :mod:`bptt_helpers.grads_as_written` (loops that
read like the paper) and :mod:`bptt_helpers.grads_fast` (vectorised; used by
:func:`backward`). Plots and widgets live in ``bptt_helpers.plots`` and
``bptt_helpers.widgets`` and are imported only when asked for, so
``import bptt_helpers`` needs numpy alone.
"""

from . import grads_as_written, grads_fast
from .backward_pass import backward
from .data import CharVocab, load_text, random_batch, train_val_split, windows
from .forward_pass import ForwardCache, forward
from .gradcheck import GradComparison, check_gradients, compare_grads, numerical_grad, verdict
from .params import PARAM_NAMES, Params, init_params
from .train import clip_grad_norm, clip_grad_value, evaluate, grad_norm, sample, sgd_step, train

__all__ = [
    "PARAM_NAMES", "CharVocab", "ForwardCache", "GradComparison", "Params", "backward",
    "check_gradients", "clip_grad_norm", "clip_grad_value", "compare_grads", "evaluate",
    "forward", "grad_norm", "grads_as_written", "grads_fast", "init_params", "load_text",
    "numerical_grad", "random_batch", "sample", "sgd_step", "train", "train_val_split",
    "verdict", "windows",
]
__version__ = "0.1.0"
