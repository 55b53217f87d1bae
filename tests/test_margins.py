"""No printed comparison or count is decided by a value within 1e-9 (relative) of its threshold.

Two guards (README, "What the stored outputs promise"):

1. At run time, ``bptt_helpers.margins`` decides ``>``, ``<``, counts and argmax with a margin
   and raises ``FragileComparison`` when a value sits within 1e-9 (relative) of its threshold;
   ``bh.verdict``, ``bh.bound`` and ``assert_close`` go through it. So a notebook whose stored
   count rounding could flip stops, on the machine that stores it, instead of printing.
2. Statically, :func:`bare_decisions` lists every comparison (``<``, ``>``, ``<=``, ``>=``) and
   every argmax/argsort/isclose/allclose in the notebooks' code cells and in the package modules
   that write what the notebooks print, unless an ``assert`` holds it (which stops the notebook
   loudly where it flips: it never prints another result), it is an ``if ...: raise`` input
   check, or it compares plain integers (``len(...)``, ``.size``, integer literals). Each one
   left must go through ``margins`` or be listed in ALLOWED with the reason it cannot be
   decided by rounding.
   A new bare comparison fails the test until it does either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers import margins
from bptt_helpers.lessons import long_range as lr

ROOT = Path(__file__).resolve().parents[1]
ORDERING = (ast.Lt, ast.Gt, ast.LtE, ast.GtE)
DECIDING_CALLS = {"argmax", "argmin", "nanargmax", "nanargmin", "argsort", "isclose", "allclose",
                  "searchsorted"}

# The package modules whose text the notebooks print (captions, tables, reports). Not scanned:
# widgets/ and plots/svg*.py (widget cells are nbval-ignore-output: their readouts are not
# stored for comparison), exercises/ (checkers judge the student's function; their stored ✓
# come from solutions at rounding level against tolerances of 1e-6 and wider), margins.py (the
# guard itself), and the model's numerics (forward, backward: loops over integer steps).
PACKAGE_SCANNED = ("bptt_helpers/gradcheck.py", "bptt_helpers/train.py", "bptt_helpers/lessons",
                   "bptt_helpers/plots")
PACKAGE_SKIPPED = ("bptt_helpers/plots/svg",)

# (where, expression) -> why no rounding can decide it. `where` is "NN_slug.ipynb#cell-id" for a
# notebook cell, the path for a package module.
ALLOWED = {
    ("10_clipping_truncated_bptt.ipynb#f0040b2f", "end.dtanh < 1e-06"):
        "a chaotic run's statistic: printed only as a median over six starts against a bound with "
        "a wide margin (bh.bound); one unit more or less moves it by 1/32768",
    ("bptt_helpers/gradcheck.py", "0.001 <= abs(tol) < 10000.0"):
        "chooses how to write a tolerance the code states, a constant",
    ("bptt_helpers/gradcheck.py", "scale > 0"):
        "guards a division: an all-zero gradient has scale exactly 0",
    ("bptt_helpers/lessons/truncated.py", "denom > 0"):
        "guards a division: an all-zero reference has norm exactly 0",
    ("bptt_helpers/lessons/long_range.py", "high - low > tol"):
        "bisection stop: high - low halves exactly in binary floating point, the same everywhere",
    ("bptt_helpers/lessons/tasks.py", "token < self.n_symbols"): "integer token ids",
    ("bptt_helpers/lessons/tasks.py", "token < 26"): "integer token ids",
    ("bptt_helpers/lessons/tasks.py", "np.argmax(y_hat[:, -1], axis=-1)"):
        "the accuracy of a training run: notebook 10 prints it as a bound (bh.bound), and exactly "
        "only beside `assert acc == 1.0`, which stops the notebook where a tie flips",
    ("bptt_helpers/train.py", "norm <= max_norm"):
        "continuous: at norm == max_norm both branches give the same gradient",
    ("bptt_helpers/plots/canvas.py", "image.getextrema()[3][0] < 255"):
        "integer pixel values: a stored figure keeps every colour when any pixel is transparent",
    ("bptt_helpers/plots/graph.py", "tau <= MAX_FULL_COLUMNS"): "integer step counts (layout)",
    ("bptt_helpers/plots/graph.py", "1 <= t <= tau"): "integer steps (layout)",
    ("bptt_helpers/plots/graph.py", "t - previous > 1"): "integer steps (layout)",
    ("bptt_helpers/plots/graph.py", "tau > 1"): "integer step count (layout)",
    ("bptt_helpers/plots/graph.py", "len(steps) < tau"): "integer step counts",
    ("bptt_helpers/plots/graph.py", "previous_x < g < x"): "positions of columns on the drawing",
    ("bptt_helpers/plots/hidden.py", "norms > 0"): "masks exact zeros off a log axis (drawing only)",
    ("bptt_helpers/plots/hidden.py", "last[-1] > 0"): "guards a log of an exact zero",
    ("bptt_helpers/plots/hidden.py", "last[0] > 0"): "guards a log of an exact zero",
    ("bptt_helpers/plots/softmax.py", "n <= 12"): "integer vocabulary size (layout)",
    ("bptt_helpers/plots/softmax.py", "abs(value) > 0.6 * vmax"):
        "picks the colour of a number drawn on a heatmap cell (the picture, not the text)",
    ("bptt_helpers/plots/sums.py", "abs(jac[r, j]) > 0.55 * vmax"):
        "picks the colour of a number drawn on a heatmap cell (the picture, not the text)",
}


# ---------------------------------------------------------------- the run-time helper

def test_decides_like_the_operators_away_from_the_threshold():
    values = np.array([0.2, 0.5, 1.7, 3.0])
    assert margins.count_above(values, 1.0) == 2 and margins.count_below(values, 1.0) == 2
    assert margins.above(1.7, 1.0) is True and margins.below(1.7, 1.0) is False
    assert np.array_equal(margins.above(values, 1.0), values > 1.0)
    assert margins.argmax([0.1, 0.7, 0.2]) == 1
    assert np.array_equal(margins.argmax([[0.1, 0.7], [0.9, 0.2]], axis=1), [1, 0])


@pytest.mark.parametrize("value", [1 - 1e-10, 1.0, 1 + 5e-10, 0.99999999999999623])
def test_a_value_within_the_margin_raises(value):
    with pytest.raises(margins.FragileComparison, match="threshold"):
        margins.above(value, 1.0)
    with pytest.raises(margins.FragileComparison):
        margins.count_below([0.5, value], 1.0)


def test_the_margin_is_relative_and_just_outside_it_decides():
    assert margins.above(1e-6 * (1 + 2e-9), 1e-6) is True        # relative to the threshold
    with pytest.raises(margins.FragileComparison):
        margins.above(1e-6 * (1 + 5e-10), 1e-6)
    assert margins.below(1e-6 * (1 + 5e-10), 1e-6, rtol=1e-12) is False


def test_zero_threshold_needs_an_absolute_margin_and_nan_is_refused():
    with pytest.raises(ValueError, match="atol"):
        margins.above(0.3, 0.0)
    assert margins.count_below([-0.1, 0.2], 0.0, atol=1e-12) == 1
    with pytest.raises(margins.FragileComparison):
        margins.below(1e-13, 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="NaN"):
        margins.count_above([np.nan], 1.0)


def test_argmax_refuses_a_near_tie():
    with pytest.raises(margins.FragileComparison, match="tie"):
        margins.argmax([0.3, 0.5, 0.5 * (1 + 1e-12)])
    with pytest.raises(margins.FragileComparison):
        margins.argmax([[0.1, 0.9], [0.4, 0.4]], axis=1)


def test_verdict_assert_close_and_bound_go_through_it():
    with pytest.raises(margins.FragileComparison):
        bh.verdict(1e-6 * (1 - 1e-12), 1e-6)
    assert bh.verdict(3e-10, 1e-6) == "< 10⁻⁶ ✓" and bh.verdict(0.3, 1e-6) == "3.0e-01 ✗"
    comparison = bh.compare_grads({"c": np.array([1.0 + 1e-6])}, {"c": np.array([1.0])})
    with pytest.raises(margins.FragileComparison):
        comparison.assert_close(comparison.max_rel_err * (1 + 1e-12))
    assert bh.bound(2.7, 2, above=True) == "> 2" and bh.bound(0.004, 0.01) == "< 0.01"
    with pytest.raises(AssertionError, match="does not hold"):
        bh.bound(1.7, 2, above=True)
    with pytest.raises(margins.FragileComparison):
        bh.bound(2 * (1 + 1e-12), 2, above=True)


def test_the_old_09_count_raises_and_the_new_one_does_not():
    """09's eigenvalue count as it was: |λ|max of scale_to_radius(W, 1) is 1 - 4e-15 here."""
    W = lr.random_model(1.0, n_hidden=32, seed=0).W
    moduli = np.abs(np.linalg.eigvals(lr.scale_to_radius(W, 1.0)))
    assert 0 < abs(moduli.max() - 1) < 1e-12                     # the fragile value is there
    with pytest.raises(margins.FragileComparison):
        margins.count_above(moduli, 1.0)                          # the old `np.sum(|λ| > 1)`
    assert lr.unit_circle_counts(moduli) == {"inside": 31, "on": 1, "outside": 0}
    assert lr.unit_circle_text(np.linalg.eigvals(lr.scale_to_radius(W, 2.0))) == \
        "20 of 32 eigenvalues outside the unit circle"


