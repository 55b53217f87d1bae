"""Benchmark: how long each slide deck takes to open in a browser, offline (issue 13).

    make bench-decks            (or: .venv/bin/python bench/bench_decks.py [--rounds 5] [NN ...])

The decks are built as `make slides` builds them (tools.lecture, into a temporary folder) and
opened from disk in headless Chromium at 1280x720 with every network request refused, as a
lecturer opens them from a USB stick. Each deck is opened ``--rounds`` times in a fresh page of
one warmed-up browser; the times are measured inside the page from the start of navigation:

- ready:   reveal.js is ready and every widget stored in the deck has drawn its view (the
           steppers step from here on);
- typeset: MathJax has finished typesetting the whole deck as well (nothing on any slide
           changes any more).

The budget (issue 23): ready within 1 s (median) and within 1.5 x the reference, the moment the
lecturer can present and step every stepper. The steppers of a deck are drawn by the page's own
script (tools/lecture_steppers.py), so a deck loads the 3.6 MB widget manager only when it
holds a widget that needs it (none of the series' decks does now). The typesetting after ready
is MathJax's work over every formula of the deck; it is reported, not budgeted (slides are
typeset in order, so the first ones are done first). The reference, opened in the same run, is
a deck of the same reveal.js and MathJax with one slide and nothing on it: the cost of the
page's machinery alone; the ratio column is each deck's median over it. The widget state a
deck still carries is listed too (0 when no deck loads the widget manager).
Not a test: it never fails; it prints a table and says `met` or `MISSED` per deck.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools import deck_fit, lecture  # noqa: E402

BUDGET_MS, BUDGET_RATIO = 1000.0, 1.5

# Before any script of the page: note when MathJax's start-up (which ends with typesetting the
# page) is over. MathJax 2 reads a plain ``window.MathJax`` object as its configuration.
INIT = """
window.__bench = {typeset: null};
window.MathJax = {AuthorInit: function () {
  MathJax.Hub.Register.StartupHook('End', function () {
    MathJax.Hub.Queue(function () { window.__bench.typeset = performance.now(); });
  });
}};
"""

# Poll until reveal.js is ready and every stored widget view is drawn; then wait for MathJax.
TIMES = """() => new Promise(resolve => {
  let ready = null;
  (function poll() {
    const reveal = document.querySelector('.reveal.ready');
    if (ready === null && reveal && """ + deck_fit.WIDGETS_DRAWN + """) ready = performance.now();
    if (ready !== null && window.__bench.typeset !== null)
      resolve({ready, typeset: Math.max(ready, window.__bench.typeset)});
    else setTimeout(poll, 5);
  })();
})"""


def reference_deck(folder: Path) -> Path:
    """A one-slide deck built by the same exporter: the page's machinery and nothing else."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# Reference\n\nOne slide, $x$.", metadata={"slideshow": {"slide_type": "slide"}})])
    source = folder / "source"
    source.mkdir()
    nbformat.write(nb, source / "00_reference.ipynb")
    return lecture.export("slides", folder / "ref", notebooks=[source / "00_reference.ipynb"])[0]


def widget_state_kib(deck: Path) -> float:
    text = deck.read_text(encoding="utf-8")
    start = text.find('<script type="application/vnd.jupyter.widget-state+json">')
    if start < 0:
        return 0.0
    end = text.find("</script>", start)
    return len(text[start:end].encode()) / 1024


def open_times(context, deck: Path, rounds: int) -> list[dict]:
    times = []
    for _ in range(rounds):
        page = context.new_page()
        page.add_init_script(INIT)
        page.goto(deck.resolve().as_uri(), wait_until="commit")
        times.append(page.evaluate(TIMES))
        page.close()
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/bench_decks.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("only", nargs="*", help="notebook numbers, e.g. 04 09 (default: all)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        decks = lecture.export("slides", folder / "slides")
        decks = [d for d in decks if not args.only or d.name[:2] in args.only]
        reference = reference_deck(folder)
        with sync_playwright() as p:
            browser = deck_fit.launch(p)
            context = deck_fit.open_offline(browser)
            open_times(context, reference, 2)  # warm up: the first pages pay for the renderer
            ref = statistics.median(t["ready"] for t in open_times(context, reference, args.rounds))
            rows = [(d, widget_state_kib(d), open_times(context, d, args.rounds)) for d in decks]
            browser.close()

    print(f"{'deck':<40} {'state KiB':>9} {'ready ms':>9} {'worst':>6} {'typeset ms':>10} "
          f"{'x ref':>6}  ready <= 1 s and <= 1.5 x ref")
    missed = 0
    for deck, state_kib, times in rows:
        ready = statistics.median(t["ready"] for t in times)
        typeset = statistics.median(t["typeset"] for t in times)
        worst = max(t["ready"] for t in times)
        verdict = "met" if ready <= BUDGET_MS and ready / ref <= BUDGET_RATIO else "MISSED"
        missed += verdict == "MISSED"
        print(f"{deck.name:<40} {state_kib:>9.0f} {ready:>9.0f} {worst:>6.0f} {typeset:>10.0f} "
              f"{ready / ref:>6.2f}  {verdict}")
    print(f"    (reference, a one-slide deck of the same page machinery: {ref:.0f} ms; "
          f"{args.rounds} rounds, medians)")
    print("every deck is ready within 1 s and 1.5 x the reference" if not missed
          else f"{missed} deck(s) MISSED the budget (1 s, 1.5 x the reference)")
    print("BENCH-RESULT " + json.dumps({"reference_ms": ref, "decks": {
        d.name: times for d, _, times in rows}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
