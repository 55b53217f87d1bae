"""The steppers of the static pages and slides: the stored frames, stepped by a page script.

The notebooks store each stepper as ipywidgets state (bptt_helpers.widgets.frames.FrameStepper:
a Play button, a slider and a Stack of frames, the shared picture once). JupyterLab and Voilà
draw that with the widget manager. A static page or a deck does not need it: a stepper there
only shows one stored frame at a time. So :func:`static_widgets` turns every stepper of a
notebook into plain HTML (the same frames, the same base picture) with a small script: a Play
button, a native range slider and the frames, stepped with no kernel and no widget manager.
The live widgets (08's training curve, 09's explorer) become the frame they stored, with a line
saying where they move. A page left with no widget does not load the 3.6 MB widget manager at
all (nbconvert adds it only when the notebook has widget state), so a deck opens in about the
time of a deck without widgets.

What the stepper keeps from the widget version, and how:

- the frames: the very HTML the notebook stored (``.bptt-frame`` elements, ``data-step``, the
  picture's text alternative and words), the one on show switched by a class;
- the keyboard: the slider is an ``<input type="range">`` (arrow keys, Home/End, Page up/down);
  its ``aria-valuetext`` is the slider's label; Play/Pause is a named button; the page's a11y
  script (tools/page_a11y.py) announces each new frame's first readout line, as it does for the
  widgets;
- the deck: keys on a stepper's controls step the stepper, not the deck; Escape, or a click
  anywhere outside the controls, leaves the stepper and the arrow keys move the deck again
  (while a control has the keys, the stepper is outlined and says so).
"""

from __future__ import annotations

import html
import json
import re

from bptt_helpers.widgets.frames import FRAME_CSS

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_REF = re.compile(r"^IPY_MODEL_(\w+)$")

STEPPER_CSS = FRAME_CSS + """
.bptt-static{position:relative;margin:4px 0 8px 0;border-radius:4px}
.bptt-static:focus-within{outline:2px solid #1f6fb4;outline-offset:6px}
.bptt-static .bptt-controls{display:flex;align-items:center;flex-wrap:wrap;column-gap:14px;
  row-gap:4px;margin:0 0 6px 0;font-family:system-ui,"DejaVu Sans",sans-serif;font-size:15px;color:#222}
.bptt-static .bptt-play{display:inline-flex;align-items:center;justify-content:center;width:2.6em;
  height:2.1em;padding:0;border:1px solid #6b6b6b;border-radius:4px;background:#eee;color:#222;cursor:pointer}
.bptt-static .bptt-play svg{width:1em;height:1em;fill:currentColor}
.bptt-static .bptt-play .bptt-pause,.bptt-static .bptt-play.bptt-playing .bptt-go{display:none}
.bptt-static .bptt-play.bptt-playing .bptt-pause{display:inline}
.bptt-static .bptt-label{display:inline-flex;align-items:center;gap:.6em;white-space:nowrap}
.bptt-static .bptt-slider{width:22em;max-width:60vw;margin:0;accent-color:#1f6fb4}
.bptt-static .bptt-value{min-width:2.5ch;font-weight:bold;font-variant-numeric:tabular-nums}
.bptt-static .bptt-hint{visibility:hidden;color:#595959}
.bptt-static:focus-within .bptt-hint{visibility:visible}
.bptt-static :focus-visible{outline:3px solid #1d68a9;outline-offset:2px}
.bptt-static .bptt-frame.bptt-off{display:none}
.bptt-static .bptt-live-note{font-size:14px;color:#595959;margin:2px 0 0 0}
"""

# On a 1280x720 slide the stepper takes the slide: the picture as wide as the slide and as tall
# as the controls and the readout leave room for (--bptt-lines: the readout's longest frame), the
# readout in the slide's body size (20 px), nothing smaller.
SLIDES_CSS = """
.reveal .bptt-static .bptt-controls{font-size:20px}
.reveal .bptt-static .bptt-slider{width:420px}
.reveal .bptt-static .bptt-frame .bptt-pic{width:100%;height:auto;
  max-height:calc(680px - 56px - var(--bptt-lines, 4) * 27px)}
.reveal .bptt-static .bptt-frame .bptt-readout{font-size:20px;line-height:27px}
.reveal .bptt-static .bptt-live-note{font-size:20px}
"""

