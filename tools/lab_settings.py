"""The JupyterLab settings the series ships, installed into a venv (``make venv`` does it).

    python -m tools.lab_settings install .venv    # copy them in (again)
    python -m tools.lab_settings check .venv      # say what is missing or out of date (exit 1)

Every JupyterLab started from that venv reads them (``make lab``, a plain ``jupyter lab``), whatever
folder it opens; a user's own settings still win over them. From tools/jupyterlab/:

- ``overrides.json5``, installed as ``share/jupyter/lab/settings/overrides.d/bptt-notebooks.json5``
  (JupyterLab's per-package setting defaults): the widget manager saves the widget state with the
  notebook (ipywidgets' ``saveState``, off by default: without it a notebook saved after a Run All
  displays widgets it does not store, and ``make html``/``make slides`` refuse it), and no news
  pop-up and no fetch of news or update checks (a lecture hall may have no network).
- ``default.jupyterlab-workspace``: the layout of JupyterLab's default workspace, with the side
  panel collapsed, so that a notebook gets the whole width of a projector. JupyterLab has no
  setting for that: a workspace without a saved layout opens with the file browser expanded. The
  file goes to ``share/jupyter/lab/workspaces/`` in the venv, and
  ``etc/jupyter/jupyter_lab_config.json`` points JupyterLab's workspaces there
  (``LabApp.workspaces_dir``; a ``--LabApp.workspaces_dir`` on the command line still wins).
  JupyterLab then saves the layout there as it changes: an install puts the collapsed one back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "jupyterlab"
OVERRIDES = SOURCE / "overrides.json5"
WORKSPACE = SOURCE / "default.jupyterlab-workspace"
NAME = "bptt-notebooks"


def overrides_path(prefix: Path) -> Path:
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / f"{NAME}.json5"


def workspaces_dir(prefix: Path) -> Path:
    return Path(prefix).resolve() / "share" / "jupyter" / "lab" / "workspaces"


def server_config_path(prefix: Path) -> Path:
    """JupyterLab's own configuration file in the venv (jupyter_server's .d folders hold only the
    list of server extensions, not configuration of JupyterLab)."""
    return Path(prefix) / "etc" / "jupyter" / "jupyter_lab_config.json"


def workspace_file(folder: Path) -> Path:
    """Where JupyterLab looks for its default workspace in ``folder`` (jupyterlab_server's name)."""
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    return Path(folder) / f"{slugify('default')}{WORKSPACE_EXTENSION}"


def server_config(prefix: Path) -> dict:
    return {"LabApp": {"workspaces_dir": str(workspaces_dir(prefix))}}


def install_workspace(folder: Path) -> Path:
    """Put the shipped default workspace (side panel collapsed) into workspaces folder ``folder``."""
    target = workspace_file(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(WORKSPACE.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def install(prefix: Path) -> list[Path]:
    """Install the settings, the default workspace and the server configuration into venv ``prefix``."""
    prefix = Path(prefix)
    if not (prefix / "bin").is_dir() and not (prefix / "Scripts").is_dir():
        raise ValueError(f"prefix: {prefix} is not a virtual environment (no bin/ in it)")
    overrides = overrides_path(prefix)
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(OVERRIDES.read_text(encoding="utf-8"), encoding="utf-8")
    config = server_config_path(prefix)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(server_config(prefix), indent=2) + "\n", encoding="utf-8")
    return [overrides, config, install_workspace(workspaces_dir(prefix))]


def problems(prefix: Path) -> list[str]:
    """What of the shipped settings venv ``prefix`` lacks ([] when it has them all, up to date)."""
    prefix = Path(prefix)
    found = []
    overrides = overrides_path(prefix)
    shipped = OVERRIDES.read_text(encoding="utf-8")
    if not overrides.exists() or overrides.read_text(encoding="utf-8") != shipped:
        found.append(f"{overrides} is missing or differs from {OVERRIDES}")
    config = server_config_path(prefix)
    if not config.exists() or json.loads(config.read_text(encoding="utf-8")) != server_config(prefix):
        found.append(f"{config} is missing or does not point JupyterLab's workspaces at "
                     f"{workspaces_dir(prefix)}")
    if not workspace_file(workspaces_dir(prefix)).exists():
        found.append(f"no default workspace in {workspaces_dir(prefix)}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lab_settings", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("install", "check"))
    parser.add_argument("prefix", type=Path, nargs="?", default=Path(sys.prefix),
                        help="the venv (default: this one)")
    args = parser.parse_args(argv)
    if args.command == "install":
        for path in install(args.prefix):
            print(f"installed {path}", file=sys.stderr)
        return 0
    found = problems(args.prefix)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"run: make venv (or python -m tools.lab_settings install {args.prefix})", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
