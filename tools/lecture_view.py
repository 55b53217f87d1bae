"""The slide view: what of a stored notebook each view shows (a changed copy; the notebook is left alone).

The static HTML shows every cell but the speaker notes. The slides show the outputs and not the
code (unless a cell is tagged ``slide-code``), take the package's source listings out of the
printed text, size every figure for a 1280x720 slide, and keep the speaker notes for reveal.js's
speaker view only. The live view (Voilà, ``make present``) runs the notebook without its speaker
notes and shows no code and no source listing (:func:`live_view`, :func:`without_listings`).

Before a page is built, :func:`check_widget_state` makes sure that every widget view the
notebook displays can be drawn from the widget state it stores.
"""

from __future__ import annotations

import base64
import json
import re

# The cell tag that shows a code cell's input on the slides (by default the slides show only
# outputs: the code stays in the notebook).
SHOW_CODE_TAG = "slide-code"
# The cell tag that shows only a code cell's figures (and their captions) on the slides: the lines
# it prints (a table the figure also shows, timings) stay in the notebook and the static HTML.
FIGURE_ONLY_TAG = "slide-figure-only"


def view_for(nb, kind: str):
    """What of a stored notebook a page shows (a changed copy; the notebook is left alone).

    Speaker notes (markdown cells of slide type ``notes``) are for the lecturer: the slides
    carry them (reveal.js's speaker view, key S), the static HTML for students does not.
    """
    import copy

    nb = copy.deepcopy(nb)
    if kind == "html":
        nb.cells = [c for c in nb.cells if not is_speaker_notes(c)]
    elif kind == "slides":
        nb.cells = slide_cells(nb.cells)
    return nb


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type") or "-"


def is_speaker_notes(cell) -> bool:
    """A cell for the lecturer only (slide type ``notes``): never on a page the audience sees."""
    return slide_type(cell) == "notes"


def shows_code(cell) -> bool:
    """A code cell whose input the slides show: tagged ``slide-code`` (the code is the lesson)."""
    return SHOW_CODE_TAG in cell.metadata.get("tags", [])


def figure_only(cell) -> bool:
    """A code cell of which the slides show only the figures: tagged ``slide-figure-only``."""
    return FIGURE_ONLY_TAG in cell.metadata.get("tags", [])


_LISTING_START = re.compile(r"^(def |class |async def |@|# ---- )")
_LISTING_GOES_ON = re.compile(r"^(\s|\)|$)")


def without_listings(text: str) -> str:
    """Printed text with the source listings (``print(getsource(f))``) taken out.

    A listing starts at a line ``def``/``class``/a decorator/``# ---- module.name`` and goes on
    over indented and blank lines (and a signature's closing ``)``), as Python source does.
    """
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        if _LISTING_START.match(line) or (inside and _LISTING_GOES_ON.match(line)):
            inside = True
            continue
        inside = False
        kept.append(line)
    return "".join(kept)


def _drop_listings(cell) -> None:
    outputs = []
    for out in cell.outputs:
        if out.get("output_type") == "stream":
            if figure_only(cell):
                continue
            out["text"] = without_listings("".join(out["text"]))
            if not out["text"].strip():
                continue
        outputs.append(out)
    cell.outputs = outputs


# On a slide a figure is at most this tall (CSS px); beside a narrow one its caption takes the
# width left over (SLIDES_CSS), below a wide one the full width.
FIGURE_MAX_HEIGHT, FIGURE_MAX_WIDTH = 360, 1180


