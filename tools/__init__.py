"""The tools that build the course, run by the Makefile; students never import them.

- ``python -m tools.notebook_tools execute notebooks/NN_x.ipynb``: re-execute a notebook in a
  fresh kernel and store it byte-stable (``make notebooks``);
- ``python -m tools.student workspace``: the student edition, never over a student's work (``make student``);
- ``python -m tools.lecture slides|html|present``: offline slides, static HTML, a live Voilà
  view (``make slides``, ``make html``, ``make present``);
- ``python -m tools.nbgrader_course course|roundtrip``: the series as an nbgrader course, and
  the release/autograde round trip that CI runs (``make nbgrader-course``, ``make test-nbgrader``).

They import ``bptt_helpers`` (its style); ``bptt_helpers`` never imports them.
"""
