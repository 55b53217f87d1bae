"""`make slides`: slide metadata on every notebook, and offline reveal.js slides with the right sections.

The slides are built here exactly as `make slides` builds them (tools.lecture), into a
temporary folder; the first build fetches reveal.js, require.js, jQuery, MathJax and the widget
manager once with `npm pack` into build/npm-cache.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tools import lecture

NOTEBOOKS = lecture.series_notebooks()
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def slide_type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


def plain(markdown_heading: str) -> str:
    """A markdown heading line as the browser shows its text: no #, emphasis or code marks."""
    text = markdown_heading.lstrip("#").strip()
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def expected_outline(nb) -> list[dict]:
    """What nbconvert must make of the slide metadata: per section its title, subslides, fragments."""
    sections = []
    for cell in nb.cells:
        kind = slide_type(cell) or "-"
        if kind in ("skip", "notes"):
            continue
        if not sections or kind == "slide":
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            title = plain(first) if cell.cell_type == "markdown" and first.startswith("#") else ""
            sections.append({"title": title, "subslides": 1, "fragments": 0})
        elif kind == "subslide":
            sections[-1]["subslides"] += 1
        elif kind == "fragment":
            sections[-1]["fragments"] += 1
    return sections


def test_the_series_has_notebooks():
    assert len(NOTEBOOKS) >= 2, "no NN_slug.ipynb notebooks found in notebooks/"


# ---------------------------------------------------------------- the metadata (set by the authors)

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata(path):
    nb = nbformat.read(path, as_version=4)
    missing = [i for i, c in enumerate(nb.cells) if slide_type(c) is None]
    assert not missing, f"{path.name}: cells {missing} have no metadata.slideshow.slide_type"
    bad = {i: slide_type(c) for i, c in enumerate(nb.cells) if slide_type(c) not in SLIDE_TYPES}
    assert not bad, f"{path.name}: unknown slide types {bad} (use one of {sorted(SLIDE_TYPES)})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_is_skipped_and_title_opens(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    assert slide_type(code[0]) == "skip", (
        f"{path.name}: the setup cell (first code cell) must be slide_type 'skip', "
        f"is {slide_type(code[0])!r}")
    visible = [c for c in nb.cells if slide_type(c) not in ("skip", "notes")]
    assert slide_type(visible[0]) == "slide", f"{path.name}: the first visible cell must open a 'slide'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_section_has_a_title(path):
    """Each 'slide' cell opens a section of the lecture: it is markdown starting with a heading."""
    nb = nbformat.read(path, as_version=4)
    untitled = []
    for i, cell in enumerate(nb.cells):
        if slide_type(cell) == "slide":
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            if cell.cell_type != "markdown" or not first.startswith("#"):
                untitled.append(f"cell {i} ({cell.cell_type}): {first[:60]!r}")
    assert not untitled, (f"{path.name}: 'slide' cells without a heading (make them 'subslide' "
                          f"or give them a '## title'): {untitled}")


# ---------------------------------------------------------------- the built slides

@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    pages = lecture.export("slides", out, NOTEBOOKS)
    return out, {p.name.removesuffix(".slides.html"): p for p in pages}


def test_one_slides_page_per_notebook_and_an_index(slides):
    out, pages = slides
    assert sorted(pages) == [p.stem for p in NOTEBOOKS]
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f'href="{path.stem}.slides.html"' in index, f"index.html does not link {path.stem}"
        title = lecture.notebook_title(nbformat.read(path, as_version=4))
        assert title and title.split()[-1] in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides_load_only_local_copies(slides, path):
    out, pages = slides
    needed = ("reveal.js/dist/reveal.js", "require.js", "jquery.min.js", "MathJax.js")
    assert lecture.offline_problems(pages[path.stem], needed) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides_have_the_expected_sections(slides, path):
    out, pages = slides
    html = pages[path.stem].read_text(encoding="utf-8")
    nb = lecture.view_for(nbformat.read(path, as_version=4), "slides")
    expected = expected_outline(nb)
    got = lecture.slide_outline(html)
    assert len(got) == len(expected), (
        f"{path.name}: {len(got)} reveal sections for {len(expected)} 'slide' cells")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g["subslides"] == e["subslides"], f"{path.name} section {i}: subslides"
        if e["title"]:
            # math stays TeX source in the page (MathJax typesets it in the browser)
            assert plain(g["title"]) == e["title"], f"{path.name} section {i}: title"
    assert html.count('class="fragment"') == sum(e["fragments"] for e in expected)
    # skipped cells (the setup cell) are not shown; every other cell of the slide view is
    shown = [c for c in nb.cells if slide_type(c) not in ("skip",)]
    assert html.count('class="jp-Cell ') == len(shown)
    # code input only where a cell is tagged to show it
    shown_code = [c for c in nb.cells if c.cell_type == "code" and slide_type(c) != "skip"
                  and not c.metadata.get("transient", {}).get("remove_source")]
    assert all(lecture.shows_code(c) for c in shown_code)


# ---------------------------------------------------------------- the slide view of a notebook

def _code(source, outputs=(), slide="-", tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"slideshow": {"slide_type": slide}})
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    return cell


def _markdown(source, slide="-"):
    return nbformat.v4.new_markdown_cell(source, metadata={"slideshow": {"slide_type": slide}})


LISTING = 'def f(a,\n      b):\n    """Doc."""\n\n    return a\n\n'


def test_slide_view_hides_code_and_listings_but_keeps_every_markdown_cell():
    nb = nbformat.v4.new_notebook(cells=[
        _markdown("# Title", "slide"),
        _code("print(getsource(f))", [LISTING]),                      # only a listing: gone
        _code("print(getsource(f)); print(1)", [LISTING + "x: (3, 4)\n"]),  # the result stays
        _code("x[[0, 0]] += 1", ["[1. 0.]\n"], tags=["slide-code"]),   # the code is the lesson
        _markdown("## Next", "subslide"),
        _code("y = 2", [], slide="subslide"),                       # nothing to show: gone
        _markdown("Text after it"),
    ])
    view = lecture.view_for(nb, "slides")
    sources = [c.source for c in view.cells]
    assert sources == ["# Title", "print(getsource(f)); print(1)", "x[[0, 0]] += 1", "## Next",
                       "Text after it"]
    result, lesson = view.cells[1], view.cells[2]
    assert result.metadata["transient"]["remove_source"] and result.outputs[0]["text"] == "x: (3, 4)\n"
    assert "transient" not in lesson.metadata and lesson.outputs[0]["text"] == "[1. 0.]\n"
    # the notebook itself is untouched
    assert nb.cells[1].outputs[0]["text"] == LISTING and "transient" not in nb.cells[2].metadata


def test_slide_view_moves_a_dropped_cells_slide_break_to_the_next_cell_shown():
    nb = nbformat.v4.new_notebook(cells=[
        _markdown("# Title", "slide"), _code("z = 1", [], slide="subslide"), _markdown("After")])
    view = lecture.view_for(nb, "slides")
    assert [slide_type(c) for c in view.cells] == ["slide", "subslide"]


def _png(width, height):
    """A real (blank) PNG of the given size, base64 as notebooks store it."""
    import base64
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure_cell(width, height, tags=()):
    cell = _code("show_figure(fig)", ["median over 6 starts: ✓\n"], tags=tags)
    cell.outputs += [
        nbformat.v4.new_output("display_data", data={"image/png": _png(width, height), "text/plain": "alt"},
                               metadata={"image/png": {"alt": "Line chart: ..."}}),
        nbformat.v4.new_output("display_data", data={"text/markdown": "**What to notice:** ..."}),
    ]
    return cell


def test_png_size_reads_the_header():
    assert lecture.png_size(_png(640, 480)) == (640, 480)
    with pytest.raises(ValueError, match="not a PNG"):
        lecture.png_size("R0lGODlhAQABAAAAACw=")  # a GIF


@pytest.mark.parametrize("size, shown", [((1500, 480), (1125, 360)),   # tall enough: height 360
                                         ((2400, 300), (1180, 148)),   # very wide: width 1180
                                         ((300, 200), (300, 200))])    # small: never enlarged
def test_slide_view_sizes_every_figure_to_fit_the_slide(size, shown):
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"), _figure_cell(*size)])
    figure = lecture.view_for(nb, "slides").cells[1].outputs[1]
    assert (figure.metadata["image/png"]["width"], figure.metadata["image/png"]["height"]) == shown
    assert figure.metadata["image/png"]["alt"] == "Line chart: ..."
    assert "width" not in nb.cells[1].outputs[1].metadata["image/png"]  # the notebook is untouched


def test_slide_figure_only_keeps_the_figure_and_its_caption_not_the_printed_lines():
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"), _figure_cell(800, 400),
                                         _figure_cell(800, 400, tags=["slide-figure-only"])])
    view = lecture.view_for(nb, "slides")
    kinds = [[o.output_type for o in c.outputs] for c in view.cells[1:]]
    assert kinds == [["stream", "display_data", "display_data"], ["display_data", "display_data"]]
    assert "text/markdown" in view.cells[2].outputs[1].data
    assert len(lecture.view_for(nb, "html").cells[2].outputs) == 3  # the static HTML keeps them


def test_a_left_out_listing_announced_by_the_text_before_it_is_pointed_to():
    nb = nbformat.v4.new_notebook(cells=[
        _markdown("# T", "slide"),
        _markdown("The package computes it:"), _code("print(getsource(f))", [LISTING]),
        _markdown("Set up:"), _code("y = 2", []),                                  # no listing: no note
        _markdown("Run it:"), _code("print(getsource(f)); print(1)", [LISTING + "1\n"])])  # shown
    view = lecture.view_for(nb, "slides")
    assert [c.source for c in view.cells if c.cell_type == "markdown"] == [
        "# T", f"The package computes it: {lecture.LISTING_NOTE}", "Set up:", "Run it:"]
    assert nb.cells[1].source == "The package computes it:"


def test_slide_code_cells_stay_even_without_output():
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"),
                                         _code("x[i] += 1", [], tags=["slide-code"])])
    assert [c.source for c in lecture.view_for(nb, "slides").cells] == ["# T", "x[i] += 1"]


def test_slide_code_keeps_the_listing_it_prints():
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"),
                                         _code("print(getsource(dV))", [LISTING], tags=["slide-code"])])
    assert lecture.view_for(nb, "slides").cells[1].outputs[0]["text"] == LISTING


def test_without_listings_keeps_printed_results():
    text = ("def f(a,\n      b\n) -> int:\n    return a\n\nx: (3, 4)\n"
            "# ---- bptt_helpers.train.train\n@cache\ndef g():\n    pass\n\nloss 3.2\n")
    assert lecture.without_listings(text) == "x: (3, 4)\nloss 3.2\n"


def test_html_view_drops_speaker_notes_only():
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"), _markdown("**Speaker notes.** x")])
    nb.cells[1].metadata["slideshow"]["slide_type"] = "notes"
    assert [c.source for c in lecture.view_for(nb, "html").cells] == ["# T"]
    assert len(lecture.view_for(nb, "slides").cells) == 2


def test_slide_outline_reads_nested_sections():
    page = ('<div class="slides"><section><section><h1 id="a">Title <a class="anchor-link" href="#a">¶</a>'
            "</h1></section><section><h2>Step</h2></section></section><section><section><p>x</p>"
            "<h2>Later</h2></section></section></div>")
    assert lecture.slide_outline(page) == [{"title": "Title", "subslides": 2},
                                           {"title": "Later", "subslides": 1}]


# ---------------------------------------------------------------- speaker notes stay off the slides

NOTES_MARKERS = ("Speaker notes.", "Ask the room:")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_speaker_notes_are_only_in_the_speaker_view(slides, path):
    """On a slide the notes are an <aside class="notes"> (reveal.js shows it only in the speaker
    view, key S): nowhere else in the page. Where the audience might see them in the browser is
    checked by tests/test_decks.py."""
    page = slides[1][path.stem].read_text(encoding="utf-8")
    outside = re.sub(r'<aside class="notes">.*?</aside>', "", page, flags=re.S)
    assert not [m for m in NOTES_MARKERS if m in outside], f"{path.name}: speaker notes outside the notes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_speaker_view_shows_each_formula_once(slides, path):
    """Every notes aside carries the rule that hides MathJax's own drawing in the speaker view
    (the browser draws MathJax's MathML copy there): one copy of each formula, not two."""
    page = slides[1][path.stem].read_text(encoding="utf-8")
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', page, flags=re.S)
    assert asides and all(a.startswith(f"<style>{lecture.SPEAKER_NOTES_CSS}</style>") for a in asides)
    # and the page re-renders a slide's formulas after MathJax's typesetting, never at the same time
    # (else 'Upcoming', a second copy of the deck moved as it loads, drew some formulas twice)
    assert page.count(lecture.RERENDER_QUEUED) == 1 and "MathJax.Hub.Rerender(" not in page


