"""Accessibility of what `make html` and `make slides` build: no axe-core WCAG 2.0/2.1 A and AA violation.

Both folders are built here from the stored notebooks exactly as the Makefile builds them
(tools.lecture) and every page is opened offline in a real headless Chromium (Debian's
/usr/bin/chromium driven by playwright). axe-core runs over each page once its widgets and
MathJax have rendered; on the slides axe sees only what is on show, so every slide of every
deck is visited (fragments shown) and checked in turn. Any violation fails the test, listed as
rule, page (and slide) and element.

axe-core itself is fetched at test time like the scripts the pages ship (``npm pack`` into
build/npm-cache, pinned, checked against the registry's sha512) and injected into the page
under test: it is never part of the build output. Every request that leaves the machine is
aborted.

The live views of the widget notebooks are checked too, after their cells have run and their
widgets have rendered: Voilà (the `make present` view, through the series' own template,
tools/present.py) over the whole page; JupyterLab over what the series ships in it, the
notebook's cells (markdown, code and outputs, widgets included), not JupyterLab's own menus,
toolbars and side panels. What axe may leave out there, and why, is listed in LAB_EXCLUDED.

Skipped, with the reason, when chromium or playwright is missing; an error instead when
BPTT_REQUIRE_BROWSER=1 (as in tests/test_browser.py).
"""

from __future__ import annotations

import tarfile

import browser_helpers as bh
import pytest

from tools import lecture

pytestmark = bh.browser_marks("the accessibility test")

AXE = lecture.Vendored(
    "axe-core", "4.14.1",
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
    "axe-core", ("axe.min.js",))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT = 60_000  # ms

# Rules switched off, rule -> why; elements left out of every run, CSS selector -> why. Only for
# markup the series does not control. None is needed: what nbconvert, JupyterLab's CSS, reveal.js,
# MathJax and the widget manager draw is brought to AA by the page template (tools/lecture_html.py).
EXCLUDED_RULES: dict[str, str] = {}
EXCLUDED_SELECTORS: dict[str, str] = {}

RUN_AXE = """async ([context, tags, rules]) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                   rules: Object.fromEntries(rules.map(r => [r, {enabled: false}]))};
  const result = await axe.run(context, options);
  return result.violations.flatMap(v => v.nodes.map(n => ({
    rule: v.id, target: n.target.join(' '),
    why: (n.failureSummary || '').split('\\n').slice(0, 2).join(' ')})));
}"""

# The page is ready once MathJax has typeset it and every stored widget view has rendered.
READY = """() => new Promise(resolve => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const start = performance.now();
  const poll = () => {
    const rendered = document.querySelectorAll('.widget-subarea > .lm-Widget').length;
    if (rendered >= views || performance.now() - start > 30000) {
      const hub = window.MathJax && window.MathJax.Hub;
      if (hub) hub.Queue(() => requestAnimationFrame(() => resolve(rendered >= views)));
      else requestAnimationFrame(() => resolve(rendered >= views));
    } else setTimeout(poll, 100);
  };
  poll();
})"""

# Reveal's API, with transitions off (so that axe never meets a slide or fragment half faded in).
REVEAL = """() => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'], R => {
  window.__bptt_reveal = R;
  R.configure({transition: 'none', backgroundTransition: 'none'});
  const still = document.createElement('style');
  still.textContent = '.reveal .slides *, .reveal .slides { transition: none !important; }';
  document.head.appendChild(still);
  resolve(R.getSlides().length);
}))"""

# Show slide i with all its fragments; resolve once MathJax has re-rendered it.
SHOW_SLIDE = """i => new Promise(resolve => {
  const R = window.__bptt_reveal, slide = R.getSlides()[i], at = R.getIndices(slide);
  R.slide(at.h, at.v, slide.querySelectorAll('.fragment').length - 1);
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(
      {h: at.h, v: at.v || 0, present: slide.classList.contains('present')})));
  const hub = window.MathJax && window.MathJax.Hub;
  if (hub) hub.Queue(done); else done();
})"""


def axe_source() -> str:
    """axe.min.js from the pinned, sha512-checked npm tarball (cached in build/npm-cache)."""
    tgz = lecture._npm_pack(AXE, lecture.NPM_CACHE)
    with tarfile.open(tgz, "r:gz") as tar, tar.extractfile("package/axe.min.js") as src:
        return src.read().decode("utf-8")