STEPPER_CSS += SLIDES_CSS

STEPPER_JS = r"""
(function () {
  function setup(root) {
    if (root.dataset.ready) return;
    var frames = root.querySelectorAll('.bptt-frames > .bptt-frame');
    var slider = root.querySelector('.bptt-slider'), value = root.querySelector('.bptt-value');
    var play = root.querySelector('.bptt-play');
    var labels = JSON.parse(root.querySelector('.bptt-labels').textContent);
    var n = frames.length, reverse = root.dataset.reverse === '1';
    var interval = Number(root.dataset.interval) || 1000, timer = null;
    function show(i) {
      for (var k = 0; k < n; k++) frames[k].classList.toggle('bptt-off', k !== i);
      slider.value = String(i);
      value.textContent = labels[i];
      slider.setAttribute('aria-valuetext', labels[i]);
    }
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      play.classList.remove('bptt-playing');
      play.setAttribute('aria-label', 'Play');
    }
    function tick() {
      var j = Number(slider.value) + (reverse ? -1 : 1);
      if (j < 0 || j > n - 1) { stop(); return; }
      show(j);
      if (j === (reverse ? 0 : n - 1)) stop();
    }
    slider.addEventListener('input', function () { show(Number(slider.value)); });
    play.addEventListener('click', function () {
      if (timer !== null) { stop(); return; }
      if (Number(slider.value) === (reverse ? 0 : n - 1)) show(reverse ? n - 1 : 0);
      play.classList.add('bptt-playing');
      play.setAttribute('aria-label', 'Pause');
      timer = setInterval(tick, interval);
    });
    // Keys on the controls are the stepper's: the deck (reveal.js listens on the document) does
    // not get them. Escape leaves the stepper: the keys go back to the page (the deck).
    var KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp',
                'PageDown', ' ', 'Enter', 'Spacebar'];
    root.querySelector('.bptt-controls').addEventListener('keydown', function (event) {
      if (event.key === 'Escape' || event.key === 'Esc') {
        event.preventDefault();
        event.stopPropagation();
        if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
        return;
      }
      if (KEYS.indexOf(event.key) >= 0) event.stopPropagation();
    });
    show(Number(root.dataset.start) || 0);
    root.dataset.ready = '1';
  }
  document.querySelectorAll('.bptt-static').forEach(setup);
})();
"""

_PLAY_ICON = ('<svg class="bptt-go" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
              '<polygon points="1,0 10,5 1,10"/></svg>'
              '<svg class="bptt-pause" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
              '<rect x="1" y="0" width="3" height="10"/><rect x="6" y="0" width="3" height="10"/></svg>')


def _model(state: dict, ref: str) -> tuple[str, dict]:
    m = _REF.match(ref or "")
    if not m or m.group(1) not in state:
        raise ValueError(f"widget model {ref!r} is not in the notebook's saved widget state")
    return m.group(1), state[m.group(1)]


def _children(state: dict, model: dict) -> list[tuple[str, dict]]:
    return [_model(state, ref) for ref in model["state"].get("children", [])]


def _reachable(state: dict, model_id: str) -> set[str]:
    """Every model ``model_id`` refers to, itself included (layouts, styles, children)."""
    seen, todo = set(), [model_id]
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        for value in state[mid]["state"].values():
            values = value if isinstance(value, list) else [value]
            todo += [m.group(1) for v in values if isinstance(v, str) and (m := _REF.match(v))]
    return seen


def _classes(model: dict) -> list[str]:
    return model["state"].get("_dom_classes", [])


