"""A class of three through nbgrader's own exchange: the capstone from release to feedback.

    python -m tools.nbgrader_course exchange build/nbgrader-exchange     (part of make test-nbgrader)

The instructor generates and releases ``12_write_bptt_yourself``; alice, bob and carol each fetch
it into their own folder, answer ``my_backward`` (alice right, bob with dW off, carol by calling
``bh.backward``) and submit; the instructor collects, autogrades, generates and releases the
feedback; each student fetches their feedback. Fails unless the scores are 14, 13 and 8 of 14 and
each student's feedback page shows the checker's diagnosis of their answer.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from tools import nbgrader_submissions as submissions
from tools.nbgrader_course import make_course, nbgrader

COURSE = "bptt-notebooks"
ASSIGNMENT = submissions.CAPSTONE
CLASS = {  # student -> (their my_backward, expected total, words of the diagnosis in their feedback)
    "alice": ("solved", 14.0, "✓ my_backward, eqs 4.1-4.9: all six gradients match"),
    "bob": ("five-of-six", 13.0, "look again at dW (4.7)"),
    "carol": ("calls-backward", 8.0, "calls the package's own `bptt_helpers.backward_pass.backward`"),
}


def _answer(path: Path, variant: str) -> None:
    """Write ``variant``'s my_backward (with the stored solution) into a fetched release notebook."""
    import nbformat

    source = nbformat.read(path.parents[3] / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    solved = submissions.submission(source, variant)
    fetched = nbformat.read(path, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solved.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in fetched.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = re.sub(r"^\s*# (BEGIN|END) SOLUTION.*\n", "", answers[grade_id], flags=re.M)
    nbformat.write(fetched, path)


def run_class(root: Path) -> dict[str, float]:
    """The whole exchange under ``root`` (course/, exchange/, students/<name>/); returns the scores."""
    if root.exists():
        shutil.rmtree(root)
    course, exchange = root / "course", root / "exchange"
    exchange.mkdir(parents=True)
    make_course(course, [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    for student in CLASS:
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    nbgrader(course, "release_assignment", ASSIGNMENT, "--force")

    for student, (variant, _, _) in CLASS.items():
        home = root / "students" / student
        home.mkdir(parents=True)
        flags = (f"--course={COURSE}", f"--Exchange.root={exchange}", f"--Exchange.cache={home / '.cache'}")
        nbgrader(home, "fetch_assignment", ASSIGNMENT, *flags)
        _answer(home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", variant)
        nbgrader(home, "submit", ASSIGNMENT, f"--student={student}", *flags)

    nbgrader(course, "collect", ASSIGNMENT)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    nbgrader(course, "release_feedback", ASSIGNMENT)

    from nbgrader.api import Gradebook

    scores, problems = {}, []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in CLASS:
            scores[student] = gradebook.find_submission(ASSIGNMENT, student).score
    print(f"\n{'student':<8}{'my_backward':<16}{'score':>10}{'expected':>10}   feedback shows the diagnosis")
    for student, (variant, want, words) in CLASS.items():
        home = root / "students" / student
        nbgrader(home, "fetch_feedback", ASSIGNMENT, f"--course={COURSE}", f"--student={student}",
                 f"--Exchange.root={exchange}", f"--Exchange.cache={home / '.cache'}")
        pages = sorted((home / ASSIGNMENT / "feedback").rglob("*.html"))
        text = html.unescape(re.sub(r"<[^>]+>", "", pages[-1].read_text(encoding="utf-8"))) if pages else ""
        shown = words in text
        print(f"{student:<8}{variant:<16}{scores[student]:>10g}{want:>10g}   {'yes' if shown else 'NO'}")
        if scores[student] != want or not shown:
            problems.append((student, scores[student], want, shown, [str(p) for p in pages]))
    print(f"nbgrader exchange: {len(CLASS) - len(problems)} passed, {len(problems)} failed")
    if problems:
        raise SystemExit(f"nbgrader exchange: {problems}")
    return scores
