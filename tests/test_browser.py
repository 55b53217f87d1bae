"""The widgets where people see them: JupyterLab, the Voilà lecture view and the static export,
in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

Every notebook of the series that builds a widget is covered. In JupyterLab: run every cell,
then drive each stepper through every one of its frames from the keyboard (Home, the arrow
keys, End: the sliders' extremes too) and with its Play button, and check at every step that

- the frame on show is exactly the one the package made for that step (its readout, its
  picture's text alternative and words), recorded independently here by running the notebook
  in a fresh kernel;
- text and picture changed together: sampled at every animation frame while stepping and
  playing, the slider's readout, the readout text and the picture never name different steps;
- on a projector (1280x720 at 150 % zoom), with the stepper scrolled to the top, its controls
  and its whole picture are on the screen (a screenshot of each goes to build/ui/).

The live widgets (08's training curve, 09's explorer) are checked for the frame the run ends
on, and 09 for a frame that follows its slider. Voilà and the static HTML export (no kernel:
the frames switch in the browser) get the same checks. No cell may show an error, the console
may show no error (bar the failed look-ups of the internet that an offline machine causes,
filtered by URL), and every request that leaves the machine is aborted, as in a lecture hall
without network.

Skipped, with the reason, when chromium or playwright is missing (`.ci/run` installs both and
sets BPTT_REQUIRE_BROWSER=1, which turns that skip into an error).
Select with `-m browser`, leave out with `-m "not browser"`.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import browser_helpers as bh
import pytest

from tools import lecture

pytestmark = bh.browser_marks("the browser test")

# The notebooks that build widgets (each is checked to build at least one).
WIDGET_NOTEBOOKS = ("01", "04", "05", "06", "07", "08", "09", "10", "13")
TIMEOUT = 90_000  # ms, for a kernel to run a notebook on a busy 2-core machine
PROJECTOR = {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5}  # 1280x720 at 150 %


def offline_noise(message: dict) -> bool:
    """A console error that only says a look-up of the internet failed (the machine is offline).

    Narrow on purpose: a failed *resource load* whose URL is not on this machine. Those are
    JupyterLab's/Voilà's own optional fetches (e.g. Voilà's Font Awesome stylesheet from a CDN;
    its fonts are bundled). Anything else - a JS exception, a failed load from the server
    itself, a widget error - counts.
    """
    return (message["type"] == "error" and message["text"].startswith("Failed to load resource")
            and bool(message["url"]) and not bh.is_loopback(message["url"]))


# Voilà 0.5.13 (the newest release) draws its page with JupyterLab 4.2.5's modules, while the
# widget extensions it loads ask for newer ones: ipywidgets' own @jupyter-widgets/jupyterlab-manager
# (built against JupyterLab 4.6) and Voilà's widgets-manager8 (built against 4.5). webpack's module
# federation falls back to the 4.2.5 copy and logs one warning per module ("Unsatisfied version
# 4.2.5 ... of shared singleton module @jupyterlab/rendermime (required ^4.6.2)"): 13 when Voilà
# starts. The widgets work (this test steps every frame). Neither extension can be left out (the
# manager would find no @jupyter-widgets/base) and an older ipywidgets front end would move the
# whole series back, so these are tolerated, and any other warning is not.
VOILA_VERSION_WARNING = re.compile(r"^(Unsatisfied version \S+ from \S+ of shared singleton module "
                                   r"|No satisfying version \(\S+\) of shared module )@jupyterlab/[\w-]+")


def unexplained_warnings(page) -> list[str]:
    return [m["text"] for m in page.console
            if m["type"] == "warning" and not VOILA_VERSION_WARNING.match(m["text"])]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def notebooks(scratch):
    """A scratch copy of notebooks/ (the browser runs these; the repository's stay untouched)."""
    return bh.copy_notebooks(scratch)


class Expected(dict):
    """nb -> what its widgets hold, computed on first use in a fresh kernel (in a thread of its own:
    nbclient needs an event loop, and playwright's runs in the main thread)."""

    def __init__(self, notebooks):
        super().__init__()
        self.notebooks = notebooks
        self.pool = ThreadPoolExecutor(max_workers=1)

    def __missing__(self, nb):
        widgets = self.pool.submit(bh.expected_frames, lecture.find_notebook(nb, self.notebooks)).result()
        assert widgets, f"notebook {nb} builds no widget"
        self[nb] = widgets
        return widgets


@pytest.fixture(scope="module")
def expected(notebooks):
    book = Expected(notebooks)
    yield book
    book.pool.shutdown()


@pytest.fixture(scope="module")
def lab(notebooks, scratch):
    server, address = bh.start_lab(notebooks.parent, scratch / "lab")
    base, token = address.split("|")
    yield base, token
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    bh.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=bh.CHROMIUM, headless=True, args=bh.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A fresh browser context: requests leaving the machine aborted, console recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(**PROJECTOR)
        self.remote: list[str] = []
        self.console: list[dict] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.page.on("console", lambda m: self.console.append(
            {"type": m.type, "text": m.text, "url": (m.location or {}).get("url", "")}))
        self.page.on("pageerror", lambda e: self.console.append(
            {"type": "pageerror", "text": str(e), "url": ""}))

    def _route(self, route):
        if bh.is_loopback(route.request.url):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def errors(self) -> list[dict]:
        return [m for m in self.console
                if m["type"] in ("error", "pageerror") and not offline_noise(m)]


@pytest.fixture
def page(browser):
    p = Page(browser)
    yield p
    p.context.close()


# ---------------------------------------------------------------- reading a widget in the page

# The controls of a stepper: ipywidgets' (JupyterLab, Voilà) or the static pages' own.
READOUT, HANDLE, PLAY = ".widget-readout, .bptt-value", ".noUi-handle, .bptt-slider", \
    ".widget-play button, button.bptt-play"

# What the frame on show draws: its picture's words in drawing order, each <use> of the
# stepper's shared picture read where it stands (what the browser draws there).
STATE = """root => {
  const shown = [...root.querySelectorAll('.bptt-frame')].filter(f => f.getClientRects().length > 0);
  const readout = root.querySelector('.widget-readout, .bptt-value');
  const words = node => {
    const out = [];
    const walk = el => { for (const c of el.children) {
      if (c.tagName === 'text') out.push(c.textContent);
      else if (c.tagName === 'use') {
        const ref = document.getElementById((c.getAttribute('href') || '').slice(1));
        if (ref) walk(ref); else out.push('<missing ' + c.getAttribute('href') + '>');
      } else if (!['title', 'style', 'defs'].includes(c.tagName)) walk(c);
    } };
    walk(node);
    return out.join(' ');
  };
  // a word of the readout drawn on two lines (broken inside a number) has two boxes
  const broken = pre => {
    const out = [];
    const walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      for (const m of t.textContent.matchAll(/\\S+/g)) {
        const r = document.createRange();
        r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
    return out;
  };
  return {
    slider: readout ? readout.textContent.trim() : null,
    frames: shown.map(f => {
      const svg = f.querySelector('svg');
      const pre = f.querySelector('pre');
      return {step: f.dataset.step, svg_step: svg ? svg.dataset.step : null,
              readout: pre.innerText, broken: broken(pre),
              label: svg ? svg.getAttribute('aria-label') : null,
              svg_text: svg ? words(svg) : ''};
    })};
}"""

# Every animation frame, what the stepper shows: (slider readout, [data-step of the frames on show,
# and of their pictures]). Text and picture of a step are one element, so a frame that names two
# steps, or none, or disagrees with the slider, is a frame the student saw out of step.
SAMPLER = """root => {
  window.__bptt_samples = []; window.__bptt_sampling = true;
  const tick = () => {
    const shown = [...root.querySelectorAll('.bptt-frame')].filter(f => f.getClientRects().length > 0);
    const readout = root.querySelector('.widget-readout, .bptt-value');
    window.__bptt_samples.push([readout ? readout.textContent.trim() : null,
      shown.map(f => f.dataset.step + '|' + (f.querySelector('svg') || {dataset: {}}).dataset.step)]);
    if (window.__bptt_sampling) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""

FITS = """async root => {
  // scroll the widget to the top until the layout stops moving under it
  let last = null;
  for (let i = 0; i < 20; i++) {
    root.scrollIntoView({block: 'start'});
    await new Promise(r => setTimeout(r, 250));
    const top = root.getBoundingClientRect().top;
    if (last !== null && Math.abs(top - last) < 1) break;
    last = top;
  }
  return new Promise(resolve => setTimeout(() => {
    const shown = [...root.querySelectorAll('.bptt-frame svg')].filter(f => f.getClientRects().length > 0);
    const parts = {play: root.querySelector('.widget-play, .bptt-play'),
                   slider: root.querySelector('.widget-slider, .widget-hslider, .bptt-slider'),
                   picture: shown[0] || null};
    const out = {width: window.innerWidth, height: window.innerHeight};
    for (const [name, el] of Object.entries(parts)) {
      if (!el) { out[name] = null; continue; }
      const r = el.getBoundingClientRect();
      out[name] = {top: r.top, left: r.left, bottom: r.bottom, right: r.right, height: r.height};
    }
    resolve(out);
  }, 100));
}"""


def norm(frame: dict) -> dict:
    return {"step": frame["step"], "readout": bh.words(frame["readout"]), "label": frame["label"],
            "svg_text": bh.words(frame["svg_text"])}


def state(root) -> dict:
    return root.evaluate(STATE)


def check_frame(page, root, widget: dict, index: int, where: str) -> None:
    """The widget shows frame ``index`` of ``widget`` (exactly), and its slider agrees."""
    want = widget["frames"][index]
    for _ in range(TIMEOUT // 100):
        now = state(root)
        if len(now["frames"]) == 1 and now["frames"][0]["step"] == want["step"]:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"{where}: frame {want['step']} never showed; the widget shows {now}")
    shown = now["frames"][0]
    assert shown["svg_step"] == want["step"], f"{where}: the picture is of step {shown['svg_step']}"
    assert norm(shown) == norm(want), f"{where}: the frame differs from the package's:\n{shown}\n{want}"
    assert not shown["broken"], f"{where}: the readout breaks inside {shown['broken']} (1280x720 at 150 %)"
    if widget["kind"] == "frames":
        assert now["slider"] == widget["labels"][index], (
            f"{where}: the slider reads {now['slider']!r}, the frame is {widget['labels'][index]!r}")
        # the text and the picture the browser shows name the step the slider shows: comparing
        # them with the package's frame cannot see a frame whose text and picture disagree
        problems = bh.step_problems(norm(shown), widget["labels"][index], where)
        assert not problems, "\n".join(problems)


def check_samples(page, widget: dict, where: str) -> int:
    """Stop the sampler; every sampled animation frame showed one step, text and picture alike."""
    samples = page.evaluate("() => { window.__bptt_sampling = false; return window.__bptt_samples; }")
    pairs = {(label, f"{frame['step']}|{frame['step']}")
             for label, frame in zip(widget["labels"], widget["frames"], strict=True)}
    bad = [s for s in samples if len(s[1]) != 1 or (s[0], s[1][0]) not in pairs]
    assert samples, f"{where}: no animation frame was sampled"
    assert not bad, (f"{where}: {len(bad)} of {len(samples)} animation frames showed the slider, "
                     f"text and picture out of step, e.g. {bad[:5]}")
    return len(samples)


def check_fits(page, root, shot: str) -> dict:
    """Scrolled to the top, the controls and the whole picture are inside the window."""
    box = root.evaluate(FITS)
    page.screenshot(path=str(bh.SCREENSHOTS / shot))
    for name in ("play", "slider", "picture"):
        rect = box[name]
        if name != "picture" and rect is None:
            continue  # a live widget has no Play button or slider of its own kind
        assert rect is not None, f"{shot}: no {name} found"
        inside = (rect["top"] >= -1 and rect["left"] >= -1 and rect["bottom"] <= box["height"] + 1
                  and rect["right"] <= box["width"] + 1)
        assert inside, (f"{shot}: the {name} is not on the screen ({box['width']}x{box['height']} CSS px "
                        f"= 1280x720 at 150 %): {rect}")
    return box


def key(page, root, name: str) -> None:
    handle = root.locator(HANDLE).first
    handle.focus()
    page.keyboard.press(name)


def drive(page, root, widget: dict, where: str, every_frame: bool = True) -> list[int]:
    """Every frame from the keyboard (Home, then ArrowRight to the end, ArrowLeft, End), then
    Play from the start; each step checked; returns the frames visited. With ``every_frame``
    False, ArrowRight goes only two frames before End (the decks: the static pages, built the
    same way, are walked through every frame)."""
    n = len(widget["frames"])
    visited = [widget["start"]]
    check_frame(page, root, widget, widget["start"], f"{where} start")
    page.evaluate(SAMPLER, root.element_handle())
    key(page, root, "Home")
    visited.append(0)
    check_frame(page, root, widget, 0, f"{where} Home")
    for index in range(1, n if every_frame else min(n, 3)):
        key(page, root, "ArrowRight")
        visited.append(index)
        check_frame(page, root, widget, index, f"{where} arrow to frame {index}")
    if n > 1:
        back = visited[-1] - 1
        key(page, root, "ArrowLeft")
        visited.append(back)
        check_frame(page, root, widget, back, f"{where} arrow back to frame {back}")
    key(page, root, "End")
    visited.append(n - 1)
    check_frame(page, root, widget, n - 1, f"{where} End")
    # Play runs on by itself from the start; pause it once it has moved two frames
    key(page, root, "Home")
    check_frame(page, root, widget, 0, f"{where} Home before Play")
    play = root.locator(PLAY).first
    play.click()
    for _ in range(TIMEOUT // 100):
        if root.locator(READOUT).first.inner_text().strip() in widget["labels"][2:]:
            break
        page.wait_for_timeout(100)
    play.click()  # pause
    page.wait_for_timeout(600)
    label = root.locator(READOUT).first.inner_text().strip()
    index = widget["labels"].index(label)
    assert index >= 2, f"{where}: Play moved only to frame {index}"
    check_frame(page, root, widget, index, f"{where} after Play")
    visited.append(index)
    check_samples(page, widget, where)
    return visited


def assert_no_error_outputs(page) -> None:
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [stderr.nth(i).inner_text() for i in range(stderr.count())]
    assert not texts, "cells show errors or warnings:\n" + "\n---\n".join(t[:2000] for t in texts)
    assert page.get_by_text("Error displaying widget").count() == 0
    assert page.get_by_text("Model not found").count() == 0


# What only the lecturer may see: the words that open and close a speaker-notes cell, and the
# lines that start a printed source listing (tools.lecture_view.without_listings).
LECTURER_ONLY = """() => {
  const text = document.body.innerText;
  const notes = ['Speaker notes.', 'Ask the room:'].filter(w => text.includes(w));
  const listings = [...document.querySelectorAll('.jp-OutputArea-output pre')]
    .map(pre => pre.innerText.split('\\n').find(line => /^(def |class |async def |@|# ---- )/.test(line)))
    .filter(line => line !== undefined);
  return {notes, listings};
}"""


def assert_nothing_for_the_lecturer(page, where: str, listings: bool = True) -> None:
    """No speaker notes on the page (and, with ``listings``, no source listing either)."""
    found = page.evaluate(LECTURER_ONLY)
    assert not found["notes"], f"{where} shows speaker notes ({found['notes']})"
    if listings:
        assert not found["listings"], f"{where} shows source listings, e.g. {found['listings'][:3]}"


def check_widgets(page, nb: str, widgets: list[dict], where: str, live_moves: bool) -> None:
    """Every widget of the page, in order: frames checked and driven, fit on a projector."""
    steppers = page.locator(".bptt-stepper")
    lives = page.locator(".bptt-live")
    want_steppers = [w for w in widgets if w["kind"] == "frames"]
    want_lives = [w for w in widgets if w["kind"] == "live"]
    if want_steppers:
        steppers.nth(len(want_steppers) - 1).wait_for(state="attached", timeout=TIMEOUT)
    assert steppers.count() == len(want_steppers), f"{nb} {where}: {steppers.count()} steppers shown"
    assert lives.count() == len(want_lives), f"{nb} {where}: {lives.count()} live widgets shown"
    for k, widget in enumerate(want_steppers):
        root = steppers.nth(k)
        root.scroll_into_view_if_needed()
        check_fits(page, root, f"{nb}_{where}_stepper{k}_projector.png")
        visited = drive(page, root, widget, f"{nb} {where} stepper {k}")
        assert set(visited) == set(range(len(widget["frames"]))), "every frame must be visited"
    for k, widget in enumerate(want_lives):
        root = lives.nth(k)
        root.scroll_into_view_if_needed()
        check_frame(page, root, widget, 0, f"{nb} {where} live widget {k}")
        # the whole widget (its sliders, if any, sit above the frame) scrolled to the top; in the
        # static pages a live widget is its stored frame
        box = root.locator("xpath=ancestor-or-self::div[contains(@class,'widget-vbox') or "
                           "contains(@class,'bptt-livecopy')][1]")
        check_fits(page, box, f"{nb}_{where}_live{k}_projector.png")
        if live_moves and nb == "09":
            move_live_explorer(page, root)


def move_live_explorer(page, root) -> None:
    """09: an arrow key on the ρ(W) slider gives a new frame whose text and picture name the new ρ."""
    box = root.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    slider = box.locator(HANDLE).first
    before = state(root)["frames"][0]
    slider.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(TIMEOUT // 100):
        now = state(root)["frames"]
        if len(now) == 1 and now[0]["readout"] != before["readout"]:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("09: the explorer did not redraw after an arrow key on ρ(W)")
    rho = re.search(r"ρ\(W\) = ([0-9.]+)", now[0]["readout"]).group(1)
    assert rho == "1.05", f"09: ρ(W) moved to {rho}, expected 1.05"
    assert rho in now[0]["label"] and rho in now[0]["svg_text"], "09: the picture does not name the new ρ"


# ---------------------------------------------------------------- JupyterLab

PROJECTOR_STATE = """async () => {
  const app = window.jupyterapp;
  // a setting as JupyterLab uses it: the user's value, else the default (shipped overrides included)
  const composite = async id => {
    const d = await (await fetch(`${document.baseURI.split('/lab')[0]}/lab/api/settings/${id}`)).json();
    const props = d.schema.properties;
    const value = k => (k in d.settings ? d.settings[k] : props[k].default);
    return Object.fromEntries(Object.keys(props).map(k => [k, value(k)]));
  };
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)').getBoundingClientRect();
  return {left_collapsed: app.shell.leftCollapsed, width: window.innerWidth, notebook: notebook.width,
          toasts: [...document.querySelectorAll('.Toastify__toast')].map(t => t.innerText),
          widgets: await composite('@jupyter-widgets/jupyterlab-manager:plugin'),
          news: await composite('@jupyterlab/apputils-extension:notification')};
}"""


def test_make_lab_opens_for_a_projector(lab, page, scratch):
    """JupyterLab with the settings `make venv` ships (tools/lab_settings.py) opens a notebook as
    `make lab` does (its URL, the venv's default workspace, no ?reset) with the side panel collapsed,
    the notebook the whole width of a projector (1280x720 at 150 %), no news pop-up; its widget
    manager saves widget state."""
    from tools import lab_settings

    missing = lab_settings.problems(sys.prefix)
    assert not missing, f"this venv lacks the JupyterLab settings the series ships (run make venv): {missing}"
    base, token = lab
    # what make venv puts into the venv's workspaces folder, in the test server's own folder
    lab_settings.install_workspace(scratch / "lab" / "workspaces")
    p = page.page
    p.goto(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}")
    try:
        p.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT)
        p.wait_for_timeout(2500)  # without the settings, the news question shows within a second
        got = p.evaluate(PROJECTOR_STATE)
        p.screenshot(path=str(bh.SCREENSHOTS / "00_lab_projector.png"))
        assert got["left_collapsed"], "make lab opens with the side panel expanded"
        assert got["notebook"] > 0.9 * got["width"], f"the notebook is {got['notebook']} of {got['width']} px"
        assert not got["toasts"], f"JupyterLab shows pop-ups: {got['toasts']}"
        assert got["widgets"]["saveState"] is True, got["widgets"]
        assert got["news"]["fetchNews"] == "false" and got["news"]["checkForUpdates"] is False, got["news"]
        assert page.remote == [], f"JupyterLab tried the network: {page.remote}"
    finally:
        p.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")


@pytest.mark.parametrize("nb", WIDGET_NOTEBOOKS)
def test_widgets_in_jupyterlab(lab, page, notebooks, expected, scratch, nb):
    base, token = lab
    path = lecture.find_notebook(nb, notebooks)
    p = page.page
    # Lab renders every cell (no windowing), so that each widget is in the page to be found
    p.goto(f"{base}/lab/tree/notebooks/{path.name}?reset&token={token}")
    p.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT)
    try:
        # a lecturer on a projector closes the file browser (LECTURES.md); the notebook gets the width
        p.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
        p.evaluate(bh.LAB_RUN_ALL)
        p.wait_for_function(bh.LAB_ALL_RUN, arg=0, timeout=TIMEOUT * 2, polling=250)
        assert_no_error_outputs(p)
        check_widgets(p, nb, expected[nb], "lab", live_moves=True)
        assert_no_error_outputs(p)
        assert not page.errors(), f"console errors in JupyterLab ({nb}): {page.errors()}"
        if nb == SAVED_IN_LAB:
            # the steppers are saved on the frame they show now: the page must open on it
            shown = p.locator(".bptt-stepper .widget-readout").all_inner_texts()
            saved = [dict(w, start=w["labels"].index(label.strip())) for w, label in
                     zip([w for w in expected[nb] if w["kind"] == "frames"], shown, strict=True)]
            # save as JupyterLab's autosave does (after two minutes): the document context's save
            p.evaluate("() => window.jupyterapp.shell.currentWidget.context.save()")
    finally:  # free the CPU for the next notebook (the server's teardown kills the rest)
        p.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
    if nb == SAVED_IN_LAB:
        try:
            check_saved_in_lab(p, path, saved, scratch / "lab_saved")
        finally:  # the later tests export the scratch notebooks as stored
            shutil.copyfile(lecture.find_notebook(SAVED_IN_LAB), path)


# The notebook saved in JupyterLab after its Run All, then exported and stepped with no kernel.
SAVED_IN_LAB = "04"


def check_saved_in_lab(p, path, widgets: list[dict], out) -> None:
    """JupyterLab saved the run's widget state (its settings, tools/lab_settings.py): `make html`
    builds the notebook as Lab saved it, and its steppers step there, every frame the package's,
    from the frame each showed when it was saved."""
    import nbformat

    saved = nbformat.read(path, as_version=4)
    stored = nbformat.read(lecture.find_notebook(SAVED_IN_LAB), as_version=4)
    views = lecture.widget_state_problems
    assert views(saved) == [], f"{path.name} as JupyterLab saved it: {views(saved)}"
    ids = [o["data"][lecture.WIDGET_VIEW]["model_id"] for c in saved.cells for o in c.get("outputs", [])
           if lecture.WIDGET_VIEW in o.get("data", {})]
    before = [o["data"][lecture.WIDGET_VIEW]["model_id"] for c in stored.cells for o in c.get("outputs", [])
              if lecture.WIDGET_VIEW in o.get("data", {})]
    assert ids and set(ids).isdisjoint(before), "the saved notebook must hold the Lab run's widgets"
    lecture.export("html", out, [path])
    p.goto((out / f"{path.stem}.html").as_uri())
    p.locator(".bptt-stepper").first.wait_for(state="visible", timeout=TIMEOUT)
    check_widgets(p, SAVED_IN_LAB, widgets, "lab_saved_static", live_moves=False)


# ---------------------------------------------------------------- the live lecture view (Voilà)

@pytest.mark.skipif(bh.skip_reason(need_voila=True) is not None,
                    reason=str(bh.skip_reason(need_voila=True)))
@pytest.mark.parametrize("nb", WIDGET_NOTEBOOKS)
def test_widgets_in_voila_present_view(page, notebooks, scratch, expected, nb):
    path = lecture.find_notebook(nb, notebooks)
    server, base = bh.start_voila(path, scratch / f"voila{nb}")
    try:
        p = page.page
        p.goto(base + "/", timeout=TIMEOUT * 2)
        p.locator(".bptt-stepper, .bptt-live").first.wait_for(state="visible", timeout=TIMEOUT * 2)
        code = p.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor")
        assert code.count() == 0, "the lecture view must not show code"
        p.wait_for_function("() => document.querySelector('#rendered_cells') && "
                            "getComputedStyle(document.querySelector('#rendered_cells')).display !== 'none'")
        assert_nothing_for_the_lecturer(p, f"Voilà {nb}")
        assert_no_error_outputs(p)
        check_widgets(p, nb, expected[nb], "voila", live_moves=True)
        assert not page.errors(), f"console errors in Voilà ({nb}): {page.errors()}"
        warnings = unexplained_warnings(page)
        assert not warnings, f"console warnings in Voilà ({nb}): {warnings}"
    finally:
        server.stop()


# ---------------------------------------------------------------- the static export, offline

def test_static_html_steps_without_a_kernel(page, notebooks, scratch, expected):
    """The exported pages hold every frame: the steppers step with no kernel and no network."""
    out = scratch / "html"
    paths = [lecture.find_notebook(nb, notebooks) for nb in WIDGET_NOTEBOOKS]
    lecture.export("html", out, paths)
    for nb, path in zip(WIDGET_NOTEBOOKS, paths, strict=True):
        p = page.page
        p.goto((out / f"{path.stem}.html").as_uri())
        p.locator(".bptt-stepper, .bptt-live").first.wait_for(state="visible", timeout=TIMEOUT)
        assert_nothing_for_the_lecturer(p, f"the static page of {nb}", listings=False)
        check_widgets(p, nb, expected[nb], "static", live_moves=False)
    assert page.remote == [], f"the static pages tried the network: {page.remote}"
    assert not page.errors(), f"console errors in the static pages: {page.errors()}"


SHOW_SLIDE_OF = """(root) => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'], R => {
  const section = root.closest('section');
  const i = R.getIndices(section);
  R.slide(i.h, i.v, Number.MAX_SAFE_INTEGER);
  setTimeout(() => resolve([i.h, i.v || 0]), 900);   // the slide transition
}))"""


CURRENT_SLIDE = """() => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'], R => {
  const i = R.getIndices();
  resolve([i.h, i.v || 0]);
}))"""


def test_slides_step_without_a_kernel(page, notebooks, scratch, expected):
    """In the decks every stepper steps with no kernel and no network, from the keyboard (the
    arrow keys step the widget, not the deck) and with Play, each frame the package's."""
    out = scratch / "slides_widgets"
    paths = [lecture.find_notebook(nb, notebooks) for nb in WIDGET_NOTEBOOKS]
    lecture.export("slides", out, paths)
    for nb, path in zip(WIDGET_NOTEBOOKS, paths, strict=True):
        p = page.page
        p.goto((out / f"{path.stem}.slides.html").as_uri())
        p.wait_for_selector(".reveal.ready", timeout=TIMEOUT)
        steppers = p.locator(".bptt-stepper")
        want = [w for w in expected[nb] if w["kind"] == "frames"]
        if want:
            steppers.nth(len(want) - 1).wait_for(state="attached", timeout=TIMEOUT)
        assert steppers.count() == len(want), f"{nb} slides: {steppers.count()} steppers shown"
        for k, widget in enumerate(want):
            root = steppers.nth(k)
            where = p.evaluate(SHOW_SLIDE_OF, root.element_handle())
            check_fits(p, root, f"{nb}_slides_stepper{k}_projector.png")
            visited = drive(p, root, widget, f"{nb} slides stepper {k}", every_frame=False)
            assert {0, len(widget["frames"]) - 1} <= set(visited)
            # the arrow keys moved the stepper, not the deck
            assert p.evaluate(CURRENT_SLIDE) == where, f"{nb}: the deck moved while stepping"
            check_leaving(p, root, where, f"{nb} slides stepper {k}")
    assert page.remote == [], f"the slides tried the network: {page.remote}"
    assert not page.errors(), f"console errors in the slides: {page.errors()}"


