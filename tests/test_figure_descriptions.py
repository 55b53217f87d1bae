"""Every figure carries its words (WCAG 2.1 1.1.1, technique G74): a text alternative stored
with its PNG and a visible "What to notice" caption after it, computed from the figure's data.

The stored notebooks are checked as they are: a figure shown without a description (a
``plt.show()``, or the inline backend showing a figure left open) fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bptt_helpers import notebook  # noqa: E402
from bptt_helpers.plots import describe as d  # noqa: E402
from bptt_helpers.plots import embedding, forward, graph, hidden, long_range, softmax, sums, training  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The figures the series showed when every one of them got its words (issue 14); more may come.
AT_LEAST = 17
# A number under 10^-7 is rounding noise on another machine: none may be printed (only exact 0).
TINY = re.compile(r"(?<![\d^.])0\.0{6,}\d")


def _figure_outputs():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            outputs = cell.get("outputs", []) if cell["cell_type"] == "code" else []
            for k, output in enumerate(outputs):
                if "image/png" in output.get("data", {}):
                    yield f"{path.name} cell {index}", output, outputs[k + 1:]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def test_every_stored_figure_has_a_specific_alt_and_a_caption_after_it():
    figures = list(_figure_outputs())
    assert len(figures) >= AT_LEAST, f"found {len(figures)} figures, expected at least {AT_LEAST}"
    for where, output, rest in figures:
        alt = output.get("metadata", {}).get("image/png", {}).get("alt")
        assert isinstance(alt, str), f"{where}: the PNG has no alt in metadata['image/png']"
        assert not d.is_generic(alt) and alt.endswith(d.BELOW), f"{where}: generic alt {alt!r}"
        assert _text(output["data"].get("text/plain", "")) == alt, \
            f"{where}: the PNG's text/plain should be its alt, got {output['data'].get('text/plain')!r}"
        assert rest, f"{where}: no caption after the figure"
        caption = rest[0].get("data", {})
        plain, markdown = _text(caption.get("text/plain", "")), _text(caption.get("text/markdown", ""))
        assert plain.startswith("What to notice: "), f"{where}: no 'What to notice' caption after it"
        assert markdown.startswith("**What to notice:**"), f"{where}: caption without its Markdown"
        assert all(o.get("output_type") != "execute_result" or "FigureText" not in
                   _text(o.get("data", {}).get("text/plain", "")) for o in rest), f"{where}: echoed words"
        notice = plain.removeprefix("What to notice: ")
        d.check_text(alt, notice)
        for text in (alt, notice):
            assert not TINY.search(text), f"{where}: a number below 10^-7 in {text!r}"


def test_no_figure_is_shown_by_the_inline_backend_undescribed():
    """matplotlib's own repr of a figure is what a plain plt.show() leaves as text/plain."""
    for path in NOTEBOOKS:
        assert "<Figure size" not in path.read_text(encoding="utf-8"), path.name


# ------------------------------------------------------------------ show_figure


@pytest.fixture
def published(monkeypatch):
    """Run show_figure as in a kernel: capture what it displays."""
    import IPython
    import IPython.display

    plt.close(plt.figure())   # pyplot picks its backend now, while no kernel is pretended
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display",
                        lambda data, raw=False, metadata=None: shown.append((data, metadata)))
    return shown


def _a_figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    return fig


def test_show_figure_publishes_png_with_alt_then_caption(published):
    fig = _a_figure()
    notice = "The middle point, 1, is the lowest of the three: *not* a trend."
    assert notebook.show_figure(fig, alt="Line chart of three made-up points", notice=notice) is None
    alt = "Line chart of three made-up points (described below)"
    (image, meta), (caption, caption_meta) = published
    assert image["image/png"] and meta == {"image/png": {"alt": alt}}
    assert image["text/plain"] == alt
    assert caption["text/plain"] == "What to notice: " + notice
    assert caption["text/markdown"] == ("**What to notice:** The middle point, 1, is the lowest of "
                                        r"the three: \*not\* a trend.")
    assert caption_meta is None
    assert fig.number not in plt.get_fignums(), "the pyplot figure must be closed (shown once)"


def test_show_figure_takes_the_words_the_helper_attached(published):
    notebook.show_figure(graph.draw_unrolled_graph(3, show="backward"))
    text = graph.describe_unrolled_graph(3, show="backward")
    assert published[0][1]["image/png"]["alt"] == text.alt
    assert published[1][0]["text/plain"] == "What to notice: " + text.notice


@pytest.mark.parametrize("alt, notice", [
    (None, None),
    ("", "The middle point is the lowest of the three made-up points."),
    ("No description has been provided for this image", "The middle point is the lowest of the three."),
    ("figure", "The middle point is the lowest of the three made-up points."),
    ("Line chart of three made-up points", "see below"),
    ("Line chart of three made-up points", "The middle point is 1e-12 lower than the others, here."),
])
def test_show_figure_refuses_a_figure_without_specific_words(published, alt, notice):
    with pytest.raises(ValueError, match="figure|e-notation"):
        notebook.show_figure(_a_figure(), alt=alt, notice=notice)
    assert published == []


def test_show_figure_without_a_kernel_prints_the_words(capsys):
    notebook.show_figure(_a_figure(), alt="Line chart of three made-up points",
                         notice="The middle point, 1, is the lowest of the three made-up points.")
    out = capsys.readouterr().out
    assert "Line chart of three made-up points (described below)" in out
    assert "What to notice: The middle point, 1," in out


# ------------------------------------------------------------------ the helpers' words


