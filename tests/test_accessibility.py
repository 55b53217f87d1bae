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

The JupyterLab and Voilà views and the figures' text alternatives are checked elsewhere.

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
# MathJax and the widget manager draw is brought to AA by the page template (tools/lecture.py).
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


FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  const kind = e.matches('.widget-play button') ? 'button' : e.matches('.noUi-handle') ? 'handle' : 'other';
  return {kind, element: e.tagName.toLowerCase() + '.' + [...e.classList].join('.'),
          name: (e.getAttribute('aria-label') || '').trim(), in_widget: !!e.closest('.jupyter-widgets'),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def test_widget_controls_are_named_and_show_keyboard_focus(page, built):
    """Reached with Tab, a stored stepper's Play buttons and slider handle each have a name and
    show a focus outline of at least 2 px (axe does not look at focus styles)."""
    for path in sorted((built / "html").glob("[0-9][0-9]_*.html")):
        page.goto(path.as_uri())
        assert page.evaluate(READY), f"{path.name}: the stored widget views did not all render"
        if page.locator(".widget-play button").count():
            break
    else:
        raise AssertionError("no page of the series shows a Play widget")
    page.locator(".widget-play button").first.focus()
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
