"""Lecture material built from the stored notebooks: offline slides, static HTML, a live view.

    python -m tools.lecture slides build/slides   # NN_x.slides.html per notebook + index.html
    python -m tools.lecture html build/html       # NN_x.html per notebook + index.html
    python -m tools.lecture present 04            # notebook 04 live (widgets work) via Voilà

nbconvert's pages load reveal.js, require.js, jQuery, MathJax and the widget manager from
CDNs, so in a lecture hall without network they are blank. Here those five scripts are
fetched from the npm registry at BUILD time (``npm pack``, pinned versions, checked against
the registry's sha512) and copied into ``<out>/vendor/``; every page points at those copies
with relative URLs, so an output folder works offline, from a USB stick, as it is.

Nothing is executed: the pages show the outputs stored in the notebooks, and the stored
widget state makes each widget's last view render (not live: use ``present`` for that).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from tools.page_a11y import A11Y_CSS as _A11Y_CSS
from tools.page_a11y import A11Y_JS as _A11Y_JS
from tools.page_a11y import DATA_PNG_BLOCK
from tools.present import find_notebook, series_notebooks, voila_command  # noqa: F401 (re-exported)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NPM_CACHE = REPO / "build" / "npm-cache"
SERIES_TITLE = "Backpropagation Through Time, equation by equation"
# The index lists each deck's sections in a grey that still reads at 7:1 on white (style.NEUTRAL, 3.4:1, is
# for lines in figures, not for text).
INDEX_GREY = "#595959"
# The cell tag that shows a code cell's input on the slides (by default the slides show only
# outputs: the code stays in the notebook).
SHOW_CODE_TAG = "slide-code"
# The cell tag that shows only a code cell's figures (and their captions) on the slides: the lines
# it prints (a table the figure also shows, timings) stay in the notebook and the static HTML.
FIGURE_ONLY_TAG = "slide-figure-only"
# reveal.js lays every slide out at this size (CSS px) and scales it to the screen: a 16:9
# projector at 1280x720 shows it 1:1. tests/test_decks.py measures every slide against it.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720


@dataclass(frozen=True)
class Vendored:
    """One npm package copied into ``vendor/<folder>``: only the files under ``keep``."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball
    folder: str
    keep: tuple[str, ...]


VENDORED = (
    Vendored("reveal.js", "4.6.1",
             "sha512-1CW0auaXNPmwmvQ7TwpszwVxMi2Xr5cTS3J3EBC/HHgbPF32Dn7aiu/LKWDOGjMbaDwKQiGmfqcoGQ74HUHCMw==",
             "reveal.js", ("dist/", "plugin/notes/")),
    Vendored("requirejs", "2.3.7",
             "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
             "requirejs", ("require.js",)),
    Vendored("jquery", "3.7.1",
             "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
             "jquery", ("dist/jquery.min.js",)),
    # MathJax 2: nbconvert's templates configure it with the MathJax 2 API.
    Vendored("mathjax", "2.7.9",
             "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ==",
             "mathjax", ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions/",
                         "jax/input/TeX/", "jax/output/CommonHTML/", "jax/output/PreviewHTML/",
                         "jax/element/", "localization/en/", "fonts/HTML-CSS/TeX/woff/")),
    # The embedded widget manager that ipywidgets 8 (controls 5) views need.
    Vendored("@jupyter-widgets/html-manager", "1.0.15",
             "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
             "html-manager", ("dist/embed-amd.js", "dist/libembed-amd.js", "dist/*.woff2", "dist/*.woff",
                              "dist/*.ttf", "dist/*.eot", "dist/*.svg")),
)

# Where the pages look for each script, relative to the page (the vendor folder sits beside it).
LOCAL_URLS = {
    "reveal_url_prefix": "vendor/reveal.js",
    "require_js_url": "vendor/requirejs/require.js",
    "jquery_url": "vendor/jquery/dist/jquery.min.js",
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": "vendor/html-manager/dist/embed-amd.js",
}

