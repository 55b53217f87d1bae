"""Steppers made of frames: every step drawn once, up front, and switched in the browser.

A frame is one HTML string holding both the readout (monospace text) and the picture (an
inline SVG from :mod:`bptt_helpers.plots.svg`) of one step. :class:`FrameStepper` puts the
frames in an ipywidgets ``Stack`` and links a Play button, a slider and the Stack with
``jslink``, which the browser runs itself. So:

- a step costs the kernel nothing (the slider, the Play button and the Stack talk in the
  browser), and it works with no kernel at all: in the static HTML, the slides and Voilà;
- text and picture of a step live in one element and change together, in one paint;
- the SVG is vector graphics: crisp at any zoom, and scaled to fit the screen.

:class:`LiveFrame` is the same frame for widgets whose input is continuous (09's ρ(W)): the
kernel computes a frame when a control changes and sends it as one value.
"""

from __future__ import annotations

import functools
import html

from ..plots.svg import MONO

READOUT_STYLE = (f"font-family:{MONO};font-size:13px;line-height:1.35;margin:4px 0 0 0;"
                 "padding:0;white-space:pre-wrap;overflow-wrap:anywhere;color:#222;background:none")


def frame_html(readout: str, svg_markup: str, step: str, live: bool = False) -> str:
    """One step: its picture, and under it its readout, in one element (``data-step`` = step).

    live: mark the readout as a polite live region (for :class:`LiveFrame`, where the same
    element's content is replaced; a Stack shows a new element, announced by its own label).
    """
    aria = ' aria-live="polite"' if live else ""
    return (f'<div class="bptt-frame" data-step="{html.escape(step, quote=True)}" '
            'style="max-width:100%;overflow-x:auto;white-space:normal">'
            f"{svg_markup}"
            f'<pre class="bptt-readout"{aria} style="{READOUT_STYLE}">{html.escape(readout)}</pre>'
            "</div>")


def _check_frames(frames, labels, start):
    if not frames:
        raise ValueError("frames must hold at least one frame")
    if len(labels) != len(frames):
        raise ValueError(f"labels must hold one label per frame ({len(frames)}), got {len(labels)}")
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be distinct (the slider shows them)")
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < len(frames):
        raise ValueError(f"start must be a frame index in [0, {len(frames) - 1}], got {start!r}")


class FrameStepper:
    """Play button + slider over precomputed frames, linked in the browser.

    frames: HTML strings (see :func:`frame_html`); labels: what the slider shows for each
    (e.g. "t = 3"); start: the index shown first; name: what the controls step through, for
    their accessible names and the text fallback (e.g. "the forward pass"); interval: ms
    between frames when playing.

    ``stepper.index`` is the frame on show; ``stepper.go(i)`` moves there from code.
    """

    def __init__(self, frames: list[str], labels: list[str], *, start: int = 0,
                 description: str = "t", name: str = "the steps", interval: int = 1000,
                 fallback: str | None = None):
        import ipywidgets as w

        _check_frames(frames, labels, start)
        self.frames, self.labels = list(frames), list(labels)
        self.fallback = fallback or f"A stepper through {name}: run the cell to see it."
        n = len(frames)
        self.slider = w.SelectionSlider(options=self.labels, index=start, description=description,
                                        continuous_update=True, readout=True,
                                        tooltip=f"step through {name} (arrow keys)",
                                        layout=w.Layout(width="420px"),
                                        style={"description_width": "initial"})
        self.play = w.Play(min=0, max=n - 1, value=start, step=1, interval=interval,
                           show_repeat=False, description=f"play {name}",
                           tooltip=f"play {name}", layout=w.Layout(width="auto"))
        # width 100 %: a frame scales to the notebook's width instead of widening the output
        self.stack = w.Stack([w.HTML(value=f, layout=w.Layout(width="100%")) for f in self.frames],
                             selected_index=start, layout=w.Layout(width="100%"))
        # links the browser runs itself: Play -> slider -> picture, with or without a kernel
        self.links = [w.jslink((self.play, "value"), (self.slider, "index")),
                      w.jslink((self.slider, "index"), (self.stack, "selected_index"))]
        controls = w.HBox([self.play, self.slider], layout=w.Layout(align_items="center"))
        self.widget = friendly_box([controls, self.stack], self.fallback)
        self.widget.add_class("bptt-stepper")   # how tests and style sheets find a stepper

    @property
    def index(self) -> int:
        """The frame on show (the slider's position, which the browser keeps in sync)."""
        return self.slider.index

    def go(self, index: int) -> str:
        """Show frame ``index``; returns its HTML."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.frames):
            raise ValueError(f"index must be a frame index in [0, {len(self.frames) - 1}], got {index!r}")
        # All three, from code: in a browser the jslinks agree; without one (a script, a test)
        # nothing else would move them. No observer writes to the controls: a kernel echoing
        # the browser's steps back would race the arrow keys and undo them.
        self.slider.index = index
        self.play.value = index
        self.stack.selected_index = index
        return self.frames[index]

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


@functools.cache
def _friendly_vbox_class():
    import ipywidgets as w

    class FriendlyVBox(w.VBox):
        """A VBox whose repr, its text fallback, is the one line ``self.fallback``."""

        fallback = "A widget: run the cell to see it."

        def __repr__(self):
            return self.fallback

    return FriendlyVBox


def friendly_box(children, fallback: str):
    """A full-width VBox of ``children`` whose text fallback is ``fallback``.

    That line is what a notebook shows for the widget before the kernel runs, after a reload,
    or in a viewer without widgets: a plain VBox would show ``VBox(children=(HBox(...``.
    """
    import ipywidgets as w

    if not isinstance(fallback, str) or "\n" in fallback or not fallback.strip():
        raise ValueError(f"fallback must be one non-empty line, got {fallback!r}")
    box = _friendly_vbox_class()(list(children), layout=w.Layout(width="100%"))
    box.fallback = fallback
    return box


class LiveFrame:
    """One HTML widget whose value is the whole frame (readout + picture), set in one message."""

    def __init__(self):
        import ipywidgets as w

        self.html = w.HTML(layout=w.Layout(width="100%"))
        self.html.add_class("bptt-live")

    def set(self, frame: str) -> None:
        self.html.value = frame


def read_frame(frame: str) -> dict:
    """What a frame holds, read back from its HTML (for tests, and to compare with a browser).

    Returns ``{"step", "readout", "label", "svg_text"}``: the frame's ``data-step``, the text
    of its readout, its picture's text alternative, and the picture's visible words (the
    text of each ``<text>`` element, in order, joined by single spaces: what a browser's
    ``textContent`` of each gives).
    """
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out = {"step": None, "readout": "", "label": None, "svg_text": []}
            self.where: list[str] = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "div" and "bptt-frame" in (attrs.get("class") or ""):
                self.out["step"] = attrs.get("data-step")
            if tag == "svg" and self.out["label"] is None:
                self.out["label"] = attrs.get("aria-label")
            if tag == "text":
                self.out["svg_text"].append("")
            self.where.append(tag)

        def handle_endtag(self, tag):
            if tag in self.where:
                while self.where and self.where.pop() != tag:
                    pass

        def handle_data(self, data):
            if "pre" in self.where:
                self.out["readout"] += data
            elif "text" in self.where:
                self.out["svg_text"][-1] += data

    reader = Reader()
    reader.feed(frame)
    out = reader.out
    out["svg_text"] = " ".join(" ".join(out["svg_text"]).split())
    return out
