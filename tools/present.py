"""The live, code-free view of one notebook: Voilà (``make present NB=04``)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def series_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series' notebooks ``NN_slug.ipynb`` in order."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def find_notebook(spec: str, folder: Path = NOTEBOOKS) -> Path:
    """'04', '4', '04_backward_stepper' or a path -> the notebook's path."""
    path = Path(spec)
    if path.suffix == ".ipynb" and path.exists():
        return path
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError("NB: give a notebook number, e.g. NB=04")
    prefix = spec.strip().zfill(2) if spec.strip().isdigit() else spec.strip()
    matches = [p for p in series_notebooks(folder) if p.stem.startswith(prefix)]
    if len(matches) != 1:
        names = ", ".join(p.stem for p in series_notebooks(folder)) or "none"
        raise ValueError(f"NB={spec!r} matches {len(matches)} notebooks (there are: {names})")
    return matches[0]


def voila_command(notebook: Path, port: int, ip: str = "127.0.0.1") -> list[str]:
    """Voilà serving one notebook: cells run in a fresh kernel, code hidden, widgets live."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            f"--Voila.ip={ip}", "--theme=light"]