# The offline page templates, on top of nbconvert's 'reveal' and 'lab' ones:
# - its reveal template imports mermaid.js from a CDN on every page, unconditionally; the series
#   has no mermaid diagrams, so that block goes;
# - the widget manager finds its icon fonts (Font Awesome: the Play widget's buttons) beside the
#   AMD modules it defines ("@jupyter-widgets/base", ...), which require.js resolves relative
#   to the page: map those module names onto the vendored dist/ folder.
_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_mermaidjs %}{% endblock %}
""" + DATA_PNG_BLOCK + """
{% block jupyter_widgets %}
{%- if "widgets" in nb.metadata -%}
<script>
require.config({paths: {"@jupyter-widgets": "vendor/html-manager/dist",
                        "@jupyter-widgets/html-manager/dist": "vendor/html-manager/dist"}});
</script>
<style>
/* the embedded manager does not bring JupyterLab's UI font: widgets would fall back to serif */
.jupyter-widgets { font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
</style>
{{ super() }}
{%- endif -%}
{% endblock jupyter_widgets %}
{% block html_head_css %}{{ super() }}
<style>{% raw %}""" + _A11Y_CSS + """{% endraw %}</style>
{% endblock html_head_css %}
{% block footer_js %}{{ super() }}
<script>{% raw %}""" + _A11Y_JS + """{% endraw %}</script>
{% endblock footer_js %}
"""


# Slides only, on top of reveal.js's 'white' theme and the notebook CSS: headings keep their
# case (the theme's capitals would turn dE[idx] into DE[IDX]); figures (sized by _size_figures)
# and the steppers' pictures leave room for a title and a few lines on a 1280x720 slide; a
# figure's "What to notice" caption sits beside it when the figure leaves room, else below it;
# no In/Out prompts (the input is hidden anyway); tighter tables, paragraphs and captions.
SLIDES_CSS = """
.reveal h1, .reveal h2, .reveal h3, .reveal h4 { text-transform: none; }
.reveal .jp-RenderedImage img { max-width: 100%; height: auto; margin: 0; }
.reveal .jp-OutputArea { display: flex; flex-wrap: wrap; align-items: center; column-gap: 24px; }
.reveal .jp-OutputArea-child { display: block; width: auto; flex: 1 1 100%; min-width: 0; }
.reveal .jp-OutputArea-child > .jp-OutputArea-output { display: block; }
.reveal .jp-OutputArea-child:has(> .jp-RenderedImage) { flex: 0 1 auto; }
.reveal .jp-OutputArea-child:has(> .jp-RenderedImage) + .jp-OutputArea-child:has(> .jp-RenderedMarkdown) {
  flex: 1 1 300px; }
.reveal .jp-RenderedHTMLCommon table { font-size: 16px; line-height: 1.25; }
.reveal .jp-RenderedHTMLCommon td, .reveal .jp-RenderedHTMLCommon th { padding: 2px 8px; }
.reveal .bptt-frame svg { max-height: 360px !important; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
.reveal p { margin: 12px 0; }
.reveal .jp-OutputArea-output.jp-RenderedMarkdown p { font-size: 17px; line-height: 1.35; margin: 4px 0; }
"""

# Slides only: nbconvert turns on MathJax's automatic line breaking. Each time a slide is shown
# its formulas are typeset again, and inside a table cell (08's nine equations) line breaking
# then breaks a formula at every operator, one symbol per line: the table grows to twice the
# slide's height. The slides' formulas fit unbroken (tests/test_decks.py measures every slide).
_MATHJAX_CONFIG_END = "<!-- End of mathjax configuration -->"
MATHJAX_NO_LINEBREAKS = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({CommonHTML: {linebreaks: {automatic: false}}});
</script>"""

# Slides only: keys pressed on a widget (a stepper's slider: arrows, Home, End; its Play button:
# space) step the widget; reveal.js would otherwise also take them and change the slide.
SLIDES_JS = """
require(['vendor/reveal.js/dist/reveal.js'], function (Reveal) {
  function onWidget(event) { return !!(event.target.closest && event.target.closest('.jupyter-widgets')); }
  function apply() { Reveal.configure({keyboardCondition: function (event) { return !onWidget(event); }}); }
  if (Reveal.isReady()) apply(); else Reveal.on('ready', apply);
});
"""


# ---------------------------------------------------------------- vendored scripts

def _npm_pack(pkg: Vendored, cache: Path) -> Path:
    """The package's tarball in ``cache`` (``npm pack`` on first use), checked against its sha512."""
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / f"{pkg.folder}-{pkg.version}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed once to fetch the offline copies of reveal.js, "
                               "MathJax, ...: install Node.js/npm (Debian: apt-get install npm)")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            result = subprocess.run([npm, "pack", f"{pkg.name}@{pkg.version}", "--silent",
                                     "--pack-destination", tmp],
                                    capture_output=True, text=True, timeout=300, check=False)
            packed = list(Path(tmp).glob("*.tgz"))
            if result.returncode != 0 or len(packed) != 1:
                raise RuntimeError(f"npm pack {pkg.name}@{pkg.version} failed:\n{result.stderr}")
            _check_integrity(packed[0], pkg)
            os.replace(packed[0], tgz)  # atomic: parallel builds never see half a file
    _check_integrity(tgz, pkg)
    return tgz


def _check_integrity(tgz: Path, pkg: Vendored) -> None:
    algo, _, expected = pkg.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if digest != expected:
        raise RuntimeError(f"{tgz} does not match the registry's {algo} for {pkg.name}@{pkg.version}")


def _kept(rel: str, keep: tuple[str, ...]) -> bool:
    from fnmatch import fnmatch

    if rel.endswith(".map"):
        return False
    return any(rel == k or (k.endswith("/") and rel.startswith(k)) or ("*" in k and fnmatch(rel, k))
               for k in keep)


def fetch_vendor(dest: Path, cache: Path = NPM_CACHE) -> Path:
    """Copy the offline scripts into ``dest`` (one folder per package); return ``dest``."""
    dest = Path(dest)
    for pkg in VENDORED:
        target = dest / pkg.folder
        stamp = target / ".vendored"
        if stamp.exists() and stamp.read_text() == f"{pkg.name}@{pkg.version}":
            continue
        tgz = _npm_pack(pkg, Path(cache))
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tgz, "r:gz") as tar:
            for member in tar.getmembers():
                rel = member.name.split("/", 1)[1] if "/" in member.name else ""
                if not member.isfile() or ".." in Path(rel).parts or not _kept(rel, pkg.keep):
                    continue
                out = target / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src:
                    out.write_bytes(src.read())
        stamp.write_text(f"{pkg.name}@{pkg.version}")
    return dest


# ---------------------------------------------------------------- export

def notebook_title(nb) -> str:
    """The text of the notebook's first markdown heading (its name if it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return nb.metadata.get("title", "")


def _exporter(kind: str):
    import jinja2
    from nbconvert import HTMLExporter, SlidesExporter

    cls = {"slides": SlidesExporter, "html": HTMLExporter}[kind]
    loader = jinja2.DictLoader({"bptt_offline.j2": _OFFLINE_TEMPLATE})
    exporter = cls(extra_loaders=[loader], template_file="bptt_offline.j2")
    for name, url in LOCAL_URLS.items():
        if name == "reveal_url_prefix" and kind != "slides":
            continue
        setattr(exporter, name, url)
    if kind == "slides":
        exporter.reveal_scroll = True  # a slide that would still not fit scrolls instead of being cut off
        exporter.reveal_width, exporter.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
        exporter.reveal_theme = "white"  # its fonts ship with reveal.js ('simple' loads Google Fonts)
    return exporter


def export(kind: str, out: Path, notebooks: list[Path] | None = None,
           cache: Path = NPM_CACHE) -> list[Path]:
    """Write one page per notebook (``kind`` 'slides' or 'html'), the vendor folder and index.html."""
    import nbformat

    if kind not in ("slides", "html"):
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    notebooks = series_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    if not notebooks:
        raise ValueError("notebooks: no NN_slug.ipynb notebook to export")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fetch_vendor(out / "vendor", cache)
    exporter = _exporter(kind)
    pages = []
    entries = []
    for path in notebooks:
        nb = view_for(nbformat.read(path, as_version=4), kind)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        body = link_pages(body, exporter.file_extension)
        if kind == "slides":
            body = body.replace("</head>", f"<style>{SLIDES_CSS}</style>\n</head>", 1)
            body = body.replace("</body>", f"<script>{SLIDES_JS}</script>\n</body>", 1)
            if _MATHJAX_CONFIG_END not in body:
                raise RuntimeError("nbconvert's slides template no longer marks its MathJax configuration")
            body = body.replace(_MATHJAX_CONFIG_END, f"{MATHJAX_NO_LINEBREAKS}\n{_MATHJAX_CONFIG_END}", 1)
        page = out / f"{path.stem}{exporter.file_extension}"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        sections = slide_titles(body) if kind == "slides" else []
        entries.append((page.name, path.stem, notebook_title(nb), sections))
    (out / "index.html").write_text(index_page(kind, entries), encoding="utf-8")
    return pages


def view_for(nb, kind: str):
    """What of a stored notebook a page shows (a changed copy; the notebook is left alone).

    Speaker notes (markdown cells of slide type ``notes``) are for the lecturer: the slides
    carry them (reveal.js's speaker view, key S), the static HTML for students does not.
    """
    import copy

    nb = copy.deepcopy(nb)
    if kind == "html":
        nb.cells = [c for c in nb.cells if slide_type(c) != "notes"]
    elif kind == "slides":
        nb.cells = slide_cells(nb.cells)
    return nb


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type") or "-"


def shows_code(cell) -> bool:
    """A code cell whose input the slides show: tagged ``slide-code`` (the code is the lesson)."""
    return SHOW_CODE_TAG in cell.metadata.get("tags", [])


def figure_only(cell) -> bool:
    """A code cell of which the slides show only the figures: tagged ``slide-figure-only``."""
    return FIGURE_ONLY_TAG in cell.metadata.get("tags", [])


_LISTING_START = re.compile(r"^(def |class |async def |@|# ---- )")
_LISTING_GOES_ON = re.compile(r"^(\s|\)|$)")


def without_listings(text: str) -> str:
    """Printed text with the source listings (``print(getsource(f))``) taken out.

    A listing starts at a line ``def``/``class``/a decorator/``# ---- module.name`` and goes on
    over indented and blank lines (and a signature's closing ``)``), as Python source does.
    """
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        if _LISTING_START.match(line) or (inside and _LISTING_GOES_ON.match(line)):
            inside = True
            continue
        inside = False
        kept.append(line)
    return "".join(kept)


def _drop_listings(cell) -> None:
    outputs = []
    for out in cell.outputs:
        if out.get("output_type") == "stream":
            if figure_only(cell):
                continue
            out["text"] = without_listings("".join(out["text"]))
            if not out["text"].strip():
                continue
        outputs.append(out)
    cell.outputs = outputs


# On a slide a figure is at most this tall (CSS px); beside a narrow one its caption takes the
# width left over (SLIDES_CSS), below a wide one the full width.
FIGURE_MAX_HEIGHT, FIGURE_MAX_WIDTH = 360, 1180


def png_size(data: str) -> tuple[int, int]:
    """(width, height) in pixels of a base64 PNG, read from its IHDR chunk."""
    head = base64.b64decode(data[:44])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("image/png output is not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _size_figures(cell) -> None:
    """Give every figure the size it has on a slide: its own aspect ratio, at most
    FIGURE_MAX_WIDTH x FIGURE_MAX_HEIGHT, never enlarged. (Laid out from its width and height,
    a figure lets its caption sit beside it when there is room.)"""
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("image/png")
        if not data:
            continue
        width, height = png_size(data if isinstance(data, str) else "".join(data))
        scale = min(1.0, FIGURE_MAX_HEIGHT / height, FIGURE_MAX_WIDTH / width)
        meta = out.setdefault("metadata", {}).setdefault("image/png", {})
        meta["width"], meta["height"] = round(width * scale), round(height * scale)


LISTING_NOTE = "*(the code: in the notebook)*"


def _point_to_listing(cell) -> None:
    """A markdown cell ending in ':' before a listing the slide leaves out says where it is."""
    text = cell.source.rstrip()
    if text.endswith(":") and not text.endswith(LISTING_NOTE):
        cell.source = f"{text} {LISTING_NOTE}"


def slide_cells(cells: list) -> list:
    """The cells as the slides show them: code input hidden and source listings taken out of
    the printed output, unless the cell is tagged ``slide-code`` (there the code is the lesson:
    its input shows, and so does any listing it prints). A cell tagged ``slide-figure-only``
    shows its figures and their captions, not its printed lines.

    A code cell with nothing left to show is left out; if it opened a slide or a sub-slide,
    the next cell shown opens it instead. When what was left out is a listing that the markdown
    just before announces ("... the package computes it:"), the slide says where it is.
    """
    out, opens = [], None
    for cell in cells:
        kind = slide_type(cell)
        if cell.cell_type == "code" and not shows_code(cell) and kind != "skip":
            cell.metadata.setdefault("transient", {})["remove_source"] = True
            printed = bool(cell.outputs)
            _drop_listings(cell)
            if not cell.outputs:
                if printed and out and out[-1].cell_type == "markdown":
                    _point_to_listing(out[-1])
                if kind in ("slide", "subslide") and opens != "slide":
                    opens = kind
                continue
        if cell.cell_type == "code":
            _size_figures(cell)
        if opens and kind not in ("skip", "notes"):
            if kind not in ("slide", "subslide") or opens == "slide":
                cell.metadata.setdefault("slideshow", {})["slide_type"] = opens
            opens = None
        out.append(cell)
    return out


_NOTEBOOK_LINK = re.compile(r'href="(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def link_pages(body: str, extension: str) -> str:
    """Links between notebooks (``href="04_x.ipynb#anchor"``) pointed at the exported pages
    (``04_x.html#anchor``): the folder holds pages, not notebooks."""
    return _NOTEBOOK_LINK.sub(lambda m: f'href="{m.group(1)}{extension}{m.group(2) or ""}"', body)


def index_page(kind: str, entries: list[tuple[str, str, str, list[str]]]) -> str:
    """A plain page linking every notebook's page (and, for slides, listing its sections).

    Titles keep their TeX (``$\\tau$``); the page typesets it with the vendored MathJax, as
    the notebooks' pages do, so no ``$`` shows.
    """
    from bptt_helpers import style

    what = "Slides" if kind == "slides" else "Notebooks (static HTML)"
    items = []
    for href, stem, title, sections in entries:
        title = title or stem
        label = title if title.startswith(stem[:2]) else f"{stem[:2]} · {title}"
        sub = "".join(f"<li>{html.escape(s)}</li>" for s in sections if s != title)
        items.append(f'<li><a href="{html.escape(href)}">{html.escape(label)}</a>'
                     + (f"<ol>{sub}</ol>" if sub else "") + "</li>")
    hint = ("Arrow keys move between sections (→) and steps (↓); <kbd>S</kbd> opens the speaker "
            "view; <kbd>F</kbd> full screen. Widgets show their stored last view; for live widgets "
            "run <code>make present NB=04</code>." if kind == "slides" else
            "Each page shows the notebook as stored, with the last view of every widget. "
            "For live widgets open the notebook in JupyterLab (<code>make lab</code>).")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(SERIES_TITLE)} · {what}</title>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [['$', '$']], processEscapes: true}},
                    messageStyle: 'none'}});
