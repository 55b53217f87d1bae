"""What every exported page (static HTML, slides, Voilà) adds for accessibility: CSS and a script."""

# Accessibility (WCAG 2.1 AA, checked with axe-core by tests/test_accessibility.py), added to every
# page after nbconvert's and JupyterLab's style sheets:
# - every text at 4.5:1 or more: the prompts (JupyterLab draws them at half opacity), the syntax
#   colours of code cells (the same hues, darkened to >= 5:1 on the cell background), ANSI colours;
# - links underlined, not told apart by colour alone;
# - a markdown word coloured inline (00's legend: <span style="color:#f4a259">**orange**</span>) is
#   written in the text colour after a swatch of its colour: the swatch shows the colour, the
#   word stays readable (MathJax's own spans have a class: left alone);
# - a visible keyboard focus on everything focusable (the JupyterLab CSS removes many outlines).
A11Y_CSS = """
:root {
  --jp-cell-prompt-not-active-opacity: 1;
  --jp-cell-prompt-not-active-font-color: #5c5c5c;
  --jp-cell-inprompt-font-color: #2869a0;
  --jp-cell-outprompt-font-color: #a24d34;
  --jp-mirror-editor-keyword-color: #007800;
  --jp-mirror-editor-atom-color: #4848ff;
  --jp-mirror-editor-number-color: #007600;
  --jp-mirror-editor-operator-color: #9700f6;
  --jp-mirror-editor-meta-color: #9700f6;
  --jp-mirror-editor-comment-color: #386f6f;
  --jp-mirror-editor-builtin-color: #007800;
  --jp-mirror-editor-bracket-color: #68684e;
  --jp-mirror-editor-quote-color: #007800;
  --jp-mirror-editor-error-color: #cf0000;
  --jp-content-font-color2: #545454;
  --jp-content-font-color3: #5c5c5c;
  --jp-ui-font-color2: #545454;
  --jp-ui-font-color3: #5c5c5c;
}
body.jp-Notebook .jp-RenderedText pre .ansi-red-fg { color: #c00000; }
body.jp-Notebook .jp-RenderedText pre .ansi-green-fg { color: #007400; }
body.jp-Notebook .jp-RenderedText pre .ansi-yellow-fg { color: #7a5c00; }
body.jp-Notebook .jp-RenderedText pre .ansi-blue-fg { color: #1d5fa0; }
body.jp-Notebook .jp-RenderedText pre .ansi-magenta-fg { color: #9c2c9c; }
body.jp-Notebook .jp-RenderedText pre .ansi-cyan-fg { color: #006c7a; }
body.jp-Notebook .jp-RenderedHTMLCommon a, body.jp-Notebook .jp-RenderedHTMLCommon a:link,
body.jp-Notebook .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
body.jp-Notebook .jp-RenderedMarkdown span[style^="color"]:not([class]) > * {
  color: var(--jp-content-font-color1); }
body.jp-Notebook .jp-RenderedMarkdown span[style^="color"]:not([class])::before {
  content: ""; display: inline-block; width: .8em; height: .8em; margin-right: .25em;
  vertical-align: -.05em; border-radius: 2px; background: currentColor; }
body.jp-Notebook :focus-visible { outline: 3px solid #1d68a9 !important; outline-offset: 2px; }
/* widget boxes clip what sticks out of them: draw their controls' focus ring inside */
body.jp-Notebook .jupyter-widgets button:focus-visible { outline-offset: -3px; }
"""

# Names for the controls the embedded widget manager draws without one: the Play widget's
# buttons (only an icon: named after it) and the sliders' handles (named after the slider's
# description). Only ipywidgets' own classes are relied on; a MutationObserver names them as
# soon as they are drawn, and renames the play/pause button when its icon changes.
A11Y_JS = """
(function () {
  var ICONS = {'fa-play': 'Play', 'fa-pause': 'Pause', 'fa-stop': 'Stop', 'fa-retweet': 'Repeat',
               'fa-repeat': 'Repeat'};
  function set(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
  function nameControls() {
    document.querySelectorAll('.widget-play button').forEach(function (button) {
      var icon = button.querySelector('i, .fa'), name = null;
      if (!icon) return;
      set(icon, 'aria-hidden', 'true');
      Object.keys(ICONS).forEach(function (cls) { if (icon.classList.contains(cls)) name = ICONS[cls]; });
      if (!name) return;
      set(button, 'aria-label', name);
      set(button, 'title', name);
      if (name === 'Repeat') set(button, 'aria-pressed', String(button.classList.contains('mod-active')));
    });
    document.querySelectorAll('.noUi-handle').forEach(function (handle) {
      var slider = handle.closest('.widget-slider, .widget-hslider, .widget-vslider');
      var label = slider && slider.querySelector('.widget-label');
      var name = (label && label.textContent.trim()) || 'Slider';
      if (slider && slider.querySelectorAll('.noUi-handle').length > 1)
        name += handle.classList.contains('noUi-handle-upper') ? ' (upper)' : ' (lower)';
      set(handle, 'aria-label', name);
    });
  }
  nameControls();
  new MutationObserver(nameControls).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
})();
"""

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
