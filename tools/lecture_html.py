"""Building HTML: the series' offline page template on nbconvert's, the index page, links between pages.

Every page (static HTML and slides) is nbconvert's 'lab' page through the template below: the
vendored scripts instead of CDNs (tools/lecture_vendor.py), the figures' text alternatives, the
accessibility CSS and script (tools/page_a11y.py).
"""

from __future__ import annotations

import html
import re

from tools.lecture_vendor import LOCAL_URLS
from tools.page_a11y import A11Y_CSS as _A11Y_CSS
from tools.page_a11y import A11Y_JS as _A11Y_JS
from tools.page_a11y import DATA_PNG_BLOCK

SERIES_TITLE = "Backpropagation Through Time, equation by equation"
# The index lists each deck's sections in a grey that still reads at 7:1 on white (style.NEUTRAL, 3.4:1, is
# for lines in figures, not for text).
INDEX_GREY = "#595959"

# The offline page template, on top of nbconvert's 'reveal' and 'lab' ones:
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


def notebook_title(nb) -> str:
    """The text of the notebook's first markdown heading (its name if it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return nb.metadata.get("title", "")


def html_exporter(cls=None):
    """An nbconvert exporter (default HTMLExporter) with the offline template and local script URLs."""
    import jinja2
    from nbconvert import HTMLExporter

    loader = jinja2.DictLoader({"bptt_offline.j2": _OFFLINE_TEMPLATE})
    exporter = (cls or HTMLExporter)(extra_loaders=[loader], template_file="bptt_offline.j2")
    for name, url in LOCAL_URLS.items():
        if name != "reveal_url_prefix":
            setattr(exporter, name, url)
    return exporter


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
    widgets = ("The steppers step with no kernel, every frame stored: click a slider (or Tab to it), then "
               "the arrow keys, <kbd>Home</kbd>/<kbd>End</kbd> or Play; 10's truncation explorer is one "
               "of them. The two widgets the kernel draws as it computes, 08's training curve and "
               "09's vanishing explorer, show the view stored with the notebook: to run them live, "
               "use <code>make present NB=08</code> (or <code>NB=09</code>) or JupyterLab "
               "(<code>make lab</code>).")
    hint = ("Arrow keys move between sections (→) and steps (↓); keys on a widget move the widget; "
            "<kbd>S</kbd> opens the speaker view (with the speaker notes); <kbd>F</kbd> full screen. "
            + widgets if kind == "slides" else
            "Each page shows the notebook as stored, without its speaker notes. " + widgets)
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

