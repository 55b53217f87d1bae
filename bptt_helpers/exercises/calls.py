"""Calling a student's function for the checker policy (rules 2 and 3 of :mod:`.policy`).

:func:`attempt` hands the function deep copies of a case's arguments, watches every Python call it
makes (``sys.setprofile``) for the package's backward code, the checkers and the exercise's own
answers, however they were imported, and compares the copies afterwards with snapshots taken
before the call.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import types
import warnings
from dataclasses import dataclass

import numpy as np

# The package's own backward code: never called from a student's answer.
FORBIDDEN_MODULES = ("bptt_helpers.backward_pass", "bptt_helpers.grads_fast",
                     "bptt_helpers.grads_as_written", "bptt_helpers.gradcheck")
FORBIDDEN_PACKAGES = ("bptt_helpers.exercises",)


@dataclass
class Attempt:
    case: object
    value: object = None
    error: Exception | None = None
    mutated: tuple[str, ...] = ()
    forbidden: str | None = None


class NotYet(Exception):
    """The student's function still raises NotImplementedError (the placeholder)."""


def _codes(functions) -> dict[types.CodeType, str]:
    codes = {}
    for fn in functions:
        fn = getattr(fn, "__wrapped__", fn)
        if hasattr(fn, "__code__"):
            codes[fn.__code__] = f"{fn.__module__}.{fn.__qualname__}"
    return codes


def _forbidden_files(answers) -> tuple[set[str], dict[types.CodeType, str]]:
    files = set()
    for name, module in list(sys.modules.items()):
        if module is not None and (name in FORBIDDEN_MODULES
                                   or any(name == p or name.startswith(p + ".") for p in FORBIDDEN_PACKAGES)):
            path = getattr(module, "__file__", None)
            if path:
                files.add(path)
    return files, _codes(answers)


def _inside(frame, allowed) -> bool:
    while frame is not None:
        if frame.f_code in allowed:
            return True
        frame = frame.f_back
    return False


def _call(fn, args, answers, allowed=()):
    """``fn(*args)`` while watching every Python call it makes; returns (value, forbidden name).

    Calls made from inside an ``allowed`` function are not watched."""
    files, codes = _forbidden_files(answers)
    allowed = _codes(allowed)
    seen = []

    def watch(frame, event, arg):
        if event == "call" and not seen:
            code = frame.f_code
            if code in allowed or (allowed and _inside(frame.f_back, allowed)):
                return
            if code in codes:
                seen.append(codes[code])
            elif code.co_filename in files:
                module = frame.f_globals.get("__name__", "?")
                seen.append(f"{module}.{code.co_qualname if hasattr(code, 'co_qualname') else code.co_name}")
    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        value = fn(*args)
    finally:
        sys.setprofile(previous)
    return value, (seen[0] if seen else None)


def _snapshot(obj):
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _snapshot(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _snapshot(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_snapshot(v) for v in obj]
    return copy.deepcopy(obj)


def _same(snap, obj) -> bool:
    if isinstance(snap, np.ndarray):
        return (isinstance(obj, np.ndarray) and snap.shape == obj.shape
                and np.array_equal(snap, obj, equal_nan=snap.dtype.kind in "fc"))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return all(_same(snap[name], getattr(obj, name)) for name in snap)
    if isinstance(snap, dict):
        return (isinstance(obj, dict) and snap.keys() == obj.keys()
                and all(_same(snap[k], obj[k]) for k in snap))
    if isinstance(snap, list):
        return len(snap) == len(obj) and all(_same(s, o) for s, o in zip(snap, obj, strict=True))
    try:
        return bool(snap == obj)
    except Exception:  # an object without a usable ==: treat as unchanged
        return True


def attempt(fn, case, arg_names, answers=(), allowed=()) -> Attempt:
    """Rules 1-3 for one case: call ``fn`` on copies of the case's arguments."""
    given = tuple(copy.deepcopy(a) for a in case.args)
    before = [_snapshot(a) for a in given]
    from . import grading

    quiet = grading()      # nbgrader scores a cell that wrote to stderr as 0
    with warnings.catch_warnings(), np.errstate(**({"all": "ignore"} if quiet else {})):
        if quiet:
            warnings.simplefilter("ignore")
        try:
            value, forbidden = _call(fn, given, answers, allowed)
        except NotImplementedError:
            raise NotYet from None
        except Exception as exc:  # the student's code raised: reported, never a traceback
            return Attempt(case, error=exc)
    mutated = tuple(name for name, snap, arg in zip(arg_names, before, given, strict=False)
                    if not _same(snap, arg))
    return Attempt(case, value, None, mutated, forbidden)
