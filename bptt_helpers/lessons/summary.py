"""§4 in one table: each of the nine summary equations, its formula and its code (notebook 08).

The table names the function of :mod:`bptt_helpers.grads_fast` (what :func:`backward`
runs) and of :mod:`bptt_helpers.grads_as_written` (the loop that reads like the paper)
with the line where each starts, read from the source, so the table cannot drift from
the code; and the notebook of the series that derives the equation.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from .. import grads_as_written, grads_fast


@dataclass(frozen=True)
class SummaryEquation:
    number: str        # "4.1" ... "4.9"
    formula: str       # LaTeX, as the paper prints it
    function: str      # the name in grads_fast and grads_as_written
    notebook: str      # where the series derives it
    section: str       # the paper's section


_OUTER = r"\left[(DL)_{h^{(%s)}}\odot\left(1-(h^{(%s)})^2\right)\right]"   # dh ⊙ (1 - h²) at a step

EQUATIONS = (
    SummaryEquation(
        "4.1", r"(DL)_{o_i^{(t)}} = \frac{1}{\tau}\left(\hat y_i^{(t)} - \mathbf 1_{\{i=y^{(t)}\}}\right)",
        "dlogits", "03_logits.ipynb", "§3.1"),
    SummaryEquation(
        "4.2", r"(DL)_{h^{(\tau)}} = (DL)_{o^{(\tau)}}\,V",
        "dhidden", "04_hidden_states.ipynb", "§3.2"),
    SummaryEquation(
        "4.3", r"(DL)_{h^{(t)}} = (DL)_{h^{(t+1)}}\left(\left[1-(h^{(t+1)})^2\right]\odot W\right)"
               r" + (DL)_{o^{(t)}}V",
        "dhidden", "04_hidden_states.ipynb", "§3.2"),
    SummaryEquation(
        "4.4", r"(DL)_c = \sum_t (DL)_{o^{(t)}}",
        "dc", "05_bias_vectors.ipynb", "§3.3"),
    SummaryEquation(
        "4.5", r"(DL)_b = \sum_t (DL)_{h^{(t)}}\operatorname{diag}\left[1-(h^{(t)})^2\right]",
        "db", "05_bias_vectors.ipynb", "§3.4"),
    SummaryEquation(
        "4.6", r"(DL)_V = \sum_t (DL)_{o^{(t)}}\otimes h^{(t)}",
        "dV", "06_weight_matrices.ipynb", "§3.5"),
    SummaryEquation(
        "4.7", r"(DL)_W = \sum_{t=0}^{\tau-1}" + _OUTER % ("t+1", "t+1") + r"\otimes h^{(t)}",
        "dW", "06_weight_matrices.ipynb", "§3.6"),
    SummaryEquation(
        "4.8", r"(DL)_U = \sum_t " + _OUTER % ("t", "t") + r"\otimes x^{(t)}",
        "dU", "06_weight_matrices.ipynb", "§3.7"),
    SummaryEquation(
        "4.9", r"(DL)_E = \sum_t \mathbf e_{i_t}^{\top}\left(" + _OUTER % ("t", "t") + r"U\right)",
        "dE", "07_embedding_table.ipynb", "§3.8"),
)


def where(module, name: str) -> str:
    """``file.py:line`` of the function ``name`` of ``module``, the line of its ``def``."""
    function = getattr(module, name)
    _, line = inspect.getsourcelines(function)
    return f"{Path(inspect.getsourcefile(function)).name}:{line}"


def equation_table() -> str:
    """The nine equations as one Markdown table: number, formula, code (file:line), derived in."""
    rows = ["| eq | formula | `bptt_helpers.grads_fast` (used by `backward`) | "
            "`bptt_helpers.grads_as_written` (loop) | derived in |",
            "|---|---|---|---|---|"]
    for eq in EQUATIONS:
        title = eq.notebook.removesuffix(".ipynb").replace("_", " ")
        rows.append(f"| ({eq.number}) | ${eq.formula}$ | `{eq.function}`, {where(grads_fast, eq.function)} | "
                    f"`{eq.function}`, {where(grads_as_written, eq.function)} | "
                    f"{eq.section}, [{title}]({eq.notebook}) |")
    return "\n".join(rows)