INDICES = """() => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'],
  R => resolve(JSON.stringify(R.getIndices()))))"""


def check_leaving(p, root, where, name: str) -> None:
    """Leaving a stepper is obvious: while its controls have the keys it says how to leave; then
    Escape, or a click anywhere outside its controls (its picture too), gives the arrow keys back
    to the deck."""
    for leave in ("Escape", "click"):
        root.locator(HANDLE).first.focus()
        hint = root.evaluate("r => getComputedStyle(r.querySelector('.bptt-hint')).visibility")
        assert hint == "visible", f"{name}: no hint says how to leave the stepper"
        if leave == "Escape":
            p.keyboard.press("Escape")
        else:
            root.locator(".bptt-frame:not(.bptt-off) svg").first.click(position={"x": 5, "y": 5})
        assert not root.evaluate("r => r.contains(document.activeElement)"), (
            f"{name}: the stepper keeps the keys after {leave}")
        before = p.evaluate(INDICES)
        p.keyboard.press("ArrowLeft")     # back: the slide before, or the fragment before
        p.wait_for_timeout(900)           # the slide transition
        assert p.evaluate(INDICES) != before, f"{name}: after {leave} ← did not move the deck"
        p.evaluate(SHOW_SLIDE_OF, root.element_handle())


def test_slides_render_offline(page, notebooks, scratch):
    out = scratch / "slides"
    path = lecture.find_notebook("04", notebooks)
    lecture.export("slides", out, [path])
    p = page.page
    p.goto((out / f"{path.stem}.slides.html").as_uri())
    p.wait_for_selector(".reveal.ready", timeout=TIMEOUT)
    p.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=TIMEOUT)
    p.screenshot(path=str(bh.SCREENSHOTS / "04_slides_title.png"))
    p.keyboard.press("ArrowRight")
    p.wait_for_timeout(800)  # the slide transition
    p.screenshot(path=str(bh.SCREENSHOTS / "04_slides_next.png"))
    check_speaker_view(p)
    assert page.remote == [], f"the slides tried the network: {page.remote}"
    assert not page.errors(), f"console errors in the slides: {page.errors()}"