# ---------------------------------------------------------------- the live view (Voilà)

def _notes(source="**Speaker notes.**\n- a point\n\n**Ask the room:** why? *Answer:* so."):
    return _markdown(source, "notes")


def test_live_view_leaves_the_speaker_notes_out_and_points_to_left_out_listings():
    nb = nbformat.v4.new_notebook(cells=[
        _markdown("# T", "slide"), _notes(),
        _markdown("The package computes it:"), _code("print(getsource(f))", [LISTING]),
        _markdown("Run it:"), _code("print(getsource(f)); print(1)", [LISTING + "1\n"]),
        _markdown("Or:"), _code("print(getsource(dV))", [LISTING], tags=["slide-code"]), _notes()])
    view = lecture.live_view(nb)
    assert [c.source for c in view.cells if c.cell_type == "markdown"] == [
        "# T", f"The package computes it: {lecture.LISTING_NOTE}", "Run it:", f"Or: {lecture.LISTING_NOTE}"]
    assert len(view.cells) == 7 and not any(lecture.is_speaker_notes(c) for c in view.cells)


def test_every_notebook_runs_in_the_live_view_without_its_notes():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        notes = sum(lecture.is_speaker_notes(c) for c in nb.cells)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        view = lecture.voila_prelaunch_hook(None, notebook=nb, cwd=str(path.parent))
        assert notes >= 3 and not any(lecture.is_speaker_notes(c) for c in view.cells), path.name
        assert [c.source for c in view.cells if c.cell_type == "code"] == code, f"{path.name}: same code runs"


# ---------------------------------------------------------------- the saved widget state

STATE = "application/vnd.jupyter.widget-state+json"


def _widget_notebook(state_ids, view_id="m1", refs=None):
    """A notebook displaying widget ``view_id``, storing state for ``state_ids``; ``refs`` maps a
    model to the models it refers to (IPY_MODEL_...)."""
    refs = refs or {}
    state = {m: {"model_name": "VBoxModel",
                 "state": {"children": [f"IPY_MODEL_{r}" for r in refs.get(m, [])]}} for m in state_ids}
    view = {"model_id": view_id, "version_major": 2, "version_minor": 0}
    out = nbformat.v4.new_output("display_data", data={
        "text/plain": "VBox()", "application/vnd.jupyter.widget-view+json": view})
    nb = nbformat.v4.new_notebook(cells=[_markdown("# T", "slide"), _code("w", [])])
    nb.cells[1].outputs = [out]
    nb.metadata["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_widget_state_check_passes_a_complete_state():
    assert lecture.widget_state_problems(_widget_notebook(["m1", "m2"], refs={"m1": ["m2"]})) == []


@pytest.mark.parametrize("nb, says", [
    (_widget_notebook(["other"]), "cell 2 of 2 displays widget m1, but its model is not"),
    (_widget_notebook(["m1"], refs={"m1": ["m2", "m3"]}), "2 of the models it uses"),
    (nbformat.v4.new_notebook(cells=_widget_notebook([]).cells), "its model is not"),   # no metadata.widgets
])
def test_widget_state_check_names_every_view_it_cannot_draw(nb, says):
    problems = lecture.widget_state_problems(nb)
    assert len(problems) == 1 and says in problems[0]


def test_a_broken_widget_view_stops_the_build_with_what_to_do(tmp_path):
    broken = tmp_path / "04_x.ipynb"
    nbformat.write(_widget_notebook(["other"]), broken)
    for kind in ("html", "slides"):
        with pytest.raises(lecture.WidgetStateError) as err:
            lecture.export(kind, tmp_path / kind, [broken])
        message = str(err.value)
        assert "04_x.ipynb" in message and "saveState" in message and "make notebooks" in message
        assert "run all cells and save" in message
        assert not (tmp_path / kind).exists(), "nothing is written"
    assert lecture.main(["html", str(tmp_path / "cli"), str(broken)]) == 2