def context_for(selector: str | None = None) -> dict:
    """An axe context: the whole document (or ``selector``) minus the excluded elements."""
    context: dict = {"exclude": [[s] for s in EXCLUDED_SELECTORS]}
    if selector:
        context["include"] = [[selector]]
    return context


def check(page, where: str, selector: str | None = None) -> list[str]:
    found = page.evaluate(RUN_AXE, [context_for(selector), TAGS, list(EXCLUDED_RULES)])
    return [f"{v['rule']} · {where} · {v['target']} · {v['why']}" for v in found]


def check_html_page(page, path) -> list[str]:
    page.goto(path.as_uri())
    assert page.evaluate(READY), f"{path.name}: the stored widget views did not all render"
    return check(page, path.name)


def check_deck(page, path) -> list[str]:
    """Every slide of the deck on show in turn; the page around the slides (controls...) once."""
    page.goto(path.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=TIMEOUT)
    assert page.evaluate(READY), f"{path.name}: the stored widget views did not all render"
    count = page.evaluate(REVEAL)
    assert count > 0, f"{path.name}: no slides"
    found: dict[str, None] = {}
    for i in range(count):
        shown = page.evaluate(SHOW_SLIDE, i)
        assert shown["present"], f"{path.name}: slide {i} could not be shown"
        where = f"{path.name}#/{shown['h']}/{shown['v']}"
        for line in check(page, where, ".reveal .slides section.present:not(.stack)"):
            found.setdefault(line)
    for line in check(page, path.name):  # the last slide and everything around the slides
        found.setdefault(line)
    return list(found)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y")
    notebooks = lecture.series_notebooks()
    lecture.export("html", out / "html", notebooks)
    lecture.export("slides", out / "slides", notebooks)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=bh.CHROMIUM, headless=True, args=bh.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, axe):
    """A page whose every document gets axe-core; requests that leave the machine are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    remote: list[str] = []

    def route(r):
        if bh.is_loopback(r.request.url):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.add_init_script(script=axe)
    p = context.new_page()
    p.set_default_timeout(TIMEOUT)
    p.remote = remote
    yield p
    context.close()


# ---------------------------------------------------------------- tests

def test_axe_is_not_shipped(built):
    shipped = [p for p in built.rglob("*") if "axe" in p.name.lower()]
    shipped += [p for p in built.rglob("*.html") if "axe-core" in p.read_text(encoding="utf-8")]
    assert shipped == [], f"axe-core must not be part of the build output: {shipped}"


# A stepper's controls: ipywidgets' (JupyterLab, Voilà) or the static pages' own (lecture_steppers).
PLAY = ".widget-play button, button.bptt-play"
FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  const kind = e.matches('.widget-play button, button.bptt-play') ? 'button'
    : e.matches('.noUi-handle, input.bptt-slider') ? 'handle' : 'other';
  return {kind, element: e.tagName.toLowerCase() + '.' + [...e.classList].join('.'),
          name: (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent)
                 || '').trim(),
          in_widget: !!e.closest('.jupyter-widgets, .bptt-stepper'),
          left: r.left, top: r.top, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def test_widget_controls_are_named_and_show_keyboard_focus(page, built):
    """Reached with Tab, a stored stepper's Play buttons and slider handle each have a name and
    show a focus outline of at least 2 px (axe does not look at focus styles)."""
    for path in sorted((built / "html").glob("[0-9][0-9]_*.html")):
        page.goto(path.as_uri())
        assert page.evaluate(READY), f"{path.name}: the stored widget views did not all render"
        if page.locator(PLAY).count():
            break
    else:
        raise AssertionError("no page of the series shows a Play widget")
    page.locator(PLAY).first.focus()
    page.keyboard.press("Shift+Tab")  # come back from the keyboard: the browser shows :focus-visible
    page.keyboard.press("Tab")
    seen = []
    while (now := page.evaluate(FOCUSED))["in_widget"] and len(seen) < 12:
        seen.append(now)
        page.keyboard.press("Tab")
    assert {"button", "handle"} <= {f["kind"] for f in seen}, (
        f"{path.name}: Tab did not reach a Play button and a slider handle: {seen}")
    unnamed = [f["element"] for f in seen if f["kind"] != "other" and not f["name"]]
    assert not unnamed, f"{path.name}: controls without an accessible name: {unnamed}"
    faint = [f for f in seen if f["outline"] == "none" or f["width"] < 2]
    assert not faint, f"{path.name}: focused controls without a visible outline: {faint}"


def test_static_steppers_announce_each_step(page, built):
    """Every static page with a stepper: Tab reaches its slider (named, focus drawn), ArrowRight shows
    the next frame, and the stepper's one polite live region says that frame's first readout line."""
    problems, pages = [], 0
    for path in sorted((built / "html").glob("[0-9][0-9]_*.html")):
        page.goto(path.as_uri())
        assert page.evaluate(READY), f"{path.name}: the stored widget views did not all render"
        if page.locator(".bptt-stepper").count():
            pages += 1
            problems += keyboard_step(page, path.name, announced=True)
    assert pages >= 6, f"only {pages} static pages show a stepper"
    assert not problems, "\n".join(problems)


def test_static_html_has_no_violations(page, built):
    pages = sorted((built / "html").glob("*.html"))
    assert len(pages) == len(lecture.series_notebooks()) + 1
    violations = [v for path in pages for v in check_html_page(page, path)]
    assert not violations, (f"{len(violations)} axe-core violations (rule · page · element · why):\n"
                            + "\n".join(violations))
    assert page.remote == [], f"the pages tried the network: {page.remote}"


def test_every_slide_has_no_violations(page, built):
    decks = sorted((built / "slides").glob("*.slides.html"))
    assert len(decks) == len(lecture.series_notebooks())
    violations = [v for path in decks for v in check_deck(page, path)]
    violations += check_html_page(page, built / "slides" / "index.html")
    assert not violations, (f"{len(violations)} axe-core violations (rule · page#/slide · element · why):\n"
                            + "\n".join(violations))
    assert page.remote == [], f"the decks tried the network: {page.remote}"


# ---------------------------------------------------------------- the live views: JupyterLab, Voilà

WIDGET_NOTEBOOKS = ("01", "04", "05", "06", "07", "08", "09", "10", "13")
LIVE_TIMEOUT = 90_000  # ms: a kernel running a notebook on a busy 2-core machine

# In JupyterLab axe looks at the notebook's cells only (LAB_SCOPE): JupyterLab's menus, toolbars,
# tabs and side panels are not the series' markup. Inside the cells, these elements are drawn by
# JupyterLab or ipywidgets, and the series cannot reach them from a notebook (our page script does
# not run in JupyterLab, and ipywidgets 8 gives Python no attribute for them); selector -> why.
# Voilà, the static pages and the slides need no exclusion: there the page script names them.
LAB_SCOPE = ".jp-NotebookPanel .jp-Notebook .jp-Cell"
LAB_EXCLUDED: dict[str, str] = {
    ".jp-InputArea-editor": "JupyterLab's code editor (CodeMirror 6): its role=textbox has no name "
                            "(aria-input-field-name); the code is the series', the editor is not",
    ".jp-collapseHeadingButton": "JupyterLab's collapse button beside a markdown heading has no "
                                 "name (button-name); drawn by JupyterLab",
    ".widget-play button": "ipywidgets' Play widget draws its buttons as bare icons (button-name); "
                           "its Python description/tooltip never reach the buttons",
    ".noUi-handle": "ipywidgets' slider handle (noUiSlider, role=slider) is not tied to the "
                    "slider's visible description (aria-input-field-name); nothing in Python sets it",
    ".jp-RenderedImage > img": "JupyterLab's image renderer writes no alt (image-alt) and ignores "
                               "the output's metadata; each figure's text alternative is its "
                               "text/plain and its visible 'What to notice' caption follows it",
}

# Rules left out in JupyterLab only, rule -> why.
LAB_EXCLUDED_RULES: dict[str, str] = {
    "scrollable-region-focusable": "JupyterLab's MathJax 3 keeps each formula's MathML for screen "
        "readers in an invisible box as tall as the formula: a markdown cell with a tall aligned "
        "block scrolls by nothing visible. a11y.css fixes it in Voilà; nothing reaches Lab's CSS",
}

# Voilà ready: the spinner gone, the cells shown, every stored output rendered (no JSON left to
# render) and ``views`` widget views drawn.
VOILA_READY = """views => {
  const cells = document.querySelector('#rendered_cells');
  return !!cells && getComputedStyle(cells).display !== 'none' && !document.querySelector('#loading')
    && !document.querySelector('script[type="application/vnd.voila.cell-output+json"]')
    && document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= views;
}"""


def live_check(page, where: str, selector: str | None, excluded: dict[str, str],
               rules: dict[str, str] | None = None) -> list[str]:
    context = context_for(selector)
    context["exclude"] += [[s] for s in excluded]
    found = page.evaluate(RUN_AXE, [context, TAGS, [*EXCLUDED_RULES, *(rules or {})]])
    return [f"{v['rule']} · {where} · {v['target']} · {v['why']}" for v in found]


# The first stepper's frame on show, and its announcer (if a11y.js made one).
STEPPER_STATE = """root => {
  const shown = [...root.querySelectorAll('.bptt-frame')].filter(f => f.getClientRects().length > 0);
  const region = root.querySelector('.bptt-announce');
  const pre = shown.length === 1 ? shown[0].querySelector('pre') : null;
  return {step: shown.length === 1 ? shown[0].dataset.step : null,
          first: pre ? pre.textContent.split('\\n').find(l => l.trim()).trim() : null,
          region: region && {role: region.getAttribute('role'), live: region.getAttribute('aria-live'),
                             text: region.textContent.trim()},
          regions: root.querySelectorAll('[aria-live], [role=status]').length};
}"""


# The stepper's slider stands at its last position (ipywidgets' handle or the static range input).
AT_RIGHT_END = """root => {
  const range = root.querySelector('input.bptt-slider');
  if (range) return Number(range.value) === Number(range.max);
  const handle = root.querySelector('.noUi-handle');
  return !!handle && handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax');
}"""


# How the focused element looks, and how it looks once blurred (then focused again).
FOCUS_LOOK = """() => {
  const e = document.activeElement;
  const look = () => { const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.backgroundColor, s.borderColor,
            s.boxShadow].join(' | '); };
  const focused = look();
  e.blur();
  const blurred = look();
  e.focus();
  return {focused, blurred};
}"""


def keyboard_step(page, where: str, announced: bool) -> list[str]:
    """The first stepper from the keyboard: Tab from its Play button reaches the slider handle;
    ArrowRight shows the next frame. With ``announced`` (our page script runs: static pages,
    Voilà) the handle has a name and a focus outline of 2 px or more, and the stepper's live region
    then says the new frame's first readout line; without (JupyterLab) the handle must at least
    look different when focused."""
    problems = []
    root = page.locator(".bptt-stepper").first
    root.scroll_into_view_if_needed()
    play = root.locator(PLAY).first
    play.focus()
    page.keyboard.press("Shift+Tab")  # come back from the keyboard: the browser shows :focus-visible
    page.keyboard.press("Tab")
    seen = []
    for _ in range(6):
        now = page.evaluate(FOCUSED)
        seen.append(now)
        if now["kind"] == "handle":
            break
        page.keyboard.press("Tab")
    else:
        return [f"{where}: Tab from the Play button never reached the slider handle: {seen}"]
    # the Tab order follows the order the controls are drawn in, left to right along their row
    lefts = [f["left"] for f in seen if f["in_widget"]]
    if lefts != sorted(lefts):
        problems.append(f"{where}: Tab visits the controls out of their visual order: "
                        f"{[(f['element'], round(f['left'])) for f in seen]}")
    if announced and not now["name"]:
        problems.append(f"{where}: the focused slider handle has no name")
    if announced and (now["outline"] == "none" or now["width"] < 2):
        problems.append(f"{where}: the focused slider handle shows no outline of 2 px or more: {now}")
    if not announced:  # JupyterLab: ipywidgets' own focus style, whatever it is, must show
        look = page.evaluate(FOCUS_LOOK)
        if look["focused"] == look["blurred"]:
            problems.append(f"{where}: the slider handle looks the same focused and not: {look}")
    before = root.evaluate(STEPPER_STATE)
    # one step along the slider: right, or left from a stepper that starts at its right end
    # (04's backward pass starts at t = τ)
    arrow = "ArrowLeft" if root.evaluate(AT_RIGHT_END) else "ArrowRight"
    page.keyboard.press(arrow)
    for _ in range(50):
        after = root.evaluate(STEPPER_STATE)
        if after["step"] != before["step"] and (not announced or (after["region"] or {}).get("text")):
            break
        page.wait_for_timeout(100)
    if after["step"] == before["step"]:
        problems.append(f"{where}: {arrow} on the focused slider left the frame at {before['step']}")
    if announced:
        region = after["region"]
        if not region or region["role"] != "status" or region["live"] != "polite":
            problems.append(f"{where}: the stepper has no polite status region: {region}")
        elif region["text"] != after["first"] or after["step"] not in region["text"]:
            problems.append(f"{where}: the live region says {region['text']!r}, not the new frame's "
                            f"first line {after['first']!r} (step {after['step']})")
        if after["regions"] != 1:
            problems.append(f"{where}: {after['regions']} live regions in the stepper (one, not the panel)")
    return problems


@pytest.fixture(scope="module")
def live_notebooks(tmp_path_factory):
    """A scratch copy of notebooks/ (the servers run these; the repository's stay untouched)."""
    return bh.copy_notebooks(tmp_path_factory.mktemp("a11y-live"))


@pytest.fixture(scope="module")
def lab(live_notebooks):
    server, address = bh.start_lab(live_notebooks.parent, live_notebooks.parent / "lab")
    base, token = address.split("|")
    yield base, token
    server.stop()


def test_jupyterlab_cells_have_no_violations(page, lab, live_notebooks):
    """Every widget notebook run in JupyterLab: no violation inside its cells (LAB_EXCLUDED aside);
    the first stepper's slider is reached with Tab, shows its focus and steps with ArrowRight."""
    base, token = lab
    violations, keyboard = [], []
    for nb in WIDGET_NOTEBOOKS:
        path = lecture.find_notebook(nb, live_notebooks)
        try:
            bh.lab_run_notebook(page, base, token, path, LIVE_TIMEOUT)
            page.wait_for_timeout(500)  # MathJax typesets the markdown asynchronously
            violations += live_check(page, f"Lab {path.stem}", LAB_SCOPE, LAB_EXCLUDED, LAB_EXCLUDED_RULES)
            if page.locator(".bptt-stepper").count():
                keyboard += keyboard_step(page, f"Lab {path.stem}", announced=False)
        finally:
            bh.lab_shutdown_kernels(page)
    assert not violations, (f"{len(violations)} axe-core violations in JupyterLab "
                            "(rule · notebook · element · why):\n" + "\n".join(violations))
    assert not keyboard, "\n".join(keyboard)


@pytest.mark.skipif(bh.skip_reason(need_voila=True) is not None,
                    reason=str(bh.skip_reason(need_voila=True)))
def test_voila_present_view_has_no_violations(page, live_notebooks):
    """Every widget notebook served as `make present` serves it: no violation on the whole page,
    nothing excluded; the first stepper is named, reached and stepped from the keyboard, and its
    live region says the new step."""
    violations, keyboard = [], []
    for nb in WIDGET_NOTEBOOKS:
        path = lecture.find_notebook(nb, live_notebooks)
        server, base = bh.start_voila(path, live_notebooks.parent / f"voila{nb}")
        try:
            page.goto(base + "/", timeout=LIVE_TIMEOUT * 2)
            page.wait_for_function(VOILA_READY, arg=bh.widget_views(path), timeout=LIVE_TIMEOUT * 2,
                                   polling=250)
            page.wait_for_timeout(500)  # MathJax
            violations += live_check(page, f"Voilà {path.stem}", None, {})
            if page.locator(".bptt-stepper").count():
                keyboard += keyboard_step(page, f"Voilà {path.stem}", announced=True)
        finally:
            server.stop()
    assert not violations, (f"{len(violations)} axe-core violations in Voilà "
                            "(rule · notebook · element · why):\n" + "\n".join(violations))
    assert not keyboard, "\n".join(keyboard)
