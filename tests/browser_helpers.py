"""Helpers for the real-browser tests: servers on loopback, headless Chromium, expected views.

Used by tests/test_browser.py and tests/test_accessibility.py. Nothing here downloads
anything: Chromium is Debian's (/usr/bin/chromium), driven by the Python package playwright;
every request that leaves this machine is aborted and recorded, as on a lecture-hall laptop
without network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = REPO / "build" / "ui"


def skip_reason(need_voila: bool = False) -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not os.path.exists(CHROMIUM):
        return (f"{CHROMIUM} is missing: apt-get install -y chromium "
                "(.ci/run installs it; never `playwright install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install -e '.[present]'"
    if need_voila:
        try:
            import voila  # noqa: F401
        except ImportError:
            return "voila is missing: pip install -e '.[present]'"
    return None


def browser_marks(what: str) -> list:
    """``pytestmark`` for a browser test module: marked browser and slow, skipped with the reason
    when Chromium or playwright is missing, unless BPTT_REQUIRE_BROWSER=1 (set by .ci/run: CI
    must run it), which turns that skip into an error."""
    import pytest

    reason = skip_reason()
    if reason and os.environ.get("BPTT_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"BPTT_REQUIRE_BROWSER=1 but {what} cannot run: {reason}")
    marks = [pytest.mark.browser, pytest.mark.slow]
    if reason:
        marks.append(pytest.mark.skip(reason=reason))
    return marks


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_loopback(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about"):
        return True
    return parsed.hostname in ("127.0.0.1", "localhost", "::1")


class Server:
    """A server process in its own process group, killed (group and all) by :meth:`stop`."""

    def __init__(self, cmd: list[str], env: dict, ready_url: str, log: Path, cwd: Path,
                 timeout: float = 90.0):
        self.log = log
        self._log_file = open(log, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"{cmd[2]} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers (a 404 for a probe that starts nothing): it is up
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{cmd[2]} not ready after {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.3)

    def tail(self, n: int = 4000) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-n:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # kernels started by the server share its process group: make sure none is left
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log_file.close()


def isolated_env(tmp: Path) -> dict:
    """Environment for a Jupyter server whose config, runtime, data and workspaces live in ``tmp``."""
    env = dict(os.environ)
    for name, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTER_DATA_DIR", "data"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                      ("IPYTHONDIR", "ipython")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp / sub)
    # (No news pop-up, widget state saved: the settings the venv ships, tools/lab_settings.py.)
    # Every cell rendered (no windowing), so that positions do not shift while the test scrolls.
    settings = tmp / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's kernel
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JUPYTER_TOKEN", None)
    return env


def copy_notebooks(dest: Path) -> Path:
    """A scratch copy of notebooks/: the browser runs (and Lab may autosave) these, never the repo's."""
    target = dest / "notebooks"
    shutil.copytree(REPO / "notebooks", target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


def start_lab(root: Path, tmp: Path) -> tuple[Server, str]:
    """JupyterLab serving ``root`` on a free loopback port with a token; returns (server, base url).

    It reads the JupyterLab settings the venv ships (tools/lab_settings.py), as `make lab` does,
    but keeps its workspaces in ``tmp/workspaces`` (the venv's own folder is for `make lab`)."""
    port, token = free_port(), "bptt-" + os.urandom(12).hex()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
           "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    server = Server(cmd, isolated_env(tmp), f"{base}/api/status?token={token}", tmp / "lab.log", root)
    return server, f"{base}|{token}"


def start_voila(notebook: Path, tmp: Path) -> tuple[Server, str]:
    """Voilà serving one notebook (the `make present` view, the series' template) on a free port."""
    from tools.present import voila_command

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(voila_command(notebook, port), isolated_env(tmp), f"{base}/voila/static/",
                    tmp / "voila.log", notebook.parent)
    return server, base


# ---------------------------------------------------------------- what the widgets must show

_RECORDER = """
from bptt_helpers.widgets import frames as _frames
_bptt_built = []
def _bptt_record(cls, kind):
    init = cls.__init__
    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        _bptt_built.append((kind, self))
    cls.__init__ = recording_init
_bptt_record(_frames.FrameStepper, "frames")
_bptt_record(_frames.LiveFrame, "live")
"""

_EXPECTED = """
import json as _json
def _bptt_expected():
    out = []
    for kind, widget in _bptt_built:
        if kind == "frames":
            out.append({"kind": kind, "labels": widget.labels, "start": widget.index,
                        "frames": [_frames.read_frame(f) for f in widget.frames]})
        else:
            out.append({"kind": kind, "frames": [_frames.read_frame(widget.html.value)]})
    return out
print("BPTT-EXPECTED " + _json.dumps(_bptt_expected()))
"""


def expected_frames(notebook: Path) -> list[dict]:
    """Run ``notebook`` in a fresh kernel and record, in the order they were built, what every
    stepper of it holds: the frames the package made (read back with
    :func:`bptt_helpers.widgets.frames.read_frame`: step, readout, text alternative, the
    picture's words), the slider labels and the frame shown first. Live widgets (kind
    'live') give the frame they show at the end of the run.
    """
    from tools.notebook_tools import run_probe

    return run_probe(notebook, _RECORDER, _EXPECTED, "BPTT-EXPECTED ", timeout=300)


_NAMED_STEP = re.compile(r"(?<![\w(])([tk]) = (\d+)\b(?!\s*(?:\.\.|…|to\b|=))")


def steps_named(text: str) -> set[str]:
    """The steps a text names as 't = 3' or 'k = 4' (not ranges such as 't = 1..3' or
    'k = 1 to 31'): what a frame's readout, text alternative and picture say it is."""
    return {f"{letter} = {n}" for letter, n in _NAMED_STEP.findall(text)}


def step_problems(frame: dict, label: str, where: str) -> list[str]:
    """Text and picture of one frame name the step the slider shows (``label``), and no other:
    the readout, the picture's text alternative and the picture's words. A frame whose label is
    not a number (an accumulate stepper's 'none') names no step; a label that is a number and
    more (13's heatmap: "42 'o'", the step and the character it predicts) names the number."""
    named = {part: steps_named(frame[part]) for part in ("readout", "label", "svg_text")}
    step = label.split(" ", 1)[0] if label.split(" ", 1)[0].isdigit() else label
    problems = []
    for part, steps in named.items():
        wrong = {s for s in steps if s.split(" = ")[1] != step}
        if wrong:
            problems.append(f"{where}: the slider says {label}, the {part} names {sorted(wrong)}")
    if step.isdigit() and not (named["readout"] and named["svg_text"]):
        problems.append(f"{where}: readout {sorted(named['readout'])} and picture "
                        f"{sorted(named['svg_text'])} must both name the step {label}")
    return problems


def words(text: str) -> str:
    """Whitespace-normalised text (a browser's innerText of a table uses tabs and newlines)."""
    return " ".join(text.split())


# ---------------------------------------------------------------- JupyterLab: run a notebook

# Wait for the kernel, clear the stored outputs and run every cell (window.jupyterapp needs
# start_lab's --LabApp.expose_app_in_browser).
LAB_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session.kernel;
  for (let i = 0; i < 600 && (kernel.connectionStatus !== 'connected' || kernel.status !== 'idle'); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await app.commands.execute('notebook:run-all-cells');
}"""

# Every code cell has run, the kernel is idle, and ``views`` widget views have rendered in outputs.
LAB_ALL_RUN = """views => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) && indicator !== null
         && document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= views;
}"""


def widget_views(notebook: Path) -> int:
    """How many widget views the stored notebook's outputs display (a run displays as many)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               for cell in cells for out in cell.get("outputs", []))


def lab_run_notebook(page, base: str, token: str, notebook: Path, timeout: int) -> None:
    """Open ``notebook`` (in the served notebooks/) in JupyterLab, a fresh workspace, the file
    browser closed (as on a projector); run every cell; wait until its widgets have rendered."""
    page.goto(f"{base}/lab/tree/notebooks/{notebook.name}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)
    page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
    page.evaluate(LAB_RUN_ALL)
    page.wait_for_function(LAB_ALL_RUN, arg=widget_views(notebook), timeout=timeout * 2, polling=250)


def lab_shutdown_kernels(page) -> None:
    """Free the CPU for the next notebook (the server's teardown kills whatever is left)."""
    page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