# Per formula (MathJax's output frame) under ``root``: how many copies of it are drawn, MathJax's own
# drawing (.mjx-math) and its MathML copy for screen readers (1x1 px where MathJax's CSS applies).
FORMULA_COPIES = """root => [...root.querySelectorAll('.mjx-chtml')].map(f => [...f.children]
  .filter(c => c.matches('.mjx-math, .MJX_Assistive_MathML'))
  .filter(c => { const r = c.getBoundingClientRect(); return r.width > 2 && r.height > 2; }).length)"""

# The same for the formulas a slide shows (its speaker notes, hidden there, left out).
SHOWN_FORMULA_COPIES = FORMULA_COPIES.replace(
    "querySelectorAll('.mjx-chtml')]",
    "querySelectorAll('.mjx-chtml')].filter(f => !f.closest('aside.notes'))")
assert SHOWN_FORMULA_COPIES != FORMULA_COPIES

FIRST_SLIDE_WITH_NOTES = """() => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'], R => {
  const s = R.getSlides().find(s => s.querySelector(':scope > aside.notes .mjx-chtml'));
  const i = R.getIndices(s);
  R.slide(i.h, i.v);
  setTimeout(() => resolve([i.h, i.v || 0]), 900);
}))"""


def _typeset_copies(locator, timeout: float = 20.0) -> list[int]:
    """SHOWN_FORMULA_COPIES once the preview has drawn its formulas: under load its re-typesetting
    can take longer than the fixed wait before it (seen: every formula still at 0 copies)."""
    deadline = time.monotonic() + timeout
    while True:
        copies = locator.evaluate(SHOWN_FORMULA_COPIES)
        if not copies or max(copies) >= 1 or time.monotonic() > deadline:
            return copies
        time.sleep(0.25)


