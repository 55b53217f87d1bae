"""Execute notebooks reproducibly.

    python -m tools.notebook_tools execute notebooks/01_forward_pass.ipynb [...]

``execute`` runs a notebook top to bottom in a fresh kernel and stores it with
its outputs, byte-stable: no cell timings, and the random ipywidgets model ids
replaced by ids derived from the notebook's name, so re-running gives the same file.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from tools.widget_state import compact_widget_state

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MODEL_ID = re.compile(r"[0-9a-f]{32}")


def stable_widget_ids(nb_json: str, salt: str) -> str:
    """Replace every ipywidgets model id by a deterministic one, and sort the stored state.

    Ids are numbered in a canonical order: the models displayed in the cells (in cell
    order) first, then the models they reference, breadth first; so two executions
    that build the same widgets give the same file.
    """
    nb = json.loads(nb_json)
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb_json
    cells_json = json.dumps(nb.get("cells", []))
    order = list(dict.fromkeys(m for m in MODEL_ID.findall(cells_json) if m in state))
    seen = set(order)
    queue = list(order)
    while queue:
        model = state[queue.pop(0)]
        refs = MODEL_ID.findall(json.dumps(model.get("state", {}), sort_keys=True))
        for ref in refs:
            if ref in state and ref not in seen:
                seen.add(ref)
                order.append(ref)
                queue.append(ref)
    # Models nothing displayed refers to (e.g. a jslink): order them by content, with each id
    # they refer to replaced by that model's place in the order above (unknown ids masked), so
    # that the order depends neither on the random ids nor on which of two links came first.
    place = {m: i for i, m in enumerate(order)}
    rest = sorted((m for m in state if m not in seen),
                  key=lambda m: MODEL_ID.sub(lambda ref: f"#{place.get(ref.group(0), '?')}",
                                             json.dumps(state[m], sort_keys=True)))
    mapping = {old: hashlib.md5(f"{salt}:{i}".encode()).hexdigest()
               for i, old in enumerate(order + rest)}
    text = MODEL_ID.sub(lambda m: mapping.get(m.group(0), m.group(0)), nb_json)
    nb = json.loads(text)
    widgets = nb["metadata"]["widgets"][WIDGET_STATE]
    widgets["state"] = dict(sorted(widgets["state"].items()))
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@contextmanager
def notebook_lock(path: Path):
    """Hold an exclusive lock on one notebook (a ``.NAME.lock`` file beside it).

    Every tool that reads a notebook, changes it and writes it back holds this lock from the
    read to the write, so that two of them (an execution and a metadata edit) never lose
    each other's changes.
    """
    path = Path(path)
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_stable(nb, path: Path) -> None:
    """Write notebook node ``nb`` to ``path`` in the stored, byte-stable form."""
    import nbformat

    text = stable_widget_ids(nbformat.writes(nb) + "\n", Path(path).stem)
    Path(path).write_text(text, encoding="utf-8")


@contextmanager
def edit(path: Path):
    """Change a stored notebook without running it: ``with edit(p) as nb: ...`` (locked)."""
    import nbformat

    with notebook_lock(path):
        nb = nbformat.read(path, as_version=4)
        yield nb
        write_stable(nb, path)


def execute(path: Path, timeout: int = 600) -> None:
    """Run ``path`` in a fresh kernel (cwd = its folder) and save it in place, stable."""
    with notebook_lock(path):
        _execute(Path(path), timeout)


def _execute(path: Path, timeout: int) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    if not _has_widget_state(nb):
        nb.metadata.pop("widgets", None)
    compact_widget_state(nb)   # properties at their defaults are not stored (tools/widget_state.py)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    write_stable(nb, path)


def run_probe(path: Path, before: str, after: str, marker: str, timeout: int = 600):
    """Run the code cells of notebook ``path`` in a fresh kernel between two cells of our own.

    ``before`` runs first (e.g. wraps classes to record what the notebook builds), ``after``
    last; ``after`` must print ``marker`` followed by JSON. Returns that JSON, decoded. The
    notebook on disk is not changed. (The browser test and the widget benchmark use this.)
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells = ([nbformat.v4.new_code_cell(before)] + [c for c in nb.cells if c.cell_type == "code"]
                + [nbformat.v4.new_code_cell(after)])
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for output in nb.cells[-1].outputs:
        if output.get("name") == "stdout" and marker in output["text"]:
            return json.loads(output["text"].split(marker, 1)[1])
    raise RuntimeError(f"{path.name}: the last cell printed no {marker.strip()!r} line")


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stdout (or stderr) outputs into one.

    How a kernel splits one cell's printing into stream messages depends on timing;
    merged, the stored file no longer does.
    """
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and last is not None
                and last.get("output_type") == "stream" and last.get("name") == out.get("name")):
            last["text"] = "".join(last["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def _has_widget_state(nb) -> bool:
    return bool(nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notebook_tools")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="run notebooks top to bottom and store them, stable")
    ex.add_argument("notebooks", nargs="+", type=Path)
    ex.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.notebooks:
            print(f"executing {path}", file=sys.stderr)
            execute(path, args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
