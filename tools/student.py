"""The student edition: every notebook with its exercise solutions taken out.

    python -m tools.student build/student      (or: make student)

In the stored notebooks an exercise's solution sits between two marker lines::

    # BEGIN SOLUTION (hint: subtract 1 at the target, then divide by tau)
    ...
    # END SOLUTION

The student copy replaces those lines (markers included) by
``raise NotImplementedError("<hint>")`` at the same indentation and clears the
outputs of that cell, so the checker in the cell reports "not implemented yet"
until the student writes the equation.

Speaker notes (markdown cells of slide type ``notes``, for the lecturer's reveal.js speaker
view) are left out of the student copy, as they are of the static HTML.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?:\s*\(hint:\s*(?P<hint>.*)\))?\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
DEFAULT_HINT = "write this part yourself, following the equation above"


def strip_solutions(source: str) -> tuple[str, list[str]]:
    """Replace each marked solution block in ``source``; returns (new source, removed blocks).

    Raises ``ValueError`` for a BEGIN without END (or the reverse), so a broken marker
    never leaks a solution.
    """
    out, removed, block = [], [], None
    for line in source.splitlines(keepends=True):
        begin = BEGIN.match(line.rstrip("\n"))
        if block is None and begin:
            hint = (begin.group("hint") or DEFAULT_HINT).strip()
            out.append(f'{begin.group("indent")}raise NotImplementedError({hint!r})\n')
            block = []
        elif block is not None and END.match(line.rstrip("\n")):
            removed.append("".join(block))
            block = None
        elif block is not None:
            if BEGIN.match(line.rstrip("\n")):
                raise ValueError("nested '# BEGIN SOLUTION' markers")
            block.append(line)
        elif END.match(line.rstrip("\n")):
            raise ValueError("'# END SOLUTION' without a matching '# BEGIN SOLUTION'")
        else:
            out.append(line)
    if block is not None:
        raise ValueError("'# BEGIN SOLUTION' without a matching '# END SOLUTION'")
    text = "".join(out)
    if not source.endswith("\n"):
        text = text.rstrip("\n")
    return text, removed


def is_speaker_notes(cell) -> bool:
    """A cell for the lecturer only: slide type ``notes`` (reveal.js speaker view, key S)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def drop_speaker_notes(nb):
    """Remove the speaker-notes cells of notebook ``nb`` in place; returns ``nb``."""
    nb.cells = [c for c in nb.cells if not is_speaker_notes(c)]
    return nb


def student_notebook(nb):
    """A copy of notebook ``nb`` (nbformat node) with solutions stripped and their outputs
    cleared, and without speaker notes.

    Returns ``(copy, removed_blocks)``.
    """
    import copy

    nb = drop_speaker_notes(copy.deepcopy(nb))
    removed = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "# BEGIN SOLUTION" not in cell.source:
            continue
        cell.source, blocks = strip_solutions(cell.source)
        removed.extend(blocks)
        cell.outputs = []
        cell.execution_count = None
    nb.metadata.pop("widgets", None)  # stored widget views belong to the solved run
    return nb, removed


def build(notebooks_dir: Path, out_dir: Path) -> list[Path]:
    """Write the student copy of every ``NN_*.ipynb`` of ``notebooks_dir`` into ``out_dir``."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        nb, _ = student_notebook(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        target = out_dir / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.student")
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("build/student"))
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)
    written = build(args.notebooks, args.out_dir)
    print(f"wrote {len(written)} student notebooks to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
