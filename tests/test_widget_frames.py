"""The frame design of the steppers: SVG pictures, frames, and the Play/slider/Stack wiring."""

from __future__ import annotations

import pytest

from bptt_helpers.plots import svg
from bptt_helpers.widgets.frames import FrameStepper, frame_html, read_frame


def test_svg_markup_scales_down_never_up_and_carries_its_text_alternative():
    pic = svg.Svg(400, 200, "a bar that is 'tall' & <red>")
    pic.rect(10, 10, 50, 100, fill="#d1495b")
    pic.text(20, 20, "h", sup="(3)")
    pic.arrow(0, 0, 30, 40)
    out = pic.markup(step="3")
    assert out.startswith("<svg ") and out.endswith("</svg>")
    assert 'viewBox="0 0 400 200"' in out and "max-width:100%" in out and "width:auto" in out
    assert 'role="img"' in out and 'data-step="3"' in out
    assert "aria-label=\"a bar that is &#x27;tall&#x27; &amp; &lt;red&gt;\"" in out
    assert "<title>a bar that is &#x27;tall&#x27; &amp; &lt;red&gt;</title>" in out
    assert 'baseline-shift="super"' in out and "id=" not in out   # no ids: frames never clash
    with pytest.raises(ValueError, match="width and height"):
        svg.Svg(0, 10, "x")


def test_ticks_and_colours():
    assert svg.step_ticks(2) == [1, 2]                       # never fractional steps
    assert svg.nice_ticks(0, 4.6, 4) == [0, 2, 4]
    assert svg.log_ticks(1e-9, 1e2, 6) == [1e-8, 1e-6, 1e-4, 1e-2, 1.0, 1e2]   # round exponents
    assert svg.power_label(1e-3) == "10⁻³" and svg.power_label(1.0) == "1"
    low, mid, high = svg.diverging_colours([-1.0, 0.0, 1.0], 1.0)
    assert all(int(mid[i:i + 2], 16) > 240 for i in (1, 3, 5)) and low != high   # 0 is near white
    box = svg.Box(svg.Svg(100, 100, "x"), 0, 0, 100, 100, ylim=(1e-3, 1e3), ylog=True)
    assert box.Y(1.0) == pytest.approx(50.0)
    with pytest.raises(ValueError, match="log axis"):
        svg.Box(svg.Svg(100, 100, "x"), 0, 0, 1, 1, ylim=(0, 1), ylog=True)


def test_frame_html_holds_text_and_picture_in_one_element():
    pic = svg.Svg(100, 50, "two <words>")
    pic.text(1, 1, "hello")
    frame = frame_html("t = 1\n  a < b", pic.markup("1"), "1")
    assert frame.count("bptt-frame") == 1 and "monospace" in frame
    assert read_frame(frame) == {"step": "1", "readout": "t = 1\n  a < b", "label": "two <words>",
                                 "svg_text": "hello"}


def _frames(n):
    return [frame_html(f"step {i}", svg.Svg(10, 10, f"picture {i}").markup(str(i)), str(i))
            for i in range(n)]


def test_frame_stepper_links_play_slider_and_stack():
    stepper = FrameStepper(_frames(4), ["a", "b", "c", "d"], start=1, name="the letters")
    assert stepper.index == 1 and stepper.stack.selected_index == 1 and stepper.play.value == 1
    assert stepper.slider.value == "b" and len(stepper.stack.children) == 4
    # the browser moves the picture: Play -> slider -> Stack, linked client-side (jslink) ...
    pairs = [(link.source, link.target) for link in stepper.links]
    assert pairs == [((stepper.play, "value"), (stepper.slider, "index")),
                     ((stepper.slider, "index"), (stepper.stack, "selected_index"))]
    assert all(type(link).__name__ == "Link" for link in stepper.links)   # jslink, not the kernel's link
    # ... and no kernel observer writes to the controls (it would race the arrow keys)
    stepper.slider.index = 3
    assert stepper.index == 3 and stepper.play.value == 1 and stepper.stack.selected_index == 1
    assert read_frame(stepper.go(0))["step"] == "0"       # from code, all three move
    assert stepper.index == 0 and stepper.stack.selected_index == 0 and stepper.play.value == 0
    assert stepper.play.description == "play the letters" and not stepper.play.show_repeat
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == "A stepper through the letters: run the cell to see it."
    assert "application/vnd.jupyter.widget-view+json" in bundle
    with pytest.raises(ValueError, match="index must be"):
        stepper.go(4)
    with pytest.raises(ValueError, match="one label per frame"):
        FrameStepper(_frames(2), ["a"])
    with pytest.raises(ValueError, match="start must be"):
        FrameStepper(_frames(2), ["a", "b"], start=2)
    with pytest.raises(ValueError, match="at least one frame"):
        FrameStepper([], [])


def test_friendly_box_falls_back_to_one_line():
    from bptt_helpers.widgets.frames import friendly_box

    box = friendly_box([], "A thing: run the cell to see it.")
    assert repr(box) == "A thing: run the cell to see it."
    assert box._repr_mimebundle_()["text/plain"] == "A thing: run the cell to see it."
    with pytest.raises(ValueError, match="one non-empty line"):
        friendly_box([], "two\nlines")
