"""Print which OpenBLAS kernel and how many threads numpy really uses in this process.

`make test-portable` runs it before each configuration, so the log shows that
``OPENBLAS_CORETYPE=Sandybridge`` (say) was honoured and not silently replaced by the
kernel OpenBLAS would pick for this CPU. Exits 1 if the kernel asked for is not the one
in use. Usage: python tests/portability/blas_info.py [EXPECTED_KERNEL]
"""

from __future__ import annotations

import ctypes
import sys

import numpy as np


def openblas_library() -> ctypes.CDLL:
    """numpy's bundled OpenBLAS (numpy 1.26: libopenblas64_, numpy 2: libscipy_openblas64_)."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    if not paths:
        raise SystemExit("numpy is not linked against OpenBLAS here")
    return ctypes.CDLL(paths[0])


def _call(lib: ctypes.CDLL, names: tuple[str, ...], restype):
    for name in names:
        if hasattr(lib, name):
            function = getattr(lib, name)
            function.restype = restype
            return function()
    raise SystemExit(f"none of {names} in {lib._name}")


def blas_info() -> tuple[str, int]:
    """(kernel name as OpenBLAS reports it, e.g. 'Haswell'; number of BLAS threads)."""
    lib = openblas_library()
    core = _call(lib, ("scipy_openblas_get_corename64_", "openblas_get_corename64_",
                       "openblas_get_corename"), ctypes.c_char_p).decode()
    threads = _call(lib, ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                          "openblas_get_num_threads"), ctypes.c_int)
    return core, threads


def main(argv: list[str]) -> int:
    core, threads = blas_info()
    print(f"numpy {np.__version__}: OpenBLAS kernel {core}, {threads} thread(s)")
    if len(argv) > 1 and argv[1].lower() != core.lower():
        print(f"asked for kernel {argv[1]}, but OpenBLAS uses {core} on this CPU", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
