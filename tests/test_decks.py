"""The decks on a projector: every slide of every deck measured in Chromium.

`make slides` is built here (tools.lecture, into a temporary folder) and each deck is opened
offline at 1280x720 by tools.deck_fit, which visits every slide (fragments shown) and compares
its content's height with the slide's. Checked:

- code input is on at most one slide in five over the series (the slides show a code cell's
  input only where the cell is tagged ``slide-code``: the code is the lesson there);
- every deck carries speaker notes, and no slide shows them (they are for the speaker view);
- no slide is taller than reveal.js's slide (1280x720), and no text or picture reaches past its
  right edge: nothing scrolls or is cut off on a projector;
- reveal.js's navigation arrows touch no text or picture of any slide;
- a slide with a stepper draws nothing smaller than the deck's body text (the stepper fills it)
  (`python -m tools.deck_fit build/slides` lists any that do not fit).

How long a deck takes to open is measured in bench/bench_decks.py (`make bench-decks`), not here.

Skipped, with the reason, when chromium or playwright is missing; an error instead when
BPTT_REQUIRE_BROWSER=1 (as in tests/test_browser.py).
"""

from __future__ import annotations

import browser_helpers as bh
import pytest

from tools import deck_fit, lecture

pytestmark = bh.browser_marks("the deck measurement")

MAX_CODE_SHARE = 0.20


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("decks")
    return lecture.export("slides", out)


@pytest.fixture(scope="module")
def slides(decks, browser_context):
    return deck_fit.measure_in(browser_context, decks)


def test_every_deck_is_measured(decks, slides):
    assert sorted({s.deck for s in slides}) == sorted(p.name for p in decks)
    assert all(s.limit == lecture.SLIDE_HEIGHT for s in slides)


def test_code_is_on_at_most_one_slide_in_five(slides):
    code = [s for s in slides if s.code]
    assert len(code) <= MAX_CODE_SHARE * len(slides), (
        f"{len(code)} of {len(slides)} slides show code:\n" + "\n".join(s.where() for s in code))


def test_every_slide_fits_the_projector(slides):
    too_big = [s for s in slides if s.overflows]
    assert not too_big, (
        f"{len(too_big)} of {len(slides)} slides do not fit {lecture.SLIDE_WIDTH}x{lecture.SLIDE_HEIGHT}:\n"
        + "\n".join(f"{s.where()}: {s.height} px high, ink to {s.width:.0f} px" for s in too_big))


def test_the_navigation_arrows_never_touch_the_content(slides):
    touching = [s.where() for s in slides if s.controls]
    assert not touching, "reveal.js's arrows touch the text or pictures of:\n" + "\n".join(touching)


def test_a_stepper_slide_shows_nothing_smaller_than_the_body_text(slides):
    """A stepper on a slide fills it: its picture, readout and controls at the slides' body text
    size or larger (the picture's superscripts, at 72 %, aside)."""
    steppers = [s for s in slides if s.stepper_font is not None]
    assert len(steppers) >= 9, f"only {len(steppers)} stepper slides measured"
    small = [f"{s.where()}: {s.stepper_font} px < {s.body_font} px" for s in steppers if s.small_text]
    assert not small, "stepper slides with small text:\n" + "\n".join(small)


def test_every_deck_has_speaker_notes(slides):
    without = sorted({s.deck for s in slides} - {s.deck for s in slides if s.notes})
    assert not without, f"decks without speaker notes: {without}"


def test_no_slide_shows_its_speaker_notes(slides):
    shown = [s for s in slides if s.notes_shown]
    assert not shown, "speaker notes on the projected slide:\n" + "\n".join(s.where() for s in shown)


@pytest.fixture(scope="module")
def browser_context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = deck_fit.launch(p)
        context = deck_fit.open_offline(browser)
        # warm up once: the first page of a fresh browser pays for starting its renderer
        warm = context.new_page()
        warm.goto("about:blank")
        yield context
        browser.close()
