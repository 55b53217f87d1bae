"""A live loss display for training (notebook 08): a progress bar, a status line, a small plot.

``LiveLoss(total_steps)`` is a callback for :func:`bptt_helpers.train`
(``callback=live``): it records every loss and refreshes the display every
``update_every`` steps. The text it shows comes from :func:`progress_view`, a plain
function tested in pytest.
"""

from __future__ import annotations

import numpy as np


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


class LiveLoss:
    """Callback ``(step, loss)`` for :func:`bptt_helpers.train` that updates a live display.

    Display ``live.widget`` (or just ``live``) before training; the plot is redrawn
    every ``update_every`` steps and once more at the end.
    """

    def __init__(self, total_steps: int, update_every: int = 25, window: int = 20,
                 baseline: float | None = None):
        import ipywidgets as w

        progress_view([], total_steps, window)  # validate
        self.total_steps, self.update_every, self.window = total_steps, update_every, window
        self.baseline = baseline
        self.losses: list[float] = []
        self.bar = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="training")
        self.status = w.HTML(value=progress_view([], total_steps, window)["text"])
        self.image = w.Image(format="png")
        self.widget = w.VBox([w.HBox([self.bar, self.status]), self.image])

    def __call__(self, step: int, loss: float) -> None:
        self.losses.append(float(loss))
        if len(self.losses) % self.update_every == 0 or len(self.losses) == self.total_steps:
            self.refresh()

    def refresh(self) -> None:
        """Redraw the bar, the status line and the plot from the losses so far."""
        from ..plots import canvas
        from ..plots.training import plot_loss_curve

        view = progress_view(self.losses, self.total_steps, self.window)
        self.bar.value = view["fraction"]
        self.status.value = view["text"]
        if self.losses:
            fig, ax = canvas.subplots(figsize=(6.5, 3.4))
            plot_loss_curve(self.losses, window=self.window, baseline=self.baseline,
                            title="live: training loss", ax=ax)
            ax.set_xlim(0, self.total_steps + 1)
            self.image.value = canvas.png_bytes(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
