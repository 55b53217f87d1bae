"""Benchmark: forward + backward of bptt_helpers against PyTorch CPU autograd of the same model.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_bptt.py``); see bench/README.md.
Not a test: it prints tables and never fails. Options: ``--quick`` (fewer rounds, a smoke
run), ``--sizes paper,teaching`` (a subset).

Method
------
* All implementations run in ONE process, ALTERNATING: every round times each of them
  once (the order rotates from round to round), so a burst of load from other processes
  hits all of them alike. A ratio is the median of the per-round ratios (paired).
* One "call" is what a training step needs: forward (eqs 1.3-1.7 and the mean
  cross-entropy) plus backward (all six gradients). Short calls are repeated inside one
  timing so that it lasts >= ~20 ms.
* Threads: on a loaded 2-core machine a thread pool waiting for a busy core can be ten
  times slower than one thread. Every implementation runs with 1 thread (OpenBLAS for numpy,
  set through its C API; OpenMP for torch); at the large size it is timed with both 1 thread
  and the library default in every round and counts with the faster (the table says which
  won). Neither side is handicapped.
* GFLOP/s counts the matrix-product FLOPs of forward + backward,
  6·B·T·(H² + H·D + H·V) (each weight is used in three products per position: the forward
  product, the gradient of its input, the gradient of the weight), against the best of a
  large square matmul measured in the same process, in float32 and float64.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

import bptt_helpers as bh
from bptt_helpers import grads_as_written as gw
from bptt_helpers import grads_fast as gf
from bptt_helpers.forward_pass import _run
from bptt_helpers.validate import check_inputs, check_params

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from candidate import forward_backward as candidate_forward_backward  # noqa: E402

try:
    import torch
except ModuleNotFoundError:  # the numpy rows are still measured
    torch = None


@dataclass(frozen=True)
class Size:
    name: str
    B: int
    T: int
    vocab: int
    d_model: int
    n_hidden: int
    rounds: int          # interleaved rounds of numpy and torch
    slow_rounds: int     # rounds of the (slow) as-written form against numpy

    @property
    def flops(self) -> float:
        H, D, V = self.n_hidden, self.d_model, self.vocab
        return 6.0 * self.B * self.T * (H * H + H * D + H * V)


SIZES = [
    Size("paper", 1, 8, 65, 24, 200, rounds=30, slow_rounds=5),
    Size("teaching", 32, 32, 65, 32, 128, rounds=20, slow_rounds=3),
    Size("large", 64, 128, 65, 64, 512, rounds=4, slow_rounds=1),
]
TARGETS = {"paper": 0.2, "teaching": 0.5, "large": 0.8}   # numpy time / torch time, at most
PEAK_FRACTION_TARGET = 0.60                              # numpy float32 at the large size


# --- thread control ----------------------------------------------------------------------------

def _openblas():
    """numpy's bundled OpenBLAS (get, set) thread functions, or None if not found."""
    pattern = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(pattern):
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                get, put = f"{prefix}get_num_threads{suffix}", f"{prefix}set_num_threads{suffix}"
                if hasattr(lib, get) and hasattr(lib, put):
                    return getattr(lib, get), getattr(lib, put)
    return None


def _openblas_kernel() -> str:
    """The kernel OpenBLAS runs (e.g. 'SkylakeX'), and whether OPENBLAS_CORETYPE forced it."""
    pattern = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(pattern):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
            if hasattr(lib, name):
                getattr(lib, name).restype = ctypes.c_char_p
                core = getattr(lib, name)().decode()
                forced = os.environ.get("OPENBLAS_CORETYPE")
                return f"{core} (forced: OPENBLAS_CORETYPE={forced})" if forced else f"{core} (the CPU's)"
    return "?"


BLAS = _openblas()
DEFAULT_BLAS_THREADS = BLAS[0]() if BLAS else None
DEFAULT_TORCH_THREADS = torch.get_num_threads() if torch else None


@dataclass
class Impl:
    """One implementation: a zero-argument call and the thread counts to try it with."""

    fn: object
    lib: str                                   # "numpy" or "torch"
    options: tuple = (None,)                   # thread counts; None: leave the library alone
    wins: dict = field(default_factory=dict)   # thread count -> rounds in which it was faster

    def prepare(self, threads):
        if threads is None:
            return
        if self.lib == "numpy" and BLAS:
            BLAS[1](threads)
        elif self.lib == "torch" and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)

    def threads_used(self) -> str:
        if not self.wins:
            return "-"
        return "/".join(str(k) for k, _ in sorted(self.wins.items(), key=lambda kv: -kv[1]))


