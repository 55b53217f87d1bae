"""The live, code-free view of one notebook: Voilà (``make present NB=04``).

Voilà runs with the series' own template, ``bptt`` (tools/voila_template/voila/templates/bptt:
Voilà's 'lab' template plus the accessibility CSS and script of the static pages, see
tools/page_a11y.py). Voilà looks for templates in ``<JUPYTER_PATH entry>/voila/templates/<name>``
and has no option that adds a folder to that search, so :func:`voila_command` starts Voilà
through this file, which puts tools/voila_template first on JUPYTER_PATH (for that process and
its kernels only) and passes ``--template=bptt``: whoever runs the command (``make present``,
the browser tests) needs no setup.

What the audience sees (tools/lecture_view.py): Voilà runs the notebook without its speaker
notes (a prelaunch hook, :func:`tools.lecture_view.live_view`), hides every code input, and the
template prints each cell's output without the source listings it contains (the Jinja filter
``bptt_without_listings``, :func:`tools.lecture_view.without_listings`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
# as tools/page_a11y.py (VOILA_ROOT, VOILA_TEMPLATE); not imported, so that this file runs alone
VOILA_ROOT = Path(__file__).resolve().parent / "voila_template"
VOILA_TEMPLATE = "bptt"


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
    """Voilà serving one notebook: cells run in a fresh kernel, code hidden, widgets live, through
    the series' template (run by :func:`run_voila`, which finds it)."""
    return [sys.executable, str(Path(__file__).resolve()), str(notebook), "--no-browser",
            f"--port={port}", f"--Voila.ip={ip}", "--theme=light", f"--template={VOILA_TEMPLATE}"]


def voila_env(env: dict | None = None) -> dict:
    """``env`` (default: this process's) with the series' template folder first on JUPYTER_PATH."""
    env = dict(os.environ if env is None else env)
    rest = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(VOILA_ROOT), rest) if p)
    return env


def voila_config():
    """The traitlets configuration of the lecture view: no speaker notes, no source listings."""
    from traitlets.config import Config

    from tools.lecture_view import voila_prelaunch_hook, without_listings

    config = Config()
    config.VoilaConfiguration.prelaunch_hook = voila_prelaunch_hook
    config.VoilaExporter.filters = {"bptt_without_listings": without_listings}
    return config


def run_voila(argv: list[str]) -> int:
    """Voilà with ``argv``, in this process, its templates searched in VOILA_ROOT first."""
    os.environ.update(voila_env())
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() not in (here, REPO)]
    from voila.app import Voila

    sys.argv = ["voila", *argv]
    return Voila.launch_instance(config=voila_config()) or 0


if __name__ == "__main__":
    sys.exit(run_voila(sys.argv[1:]))
