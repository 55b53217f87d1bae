"""The series as an nbgrader course: release the student version, autograde submissions.

    python -m tools.nbgrader_course course build/nbgrader        # the course folder for an instructor
    python -m tools.nbgrader_course roundtrip build/nbgrader     # + release, autograde, check scores

Needs nbgrader (``pip install -e '.[instructor]'``, best in its own venv: ``make test-nbgrader``).

One assignment per notebook with exercises, named like the notebook (``03_logits``). The course
folder gets an ``nbgrader_config.py`` that sets ``BPTT_GRADING=1`` for every kernel nbgrader
starts, so each exercise's checker cell (``check_x(my_x, graded=True)``) raises when the check
fails and loses its points. ``roundtrip`` generates the release, autogrades two submissions per
assignment, ``solved`` (the stored notebook, solutions in place) and ``blank`` (the release as a
student receives it), plus the capstone's known submissions (tools/nbgrader_submissions.py:
partial credit, the package's own code, float32, a mutation, an exception), and fails unless each
scores what it must. ``exchange`` runs a class of three through nbgrader's exchange
(tools/nbgrader_exchange.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tools import nbgrader_submissions as submissions

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"

CONFIG = '''\
# nbgrader configuration of the bptt-notebooks course (written by tools/nbgrader_course.py).
import os

# The series' checkers raise on a failed check in a graded checker cell only when this is set:
# every kernel nbgrader starts (autograde, validate) inherits it from here.
os.environ["BPTT_GRADING"] = "1"

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.CourseDirectory.course_id = "bptt-notebooks"
c.Execute.timeout = 600          # per cell: notebook 10 trains 18 small models in one cell
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}

# Speaker notes (markdown cells of slide type "notes") are for the lecturer: the release leaves
# them out, as `make student` does. (Read by a Python without nbgrader, this part does nothing.)
try:
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.converters import GenerateAssignment
except ImportError:
    pass
else:
    class DropSpeakerNotes(Preprocessor):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.enabled = True  # an nbconvert preprocessor does nothing unless enabled

        def preprocess(self, nb, resources):
            nb.cells = [cell for cell in nb.cells
                        if cell.metadata.get("slideshow", {}).get("slide_type") != "notes"]
            return nb, resources

    c.GenerateAssignment.preprocessors = [
        DropSpeakerNotes, *GenerateAssignment.class_traits()["preprocessors"].default()]
'''


def assignments(notebooks_dir: Path = NOTEBOOKS) -> list[str]:
    """The notebooks with at least one exercise (a cell with nbgrader solution metadata)."""
    import nbformat

    names = []
    for path in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        if any(c.metadata.get("nbgrader", {}).get("solution") for c in cells):
            names.append(path.stem)
    return names


def make_course(course: Path, names: list[str], notebooks_dir: Path = NOTEBOOKS) -> Path:
    """Write ``course/nbgrader_config.py`` and ``course/source/<name>/<name>.ipynb``."""
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    for name in names:
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebooks_dir / f"{name}.ipynb", folder / f"{name}.ipynb")
    return course


def nbgrader(course: Path, *args: str) -> None:
    """Run one nbgrader command in the course folder (with this Python's nbgrader)."""
    cmd = [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"]
    print("$ nbgrader " + " ".join(args), flush=True)
    # as in an activated venv: nbgrader runs the `alembic` script that sits beside this Python
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run(cmd, cwd=course, check=True, env=env)


def check_release(course: Path, name: str) -> None:
    """The release a student receives holds no speaker notes (slide type ``notes``)."""
    import nbformat

    from tools.student import is_speaker_notes

    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    if any(is_speaker_notes(cell) for cell in release.cells):
        raise SystemExit(f"nbgrader release of {name} still holds speaker notes (slide type 'notes')")


def submit(course: Path, name: str) -> None:
    """The submissions of ``students(name)``: the untouched release, the stored solutions, variants."""
    import nbformat

    for student in submissions.students(name):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        if student == "blank":
            shutil.copy2(course / "release" / name / f"{name}.ipynb", folder / f"{name}.ipynb")
        else:
            nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            nbformat.write(submissions.submission(nb, student), folder / f"{name}.ipynb")


def scores(course: Path, names: list[str]) -> dict[tuple[str, str], tuple[float, float, float | None, float]]:
    """(assignment, student) -> (score, max, capstone item score or None, its max), from the gradebook."""
    from nbgrader.api import Gradebook

    result = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for name in names:
            for student in submissions.students(name):
                submission = gradebook.find_submission(name, student)
                item, item_max = None, 0.0
                if name == submissions.CAPSTONE:
                    grade = gradebook.find_grade(submissions.ITEM, name, name, student)
                    item, item_max = grade.score, grade.max_score
                result[name, student] = (submission.score, submission.max_score, item, item_max)
    return result


def split(names: list[str], jobs: int) -> list[list[str]]:
    """``names`` (in notebook order; later notebooks cost more) dealt to ``jobs`` parts, snake-wise."""
    parts = [[] for _ in range(jobs)]
    for index, name in enumerate(reversed(names)):
        turn, step = divmod(index, jobs)
        parts[step if turn % 2 == 0 else jobs - 1 - step].append(name)
    return [sorted(part) for part in parts if part]


def roundtrip(course: Path, names: list[str], jobs: int = 1) -> dict[tuple[str, str], tuple[float, float]]:
    """Course folder, release, two submissions, autograde; raises unless full marks and zero.

    ``jobs`` > 1 runs that many course folders (``course/part1``, ...) side by side, each with
    its share of the assignments and its own gradebook (nbgrader grades one notebook at a time).
    """
    if course.exists():
        shutil.rmtree(course)
    if jobs > 1 and len(names) > 1:
        parts = split(names, jobs)
        folders = [course / f"part{k}" for k in range(1, len(parts) + 1)]
        children = [subprocess.Popen([sys.executable, "-m", "tools.nbgrader_course", "roundtrip", str(folder),
                                      "--jobs", "1", "--only", *part], cwd=REPO)
                    for folder, part in zip(folders, parts, strict=True)]
        if any(child.wait() for child in children):
            raise SystemExit("nbgrader round trip: a part failed (see above)")
        result = {}
        for folder, part in zip(folders, parts, strict=True):
            result.update(scores(folder, part))
    else:
        make_course(course, names)
        for student in dict.fromkeys(s for name in names for s in submissions.students(name)):
            nbgrader(course, "db", "student", "add", student)
        for name in names:
            nbgrader(course, "generate_assignment", name, "--force")
            check_release(course, name)
            submit(course, name)
            nbgrader(course, "autograde", name, "--force")
        result = scores(course, names)
    return report(result, names)


def report(result, names) -> dict:
    """Print the scores (and the capstone item's points) and fail unless each is as expected."""
    print(f"\n{'assignment':<26}{'submission':<16}{'score':>12}{'expected':>10}   capstone item")
    wrong, checks = [], 0
    for name in names:
        for student in submissions.students(name):
            score, maximum, item, item_max = result[name, student]
            want, want_item = submissions.expected(name, student, maximum, item_max)
            item_text = "" if item is None else f"{item:g} / {item_max:g} (expected {want_item:g})"
            print(f"{name:<26}{student:<16}{f'{score:g} / {maximum:g}':>12}{want:>10g}   {item_text}")
            checks += 1
            if score != want or maximum <= 0 or (want_item is not None and item != want_item):
                wrong.append((name, student, score, want, item, want_item))
    # one check per (assignment, submission), summed up as a test runner would
    print(f"nbgrader: {checks - len(wrong)} passed, {len(wrong)} failed")
    if wrong:
        raise SystemExit(f"nbgrader round trip: scores differ from the expected ones: {wrong}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.nbgrader_course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["course", "roundtrip", "exchange"])
    parser.add_argument("course_dir", type=Path, nargs="?", default=Path("build/nbgrader"))
    parser.add_argument("--only", nargs="+", metavar="NN_slug", help="these assignments only")
    parser.add_argument("--jobs", type=int, default=2, help="roundtrip: course folders graded side by side")
    args = parser.parse_args(argv)
    names = assignments()
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"no assignment named {unknown}; the assignments are {names}")
        names = [n for n in names if n in args.only]
    course = args.course_dir.resolve()
    if args.command == "course":
        make_course(course, names)
        print(f"course folder: {course}\nthen, in it: nbgrader generate_assignment <name>; "
              f"the assignments are {', '.join(names)}")
    elif args.command == "exchange":
        from tools import nbgrader_exchange

        nbgrader_exchange.run_class(course)
    else:
        if args.jobs < 1:
            parser.error(f"--jobs must be at least 1, got {args.jobs}")
        roundtrip(course, names, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
