"""The student edition (make student): solutions out, placeholders in, checkers still honest."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools.student import (
    REFERENCE_KEY,
    build,
    drop_speaker_notes,
    is_checker_cell,
    is_speaker_notes,
    strip_solutions,
    student_notebook,
)

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
        lesson = [c for c in copy.cells if REFERENCE_KEY not in c.metadata]
        assert [c.cell_type for c in lesson] == [c.cell_type for c in kept], path.name
        assert [c.source for c in lesson if c.cell_type == "markdown"] == [
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
        student_nb.cells = [c for c in student_nb.cells if REFERENCE_KEY not in c.metadata]
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
    student.cells = [c for c in student.cells if REFERENCE_KEY not in c.metadata]   # the folded solutions
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


# ---- the student writes first ---------------------------------------------------------------------

CODE_IN_A_HINT = re.compile(r"`|@|\*\*|\bnp\.|\[\s*:|\w\[|\.\w+\(|\baxis\b|keepdims|\.T\b|\bdef\b|\breturn\b|"
                            r"\+=|-=|\bmy_\w+")


def _checker_name(cell) -> str | None:
    match = re.search(r"(check_\w+)\(\w+, graded=True\)", cell.source)
    return match.group(1) if match else None


def test_every_placeholder_names_the_equation_and_the_idea_not_the_code():
    from tools.student import BEGIN

    hints = []
    for path in WITH_EXERCISES:
        for cell in nbformat.read(path, as_version=4).cells:
            for line in cell.source.splitlines():
                match = BEGIN.match(line)
                if cell.cell_type == "code" and match:
                    hints.append((path.name, match.group("hint") or ""))
    assert len(hints) >= 17
    for name, hint in hints:
        assert len(hint) > 30, (name, hint)
        assert not CODE_IN_A_HINT.search(hint), f"{name}: the placeholder spells code: {hint!r}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_no_answer_is_on_screen_above_its_checker_in_the_student_edition(path, student_dir):
    """No stored ✓ (checker cells are cleared) and no listing of the package's code for what the
    exercise asks (its ``answers``, by their ``def`` line) in any cell above the checker."""
    import inspect

    from bptt_helpers.exercises import load_all

    EXERCISES = load_all()
    cells = nbformat.read(student_dir / path.name, as_version=4).cells
    seen_text = []
    checked = 0
    for cell in cells:
        if is_checker_cell(cell):
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: stored checker output"
            name = _checker_name(cell)
            for fn in EXERCISES[name].answers if name in EXERCISES else ():
                first_line = inspect.getsource(fn).lstrip().splitlines()[0].split("(")[0]   # "def dc"
                assert not any(first_line + "(" in text for text in seen_text), (
                    f"{path.name}: the package's {fn.__qualname__} is listed above the checker {name}")
            checked += 1
        seen_text.append(cell.source)
        for out in cell.get("outputs", []):
            seen_text.append(out.get("text", "") + "".join(out.get("data", {}).get("text/plain", "")))
    assert checked >= 1


def test_the_listing_check_would_see_a_listing_above_a_checker(tmp_path):
    """The test above can fail: put 05's listing of grads_fast.dc back above its checker."""
    import inspect

    import bptt_helpers as bh

    nb = nbformat.read(ROOT / "notebooks" / "05_bias_vectors.ipynb", as_version=4)
    listing = nbformat.v4.new_code_cell("print(getsource(bh.grads_fast.dc))")
    text = inspect.getsource(bh.grads_fast.dc)
    listing.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    first_check = next(i for i, c in enumerate(nb.cells) if is_checker_cell(c))
    nb.cells.insert(first_check - 1, listing)
    folder = tmp_path / "series"
    folder.mkdir()
    nbformat.write(nb, folder / "05_bias_vectors.ipynb")
    out = tmp_path / "edition"
    build(folder, out)
    with pytest.raises(AssertionError, match="listed above the checker check_dc"):
        test_no_answer_is_on_screen_above_its_checker_in_the_student_edition(
            folder / "05_bias_vectors.ipynb", out)


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_hidden_tests_and_folded_reference_solutions(path, student_dir):
    """The source's graded cells carry hidden tests; the student edition has none of them, and a
    folded reference solution (markdown <details>) right after each checker, which the source has not."""
    source = nbformat.read(path, as_version=4).cells
    for cell in source:
        assert REFERENCE_KEY not in cell.metadata
        if is_checker_cell(cell) and _checker_name(cell) != "check_relu_prediction":
            assert "### BEGIN HIDDEN TESTS" in cell.source and "hidden=" in cell.source, path.name
    copy = nbformat.read(student_dir / path.name, as_version=4).cells
    assert not any("HIDDEN TESTS" in c.source or re.search(r"\bhidden=", c.source) for c in copy)
    for index, cell in enumerate(copy):
        if is_checker_cell(cell):
            folded = copy[index + 1]
            assert folded.cell_type == "markdown" and folded.metadata.get(REFERENCE_KEY), path.name
            assert folded.source.startswith("<details><summary>") and folded.source.endswith("</details>")
            assert "BEGIN SOLUTION" not in folded.source and "def my_" in folded.source


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_no_other_cell_depends_on_a_students_answer(path):
    """Only the answer cell and its checker mention the student's function: the rest of the
    notebook runs on the package, so a student edition with placeholders still teaches."""
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in cell.source:
            function = cell.source.split("def ", 1)[1].split("(", 1)[0]
            for other, later in enumerate(cells):
                if later.cell_type == "code" and other not in (index, index + 1):
                    assert not re.search(rf"\b{function}\b", later.source), (
                        f"{path.name} cell {other} uses the student's {function}")