def test_graph_words_follow_the_arguments():
    fwd = graph.describe_unrolled_graph(20, token_labels=list("abcdefghijklmnopqrst"), highlight=10)
    assert "τ = 20" in fwd.alt and "forward pass" in fwd.alt
    assert "solid, blue" in fwd.notice and "'a' 'b'" in fwd.notice
    assert "t = 1, 2, 3, 9, 10, 11, 18, 19, 20 are drawn" in fwd.notice
    assert "Column t = 10 is highlighted" in fwd.notice
    back = graph.describe_unrolled_graph(4, show="backward")
    assert "dashed and red" in back.notice and "from h(4) back to h(0)" in back.notice
    plan = graph.describe_unrolled_graph(5, show="plan")
    assert "“parallel”" in plan.notice and "from t = 5 down to 1" in plan.notice


def test_dhidden_words_give_the_decay_as_a_power_of_ten():
    steps = np.arange(1, 31)
    dh = np.ones((30, 4)) / 2
    dh_last = np.outer(0.1 ** (30 - steps), [1.0, 0, 0, 0])   # norm 10^-(30-t)
    notice = hidden.dhidden_norms_notice(dh, dh_last)
    assert "norm 10^0.0 at t = 30 and 10^0.0 at t = 1" in notice
    assert "shrinks by a factor of 10^29.0 on its way back from t = 30 to t = 1" in notice
    ax = hidden.plot_dhidden_norms(dh, dh_last)
    assert d.text_of(ax).notice == notice


def test_softmax_words_name_the_target_and_its_numbers():
    y_hat = np.array([0.1, 0.6, 0.3])
    fig = softmax.plot_softmax_jacobian(y_hat, labels="abc", target=2)
    text = d.text_of(fig)
    assert "3 × 3" in text.alt
    assert "the largest 0.24 at 'b'" in text.notice and "target 'c'" in text.notice
    assert "ŷ = 0.30" in text.notice
    ax = softmax.plot_dlogits(y_hat, 2, 4, labels="abc")
    notice = d.text_of(ax).notice
    assert "(ŷ_y − 1)/τ = -0.175" in notice and "together +0.175" in notice
    assert "the largest, 0.150, belongs to 'b'" in notice


def test_one_row_jacobian_words():
    fig = sums.draw_one_row_jacobian(np.array([0.5, -0.25, 0.75]), 2, 4, t=3)
    text = d.text_of(fig)
    assert "4 × 3 Jacobian of o_2(3)" in text.alt
    assert "outside row 2 is 0 (9 zeros)" in text.notice and "from -0.25 to 0.75" in text.notice


def test_embedding_words_count_ones_and_name_differing_rows():
    J = np.zeros((3, 2, 2))
    J[1] = np.eye(2)
    text = d.text_of(embedding.plot_jacobian_tensor(J, 1, labels="ab "))
    assert "3 stacked 2 × 2 blocks" in text.alt
    assert "token 'b'" in text.notice and "2 ones" in text.notice and "other 10 of the 12" in text.notice
    good = np.arange(12.0).reshape(3, 4)
    bad = good.copy()
    bad[2] *= 0.5
    fd = good + 1e-9
    notice = embedding.scatter_comparison_notice([("right", good), ("bug", bad), ("fd", fd)],
                                                 [0, 1, 2], "ab ", counts=[1, 1, 2])
    assert "“bug” differs from “right” in 1 of 3 rows: '␣' (read 2×)" in notice
    assert "“fd” agrees with “right” in every row" in notice


def test_cache_cost_and_loss_curve_words():
    ax = forward.plot_cache_cost([1, 2, 4], [1024, 2048, 4096], seconds=[0.001, 0.002, 0.004])
    text = d.text_of(ax)
    assert "1.0 KiB at τ = 1, 4 KiB at τ = 4" in text.notice and "noisily" in text.notice
    losses = np.r_[np.full(10, 4.0), np.full(10, 2.0)]
    fig = training.plot_loss_curve(losses, window=5, baseline=np.log(65), val_before=4.2, val_after=2.5)
    notice = d.text_of(fig).notice
    assert "from 4.00 over steps 1-5 to 2.00 over steps 16-20" in notice
    assert "from 4.20 at the start to 2.50 at the end" in notice and "uniform guess, 4.17" in notice


def test_long_range_words():
    t = np.arange(1, 11)
    fig = long_range.norm_profiles_figure({"small": 10.0 ** (t - 10.0), "big": 10.0 ** (10.0 - t)})
    notice = d.text_of(fig).notice
    assert "small: shrinks by a factor of 10^9.0, from 10^0.0 at t = 10 to 10^-9.0 at t = 1" in notice
    assert "big: grows by a factor of 10^9.0" in notice
    assert "small: blue, solid, circles; big: red, dashed, squares" in notice
    W = np.diag([1.0, 0.5, -0.25])
    notice = d.text_of(long_range.eigenvalue_figure(W, radii=(0.5, 1.0, 2.0))).notice
    assert "ρ(W) = 1: 0 of 3 eigenvalues outside the unit circle, 1 on it" in notice
    assert "ρ(W) = 2: 1 of 3 eigenvalues outside the unit circle" in notice
    notice = d.text_of(long_range.ratio_figure([0.5, 1, 2], [-20.0, -9.0, 1.0], critical=1.87)).notice
    assert "from 10^-20.0 at ρ(W) = 0.5 to 10^1.0 at ρ(W) = 2" in notice and "ρ(W) ≈ 1.87" in notice
    assert d.text_of(long_range.curves_figure({"a": [1, 2]}, "loss")) is None   # no notice: no words
    fig = long_range.curves_figure({"a": [1, 2], "b": [2, 1]}, "loss", notice="Run b ends lower than run a.")
    assert d.text_of(fig).notice == ("Run b ends lower than run a. "
                                     "Lines: a: blue, solid, circles; b: red, dashed, squares.")
