"""Pictures for §3.1 (logits): the softmax Jacobian and the gradient dL/do^(t).

- :func:`plot_softmax_jacobian`: a heatmap of (Dŷ)_o = diag(ŷ) - ŷ^T ŷ next to ŷ itself;
- :func:`plot_dlogits`: the bars of (DL)_(o^(t)) = (1/τ)(ŷ - onehot(y)), eq 4.1.

The numbers come from :mod:`bptt_helpers.lessons.jacobians` and the backward pass; these
functions only draw.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import TwoSlopeNorm

from .. import margins, style
from ..lessons.jacobians import _vector, softmax_jacobian
from .describe import describe, join

TARGET_HATCH = "//"   # the target's bar: hatched and outlined, not only another colour


def _labels(labels, n: int) -> list[str]:
    if labels is None:
        return [str(i) for i in range(n)]
    labels = [repr(s)[1:-1] if isinstance(s, str) else str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"labels must hold one name per entry of y_hat ({n}), got {len(labels)}")
    return [s if s != " " else "␣" for s in labels]


def plot_softmax_jacobian(y_hat, labels=None, target: int | None = None, annotate: bool | None = None):
    """Heatmap of the softmax Jacobian (Dŷ)_o, with ŷ as bars beside it; returns the Figure.

    y_hat: (vocab,) probabilities. labels: optional names of the vocab entries (e.g.
    characters). target: optional index y whose row is outlined (the row that eq 3.1 uses).
    annotate: write the values in the cells (default: when vocab <= 12).
    """
    y_hat = _vector("y_hat", y_hat)
    n = y_hat.size
    names = _labels(labels, n)
    if target is not None and not 0 <= int(target) < n:
        raise ValueError(f"target must lie in [0, {n - 1}], got {target}")
    jac = softmax_jacobian(y_hat)
    annotate = n <= 12 if annotate is None else annotate
    fig, (ax_j, ax_y) = plt.subplots(1, 2, figsize=(11.5, 6.2),
                                     gridspec_kw={"width_ratios": [4, 1.3], "wspace": 0.35})
    vmax = float(np.max(np.abs(jac))) or 1.0
    image = ax_j.imshow(jac, cmap=style.DIVERGING_CMAP, norm=TwoSlopeNorm(0.0, -vmax, vmax))
    ax_j.set_xticks(range(n), names)
    ax_j.set_yticks(range(n), names)
    ax_j.set_xlabel(r"input $o_i$ (column $i$)")
    ax_j.set_ylabel(r"output $\hat y_k$ (row $k$)")
    ax_j.set_title(r"$(D\hat y)_o = \mathrm{diag}(\hat y) - \hat y^\top \hat y$")
    for spine in ax_j.spines.values():
        spine.set_visible(False)
    if annotate:
        for k in range(n):
            for i in range(n):
                value = jac[k, i]
                colour = "white" if abs(value) > 0.6 * vmax else "black"
                ax_j.text(i, k, f"{value:.2f}".replace("-0.00", "0.00"), ha="center", va="center",
                          fontsize=style.FONT_SIZE - 5, color=colour)
    if target is not None:
        y = int(target)
        ax_j.add_patch(plt.Rectangle((-0.5, y - 0.5), n, 1, fill=False, lw=2.5,
                                     ec=style.HIGHLIGHT_EDGE, clip_on=False))
    fig.colorbar(image, ax=ax_j, fraction=0.046, pad=0.03)

    colours = [style.HIGHLIGHT if target is not None and k == int(target) else style.FORWARD
               for k in range(n)]
    bars = ax_y.barh(range(n), y_hat, color=colours)
    if target is not None:
        _mark_target(bars[int(target)])
    ax_y.set_ylim(n - 0.5, -0.5)
    ax_y.set_yticks(range(n), names)
    ax_y.set_xlabel(r"$\hat y_k$")
    ax_y.set_title(r"$\hat y = \mathrm{softmax}(o)$")
    ax_y.set_xlim(0, max(1e-12, float(y_hat.max())) * 1.15)
    k = int(margins.argmax(np.diag(jac)))   # the caption names it: no near tie
    parts = [f"The diagonal entries ŷ_k(1 − ŷ_k) are positive, the largest {jac[k, k]:.2f} at "
             f"'{names[k]}'; every entry off the diagonal, −ŷ_k·ŷ_i, is negative or zero; every "
             "row sums to zero, because the probabilities always sum to 1"]
    if target is not None:
        y = int(target)
        parts.append(f"The outlined row is the target '{names[y]}', the only row the loss uses; "
                     f"its probability ŷ = {y_hat[y]:.2f} is the hatched bar on the right")
    describe(fig, f"Heatmap of the {n} × {n} softmax Jacobian, with the {n} probabilities ŷ as "
                  "bars beside it", join(*parts))
    return fig


def _mark_target(bar) -> None:
    """Hatch and outline the target's bar (told apart by more than its colour)."""
    bar.set_hatch(TARGET_HATCH)
    bar.set_edgecolor(style.HIGHLIGHT_EDGE)
    bar.set_linewidth(1.5)


def plot_dlogits(y_hat, target: int, tau: int, labels=None, ax=None):
    """Bars of (DL)_(o^(t)) = (1/τ)(ŷ - onehot(y)) (eq 4.1) for one timestep; returns the Axes.

    Every bar is ŷ_i / τ (case i ≠ y, eq 3.3) except the target's, (ŷ_y - 1)/τ (eq 3.2),
    the only negative one. y_hat: (vocab,); target: int; tau: int >= 1.
    """
    from ..lessons.jacobians import chain_rule_dlogits

    grad = chain_rule_dlogits(y_hat, target, tau)
    n = grad.size
    names = _labels(labels, n)
    own_figure = ax is None
    if own_figure:
        _, ax = plt.subplots(figsize=(max(6.0, 0.55 * n + 2), 4.2))
    colours = [style.HIGHLIGHT if i == target else style.BACKWARD for i in range(n)]
    bars = ax.bar(range(n), grad, color=colours)
    _mark_target(bars[target])
    ax.axhline(0, color=style.NEUTRAL, lw=1)
    ax.set_xticks(range(n), names)
    ax.set_xlabel(r"logit $o_i$")
    ax.set_ylabel(r"$(DL)_{o_i^{(t)}}$")
    ax.set_title(rf"$(DL)_{{o^{{(t)}}}}$ with $\tau = {tau}$: target '{names[target]}' is the only "
                 "negative bar")
    pad = 0.1 * float(np.max(np.abs(grad)))
    ax.set_ylim(min(grad.min() - pad, -pad), grad.max() + pad)
    if own_figure:
        k = max((i for i in range(n) if i != target), key=lambda i: grad[i], default=None)
        largest = (f"; the largest, {grad[k]:.3f}, belongs to '{names[k]}'" if k is not None else "")
        describe(ax.figure, f"Bar chart of the {n} entries of the gradient of the loss with "
                            f"respect to the logits o(t), τ = {tau}",
                 join(f"The target '{names[target]}' has the only negative bar (hatched), "
                      f"(ŷ_y − 1)/τ = {grad[target]:.3f}: the gradient step pushes its logit up",
                      f"The other {n - 1} bars, ŷ_i/τ, are positive and together +{-grad[target]:.3f}"
                      f"{largest}: those logits are pushed down, in proportion to the "
                      "probability they wrongly received",
                      "So the bars sum to zero"))
    return ax
