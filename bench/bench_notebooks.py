"""Benchmark: how long each notebook's Run All takes, as a student runs it (issue 23).

    make bench-notebooks        (or: .venv/bin/python bench/bench_notebooks.py [--rounds 3] [NN ...])

Each notebook runs top to bottom in a fresh kernel with one BLAS thread (OPENBLAS_NUM_THREADS=1,
as the Makefile runs the tests and as a student's laptop under load behaves), from the stored
file; the file on disk is not changed. Per notebook and round:

- kernel:  from asking for a kernel until it answers (what JupyterLab does before Run All);
- run all: from sending the first code cell until the last one has replied, i.e. what the student
           waits for after pressing Run All (every cell's output has reached the client);
- per cell: from sending the cell until its reply;
- cpu:     the CPU seconds the kernel process spent on the notebook's cells (Python's process
           time, summed by IPython hooks the bench registers in a cell of its own before the
           notebook's first cell). With one BLAS thread this is close to the wall time of a quiet
           machine, and other processes' load inflates it far less than the wall time.

The notebooks are run in rounds, in an order that rotates from round to round, so that load
from other processes hits all of them alike; the tables give the median over the rounds (per
cell, the median of that cell). The budget (issue 23): Run All in at most 5 s per notebook. The
reference, run in the same rounds, is a one-cell notebook doing a fixed amount of numpy and
matplotlib work (``REFERENCE``): the column ``/ ref`` is each notebook's median Run All over the
reference's, to compare runs made under different load.
Not a test: it never fails; it prints a table and says `met` or `MISSED` per notebook.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BUDGET_S = 5.0
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# A fixed workload in the same kind of kernel: small matrix products in a Python loop (what a
# training run does) and one matplotlib PNG. It imports nothing of the package, so that it
# measures the machine, not the code under test.
REFERENCE = """
import io
import numpy as np
import matplotlib
matplotlib.use("agg")
from matplotlib.figure import Figure
rng = np.random.default_rng(0)
h, W = rng.standard_normal((32, 128)), rng.standard_normal((128, 128)) / 16
for _ in range(2000):
    h = np.tanh(h @ W.T)
fig = Figure(figsize=(6, 3)); ax = fig.subplots(); ax.plot(range(200), np.sin(np.arange(200) / 9))
fig.savefig(io.BytesIO(), format="png", dpi=100)
"""


def reference_notebook():
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(REFERENCE)])


# Run in the kernel before and after the notebook's cells (and not timed with them): every cell's
# CPU time in the kernel process, which other processes' load inflates far less than wall time.
CPU_BEFORE = """
import json as _bench_json, time as _bench_time
_bench_cpu = []
def _bench_pre(*args):
    global _bench_started
    _bench_started = _bench_time.process_time()
def _bench_post(*args):
    if "_bench_started" in globals():
        _bench_cpu.append(_bench_time.process_time() - _bench_started)
get_ipython().events.register("pre_run_cell", _bench_pre)
get_ipython().events.register("post_run_cell", _bench_post)
"""
CPU_AFTER = 'print("BENCH-CPU", _bench_json.dumps(_bench_cpu))'  # this cell's own time comes after


def run_notebook(nb, cwd: Path, timeout: int = 600) -> dict:
    """Execute notebook node ``nb`` in a fresh kernel: seconds for the kernel, Run All and each
    code cell (wall), and each code cell's CPU seconds in the kernel."""
    import nbformat
    from nbclient import NotebookClient

    n = len(nb.cells)
    nb.cells = ([nbformat.v4.new_code_cell(CPU_BEFORE)] + nb.cells
                + [nbformat.v4.new_code_cell(CPU_AFTER)])  # the notebook's cell i is cell i + 1
    sent, cell_s = {}, {}

    def on_execute(cell, cell_index):
        sent[cell_index - 1] = time.perf_counter()

    def on_executed(cell, cell_index, execute_reply):
        cell_s[cell_index - 1] = time.perf_counter() - sent[cell_index - 1]

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd)}})
    asked = time.perf_counter()
    # the kernel's own start-up warnings (e.g. TCP without encryption) are not the notebook's
    with client.setup_kernel(env={**os.environ, **ONE_THREAD}, stderr=subprocess.DEVNULL):
        up = time.perf_counter()
        client.execute_cell(nb.cells[0], 0)
        client.on_cell_execute, client.on_cell_executed = on_execute, on_executed
        for index in range(1, n + 1):
            client.execute_cell(nb.cells[index], index)
        done = time.perf_counter()
        client.on_cell_execute = client.on_cell_executed = None
        client.execute_cell(nb.cells[-1], n + 1)
    first = min(sent.values()) if sent else done
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    cpu = json.loads(text.split("BENCH-CPU", 1)[1])
    cpu_s = dict(zip(sorted(cell_s), cpu, strict=True))
    return {"kernel": up - asked, "run_all": done - first, "cells": cell_s,
            "cpu": sum(cpu), "cells_cpu": cpu_s}


