"""The one checker policy (CONTRIBUTING.md, bptt_helpers/exercises/policy.py), tested on EVERY checker.

Each rule is fed to every registered exercise through an oracle: a function that returns the
exercise's own right answer for each case (looked up by its arguments), then spoils it in one way.
The solutions stored in the notebooks also pass the hidden (freshly drawn) cases.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers import exercises
from bptt_helpers.exercises import (
    EXERCISES,
    biases,
    capstone,
    embedding,
    forward,
    hidden,
    load_all,
    logits,
    long_range,
    lstm,
    policy,
    training,
    weights,
)
from bptt_helpers.gradcheck import format_tol as renamed_package_function  # "however imported"

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(load_all())


@pytest.fixture(autouse=True)
def _fresh_attempts(monkeypatch):
    monkeypatch.delenv(exercises.GRADING_ENV, raising=False)
    policy.reset_attempts()
    yield
    policy.reset_attempts()


def _checker(name):
    module = next(m for m in (biases, capstone, embedding, forward, hidden, logits, long_range, lstm,
                              training, weights) if hasattr(m, name))
    return getattr(module, name)


def _float_answer(ex) -> bool:
    case = ex.cases(None)[0]
    values = case.expected.values() if ex.outputs else [case.expected]
    return all(np.asarray(v).dtype.kind == "f" for v in values)


def _equal(a, b) -> bool:
    """Same values (the oracle must not call the package's checker code: that would be rule 2)."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.all(a == b))
    if dataclasses.is_dataclass(a):
        return all(_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return a == b


def oracle(ex, spoil=lambda value, case: value, before=None, name="oracle"):
    """A 'student' function that returns the right answer of each case, spoiled by ``spoil``."""
    cases = ex.cases(None)

    def fn(*args):
        for case in cases:
            if len(args) == len(case.args) and all(_equal(a, b)
                                                   for a, b in zip(case.args, args, strict=True)):
                if before is not None:
                    before(args, case)
                value = copy.deepcopy(case.expected)
                if ex.outputs:
                    value = bh.Params(**value) if set(ex.outputs) == set(bh.PARAM_NAMES) else value
                return spoil(value, case)
        raise AssertionError("the oracle was called with arguments of no case")
    fn.__name__ = name
    return fn


def _map(value, f):
    if isinstance(value, bh.Params):
        return bh.Params(**{n: f(v) for n, v in value.items()})
    if isinstance(value, dict):
        return {n: f(v) for n, v in value.items()}
    return f(value)


@pytest.mark.parametrize("name", NAMES)
def test_the_right_answer_passes_with_full_points(name):
    result = _checker(name)(oracle(EXERCISES[name]))
    assert result.passed and result.message.startswith("✓"), result.message
    assert result.score == EXERCISES[name].max_points


@pytest.mark.parametrize("name", NAMES)
def test_rule_1_the_placeholder_is_not_implemented_yet_with_the_idea(name):
    def placeholder(*args):
        raise NotImplementedError("x")
    result = _checker(name)(placeholder)
    assert not result and "not implemented yet" in result.message and EXERCISES[name].idea in result.message
    assert result.score == 0


@pytest.mark.parametrize("name", NAMES)
def test_rule_2_calling_the_package_scores_zero_however_imported(name):
    def cheat(args, case):
        renamed_package_function(1e-6)
    result = _checker(name)(oracle(EXERCISES[name], before=cheat))
    assert not result and "calls the package's own `bptt_helpers.gradcheck.format_tol`" in result.message
    assert result.score == 0 and "what to change" in result.message


def _mutate(args, case):
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.size:
            arg.reshape(-1)[0] += 1
            return
        if dataclasses.is_dataclass(arg):
            for f in dataclasses.fields(arg):
                value = getattr(arg, f.name)
                if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                    value.reshape(-1)[0] += 1
                    return
    raise AssertionError("no argument to change")


def _has_array_argument(name) -> bool:
    return any(isinstance(a, np.ndarray) or dataclasses.is_dataclass(a)
               for a in EXERCISES[name].cases(None)[0].args)


@pytest.mark.parametrize("name", [n for n in NAMES if _has_array_argument(n)])
def test_rule_3_an_input_changed_in_place_is_named(name):
    ex = EXERCISES[name]
    result = _checker(name)(oracle(ex, before=_mutate))
    assert not result and "changed its input `" in result.message, result.message
    changed = re.search(r"input `(\w+)`", result.message).group(1)
    assert changed in ex.arg_names and result.score == 0


@pytest.mark.parametrize("name", NAMES)
def test_rule_4_a_wrong_type_says_what_was_returned(name):
    ex = EXERCISES[name]
    if ex.outputs:
        result = _checker(name)(oracle(ex, spoil=lambda v, c: tuple(dict(v.items() if hasattr(v, "items")
                                                                          else v).values())))
        assert "returned a tuple of" in result.message, result.message
        assert _checker(name)(oracle(ex, spoil=lambda v, c: dict(v.items()) if hasattr(v, "items") else v))
    else:
        result = _checker(name)(oracle(ex, spoil=lambda v, c: "an answer"))
        assert "is a str" in result.message or "returned a str" in result.message, result.message
    assert not result and result.score == 0


@pytest.mark.parametrize("name", [n for n in NAMES if _float_answer(EXERCISES[n])])
def test_rule_6_a_right_float32_answer_is_accepted_and_named(name):
    result = _checker(name)(oracle(EXERCISES[name], spoil=lambda v, c: _map(v, lambda a: np.float32(a)
                                                                             if np.ndim(a) == 0 else
                                                                             np.asarray(a, np.float32))))
    assert result.passed and "float32" in result.message, result.message


@pytest.mark.parametrize("factor", [3.0, 1 / 3])
@pytest.mark.parametrize("name", NAMES)
def test_rule_9_a_uniform_scale_is_named_whichever_way(name, factor):
    result = _checker(name)(oracle(EXERCISES[name], spoil=lambda v, c: _map(v, lambda a: a * factor)))
    assert not result and "times the right value" in result.message, result.message
    assert f"k = {factor:.4g}" in result.message


@pytest.mark.parametrize("name", NAMES)
def test_rule_8_a_case_only_failure_names_the_cases(name):
    ex = EXERCISES[name]
    last = ex.cases(None)[-1]

    def fails_last(args, case):
        if case.label == last.label:
            raise IndexError("too many indices for array")
    result = _checker(name)(oracle(ex, before=fails_last))
    assert not result and result.message.startswith(f"✗ {ex.title}: right on "), result.message
    assert f"IndexError: too many indices for array on {last.label}" in result.message


@pytest.mark.parametrize("name", NAMES)
def test_rule_10_hints_come_in_steps(name):
    wrong = oracle(EXERCISES[name], spoil=lambda v, c: _map(v, lambda a: a * 3.0), name="my_answer")
    first, second = _checker(name)(wrong).message, _checker(name)(wrong).message
    assert "→ what to change" not in first and "run the check again" in first
    assert second.startswith(first.splitlines()[0]) and "→ what to change" in second
    policy.reset_attempts()
    assert "→ what to change" in _checker(name)(wrong, hints="all").message


@pytest.mark.parametrize("name", NAMES)
def test_under_the_autograder_a_graded_check_prints_everything_and_returns_its_points(name, monkeypatch,
                                                                                       capsys):
    monkeypatch.setenv(exercises.GRADING_ENV, "1")
    ex, check = EXERCISES[name], _checker(name)
    assert check(oracle(ex), graded=True) == ex.max_points
    assert capsys.readouterr().out.startswith("✓")
    assert check(oracle(ex, spoil=lambda v, c: _map(v, lambda a: a * 3.0)), graded=True) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("✗") and "→ what to change" in printed
    assert not isinstance(check(oracle(ex)), float)   # not graded: the result itself


def test_partial_credit_one_point_per_right_gradient(monkeypatch):
    monkeypatch.setenv(exercises.GRADING_ENV, "1")
    ex = EXERCISES["check_backward"]

    def five_of_six(value, case):
        value.W = value.W * 1.1
        return value
    assert capstone.check_backward(oracle(ex, spoil=five_of_six), graded=True) == 5.0


@pytest.mark.parametrize("name", NAMES)
def test_hidden_cases_are_new_reproducible_and_well_formed(name):
    ex = EXERCISES[name]
    visible = ex.cases(None)
    drawn = ex.cases(np.random.default_rng(5))
    again = ex.cases(np.random.default_rng(5))
    assert drawn and len(drawn) == len(again)
    for a, b in zip(drawn, again, strict=True):
        assert a.label == b.label and all(_equal(x, y) for x, y in zip(a.args, b.args, strict=True))
    assert not all(len(d.args) == len(v.args) and all(
        isinstance(x, np.ndarray) and _equal(x, y) for x, y in zip(d.args, v.args, strict=True))
        for d, v in zip(drawn, visible, strict=False))


def _solutions():
    """(checker name, grade id, the stored solution's source) for every exercise of the notebooks."""
    out = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for answer, check_cell in zip(cells, cells[1:], strict=False):
            meta = answer["metadata"].get("nbgrader", {})
            source = "".join(check_cell["source"])
            called = re.search(r"(check_\w+)\(\w+, graded=True\)", source)
            if meta.get("solution") and called and called.group(1) in EXERCISES:
                out.append((called.group(1), meta["grade_id"], "".join(answer["source"])))
    return out


@pytest.mark.parametrize("name, grade_id, source", _solutions(), ids=[g for _, g, _ in _solutions()])
def test_the_stored_solutions_pass_the_hidden_cases(name, grade_id, source):
    namespace = {"np": np, "bh": bh, "grads_fast": bh.grads_fast}
    exec(source, namespace)
    function = next(v for k, v in namespace.items() if k.startswith("my_") and callable(v))
    result = _checker(name)(function, hidden=2)
    assert result.passed and "hidden tests" in result.message, result.message


def test_every_checker_of_the_notebooks_is_registered_with_the_policy():
    called = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade"):
                called |= set(re.findall(r"(check_\w+)\(\w+, graded=True", "".join(cell["source"])))
    # the ReLU prediction is a set of nine yes/no answers: rules 1, 4, 10, 11 in its own code
    assert called - {"check_relu_prediction"} == set(NAMES)
