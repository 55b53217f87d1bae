"""The student edition (make student): solutions out, placeholders in, checkers still honest."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools.student import build, drop_speaker_notes, is_speaker_notes, strip_solutions, student_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _has_solution(path: Path) -> bool:
    """A code cell with a marker (markdown that only explains the markers does not count)."""
    cells = nbformat.read(path, as_version=4).cells
    return any(c.cell_type == "code" and "# BEGIN SOLUTION" in c.source for c in cells)


WITH_EXERCISES = [p for p in NOTEBOOKS if _has_solution(p)]

SOURCE = '''def my_fn(x):
    """docstring stays"""
    # BEGIN SOLUTION (hint: multiply by two)
    y = 2 * x
    return y
    # END SOLUTION

check(my_fn)
'''


def test_strip_solutions_replaces_block_with_placeholder_at_same_indent():
    text, removed = strip_solutions(SOURCE)
    assert "y = 2 * x" not in text and "return y" not in text
    assert "    raise NotImplementedError('multiply by two')\n" in text
    assert '"""docstring stays"""' in text and text.endswith("check(my_fn)\n")
    assert removed == ["    y = 2 * x\n    return y\n"]
    namespace = {}
    exec(text.replace("check(my_fn)", ""), namespace)
    with pytest.raises(NotImplementedError, match="multiply by two"):
        namespace["my_fn"](1)


def test_strip_solutions_default_hint_and_no_markers():
    text, removed = strip_solutions("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n")
    assert text.startswith("raise NotImplementedError(") and "x = 1" not in text
    assert strip_solutions("x = 1\n") == ("x = 1\n", [])


@pytest.mark.parametrize("bad", ["# BEGIN SOLUTION\nx = 1\n", "x = 1\n# END SOLUTION\n",
                                 "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n"])
def test_broken_markers_raise_instead_of_leaking(bad):
    with pytest.raises(ValueError, match="SOLUTION"):
        strip_solutions(bad)


def test_every_notebook_has_balanced_markers():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                strip_solutions(cell.source)  # raises on a broken marker


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    build(ROOT / "notebooks", out)
    return out


def test_student_copies_are_valid_notebooks(student_dir):
    written = sorted(student_dir.glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        nbformat.validate(nbformat.read(path, as_version=4))


def test_student_copies_carry_no_speaker_notes(student_dir):
    """Speaker notes are for the lecturer: every other cell stays, in order."""
    for path in NOTEBOOKS:
        stored = nbformat.read(path, as_version=4)
        copy = nbformat.read(student_dir / path.name, as_version=4)
        assert not any(is_speaker_notes(c) for c in copy.cells), path.name
        kept = [c for c in stored.cells if not is_speaker_notes(c)]
        assert [c.cell_type for c in copy.cells] == [c.cell_type for c in kept], path.name
        assert [c.source for c in copy.cells if c.cell_type == "markdown"] == [
            c.source for c in kept if c.cell_type == "markdown"], path.name


def _code_lines(nb) -> list[str]:
    return [line.strip() for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()]


def test_no_solution_text_leaks(student_dir):
    """Every removed line is gone from the student copy's code, except where the notebook uses
    the same line elsewhere (counted exactly); each solution keeps at least one line of its own;
    the stripped cells have no outputs left.
    """
    for path in WITH_EXERCISES:
        solved = drop_speaker_notes(nbformat.read(path, as_version=4))  # as the student copy
        _, removed = student_notebook(solved)
        assert removed, f"{path.name}: markers found but nothing removed"
        student_nb = nbformat.read(student_dir / path.name, as_version=4)
        for cell, done in zip(student_nb.cells, solved.cells, strict=True):
            if cell.cell_type == "code":
                assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
                if "# BEGIN SOLUTION" in done.source:
                    assert cell.outputs == [] and cell.execution_count is None
        before, after = _code_lines(solved), _code_lines(student_nb)
        removed_lines = [line.strip() for block in removed for line in block.splitlines()]
        for line in set(removed_lines):
            if line and not line.startswith("#"):
                assert after.count(line) == before.count(line) - removed_lines.count(line), (
                    f"{path.name}: solution line leaked into the student copy: {line!r}")
        for block in removed:
            own = [ln.strip() for ln in block.splitlines() if ln.strip() and ln.strip() not in after]
            assert own, f"{path.name}: every line of a solution is still visible elsewhere:\n{block}"


def _check_lines(cell) -> list[str]:
    text = "".join(out.get("text", "") + "".join(out.get("data", {}).get("text/plain", ""))
                   for out in cell.get("outputs", []))
    return [line for line in text.splitlines() if line.startswith(("✓", "✗"))]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_checkers_reject_placeholder_and_accept_solution(path, student_dir):
    """Run the student copy: each checker that passes on the stored solution now says ✗."""
    from nbclient import NotebookClient

    solved = drop_speaker_notes(nbformat.read(path, as_version=4))  # cell by cell as the copy
    student = nbformat.read(student_dir / path.name, as_version=4)
    NotebookClient(student, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    n_checks = 0
    for index, (cell, done) in enumerate(zip(student.cells, solved.cells, strict=True)):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        tags = cell.metadata.get("tags", [])
        assert not errors or "raises-exception" in tags, (
            f"{path.name} cell {index} fails in the student edition: "
            f"{errors[0].ename}: {errors[0].evalue}")
        passed = [line for line in _check_lines(done) if line.startswith("✓")]
        if done.metadata.get("nbgrader", {}).get("grade"):  # an exercise's graded checker cell
            assert passed, f"{path.name} cell {index}: the stored solution shows no ✓ from its checker"
            got = _check_lines(cell)
            assert got and all(line.startswith("✗") for line in got), (
                f"{path.name} cell {index}: the checker did not reject the placeholder: {got}")
            assert any("not implemented" in line for line in got)
            n_checks += len(passed)
    assert n_checks >= 1


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_each_exercise_is_an_answer_cell_then_a_graded_checker_cell(path):
    """nbgrader's view of an exercise: an autograded answer cell (the solution between the
    markers), then a locked autograder-test cell worth points that calls its checker with
    graded=True. Grade ids are unique; no other cell carries nbgrader metadata."""
    cells = nbformat.read(path, as_version=4).cells
    ids = []
    for index, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader")
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in cell.source:
            assert meta and meta["solution"] and not meta["grade"] and not meta["locked"], (path.name, index)
            test = cells[index + 1]
            test_meta = test.metadata.get("nbgrader", {})
            assert test_meta.get("grade") and not test_meta.get("solution") and test_meta.get("locked")
            assert test_meta.get("points", 0) > 0 and test_meta["grade_id"] == meta["grade_id"] + "-check"
            function = cell.source.split("def ", 1)[1].split("(", 1)[0]
            assert f"({function}, graded=True)" in test.source, (path.name, index + 1)
            ids += [meta["grade_id"], test_meta["grade_id"]]
        elif meta and not (meta.get("grade") and index and "# BEGIN SOLUTION" in cells[index - 1].source):
            raise AssertionError(f"{path.name} cell {index}: nbgrader metadata outside an exercise")
    assert ids and len(ids) == len(set(ids))
