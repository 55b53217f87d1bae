"""The widgets where people see them: JupyterLab, the Voilà lecture view and the static export,
in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

For notebooks 01 (forward stepper) and 04 (backward stepper): run every cell in JupyterLab,
drive the stepper with its Play button, slider and Prev/Next buttons, and check that it shows
exactly the text that the widget module's pure view function gives for that timestep, computed
independently here (the notebook run in a fresh kernel, the stepper's own arguments recorded).
No cell may show an error, the console may show no error (bar the failed look-ups of the
internet that an offline machine causes, filtered by URL), and every request that leaves the
machine is aborted, as in a lecture hall without network. Screenshots go to build/ui/.

Skipped, with the reason, when chromium or playwright is missing (`.ci/run` installs both and
sets BPTT_REQUIRE_BROWSER=1, which turns that skip into an error).
Select with `-m browser`, leave out with `-m "not browser"`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor

import browser_helpers as bh
import pytest

from tools import lecture

REASON = bh.skip_reason()
if REASON and os.environ.get("BPTT_REQUIRE_BROWSER") == "1":  # set by .ci/run: CI must run it
    raise RuntimeError(f"BPTT_REQUIRE_BROWSER=1 but the browser test cannot run: {REASON}")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
if REASON:
    pytestmark.append(pytest.mark.skip(reason=REASON))

# The stepper of each notebook: its buttons (by label) and the direction its Play button runs.
STEPPERS = {
    "01": {"kind": "forward", "towards_tau": "next ▶", "towards_1": "◀ prev"},
    "04": {"kind": "backward", "towards_tau": "back: t+1", "towards_1": "next: t-1"},
}
SHOWN_T = re.compile(r"step t = (\d+)\b")
TIMEOUT = 60_000  # ms, for a kernel to run a notebook on a busy 2-core machine


def offline_noise(message: dict) -> bool:
    """A console error that only says a look-up of the internet failed (the machine is offline).

    Narrow on purpose: a failed *resource load* whose URL is not on this machine. Those are
    JupyterLab's/Voilà's own optional fetches (e.g. Voilà's Font Awesome stylesheet from a CDN;
    its fonts are bundled). Anything else - a JS exception, a failed load from the server
    itself, a widget error - counts.
    """
    return (message["type"] == "error" and message["text"].startswith("Failed to load resource")
            and bool(message["url"]) and not bh.is_loopback(message["url"]))


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def notebooks(scratch):
    """A scratch copy of notebooks/ (the browser runs these; the repository's stay untouched)."""
    return bh.copy_notebooks(scratch)


@pytest.fixture(scope="module")
def expected(notebooks):
    """What each stepper must show at every t, computed in a thread (nbclient needs its own event loop)."""
    paths = {nb: lecture.find_notebook(nb, notebooks) for nb in STEPPERS}
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = {nb: pool.submit(bh.expected_views, path) for nb, path in paths.items()}
        views = {nb: future.result() for nb, future in futures.items()}
    for nb, steppers in views.items():
        kinds = [s["kind"] for s in steppers]
        assert STEPPERS[nb]["kind"] in kinds, f"notebook {nb} builds no {STEPPERS[nb]['kind']} stepper"
    return {nb: next(s for s in steppers if s["kind"] == STEPPERS[nb]["kind"])
            for nb, steppers in views.items()}


@pytest.fixture(scope="module")
def lab(notebooks, scratch):
    server, address = bh.start_lab(notebooks.parent, scratch / "lab")
    base, token = address.split("|")
    yield base, token
    server.stop()


@pytest.fixture(scope="module")
def browser(expected):  # after `expected`: nbclient must not run inside playwright's loop
    from playwright.sync_api import sync_playwright

    bh.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=bh.CHROMIUM, headless=True, args=bh.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A fresh browser context: requests leaving the machine aborted, console recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=bh.VIEWPORT)
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


# ---------------------------------------------------------------- reading and driving a stepper

def stepper_box(page):
    """The stepper's outer VBox: the box holding a Play widget whose text reads 'step t = ...'."""
    box = page.locator(".widget-vbox:has(> .widget-hbox .widget-play)").filter(has_text=SHOWN_T)
    box.first.wait_for(state="visible")
    return box.first


