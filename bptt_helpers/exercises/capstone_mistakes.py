"""The capstone's table of classic mistakes (notebook 12): data only, read by ``capstone``.

Each entry is a set of :func:`~bptt_helpers.exercises.variants.backward_variant` switches that
reproduces the mistake, the first hint (*where* it is) and the second (*what to change*).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Slip:
    key: str
    switches: dict
    where: str | Callable[[], str]
    change: str | Callable[[], str]


def _erratum(key: str) -> str:
    """The series' own words for a slip or an ambiguity of the paper (bptt_helpers.lessons.errata)."""
    from ..lessons.errata import ERRATA

    entry = next(e for e in ERRATA if e.key == key)
    if entry.kind == "ambiguity":
        return (f"{entry.where} allows two readings ({entry.why_both}), and yours is the one that "
                f"computes a wrong number. The right one: {entry.correction} (notebook {entry.notebook[:2]})")
    return f"Erratum of {entry.where}: {entry.correction} (notebook {entry.notebook[:2]})"


def _repeat_hint() -> str:
    from .embedding import REPEAT_HINT

    return f"{REPEAT_HINT} (eq 4.9, notebook 07)"


SLIPS = (
    Slip("no 1/τ", {"scale": "sum"},
         "every gradient is exactly B·τ times too big.",
         "the loss is the MEAN over all positions (eq 1.2), so (4.1) divides ŷ - onehot(y) by τ, by "
         "B·τ for a batch (cache.n_positions) (notebook 03)."),
    Slip("1/τ on a batch", {"scale": "tau"},
         "right for one sequence, every gradient B times too big for the batch.",
         "the mean of a batch runs over all B·τ positions, so (4.1) divides by B·τ "
         "(cache.n_positions), not by τ (notebook 03)."),
    Slip("broadcast (4.3)", {"rec": "columns"},
         "dV and dc are right; the recursion (4.3) scales the wrong side of W.",
         lambda: "(4.3) read literally, `(1 - h**2) * W`, scales the COLUMNS of W. "
         + _erratum("broadcast-4.3") + "."),
    Slip("W^T in (4.3)", {"rec": "W^T"},
         "dV and dc are right; the recursion (4.3) uses W the wrong way round.",
         "a(t+1) = h(t) W^T + ..., so (Da(t+1))_h(t) = W and the row (DL)_a(t+1) is multiplied by W "
         "itself (notebook 04)."),
    Slip("no tanh' in (4.3)", {"act_rec": "none"},
         "dV and dc are right; the recursion (4.3) misses a factor.",
         "going back from h(t+1) to h(t) passes through a(t+1), which multiplies by "
         "diag[1 - (h(t+1))²] (eq 3.7, notebook 04)."),
    Slip("no tanh' at all", {"act": "none"},
         "dV and dc are right; the four gradients that act before the tanh all miss the same factor.",
         "b, W, U and E act on a(t), before the tanh, so every sum (4.5), (4.7)-(4.9) and the "
         "recursion (4.3) multiply (DL)_h(t) by 1 - (h(t))² first (notebooks 04-06)."),
    Slip("(1 - h)²", {"act": "(1-h)^2"},
         "dV and dc are right; the derivative of the tanh is wrong everywhere it is used.",
         lambda: "(1 - h)² is not the tanh derivative, 1 - h² is. " + _erratum("square-3.16") + "."),
    Slip("dW from t = 1", {"dW": "from t=1"},
         "only dW is wrong: its sum misses a term.",
         "W also carries h(0) into h(1), so (4.7) runs from t = 0: pair (DL)_a(t) with h(t-1), i.e. "
         "h[..., :-1, :] (notebook 06)."),
    Slip("dW with h(t)", {"dW": "h(t+1)"},
         "only dW is wrong: each term pairs the gradient with the wrong state.",
         "W multiplies the PREVIOUS state, so (4.7) pairs (DL)_a(t+1) with h(t), i.e. h[..., :-1, :], "
         "not h[..., 1:, :] (notebook 06)."),
    Slip("dW transposed", {"dW": "transposed"},
         "only dW is wrong: it is the transpose of the right matrix (W is square: the shape cannot say so).",
         "row i of dW belongs to a_i, so the gradient factor stands on the left, "
         "[(DL)_h(t+1) ⊙ (1 - (h(t+1))²)] ⊗ h(t) (eq 4.7, notebook 06)."),
    Slip("dE[idx] +=", {"dE": "+="},
         "only dE is wrong, in the rows of tokens that are read more than once.", _repeat_hint),
    Slip("dE[idx] += per sequence", {"dE": "+= per sequence"},
         "only dE is wrong, in the rows of tokens that are read more than once.", _repeat_hint),
)

