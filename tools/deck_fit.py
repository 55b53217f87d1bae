"""Measure every slide of built reveal.js decks in Chromium: does it fit, does it show code?

    python -m tools.deck_fit build/slides            # per-deck table, then every slide that does not fit

Each deck is opened offline in headless Chromium at the projector size (1280x720 CSS px);
every slide (horizontal and vertical) is visited through reveal.js's API with all its
fragments shown, and its content height (``scrollHeight`` of its <section>) is compared with
the height reveal.js lays slides out at, and how far right its text and pictures reach with the
width. A slide "shows code" when a code cell's input area
is visible on it, and "shows notes" when its speaker notes (or their words) are visible on the
slide rather than only in the speaker view. tests/test_decks.py runs this over every deck.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

VIEWPORT = {"width": 1280, "height": 720}
CHROMIUM = "/usr/bin/chromium"

# Visit every slide; return what is on it. Fragments are all shown (the slide at its fullest).
# (require.js calls only plain functions back: the asynchronous walk is started by a plain one.)
_MEASURE = """() => new Promise(resolve => require(['vendor/reveal.js/dist/reveal.js'], R => (async () => {
  // How far right the slide's ink reaches (its text, pictures and widgets), in slide px: the
  // boxes of block elements span the slide whatever their content, so text is measured by range.
  const inkWidth = s => {
    const box = s.getBoundingClientRect(), scale = box.width / s.offsetWidth;
    let right = 0;
    const reach = r => { if (r.width && r.height) right = Math.max(right, (r.right - box.left) / scale); };
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      const e = t.parentElement;
      const hidden = e.closest('.MJX_Assistive_MathML, aside.notes, script, style');
      if (!t.textContent.trim() || hidden) continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) reach(r);
    }
    s.querySelectorAll('img, svg, canvas, input').forEach(e => reach(e.getBoundingClientRect()));
    return Math.round(right);
  };
  // The navigation arrows (reveal.js's controls) must not touch what the slide shows: the
  // boxes of its ink (text ranges, pictures, widgets), in viewport px.
  const inkBoxes = s => {
    const out = [];
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      const e = t.parentElement;
      const skip = e.closest('.MJX_Assistive_MathML, aside.notes, script, style, defs');
      if (!t.textContent.trim() || skip) continue;
      if (getComputedStyle(e).visibility === 'hidden') continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      out.push(...[...range.getClientRects()].filter(r => r.width && r.height));
    }
    s.querySelectorAll('img, svg.bptt-pic, canvas, input, button').forEach(e => {
      const r = e.getBoundingClientRect();
      if (r.width && r.height) out.push(r);
    });
    return out;
  };
  const touchesControls = s => {
    const arrows = [...document.querySelectorAll('.reveal .controls button')]
      .filter(b => getComputedStyle(b).visibility !== 'hidden' && getComputedStyle(b).display !== 'none'
                   && getComputedStyle(b).opacity !== '0')
      .map(b => b.getBoundingClientRect()).filter(r => r.width && r.height);
    const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return inkBoxes(s).some(r => arrows.some(a => meet(a, r)));
  };
  // On a slide with a stepper: the smallest text it draws, in slide px (SVG text at the size
  // its picture is drawn; superscripts, at 72 %, aside), and the deck's body text size.
  const stepperFont = s => {
    const stepper = s.querySelector('.bptt-stepper');
    if (!stepper) return null;
    const scale = s.getBoundingClientRect().width / s.offsetWidth;
    let least = Infinity;
    const shown = [...stepper.querySelectorAll('svg.bptt-pic')].find(e => e.getClientRects().length);
    if (shown) {
      const k = shown.getBoundingClientRect().width / scale / shown.viewBox.baseVal.width;
      stepper.querySelectorAll('text').forEach(t => {
        least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * k); });
    }
    stepper.querySelectorAll('.bptt-line, .bptt-controls label, .bptt-value, .bptt-hint')
      .forEach(e => { least = Math.min(least, parseFloat(getComputedStyle(e).fontSize)); });
    return Math.round(least * 10) / 10;
  };
  const body = Math.max(0, ...[...document.querySelectorAll('.reveal .jp-RenderedMarkdown p')]
    .map(p => parseFloat(getComputedStyle(p).fontSize)));
  // Changing slides makes nbconvert's page re-typeset the slide's formulas (MathJax Rerender,
  // queued on 'slidechanged'): measure after that, as the audience sees the slide.
  // The re-typesetting comes in chunks after the queue has run, so wait until MathJax is idle
  // and the slide's height has not changed for three looks 100 ms apart.
  const idle = () => !window.MathJax || !MathJax.Hub
    || (MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running);
  const settled = s => new Promise(done => {
    let last = -1, same = 0;
    (function look() {
      same = idle() && s.scrollHeight === last ? same + 1 : 0;
      last = s.scrollHeight;
      if (same >= 3) done(); else setTimeout(look, 100);
    })();
  });
  // measured where a slide comes to rest: no transition half way through (a sliding slide
  // would seem to reach the arrows)
  R.configure({transition: 'none', backgroundTransition: 'none'});
  const out = [];
  for (const s of R.getSlides()) {
    const i = R.getIndices(s);
    R.slide(i.h, i.v, Number.MAX_SAFE_INTEGER);
    s.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
    await settled(s);
    const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const code = [...s.querySelectorAll('.jp-CodeCell .jp-InputArea')].some(visible);
    // speaker notes the audience would see: a visible notes aside, or their words on the slide
    const words = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    let shownText = false;
    for (let w = words.nextNode(); w && !shownText; w = words.nextNode()) {
      shownText = /Speaker notes[.]|Ask the room:/.test(w.textContent)
        && !w.parentElement.closest('aside.notes') && visible(w.parentElement);
    }
    const notesShown = [...s.querySelectorAll('aside.notes')].some(visible) || shownText;
    // the title as written: the TeX of its formulas, not MathJax's rendered copies of them
    const heading = s.querySelector('h1, h2, h3, h4')?.cloneNode(true);
    heading?.querySelectorAll('.MathJax_Preview, .MathJax, .MathJax_CHTML, .MJX_Assistive_MathML')
      .forEach(e => e.remove());
    out.push({h: i.h, v: i.v || 0, height: s.scrollHeight, limit: R.getConfig().height,
              width: inkWidth(s), width_limit: R.getConfig().width,
              code, notes: !!s.querySelector('aside.notes'), notes_shown: notesShown,
              controls: touchesControls(s), stepper_font: stepperFont(s), body_font: body,
              title: heading ? heading.textContent.replace('¶', '').trim() : ''});
  }
  R.slide(0, 0);
  resolve(out);
})()))"""


@dataclass(frozen=True)
class Slide:
    deck: str
    h: int
    v: int
    height: int
    limit: int
    width: float
    width_limit: int
    code: bool
    notes: bool         # carries speaker notes (for the speaker view, key S)
    notes_shown: bool   # speaker notes visible on the slide itself
    controls: bool          # reveal.js's navigation arrows touch its text or pictures
    stepper_font: float | None   # the smallest text of its stepper, slide px (None: no stepper)
    body_font: float        # the deck's body text, slide px
    title: str

    @property
    def overflows(self) -> bool:
        """Taller than the slide (it would scroll), or ink beyond its right edge (cut off)."""
        return self.height > self.limit + 1 or self.width > self.width_limit + 1

    @property
    def small_text(self) -> bool:
        """A stepper on it draws text smaller than the deck's body text."""
        return self.stepper_font is not None and self.stepper_font < self.body_font - 0.05

    def where(self) -> str:
        return f"{self.deck} slide {self.h}.{self.v} {self.title[:50]!r}"


