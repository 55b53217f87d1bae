# bptt-notebooks: `make lab` to learn, `make test` to check everything.
# Both create .venv on first use; they need only python3 (>= 3.10) and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# JupyterLab refuses to run as root without --allow-root (CI and these machines are root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Two pytest workers on two cores: one BLAS thread each, or they fight over the cores
# (multi-threaded OpenBLAS on small matrices under load was measured 4-15x slower).
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PYTEST_NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: lab test lint unit notebooks student bench clean venv slides html present

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb --notebook-dir=. $(ROOT_FLAG)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Unit tests and nbval over every notebook; pytest's exit 5 ("no tests collected") is not a failure.
test: lint
	$(ONE_THREAD) $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_NBVAL) -ra tests notebooks; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

unit: $(STAMP)
	$(ONE_THREAD) $(PY) -m pytest -n 2 --dist loadfile -ra tests

# Re-execute every notebook in a fresh kernel and store it byte-stable (after editing one).
notebooks: $(STAMP)
	$(ONE_THREAD) $(PY) -m bptt_helpers.notebook_tools execute notebooks/[0-9][0-9]_*.ipynb

# The student edition: solutions replaced by NotImplementedError placeholders.
student: $(STAMP)
	$(PY) -m bptt_helpers.student build/student

# Lectures (LECTURES.md). Offline reveal.js slides / static HTML of every notebook, each folder
# with an index.html and its own vendor/ copy of reveal.js, MathJax, ... (fetched once with npm).
slides: $(STAMP)
	$(PY) -m bptt_helpers.lecture slides build/slides

html: $(STAMP)
	$(PY) -m bptt_helpers.lecture html build/html

# Live, code-free view of one notebook with working widgets (Voilà): make present NB=04 [PORT=8866]
PORT ?= 8866
present: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make present NB=04 [PORT=8866]"; exit 2; }
	test -x $(VENV)/bin/voila || $(PY) -m pip install --quiet -e '.[present]'
	$(PY) -m bptt_helpers.lecture present $(NB) --port $(PORT)

bench: $(STAMP)
	$(PY) bench/bench_bptt.py

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +
