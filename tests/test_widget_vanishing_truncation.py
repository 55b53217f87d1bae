"""The logic of the widgets of notebooks 09 (vanishing) and 10 (truncation), and that they build."""

from __future__ import annotations

import re

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.lessons import long_range as lr
from bptt_helpers.lessons import truncated as tr
from bptt_helpers.plots import svg
from bptt_helpers.widgets import truncation as tw
from bptt_helpers.widgets import vanishing as vw
from bptt_helpers.widgets.frames import read_frame


def _svg_tag(html: str) -> str:
    """The opening <svg ...> tag of a frame."""
    return re.search(r"<svg [^>]*>", html).group(0)


def _tick_labels(html: str) -> list[str]:
    """The words of a picture (its <text> elements), one item each."""
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<text [^>]*>(.*?)</text>", html)]


def test_vanishing_view_values():
    view = vw.vanishing_view(1.0, 50)
    np.testing.assert_array_equal(view["norms"], lr.norm_profile(1.0, 50))
    assert view["verdict"] == "vanishes" and view["log10_ratio"] < -5
    assert view["per_step"] == pytest.approx(10 ** (view["log10_ratio"] / 49))
    assert vw.vanishing_view(3.0, 50)["verdict"] == "explodes"
    assert vw.vanishing_view(1.9, 2)["verdict"] == "stays"
    text = vw.view_text(view)
    assert "ρ(W) = 1.00" in text and "vanishes" in text
    assert f"= {bh.power_of_ten(10 ** view['log10_ratio'])}," in text   # '10^-9.3', not '1e-9.3'
    assert "1e" not in text and re.search(r"= 10\^-\d+\.\d,", text)


def test_vanishing_view_follows_the_sliders():
    short, longer = vw.vanishing_view(0.8, 10), vw.vanishing_view(0.8, 40)
    assert len(short["norms"]) == 10 and len(longer["norms"]) == 40
    assert longer["log10_ratio"] < short["log10_ratio"] < 0
    assert vw.vanishing_view(2.5, 40)["log10_ratio"] > longer["log10_ratio"]


@pytest.mark.parametrize("radius, tau, error", [
    (0.1, 10, ValueError), (5.0, 10, ValueError), (1.0, 1, ValueError), (1.0, 101, ValueError),
    ("1", 10, TypeError), (1.0, 10.0, TypeError),
])
def test_vanishing_view_bad_input(radius, tau, error):
    with pytest.raises(error, match="radius|tau"):
        vw.vanishing_view(radius, tau)


def test_ratio_is_written_as_a_power_of_ten():
    assert vw.ratio_power(-9.26) == "10^-9.3" and vw.ratio_power(9.8) == "10^9.8"
    assert vw.ratio_power(-0.04) == "10^0.0"                       # no '-0.0'
    assert vw.ratio_power(-400.0) == "10^-400.0"                   # beyond float range, still readable


def test_step_ticks_are_whole_numbers():
    assert svg.step_ticks(2) == [1, 2] and svg.step_ticks(10) == list(range(1, 11))
    for tau in range(2, 101):
        ticks = svg.step_ticks(tau)
        assert ticks[0] == 1 and ticks == sorted(set(ticks)) and ticks[-1] <= tau
        assert all(isinstance(t, int) for t in ticks) and 2 <= len(ticks) <= 10
    assert svg.step_ticks(100) == [1, 20, 40, 60, 80, 100]
    with pytest.raises(ValueError, match="tau"):
        svg.step_ticks(0)


def test_log_ticks_use_round_exponents():
    assert svg.log_ticks(10 ** -9.5, 10 ** 0.5) == [1e-8, 1e-6, 1e-4, 1e-2, 1.0]
    exps = [round(np.log10(v)) for v in svg.log_ticks(1e-75, 1.0)]
    assert exps == [-60, -40, -20, 0]
    with pytest.raises(ValueError):
        svg.log_ticks(0.0, 1.0)


def test_picture_at_tau_2_has_integer_step_ticks_only():
    html = vw.view_frame(vw.vanishing_view(1.9, 2))
    words = _tick_labels(html)
    assert "1" in words and "2" in words
    assert not any(re.fullmatch(r"\d+\.\d+", w) for w in words), words   # no 0.50, 0.75, 1.5 ...
    # the y ticks are powers of ten with superscript exponents
    assert any(re.fullmatch(r"10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", w) for w in words), words