def stepper_html(base: str, frames: list[str], labels: list[str], start: int, description: str,
                 name: str, interval: int, reverse: bool) -> str:
    """A stepper as plain HTML: controls, the base picture, every frame (one shown), the script."""
    if not frames or len(frames) != len(labels) or not 0 <= start < len(frames):
        raise ValueError(f"a stepper needs one label per frame and a start among them, got "
                         f"{len(frames)} frames, {len(labels)} labels, start {start}")
    lines = max(f.count("class='bptt-line'") for f in frames)
    shown = [f if k == start else f.replace("class='bptt-frame'", "class='bptt-frame bptt-off'", 1)
             for k, f in enumerate(frames)]
    return (f'<div class="bptt-stepper bptt-static tex2jax_ignore" data-start="{start}" '
            f'data-interval="{int(interval)}" data-reverse="{int(bool(reverse))}" '
            f'style="--bptt-lines:{lines}">'
            f'<div class="bptt-controls">'
            f'<button type="button" class="bptt-play" aria-label="Play" title="{html.escape(name)}">'
            f"{_PLAY_ICON}</button>"
            f'<label class="bptt-label">{html.escape(description)}'
            f'<input type="range" class="bptt-slider" min="0" max="{len(frames) - 1}" step="1" '
            f'value="{start}" aria-valuetext="{html.escape(labels[start])}"></label>'
            f'<span class="bptt-value" aria-hidden="true">{html.escape(labels[start])}</span>'
            f'<span class="bptt-hint">← → step · Esc: leave the stepper</span></div>'
            f'{base}<div class="bptt-frames">{"".join(shown)}</div>'
            f'<script type="application/json" class="bptt-labels">{json.dumps(labels)}</script>'
            "</div>")


def _stepper(state: dict, model: dict) -> str | None:
    """The static HTML of a FrameStepper's VBox, or None when the model is not one."""
    if "bptt-stepper" not in _classes(model):
        return None
    kids = _children(state, model)
    controls = [m for _, m in kids if m["model_name"] == "HBoxModel"]
    stacks = [m for _, m in kids if m["model_name"] == "StackModel"]
    if len(controls) != 1 or len(stacks) != 1:
        raise ValueError("a stepper's state must hold one row of controls and one Stack of frames")
    row = _children(state, controls[0])
    parts = {m["model_name"]: m["state"] for _, m in row}
    # the shared picture: an HTML widget in the row of controls (the other one there holds the
    # frames' style sheet, which the page has already)
    bases = [m for _, m in row + kids if m["model_name"] == "HTMLModel"
             and m["state"].get("value", "").startswith("<svg class='bptt-defs'")]
    play, slider = parts["PlayModel"], parts["SelectionSliderModel"]
    frames = [m["state"]["value"] for _, m in _children(state, stacks[0])]
    name = play.get("description") or "play"
    return stepper_html(bases[0]["state"]["value"] if bases else "", frames,
                        list(slider["_options_labels"]), int(slider.get("index", 0)),
                        slider.get("description") or "step", name, play.get("interval", 100),
                        "bptt-reverse" in _classes(model))


def _live(state: dict, model_id: str) -> str | None:
    """A live widget (a VBox holding a .bptt-live frame): that frame, as stored, and a note."""
    for mid in sorted(_reachable(state, model_id)):
        m = state[mid]
        if m["model_name"] == "HTMLModel" and "bptt-live" in _classes(m):
            return (f'<div class="bptt-livecopy bptt-live tex2jax_ignore">{m["state"]["value"]}'
                    '<p class="bptt-live-note">A live widget, shown as the notebook stored it: it '
                    "moves in JupyterLab or <code>make present</code>.</p></div>")
    return None


def static_widgets(nb) -> int:
    """Turn the stored steppers and live frames of ``nb`` (changed in place) into plain HTML
    outputs; drop their models from the widget state, and the state itself when nothing is left.
    Returns how many widget views were turned."""
    saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    state = saved.get("state", {})
    turned, drop = 0, set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            model_id = view.get("model_id")
            if model_id not in state:
                raise ValueError(f"a widget view ({model_id}) has no saved widget state: re-run "
                                 "the notebook top to bottom and store it (python -m "
                                 "tools.notebook_tools execute)")
            model = state[model_id]
            page = _stepper(state, model) or _live(state, model_id)
            if page is None:
                continue
            out["data"] = {"text/html": page + f"<style>{STEPPER_CSS}</style>"
                           f"<script>{STEPPER_JS}</script>",
                           "text/plain": out["data"].get("text/plain", "")}
            out.setdefault("metadata", {})
            drop |= _reachable(state, model_id)
            turned += 1
    # models still referenced by a widget view that stays
    keep = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view:
                keep |= _reachable(state, view["model_id"])
    for mid in drop - keep:
        state.pop(mid, None)
    if not keep:
        nb.metadata.pop("widgets", None)
    return turned
