"""Before the kernel runs (a fresh clone, GitHub, a viewer without widget support), a stored widget
shows its text fallback: one friendly line that says what will appear, never the repr of a
widget tree ("VBox(children=(HBox(children=(Label(value='forwards'), Play(...")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                yield index, output["data"].get("text/plain", "")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_stored_widget_has_a_friendly_one_line_fallback(path):
    for index, text in widget_outputs(path):
        text = "".join(text) if isinstance(text, list) else text
        assert text.strip(), f"{path.name} cell {index}: a widget with no text fallback"
        assert "\n" not in text.strip(), f"{path.name} cell {index}: fallback is not one line: {text!r}"
        assert not text.lstrip().startswith(("VBox(", "HBox(", "Output(", "IntSlider(", "Image(")), (
            f"{path.name} cell {index}: the fallback is the widget's repr: {text[:80]!r}")
        assert "run the cell" in text.lower() or "run this cell" in text.lower(), (
            f"{path.name} cell {index}: the fallback should say what appears when the cell runs: {text!r}")


def test_the_widget_notebooks_do_store_widgets():
    stored = {p.stem[:2] for p in NOTEBOOKS if any(widget_outputs(p))}
    assert {"01", "04", "05", "06", "07", "09", "10"} <= stored, stored
