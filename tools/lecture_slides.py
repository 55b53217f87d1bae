"""Building slides: what a reveal.js deck of the series adds to nbconvert's slides page.

The reveal.js settings (a 1280x720 slide, the 'white' theme, scrolling), the deck's CSS and
script, MathJax without automatic line breaks, and the outline of a built deck (its sections
and their first headings: the index page lists them, the tests check them).
"""

from __future__ import annotations

from html.parser import HTMLParser

from tools.lecture_html import html_exporter
from tools.lecture_vendor import LOCAL_URLS

# reveal.js lays every slide out at this size (CSS px) and scales it to the screen: a 16:9
# projector at 1280x720 shows it 1:1. tests/test_decks.py measures every slide against it.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

# Slides only, on top of reveal.js's 'white' theme and the notebook CSS: headings keep their
# case (the theme's capitals would turn dE[idx] into DE[IDX]); figures (sized by lecture_view._size_figures)
# leave room for a title and a few lines on a 1280x720 slide (the steppers size themselves:
# tools/lecture_steppers.py); a
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
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
.reveal p { margin: 12px 0; }
/* the navigation arrows in one column in the slide's right margin (Reveal margin 0.06: 38 px at
   1280x720), where no slide content reaches: they never cover text or pictures */
.reveal .controls { right: 8px; bottom: 8px; font-size: 6px; }
.reveal .controls .navigate-up { right: 0; bottom: 10.8em; transform: none; }
.reveal .controls .navigate-left { right: 0; bottom: 7.2em; transform: none; }
.reveal .controls .navigate-right { right: 0; bottom: 3.6em; transform: none; }
.reveal .controls .navigate-down { right: 0; bottom: 0; padding-bottom: 0; transform: none; }
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
  function apply() {
    // margin 0.06: a band right of the slide for the navigation arrows (SLIDES_CSS)
    // (and no bouncing "tutorial" arrows: they would leave their column)
    Reveal.configure({margin: 0.06, controlsTutorial: false,
                      keyboardCondition: function (event) { return !onWidget(event); }});
  }
  if (Reveal.isReady()) apply(); else Reveal.on('ready', apply);
});
"""

# Slides only: reveal.js's speaker view (key S) shows each slide's notes as the HTML of its
# <aside class="notes"> after MathJax has typeset it, in a window without MathJax's style sheet:
# every formula would show twice, MathJax's drawing unstyled ("t=τ") and the MathML copy it keeps
# for screen readers ("t = τ"), which the browser draws. In that window MathJax's drawing is
# hidden and the MathML shows, once. The rule rides in each aside (a <style> there applies to the
# whole page) and matches only inside the speaker view's notes panel.
_NOTES_ASIDE = '<aside class="notes">'

# Slides only: on every slide change nbconvert's page calls MathJax.Hub.Rerender on the new slide
# at once, even while MathJax is still typesetting the deck (it does that for seconds after the
# deck opens). The two then draw the same formula twice, side by side: "Upcoming" in the speaker
# view (a second copy of the deck, moved to the next slide as soon as it loads) showed it, and so
# does a deck paged through quickly after opening. Queued, the re-rendering waits its turn.
_RERENDER_AT_ONCE = "MathJax.Hub.Rerender(Reveal.getCurrentSlide());"
RERENDER_QUEUED = 'MathJax.Hub.Queue(["Rerender", MathJax.Hub, Reveal.getCurrentSlide()]);'
SPEAKER_NOTES_CSS = ".speaker-controls-notes .mjx-chtml > .mjx-math { display: none; }"


def slides_exporter():
    """nbconvert's SlidesExporter with the series' offline template and reveal.js settings."""
    from nbconvert import SlidesExporter

    exporter = html_exporter(SlidesExporter)
    exporter.reveal_url_prefix = LOCAL_URLS["reveal_url_prefix"]
    exporter.reveal_scroll = True  # a slide that would still not fit scrolls instead of being cut off
    exporter.reveal_width, exporter.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
    exporter.reveal_theme = "white"  # its fonts ship with reveal.js ('simple' loads Google Fonts)
    return exporter


def finish_deck(body: str) -> str:
    """A slides page with the deck's CSS and script, MathJax's line breaking off and its
    re-rendering queued, and the speaker notes' formulas shown once in the speaker view."""
    body = body.replace("</head>", f"<style>{SLIDES_CSS}</style>\n</head>", 1)
    body = body.replace("</body>", f"<script>{SLIDES_JS}</script>\n</body>", 1)
    body = body.replace(_NOTES_ASIDE, f"{_NOTES_ASIDE}<style>{SPEAKER_NOTES_CSS}</style>")
    if _RERENDER_AT_ONCE not in body:
        raise RuntimeError("nbconvert's slides template no longer re-renders MathJax on slide changes")
    body = body.replace(_RERENDER_AT_ONCE, RERENDER_QUEUED)
    if _MATHJAX_CONFIG_END not in body:
        raise RuntimeError("nbconvert's slides template no longer marks its MathJax configuration")
    return body.replace(_MATHJAX_CONFIG_END, f"{MATHJAX_NO_LINEBREAKS}\n{_MATHJAX_CONFIG_END}", 1)


# ---------------------------------------------------------------- outline of a built deck

class _Outline(HTMLParser):
    """Top-level reveal sections inside ``div.slides``: their subslide count and first heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = []
        self._depth = 0          # <section> nesting depth
        self._heading = None     # text collected for the first heading of the current section
        self._skip = 0           # inside an anchor link (the ¶ after a heading)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
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

