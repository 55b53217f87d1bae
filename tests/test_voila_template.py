"""The series' Voilà template (`make present`): found, selected, and carrying the same
accessibility CSS and script as the static pages. No browser needed (tests/test_accessibility.py
runs axe-core over the Voilà pages themselves)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from tools import page_a11y, present

TEMPLATE = page_a11y.VOILA_ROOT / "voila" / "templates" / page_a11y.VOILA_TEMPLATE


def test_present_and_page_a11y_agree_on_the_template():
    assert (present.VOILA_ROOT, present.VOILA_TEMPLATE) == (page_a11y.VOILA_ROOT, page_a11y.VOILA_TEMPLATE)
    assert json.loads((TEMPLATE / "conf.json").read_text()) == {"base_template": "lab"}
    index = (TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    assert "{%- extends 'lab/index.html.j2' -%}" in index
    for name in ("a11y.css", "a11y.js"):
        assert f'"static/{name}"' in index, f"the Voilà template does not load {name}"
    # the static pages inline exactly the files Voilà serves
    for text, name in ((page_a11y.A11Y_CSS, "a11y.css"), (page_a11y.A11Y_JS, "a11y.js")):
        assert text.strip() == (TEMPLATE / "static" / name).read_text(encoding="utf-8").strip()


def test_voila_command_selects_the_template(tmp_path):
    cmd = present.voila_command(tmp_path / "x.ipynb", 8866)
    assert cmd[:2] == [sys.executable, str(present.__file__)] and "--template=bptt" in cmd
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8866" in cmd
    env = present.voila_env({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(present.VOILA_ROOT), "/elsewhere"]


def test_voila_finds_the_template_first():
    """What Voilà itself resolves with our JUPYTER_PATH: our folder first, then 'lab' and 'base'.
    Voilà comes with the `present` extra (`make test` works without it; .ci/run installs it and
    sets BPTT_REQUIRE_BROWSER=1, which makes a missing Voilà an error, not a skip)."""
    if importlib.util.find_spec("voila") is None:
        if os.environ.get("BPTT_REQUIRE_BROWSER") == "1":
            pytest.fail("BPTT_REQUIRE_BROWSER=1 but Voilà is not installed: pip install -e '.[present]'")
        pytest.skip("Voilà is not installed (the `present` extra): pip install -e '.[present]'")
    probe = ("from voila.paths import collect_template_paths as c; "
             "print('\\n'.join(c(['voila', 'nbconvert'], 'bptt', prune=True)))")
    out = subprocess.run([sys.executable, "-c", probe], env=present.voila_env(), capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == str(TEMPLATE)
    assert any(p.endswith("voila/templates/lab") for p in out), out


def test_the_lecture_view_runs_without_notes_and_prints_no_listings():
    """tools/present.py gives Voilà the prelaunch hook that drops the speaker notes and the Jinja
    filter the template's stdout block prints through (the browser test checks the page itself)."""
    from tools import lecture_view

    config = present.voila_config()
    assert config.VoilaConfiguration.prelaunch_hook is lecture_view.voila_prelaunch_hook
    assert config.VoilaExporter.filters == {"bptt_without_listings": lecture_view.without_listings}
    index = (TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    block = index[index.index("{% block stream_stdout"):index.index("{%- endblock stream_stdout")]
    assert "output.text | bptt_without_listings" in block and "output.text |" not in block.replace(
        "output.text | bptt_without_listings", "")
