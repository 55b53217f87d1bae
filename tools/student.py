"""The student edition: every notebook with its exercise solutions taken out, in a workspace that
is never overwritten.

    python -m tools.student workspace        (make student; make lab does it first)

In the stored notebooks an exercise's solution sits between two marker lines::

    # BEGIN SOLUTION (hint: eq (4.4): c is used at every step ...)
    ...
    # END SOLUTION

The student copy replaces those lines (markers included) by ``raise NotImplementedError("<hint>")``
at the same indentation and clears that cell's outputs, so the checker reports "not implemented
yet" until the student writes the equation. It also

- takes out nbgrader's hidden tests (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``);
- clears the stored output of every checker cell (nbgrader ``grade: true``): no ✓ is on screen
  before the student has run their own answer;
- adds, after each checker cell, a folded "reference solution" (a ``<details>`` block) for a
  self-study student to open after trying (never in an nbgrader release, which nbgrader makes
  from the source notebooks);
- leaves out the speaker notes (slide type ``notes``), as the static HTML does.

**Nothing a student wrote is ever overwritten.** The workspace holds a manifest of what this tool
last wrote there: per notebook, a hash of what a student can write in it, its cells' types and
sources. A notebook whose cells still have that hash is the student's only in outputs and
metadata (they ran it, or JupyterLab saved the widget state): it is brought up to date. A notebook
in which the student wrote anything is kept as it is, and when the series has a new version of it,
that version arrives beside it as ``NN_slug.update-<hash>.ipynb``. The run says which notebooks
are new, updated, and kept with an update beside them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?:\s*\(hint:\s*(?P<hint>.*)\))?\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
HIDDEN_BEGIN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\s*$")
HIDDEN_END = re.compile(r"^[ \t]*### END HIDDEN TESTS\s*$")
DEFAULT_HINT = "write this part yourself, following the equation above"
MANIFEST = ".bptt-student-edition.json"
REFERENCE_KEY = "bptt_reference_solution"   # cell metadata of the folded reference solutions


def _strip_blocks(source: str, begin, end, what: str, replace=None) -> tuple[str, list[str]]:
    """Remove each ``begin``...``end`` block of ``source`` (markers included); returns (text, blocks).

    ``replace(match) -> str`` gives the line put where a block was. Raises ``ValueError`` for an
    unbalanced or nested marker, so a broken marker never leaks a solution.
    """
    out, removed, block = [], [], None
    for line in source.splitlines(keepends=True):
        bare = line.rstrip("\n")
        opening = begin.match(bare)
        if block is None and opening:
            if replace is not None:
                out.append(replace(opening))
            block = []
        elif block is not None and end.match(bare):
            removed.append("".join(block))
            block = None
        elif block is not None:
            if begin.match(bare):
                raise ValueError(f"nested '{what}' markers")
            block.append(line)
        elif end.match(bare):
            raise ValueError(f"an end marker without a matching '{what}'")
        else:
            out.append(line)
    if block is not None:
        raise ValueError(f"'{what}' without a matching end marker")
    text = "".join(out)
    if not source.endswith("\n"):
        text = text.rstrip("\n")
    return text, removed


def strip_solutions(source: str) -> tuple[str, list[str]]:
    """Replace each marked solution block in ``source`` by its placeholder; returns (new source,
    removed blocks). Raises ``ValueError`` for a BEGIN without END (or the reverse)."""
    def placeholder(m):
        hint = (m.group("hint") or DEFAULT_HINT).strip()
        return f'{m.group("indent")}raise NotImplementedError({hint!r})\n'
    return _strip_blocks(source, BEGIN, END, "# BEGIN SOLUTION", placeholder)


def strip_hidden_tests(source: str) -> str:
    """``source`` without nbgrader's hidden-test blocks."""
    return _strip_blocks(source, HIDDEN_BEGIN, HIDDEN_END, "### BEGIN HIDDEN TESTS")[0].rstrip("\n")


def is_speaker_notes(cell) -> bool:
    """A cell for the lecturer only: slide type ``notes`` (reveal.js speaker view, key S)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def is_checker_cell(cell) -> bool:
    """An exercise's graded checker cell (nbgrader ``grade: true``, not a solution cell)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def drop_speaker_notes(nb):
    """Remove the speaker-notes cells of notebook ``nb`` in place; returns ``nb``."""
    nb.cells = [c for c in nb.cells if not is_speaker_notes(c)]
    return nb