def shown_t(box) -> int:
    match = SHOWN_T.search(box.locator(".widget-html-content").first.text_content() or "")
    assert match, "the stepper shows no 'step t = ...' line"
    return int(match.group(1))


def expected_text(stepper: dict, t: int) -> str:
    view = stepper["views"][t]
    if stepper["kind"] == "backward":
        return bh.words(view["text"])
    return bh.words(" ".join([view["head"]] + [" ".join(row) for row in view["rows"]]))


def wait_for_t(box, t: int) -> None:
    from playwright.sync_api import expect

    expect(box.locator(".widget-html-content").first).to_contain_text(
        re.compile(rf"step t = {t}\b"), timeout=TIMEOUT)


PICTURE_BYTES = """async img => {
  const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}"""


def picture_bytes(box) -> bytes:
    image = box.locator("img").first
    if not image.get_attribute("src"):
        return b""
    return base64.b64decode(image.evaluate(PICTURE_BYTES))


def check_step(page, box, stepper: dict, t: int, shot: str | None = None) -> None:
    """The stepper shows step t: its text (exactly), the slider at t, and the picture of t.

    The picture arrives from the kernel just after the text: wait (bounded) until its bytes
    are those the widget draws for t.
    """
    wait_for_t(box, t)
    content = box.locator(".widget-html-content").first
    content.scroll_into_view_if_needed()  # innerText of content out of view can be empty in Lab
    text = bh.words(content.inner_text())
    assert text == expected_text(stepper, t), (f"step {t}: the widget shows\n{text}\nexpected\n"
                                               f"{expected_text(stepper, t)}")
    assert box.locator(".widget-readout").first.inner_text().strip() == str(t)
    want = stepper["views"][t]["picture"]
    for _ in range(20_000 // 200):
        shown = picture_bytes(box)
        if hashlib.sha256(shown).hexdigest() == want:
            break
        page.wait_for_timeout(200)
    else:
        (bh.SCREENSHOTS / f"picture_mismatch_t{t}.png").write_bytes(shown)
        raise AssertionError(f"step {t}: the picture is not the one the widget draws for t = {t} "
                             f"(what it shows: build/ui/picture_mismatch_t{t}.png)")
    if shot:
        box.screenshot(path=str(bh.SCREENSHOTS / shot))


def settled_t(page, box) -> int:
    """The step the stepper rests on: slider readout and text agree on two reads 300 ms apart."""
    last = None
    for _ in range(100):
        now = (box.locator(".widget-readout").first.inner_text().strip(), shown_t(box))
        if now[0] == str(now[1]) and now == last:
            return now[1]
        last = now
        page.wait_for_timeout(300)
    raise AssertionError(f"the stepper did not settle (readout, text t) = {last}")


def drive(page, box, nb: str, stepper: dict, where: str) -> list[int]:
    """Buttons, slider and Play; returns the timesteps visited (each one checked)."""
    spec, tau, start = STEPPERS[nb], stepper["tau"], stepper["start"]
    assert tau >= 5, "the stepper needs at least 5 steps for this test"
    visited = [start]
    check_step(page, box, stepper, start, f"{nb}_{where}_t{start}.png")
    # one step away from the start with a button
    away = spec["towards_tau"] if start == 1 else spec["towards_1"]
    sign = 1 if start == 1 else -1
    box.get_by_role("button", name=away, exact=True).click()
    visited.append(start + sign)
    check_step(page, box, stepper, visited[-1])
    # one more step with the slider (keyboard on its handle, as a person would)
    handle = box.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight" if sign > 0 else "ArrowLeft")
    visited.append(start + 2 * sign)
    check_step(page, box, stepper, visited[-1], f"{nb}_{where}_t{visited[-1]}.png")
    # and back with the other button
    back = spec["towards_1"] if sign > 0 else spec["towards_tau"]
    box.get_by_role("button", name=back, exact=True).click()
    visited.append(start + sign)
    check_step(page, box, stepper, visited[-1])
    # Play: runs on by itself in its own direction; pause it and check where it stopped
    play = box.locator(".widget-play").first.locator("button").first
    before = visited[-1]
    play.click()
    for _ in range(TIMEOUT // 100):  # until it has moved on by two steps
        if (shown_t(box) - before) * sign >= 2:
            break
        page.wait_for_timeout(100)
    play.click()  # pause
    t = settled_t(page, box)
    assert (t - before) * sign >= 2, f"Play moved from {before} to {t} only"
    check_step(page, box, stepper, t, f"{nb}_{where}_played_t{t}.png")
    visited.append(t)
    return visited


def assert_no_error_outputs(page) -> None:
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [stderr.nth(i).inner_text() for i in range(stderr.count())]
    assert not texts, "cells show errors or warnings:\n" + "\n---\n".join(t[:2000] for t in texts)
    assert page.get_by_text("Error displaying widget").count() == 0
    assert page.get_by_text("Model not found").count() == 0


# ---------------------------------------------------------------- JupyterLab

RUN_ALL = """async () => {
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

ALL_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) && indicator !== null;
}"""


@pytest.mark.parametrize("nb", sorted(STEPPERS))
def test_stepper_in_jupyterlab(lab, page, notebooks, expected, nb):
    base, token = lab
    path = lecture.find_notebook(nb, notebooks)
    p = page.page
    p.goto(f"{base}/lab/tree/notebooks/{path.name}?reset&token={token}")
    p.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT)
    try:
        p.evaluate(RUN_ALL)
        p.wait_for_function(ALL_RUN, timeout=TIMEOUT, polling=250)
        p.screenshot(path=str(bh.SCREENSHOTS / f"{nb}_lab_after_run_all.png"))
        assert_no_error_outputs(p)
        box = stepper_box(p)
        box.scroll_into_view_if_needed()
        visited = drive(p, box, nb, expected[nb], "lab")
        assert len(set(visited)) >= 3
        p.screenshot(path=str(bh.SCREENSHOTS / f"{nb}_lab_end.png"))
        assert_no_error_outputs(p)
        assert not page.errors(), f"console errors in JupyterLab ({nb}): {page.errors()}"
    finally:  # free the CPU for the next notebook (the server's teardown kills the rest)
        p.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")


# ---------------------------------------------------------------- the live lecture view (Voilà)

@pytest.mark.skipif(bh.skip_reason(need_voila=True) is not None,
                    reason=str(bh.skip_reason(need_voila=True)))
def test_stepper_in_voila_present_view(page, notebooks, scratch, expected):
    path = lecture.find_notebook("04", notebooks)
    server, base = bh.start_voila(path, scratch / "voila")
    try:
        p = page.page
        p.goto(base + "/")
        box = stepper_box(p)
        code = p.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor")
        assert code.count() == 0, "the lecture view must not show code"
        assert_no_error_outputs(p)
        p.screenshot(path=str(bh.SCREENSHOTS / "04_voila.png"), full_page=False)
        drive(p, box, "04", expected["04"], "voila")
        assert not page.errors(), f"console errors in Voilà: {page.errors()}"
    finally:
        server.stop()


# ---------------------------------------------------------------- the static export, offline

def test_static_html_renders_stored_widgets_offline(page, notebooks, scratch, expected):
    out = scratch / "html"
    paths = [lecture.find_notebook(nb, notebooks) for nb in sorted(STEPPERS)]
    lecture.export("html", out, paths)
    for nb, path in zip(sorted(STEPPERS), paths, strict=True):
        p = page.page
        p.goto((out / f"{path.stem}.html").as_uri())
        box = stepper_box(p)
        box.locator(".widget-slider").wait_for(state="visible")
        # the stored (last) view: text, slider and picture of its step, as the widget drew them
        check_step(p, box, expected[nb], shown_t(box), f"{nb}_static_html.png")
    assert page.remote == [], f"the static pages tried the network: {page.remote}"
    assert not page.errors(), f"console errors in the static pages: {page.errors()}"


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
    assert page.remote == [], f"the slides tried the network: {page.remote}"
    assert not page.errors(), f"console errors in the slides: {page.errors()}"