def check_speaker_view(p) -> None:
    """Key S opens reveal.js's speaker view: the notes and the 'Upcoming' preview draw each formula once."""
    where = p.evaluate(FIRST_SLIDE_WITH_NOTES)
    with p.context.expect_page() as popup:
        p.keyboard.press("s")
    speaker = popup.value
    speaker.set_viewport_size({"width": 1280, "height": 800})
    notes = speaker.locator(".speaker-controls-notes")
    notes.locator(".mjx-chtml").first.wait_for(state="attached", timeout=TIMEOUT)
    upcoming = speaker.frame_locator("#upcoming-slide iframe").locator(".reveal.ready")
    upcoming.wait_for(state="attached", timeout=TIMEOUT)
    speaker.wait_for_timeout(1500)  # the previews re-typeset after moving to their slide
    speaker.screenshot(path=str(bh.SCREENSHOTS / "04_slides_speaker_view.png"))
    copies = notes.evaluate(FORMULA_COPIES)
    assert copies and set(copies) == {1}, (
        f"speaker view of slide {where}: copies drawn of each formula in the notes: {copies}")
    frame = speaker.frame_locator("#upcoming-slide iframe").locator("section.present").last
    copies = _typeset_copies(frame)
    assert copies, f"speaker view of slide {where}: the Upcoming slide shows no formula to count"
    assert set(copies) == {1}, f"speaker view of slide {where}: copies of each formula in Upcoming: {copies}"
    speaker.close()
