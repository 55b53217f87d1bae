"""A live loss display for training (notebook 08): the loss curve and a status line, one value.

``LiveLoss(total_steps)`` is a callback for :func:`bptt_helpers.train`
(``callback=live``): it records every loss and refreshes the display every
``update_every`` steps. What it shows comes from plain functions tested in pytest:
:func:`progress_view` (the numbers and the status line), :func:`loss_label` (what the
picture shows) and :func:`loss_picture` (the curve, drawn as SVG in ~1-3 ms: matplotlib
needed ~100 ms per refresh). Readout and picture go to the page as ONE value
(:class:`bptt_helpers.widgets.frames.LiveFrame`), so they always agree.
"""

from __future__ import annotations

import math

import numpy as np

from .. import style
from ..plots.svg import MUTED, Box, Svg, nice_ticks
from ..plots.training import moving_average
from .frames import LiveFrame, frame_html, friendly_box


def progress_view(losses, total_steps: int, window: int = 20) -> dict:
    """What the live display shows after ``len(losses)`` of ``total_steps`` steps.

    Returns ``step``, ``fraction`` (0..1), ``recent`` (mean of the last ``window`` losses,
    None before the first step), ``first`` (mean of the first ``window`` losses) and
    ``text``, one line such as ``"step 120/300 · loss 2.314 (mean of last 20) · started at 3.402"``.
    """
    if isinstance(total_steps, bool) or not isinstance(total_steps, (int, np.integer)) or total_steps < 1:
        raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    losses = [float(x) for x in losses]
    step = len(losses)
    if step > total_steps:
        raise ValueError(f"got {step} losses but total_steps is {total_steps}")
    if step == 0:
        return {"step": 0, "fraction": 0.0, "recent": None, "first": None,
                "text": f"step 0/{total_steps} · waiting for the first step"}
    recent = float(np.mean(losses[-window:]))
    first = float(np.mean(losses[:window]))
    n = min(window, step)
    text = f"step {step}/{total_steps} · loss {recent:.3f} (mean of last {n})"
    if step > window:
        text += f" · started at {first:.3f}"
    return {"step": step, "fraction": step / total_steps, "recent": recent, "first": first,
            "text": text}


MAX_POINTS = 1500          # the per-batch line is thinned to at most this many points
BATCH_COLOUR = "#9dbfdf"   # the thin per-batch line: a light tint of style.FORWARD
WIDTH, HEIGHT = 760, 300


def _check_baseline(baseline):
    if baseline is None:
        return None
    if isinstance(baseline, bool) or not isinstance(baseline, (int, float, np.integer, np.floating)) \
            or not math.isfinite(baseline):
        raise ValueError(f"baseline must be a finite number or None, got {baseline!r}")
    return float(baseline)


def loss_label(losses, total_steps: int, window: int = 20, baseline: float | None = None) -> str:
    """The text alternative of the live picture: what it shows and what to notice."""
    view = progress_view(losses, total_steps, window)
    baseline = _check_baseline(baseline)
    ref = f", and dashed the loss of a uniform guess, {baseline:.3f}" if baseline is not None else ""
    if view["step"] == 0:
        return (f"Training loss against the SGD step, 0 to {total_steps}{ref}. No step yet: the "
                "curve appears as training runs.")
    n = min(window, view["step"])
    trend = ""
    if view["step"] > window:
        trend = (f" It started at {view['first']:.3f} and is now {view['recent']:.3f}"
                 f" ({'down' if view['recent'] < view['first'] else 'not down'} from the start).")
    return (f"Training loss against the SGD step, after {view['step']} of {total_steps} steps: the "
            f"loss of each batch (thin line) and the mean of the last {n} steps (thick line){ref}."
            + trend)


