"""What every page of the series (static HTML, slides, Voilà) adds for accessibility: CSS and a script.

The CSS and the script are two files of the series' Voilà template,
tools/voila_template/voila/templates/bptt/static/ (a11y.css, a11y.js): Voilà links them from
there (`make present`), and the static pages and slides (tools/lecture_html.py) inline these same
texts, read here. One copy of each, whichever view shows them.
"""

from pathlib import Path

# Voilà finds its templates in <each JUPYTER_PATH entry>/voila/templates/<name>: tools/present.py
# puts VOILA_ROOT first on JUPYTER_PATH and selects the template VOILA_TEMPLATE.
VOILA_ROOT = Path(__file__).resolve().parent / "voila_template"
VOILA_TEMPLATE = "bptt"
_STATIC = VOILA_ROOT / "voila" / "templates" / VOILA_TEMPLATE / "static"

# a11y.css (WCAG 2.1 AA, checked with axe-core by tests/test_accessibility.py), added after
# nbconvert's and JupyterLab's style sheets:
# - every text at 4.5:1 or more: the prompts (JupyterLab draws them at half opacity), the syntax
#   colours of code cells (the same hues, darkened to >= 5:1 on the cell background), ANSI colours;
# - links underlined, not told apart by colour alone;
# - a markdown word coloured inline (00's legend: <span style="color:#f4a259">**orange**</span>) is
#   written in the text colour after a swatch of its colour: the swatch shows the colour, the
#   word stays readable (MathJax's own spans have a class: left alone);
# - a visible keyboard focus on everything focusable (the JupyterLab CSS removes many outlines);
# - the steppers' announcers (below) are read, not drawn.
A11Y_CSS = "\n" + (_STATIC / "a11y.css").read_text(encoding="utf-8")

# a11y.js, run on every page (a MutationObserver repeats it whenever widgets draw or change):
# - names for the controls the widget manager draws without one: the Play widget's buttons (only
#   an icon: named after it) and the sliders' handles (named after the slider's description);
#   only ipywidgets' own classes are relied on;
# - Voilà: copies each figure's text alternative onto its <img> (see the template's data_priority);
# - one polite live region (role="status") per stepper (.bptt-stepper), filled with the new
#   frame's first readout line whenever the frame on show changes.
A11Y_JS = "\n" + (_STATIC / "a11y.js").read_text(encoding="utf-8")

# A figure's text alternative: the package stores it with the figure's PNG, in the output's
# metadata (``output.metadata["image/png"]["alt"]``, see bptt_helpers); this template block (for
# nbconvert's and Voilà's 'lab' templates) writes it as the image's alt. nbconvert would otherwise
# write "No description has been provided for this image".
DATA_PNG_BLOCK = """
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{%- set alt = output | get_metadata('alt', 'image/png') -%}
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- if alt %} alt="{{ alt | escape_html }}"{% endif %}
{%- set width = output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width={{ width | escape_html }}{% endif %}
{%- set height = output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height={{ height | escape_html }}{% endif %}
>
</div>
{%- endblock data_png %}
"""
