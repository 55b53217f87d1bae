"""The JupyterLab settings the series ships (tools/lab_settings.py, installed by `make venv`).

What they do in a real JupyterLab (side panel collapsed, no news pop-up, widget state saved with
the notebook) is checked in tests/test_browser.py; here, without a browser: each setting exists in
the JupyterLab this venv runs, the workspace is the layout we mean, the install is complete, and
the venv running the tests has it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import json5
import pytest

from tools import lab_settings

REPO = Path(__file__).resolve().parents[1]


def schema(plugin: str) -> dict:
    """The JSON schema of a JupyterLab plugin's settings, as installed in this venv."""
    package, _, name = plugin.partition(":")
    share = Path(sys.prefix) / "share" / "jupyter"
    for folder in (share / "lab" / "schemas", *(share / "labextensions").glob(f"{package}/schemas")):
        path = folder / package / f"{name}.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise AssertionError(f"no settings schema for {plugin} in {share}")


def test_every_shipped_setting_exists_with_a_valid_value():
    overrides = json5.loads(lab_settings.OVERRIDES.read_text(encoding="utf-8"))
    assert set(overrides) == {"@jupyter-widgets/jupyterlab-manager:plugin",
                              "@jupyterlab/apputils-extension:notification"}
    for plugin, values in overrides.items():
        properties = schema(plugin)["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            spec = properties[key]
            allowed = [c["const"] for c in spec.get("oneOf", [])] or None
            assert (value in allowed) if allowed else isinstance(value, bool), f"{plugin} {key}={value!r}"
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True


def test_the_workspace_collapses_the_side_panels():
    workspace = json.loads(lab_settings.WORKSPACE.read_text(encoding="utf-8"))
    layout = workspace["data"]["layout-restorer:data"]
    assert workspace["metadata"]["id"] == "default"
    assert layout["left"]["collapsed"] and layout["right"]["collapsed"]
    assert "filebrowser" in layout["left"]["widgets"]


def test_install_puts_everything_where_jupyterlab_reads_it(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    assert len(lab_settings.problems(venv)) == 3
    installed = lab_settings.install(venv)
    assert lab_settings.problems(venv) == []
    assert installed[0].parent == venv / "share/jupyter/lab/settings/overrides.d"
    config = json.loads(lab_settings.server_config_path(venv).read_text(encoding="utf-8"))
    assert config == {"LabApp": {"workspaces_dir": str((venv / "share/jupyter/lab/workspaces").resolve())}}
    assert installed[2] == lab_settings.workspace_file(lab_settings.workspaces_dir(venv))
    assert lab_settings.main(["check", str(venv)]) == 0
    lab_settings.overrides_path(venv).write_text("{}", encoding="utf-8")
    assert lab_settings.main(["check", str(venv)]) == 1
    with pytest.raises(ValueError, match="not a virtual environment"):
        lab_settings.install(tmp_path / "nothing")


def test_the_project_venv_has_the_settings():
    """make venv installs them (and again whenever tools/jupyterlab/ changes)."""
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip(f"not running in the project's .venv ({sys.prefix})")
    assert lab_settings.problems(Path(sys.prefix)) == [], "run make venv"