</script>
<script src="{LOCAL_URLS['mathjax_url']}"></script>
<style>
body {{ font-family: sans-serif; font-size: {style.FONT_SIZE + 4}px; max-width: 50em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; }}
h1 {{ color: {style.FORWARD}; }}
a {{ color: {style.FORWARD}; text-decoration: underline; }}
a:focus-visible {{ outline: 3px solid {style.FORWARD}; outline-offset: 2px; }}
ul.bptt-index {{ list-style: none; padding-left: 0; }}
ol {{ font-size: 80%; color: {INDEX_GREY}; }}
kbd, code {{ background: #f2f2f2; padding: 0 .25em; border-radius: 3px; }}
</style>
</head>
<body>
<h1>{html.escape(SERIES_TITLE)}</h1>
<p>{what}. {hint}</p>
<ul class="bptt-index">
{chr(10).join(items)}
</ul>
</body>
</html>
"""


# ---------------------------------------------------------------- checks (used by the tests)

class _Outline(HTMLParser):
    """Top-level reveal sections inside ``div.slides``: their subslide count and first heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = []
        self.scripts: list[str] = []
        self._depth = 0          # <section> nesting depth
        self._heading = None     # text collected for the first heading of the current section
        self._skip = 0           # inside an anchor link (the ¶ after a heading)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.scripts.append(attrs["href"])
        if tag == "section":
            self._depth += 1
            if self._depth == 1:
                self.sections.append({"title": "", "subslides": 0})
            elif self._depth == 2:
                self.sections[-1]["subslides"] += 1
        elif tag in ("h1", "h2", "h3") and self.sections and not self.sections[-1]["title"]:
            self._heading = []
        elif tag == "a" and "anchor-link" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self._depth -= 1
        elif tag == "a" and self._skip:
            self._skip -= 1
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.sections[-1]["title"] = " ".join("".join(self._heading).split())
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None and not self._skip:
            self._heading.append(data)


def slide_outline(page: str) -> list[dict]:
    """[{'title': first heading, 'subslides': n}] per top-level reveal section of a slides page."""
    parser = _Outline()
    parser.feed(page)
    return parser.sections


def slide_titles(page: str) -> list[str]:
    return [s["title"] for s in slide_outline(page)]


def loaded_urls(page: str) -> list[str]:
    """Every script and stylesheet a page loads: tags, JS module imports, require() and the widget manager."""
    parser = _Outline()
    parser.feed(page)
    urls = list(parser.scripts)
    urls += re.findall(r"import\s+\w+\s+from\s+'([^']+)'", page)
    urls += re.findall(r"widgetRendererSrc\s*=\s*'([^']+)'", page)
    for block in re.findall(r"require\(\s*\{[^}]*\}\s*,\s*\[([^\]]*)\]", page):
        urls += re.findall(r'"([^"]+)"', block)
    return urls


def is_remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE))


