"""Notebook 08's table of the nine summary equations points at the code that implements them."""

import inspect
from pathlib import Path

from bptt_helpers import grads_as_written, grads_fast
from bptt_helpers.lessons import summary

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_nine_equations_in_order_each_with_its_notebook():
    assert [eq.number for eq in summary.EQUATIONS] == [f"4.{k}" for k in range(1, 10)]
    for eq in summary.EQUATIONS:
        assert (NOTEBOOKS / eq.notebook).exists(), eq.notebook


def test_every_line_is_the_def_of_the_named_function():
    for eq in summary.EQUATIONS:
        for module in (grads_fast, grads_as_written):
            file, line = summary.where(module, eq.function).split(":")
            source = Path(inspect.getsourcefile(module)).read_text(encoding="utf-8").splitlines()
            assert file == Path(module.__file__).name
            assert source[int(line) - 1].startswith(f"def {eq.function}("), (file, line)


def test_table_has_a_row_per_equation():
    table = summary.equation_table().splitlines()
    assert len(table) == 2 + 9
    for eq, row in zip(summary.EQUATIONS, table[2:], strict=True):
        assert row.startswith(f"| ({eq.number}) |") and f"]({eq.notebook})" in row
