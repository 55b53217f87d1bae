"""Gradient checking by central finite differences (float64), and a comparison table.

``numerical_grad`` nudges one number at a time by ±eps and measures the change
of the loss: (L(θ + eps) - L(θ - eps)) / (2 eps). It works for the six
parameters and for the internal nodes ``"o"`` (the logits) and ``"h"`` (the
hidden states h^(1..τ)), whose nudges flow on through the rest of the forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import grads_fast, margins
from .backward_pass import backward
from .forward_pass import _run, forward
from .params import PARAM_NAMES, Params
from .validate import check_inputs

NODE_NAMES = ("o", "h")
# Two float64 computations of the same sum in different orders differ by rounding alone,
# far below this at the sizes of the series; the digits of that rounding vary by machine.
ROUNDING_TOL = 1e-12


def _check_tol(tol) -> None:
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) or not tol > 0:
        raise ValueError(f"tol must be a positive number such as 1e-6, got {tol!r}")


def _check_eps(eps) -> None:
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating)) or not 0 < eps < 1:
        raise ValueError(f"eps must be a small positive step such as 1e-6, got {eps!r}")


def numerical_grad(params: Params, inputs, targets, h0, wrt: str, eps: float = 1e-6) -> np.ndarray:
    """dL/d(wrt) by central differences, in float64.

    wrt: one of ``E U W b V c`` (shape of that parameter), ``"o"`` (shape of
    ``cache.o``) or ``"h"`` (shape of ``cache.a``: h^(1..τ)).
    """
    if wrt not in PARAM_NAMES + NODE_NAMES:
        raise ValueError(f"wrt must be one of {PARAM_NAMES + NODE_NAMES}, got {wrt!r}")
    _check_eps(eps)
    params = params.astype(np.float64)
    inputs, targets, h0 = check_inputs(params, inputs, targets, h0)
    if wrt in PARAM_NAMES:
        def loss_at(delta):
            nudged = params.copy()
            getattr(nudged, wrt)[...] += delta
            return _run(nudged, inputs, targets, h0).loss
        shape = getattr(params, wrt).shape
    else:
        cache = _run(params, inputs, targets, h0)
        shape = cache.o.shape if wrt == "o" else cache.a.shape
        key = "o_delta" if wrt == "o" else "h_delta"

        def loss_at(delta):
            return _run(params, inputs, targets, h0, **{key: delta}).loss
    return central_difference(loss_at, shape, eps)


def central_difference(loss_at, shape: tuple, eps: float = 1e-6) -> np.ndarray:
    """The gradient of a scalar function of an array of ``shape``, one entry at a time.

    ``loss_at(delta)`` returns the loss with the array moved by ``delta`` (same shape);
    entry i of the result is (loss_at(+eps e_i) - loss_at(-eps e_i)) / (2 eps).
    """
    _check_eps(eps)
    grad = np.zeros(shape)
    delta = np.zeros(shape)
    for index in np.ndindex(shape):
        delta[index] = eps
        plus = loss_at(delta)
        delta[index] = -eps
        minus = loss_at(delta)
        delta[index] = 0.0
        grad[index] = (plus - minus) / (2 * eps)
    return grad


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_tol(tol: float) -> str:
    """A bound as a student writes it: 1e-06 -> '10⁻⁶', 5e-08 -> '5·10⁻⁸', 0.5 -> '0.5', 90 -> '90'."""
    if 1e-3 <= abs(tol) < 1e4:
        return f"{tol:g}"
    mantissa, exponent = f"{tol:.0e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa}·{power}"


def power_of_ten(value: float) -> str:
    """A positive magnitude as a power of ten, ``'10^-22.5'`` (the exponent to one decimal).

    For quantities whose size is the lesson (a vanishing gradient, a ratio of norms): the
    exponent is stable to the digit shown on any machine, like the magnitude it stands for.
    """
    value = float(value)
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"value must be a positive finite number, got {value!r}")
    return f"10^{np.log10(value):.1f}"


def verdict(value: float, tol: float, above: bool = False) -> str:
    """``'< 10⁻⁶ ✓'`` when ``value < tol``, else the value itself: ``'3.2e-01 ✗'``.

    The mark of a check: use it to print an error that should be at rounding level: its
    digits differ from machine to machine (BLAS kernel, threads, numpy version), the verdict
    does not. A value the check rejects is printed, because then its size is the news.
    ``above=True`` checks the other side (``'> 2 ✓'`` when ``value > tol``). The comparison
    goes through :mod:`bptt_helpers.margins`: a value within 1e-9 (relative) of ``tol``
    raises ``FragileComparison`` instead of printing a verdict that rounding decided. For a
    statement that a bound holds (not a check), use :func:`bound`, which prints no mark.
    """
    _check_tol(tol)
    value = float(value)
    if np.isnan(value):
        return f"{value:.1e} ✗"
    if above:
        return f"> {format_tol(tol)} ✓" if margins.above(value, tol) else f"{value:.1e} ✗"
    return f"< {format_tol(tol)} ✓" if margins.below(value, tol) else f"{value:.1e} ✗"


def bound(value: float, limit: float, above: bool = False) -> str:
    """A bound that holds, in words a table can show: ``'< 0.01'``, or ``'> 2'`` with ``above=True``.

    For what a notebook states about a chaotic run or an average over starts, whose digits
    differ between machines but whose side of a bound with a wide margin does not. It is a
    statement, not a checker's verdict, so it carries no ✓: if the bound does not hold it
    raises ``AssertionError`` with the value, and the notebook stops there. The comparison
    goes through :mod:`bptt_helpers.margins` (a value within 1e-9 of ``limit`` raises).
    """
    _check_tol(limit)
    value = float(value)
    holds = margins.above(value, limit) if above else margins.below(value, limit)
    if not holds:
        raise AssertionError(f"the stated bound does not hold: {value:.3g} is not "
                             f"{'above' if above else 'below'} {format_tol(limit)}")
    return f"{'>' if above else '<'} {format_tol(limit)}"


@dataclass
class GradRow:
    name: str
    shape: tuple
    max_abs_err: float
    max_rel_err: float


@dataclass
class GradComparison:
    """Per-tensor errors between two sets of gradients; ``print`` it for a table.

    The relative error of a tensor is max|a - b| / max(max|a|, max|b|): the
    largest difference measured against the tensor's own scale (so entries that
    are nearly zero do not blow it up).

    After :meth:`assert_close` the table shows each tensor's verdict against that
    tolerance (``< 10⁻⁶ ✓``), which is the same on every machine. Before it, the
    table shows the raw digits: finite-difference errors are rounding noise, and their
    digits change with the BLAS kernel and thread count, so notebooks print a
    comparison only after ``assert_close``.
    """

    rows: list[GradRow]
    tol: float | None = None

    @property
    def max_rel_err(self) -> float:
        return max(row.max_rel_err for row in self.rows)

    def table(self, digits: bool | None = None) -> str:
        """The table; ``digits=True`` forces the raw errors even after ``assert_close``."""
        if digits is None:
            digits = self.tol is None
        if digits:
            lines = [f"{'tensor':<8}{'shape':<16}{'max abs err':>13}{'max rel err':>13}"]
            for row in self.rows:
                lines.append(f"{row.name:<8}{str(row.shape):<16}"
                             f"{row.max_abs_err:>13.1e}{row.max_rel_err:>13.1e}")
            return "\n".join(lines)
        lines = [f"{'tensor':<8}{'shape':<16}{'max rel err':>13}"]
        for row in self.rows:
            lines.append(f"{row.name:<8}{str(row.shape):<16}{verdict(row.max_rel_err, self.tol):>13}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def assert_close(self, tol: float = 1e-6) -> GradComparison:
        """Raise ``AssertionError`` naming every tensor whose relative error exceeds ``tol``.

        Returns the comparison with ``tol`` recorded, so that printing it shows verdicts.
        """
        _check_tol(tol)
        bad = [row for row in self.rows
               if np.isnan(row.max_rel_err) or not margins.below(row.max_rel_err, tol)]
        if bad:
            names = ", ".join(f"{row.name} ({row.max_rel_err:.1e})" for row in bad)
            raise AssertionError(f"gradients differ beyond rel tol {tol:.0e}: {names}\n"
                                 f"{self.table(digits=True)}")
        return replace(self, tol=tol)


def _as_mapping(name: str, grads) -> dict[str, np.ndarray]:
    if isinstance(grads, Params) or callable(getattr(grads, "as_dict", None)):  # also LSTMParams
        return grads.as_dict()
    if isinstance(grads, dict):
        return grads
    raise TypeError(f"{name} must be a Params or a dict of name -> gradient array, "
                    f"got {type(grads).__name__}")


def compare_grads(analytic, numeric) -> GradComparison:
    """Compare two gradient sets (:class:`Params`, the LSTM's ``LSTMParams``, or dicts name -> array)."""
    analytic, numeric = _as_mapping("analytic", analytic), _as_mapping("numeric", numeric)
    rows = []
    for name, a in analytic.items():
        if name not in numeric:
            continue
        a, b = np.asarray(a, dtype=np.float64), np.asarray(numeric[name], dtype=np.float64)
        if a.shape != b.shape:
            raise ValueError(f"gradient {name!r}: shapes differ, {a.shape} vs {b.shape}")
        abs_err = float(np.max(np.abs(a - b))) if a.size else 0.0
        scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b)))) if a.size else 0.0
        rel_err = abs_err / scale if scale > 0 else abs_err
        rows.append(GradRow(name, a.shape, abs_err, rel_err))
    if not rows:
        raise ValueError("no tensor name is shared by the two gradient sets")
    return GradComparison(rows)


def analytic_grads(params: Params, inputs, targets, h0) -> dict[str, np.ndarray]:
    """The package's gradients for the six parameters and the nodes o and h."""
    cache = forward(params, inputs, targets, h0)
    do = grads_fast.dlogits(cache)
    grads = backward(params, cache).as_dict()
    grads["o"] = do
    grads["h"] = grads_fast.dhidden(params, cache, do)
    return grads


def check_gradients(params: Params, inputs, targets, h0, eps: float = 1e-6,
                    wrt=PARAM_NAMES + NODE_NAMES) -> GradComparison:
    """Finite differences against :func:`backward` for ``wrt`` (all eight tensors by default).

    Runs in float64 whatever the dtype of ``params``. Cost: two forward passes per
    number checked, so keep the model small.
    """
    _check_eps(eps)
    params64 = params.astype(np.float64)
    analytic = analytic_grads(params64, inputs, targets, h0)
    numeric = {name: numerical_grad(params64, inputs, targets, h0, name, eps) for name in wrt}
    return compare_grads({name: analytic[name] for name in wrt}, numeric)