def missing_local_files(page_path: Path) -> list[str]:
    """Local URLs loaded by a page whose file does not exist next to it (require() adds no .js)."""
    page_path = Path(page_path)
    missing = []
    for url in loaded_urls(page_path.read_text(encoding="utf-8")):
        if is_remote(url) or url.startswith("data:"):
            continue
        target = page_path.parent / url.split("?", 1)[0]
        if not target.exists():
            missing.append(url)
    return missing


def offline_problems(page_path: Path, needed: tuple[str, ...] = ()) -> list[str]:
    """Why a built page would not work without network ([] when it would).

    Any script or stylesheet it loads from the network, any of ``needed`` (substrings such as
    ``"MathJax.js"``) it does not load at all, and any local file it loads that is not shipped.
    """
    page_path = Path(page_path)
    urls = loaded_urls(page_path.read_text(encoding="utf-8"))
    problems = [f"loads from the network: {u}" for u in urls if is_remote(u)]
    problems += [f"does not load {n}" for n in needed if not any(n in u for u in urls)]
    problems += [f"loads {u}, which is not shipped in vendor/" for u in missing_local_files(page_path)]
    return problems


# ---------------------------------------------------------------- present

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lecture", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for kind in ("slides", "html"):
        p = sub.add_parser(kind, help=f"export every notebook as {kind} into OUT")
        p.add_argument("out", type=Path)
        p.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    p = sub.add_parser("present", help="serve one notebook live through Voilà")
    p.add_argument("nb", help="notebook number, e.g. 04")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--ip", default="127.0.0.1", help="0.0.0.0 to reach it from another machine")
    args = parser.parse_args(argv)
    if args.command == "present":
        try:
            path = find_notebook(args.nb)
        except ValueError as err:
            parser.error(str(err))
        print(f"Presenting {path.name}: open http://{args.ip if args.ip != '0.0.0.0' else 'localhost'}"
              f":{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
        return subprocess.call(voila_command(path, args.port, args.ip))
    pages = export(args.command, args.out, args.notebooks or None)
    print(f"{len(pages)} pages and index.html in {args.out}/ (offline: vendor/ beside them)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