def test_view_frame_holds_readout_and_picture_of_its_state():
    view = vw.vanishing_view(1.05, 50)
    html = vw.view_frame(view)
    frame = read_frame(html)
    assert frame["step"] == "rho=1.05 tau=50" and "data-step='rho=1.05 tau=50'" in _svg_tag(html)
    assert frame["readout"] == vw.view_text(view)
    assert frame["label"] == vw.step_label(view) and "1.05" in frame["label"]
    assert 'role="img"' in _svg_tag(html) and "aria-label=" in _svg_tag(html)
    assert "ρ(W) = 1.05, τ = 50: the gradient vanishes" in frame["svg_text"]
    assert "×10−8.6" in frame["svg_text"]                           # the ratio, superscript
    assert "aria-live='polite'" in html
    with pytest.raises(ValueError, match="vanishing_view"):
        vw.view_frame({"radius": 1.0})


def test_vanishing_explorer_sets_one_frame_per_change():
    explorer = vw.VanishingExplorer(radius=1.0, tau=30)
    first = explorer.frame.html.value
    assert first == vw.view_frame(vw.vanishing_view(1.0, 30))                  # deterministic
    assert read_frame(first)["step"] == "rho=1.00 tau=30"
    sent = []
    explorer.frame.html.observe(lambda change: sent.append(change["new"]), names="value")
    explorer.radius.value = 2.5
    assert len(sent) == 1                                   # readout and picture: one message
    frame = read_frame(sent[0])
    assert "ρ(W) = 2.50" in frame["readout"] and "2.50" in frame["label"] and "2.50" in frame["svg_text"]
    explorer.tau.value = 60
    frame = read_frame(explorer.frame.html.value)
    assert len(sent) == 2 and "τ = 60" in frame["readout"] and frame["step"] == "rho=2.50 tau=60"
    assert explorer.view["tau"] == 60 and explorer.update()["radius"] == 2.5
    for slider in (explorer.radius, explorer.tau):
        assert slider.description and len(slider.tooltip) > 20     # accessible descriptions
    fallback = explorer._repr_mimebundle_()["text/plain"]
    assert "run the cell" in fallback and "\n" not in fallback
    assert explorer.widget._repr_mimebundle_()["text/plain"] == fallback     # .widget shown alone


@pytest.mark.parametrize("kwargs, error", [
    ({"radius": 9.0}, ValueError), ({"tau": 1}, ValueError), ({"tau": 5.5}, TypeError),
])
def test_vanishing_explorer_bad_input(kwargs, error):
    with pytest.raises(error, match="radius|tau"):
        vw.VanishingExplorer(**kwargs)


def _shakespeare_case():
    text = bh.load_text()
    vocab = bh.CharVocab.from_text(text)
    inputs, targets = bh.random_batch(vocab.encode(text), 16, 3, np.random.default_rng(0))
    params = bh.init_params(vocab.size, 8, 16, seed=0)
    params.W = lr.scale_to_radius(params.W, 1.0)
    return params, inputs, targets


def test_truncation_view_values():
    params, inputs, targets = _shakespeare_case()
    full = tw.truncation_view(params, inputs, targets, None, 16)
    for key in tw.ERROR_KEYS:
        assert full[key] == 0.0
    view = tw.truncation_view(params, inputs, targets, None, 4)
    assert view["bounds"] == [(0, 4), (4, 8), (8, 12), (12, 16)]
    assert view["h_final_gap"] == 0.0
    assert view["loss_carry"] == pytest.approx(view["loss_full"], rel=1e-14)
    assert view["loss_reset"] != pytest.approx(view["loss_full"])
    assert view["dx1_carry"] == view["dx1_reset"]  # the first chunk is the same in both modes
    result = tr.truncated_grads(params, inputs, targets, None, 4, carry=True)
    _, grads, dh = tr.full_grads(params, inputs, targets, None)
    assert view["dW_carry"] == tr.relative_error(result.grads.W, grads.W)
    np.testing.assert_allclose(view["norms_full"], np.sqrt((dh**2).sum(axis=(0, 2))))
    assert view["norms_carry"].shape == (16,)
    np.testing.assert_allclose(view["norms_carry"][12:], view["norms_full"][12:], rtol=1e-12)


def test_error_table_shrinks_with_k():
    params, inputs, targets = _shakespeare_case()
    table = tw.error_table(params, inputs, targets, None, [1, 2, 4, 8, 16])
    assert table["k"] == [1, 2, 4, 8, 16]
    dx1 = table["dx1_carry"]
    assert dx1[-1] == 0.0 and all(a > b for a, b in zip(dx1, dx1[1:], strict=False))
    assert table["dW_carry"][-1] == 0.0 and table["dW_carry"][0] > table["dW_carry"][3]
    text = tw.format_table(table)
    assert len(text.splitlines()) == 6 and "dx(1) carry" in text


