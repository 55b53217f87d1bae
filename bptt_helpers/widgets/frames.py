"""Steppers made of frames: every step drawn once, up front, and switched in the browser.

A frame is one step: its readout (monospace text), its picture (an :class:`~bptt_helpers.plots.svg.Svg`)
and its step label, ``Frame(readout, picture, step)``. :class:`FrameStepper` puts the frames in
an ipywidgets ``Stack`` and links a Play button, a slider and the Stack with ``jslink``, which
the browser runs itself. So:

- a step costs the kernel nothing (the slider, the Play button and the Stack talk in the
  browser), and it works with no kernel at all (the static HTML and the slides use their own,
  lighter copy of the same frames: ``tools/lecture_steppers.py``);
- text and picture of a step live in one element and change together, in one paint;
- the SVG is vector graphics: crisp at any zoom, and scaled to fit the screen.

**What a stepper stores.** The pictures of a stepper's frames are mostly the same picture (the
axes, Figure 1's boxes, the legends); only the highlight, the numbers and the text change. So
:func:`share` splits them: every element that all frames draw, in the same order, is stored
once, in the stepper's *base* (``<g id=...>`` groups in the ``<defs>`` of one hidden SVG), and
each frame stores only what differs, with ``<use href="#...">`` where a run of shared elements
goes. A frame's picture is drawn exactly as its :class:`Svg` says, element for element and in the
same order (so a shared element below a changing one stays below it); :func:`compose` rebuilds
it, and the tests check that it equals the picture the widget's view function drew. A new
stepper draws every frame whole, as if it stood alone, and hands them to :class:`FrameStepper`
as :class:`Frame` objects: the sharing is automatic.

:class:`LiveFrame` is the same frame for widgets whose input is continuous (09's ρ(W)): the
kernel computes a frame when a control changes and sends it as one value (:func:`frame_html`).
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..plots.svg import FONT, MAX_HEIGHT_CSS, MONO, SUP_CSS, Svg, _attrs, write

# One style sheet for every frame (classes, not inline styles: a frame stores none of it). Each
# stepper's base carries it once; a standalone frame (frame_html) carries its own copy.
# Readouts wrap only where a line has a space (between words or columns: never inside a number,
# pre-wrap with normal overflow-wrap), and a wrapped line goes on indented under its first line.
FRAME_CSS = (
    ".bptt-frame{max-width:100%;overflow-x:auto;white-space:normal}"
    f".bptt-frame .bptt-pic{{display:block;width:auto;height:auto;max-width:100%;"
    f"max-height:{MAX_HEIGHT_CSS};background:#fff;font-family:{FONT};dominant-baseline:central}}"
    f".bptt-frame .bptt-readout{{font-family:{MONO};font-size:13px;line-height:1.35;"
    "margin:4px 0 0 0;padding:0;width:auto;max-width:100%;box-shadow:none;border:0;"
    "white-space:pre-wrap;overflow-wrap:normal;word-break:normal;color:#222;background:none;"
    "text-align:left}"
    ".bptt-frame .bptt-line{display:block;padding-left:4ch;text-indent:-4ch}"
    ".bptt-defs{position:absolute;width:0;height:0;overflow:hidden}"
    + SUP_CSS
)
STYLE = f"<style>{FRAME_CSS}</style>"


@dataclass(frozen=True)
class Frame:
    """One step of a stepper: its readout text, its whole picture, and its step label."""

    readout: str
    picture: Svg
    step: str

    def html(self) -> str:
        """The frame standing alone (its own style sheet, the whole picture)."""
        return frame_html(self.readout, self.picture, self.step)


def readout_html(readout: str, live: bool = False) -> str:
    """The readout as ``<pre class="bptt-readout">``, one ``bptt-line`` span per line.

    live: mark it as a polite live region (for :class:`LiveFrame`, where the same element's
    content is replaced; a Stack shows a new element, announced by the page's own region).
    """
    aria = " aria-live='polite'" if live else ""
    lines = str(readout).split("\n")
    # the newline inside each line's span: between two blocks it would draw an empty line
    body = "".join(f"<span class='bptt-line'>{html.escape(line, quote=False)}\n</span>"
                   for line in lines[:-1])
    body += f"<span class='bptt-line'>{html.escape(lines[-1], quote=False)}</span>"
    return f"<pre class='bptt-readout'{aria}>{body}</pre>"


def _frame(readout: str, svg_markup: str, step: str, live: bool = False, style: str = "") -> str:
    return (f"<div class='bptt-frame' {_attrs(data_step=step)}>{style}"
            f"{svg_markup}{readout_html(readout, live)}</div>")


def frame_html(readout: str, picture, step: str, live: bool = False) -> str:
    """One step standing alone: its picture, and under it its readout, in one element
    (``data-step`` = step), with the frames' style sheet.

    picture: an :class:`Svg` (its step is set to ``step``) or the markup of one.
    """
    markup = picture.frame_markup(step) if isinstance(picture, Svg) else str(picture)
    return _frame(readout, markup, step, live, STYLE)


# ---------------------------------------------------------------- sharing the static picture

def _base_order(seqs: list[list[int]], shared: set[int]) -> list[int]:
    """One sequence in which every picture's shared elements appear in that picture's order:
    the pictures merged one after the other (what two agree on is kept once)."""
    base: list[int] = []
    for seq in seqs:
        seq = [e for e in seq if e in shared]
        merged = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, base, seq, autojunk=False).get_opcodes():
            merged += base[i1:i2]
            if op in ("insert", "replace"):
                merged += seq[j1:j2]
        base = merged
    return base


def share(pictures: list[Svg]) -> tuple[str, list[str]]:
    """Split pictures into one base and per-picture bodies.

    Returns ``(defs, bodies)``: ``defs`` holds, once, every run of elements that two or more
    pictures draw alike, one after the other (``<g id='u<hash><j>'>`` inside the ``<defs>``
    of a hidden SVG, with the pictures' point markers); ``bodies[k]`` is picture k's content,
    its own elements as they are and each shared run as ``<use href='#u<hash><j>'/>``, in
    picture k's order (so what is drawn below stays below). :func:`compose` undoes it.
    """
    if not pictures:
        raise ValueError("pictures must hold at least one picture")
    ids: dict = {}
    seqs = [[ids.setdefault(el, len(ids)) for el in p.parts] for p in pictures]
    elements = list(ids)
    frames_with = defaultdict(int)
    for seq in seqs:
        for e in set(seq):
            frames_with[e] += 1
    shared = {e for e, n in frames_with.items() if n > 1 or len(pictures) == 1}
    base = _base_order(seqs, shared)
    # which element of each picture is which place of the base (matching blocks)
    places = []
    for seq in seqs:
        at: dict[int, int] = {}
        for i, j, n in SequenceMatcher(None, base, seq, autojunk=False).get_matching_blocks():
            at.update((j + d, i + d) for d in range(n))
        places.append(at)
    # a run of the base ends wherever some picture leaves it or draws an element of its own
    cuts = {0, len(base)}
    for seq, at in zip(seqs, places, strict=True):
        for k in range(len(seq) + 1):
            here, before = at.get(k), at.get(k - 1)
            if here is not None and (before is None or before != here - 1):
                cuts.add(here)
            if before is not None and (here is None or here != before + 1):
                cuts.add(before + 1)
    cuts = sorted(cuts)
    end_of = dict(zip(cuts[:-1], cuts[1:], strict=True))
    digest = hashlib.sha1(repr([elements[e] for e in base]).encode()).hexdigest()[:6]
    refs: dict[int, str | None] = {}       # run start -> its id (None: cheaper written out)
    users = defaultdict(int)                # run start -> how many pictures draw that run
    for seq, at in zip(seqs, places, strict=True):
        for a in {at[k] for k in range(len(seq)) if k in at and at[k] in end_of}:
            users[a] += 1
    for a in sorted(users):
        ref = f"u{digest}{len(refs):x}"   # unique in a page: the hash of the shared picture
        size, n = len(write(elements[e] for e in base[a:end_of[a]])), users[a]
        # stored once plus a reference per picture, or written out in each picture
        refs[a] = ref if size + n * len(f"<use href='#{ref}'/>") < n * size else None
    markers = {}
    for p in pictures:
        markers.update(p.markers)
    groups = "".join(f"<g id='{ref}'>{write(elements[e] for e in base[a:end_of[a]])}</g>"
                     for a, ref in refs.items() if ref)
    defs = (f"<svg class='bptt-defs' aria-hidden='true' focusable='false' width='0' height='0'>"
            f"<defs>{''.join(markers.values())}{groups}</defs></svg>")
    bodies = []
    for seq, at in zip(seqs, places, strict=True):
        out, k = [], 0
        while k < len(seq):
            a = at.get(k)
            if a is not None and a in end_of:
                end = end_of[a]
                out.append(f"<use href='#{refs[a]}'/>" if refs[a]
                           else write(elements[e] for e in base[a:end]))
                k += end - a
            else:
                own = k
                k += 1
                while k < len(seq) and at.get(k) not in end_of:
                    k += 1
                out.append(write(elements[e] for e in seq[own:k]))
        bodies.append("".join(out))
    return defs, bodies


_GROUP = re.compile(r"<g id='(u[0-9a-f]{6}[0-9a-z]+)'>(.*?)</g>(?=<g id='u[0-9a-f]{6}|</defs>)", re.S)
_USE = re.compile(r"<use href='#(u[0-9a-f]{6}[0-9a-z]+)'/>")


def compose(frame: str, base: str) -> str:
    """A stored frame with every ``<use>`` of the base replaced by what it refers to: the frame
    as :func:`frame_html` would have written it whole (bar the style sheet)."""
    groups = dict(_GROUP.findall(base))
    return _USE.sub(lambda m: groups[m.group(1)], frame)


# ---------------------------------------------------------------- the stepper widget

def _check_frames(frames, labels, start):
    if not frames:
        raise ValueError("frames must hold at least one frame")
    if len(labels) != len(frames):
        raise ValueError(f"labels must hold one label per frame ({len(frames)}), got {len(labels)}")
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be distinct (the slider shows them)")
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < len(frames):
        raise ValueError(f"start must be a frame index in [0, {len(frames) - 1}], got {start!r}")
    kinds = {isinstance(f, Frame) for f in frames}
    if len(kinds) > 1 or not all(isinstance(f, (Frame, str)) for f in frames):
        raise TypeError("frames must all be Frame objects (shared pictures) or all HTML strings")


class FrameStepper:
    """Play button + slider over precomputed frames, linked in the browser.

    frames: :class:`Frame` objects (their pictures are shared, see :func:`share`), or HTML
    strings from :func:`frame_html` (stored as they are); labels: what the slider shows for each
    (e.g. "3"); start: the index shown first; description: the slider's visible label; name: what
    the controls step through, for their accessible names and the text fallback (e.g. "the
    forward pass"); interval: ms between frames when playing.

    reverse_play: Play walks the frames from the last to the first (04's backward pass, whose
    slider runs t = 1..τ left to right, as the figure's t axis, and whose steps go τ down to 1).
    ipywidgets' Play only counts up, so then Play is not linked to the slider in the browser; the
    kernel maps Play's count onto the slider while it plays (a message per step, only while
    playing). The static pages and slides play backwards in the browser.

    ``stepper.frames`` are the frames standing alone (whole pictures, for tests and
    :func:`read_frame`); ``stepper.base`` and ``stepper.stored`` are what the notebook stores
    (the shared picture once, then each frame's own part). ``stepper.index`` is the frame on
    show; ``stepper.go(i)`` moves there from code.
    """

    def __init__(self, frames, labels: list[str], *, start: int = 0, description: str = "t",
                 name: str = "the steps", interval: int = 1000, fallback: str | None = None,
                 reverse_play: bool = False):
        import ipywidgets as w

        _check_frames(frames, labels, start)
        self.labels = list(labels)
        self.reverse_play = bool(reverse_play)
        if isinstance(frames[0], Frame):
            defs, bodies = share([f.picture for f in frames])
            self.base = defs
            self.stored = [_frame(f.readout, f.picture.frame_markup(f.step, body), f.step)
                           for f, body in zip(frames, bodies, strict=True)]
            self.frames = [f.html() for f in frames]
        else:
            self.base, self.stored, self.frames = "", list(frames), list(frames)
        self.fallback = fallback or f"A stepper through {name}: run the cell to see it."
        n = len(frames)
        self.slider = w.SelectionSlider(options=self.labels, index=start, description=description,
                                        continuous_update=True, readout=True,
                                        tooltip=f"step through {name} (arrow keys)",
                                        layout=_shared_models()[2], style=_slider_style())
        self.play = w.Play(min=0, max=n - 1, value=self._play_value(start), step=1,
                           interval=interval, show_repeat=False, description=f"play {name}",
                           tooltip=f"play {name}", layout=w.Layout(width="auto"))
        # Few models: every frame's HTML widget shares one layout (width 100 %: a frame scales to
        # the notebook's width, the Stack and the box too) and one style, and stores its value and
        # little else (_lean_html: the traits it leaves at their defaults are not stored).
        full, row, slider_layout, style = _shared_models()
        frame_html_widget = _lean_html()
        self.stack = w.Stack([frame_html_widget(value=f, layout=full, style=style) for f in self.stored],
                             selected_index=start, layout=full)
        # links the browser runs itself: Play -> slider -> picture, with or without a kernel
        self.links = [w.jslink((self.slider, "index"), (self.stack, "selected_index"))]
        if self.reverse_play:
            self._echo = False
            self.play.observe(self._played, names="value")
            self.slider.observe(self._stepped, names="index")
        else:
            self.links.insert(0, w.jslink((self.play, "value"), (self.slider, "index")))
        # the frames' style sheet (one model for every stepper of the notebook) and the shared
        # picture: drawn nowhere themselves, they take no room in the row
        parts = [self.play, self.slider, _style_widget()]
        if self.base:
            parts.append(frame_html_widget(value=self.base, layout=row, style=style))
        controls = w.HBox(parts, layout=row)
        self.widget = friendly_box([controls, self.stack], self.fallback, layout=full)
        self.widget.add_class("bptt-stepper")   # how tests and style sheets find a stepper
        if self.reverse_play:
            self.widget.add_class("bptt-reverse")

    def _play_value(self, index: int) -> int:
        return len(self.labels) - 1 - index if self.reverse_play else index

    def _played(self, change) -> None:
        """reverse_play: Play's count (from the browser, while it plays) moves the slider."""
        if not self._echo:
            self._echo = True
            try:
                self.slider.index = len(self.labels) - 1 - change["new"]
            finally:
                self._echo = False

    def _stepped(self, change) -> None:
        """reverse_play: Play goes on from where the slider is (its count only; never the slider,
        which would race the arrow keys)."""
        if not self._echo:
            self._echo = True
            try:
                self.play.value = len(self.labels) - 1 - change["new"]
            finally:
                self._echo = False

    @property
    def index(self) -> int:
        """The frame on show (the slider's position, which the browser keeps in sync)."""
        return self.slider.index

    def go(self, index: int) -> str:
        """Show frame ``index``; returns its HTML (standing alone)."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.frames):
            raise ValueError(f"index must be a frame index in [0, {len(self.frames) - 1}], got {index!r}")
        # All three, from code: in a browser the jslinks agree; without one (a script, a test)
        # nothing else would move them. No observer writes to the slider on its own: a kernel
        # echoing the browser's steps back would race the arrow keys and undo them.
        if self.reverse_play:
            self._echo = True
        try:
            self.slider.index = index
            self.play.value = self._play_value(index)
        finally:
            self._echo = False
        self.stack.selected_index = index
        return self.frames[index]

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


@functools.cache
def _shared_models():
    """The layouts and the style every stepper of a kernel shares (one model each in the
    notebook, however many steppers and frames): full width; a row of controls; the slider's."""
    import ipywidgets as w
    from ipywidgets.widgets.widget_string import HTMLStyle

    return (w.Layout(width="100%"), w.Layout(align_items="center"), w.Layout(width="420px"),
            HTMLStyle())


@functools.cache
def _style_widget():
    """One HTML widget holding the frames' style sheet, shown in every stepper's row."""
    _, row, _, style = _shared_models()
    return _lean_html()(value=STYLE, layout=row, style=style)


@functools.cache
def _slider_style():
    import ipywidgets as w

    return w.SliderStyle(description_width="initial")


@functools.cache
def _lean_html():
    """ipywidgets' HTML, storing only what a frame sets: its value, layout and style (the
    description, placeholder, tooltip... stay at the defaults every widget manager knows)."""
    import ipywidgets as w
    from ipywidgets.widgets.trait_types import TypedTuple
    from traitlets import Bool, Int, Unicode

    class FrameHTML(w.HTML):
        _dom_classes = TypedTuple(trait=Unicode())
        _view_count = Int(None, allow_none=True)
        description = Unicode("")
        description_allow_html = Bool(False)
        placeholder = Unicode("\u200b")
        tooltip = Unicode(None, allow_none=True)
        tabbable = Bool(None, allow_none=True)

    return FrameHTML


@functools.cache
def _friendly_vbox_class():
    import ipywidgets as w

    class FriendlyVBox(w.VBox):
        """A VBox whose repr, its text fallback, is the one line ``self.fallback``."""

        fallback = "A widget: run the cell to see it."

        def __repr__(self):
            return self.fallback

    return FriendlyVBox


def friendly_box(children, fallback: str, layout=None):
    """A full-width VBox of ``children`` whose text fallback is ``fallback`` (``layout``: one to
    share, default a new full-width one).

    That line is what a notebook shows for the widget before the kernel runs, after a reload,
    or in a viewer without widgets: a plain VBox would show ``VBox(children=(HBox(...``.
    """
    import ipywidgets as w

    if not isinstance(fallback, str) or "\n" in fallback or not fallback.strip():
        raise ValueError(f"fallback must be one non-empty line, got {fallback!r}")
    box = _friendly_vbox_class()(list(children), layout=layout or w.Layout(width="100%"))
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


def drawn(markup: str) -> list[tuple]:
    """What a picture's markup draws, element by element in order, each with every attribute it
    has or inherits from the groups around it: (tag, sorted attributes, text). The same list
    for a frame as stored (with its ``<use>`` composed, :func:`compose`) and the picture
    standing alone means the same drawing."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out, self.stack, self.skip = [], [{}], 0

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in ("svg", "defs", "title", "style", "marker") or self.skip:
                self.skip += tag in ("defs", "title", "style", "marker")
                self.stack.append(self.stack[-1])
                return
            if tag == "g":
                self.stack.append({**self.stack[-1], **attrs})
                return
            self.out.append([tag, tuple(sorted({**self.stack[-1], **attrs}.items())), ""])
            self.stack.append(self.stack[-1])

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

        def handle_endtag(self, tag):
            if tag in ("defs", "title", "style", "marker") and self.skip:
                self.skip -= 1
            if len(self.stack) > 1:
                self.stack.pop()

        def handle_data(self, data):
            if self.out and not self.skip:
                self.out[-1][2] += data

    start = markup.find("<svg")
    reader = Reader()
    reader.feed(markup[start:markup.index("</svg>", start) + 6] if start >= 0 else markup)
    return [tuple(e) for e in reader.out]


def read_frame(frame: str, base: str = "") -> dict:
    """What a frame holds, read back from its HTML (for tests, and to compare with a browser).

    base: the stepper's base, for a stored frame (its ``<use>`` are resolved first, see
    :func:`compose`). Returns ``{"step", "readout", "label", "svg_text"}``: the frame's
    ``data-step``, the text of its readout, its picture's text alternative, and the picture's
    visible words (the text of each ``<text>`` element, in order, joined by single spaces: what
    a browser's ``textContent`` of each gives).
    """
    from html.parser import HTMLParser

    if base:
        frame = compose(frame, base)

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