def loss_picture(losses, total_steps: int, window: int = 20, baseline: float | None = None,
                 title: str = "live: training loss") -> Svg:
    """The loss of each batch (thin), its moving average (thick), the baseline (dashed), on axes
    for all ``total_steps`` steps, with a progress bar in the header. Returns the :class:`Svg`."""
    view = progress_view(losses, total_steps, window)
    baseline = _check_baseline(baseline)
    values = np.asarray([float(x) for x in losses], dtype=np.float64)
    svg = Svg(WIDTH, HEIGHT, loss_label(values, total_steps, window, baseline))
    svg.text(0, 12, title, 15, weight="bold")
    # progress bar, right of the title: how far training is
    bar_x, bar_w = 430.0, 200.0
    svg.rect(bar_x, 5, bar_w, 14, fill="#eeeeee", stroke=MUTED, stroke_width=0.8)
    svg.rect(bar_x, 5, bar_w * view["fraction"], 14, fill=style.FORWARD)
    svg.text(bar_x + bar_w + 8, 12, f"{view['step']}/{total_steps}", 12, mono=True)
    # legend, one row between the header and the plot (it overlaps no curve)
    n = min(window, view["step"]) if view["step"] else window
    items = [("loss of each batch", BATCH_COLOUR, 1.2, None),
             (f"mean of last {n} step{'s' if n != 1 else ''}", style.FORWARD, 2.8, None)]
    if baseline is not None:
        items.append((f"uniform guess ln(V) = {baseline:.2f}", MUTED, 1.5, "6 4"))
    x = 0.0
    for label, colour, width, dash in items:
        svg.line(x, 38, x + 26, 38, colour, width, dash)
        svg.text(x + 32, 38, label, 12)
        x += 32 + 7.0 * len(label) + 20
    # the axes: x for every step of the run, y around the losses (and the baseline)
    span = [*values.tolist(), *([baseline] if baseline is not None else [])] or [0.0, 1.0]
    low, high = min(span), max(span)
    pad = 0.06 * (high - low) if high > low else 0.5
    low, high = max(0.0, low - pad), high + pad
    box = Box(svg, 60, 60, 680, 196, xlim=(0, total_steps), ylim=(low, high))
    yticks = [v for v in nice_ticks(low, high, 5) if low <= v <= high]
    box.yticks(yticks, [f"{v:g}" for v in yticks], grid=True)
    xticks = [int(v) for v in nice_ticks(0, total_steps, 6) if float(v).is_integer()]
    box.xticks(xticks, [str(v) for v in xticks])
    box.xlabel("SGD step")
    box.ylabel("loss (nats)", offset=46)
    if baseline is not None:
        svg.line(box.x, box.Y(baseline), box.x + box.w, box.Y(baseline), MUTED, 1.5, dash="6 4")
    if values.size:
        steps = np.arange(1, values.size + 1)
        stride = max(1, math.ceil(values.size / MAX_POINTS))
        thin = [(box.X(s), box.Y(v)) for s, v in zip(steps[::stride], values[::stride], strict=True)]
        if len(thin) > 1:
            svg.polyline(thin, BATCH_COLOUR, 1.2)
        smooth = moving_average(values, window)
        s_steps = steps[values.size - smooth.size:]
        pts = [(box.X(s), box.Y(v)) for s, v in zip(s_steps[::stride], smooth[::stride], strict=True)]
        if (s_steps.size - 1) % stride:
            pts.append((box.X(s_steps[-1]), box.Y(smooth[-1])))
        if len(pts) > 1:
            svg.polyline(pts, style.FORWARD, 2.8)
        svg.circle(pts[-1][0], pts[-1][1], 4, style.FORWARD)
    else:
        svg.text(box.x + box.w / 2, box.y + box.h * 0.22, "waiting for the first step", 13, "middle",
                 MUTED)
    box.frame()
    return svg


def loss_frame(losses, total_steps: int, window: int = 20, baseline: float | None = None) -> str:
    """The whole live frame: the picture and, under it, the status line (``data-step`` = step)."""
    view = progress_view(losses, total_steps, window)
    step = str(view["step"])
    svg = loss_picture(losses, total_steps, window, baseline)
    return frame_html(view["text"], svg.markup(step), step, live=True)


class LiveLoss:
    """Callback ``(step, loss)`` for :func:`bptt_helpers.train` that updates a live display.

    Display ``live.widget`` (or just ``live``) before training; the curve and the status line
    are redrawn together every ``update_every`` steps and once more at the end
    (``live.frame.html.value``: one message per refresh).
    """

    def __init__(self, total_steps: int, update_every: int = 25, window: int = 20,
                 baseline: float | None = None):
        progress_view([], total_steps, window)  # validate
        if isinstance(update_every, bool) or not isinstance(update_every, (int, np.integer)) \
                or update_every < 1:
            raise ValueError(f"update_every must be a positive integer, got {update_every!r}")
        self.total_steps, self.update_every, self.window = total_steps, int(update_every), window
        self.baseline = _check_baseline(baseline)
        self.losses: list[float] = []
        self.frame = LiveFrame()
        self.widget = friendly_box(
            [self.frame.html], f"Live training curve: the loss of each of {total_steps} SGD steps, "
                               "drawn as training runs (run the cell to see it).")
        self.refresh()

    def __call__(self, step: int, loss: float) -> None:
        self.losses.append(float(loss))
        if len(self.losses) % self.update_every == 0 or len(self.losses) == self.total_steps:
            self.refresh()

    @property
    def text(self) -> str:
        """The status line on show."""
        return progress_view(self.losses, self.total_steps, self.window)["text"]

    def refresh(self) -> None:
        """Redraw the curve and the status line from the losses so far (one message)."""
        self.frame.set(loss_frame(self.losses, self.total_steps, self.window, self.baseline))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
