"""Known submissions for the nbgrader round trip, and the points each must score.

Every assignment is graded for ``solved`` (the stored notebook: full marks) and ``blank`` (the
release as a student receives it: 0). The capstone (notebook 12) is graded for five more, each
the stored notebook with its ``my_backward`` answer changed the way a student's might be:

=================  ===================================================  ==========================
student            my_backward                                           points of 12-my_backward
=================  ===================================================  ==========================
five-of-six        right, but dW off by 10 %                             5 of 6 (one per gradient)
calls-backward     ``return bh.backward(params, cache)``                 0: the package's own code
float32            right, computed and returned in float32               6: right to float32
mutates            right, but writes zeros into ``cache.h``              0: an input changed
raises             raises ValueError                                     0
=================  ===================================================  ==========================

The other exercises of notebook 12 keep their solutions (8 points), so the totals are 14, 13, 8,
14, 8 and 8 of 14.
"""

from __future__ import annotations

import re

CAPSTONE = "12_write_bptt_yourself"
ITEM = "12-my_backward-check"

_RIGHT = "_right_backward = my_backward\n\n"
VARIANTS = {
    "five-of-six": _RIGHT + '''def my_backward(params, cache):
    grads = _right_backward(params, cache)
    grads.W = grads.W * 1.1          # a slip in (4.7) only
    return grads''',
    "calls-backward": '''def my_backward(params, cache):
    return bh.backward(params, cache)''',
    "float32": _RIGHT + '''def my_backward(params, cache):
    import dataclasses
    small = bh.Params(**{name: value.astype(np.float32) for name, value in params.items()})
    arrays = {name: getattr(cache, name).astype(np.float32) for name in ("x", "a", "h", "o", "y_hat")}
    grads = _right_backward(small, dataclasses.replace(cache, **arrays))
    return bh.Params(**{name: value.astype(np.float32) for name, value in grads.items()})''',
    "mutates": _RIGHT + '''def my_backward(params, cache):
    grads = _right_backward(params, cache)
    cache.h[...] = 0.0               # "the cache is not needed any more"
    return grads''',
    "raises": '''def my_backward(params, cache):
    raise ValueError("shapes (4,) and (5,) not aligned")''',
}
ITEM_POINTS = {"solved": 6, "blank": 0, "five-of-six": 5, "calls-backward": 0, "float32": 6, "mutates": 0,
               "raises": 0}


def students(assignment: str) -> tuple[str, ...]:
    """The submissions graded for ``assignment``."""
    return ("solved", "blank", *VARIANTS) if assignment == CAPSTONE else ("solved", "blank")


def submission(nb, student: str):
    """The stored notebook ``nb`` (nbformat node) as ``student`` submits it (changed in place)."""
    if student == "solved":
        return nb
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "12-my_backward")
    solved = re.sub(r"^\s*# (BEGIN|END) SOLUTION.*\n", "", cell.source, flags=re.M)
    cell.source = solved.rstrip("\n") + "\n\n\n" + VARIANTS[student]
    return nb


def expected(assignment: str, student: str, max_score: float, item_max: float | None = None):
    """(the assignment's expected total, the capstone item's expected points or None)."""
    if student == "blank":
        return 0.0, (0.0 if assignment == CAPSTONE else None)
    if assignment != CAPSTONE:
        return max_score, None
    item = float(ITEM_POINTS[student])
    return max_score - (item_max - item), item
