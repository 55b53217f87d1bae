"""bptt_helpers: the equations of "BPTT Derivations" as a small, verified numpy package.

The model and its verification sit at the top level:
forward pass (§1, eqs 1.1-1.7) in :mod:`bptt_helpers.forward_pass`; backward pass (§4, eqs
4.1-4.9) in :mod:`bptt_helpers.grads_as_written` (loops that read like the paper) and
:mod:`bptt_helpers.grads_fast` (vectorised; used by :func:`backward`); finite differences in
:mod:`bptt_helpers.gradcheck`; comparisons and counts that rounding cannot decide in
:mod:`bptt_helpers.margins`; data and training in :mod:`bptt_helpers.data` and
:mod:`bptt_helpers.train`.

Chapter aids live in ``bptt_helpers.lessons``, figures in ``bptt_helpers.plots``, widgets in
``bptt_helpers.widgets``, exercise checkers in ``bptt_helpers.exercises``; all of them import
the model, the model imports none of them. Plots and widgets are imported only when asked
for, so ``import bptt_helpers`` needs numpy alone. The tools that build the course (slides,
HTML, the student edition) are not part of the package: they live in ``tools/``.
"""

from . import grads_as_written, grads_fast, margins
from .backward_pass import backward
from .data import CharVocab, load_text, random_batch, train_val_split, windows
from .forward_pass import ForwardCache, forward
from .gradcheck import (
    GradComparison,
    bound,
    check_gradients,
    compare_grads,
    numerical_grad,
    power_of_ten,
    verdict,
)
from .params import PARAM_NAMES, Params, init_params
from .train import clip_grad_norm, clip_grad_value, evaluate, grad_norm, sample, sgd_step, train

__all__ = [
    "PARAM_NAMES", "CharVocab", "ForwardCache", "GradComparison", "Params", "backward", "bound",
    "check_gradients", "clip_grad_norm", "clip_grad_value", "compare_grads", "evaluate",
    "forward", "grad_norm", "grads_as_written", "grads_fast", "init_params", "load_text",
    "margins", "numerical_grad", "power_of_ten", "random_batch", "sample", "sgd_step", "train",
    "train_val_split", "verdict", "windows",
]
__version__ = "0.1.0"