# A JS expression: every widget view stored in the page has been drawn, and every stepper the
# page draws itself (tools/lecture_steppers.py) is set up.
WIDGETS_DRAWN = """(document.querySelectorAll('.widget-subarea > .lm-Widget').length >=
  document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length
  && [...document.querySelectorAll('.bptt-static')].every(s => s.dataset.ready === '1'))"""


def launch(playwright, executable: str = CHROMIUM):
    """Headless Chromium as the deck measurements and the deck bench run it."""
    return playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])


def open_offline(browser, viewport=VIEWPORT):
    """A browser context that can read local files and reaches nothing else."""
    context = browser.new_context(viewport=viewport)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    return context


def wait_ready(page, timeout: int = 60_000) -> None:
    """Until reveal.js is ready, MathJax has typeset and every stored widget view has rendered."""
    page.wait_for_selector(".reveal.ready", timeout=timeout)
    page.wait_for_function(f"""() => {{
      const mj = !window.MathJax || !MathJax.Hub || MathJax.Hub.queue.pending === 0;
      return mj && {WIDGETS_DRAWN};
    }}""", timeout=timeout)


def measure_deck(page, deck: Path) -> list[Slide]:
    page.goto(Path(deck).resolve().as_uri())
    wait_ready(page)
    page.wait_for_timeout(300)  # layout after the last typeset
    return [Slide(deck=Path(deck).name, **r) for r in page.evaluate(_MEASURE)]


def measure_in(context, decks: list[Path]) -> list[Slide]:
    """Every slide of ``decks``, measured in one page after the other of browser ``context``."""
    slides = []
    for deck in decks:
        page = context.new_page()
        slides += measure_deck(page, deck)
        page.close()
    return slides


def measure(decks: list[Path], executable: str = CHROMIUM) -> list[Slide]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, executable)
        slides = measure_in(open_offline(browser), decks)
        browser.close()
    return slides


def table(slides: list[Slide]) -> str:
    """Per deck: slides, overflowing, showing code, with speaker notes; and the total."""
    decks = list(dict.fromkeys(s.deck for s in slides))
    rows = [f"{'deck':<40} {'slides':>6} {'too big':>8} {'code':>5} {'notes':>5} {'arrows':>6} "
            f"{'small':>5}"]
    for name in decks + ["total"]:
        group = [s for s in slides if name in ("total", s.deck)]
        rows.append(f"{name:<40} {len(group):>6} {sum(s.overflows for s in group):>8} "
                    f"{sum(s.code for s in group):>5} {sum(s.notes for s in group):>5} "
                    f"{sum(s.controls for s in group):>6} {sum(s.small_text for s in group):>5}")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.deck_fit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder built by `make slides`")
    args = parser.parse_args(argv)
    slides = measure(sorted(args.folder.glob("*.slides.html")))
    print(table(slides))
    for s in slides:
        if s.overflows:
            print(f"does not fit ({s.height} x {s.width:.0f} px): {s.where()}")
        if s.controls:
            print(f"the navigation arrows touch the content: {s.where()}")
        if s.small_text:
            print(f"stepper text {s.stepper_font} px < body {s.body_font} px: {s.where()}")
    return 1 if any(s.overflows or s.controls or s.small_text for s in slides) else 0


if __name__ == "__main__":
    sys.exit(main())
