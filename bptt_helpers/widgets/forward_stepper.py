"""The forward stepper of notebook 01: the forward pass (eqs 1.1-1.7), one timestep at a time.

For step t it shows the input token, x^(t) (1.3), a^(t) (1.4), h^(t) (1.5), the top
predictions of ŷ^(t) (1.6-1.7), the loss L^(t) (1.1) and the running mean of the
losses so far (the partial version of 1.2), next to Figure 1 with column t highlighted.

:func:`forward_step_view` computes what step t shows (a plain function, tested in
``tests/test_widget_forward.py``); :func:`step_text` writes it out and
:func:`step_picture` draws it (SVG). The :class:`ForwardStepper` widget makes every
step's frame up front and switches them in the browser (:mod:`bptt_helpers.widgets.frames`).
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..data import CharVocab
from ..forward_pass import ForwardCache
from ..plots.svg import INK, MUTED, SMALL, TEXT, WIDTH, Box, Svg, nice_ticks, step_ticks
from ..plots.svg_graph import draw_graph
from ..plots.svg_sums import diverging_rgb, png_bytes
from . import StepsOverT, check_int, check_sequence_cache, check_view
from .frames import Frame, FrameStepper

N_SHOWN = 4  # entries of a vector written out in the text view


def _check_cache(cache) -> ForwardCache:
    return check_sequence_cache(cache)


def _check_vocab(vocab, cache: ForwardCache) -> CharVocab:
    if not isinstance(vocab, CharVocab):
        raise TypeError(f"vocab must be a bptt_helpers.CharVocab, got {type(vocab).__name__}")
    if vocab.size != cache.y_hat.shape[-1]:
        raise ValueError(f"vocab has {vocab.size} characters but the cache's ŷ has "
                         f"{cache.y_hat.shape[-1]} entries: they must match")
    return vocab


def forward_step_view(cache: ForwardCache, vocab: CharVocab, t: int, top_k: int = 3) -> dict:
    """What step t of the forward pass computed, as a dict (t counts from 1, as in the paper).

    cache: the :class:`ForwardCache` of one sequence (inputs of shape (T,)); vocab: the
    :class:`CharVocab` of the model; t in [1, τ]; top_k in [1, vocab size].

    Keys: ``t``, ``tau``; ``context`` (the input text up to and including step t),
    ``input_id``/``input_char`` and ``target_id``/``target_char``; ``x`` (d_model,),
    ``a`` and ``h`` (n_hidden,), ``h_prev`` = h^(t-1) (n_hidden,), and their norms
    ``x_norm``, ``a_norm``, ``h_norm``; ``top`` = the top_k (char, probability) pairs of
    ŷ^(t), most likely first; ``target_prob`` = ŷ^(t)[y^(t)] and ``target_rank`` (1 = the
    model's first choice); ``loss_t`` = L^(t) = -log ŷ^(t)[y^(t)]; ``losses`` = L^(1..t)
    (shape (t,)); ``running_mean`` = their mean; ``all_losses`` = L^(1..τ) (shape (τ,)),
    and ``loss`` = L, the mean over all τ steps (eq 1.2).
    """
    cache = _check_cache(cache)
    vocab = _check_vocab(vocab, cache)
    tau = cache.T
    t = check_int("t", t, 1, tau)
    top_k = check_int("top_k", top_k, 1, vocab.size)
    i = t - 1                                   # row of step t in every per-step array
    probs = cache.y_hat[i]
    order = np.argsort(-probs, kind="stable")   # most likely first; ties keep vocab order
    target = int(cache.targets[i])
    losses = np.array(cache.losses[:t], dtype=np.float64)
    x, a, h = cache.x[i], cache.a[i], cache.h[t]
    return {
        "t": t,
        "tau": tau,
        "context": vocab.decode(cache.inputs[:t]),
        "input_id": int(cache.inputs[i]),
        "input_char": vocab.chars[int(cache.inputs[i])],
        "target_id": target,
        "target_char": vocab.chars[target],
        "x": x.copy(),
        "a": a.copy(),
        "h": h.copy(),
        "h_prev": cache.h[t - 1].copy(),
        "x_norm": float(np.linalg.norm(x)),
        "a_norm": float(np.linalg.norm(a)),
        "h_norm": float(np.linalg.norm(h)),
        "top": [(vocab.chars[int(k)], float(probs[k])) for k in order[:top_k]],
        "target_prob": float(probs[target]),
        "target_rank": int(np.flatnonzero(order == target)[0]) + 1,
        "loss_t": float(cache.losses[i]),
        "losses": losses,
        "running_mean": float(losses.mean()),
        "all_losses": np.array(cache.losses, dtype=np.float64),
        "loss": float(cache.loss),
    }


def _vec(v: np.ndarray) -> str:
    """The first few entries of a vector, e.g. '[+0.123 -0.500 +0.010 +0.900 …] (16)'."""
    head = " ".join(f"{value:+.3f}" for value in v[:N_SHOWN])
    more = " …" if v.size > N_SHOWN else ""
    return f"[{head}{more}] ({v.size})"


def _char(c: str) -> str:
    return repr(c)


def _before(view: dict) -> str:
    """What was read before step t: 'the first token: nothing before it' at t = 1."""
    context = view["context"][:-1]
    return "the first token: nothing before it" if not context else f"after {_char(context[-12:])}"


def step_lines(view: dict) -> list[tuple[str, str, str]]:
    """The rows shown for step t under its heading line: (quantity, equation, value)."""
    t = view["t"]
    top = ",  ".join(f"{_char(c)} {p:.3f}" for c, p in view["top"])
    return [
        (f"x({t})", "(1.3) E[token]", f"{_vec(view['x'])}  norm {view['x_norm']:.3f}"),
        (f"a({t})", "(1.4) h W^T + x U^T + b", f"{_vec(view['a'])}  norm {view['a_norm']:.3f}"),
        (f"h({t})", "(1.5) tanh(a)", f"{_vec(view['h'])}  norm {view['h_norm']:.3f}"),
        (f"ŷ({t})", "(1.6)-(1.7) top guesses", f"{top};  target {_char(view['target_char'])}: "
                                                f"{view['target_prob']:.4f}, rank {view['target_rank']}"),
        (f"L({t})", "(1.1) -log ŷ[y]", f"{view['loss_t']:.4f};  mean so far {view['running_mean']:.4f}"
                                       f"  (L over all τ = {view['tau']}: {view['loss']:.4f})"),
    ]


def step_text(view: dict) -> str:
    """Plain text for step t: a heading line (the step, its input and target), then one
    quantity per line."""
    head = (f"step t = {view['t']} of τ = {view['tau']}: input {_char(view['input_char'])} "
            f"(id {view['input_id']}), {_before(view)}; target {_char(view['target_char'])}")
    return "\n".join([head] + [f"  {q:<6} {eq:<24} {value}" for q, eq, value in step_lines(view)])


def step_label(view: dict) -> str:
    """The text alternative of step t's picture: what it shows and what to notice."""
    t = view["t"]
    return (f"Forward pass, step t = {t} of τ = {view['tau']}: column {t} of Figure 1 is "
            f"highlighted. Input {_char(view['input_char'])}; the model gives the next token "
            f"{_char(view['target_char'])} probability {view['target_prob']:.3f} (rank "
            f"{view['target_rank']}), so L({t}) = {view['loss_t']:.3f}; the mean of the losses "
            f"so far is {view['running_mean']:.3f}.")


HEIGHT = 384   # Figure 1 (261) and, under it, the three panels


def step_picture(view: dict, token_labels=None) -> Svg:
    """Figure 1 with column t highlighted, above x/a/h, the top guesses and the losses so far."""
    check_view(view, ("t", "tau", "x", "a", "h", "top", "target_char", "target_prob", "all_losses",
                      "running_mean"), "forward_step_view")
    t, tau = view["t"], view["tau"]
    svg = Svg(WIDTH, HEIGHT, step_label(view))
    top = draw_graph(svg, 0, 0, WIDTH, tau, t, "forward", token_labels) + 22
    _losses_so_far(svg, 672, top, view)
    _top_guesses(svg, 400, top, view)
    _vector_rows(svg, 0, top, [("x", view["x"]), ("a", view["a"]), ("h", view["h"])], t)
    return svg


def _vector_rows(svg: Svg, x0: float, y0: float, rows, t: int) -> None:
    """x(t), a(t), h(t) as rows of coloured cells (blue negative, red positive; one small PNG
    each, sharp at any zoom), their norms beside."""
    box_x, box_w, row_h = x0 + 40, 236.0, 16.0
    svg.text(x0, y0, "(1.3) x, (1.4) a, (1.5) h", TEXT, weight="bold")
    vmax = max(float(np.max(np.abs(v))) for _, v in rows) or 1.0
    cell = box_w / max(v.size for _, v in rows)
    ys = [y0 + 12 + i * (row_h + 5) for i in range(len(rows))]
    for y, (name, _) in zip(ys, rows, strict=True):
        svg.text(x0 + 32, y + row_h / 2, name, SMALL, "end", sup=f"({t})")
    for y, (_, v) in zip(ys, rows, strict=True):
        svg.image_png(box_x, y, v.size * cell, row_h, png_bytes(diverging_rgb(v[None, :], vmax)))
    for y, (_, v) in zip(ys, rows, strict=True):
        svg.rect(box_x, y, v.size * cell, row_h, stroke=MUTED, stroke_width=0.8)
    for y, (_, v) in zip(ys, rows, strict=True):
        svg.text(box_x + box_w + 8, y + row_h / 2, f"‖·‖ {np.linalg.norm(v):.2f}", SMALL, mono=True)
    svg.text(box_x, y0 + 12 + 3 * (row_h + 5) + 6, f"blue < 0 < red, |value| ≤ {vmax:.2f}", SMALL,
             fill=MUTED)


def _top_guesses(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """Bars of the top guesses of ŷ(t); the target's bar is orange and labelled "target"."""
    t = view["t"]
    rows = [(c, p, c == view["target_char"]) for c, p in view["top"]]
    if not any(is_target for _, _, is_target in rows):
        rows.append((view["target_char"], view["target_prob"], True))
    svg.text(x0, y0, f"ŷ({t}): top guesses", TEXT, weight="bold")
    box = Box(svg, x0 + 48, y0 + 12, 110, 21.0 * len(rows),
              xlim=(0, min(1.0, 1.3 * max(p for _, p, _ in rows))))
    ys = [y0 + 13 + i * 21 for i in range(len(rows))]
    for y, (c, _, _) in zip(ys, rows, strict=True):
        svg.text(box.x - 8, y + 8, _char(c), SMALL, "end", mono=True)
    for y, (_, p, is_target) in zip(ys, rows, strict=True):
        svg.rect(box.x, y, box.X(p) - box.x, 16, fill=style.HIGHLIGHT if is_target else style.FORWARD)
    for y, (_, p, is_target) in zip(ys, rows, strict=True):
        svg.text(box.X(p) + 5, y + 8, f"{p:.3f}" + ("  target" if is_target else ""), SMALL,
                 weight="bold" if is_target else None)
    box.frame(bottom=False)


def _losses_so_far(svg: Svg, x0: float, y0: float, view: dict) -> None:
    """Bars L(1..τ) on fixed axes, drawn from step 1 to t (step t orange and outlined); the mean
    so far dashed. The axes come first: every frame shares them."""
    t, tau, losses = view["t"], view["tau"], np.asarray(view["all_losses"])
    box = Box(svg, x0 + 28, y0 + 16, 254, 52, xlim=(0.4, tau + 0.6),
              ylim=(0, float(losses.max()) * 1.15))
    box.frame()
    box.xticks(step_ticks(tau))
    box.yticks(nice_ticks(0, box.ylim[1], 3))
    svg.text(x0, y0, f"L(s) so far, mean {view['running_mean']:.3f}", TEXT, weight="bold")
    bar = 0.7 * box.w / tau
    for s in range(1, t + 1):
        current = s == t
        svg.rect(box.X(s) - bar / 2, box.Y(losses[s - 1]), bar, box.Y(0) - box.Y(losses[s - 1]),
                 fill=style.HIGHLIGHT if current else style.FORWARD,
                 stroke=INK if current else None, stroke_width=1.2 if current else None)
    mean_y = box.Y(view["running_mean"])
    svg.line(box.x, mean_y, box.x + box.w, mean_y, style.FORWARD, 1.5, dash="6 4")


class ForwardStepper(StepsOverT):
    """A Play button and a slider over the forward pass, t = 1, ..., τ (frames switched in the browser).

    ``ForwardStepper(cache, vocab, top_k=3)``; display it as the last line of a cell.
    Every step's readout (:func:`step_text`) and picture (:func:`step_picture`) are made
    up front; the slider (arrow keys) and the Play button switch between them with no
    kernel. ``stepper.show(t)`` moves to step t from code and returns its view.
    """

    def __init__(self, cache: ForwardCache, vocab: CharVocab, top_k: int = 3, interval: int = 1200):
        _check_cache(cache)
        _check_vocab(vocab, cache)
        tau = self.tau = cache.T
        self.views = {t: forward_step_view(cache, vocab, t, top_k) for t in range(1, tau + 1)}
        self.token_labels = list(vocab.decode(cache.inputs))
        frames = [Frame(step_text(self.views[t]), step_picture(self.views[t], self.token_labels), str(t))
                  for t in range(1, tau + 1)]
        self.player = FrameStepper(
            frames, [str(t) for t in range(1, tau + 1)],
            start=0, description="step t", name="the forward pass, t = 1 to τ", interval=interval,
            fallback=f"Forward stepper: t = 1..{tau} of the forward pass (run the cell to step through it).")
        self.slider, self.play, self.widget = self.player.slider, self.player.play, self.player.widget
        self.frames = dict(zip(range(1, tau + 1), self.player.frames, strict=True))