def png_size(data: str) -> tuple[int, int]:
    """(width, height) in pixels of a base64 PNG, read from its IHDR chunk."""
    head = base64.b64decode(data[:44])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("image/png output is not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _size_figures(cell) -> None:
    """Give every figure the size it has on a slide: its own aspect ratio, at most
    FIGURE_MAX_WIDTH x FIGURE_MAX_HEIGHT, never enlarged. (Laid out from its width and height,
    a figure lets its caption sit beside it when there is room.)"""
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("image/png")
        if not data:
            continue
        width, height = png_size(data if isinstance(data, str) else "".join(data))
        scale = min(1.0, FIGURE_MAX_HEIGHT / height, FIGURE_MAX_WIDTH / width)
        meta = out.setdefault("metadata", {}).setdefault("image/png", {})
        meta["width"], meta["height"] = round(width * scale), round(height * scale)


LISTING_NOTE = "*(the code: in the notebook)*"


def _point_to_listing(cell) -> None:
    """A markdown cell ending in ':' before a listing the slide leaves out says where it is."""
    text = cell.source.rstrip()
    if text.endswith(":") and not text.endswith(LISTING_NOTE):
        cell.source = f"{text} {LISTING_NOTE}"


def slide_cells(cells: list) -> list:
    """The cells as the slides show them: code input hidden and source listings taken out of
    the printed output, unless the cell is tagged ``slide-code`` (there the code is the lesson:
    its input shows, and so does any listing it prints). A cell tagged ``slide-figure-only``
    shows its figures and their captions, not its printed lines.

    A code cell with nothing left to show is left out; if it opened a slide or a sub-slide,
    the next cell shown opens it instead. When what was left out is a listing that the markdown
    just before announces ("... the package computes it:"), the slide says where it is.
    """
    out, opens = [], None
    for cell in cells:
        kind = slide_type(cell)
        if cell.cell_type == "code" and not shows_code(cell) and kind != "skip":
            cell.metadata.setdefault("transient", {})["remove_source"] = True
            printed = bool(cell.outputs)
            _drop_listings(cell)
            if not cell.outputs:
                if printed and out and out[-1].cell_type == "markdown":
                    _point_to_listing(out[-1])
                if kind in ("slide", "subslide") and opens != "slide":
                    opens = kind
                continue
        if cell.cell_type == "code":
            _size_figures(cell)
        if opens and kind not in ("skip", "notes"):
            if kind not in ("slide", "subslide") or opens == "slide":
                cell.metadata.setdefault("slideshow", {})["slide_type"] = opens
            opens = None
        out.append(cell)
    return out



# ---------------------------------------------------------------- the live view (Voilà)

def _prints_only_listings(cell) -> bool:
    """A code cell whose stored output is printed source listings and nothing else."""
    streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
    return (bool(streams) and len(streams) == len(cell.get("outputs", []))
            and all(not without_listings("".join(o.get("text", ""))).strip() for o in streams))


def live_view(nb):
    """What the live view (Voilà, ``make present``) runs: the notebook without its speaker notes.

    It shows no code (Voilà hides every input) and, through the template's stdout block and
    :func:`without_listings`, none of the source listings the cells print, the cells tagged
    ``slide-code`` included. As on the slides, a markdown cell that announces a listing ("...
    the package computes it:") then says where the code is. Changes ``nb`` and returns it.
    """
    cells = [c for c in nb.cells if not is_speaker_notes(c)]
    for before, cell in zip(cells, cells[1:], strict=False):
        if before.cell_type == "markdown" and cell.cell_type == "code" and _prints_only_listings(cell):
            _point_to_listing(before)
    nb.cells = cells
    return nb


def voila_prelaunch_hook(req, notebook, cwd):
    """VoilaConfiguration.prelaunch_hook: the notebook Voilà runs is :func:`live_view`'s."""
    return live_view(notebook)


# ---------------------------------------------------------------- stored widget state

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9A-Za-z_-]+)")


class WidgetStateError(ValueError):
    """A notebook displays widgets that its stored widget state cannot draw."""


def widget_state_problems(nb) -> list[str]:
    """Why the stored widget views of ``nb`` would not render from its stored state ([] if they would).

    A page draws a widget from ``metadata.widgets`` alone: the model of each displayed view and
    every model it refers to (``IPY_MODEL_<id>``: a stepper's slider, frames, layout) must be there.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    problems = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            model = view.get("model_id")
            missing, seen, todo = [], set(), [model]
            while todo:
                ref = todo.pop()
                if ref in seen:
                    continue
                seen.add(ref)
                if ref not in state:
                    missing.append(ref)
                    continue
                todo += _MODEL_REF.findall(json.dumps(state[ref]))
            if missing:
                what = "its model" if missing == [model] else f"{len(missing)} of the models it uses"
                problems.append(f"cell {index + 1} of {len(nb.cells)} displays widget {model}, but {what} "
                                f"is not in the saved widget state")
    return problems


def check_widget_state(nb, name: str) -> None:
    """Raise :class:`WidgetStateError`, saying what to do, when a widget view of ``nb`` cannot be drawn."""
    problems = widget_state_problems(nb)
    if problems:
        raise WidgetStateError(
            f"{name}: {len(problems)} widget view(s) cannot be drawn from the notebook's saved widget "
            f"state, so the page would show a line of text where each widget should be:\n  "
            + "\n  ".join(problems)
            + "\nIt was saved without its widget state (JupyterLab does that unless its widget manager's "
            "saveState setting is on, as in the JupyterLab of this project's .venv). To fix it, either "
            "open it in the project's JupyterLab (make lab), run all cells and save, or re-execute it: "
            f"`make notebooks` (this one only: python -m tools.notebook_tools execute {name}). "
            "Then build again.")
