"""`make html`: a static, offline HTML export of the series with an index; its steppers step there.

Built here exactly as `make html` builds it (tools.lecture) into a temporary folder.
That each stored widget view really renders in a browser is checked in tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nbformat
import pytest

from tools import lecture

NOTEBOOKS = lecture.series_notebooks()
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


class _Scripts(HTMLParser):
    """The JSON payloads of the widget script tags of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.views, self.states, self._type, self._text = [], [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type") in (VIEW, STATE):
            self._type, self._text = dict(attrs)["type"], []

    def handle_data(self, data):
        if self._type:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._type:
            payload = json.loads("".join(self._text))
            (self.views if self._type == VIEW else self.states).append(payload)
            self._type = None


def widget_scripts(page: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(page)
    return parser


def displayed_models(nb) -> list[str]:
    """Model ids of the widget views stored in the notebook's outputs, in order."""
    return [out["data"][VIEW]["model_id"] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if VIEW in out.get("data", {})]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    pages = lecture.export("html", out, NOTEBOOKS)
    return out, {p.stem: p for p in pages}


def test_one_page_per_notebook_and_an_index_linking_all(export):
    out, pages = export
    assert sorted(pages) == [p.stem for p in NOTEBOOKS]
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)"', index)
    assert links == [f"{p.stem}.html" for p in NOTEBOOKS], "index.html must link every notebook, in order"
    for path in NOTEBOOKS:
        title = lecture.notebook_title(nbformat.read(path, as_version=4))
        assert title and title.split()[-1] in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pages_load_only_local_copies(export, path):
    out, pages = export
    assert lecture.offline_problems(pages[path.stem], needed=("MathJax.js",)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_stored_widget_view_is_in_the_page(export, path):
    """Each displayed widget is on the page: a stepper as the page's own stepper with all its
    frames (tools/lecture_steppers.py), a live widget as its stored frame, anything else as a
    widget view with its stored state. A page with no widget view left loads no widget manager."""
    out, pages = export
    nb = nbformat.read(path, as_version=4)
    shown = displayed_models(nb)
    page = pages[path.stem].read_text(encoding="utf-8")
    scripts = widget_scripts(page)
    steppers, lives = page.count('class="bptt-stepper bptt-static'), page.count('class="bptt-livecopy')
    assert steppers + lives + len(scripts.views) == len(shown), (
        f"{path.name}: {len(shown)} widgets displayed, the page has {steppers} steppers, {lives} "
        f"live frames and {len(scripts.views)} widget views")
    state = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    for model in shown:
        frames = state[model]["state"]
        if "bptt-stepper" in frames.get("_dom_classes", []):
            stack = next(state[MODEL_REF.search(ref).group(1)] for ref in frames["children"]
                         if state[MODEL_REF.search(ref).group(1)]["model_name"] == "StackModel")
            for ref in stack["state"]["children"]:
                step = MODEL_REF.search(ref).group(1)
                first = state[step]["state"]["value"].split("'")[3]   # data-step='...'
                assert f'data-step="{first}"' in page, f"{path.name}: stepper frame {first} missing"
    renderer = lecture.LOCAL_URLS["widget_renderer_url"]
    if not scripts.views:
        assert f"widgetRendererSrc = '{renderer}'" not in page, f"{path.name} loads the widget manager"
        return
    # widgets left as views: the stored state, once, holding every model they reference
    assert len(scripts.states) == 1, f"{path.name}: expected one widget-state script"
    state = scripts.states[0]["state"]
    for view in scripts.views:
        assert view["model_id"] in state, f"{path.name}: displayed widget has no stored state"
    dangling = sorted({ref for m in state.values() for ref in MODEL_REF.findall(json.dumps(m))} - set(state))
    assert not dangling, f"{path.name}: stored widgets reference models that were not stored: {dangling}"
    assert f"widgetRendererSrc = '{renderer}'" in page


def test_the_series_displays_widgets():
    """The steppers of notebooks 01 and 04 are stored with their views (else nothing shows statically)."""
    for prefix in ("01", "04"):
        path = lecture.find_notebook(prefix)
        assert displayed_models(nbformat.read(path, as_version=4)), f"{path.name} stores no widget view"


def test_links_between_notebooks_point_at_the_pages(export):
    """A markdown link to another notebook ('04_hidden_states.ipynb#anchor') leads to its page."""
    out, pages = export
    linked = 0
    for page in pages.values():
        body = page.read_text(encoding="utf-8")
        assert not re.search(r'href="\d\d_[\w-]+\.ipynb', body), f"{page.name} links a notebook file"
        for target, _anchor in re.findall(r'href="(\d\d_[\w-]+\.html)(#[^"]*)?"', body):
            assert (out / target).exists(), f"{page.name} links {target}, which was not exported"
            linked += 1
    assert linked > 10, "the series links its notebooks to each other"
    slides = lecture.link_pages('<a href="04_x.ipynb#a-b">', ".slides.html")
    assert slides == '<a href="04_x.slides.html#a-b">'


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_speaker_notes_on_any_page(export, path):
    """The static pages are for students: no speaker-notes cell reaches them (nor the index)."""
    out, pages = export
    for page in (pages[path.stem], out / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert "Speaker notes." not in text and "Ask the room:" not in text, f"{page.name} shows notes"


@pytest.mark.parametrize("kind", ["html", "slides"])
def test_index_says_what_the_widgets_do(kind):
    """The steppers (10's truncation explorer among them) step with no kernel; only 08's and 09's
    live widgets need one (tests/test_browser.py steps every stepper in both kinds of page)."""
    text = " ".join(lecture.index_page(kind, []).split())
    assert "The steppers step with no kernel" in text and "10's truncation explorer is one of them" in text
    assert "08's training curve and 09's vanishing explorer" in text
    assert "last view" not in text and "stored last" not in text
