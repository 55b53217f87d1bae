"""Speaker notes: every notebook has them, the slides carry them, the students' copies do not.

A speaker-notes cell is a markdown cell of slide type ``notes``. nbconvert puts it into the
current slide as ``<aside class="notes">`` (reveal.js's speaker view, key S). It opens with
``**Speaker notes.**`` (students see these cells in JupyterLab) and ends with one question for
the room and the answer the lecturer expects.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tools import lecture
from tools.student import build as build_student
from tools.student import is_speaker_notes

NOTEBOOKS = lecture.series_notebooks()
MARKER = "**Speaker notes.**"
QUESTION = "**Ask the room:**"
ANSWER = "*Answer:*"
EXPORTED = [p for p in NOTEBOOKS if p.name.startswith(("04_", "12_"))]  # a stepper, and exercises


def notes_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if is_speaker_notes(c)]


def test_two_notebooks_to_export_were_found():
    assert len(EXPORTED) == 2, [p.name for p in EXPORTED]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_speaker_notes(path):
    notes = notes_cells(path)
    assert len(notes) >= 3, f"{path.name}: {len(notes)} speaker-notes cells, want at least 3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_note_says_what_it_is_and_asks_the_room(path):
    for index, cell in enumerate(notes_cells(path)):
        where = f"{path.name}, notes cell {index}"
        assert cell.cell_type == "markdown", f"{where} is a {cell.cell_type} cell"
        assert cell.source.startswith(MARKER), f"{where} does not start with {MARKER!r}"
        bullets = [ln for ln in cell.source.splitlines() if ln.startswith("- ")]
        assert 2 <= len(bullets) <= 4, f"{where}: {len(bullets)} bullets, want 2 to 4"
        asks = [ln for ln in cell.source.splitlines() if ln.startswith(QUESTION)]
        assert len(asks) == 1, f"{where}: want exactly one line starting with {QUESTION!r}"
        question, _, answer = asks[0].partition(ANSWER)
        assert "?" in question and answer.strip(), f"{where}: the question needs a '?' and an answer"
        # a heading would become a section title of the slide outline; keep notes plain
        assert not re.search(r"^#", cell.source, flags=re.M), f"{where} contains a heading"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notes_follow_a_visible_slide(path):
    """A notes cell belongs to the slide before it: never before the deck's first visible cell."""
    cells = nbformat.read(path, as_version=4).cells
    first_visible = next(i for i, c in enumerate(cells)
                         if c.metadata.get("slideshow", {}).get("slide_type") not in ("skip", "notes"))
    early = [i for i, c in enumerate(cells[:first_visible]) if is_speaker_notes(c)]
    assert not early, f"{path.name}: notes cells {early} come before the first slide"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    slides = lecture.export("slides", out / "slides", EXPORTED)
    html = lecture.export("html", out / "html", EXPORTED)
    return ({p.name.removesuffix(".slides.html"): p.read_text(encoding="utf-8") for p in slides},
            {p.name.removesuffix(".html"): p.read_text(encoding="utf-8") for p in html})


@pytest.mark.parametrize("path", EXPORTED, ids=lambda p: p.stem)
def test_slides_carry_the_notes_for_the_speaker_view(exported, path):
    page = exported[0][path.stem]
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', page, flags=re.S)
    assert len(asides) == len(notes_cells(path)), f"{path.name}: {len(asides)} <aside class=notes>"
    for aside in asides:
        assert "Speaker notes." in aside and "Ask the room:" in aside
    assert "plugin/notes/notes.js" in page  # the speaker view (key S) is loaded


@pytest.mark.parametrize("path", EXPORTED, ids=lambda p: p.stem)
def test_static_html_leaves_the_notes_out(exported, path):
    page = exported[1][path.stem]
    assert '<aside class="notes">' not in page
    assert "Speaker notes." not in page and "Ask the room:" not in page


def test_student_edition_leaves_the_notes_out(tmp_path):
    for copy in build_student(NOTEBOOKS[0].parent, tmp_path):
        nb = nbformat.read(copy, as_version=4)
        assert not any(is_speaker_notes(c) for c in nb.cells), copy.name
        assert MARKER not in copy.read_text(encoding="utf-8"), copy.name
