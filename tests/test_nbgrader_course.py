"""tools/nbgrader_course.py without nbgrader: which assignments, what the course folder holds.

The round trip itself (release, autograde, scores) needs nbgrader and runs in `make test-nbgrader`.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

from tools import nbgrader_course

ROOT = Path(__file__).resolve().parents[1]


def test_every_notebook_with_an_exercise_is_an_assignment():
    names = nbgrader_course.assignments()
    with_markers = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                          if "# BEGIN SOLUTION" in p.read_text(encoding="utf-8"))
    assert names == with_markers and "03_logits" in names and "11_errata" not in names


def test_course_folder_holds_the_sources_and_a_config_that_turns_grading_on(tmp_path, monkeypatch):
    course = nbgrader_course.make_course(tmp_path / "course", ["03_logits", "10_clipping_truncated_bptt"])
    for name in ("03_logits", "10_clipping_truncated_bptt"):
        copy = course / "source" / name / f"{name}.ipynb"
        assert copy.read_bytes() == (ROOT / "notebooks" / f"{name}.ipynb").read_bytes()
    monkeypatch.setenv("BPTT_GRADING", "0")  # recorded, so the 1 the config sets is undone afterwards

    class Config(dict):  # what nbgrader's get_config() returns, enough for this file
        def __getattr__(self, name):
            return self.setdefault(name, Config())

        def __setattr__(self, name, value):
            self[name] = value

    config = Config()
    runpy.run_path(str(course / "nbgrader_config.py"), init_globals={"get_config": lambda: config})
    assert os.environ["BPTT_GRADING"] == "1"
    assert config.CourseDirectory.course_id == "bptt-notebooks" and config.Execute.timeout >= 300


def test_unknown_assignment_is_named_in_the_error(capsys):
    with pytest.raises(SystemExit):
        nbgrader_course.main(["course", "/tmp/unused", "--only", "99_nothing"])
    assert "99_nothing" in capsys.readouterr().err


def test_no_text_cell_contains_a_solution_delimiter():
    """nbgrader clears solution regions in markdown cells too: a delimiter in prose would break the
    release (a 'solution region in a non-solution cell') or delete that line."""
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "code":
                assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source, (
                    f"{path.name} cell {index}")


def test_split_deals_every_assignment_once_and_separates_the_heaviest():
    names = nbgrader_course.assignments()
    for jobs in (1, 2, 3):
        parts = nbgrader_course.split(names, jobs)
        assert sorted(n for part in parts for n in part) == names and len(parts) == min(jobs, len(names))
    first, second = nbgrader_course.split(names, 2)
    assert (names[-1] in first) != (names[-2] in first)  # the two last (longest) notebooks apart