def reference_cell(solved_source: str, grade_id: str):
    """The folded reference solution shown after a checker: a markdown cell with a <details> block."""
    import nbformat

    code = "\n".join(line for line in solved_source.splitlines()
                     if not BEGIN.match(line) and not END.match(line))
    fence = "````" if "```" in code else "```"
    cell = nbformat.v4.new_markdown_cell(
        "<details><summary><b>Reference solution</b> (open it after you have tried: "
        "your own answer teaches more)</summary>\n\n"
        f"{fence}python\n{code}\n{fence}\n\n</details>")
    cell.id = f"{grade_id}-reference"[:64]
    cell.metadata[REFERENCE_KEY] = grade_id
    cell.metadata["slideshow"] = {"slide_type": "skip"}
    return cell


def student_notebook(nb):
    """A copy of notebook ``nb`` (nbformat node): solutions stripped (outputs cleared), hidden
    tests out, checker outputs cleared, reference solutions folded in after the checkers, and no
    speaker notes. Returns ``(copy, removed_blocks)``."""
    import copy

    nb = drop_speaker_notes(copy.deepcopy(nb))
    removed, cells, pending = [], [], None
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        if "# BEGIN SOLUTION" in cell.source:
            solved = cell.source
            cell.source, blocks = strip_solutions(cell.source)
            removed.extend(blocks)
            cell.outputs, cell.execution_count = [], None
            pending = (solved, cell.metadata.get("nbgrader", {}).get("grade_id", cell.id))
        if is_checker_cell(cell) or "### BEGIN HIDDEN TESTS" in cell.source:
            cell.source = strip_hidden_tests(cell.source)
            cell.outputs, cell.execution_count = [], None
        if is_checker_cell(cell) and pending is not None:
            cells.append(reference_cell(*pending))
            pending = None
    nb.cells = cells
    nb.metadata.pop("widgets", None)  # stored widget views belong to the solved run
    return nb, removed


# ---- the workspace: written once, never overwritten ------------------------------------------------

def _digest(text: str) -> str:
    """What a student can write in a notebook (its JSON text): its cells' types and sources."""
    cells = json.loads(text).get("cells", [])
    written = [(c.get("cell_type"), "".join(c.get("source", ""))) for c in cells]
    return hashlib.sha256(json.dumps(written, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class SyncReport:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)    # (student's notebook, update beside it)
    unchanged: list[str] = field(default_factory=list)

    def lines(self, out_dir: Path) -> list[str]:
        lines = [f"student edition in {out_dir}: {len(self.new)} new, {len(self.updated)} updated, "
                 f"{len(self.unchanged)} unchanged, {len(self.kept)} of yours kept with an update "
                 "beside them"]
        lines += [f"  new:     {name}" for name in self.new]
        lines += [f"  updated: {name} (you had not changed it)" for name in self.updated]
        lines += [f"  kept:    {mine} is yours, untouched; the series' new version is {beside}"
                  for mine, beside in self.kept]
        return lines


def sync(notebooks_dir: Path, out_dir: Path) -> SyncReport:
    """Bring the student edition in ``out_dir`` up to date without touching the student's work."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    report = SyncReport()
    for path in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        nb, _ = student_notebook(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        text = nbformat.writes(nb) + "\n"
        target = out_dir / path.name
        ours = manifest.get(path.name)
        if not target.exists():
            target.write_text(text, encoding="utf-8")
            report.new.append(path.name)
        elif _digest(target.read_text(encoding="utf-8")) == ours:       # nothing written in it since
            if ours != _digest(text):
                target.write_text(text, encoding="utf-8")
                report.updated.append(path.name)
            else:
                report.unchanged.append(path.name)
        else:                                                           # the student's: never touched
            if _digest(text) != ours and _digest(target.read_text(encoding="utf-8")) != _digest(text):
                beside = out_dir / f"{path.stem}.update-{_digest(text)[:8]}.ipynb"
                if not beside.exists():
                    beside.write_text(text, encoding="utf-8")
                report.kept.append((path.name, beside.name))
            else:
                report.unchanged.append(path.name)
            continue
        manifest[path.name] = _digest(text)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report


def build(notebooks_dir: Path, out_dir: Path) -> list[Path]:
    """Sync the student edition into ``out_dir``; returns the paths of its notebooks."""
    sync(notebooks_dir, out_dir)
    return [out_dir / p.name for p in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.student", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("workspace"))
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)
    report = sync(args.notebooks, args.out_dir)
    print("\n".join(report.lines(args.out_dir)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