def test_chunks_text_plural():
    assert tw.chunks_text(32, 32, 1) == "1 chunk of all τ = 32 steps: no truncation, full BPTT"
    assert tw.chunks_text(4, 32, 8) == "τ = 32 cut into 8 chunks of 4 steps"
    assert tw.chunks_text(5, 32, 7) == "τ = 32 cut into 7 chunks of 5 steps (the last of 2)"
    assert tw.chunks_text(1, 32, 32) == "τ = 32 cut into 32 chunks of 1 step"


def test_truncation_explorer_has_a_frame_per_k():
    params, inputs, targets = _shakespeare_case()
    explorer = tw.TruncationExplorer(params, inputs, targets, None, k=4)
    assert explorer.k == 4 and explorer.slider.value == "4" and explorer.player.stack.selected_index == 3
    assert len(explorer.frames) == 16 and len(explorer.player.stack.children) == 16
    table = {key: value for key, value in explorer.table.items() if key != "norms_top"}
    assert table == tw.error_table(params, inputs, targets, None, range(1, 17))
    for k in range(1, 17):
        view = tw.truncation_view(params, inputs, targets, None, k)
        html = explorer.frames[k]
        frame = read_frame(html)
        assert frame["step"] == str(k) and f"data-step='{k}'" in _svg_tag(html)
        assert "role='img'" in _svg_tag(html) and "aria-label=" in _svg_tag(html)
        assert frame["readout"] == tw.view_text(view) and frame["readout"].startswith(f"k = {k}: ")
        assert frame["label"] == tw.step_label(view)
        assert f"k = {k}: gradient per step" in frame["svg_text"]
    assert "1 chunk of all τ = 16 steps" in read_frame(explorer.frames[16])["readout"]
    assert "1 chunks" not in " ".join(explorer.frames.values())
    # the legends name every line (style and marker, not colour only)
    words = read_frame(explorer.frames[4])["svg_text"]
    for name in ("full BPTT", "carry h", "reset h", "dL/dW carry", "dL/dW reset", "dL/dx(1)"):
        assert name in words


def test_reset_h_stays_visible_where_it_meets_carry_h():
    """10: where carry and reset coincide, reset is a wide pale band with hollow triangles and
    carry a thin line with dots drawn over it, so both show (not by colour alone)."""
    params, inputs, targets = _shakespeare_case()
    pic = tw.view_picture(tw.truncation_view(params, inputs, targets, None, 4),
                          tw.error_table(params, inputs, targets, None, range(1, 17)))
    lines = [p for p in pic.parts if p.tag == "polyline"]
    reset = [p for p in lines if "stroke='#2a7d7359'" in p.paint and "stroke-width='9'" in p.paint]
    carry = [p for p in lines if "stroke='#1f6fb4'" in p.paint and "stroke-width='1.8'" in p.paint]
    assert reset and carry and pic.parts.index(reset[-1]) < pic.parts.index(carry[-1])
    assert any(key.startswith("mt11") and key.endswith("h") for key in pic.markers)  # hollow triangles


def test_truncation_explorer_slider_moves_the_frame():
    params, inputs, targets = _shakespeare_case()
    explorer = tw.TruncationExplorer(params, inputs, targets, None, k=4)
    view = explorer.show(8)
    assert view["k"] == 8 and explorer.k == 8 and explorer.player.stack.selected_index == 7
    assert explorer.play.value == 7
    explorer.slider.index = 1                    # the arrow keys move the slider
    assert explorer.k == 2
    for bad, error in ((0, ValueError), (17, ValueError), (2.0, TypeError)):
        with pytest.raises(error, match="k must"):
            explorer.show(bad)
    assert explorer.k == 2
    fallback = explorer._repr_mimebundle_()["text/plain"]
    assert fallback.startswith("Truncation explorer") and "run the cell" in fallback
    with pytest.raises(ValueError, match="k must lie"):
        tw.TruncationExplorer(params, inputs, targets, None, k=17)


def test_truncation_picture_rejects_bad_input():
    with pytest.raises(ValueError, match="truncation_view"):
        tw.view_picture({"k": 1}, {})
    with pytest.raises(ValueError, match="truncation_view"):
        tw.view_text({"k": 1})