# ---------------------------------------------------------------- the static scan

def _integer_like(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return True
    if isinstance(node, ast.Attribute) and node.attr in ("size", "ndim"):
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
        and node.value.attr == "shape"


def bare_decisions(source: str) -> list[str]:
    """The comparisons and argmax-like calls in ``source`` that could print a rounding's decision.

    Exempt: what sits in an ``assert``; the test of an ``if`` whose body starts with ``raise``;
    and what an ``assert`` of the same source pins, the same expression or a name assigned from
    it (``same = np.allclose(a, b)`` ... ``assert same``): a flip there stops the notebook
    loudly, it never prints another result.
    """
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    asserted_text = {ast.unparse(sub) for node in asserts for sub in ast.walk(node.test)}
    asserted_names = {sub.id for node in asserts for sub in ast.walk(node.test)
                      if isinstance(sub, ast.Name)}

    def exempt(node) -> bool:
        if ast.unparse(node) in asserted_text:
            return True
        child, parent = node, parents.get(node)
        while parent is not None:
            if isinstance(parent, ast.Assert):
                return True
            if isinstance(parent, ast.If) and child is parent.test and parent.body \
                    and isinstance(parent.body[0], ast.Raise):
                return True
            if isinstance(parent, ast.Assign) and child is parent.value and any(
                    isinstance(target, ast.Name) and target.id in asserted_names
                    for target in parent.targets):
                return True
            child, parent = parent, parents.get(parent)
        return False

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, ORDERING) for op in node.ops):
            if all(_integer_like(side) for side in [node.left, *node.comparators]):
                continue
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in DECIDING_CALLS or "margins" in ast.unparse(func):
                continue
        else:
            continue
        if not exempt(node):
            found.append(ast.unparse(node))
    return found