def first_line(source: str, width: int = 60) -> str:
    line = next((raw.strip() for raw in source.splitlines()
                 if raw.strip() and not raw.strip().startswith("#")), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def main(argv=None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(prog="bench/bench_notebooks.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="e.g. 08 10 (default: every notebook)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cells", type=int, default=3, help="slowest cells listed per notebook")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        paths = [p for p in paths if p.name[:2] in args.notebooks]
    if not paths:
        parser.error(f"no notebook matches {args.notebooks}")
    sources = {p.name[:2]: nbformat.read(p, as_version=4) for p in paths}
    jobs = ["ref"] + list(sources)

    print(f"numpy {__import__('numpy').__version__} · Python {platform.python_version()} · "
          f"{os.cpu_count()} CPUs · load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} · "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, 1 BLAS thread")
    started = time.perf_counter()
    runs = {job: [] for job in jobs}
    for r in range(args.rounds):
        for job in jobs[r % len(jobs):] + jobs[:r % len(jobs)]:
            print(f"  round {r + 1}/{args.rounds}: {job}", file=sys.stderr, flush=True)
            nb = reference_notebook() if job == "ref" else nbformat.from_dict(sources[job])
            runs[job].append(run_notebook(nb, NOTEBOOKS))

    def median(job, key):
        return statistics.median(run[key] for run in runs[job])

    ref = median("ref", "run_all")
    print(f"\nRun All per notebook, s (median of {args.rounds} round(s) in a fresh kernel each; "
          f"budget ≤ {BUDGET_S:.0f} s)")
    head = f"{'nb':<4}{'cells':>6}{'kernel':>8}{'run all':>9}{'worst':>8}{'/ ref':>7}{'cpu':>7}  budget"
    print(head + "\n" + "-" * len(head))
    missed = 0
    for nb_id, nb in sources.items():
        run_all, worst = median(nb_id, "run_all"), max(run["run_all"] for run in runs[nb_id])
        ok = run_all <= BUDGET_S
        missed += not ok
        n_code = sum(c.cell_type == "code" for c in nb.cells)
        print(f"{nb_id:<4}{n_code:>6}{median(nb_id, 'kernel'):>8.2f}{run_all:>9.2f}{worst:>8.2f}"
              f"{run_all / ref:>7.1f}{median(nb_id, 'cpu'):>7.2f}  {'met' if ok else 'MISSED'}")
    total = sum(median(nb_id, "run_all") for nb_id in sources)
    print(f"{'all':<4}{'':>6}{'':>8}{total:>9.2f}")
    print(f"(reference, one cell of fixed numpy + matplotlib work: {ref:.2f} s, cpu "
          f"{median('ref', 'cpu'):.2f} s, kernel {median('ref', 'kernel'):.2f} s)")

    print(f"\nslowest cells, s (median per cell; the {args.cells} slowest of each notebook; "
          "[n] is the cell's index in the notebook)")
    head = f"{'nb':<4}{'cell':>6}  {'id':<16}{'s':>7}{'share':>7}{'cpu':>7}  first line"
    print(head + "\n" + "-" * len(head))
    for nb_id, nb in sources.items():
        per_cell = {i: statistics.median(run["cells"][i] for run in runs[nb_id])
                    for i in runs[nb_id][0]["cells"]}
        run_all = median(nb_id, "run_all")
        for i in sorted(per_cell, key=per_cell.get, reverse=True)[: args.cells]:
            cell = nb.cells[i]
            cpu = statistics.median(run["cells_cpu"][i] for run in runs[nb_id])
            print(f"{nb_id:<4}{f'[{i}]':>6}  {cell.get('id', '-'):<16}{per_cell[i]:>7.2f}"
                  f"{per_cell[i] / run_all:>7.0%}{cpu:>7.2f}  {first_line(cell.source)}")
    print("\nall notebooks within budget" if not missed else f"\n{missed} notebook(s) MISSED the budget")
    print(f"{time.perf_counter() - started:.0f} s · load average now "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} · on a shared machine the seconds move "
          "with the load; compare the / ref column across runs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