_RELU_KEPT = ("no 1/τ", "1/τ on a batch", "broadcast (4.3)", "W^T in (4.3)", "dW from t = 1",
              "dW with h(t)", "dW transposed", "dE[idx] +=", "dE[idx] += per sequence")

RELU_SLIPS = (
    Slip("tanh' kept", {"act": "tanh"},
         "dV and dc are right; the derivative of the activation is the tanh's, everywhere.",
         "for h = ReLU(a) the diagonal of (Dh)_a is 1{a > 0}: 1 where the unit is on, 0 where it is off."),
    Slip("tanh' kept in (4.3)", {"act": "relu", "act_rec": "tanh"},
         "the parameter sums use the right derivative; the recursion (4.3) does not.",
         "(4.3) goes back through a(t+1) and the ReLU too: use 1{a(t+1) > 0} there, not 1 - (h(t+1))²."),
    Slip("tanh' kept in the sums", {"act": "tanh", "act_rec": "relu"},
         "the recursion (4.3) is right; the sums (4.5), (4.7)-(4.9) still use the tanh's derivative.",
         "b, W, U and E act before the ReLU as well, so their sums need 1{a > 0} too."),
    Slip("h for ReLU'", {"act": "h"},
         "dV and dc are right; the factor used as the ReLU's derivative is the ReLU itself.",
         "the derivative of ReLU is the step 1{a > 0} (0 or 1), not the function max(0, a)."),
) + tuple(Slip(s.key, {"act": "relu", **s.switches}, s.where, s.change) for s in SLIPS if s.key in _RELU_KEPT)

# (DL)_h(0): (wrong(params, cache, dh), where, change)
DH0_SLIPS = (
    ("with a (DL)_o term",
     lambda p, c, dh, do: (dh[..., 0, :] * c.dtanh[..., 0, :]) @ p.W + do[..., 0, :] @ p.V,
     "your answer has a second term, one that h(0) does not have.",
     "h(0) has no logits o(0) of its own: (DL)_h(0) = (DL)_h(1) diag[1 - (h(1))²] W, with no (DL)_o V term."),
    ("no tanh'", lambda p, c, dh, do: dh[..., 0, :] @ p.W,
     "a factor is missing between (DL)_h(1) and W.",
     "h(1) = tanh(a(1)): multiply (DL)_h(1) by 1 - (h(1))² before W (eq 3.7)."),
    ("tanh' at h(0)", lambda p, c, dh, do: (dh[..., 0, :] * (1 - c.h[..., 0, :] ** 2)) @ p.W,
     "the tanh derivative is taken one step too early.",
     "it belongs to the tanh that made h(1): 1 - (h(1))², not 1 - (h(0))² (h(0) was given, no tanh "
     "made it)."),
    ("W^T", lambda p, c, dh, do: (dh[..., 0, :] * c.dtanh[..., 0, :]) @ p.W.T,
     "W is used the wrong way round.",
     "a(1) = h(0) W^T + ..., so the row (DL)_a(1) is multiplied by W itself."),
    ("(DL)_h(1)", lambda p, c, dh, do: dh[..., 0, :],
     "that is (DL)_h(1), one step short.", "go one step further back, through a(1): diag[1 - (h(1))²] W."),
    ("(DL)_a(1)", lambda p, c, dh, do: dh[..., 0, :] * c.dtanh[..., 0, :],
     "that is (DL)_a(1), one factor short.", "one more factor: (Da(1))_h(0) = W."),
)

# Which of (4.1)-(4.9) change for ReLU, and why each does or does not.
CHANGING = frozenset({"4.3", "4.5", "4.7", "4.8", "4.9"})
WHY = {
    "4.1": "(4.1) goes from the loss through the softmax to o(t); no activation on that path",
    "4.2": "(4.2): h(τ) feeds only o(τ) = h(τ) V^T + c, so its gradient is (DL)_o(τ) V whatever "
           "made h(τ)",
    "4.3": "(4.3) goes back from h(t+1) to h(t) THROUGH a(t+1): its factor 1 - (h(t+1))² is "
           "the activation's derivative",
    "4.4": "(4.4): c is added after the activation, in o(t)",
    "4.5": "(4.5): b is added inside a(t), before the activation, so its sum carries the derivative",
    "4.6": "(4.6): V multiplies h(t), the activation's output, and nothing after it",
    "4.7": "(4.7): W acts inside a(t+1), before the activation",
    "4.8": "(4.8): U acts inside a(t), before the activation",
    "4.9": "(4.9): E reaches the loss through x(t) U^T inside a(t), before the activation",
}
