"""The frame design of the steppers: SVG pictures, shared pictures, frames, and the wiring.

A stepper stores its picture once and per frame only what differs (frames.share); every
stored frame, composed with that base, must draw exactly what the widget's picture function
drew for that step, and its text and picture must name the step the slider shows.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser_helpers import step_problems, steps_named

import bptt_helpers as bh
from bptt_helpers.plots import svg
from bptt_helpers.widgets import frames as fr
from bptt_helpers.widgets.frames import Frame, FrameStepper, frame_html, read_frame


def test_svg_markup_scales_down_never_up_and_carries_its_text_alternative():
    pic = svg.Svg(400, 200, "a bar that is 'tall' & <red>")
    pic.rect(10, 10, 50, 100, fill="#d1495b")
    pic.text(20, 20, "h", sup="(3)")
    pic.arrow(0, 0, 30, 40)
    out = pic.markup(step="3")
    assert out.startswith("<svg ") and out.endswith("</svg>")
    assert 'viewBox="0 0 400 200"' in out and "max-width:100%" in out and "width:auto" in out
    assert 'role="img"' in out and "data-step='3'" in out
    assert "aria-label=\"a bar that is 'tall' &amp; &lt;red&gt;\"" in out
    assert "<title>a bar that is 'tall' &amp; &lt;red&gt;</title>" in out
    assert "class='bptt-sup'" in out and svg.SUP_CSS in out          # a picture alone styles itself
    assert "fill='#d1495b'" in out and "stroke='#222'" in out           # #222222 written short
    with pytest.raises(ValueError, match="width and height"):
        svg.Svg(0, 10, "x")


def test_elements_alike_are_written_as_one_group():
    pic = svg.Svg(100, 100, "x")
    for k in range(3):
        pic.text(10 * k, 5, str(k), 16, "middle", svg.MUTED)
    pic.rect(0, 0, 5, 5, fill="white")
    body = svg.write(pic.parts)
    assert body.count("<g ") == 1 and body.count("font-size='16'") == 1 and body.count("<text") == 3
    assert body.endswith("<rect x='0' y='0' width='5' height='5' fill='white'/>")
    assert fr.drawn(f"<svg>{body}</svg>") == fr.drawn(pic.frame_markup("1"))


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


def test_y_axis_title_clears_the_tick_labels():
    pic = svg.Svg(300, 200, "x")
    box = svg.Box(pic, 100, 10, 150, 100, ylim=(0, 0.1))
    box.yticks([0, 0.05, 0.1])
    box.ylabel("‖(DL)_h(t)‖")
    title = next(p for p in pic.parts if "rotate" in p.own)
    x = float(title.own.split("x='")[1].split("'")[0])
    # the title's centre, half its height (0.6 em) and the widest label ('0.05') never meet
    assert x + 0.6 * svg.SMALL / 2 < box.x - 8 - svg.text_width("0.05", svg.SMALL)


def test_frame_html_holds_text_and_picture_in_one_element():
    pic = svg.Svg(100, 50, "two <words>")
    pic.text(1, 1, "hello")
    frame = frame_html("t = 1\n  a < b", pic, "1")
    assert frame.count("bptt-frame") >= 1 and fr.FRAME_CSS in frame
    assert read_frame(frame) == {"step": "1", "readout": "t = 1\n  a < b", "label": "two <words>",
                                 "svg_text": "hello"}


def test_readouts_wrap_between_words_and_hang_their_continuations():
    out = fr.readout_html("step t = 1\n  x  -1.122 0.0232")
    assert out.count("class='bptt-line'") == 2 and out.count("\n") == 1
    assert "white-space:pre-wrap;overflow-wrap:normal;word-break:normal" in fr.FRAME_CSS
    assert "overflow-wrap:anywhere" not in fr.FRAME_CSS
    assert "padding-left:4ch;text-indent:-4ch" in fr.FRAME_CSS       # a wrapped line goes on indented


def _pictures(n, interleaved=True):
    """n pictures alike but for a mark that moves, drawn UNDER shared boxes (interleaved) or on top."""
    out = []
    for k in range(n):
        pic = svg.Svg(300, 100, f"picture {k}")
        pic.text(5, 5, "a title every picture has", 16)
        if interleaved:
            pic.rect(20 * k, 0, 20, 100, fill="#f4a259", opacity=0.3)    # under the boxes
        for j in range(n):
            pic.rect(20 * j + 2, 40, 16, 16, fill="white", stroke=svg.MUTED, stroke_width=1)
            pic.text(20 * j + 10, 48, str(j), 16, "middle")
        pic.text(5, 90, f"step {k}", 16)
        if not interleaved:
            pic.rect(20 * k + 2, 40, 16, 16, stroke=svg.INK, stroke_width=3)
        out.append(pic)
    return out


@pytest.mark.parametrize("interleaved", [True, False])
def test_shared_pictures_compose_to_the_pictures_they_came_from(interleaved):
    pictures = _pictures(6, interleaved)
    defs, bodies = fr.share(pictures)
    assert "class='bptt-defs'" in defs and "aria-hidden='true'" in defs
    for pic, body in zip(pictures, bodies, strict=True):
        stored = pic.frame_markup("s", body)
        assert fr.drawn(fr.compose(stored, defs)) == fr.drawn(pic.frame_markup("s"))
        assert "<use href='#u" in stored
    whole = sum(len(p.frame_markup("s")) for p in pictures)
    assert len(defs) + sum(map(len, bodies)) < 0.5 * whole           # the boxes are stored once
    # one picture, or pictures that share nothing, still compose
    for pictures in (_pictures(1), [svg.Svg(10, 10, "a"), svg.Svg(10, 10, "b")]):
        defs, bodies = fr.share(pictures)
        assert [fr.drawn(fr.compose(p.frame_markup("s", b), defs)) for p, b in zip(
            pictures, bodies, strict=True)] == [fr.drawn(p.frame_markup("s")) for p in pictures]
    with pytest.raises(ValueError, match="at least one picture"):
        fr.share([])


def _frames(n):
    return [frame_html(f"step {i}", svg.Svg(10, 10, f"picture {i}"), str(i)) for i in range(n)]


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


def test_frame_stepper_stores_the_shared_picture_once_in_few_models():
    pictures = _pictures(5)
    frames = [Frame(f"step {k}", p, str(k)) for k, p in enumerate(pictures)]
    stepper = FrameStepper(frames, [str(k) for k in range(5)], name="marks")
    assert stepper.frames == [f.html() for f in frames]                 # each frame standing alone
    for stored, frame in zip(stepper.stored, stepper.frames, strict=True):
        assert read_frame(stored, stepper.base) == read_frame(frame)
        assert fr.drawn(fr.compose(stored, stepper.base)) == fr.drawn(frame)
        assert fr.FRAME_CSS not in stored                                 # the style sheet: once
    html_widgets = stepper.stack.children
    assert len({id(h.layout) for h in html_widgets}) == 1 and len({id(h.style) for h in html_widgets}) == 1
    # a frame's model stores its value, layout and style: not the description, placeholder...
    assert set(html_widgets[0].keys) >= {"value", "layout", "style"}
    assert not {"description", "placeholder", "tooltip", "_dom_classes"} & set(html_widgets[0].keys)
    other = FrameStepper([Frame("x", p, str(k)) for k, p in enumerate(_pictures(3))], ["0", "1", "2"])
    assert other.stack.layout is stepper.stack.layout                    # shared across steppers
    row = stepper.widget.children[0].children
    assert stepper.base in [getattr(w, "value", None) for w in row]     # the base rides in the row
    with pytest.raises(TypeError, match="must all be Frame objects"):
        FrameStepper([frames[0], stepper.frames[1]], ["0", "1"])


def test_reverse_play_maps_plays_count_onto_the_slider_in_the_kernel():
    frames = [Frame(f"t = {t}", pic, str(t)) for t, pic in zip(range(1, 5), _pictures(4), strict=True)]
    stepper = FrameStepper(frames, ["1", "2", "3", "4"], start=3, reverse_play=True)
    assert "bptt-reverse" in stepper.widget._dom_classes
    assert [(link.source[1], link.target[1]) for link in stepper.links] == [("index", "selected_index")]
    assert stepper.index == 3 and stepper.play.value == 0                # Play starts at t = τ
    stepper.play.value = 2                                               # Play ticks (in the browser)
    assert stepper.index == 1                                            # t = τ - 2
    stepper.slider.index = 2                                             # the arrow keys
    assert stepper.play.value == 1 and stepper.index == 2               # Play goes on from there
    stepper.go(0)
    assert stepper.play.value == 3 and stepper.stack.selected_index == 0


def test_steps_named_ignores_ranges():
    assert steps_named("step t = 3 of τ = 8; terms t = 1..3, k = 1 to 31, k = 32 = τ") == {"t = 3"}
    assert steps_named("h(t) and t = τ") == set()
    ok = {"readout": "t = 3: added", "label": "t = 3", "svg_text": "▼ t = 3 terms t = 1..3"}
    assert step_problems(ok, "3", "x") == []
    bad = {"readout": "t = 1: added", "label": "", "svg_text": "paper's t = 0: uses h(0)"}
    assert len(step_problems(bad, "1", "x")) == 1


# ---------------------------------------------------------------- every stepper of the package

def _steppers():
    """One small stepper of each kind the notebooks build."""
    from bptt_helpers import grads_fast as g
    from bptt_helpers.lessons import long_range as lr
    from bptt_helpers.widgets.accumulate import AccumulateStepper
    from bptt_helpers.widgets.backward_stepper import BackwardStepper
    from bptt_helpers.widgets.embedding_rows import EmbeddingRowsStepper
    from bptt_helpers.widgets.forward_stepper import ForwardStepper
    from bptt_helpers.widgets.truncation import TruncationExplorer

    vocab = bh.CharVocab.from_text("abc de")
    ids = vocab.encode("a bad cede ab")
    params = bh.init_params(vocab.size, d_model=3, n_hidden=5, seed=2)
    cache = bh.forward(params, ids[:7], ids[1:8], None)
    yield "forward", ForwardStepper(cache, vocab)
    yield "backward", BackwardStepper(params, cache, token_labels=list(vocab.decode(ids[:7])))
    for name in ("c", "V", "W"):
        yield f"accumulate {name}", AccumulateStepper.for_parameter(params, cache, name)
    dh = g.dhidden(params, cache, g.dlogits(cache))
    yield "embedding rows", EmbeddingRowsStepper(params, cache, dh, vocab.chars, step=2)
    model = lr.random_model(1.0, vocab_size=vocab.size, d_model=3, n_hidden=6, seed=0)
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, vocab.size, size=(2, 7))
    yield "truncation", TruncationExplorer(model, tokens[:, :-1], tokens[:, 1:], None, k=2)


@pytest.fixture(scope="module")
def steppers():
    return list(_steppers())


def test_every_stepper_stores_frames_that_compose_to_its_pictures(steppers):
    for kind, stepper in steppers:
        player = stepper.player
        assert player.base and len(player.stored) == len(player.frames), kind
        for k, (stored, whole) in enumerate(zip(player.stored, player.frames, strict=True)):
            assert fr.drawn(fr.compose(stored, player.base)) == fr.drawn(whole), f"{kind} frame {k}"
            assert read_frame(stored, player.base) == read_frame(whole), f"{kind} frame {k}"


def test_every_frame_names_the_step_its_slider_shows(steppers):
    """Readout, text alternative and picture of a frame name one step: the slider's (06's W
    stepper once said 'step 1' in the text and 'paper's t = 0' in the picture)."""
    problems = []
    for kind, stepper in steppers:
        for label, frame in zip(stepper.player.labels, stepper.player.frames, strict=True):
            problems += step_problems(read_frame(frame), label, f"{kind} at {label}")
    assert not problems, "\n".join(problems)


def test_friendly_box_falls_back_to_one_line():
    box = fr.friendly_box([], "A thing: run the cell to see it.")
    assert repr(box) == "A thing: run the cell to see it."
    assert box._repr_mimebundle_()["text/plain"] == "A thing: run the cell to see it."
    with pytest.raises(ValueError, match="one non-empty line"):
        fr.friendly_box([], "two\nlines")


def test_stored_widget_state_leaves_defaults_out():
    """tools/widget_state.py: a stored model keeps what differs from its defaults."""
    import ipywidgets as w
    import nbformat

    from tools.widget_state import WIDGET_STATE, compact_widget_state

    layout, html = w.Layout(width="100%"), w.HTML(value="<b>x</b>")
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {
        widget.model_id: {"model_module": widget._model_module, "model_module_version":
                          widget._model_module_version, "model_name": widget._model_name,
                          "state": widget.get_state()} for widget in (layout, html)}}}
    assert compact_widget_state(nb) > 40
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    assert state[layout.model_id]["state"] == {"width": "100%"}
    assert set(state[html.model_id]["state"]) == {"value", "layout", "style"}