def thread_options(lib: str, size: Size) -> tuple:
    """1 thread always; also the library default at the large size, where products are big
    enough for a second core to pay off. Small products only pay a thread pool's wake-up cost,
    and on a busy machine a pool waiting for a core can be ten times slower than one thread."""
    default = DEFAULT_BLAS_THREADS if lib == "numpy" else DEFAULT_TORCH_THREADS
    if lib == "numpy" and not BLAS:
        return (None,)
    if size.name == "large" and default and default > 1:
        return (1, default)
    return (1,)


# --- the implementations -------------------------------------------------------------------

def numpy_step(params, inputs, targets, h0):
    def run():
        return bh.backward(params, bh.forward(params, inputs, targets, h0))
    return run


def candidate_step(params, inputs, targets, h0):
    def run():
        return candidate_forward_backward(params, inputs, targets, h0)
    return run


def as_written_step(params, inputs, targets, h0):
    def run():
        cache = bh.forward(params, inputs, targets, h0)
        do = gw.dlogits(cache)
        dh = gw.dhidden(params, cache, do)
        return bh.Params(E=gw.dE(params, cache, dh), U=gw.dU(cache, dh), W=gw.dW(cache, dh),
                         b=gw.db(cache, dh), V=gw.dV(cache, do), c=gw.dc(cache, do))
    return run


def torch_step(params, inputs, targets, h0, dtype):
    """Autograd of eqs 1.3-1.7 with a Python loop over t: the same model as the package."""
    leaves = [torch.tensor(v, dtype=dtype, requires_grad=True) for _, v in params.items()]
    E, U, W, b, V, c = leaves
    inp = torch.as_tensor(np.atleast_2d(inputs), dtype=torch.long)
    tgt = torch.as_tensor(targets, dtype=torch.long).reshape(-1)
    h_init = torch.as_tensor(np.atleast_2d(h0), dtype=dtype)

    def run():
        for leaf in leaves:
            leaf.grad = None
        x = E[inp]                                   # (B, T, D), eq 1.3
        xu = x @ U.T + b                             # the input term of eq 1.4, all steps at once
        h, hs = h_init, []
        for t in range(inp.shape[1]):
            h = torch.tanh(h @ W.T + xu[:, t])       # eqs 1.4-1.5
            hs.append(h)
        o = torch.stack(hs, dim=1) @ V.T + c         # eq 1.6
        loss = torch.nn.functional.cross_entropy(o.reshape(-1, o.shape[-1]), tgt)  # eqs 1.1, 1.2, 1.7
        loss.backward()
        return [leaf.grad for leaf in leaves]
    return run


# --- timing ----------------------------------------------------------------------------------

def calibrate(fn, min_seconds=0.02) -> int:
    """How many calls make one timing last at least ``min_seconds``."""
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, int(np.ceil(min_seconds / max(once, 1e-7))))


