"""Benchmark: how long every widget of the series makes the kernel work per step (issue 11).

    make bench-widgets          (or: .venv/bin/python bench/bench_widgets.py [--rounds 3] [NN ...])

Each notebook that builds a widget runs top to bottom in a fresh kernel (as a student runs it),
with every widget class wrapped so that its construction is timed and the instance kept. Then,
in that kernel, every widget is stepped through all of its states, the way the browser would:

- steppers (frames made up front, switched in the browser by jslink): in a browser a step
  costs the kernel nothing but receiving the slider's new value; the bench times the most a
  step can cost it, a move from code (``go(i)``: slider, Play and picture set by the kernel).
  The frames' cost is paid once, when the cell runs, and is reported as ms per frame;
- 09's explorer (continuous inputs): a full recompute and redraw per slider change, over a grid
  of ρ(W) x τ that includes both ends of both sliders;
- 08's live training curve: one ``refresh()`` with all the losses of the run.

The budget (issue 11): median <= 50 ms and worst <= 150 ms per step, and for steppers also
<= 50 ms per frame made up front (what a redraw of that step would cost). A reference measured in
the same run puts the numbers in proportion: one matplotlib PNG of a single line plot (what
one redraw of the old widgets cost at the very least). Not a test: it never fails; it prints
a table and says `met` or `MISSED` per widget.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = {"01": "forward stepper", "04": "backward stepper", "05": "accumulate steppers",
             "06": "accumulate steppers", "07": "embedding rows", "08": "live training curve",
             "09": "vanishing explorer", "10": "truncation explorer",
             "13": "LSTM backward stepper, memory heatmap"}
MEDIAN_BUDGET_MS, WORST_BUDGET_MS = 50.0, 150.0

RECORDER = """
import time as _time
from bptt_helpers.widgets import (accumulate as _acc, backward_stepper as _bs, embedding_rows as _er,
                                  forward_stepper as _fs, training as _tr, truncation as _tw,
                                  vanishing as _vw, lstm_backward as _lb, memory_heatmap as _mh)
_bench_built = []
def _bench_wrap(cls):
    init = cls.__init__
    def timed_init(self, *args, **kwargs):
        start = _time.perf_counter()
        init(self, *args, **kwargs)
        _bench_built.append((cls.__name__, self, (_time.perf_counter() - start) * 1e3))
    cls.__init__ = timed_init
for _cls in (_fs.ForwardStepper, _bs.BackwardStepper, _acc.AccumulateStepper, _er.EmbeddingRowsStepper,
             _tw.TruncationExplorer, _vw.VanishingExplorer, _tr.LiveLoss, _lb.LSTMBackwardStepper,
             _mh.MemoryStepper):
    _bench_wrap(_cls)
"""

MEASURE = """
import json as _json, statistics as _st, io as _io
from bptt_helpers.widgets.frames import FrameStepper as _FS
def _bench_player(widget):
    for value in vars(widget).values():
        if isinstance(value, _FS):
            return value
    return None
def _bench_reference():
    import matplotlib
    from matplotlib.figure import Figure
    times = []
    for _ in range(5):
        start = _time.perf_counter()
        fig = Figure(figsize=(6, 3)); ax = fig.subplots(); ax.plot(range(50), [i * i for i in range(50)])
        fig.savefig(_io.BytesIO(), format="png")
        times.append((_time.perf_counter() - start) * 1e3)
    return _st.median(times)
def _bench_measure(rounds):
    out = []
    for name, widget, build_ms in _bench_built:
        steps, frames = [], None
        player = _bench_player(widget)
        if player is not None:
            frames = len(player.frames)
            for _ in range(rounds):
                for i in list(range(frames)) + list(range(frames - 1, -1, -1)):
                    start = _time.perf_counter()
                    player.go(i)
                    steps.append((_time.perf_counter() - start) * 1e3)
        elif name == "VanishingExplorer":
            from bptt_helpers.widgets.vanishing import RADIUS_RANGE, TAU_RANGE
            radii = [RADIUS_RANGE[0], 0.5, 0.9, 1.0, 1.1, 2.0, 3.0, RADIUS_RANGE[1]]
            for _ in range(rounds):
                for tau in (TAU_RANGE[0], 50, TAU_RANGE[1]):
                    widget.tau.value = tau
                    for radius in radii:
                        start = _time.perf_counter()
                        widget.radius.value = radius
                        steps.append((_time.perf_counter() - start) * 1e3)
        elif name == "LiveLoss":
            for _ in range(rounds * 5):
                start = _time.perf_counter()
                widget.refresh()
                steps.append((_time.perf_counter() - start) * 1e3)
        out.append({"widget": name, "frames": frames, "build_ms": build_ms,
                    "median_ms": _st.median(steps) if steps else None,
                    "worst_ms": max(steps) if steps else None, "n": len(steps)})
    return out
print("BENCH-RESULT " + _json.dumps({"widgets": _bench_measure(ROUNDS), "reference_ms": _bench_reference()}))
"""


def run_notebook(nb: str, rounds: int) -> dict:
    sys.path.insert(0, str(REPO))
    from tools.notebook_tools import run_probe

    path = next((REPO / "notebooks").glob(f"{nb}_*.ipynb"))
    return run_probe(path, RECORDER, MEASURE.replace("ROUNDS", str(rounds)), "BENCH-RESULT ")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/bench_widgets.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", default=list(NOTEBOOKS), help="e.g. 01 09")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'nb':<3} {'widget':<22} {'frames':>6} {'build ms':>9} {'ms/frame':>9} "
          f"{'step median':>12} {'step worst':>11} {'/ ref':>6}  budget (≤{MEDIAN_BUDGET_MS:.0f} / "
          f"≤{WORST_BUDGET_MS:.0f} ms)")
    missed = 0
    for nb in args.notebooks:
        result = run_notebook(nb, args.rounds)
        ref = result["reference_ms"]
        for w in result["widgets"]:
            per_frame = f"{w['build_ms'] / w['frames']:.1f}" if w["frames"] else "-"
            # a frame made up front must fit the budget too: it is what a redraw would cost
            ok = (w["median_ms"] is not None and w["median_ms"] <= MEDIAN_BUDGET_MS
                  and w["worst_ms"] <= WORST_BUDGET_MS
                  and (not w["frames"] or w["build_ms"] / w["frames"] <= MEDIAN_BUDGET_MS))
            missed += not ok
            print(f"{nb:<3} {w['widget']:<22} {w['frames'] or '-':>6} {w['build_ms']:>9.0f} {per_frame:>9} "
                  f"{w['median_ms']:>12.2f} {w['worst_ms']:>11.2f} {w['median_ms'] / ref:>6.3f}  "
                  f"{'met' if ok else 'MISSED'}")
        print(f"    (reference in this kernel: one matplotlib PNG of a line plot = {ref:.0f} ms)")
    print("all widgets within budget" if not missed else f"{missed} widget(s) MISSED the budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
