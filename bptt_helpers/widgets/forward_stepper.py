"""The forward stepper of notebook 01: the forward pass (eqs 1.1-1.7), one timestep at a time.

For step t it shows the input token, x^(t) (1.3), a^(t) (1.4), h^(t) (1.5), the top
predictions of ŷ^(t) (1.6-1.7), the loss L^(t) (1.1) and the running mean of the
losses so far (the partial version of 1.2), next to Figure 1 with column t highlighted.

:func:`forward_step_view` computes what step t shows (a plain function, tested in
``tests/test_widget_forward.py``); :func:`step_text` and :func:`step_html` write it out;
:func:`bptt_helpers.plots.forward.forward_step_figure` draws it. The
:class:`ForwardStepper` widget only wires a Play button, a slider and Prev/Next buttons
to those functions.
"""

from __future__ import annotations

import html

import numpy as np

from ..data import CharVocab
from ..forward_pass import ForwardCache
from ..plots.canvas import png_bytes
from . import check_sequence_cache

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


def _check_int(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    return int(value)


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
    t = _check_int("t", t, 1, tau)
    top_k = _check_int("top_k", top_k, 1, vocab.size)
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
    """The first few entries of a vector, e.g. '[ 0.1234 -0.5000  0.0100  0.9000 …] (16)'."""
    head = " ".join(f"{value:+.3f}" for value in v[:N_SHOWN])
    more = " …" if v.size > N_SHOWN else ""
    return f"[{head}{more}]  ({v.size} entries)"


def _char(c: str) -> str:
    return repr(c)


def step_lines(view: dict) -> list[tuple[str, str, str]]:
    """The rows shown for step t: (quantity, equation, value)."""
    t = view["t"]
    top = ",  ".join(f"{_char(c)} {p:.3f}" for c, p in view["top"])
    return [
        ("input", "token(t)", f"{_char(view['input_char'])} (id {view['input_id']}), "
                              f"after {_char(view['context'][:-1][-12:])}"),
        (f"x({t})", "(1.3) E[token]", f"{_vec(view['x'])}  norm {view['x_norm']:.3f}"),
        (f"a({t})", "(1.4) h W^T + x U^T + b", f"{_vec(view['a'])}  norm {view['a_norm']:.3f}"),
        (f"h({t})", "(1.5) tanh(a)", f"{_vec(view['h'])}  norm {view['h_norm']:.3f}"),
        (f"ŷ({t})", "(1.6)-(1.7) top guesses", top),
        ("target", "y(t), the next token", f"{_char(view['target_char'])}: ŷ = "
                                           f"{view['target_prob']:.4f}, rank {view['target_rank']}"),
        (f"L({t})", "(1.1) -log ŷ[y]", f"{view['loss_t']:.4f}"),
        ("mean so far", f"(1/{t}) Σ_s≤{t} L(s)", f"{view['running_mean']:.4f}"
                                                  f"   (L over all τ = {view['tau']}: {view['loss']:.4f})"),
    ]


def step_text(view: dict) -> str:
    """Plain text for step t, one quantity per line."""
    head = f"step t = {view['t']} of τ = {view['tau']}"
    return "\n".join([head] + [f"  {q:<12}{eq:<26}{value}" for q, eq, value in step_lines(view)])


def step_html(view: dict) -> str:
    """The same rows as :func:`step_text`, as an HTML table (for the widget)."""
    from .. import style

    rows = "".join(
        f"<tr><td style='padding:2px 10px;color:{style.FORWARD};font-weight:bold'>{html.escape(q)}</td>"
        f"<td style='padding:2px 10px;color:#555'>{html.escape(eq)}</td>"
        f"<td style='padding:2px 10px;font-family:monospace'>{html.escape(value)}</td></tr>"
        for q, eq, value in step_lines(view))
    return (f"<div style='font-size:{style.FONT_SIZE}px'><b>step t = {view['t']} of "
            f"τ = {view['tau']}</b><table>{rows}</table></div>")


def figure_png(fig) -> bytes:
    """The figure as stable PNG bytes, as the Image widget shows it."""
    return png_bytes(fig, dpi=88)


class ForwardStepper:
    """Play / slider / Prev-Next controls over :func:`forward_step_view`.

    ``ForwardStepper(cache, vocab, top_k=3)``; display it as the last line of a cell.
    The "play" button runs t = 1, 2, ..., τ (it is linked to the slider in the browser
    with ``jslink``); "play back" runs t = τ, ..., 1; Prev/Next move one step; the
    slider jumps. ``stepper.show(t)`` moves to step t from code and returns its view.
    """

    def __init__(self, cache: ForwardCache, vocab: CharVocab, top_k: int = 3, interval: int = 1200):
        import ipywidgets as w

        _check_cache(cache)
        _check_vocab(vocab, cache)
        tau = self.tau = cache.T
        self.views = {t: forward_step_view(cache, vocab, t, top_k) for t in range(1, tau + 1)}
        self.token_labels = list(vocab.decode(cache.inputs))
        self.slider = w.IntSlider(min=1, max=tau, value=1, description="t",
                                  continuous_update=False, layout=w.Layout(width="360px"))
        self.play = w.Play(min=1, max=tau, value=1, step=1, interval=interval,
                           description="play", tooltip="t = 1, 2, ..., τ", show_repeat=False,
                           layout=w.Layout(width="auto"))
        w.jslink((self.play, "value"), (self.slider, "value"))
        # The Play widget only counts upwards: the backward player counts -τ..-1, t = -value.
        self.play_back = w.Play(min=-tau, max=-1, value=-tau, step=1, interval=interval,
                                description="play back", tooltip="t = τ, ..., 1", show_repeat=False,
                                layout=w.Layout(width="auto"))
        self.prev_button = w.Button(description="◀ prev", tooltip="t - 1",
                                    layout=w.Layout(width="80px"))
        self.next_button = w.Button(description="next ▶", tooltip="t + 1",
                                    layout=w.Layout(width="80px"))
        self.text = w.HTML()
        self.image = w.Image(format="png")
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        self.play_back.observe(lambda change: self.show(-change["new"]), names="value")
        self.prev_button.on_click(lambda _: self.show(max(1, self.t - 1)))
        self.next_button.on_click(lambda _: self.show(min(tau, self.t + 1)))
        controls = w.HBox([w.Label("forwards"), self.play, w.Label("backwards"), self.play_back,
                           self.prev_button, self.next_button, self.slider])
        self.widget = w.VBox([controls, self.text, self.image])
        self.t = None
        self.show(1)

    def show(self, t: int) -> dict:
        """Move to step t: update the controls, the text and the picture; return the view."""
        from ..plots.forward import forward_step_figure

        t = _check_int("t", t, 1, self.tau)
        if t == self.t:
            return self.views[t]
        self.t = t
        self.slider.value = t          # the Play button follows through jslink
        self.play_back.value = -t
        view = self.views[t]
        self.text.value = step_html(view)
        self.image.value = figure_png(forward_step_figure(view, self.token_labels))
        return view

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
