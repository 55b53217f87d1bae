"""Lecture material built from the stored notebooks: offline slides, static HTML, a live view.

    python -m tools.lecture slides build/slides   # NN_x.slides.html per notebook + index.html
    python -m tools.lecture html build/html       # NN_x.html per notebook + index.html
    python -m tools.lecture present 04            # notebook 04 live (widgets work) via Voilà

Nothing is executed: the pages show the outputs stored in the notebooks, and the stored widget
state draws the widgets. A stepper (10's truncation explorer included) stores every frame and
steps in the page with no kernel; the two widgets the kernel draws as it computes (08's
training curve, 09's vanishing explorer) show their stored view (``present`` runs them live).
A notebook whose widget views its saved state cannot draw is refused with what to do
(:func:`tools.lecture_view.check_widget_state`).

This file is the command line and the loop over the notebooks; the parts live beside it:
tools/lecture_view.py (what of a notebook each page shows), tools/lecture_html.py (the page
template and the index page), tools/lecture_slides.py (what a reveal.js deck adds),
tools/lecture_vendor.py (the offline copies of reveal.js, MathJax, ... and the offline checks),
tools/present.py (Voilà). Their public names are importable from here too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tools.lecture_html import INDEX_GREY, SERIES_TITLE, html_exporter, index_page, link_pages, notebook_title  # noqa: F401
from tools.lecture_slides import (  # noqa: F401
    MATHJAX_NO_LINEBREAKS,
    RERENDER_QUEUED,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    SLIDES_CSS,
    SLIDES_JS,
    SPEAKER_NOTES_CSS,
    finish_deck,
    slide_outline,
    slide_titles,
    slides_exporter,
)
from tools.lecture_steppers import static_widgets
from tools.lecture_vendor import (  # noqa: F401
    LOCAL_URLS,
    NPM_CACHE,
    VENDORED,
    Vendored,
    _npm_pack,
    fetch_vendor,
    is_remote,
    loaded_urls,
    missing_local_files,
    offline_problems,
)
from tools.lecture_view import (  # noqa: F401
    FIGURE_MAX_HEIGHT,
    FIGURE_MAX_WIDTH,
    FIGURE_ONLY_TAG,
    LISTING_NOTE,
    SHOW_CODE_TAG,
    WIDGET_VIEW,
    WidgetStateError,
    check_widget_state,
    figure_only,
    is_speaker_notes,
    live_view,
    png_size,
    shows_code,
    slide_cells,
    slide_type,
    view_for,
    voila_prelaunch_hook,
    widget_state_problems,
    without_listings,
)
from tools.present import find_notebook, series_notebooks, voila_command  # noqa: F401 (re-exported)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def _shown_path(path: Path) -> str:
    """``path`` as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def export(kind: str, out: Path, notebooks: list[Path] | None = None,
           cache: Path = NPM_CACHE) -> list[Path]:
    """Write one page per notebook (``kind`` 'slides' or 'html'), the vendor folder and index.html.

    Raises :class:`~tools.lecture_view.WidgetStateError` (and writes nothing) when a notebook
    displays a widget that its saved widget state cannot draw."""
    import nbformat

    if kind not in ("slides", "html"):
        raise ValueError(f"kind must be 'slides' or 'html', got {kind!r}")
    notebooks = series_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    if not notebooks:
        raise ValueError("notebooks: no NN_slug.ipynb notebook to export")
    stored = {path: nbformat.read(path, as_version=4) for path in notebooks}
    for path, nb in stored.items():  # before anything is written: a broken widget view stops the build
        check_widget_state(nb, _shown_path(path))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fetch_vendor(out / "vendor", cache)
    exporter = slides_exporter() if kind == "slides" else html_exporter()
    pages = []
    entries = []
    for path, nb in stored.items():
        nb = view_for(nb, kind)
        static_widgets(nb)   # steppers stepped by a page script, no widget manager (lecture_steppers)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        body = link_pages(body, exporter.file_extension)
        if kind == "slides":
            body = finish_deck(body)
        page = out / f"{path.stem}{exporter.file_extension}"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
        sections = slide_titles(body) if kind == "slides" else []
        entries.append((page.name, path.stem, notebook_title(nb), sections))
    (out / "index.html").write_text(index_page(kind, entries), encoding="utf-8")
    return pages


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
    try:
        pages = export(args.command, args.out, args.notebooks or None)
    except WidgetStateError as err:
        print(f"make {args.command}: {err}", file=sys.stderr)
        return 2
    print(f"{len(pages)} pages and index.html in {args.out}/ (offline: vendor/ beside them)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
