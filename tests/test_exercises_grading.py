"""The checkers' grading switch (nbgrader autograde): graded=True returns points only under BPTT_GRADING."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from bptt_helpers import exercises
from bptt_helpers.exercises.biases import check_db, check_dc
from bptt_helpers.exercises.logits import check_dlogits


def right_dc(do):
    return do.sum(axis=0)


def wrong_dc(do):
    return do.mean(axis=0)


def placeholder(*args):
    raise NotImplementedError("add up the rows")


def test_without_the_grading_environment_a_graded_check_returns_its_result(monkeypatch):
    monkeypatch.delenv(exercises.GRADING_ENV, raising=False)
    for fn in (wrong_dc, placeholder):
        result = check_dc(fn, graded=True)
        assert not result and result.message.startswith("✗") and result.score == 0
    assert check_dc(right_dc, graded=True).score == 1


@pytest.mark.parametrize("value", ["1", "yes"])
def test_graded_checks_print_their_message_and_return_the_points(monkeypatch, capsys, value):
    monkeypatch.setenv(exercises.GRADING_ENV, value)
    for fn, words in ((wrong_dc, "the mean over t"), (placeholder, "not implemented yet")):
        assert check_dc(fn, graded=True) == 0.0      # nbgrader reads the number as the cell's points
        printed = capsys.readouterr().out
        assert printed.startswith("✗") and words in printed
    assert check_dc(right_dc, graded=True) == 1.0
    assert capsys.readouterr().out.startswith("✓")
    assert check_dc(right_dc)  # not graded: the result, as in a student's notebook


def test_ungraded_calls_return_results_even_when_grading(monkeypatch):
    """Cells that show a wrong answer on purpose (notebooks 00, 05, 06) run under the grader."""
    monkeypatch.setenv(exercises.GRADING_ENV, "1")
    assert not check_dc(wrong_dc)
    assert not check_db(lambda dh, h: dh.sum(axis=0))


def test_nothing_reaches_stderr_under_the_grader(monkeypatch, capfd):
    """nbgrader gives 0 points to a cell that wrote to stderr: a student's warning must not cost them."""
    monkeypatch.setenv(exercises.GRADING_ENV, "1")

    def noisy(do):
        np.exp(np.array([1000.0]))          # an overflow warning, harmless here
        return do.sum(axis=0)
    assert check_dc(noisy, graded=True) == 1.0
    assert capfd.readouterr().err == ""


def test_grading_off_when_set_to_zero(monkeypatch):
    monkeypatch.setenv(exercises.GRADING_ENV, "0")
    assert not exercises.grading()
    assert not check_dlogits(lambda y_hat, target, tau: np.zeros_like(y_hat), graded=True)


def test_graded_must_be_a_bool():
    with pytest.raises(TypeError, match="graded"):
        check_dc(right_dc, graded="yes")


def test_every_public_checker_has_the_switch():
    import importlib
    import pkgutil

    found = 0
    for info in pkgutil.iter_modules(exercises.__path__):
        module = importlib.import_module(f"bptt_helpers.exercises.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("check_") and callable(fn) and getattr(fn, "__module__", "").startswith(
                    "bptt_helpers.exercises"):
                assert "graded" in inspect.signature(fn).parameters or hasattr(fn, "__wrapped__"), name
                found += 1
    assert found >= 16
