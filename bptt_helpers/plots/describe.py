"""A figure's words: a short text alternative and a "What to notice" caption (WCAG 2.1, G74).

Every figure of the series is shown with two texts (``bptt_helpers.notebook.show_figure``):

- ``alt``: what the picture is, in one sentence, ending in "(described below)"; stored as
  the PNG output's ``metadata["image/png"]["alt"]`` and as its text/plain, so a screen
  reader, the static pages and a text-only front end all have it;
- ``notice``: what the picture shows, in words and numbers, printed visibly under it for
  every reader (JupyterLab writes no alt attribute at all).

The plotting helpers attach both to the figure they draw (:func:`describe`), computed from
their data. Numbers in them must be far above rounding noise at the precision printed (the
stored text is compared on other machines): counts, exact values, orders of magnitude
(``bh.power_of_ten``), 2-3 digits of O(1) quantities of non-chaotic runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BELOW = "(described below)"
# Texts that describe nothing: what nbconvert, matplotlib or a hurried author would write.
GENERIC = ("no description has been provided for this image", "figure", "image", "plot",
           "chart", "graph", "picture", "a figure", "a plot", "see above", "see below")
MIN_ALT, MIN_NOTICE = 25, 40
# Scientific notation hides the size of a number and, below 1e-7, is rounding noise.
E_NOTATION = re.compile(r"\d[eE][-+]?\d")
_ATTRIBUTE = "_bptt_figure_text"


@dataclass(frozen=True)
class FigureText:
    """The two texts of one figure: ``alt`` (ends in "(described below)") and ``notice``."""

    alt: str
    notice: str

    def __post_init__(self):
        alt = " ".join(str(self.alt).split())
        if alt and not alt.endswith(BELOW):
            alt = f"{alt.rstrip('. ')} {BELOW}"
        object.__setattr__(self, "alt", alt)
        object.__setattr__(self, "notice", " ".join(str(self.notice).split()))
        check_text(self.alt, self.notice)


def is_generic(text: str) -> bool:
    """True for a text that says nothing about the picture (empty, "figure", nbconvert's default)."""
    core = " ".join(str(text).replace(BELOW, "").lower().strip(" .:").split())
    return core in GENERIC or len(core) < 12


def check_text(alt: str, notice: str) -> None:
    """Raise ValueError unless both texts are specific: long enough, not generic, no e-notation."""
    for name, text, least in (("alt", alt, MIN_ALT), ("notice", notice, MIN_NOTICE)):
        if not isinstance(text, str) or is_generic(text) or len(text) < least:
            raise ValueError(f"a figure needs a specific {name} (at least {least} characters, "
                             f"saying what it shows), got {text!r}")
        if E_NOTATION.search(text):
            raise ValueError(f"{name} writes a number in e-notation ({text!r}): use words, "
                             "counts or bh.power_of_ten, which other machines print alike")


def describe(fig, alt: str, notice: str):
    """Attach a :class:`FigureText` to ``fig`` (a Figure, or an Axes: its figure); returns ``fig``."""
    figure = getattr(fig, "figure", None) if not hasattr(fig, "savefig") else fig
    if figure is None:
        raise TypeError(f"describe() needs a matplotlib Figure or Axes, got {type(fig).__name__}")
    setattr(figure, _ATTRIBUTE, FigureText(alt, notice))
    return fig


def text_of(fig) -> FigureText | None:
    """The :class:`FigureText` attached to ``fig`` (a Figure or Axes), or None."""
    figure = fig if hasattr(fig, "savefig") else getattr(fig, "figure", None)
    return getattr(figure, _ATTRIBUTE, None)


def join(*parts: str) -> str:
    """Sentences joined with a space, each ending in a full stop."""
    return " ".join(p.strip().rstrip(".") + "." for p in parts if p and p.strip())


def change_words(ratio: float) -> str:
    """How a size changes by ``ratio`` (new / old), in words the stored caption can compare.

    ``'shrinks by a factor of 10^2.0'``, ``'grows by a factor of 10^0.3'``, or ``'keeps its
    size'`` when the ratio is 1 up to rounding (within 1e-9): the side of 1 is decided with
    :mod:`bptt_helpers.margins`, never by the last bits of the ratio.
    """
    from .. import margins
    from ..gradcheck import power_of_ten

    if margins.below(abs(ratio - 1.0), 1e-9):
        return "keeps its size"
    if margins.below(ratio, 1.0):
        return f"shrinks by a factor of {power_of_ten(1 / ratio)}"
    return f"grows by a factor of {power_of_ten(ratio)}"
