"""environment.yml (conda) and pyproject.toml (pip) must install the same packages, same bounds.

conda cannot run on this machine, so this test is what keeps environment.yml honest. It
uses a tiny parser for the simple YAML subset of environment.yml (no PyYAML needed).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 has no tomllib; tomli is the same parser
    tomllib = pytest.importorskip("tomli", reason="Python 3.10 needs tomli to read pyproject.toml")

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PIP = {"matplotlib-base": "matplotlib"}  # conda-forge's name for the GUI-less build
NOT_PIP_PACKAGES = {"python", "pip"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(requirement: str) -> tuple[str, str]:
    """'numpy>=1.26' -> ('numpy', '>=1.26'); spaces are dropped from the bound."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*", requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    return _normalise(match.group(1)), match.group(2).replace(" ", "")


def parse_environment_yml(text: str) -> dict:
    """The subset environment.yml uses: top-level keys, '- item' lists, one nested 'pip:' list."""
    result: dict = {}
    key = None
    pip_indent = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if indent == 0:
            name, _, value = stripped.partition(":")
            key, pip_indent = name.strip(), None
            result[key] = value.strip() if value.strip() else []
        elif stripped == "- pip:":
            result[key].append({"pip": []})
            pip_indent = indent
        elif stripped.startswith("- "):
            item = stripped[2:].strip()
            if pip_indent is not None and indent > pip_indent:
                result[key][-1]["pip"].append(item)
            else:
                pip_indent = None
                result[key].append(item)
        else:
            raise AssertionError(f"unexpected line in environment.yml: {raw!r}")
    return result


@pytest.fixture(scope="module")
def env():
    return parse_environment_yml((ROOT / "environment.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _conda_packages(env) -> dict[str, str]:
    packages = {}
    for item in env["dependencies"]:
        if isinstance(item, str):
            name, bound = _split(item)
            packages[CONDA_TO_PIP.get(name, name)] = bound
    return packages


def _pip_section(env) -> list[str]:
    sections = [item["pip"] for item in env["dependencies"] if isinstance(item, dict)]
    assert len(sections) == 1, "environment.yml must have exactly one pip: section"
    return sections[0]


def test_parser_reads_the_file(env):
    assert env["name"] == "bptt-notebooks"
    assert env["channels"] == ["conda-forge"]
    assert "pip" in env["dependencies"]


def test_parser_on_a_known_snippet():
    text = "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - a>=1  # note\n  - pip\n  - pip:\n" \
           "      - -e .\n      - b==2\n  - c\n"
    assert parse_environment_yml(text) == {
        "name": "x", "channels": ["conda-forge"],
        "dependencies": ["a>=1", "pip", {"pip": ["-e .", "b==2"]}, "c"]}


def test_pip_section_installs_the_project_editable(env):
    pip = _pip_section(env)
    assert "-e ." in [p.replace("  ", " ") for p in pip]


def test_python_bound_agrees(env, project):
    assert _conda_packages(env)["python"] == project["requires-python"]


def test_runtime_and_test_dependencies_are_all_in_environment_yml(env, project):
    conda = _conda_packages(env)
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    missing = sorted(set(wanted) - set(conda))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    differ = {name: (bound, conda[name]) for name, bound in wanted.items() if conda[name] != bound}
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"


def test_environment_yml_has_nothing_pyproject_lacks(env, project):
    conda = set(_conda_packages(env)) - NOT_PIP_PACKAGES
    extras = project["optional-dependencies"]
    declared = {_split(r)[0] for r in project["dependencies"]}
    for group in extras.values():
        declared |= {_split(r)[0] for r in group}
    assert conda <= declared, f"in environment.yml but not in pyproject.toml: {sorted(conda - declared)}"
    assert "pip" in _conda_packages(env), "environment.yml must install pip for its pip: section"


def test_torch_stays_optional(project):
    """torch is only an extra (cross-check tests and benchmark), pinned to the CPU build on disk."""
    assert all(_split(r)[0] != "torch" for r in project["dependencies"])
    assert [_split(r) for r in project["optional-dependencies"]["torch"]] == [("torch", "==2.13.0")]


def test_floors_constraints_pin_exactly_the_floors_of_pyproject(project):
    """make test-portable checks the notebooks in a venv built from tests/constraints-floors.txt;
    that only proves the floors pyproject.toml declares if each pin is that very floor."""
    from packaging.version import Version

    floors = {}
    for requirement in project["dependencies"]:
        name, bound = _split(requirement)
        if bound.startswith(">="):
            floors[name] = Version(bound[2:])
    pins = {}
    for line in (ROOT / "tests" / "constraints-floors.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, bound = _split(line)
            assert bound.startswith("=="), f"constraints-floors.txt must pin with ==: {line!r}"
            pins[name] = Version(bound[2:])
    for name in ("numpy", "matplotlib", "ipywidgets"):  # what the notebooks' outputs depend on
        assert name in pins, f"constraints-floors.txt does not pin {name}"
    wrong = {name: (str(pin), str(floors.get(name))) for name, pin in pins.items() if pin != floors.get(name)}
    assert not wrong, f"pins that are not pyproject's floor (pin, floor): {wrong}"


def test_start_here_checks_the_floors_of_pyproject(project):
    """Notebook 00's environment check names the same minimum versions as pyproject.toml."""
    import ast
    import json

    cells = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and "required = {" in "".join(c["source"]))
    line = next(line for line in source.splitlines() if line.startswith("required = {"))
    required = ast.literal_eval(line.split("=", 1)[1].strip())
    floors = {name: bound[2:] for name, bound in (_split(r) for r in project["dependencies"])}
    assert required.pop("python") == project["requires-python"][2:]
    assert required == {name: floors[name] for name in required}
