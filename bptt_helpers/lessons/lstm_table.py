"""Notebook 13's equations in one table beside their code, as notebook 08 has the RNN's (§4).

Each row: the notebook's number (or the paper's, for the parts the LSTM shares with the RNN),
the formula, the function of :mod:`bptt_helpers.lstm.grads_fast` and of
:mod:`bptt_helpers.lstm.grads_as_written` with the file and line of its ``def``, read from the
source (so the table cannot drift from the code), and whether it is the RNN's own function.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from ..lstm import grads_as_written, grads_fast


@dataclass(frozen=True)
class Row:
    number: str
    formula: str
    function: str


ROWS = (
    Row("4.1", r"(DL)_{o^{(t)}} = \tfrac{1}{\tau}\left(\hat y^{(t)} - \mathbf 1_{y^{(t)}}\right)", "dlogits"),
    Row("13.5", r"(DL)_{h^{(t)}} = (DL)_{o^{(t)}}V + (DL)_{z^{(t+1)}}W_{hh}", "dhidden_cell"),
    Row("13.6", r"(DL)_{c^{(t)}} = (DL)_{h^{(t)}}\odot q^{(t)}\odot\left[1-\tanh^2 c^{(t)}\right]"
                r" + (DL)_{c^{(t+1)}}\odot f^{(t+1)}", "dhidden_cell"),
    Row("13.7", r"(DL)_{i,f,g} = (DL)_{c}\odot (g,\, c^{(t-1)},\, i),\ (DL)_{q} = (DL)_{h}\odot\tanh c",
        "dhidden_cell"),
    Row("13.8", r"(DL)_{z} = \left[(DL)_i\, i(1-i),\ (DL)_f\, f(1-f),"
                r"\ (DL)_g(1-g^2),\ (DL)_q\, q(1-q)\right]", "dhidden_cell"),
    Row("4.4", r"(DL)_c = \sum_t (DL)_{o^{(t)}}", "dc"),
    Row("4.6", r"(DL)_V = \sum_t (DL)_{o^{(t)}}\otimes h^{(t)}", "dV"),
    Row("13.9", r"(DL)_b = \sum_t (DL)_{z^{(t)}}", "db"),
    Row("13.10", r"(DL)_{W_{ih}} = \sum_t (DL)_{z^{(t)}}\otimes x^{(t)}", "dW_ih"),
    Row("13.11", r"(DL)_{W_{hh}} = \sum_{t=1}^{\tau} (DL)_{z^{(t)}}\otimes h^{(t-1)}", "dW_hh"),
    Row("13.12", r"(DL)_E = \sum_t \mathbf e_{i_t}^{\top}\,(DL)_{z^{(t)}}W_{ih}", "dE"),
)


def _where(module, name: str) -> str:
    function = getattr(module, name)
    _, line = inspect.getsourcelines(function)
    path = Path(inspect.getsourcefile(function))
    package = next(parent for parent in path.parents if parent.name == "bptt_helpers")
    return f"{path.relative_to(package).as_posix()}:{line}"


def _shared(module, name: str) -> bool:
    """True when ``module.name`` is the RNN's function (defined outside bptt_helpers.lstm)."""
    return not getattr(module, name).__module__.startswith("bptt_helpers.lstm")


def equation_table(numbers=None) -> str:
    """The LSTM's backward equations as one Markdown table: eq, formula, where each form's code is.

    A function that is the RNN's own (imported from the RNN's modules) says so.

    numbers: the rows to show, e.g. ``("13.5", "13.6")`` (default: all, in the order of ``ROWS``).
    """
    if numbers is not None:
        unknown = set(numbers) - {row.number for row in ROWS}
        if unknown:
            raise ValueError(f"numbers must be among {[row.number for row in ROWS]}, got {sorted(unknown)}")
    lines = ["| eq | formula | vectorised (`lstm_backward` runs it) | as written (loop) |",
             "|---|---|---|---|"]
    for row in ROWS:
        if numbers is not None and row.number not in numbers:
            continue
        shared = "<br>the RNN's own" if _shared(grads_fast, row.function) else ""
        if row.function == "dE":
            shared = "<br>its sum: the RNN's (4.9)"
        fast, loop = _where(grads_fast, row.function), _where(grads_as_written, row.function)
        lines.append(f"| ({row.number}) | ${row.formula}$ | `{row.function}`, {fast}{shared} | "
                     f"{loop} |")
    return "\n".join(lines)