def time_once(fn, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def interleaved(impls: dict[str, Impl], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of every implementation, one timing each per round, order rotating.

    An implementation with two thread options is timed with both in every round and
    counts with the faster one (the ``wins`` tally says which)."""
    jobs = [(name, threads) for name, impl in impls.items() for threads in impl.options]
    repeats = {}
    for name, threads in jobs:
        impls[name].prepare(threads)
        repeats[name, threads] = calibrate(impls[name].fn)
    times = {name: [] for name in impls}
    for r in range(rounds):
        this_round = {}
        for name, threads in jobs[r % len(jobs):] + jobs[:r % len(jobs)]:
            impls[name].prepare(threads)
            this_round[name, threads] = time_once(impls[name].fn, repeats[name, threads])
        for name, impl in impls.items():
            best = min(impl.options, key=lambda th, name=name: this_round[name, th])
            impl.wins[best] = impl.wins.get(best, 0) + 1
            times[name].append(this_round[name, best])
    return times


def paired_ratio(times, num, den) -> float:
    return statistics.median(a / b for a, b in zip(times[num], times[den], strict=True))


def matmul_peak(dtype, n=2048, repeats=5) -> float:
    """GFLOP/s of the best of ``repeats`` (n x n) @ (n x n) products, default BLAS threads."""
    if BLAS:
        BLAS[1](DEFAULT_BLAS_THREADS)  # the machine's peak: all cores
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    np.matmul(a, b, out=out)
    best = min(time_once(lambda: np.matmul(a, b, out=out), 1) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


# --- the run ---------------------------------------------------------------------------------

def problem(size: Size, seed=0):
    """Random tokens and h0 = 0.1·ones; B = 1 is one unbatched (T,) sequence, as in the paper."""
    rng = np.random.default_rng(seed)
    params = bh.init_params(size.vocab, size.d_model, size.n_hidden, seed=seed)
    lead = () if size.B == 1 else (size.B,)
    inputs = rng.integers(0, size.vocab, lead + (size.T,))
    targets = rng.integers(0, size.vocab, lead + (size.T,))
    h0 = np.full(lead + (size.n_hidden,), 0.1)
    return params, inputs, targets, h0


def check_same_model(size: Size) -> float:
    """Max relative error of numpy vs torch float64 gradients: both sides compute the same thing."""
    params, inputs, targets, h0 = problem(size)
    ours = bh.backward(params, bh.forward(params, inputs, targets, h0))
    theirs = torch_step(params, inputs, targets, h0, torch.float64)()
    result = bh.compare_grads(ours, {n: g.numpy() for n, g in zip(bh.PARAM_NAMES, theirs, strict=True)})
    return result.max_rel_err


def breakdown(params, inputs, targets, h0, threads) -> dict[str, float]:
    """Where one numpy call's time goes: argument checks, forward (``_run``), backward maths.

    Best of a few timings each (the stages are timed apart, so this is a guide, not a sum)."""
    if BLAS and threads:
        BLAS[1](threads)
    args = check_inputs(params, inputs, targets, h0)
    cache = _run(params, *args)

    def grads():
        do = gf.dlogits(cache)
        dh = gf.dhidden(params, cache, do)
        return (gf.dE(params, cache, dh), gf.dU(cache, dh), gf.dW(cache, dh), gf.db(cache, dh),
                gf.dV(cache, do), gf.dc(cache, do))

    stages = {"checks": lambda: (check_inputs(params, inputs, targets, h0), check_params(params)),
              "forward": lambda: _run(params, *args), "backward": grads}
    out = {}
    for name, fn in stages.items():
        repeats = calibrate(fn, 0.01)
        out[name] = min(time_once(fn, repeats) for _ in range(3))
    return out


@dataclass
class Result:
    times: dict = field(default_factory=dict)        # median seconds per call
    ratios: dict = field(default_factory=dict)       # paired ratios
    threads: dict = field(default_factory=dict)
    check: float = float("nan")
    stages: dict = field(default_factory=dict)       # dtype name -> breakdown()
    candidate_check: float = float("nan")


def bench_size(size: Size, quick: bool) -> Result:
    params64, inputs, targets, h0 = problem(size)
    params32, h0_32 = params64.astype(np.float32), h0.astype(np.float32)
    np_opts, pt_opts = thread_options("numpy", size), thread_options("torch", size)
    impls = {"np64": Impl(numpy_step(params64, inputs, targets, h0), "numpy", np_opts),
             "np32": Impl(numpy_step(params32, inputs, targets, h0_32), "numpy", np_opts),
             "cd64": Impl(candidate_step(params64, inputs, targets, h0), "numpy", np_opts),
             "cd32": Impl(candidate_step(params32, inputs, targets, h0_32), "numpy", np_opts)}
    if torch is not None:
        impls["pt64"] = Impl(torch_step(params64, inputs, targets, h0, torch.float64), "torch", pt_opts)
        impls["pt32"] = Impl(torch_step(params32, inputs, targets, h0_32, torch.float32), "torch", pt_opts)
    times = interleaved(impls, max(2, size.rounds // 4) if quick else size.rounds)
    # the as-written loops against numpy float64, with numpy's usual winning thread count
    np64_threads = max(impls["np64"].wins, key=impls["np64"].wins.get)
    slow_impls = {"np64": Impl(impls["np64"].fn, "numpy", (np64_threads,)),
                  "written": Impl(as_written_step(params64, inputs, targets, h0), "numpy",
                                  (np64_threads,))}
    slow = interleaved(slow_impls, 1 if quick else size.slow_rounds)

    result = Result(times={k: statistics.median(v) for k, v in times.items()},
                    threads={k: impl.threads_used() for k, impl in impls.items()})
    result.times["written"] = statistics.median(slow["written"])
    for key, p, h in (("np64", params64, h0), ("np32", params32, h0_32)):
        result.stages[key] = breakdown(p, inputs, targets, h, np64_threads)
    result.ratios["written"] = paired_ratio(slow, "written", "np64")
    result.ratios["cd/np64"] = paired_ratio(times, "cd64", "np64")
    result.ratios["cd/np32"] = paired_ratio(times, "cd32", "np32")
    ours = bh.backward(params64, bh.forward(params64, inputs, targets, h0))
    result.candidate_check = bh.compare_grads(
        ours, candidate_forward_backward(params64, inputs, targets, h0)[1]).max_rel_err
    if torch is not None:
        result.ratios["64"] = paired_ratio(times, "np64", "pt64")
        result.ratios["32"] = paired_ratio(times, "np32", "pt32")
        result.ratios["cd64"] = paired_ratio(times, "cd64", "pt64")
        result.ratios["cd32"] = paired_ratio(times, "cd32", "pt32")
        result.check = check_same_model(size)
    return result


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _cells(values: dict, keys, scale: float, fmt: str, width: int = 10) -> str:
    return "".join(f"{scale * values[k]:>{width}{fmt}}" if k in values else f"{'-':>{width}}"
                   for k in keys)


def report(sizes, results, peak32, peak64) -> None:
    print("forward+backward per step, ms (median over interleaved rounds)")
    head = (f"{'size':<9}{'B':>4}{'T':>5}{'V':>4}{'D':>4}{'H':>5}"
            f"{'numpy64':>10}{'torch64':>10}{'numpy32':>10}{'torch32':>10}{'written64':>11}")
    print(head + "\n" + "-" * len(head))
    for size in sizes:
        r = results[size.name]
        print(f"{size.name:<9}{size.B:>4}{size.T:>5}{size.vocab:>4}{size.d_model:>4}{size.n_hidden:>5}"
              + _cells(r.times, ("np64", "pt64", "np32", "pt32"), 1e3, ".3f")
              + _cells(r.times, ("written",), 1e3, ".1f", 11))

    print("\npaired ratios, numpy / torch (median of per-round ratios; < 1: numpy is faster)")
    head = (f"{'size':<9}{'float64':>9}{'float32':>9}{'target':>9}{'f64':>8}{'f32':>8}"
            f"{'written/numpy64':>17}{'grads rel err':>15}{'  threads np64 np32 pt64 pt32':>30}")
    print(head + "\n" + "-" * len(head))
    verdicts = []
    for size in sizes:
        r, target = results[size.name], TARGETS[size.name]
        threads = " ".join(f"{r.threads.get(k, '-'):>4}" for k in ("np64", "np32", "pt64", "pt32"))
        if torch is not None:
            ok64, ok32 = r.ratios["64"] <= target, r.ratios["32"] <= target
            verdicts += [(f"{size.name}: numpy/torch float64 {r.ratios['64']:.3f} <= {target}", ok64),
                         (f"{size.name}: numpy/torch float32 {r.ratios['32']:.3f} <= {target}", ok32)]
            print(f"{size.name:<9}{r.ratios['64']:>9.3f}{r.ratios['32']:>9.3f}{'<= ' + str(target):>9}"
                  f"{met(ok64):>8}{met(ok32):>8}{r.ratios['written']:>17.1f}{r.check:>15.1e}{threads:>30}")
        else:
            print(f"{size.name:<9}{'-':>9}{'-':>9}{'<= ' + str(target):>9}{'n/a':>8}{'n/a':>8}"
                  f"{r.ratios['written']:>17.1f}{'-':>15}{threads:>30}")

    print("\nachieved GFLOP/s (matmul FLOPs of fwd+bwd, 6·B·T·(H² + H·D + H·V))")
    head = (f"{'size':<9}{'GFLOP':>8}{'numpy64':>10}{'torch64':>10}{'numpy32':>10}{'torch32':>10}"
            f"{'np32 % f32 peak':>17}{'np64 % f64 peak':>17}")
    print(head + "\n" + "-" * len(head))
    for size in sizes:
        rates = {k: size.flops / v / 1e9 for k, v in results[size.name].times.items()}
        print(f"{size.name:<9}{size.flops / 1e9:>8.3f}"
              + _cells(rates, ("np64", "pt64", "np32", "pt32"), 1.0, ".1f")
              + f"{100 * rates['np32'] / peak32:>16.1f}%{100 * rates['np64'] / peak64:>16.1f}%")
        if size.name == "large":
            frac = rates["np32"] / peak32
            verdicts.append((f"large: numpy float32 at {frac:.0%} of the float32 matmul peak, "
                             f">= {PEAK_FRACTION_TARGET:.0%}", frac >= PEAK_FRACTION_TARGET))

    print("\nwhere numpy's time goes, ms (best of a few; argument checks = check_inputs in forward"
          " + check_params in backward)")
    head = f"{'size':<9}{'dtype':>8}{'checks':>10}{'forward':>10}{'backward':>10}{'checks %':>10}"
    print(head + "\n" + "-" * len(head))
    for size in sizes:
        for key in ("np64", "np32"):
            st = results[size.name].stages[key]
            share = 100 * st["checks"] / sum(st.values())
            print(f"{size.name:<9}{'float' + key[2:]:>8}"
                  + _cells(st, ("checks", "forward", "backward"), 1e3, ".3f") + f"{share:>9.0f}%")

    print("\nfor comparison, NOT the package: bench/candidate.py, the same maths restructured (time-major,"
          "\ndL/da reused, dE as a one-hot product); see its docstring for why the"
          "\npackage's displayed code does not do this")
    head = (f"{'size':<9}{'ms f64':>9}{'ms f32':>9}{'vs torch64':>12}{'vs torch32':>12}"
            f"{'vs numpy64':>12}{'vs numpy32':>12}{'grads rel err':>15}")
    print(head + "\n" + "-" * len(head))
    for size in sizes:
        r = results[size.name]
        vs_torch = (f"{r.ratios['cd64']:>12.3f}{r.ratios['cd32']:>12.3f}" if torch is not None
                    else f"{'-':>12}{'-':>12}")
        print(f"{size.name:<9}" + _cells(r.times, ("cd64", "cd32"), 1e3, ".3f", 9) + vs_torch
              + f"{r.ratios['cd/np64']:>12.3f}{r.ratios['cd/np32']:>12.3f}{r.candidate_check:>15.1e}")

    print("\ntargets (issue 2 §5), for the package")
    for text, ok in verdicts:
        print(f"  [{met(ok):>6}] {text}")
    if torch is None:
        print("  [   n/a] numpy/torch ratios: PyTorch is not installed")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--sizes", default="paper,teaching,large", help="comma-separated subset")
    args = parser.parse_args(argv)
    sizes = [s for s in SIZES if s.name in args.sizes.split(",")]
    started = time.perf_counter()

    print(f"bptt_helpers {bh.__version__} · numpy {np.__version__} · "
          f"torch {torch.__version__ if torch else 'NOT INSTALLED'} · Python {platform.python_version()}")
    print(f"{os.cpu_count()} CPUs · load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} · "
          f"default threads: OpenBLAS {DEFAULT_BLAS_THREADS or '?'}, torch {DEFAULT_TORCH_THREADS or '-'}")
    print(f"OpenBLAS kernel: {_openblas_kernel()}; torch does not use OpenBLAS, so a forced older kernel "
          "slows the numpy rows only")
    if torch is None:
        print("PyTorch is not installed (pip install torch==2.13.0): only the numpy rows are measured.")

    peaks = [(matmul_peak(np.float32), matmul_peak(np.float64))]
    results = {}
    for size in sizes:
        print(f"  measuring {size.name} ...", file=sys.stderr, flush=True)
        results[size.name] = bench_size(size, args.quick)
    peaks.append((matmul_peak(np.float32), matmul_peak(np.float64)))
    # the best of the measurements before and after: the stricter reference under noisy load
    peak32, peak64 = max(p[0] for p in peaks), max(p[1] for p in peaks)
    print(f"matmul peak (2048 x 2048, best before/after): float32 {peak32:.0f} GFLOP/s, "
          f"float64 {peak64:.0f} GFLOP/s\n")
    report(sizes, results, peak32, peak64)
    print(f"\n{time.perf_counter() - started:.0f} s · load average now "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} · timings on a shared machine are noisy; "
          "the ratios pair interleaved rounds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
