"""The logic of the widgets of notebooks 09 (vanishing) and 10 (truncation), and that they build."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import bptt_helpers as bh
from bptt_helpers.lessons import long_range as lr
from bptt_helpers.lessons import truncated as tr
from bptt_helpers.widgets import truncation as tw
from bptt_helpers.widgets import vanishing as vw

PNG = b"\x89PNG"


def test_vanishing_view_values():
    view = vw.vanishing_view(1.0, 50)
    np.testing.assert_array_equal(view["norms"], lr.norm_profile(1.0, 50))
    assert view["verdict"] == "vanishes" and view["log10_ratio"] < -5
    assert view["per_step"] == pytest.approx(10 ** (view["log10_ratio"] / 49))
    assert vw.vanishing_view(3.0, 50)["verdict"] == "explodes"
    assert vw.vanishing_view(1.9, 2)["verdict"] == "stays"
    text = vw.view_text(view)
    assert "ρ(W) = 1.00" in text and "vanishes" in text


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


def test_vanishing_explorer_updates():
    explorer = vw.VanishingExplorer(radius=1.0, tau=30)
    assert bytes(explorer.image.value).startswith(PNG)
    first = bytes(explorer.image.value)
    explorer.radius.value = 2.5
    assert bytes(explorer.image.value) != first and "2.50" in explorer.text.value
    explorer.tau.value = 60
    assert "τ = 60" in explorer.text.value
    assert vw.figure_png(vw.view_figure(vw.vanishing_view(1.0, 30))) == first  # deterministic


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


def test_truncation_explorer_updates():
    params, inputs, targets = _shakespeare_case()
    explorer = tw.TruncationExplorer(params, inputs, targets, None, k=4)
    assert bytes(explorer.image.value).startswith(PNG) and "k = 4" in explorer.text.value
    explorer.k.value = 8
    assert "k = 8" in explorer.text.value
    assert explorer.k.max == 16 and len(explorer.table["k"]) == 16