def test_nbgrader_points_are_the_checkers_points():
    from bptt_helpers.exercises import load_all

    EXERCISES = load_all()

    for path in WITH_EXERCISES:
        for cell in nbformat.read(path, as_version=4).cells:
            name = _checker_name(cell) if is_checker_cell(cell) else None
            if name in EXERCISES:
                assert cell.metadata["nbgrader"]["points"] == EXERCISES[name].max_points, (path.name, name)


# ---- nothing a student writes is overwritten ---------------------------------------------------------

def _two_notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("03_logits.ipynb", "05_bias_vectors.ipynb"):
        (folder / name).write_bytes((ROOT / "notebooks" / name).read_bytes())
    return folder


def _edit_answer(path: Path, code: str) -> None:
    nb = nbformat.read(path, as_version=4)
    answer = next(c for c in nb.cells if c.cell_type == "code" and "raise NotImplementedError" in c.source)
    answer.source = code
    nbformat.write(nb, path)


def test_the_workspace_keeps_the_students_work_and_puts_updates_beside_it(tmp_path):
    from tools.student import sync

    series, work = _two_notebooks(tmp_path / "series"), tmp_path / "workspace"
    first = sync(series, work)
    assert sorted(first.new) == ["03_logits.ipynb", "05_bias_vectors.ipynb"]
    mine = ("def my_dlogits(y_hat, target, tau):\n"
            "    return (y_hat - np.eye(y_hat.size)[target]) / tau  # mine\n")
    _edit_answer(work / "03_logits.ipynb", mine)
    mine_bytes = (work / "03_logits.ipynb").read_bytes()
    assert sync(series, work).unchanged and (work / "03_logits.ipynb").read_bytes() == mine_bytes

    for name in ("03_logits.ipynb", "05_bias_vectors.ipynb"):   # the series changes (a git pull)
        nb = nbformat.read(series / name, as_version=4)
        nb.cells[0].source += "\n\nA new sentence of the series."
        nbformat.write(nb, series / name)
    report = sync(series, work)
    assert report.updated == ["05_bias_vectors.ipynb"]            # untouched by the student: updated
    assert "A new sentence" in (work / "05_bias_vectors.ipynb").read_text(encoding="utf-8")
    assert (work / "03_logits.ipynb").read_bytes() == mine_bytes   # the student's: never touched
    [(kept, beside)] = report.kept
    assert kept == "03_logits.ipynb" and beside.startswith("03_logits.update-")
    assert "A new sentence" in (work / beside).read_text(encoding="utf-8")
    assert any(beside in line for line in report.lines(work))
    ran = nbformat.read(work / "05_bias_vectors.ipynb", as_version=4)   # run, saved, nothing written:
    ran.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran")]
    ran.metadata["widgets"] = {"state": "saved by JupyterLab"}
    nbformat.write(ran, work / "05_bias_vectors.ipynb")
    nb = nbformat.read(series / "05_bias_vectors.ipynb", as_version=4)
    nb.cells[0].source += " Another one."
    nbformat.write(nb, series / "05_bias_vectors.ipynb")
    assert sync(series, work).updated == ["05_bias_vectors.ipynb"]  # outputs are not the student's work
    again = sync(series, work)                                     # idempotent: nothing new written
    assert again.kept == report.kept and not again.new and not again.updated
    assert (work / "03_logits.ipynb").read_bytes() == mine_bytes


def test_every_make_target_that_rebuilds_leaves_a_workspace_edit_intact(tmp_path):
    """`make student` and `make lab` (with JupyterLab replaced by `true`) rebuild the workspace; the
    other targets must not even name it (make -n prints what they would run)."""
    import subprocess

    series, work = _two_notebooks(tmp_path / "series"), tmp_path / "workspace"
    args = ["make", "-s", "-o", ".venv/.installed", f"WORKSPACE={work}", f"SERIES={series}",
            "JUPYTER_LAB=true"]
    subprocess.run([*args, "student"], cwd=ROOT, check=True, capture_output=True)
    mine = "def my_dc(do):\n    return do.sum(axis=0)  # written by a student\n"
    _edit_answer(work / "05_bias_vectors.ipynb", mine)
    before = (work / "05_bias_vectors.ipynb").read_bytes()
    for target in ("student", "lab", "student"):
        subprocess.run([*args, target], cwd=ROOT, check=True, capture_output=True)
        assert (work / "05_bias_vectors.ipynb").read_bytes() == before, target
    for target in ("clean", "notebooks", "html", "slides", "nbgrader-course", "test-nbgrader",
                   "lab-instructor"):
        dry = subprocess.run([*args, "-n", target], cwd=ROOT, check=True, capture_output=True, text=True)
        assert str(work) not in dry.stdout and "workspace" not in dry.stdout, (target, dry.stdout)