def _code(cell) -> str:
    return "\n".join(line for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


def _notebook_decisions():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "BEGIN SOLUTION" in cell.source:
                continue                                   # a student's answer prints nothing
            for expr in bare_decisions(_code(cell)):
                yield f"{path.name}#{cell.get('id')}", expr


def _package_decisions():
    files = []
    for entry in PACKAGE_SCANNED:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for path in files:
        where = path.relative_to(ROOT).as_posix()
        if not where.startswith(PACKAGE_SKIPPED):
            for expr in bare_decisions(path.read_text(encoding="utf-8")):
                yield where, expr


def test_the_scan_flags_the_old_09_cell():
    old = ('W = lr.random_model(1.0, n_hidden=32, seed=0).W\n'
           'for r in (0.5, 1.0, 2.0):\n'
           '    eig = np.linalg.eigvals(lr.scale_to_radius(W, r))\n'
           '    print(f"ρ(W) = {r:<4g}: {np.sum(np.abs(eig) > 1):2d} of 32 eigenvalues outside")\n')
    assert bare_decisions(old) == ["np.abs(eig) > 1"]
    assert bare_decisions(old.replace("np.sum(np.abs(eig) > 1)",
                                      "bh.margins.count_above(np.abs(eig), 1)")) == []


def test_the_scan_sees_argmax_and_isclose_but_not_asserts_checks_or_integers():
    source = ("k = np.argmax(p)\nsame = np.isclose(a, b)\nassert err < 1e-6\n"
              "if x < 0:\n    raise ValueError(x)\nn = len(a) < b.size\nm = margins.argmax(p)\n")
    assert bare_decisions(source) == ["np.argmax(p)", "np.isclose(a, b)"]
    pinned = ("same = np.allclose(a, b)\nprint(same, x > 1, np.allclose(c, d))\n"
              "assert same and np.allclose(c, d)\n")
    assert bare_decisions(pinned) == ["x > 1"]     # printed, and no assert pins it


def test_no_printed_comparison_in_the_notebooks_bypasses_the_margins():
    bare = [(where, expr) for where, expr in _notebook_decisions() if (where, expr) not in ALLOWED]
    assert not bare, ("decide these through bptt_helpers.margins (or list them in ALLOWED with "
                      f"the reason rounding cannot decide them): {bare}")


def test_no_printed_comparison_in_the_package_bypasses_the_margins():
    bare = [(where, expr) for where, expr in _package_decisions() if (where, expr) not in ALLOWED]
    assert not bare, ("decide these through bptt_helpers.margins (or list them in ALLOWED with "
                      f"the reason rounding cannot decide them): {bare}")


def test_every_allowed_entry_is_still_there():
    present = set(_notebook_decisions()) | set(_package_decisions())
    stale = [key for key in ALLOWED if key not in present]
    assert not stale, f"remove these from ALLOWED, the code no longer has them: {stale}"


def test_caption_words_for_a_change_of_size_decide_with_a_margin():
    from bptt_helpers.plots.describe import change_words

    assert change_words(1.0) == "keeps its size"
    assert change_words(0.01) == "shrinks by a factor of 10^2.0"
    assert change_words(10 ** 0.3) == "grows by a factor of 10^0.3"
    assert change_words(1 + 5e-10) == "keeps its size"          # equal up to rounding
    assert change_words(1 + 1e-6) == "grows by a factor of 10^0.0"
