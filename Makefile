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

.PHONY: lab test test-here test-portable test-nbgrader nbgrader-course floors-venv nbgrader-venv lint unit notebooks student bench bench-widgets bench-decks clean venv slides html present

venv: $(STAMP)

# The venv also gets the JupyterLab settings the series ships (tools/lab_settings.py: widget state
# saved with the notebook, no news pop-up, the side panel collapsed), so every JupyterLab it runs has them.
$(STAMP): pyproject.toml tools/lab_settings.py $(wildcard tools/jupyterlab/*)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m tools.lab_settings install $(VENV)
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb --notebook-dir=. $(ROOT_FLAG)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Everything: lint, unit tests, nbval over every notebook here, the portability matrix, and the
# nbgrader round trip.
test: test-here test-portable test-nbgrader

# Unit tests and nbval over every notebook; pytest's exit 5 ("no tests collected") is not a failure.
test-here: lint
	$(ONE_THREAD) $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_NBVAL) -ra tests notebooks; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

# The stored outputs must be the same on every machine (README, "What the stored outputs
# promise"). test-here already ran nbval with this machine's OpenBLAS kernel and 1 thread; here
# nbval runs again over every notebook under three more configurations, each a kernel forced with
# OPENBLAS_CORETYPE (tests/portability/blas_info.py proves it is the one in use) and a BLAS thread
# count, so that three kernels and both 1 and 2 threads are covered (SkylakeX needs AVX-512: only
# CPUs that have it add it); then the student edition of the training notebooks (08-10) under
# another kernel; then nbval once more in .venv-floors, built with the oldest numpy, matplotlib
# and ipywidgets pyproject.toml allows (tests/constraints-floors.txt).
# PORTABLE_CONFIGS="Haswell:1 Haswell:2 ..." widens the matrix (about a minute per entry).
HAS_AVX512 := $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo yes)
PORTABLE_CONFIGS ?= Haswell:2 Sandybridge:1 Nehalem:2 $(if $(HAS_AVX512),SkylakeX:1,)
STUDENT_KERNEL   ?= Sandybridge
FLOORS       := .venv-floors
FLOORS_STAMP := $(FLOORS)/.installed
NBVAL_ONLY   := -m pytest -n 2 --dist loadfile -p no:cacheprovider $(PYTEST_NBVAL) -q notebooks

$(FLOORS_STAMP): pyproject.toml tests/constraints-floors.txt
	test -x $(FLOORS)/bin/python || $(PYTHON) -m venv $(FLOORS)
	$(FLOORS)/bin/python -m pip install --quiet -c tests/constraints-floors.txt -e '.[test]'
	touch $(FLOORS_STAMP)

floors-venv: $(FLOORS_STAMP)

test-portable: $(STAMP) $(FLOORS_STAMP)
	@set -e; for config in $(PORTABLE_CONFIGS); do \
	  core=$${config%%:*}; n=$${config##*:}; \
	  echo "== portability: nbval with OpenBLAS kernel $$core, $$n BLAS thread(s)"; \
	  export OPENBLAS_CORETYPE=$$core OPENBLAS_NUM_THREADS=$$n OMP_NUM_THREADS=$$n; \
	  $(PY) tests/portability/blas_info.py $$core; \
	  $(PY) $(NBVAL_ONLY); \
	done
	@echo "== portability: the student edition of 08-10 (tests/test_student.py) with OpenBLAS kernel $(STUDENT_KERNEL)"
	@export OPENBLAS_CORETYPE=$(STUDENT_KERNEL) $(ONE_THREAD); \
	  $(PY) tests/portability/blas_info.py $(STUDENT_KERNEL) && \
	  $(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider -q tests/test_student.py -k "08_ or 09_ or 10_"
	@echo "== portability: nbval with the oldest versions pyproject.toml allows ($(FLOORS))"
	@export $(ONE_THREAD); $(FLOORS)/bin/python tests/portability/blas_info.py && \
	  $(FLOORS)/bin/python $(NBVAL_ONLY)

unit: $(STAMP)
	$(ONE_THREAD) $(PY) -m pytest -n 2 --dist loadfile -ra tests

# Re-execute every notebook in a fresh kernel and store it byte-stable (after editing one).
notebooks: $(STAMP)
	$(ONE_THREAD) $(PY) -m tools.notebook_tools execute notebooks/[0-9][0-9]_*.ipynb

# nbgrader (LECTURES.md), in its own venv so that its JupyterLab extension stays out of .venv.
# test-nbgrader: release every assignment, autograde the stored solutions (must get full marks)
# and the blank release (must get 0). nbgrader-course: the course folder for an instructor.
NBGRADER_VENV  := .venv-nbgrader
NBGRADER_STAMP := $(NBGRADER_VENV)/.installed

$(NBGRADER_STAMP): pyproject.toml
	test -x $(NBGRADER_VENV)/bin/python || $(PYTHON) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet -e '.[instructor]'
	touch $(NBGRADER_STAMP)

nbgrader-venv: $(NBGRADER_STAMP)

# Two course folders graded side by side (--jobs 2), one per core.
test-nbgrader: $(NBGRADER_STAMP)
	$(ONE_THREAD) $(NBGRADER_VENV)/bin/python -m tools.nbgrader_course roundtrip build/nbgrader-roundtrip --jobs 2

nbgrader-course: $(NBGRADER_STAMP)
	$(NBGRADER_VENV)/bin/python -m tools.nbgrader_course course build/nbgrader

# The student edition: solutions replaced by NotImplementedError placeholders.
student: $(STAMP)
	$(PY) -m tools.student build/student

# Lectures (LECTURES.md). Offline reveal.js slides / static HTML of every notebook, each folder
# with an index.html and its own vendor/ copy of reveal.js, MathJax, ... (fetched once with npm).
slides: $(STAMP)
	$(PY) -m tools.lecture slides build/slides

html: $(STAMP)
	$(PY) -m tools.lecture html build/html

# Live, code-free view of one notebook with working widgets (Voilà): make present NB=04 [PORT=8866]
PORT ?= 8866
present: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make present NB=04 [PORT=8866]"; exit 2; }
	test -x $(VENV)/bin/voila || $(PY) -m pip install --quiet -e '.[present]'
	$(PY) -m tools.lecture present $(NB) --port $(PORT)

# Benchmarks (never tests): forward+backward against PyTorch, and every widget's cost per step.
bench: $(STAMP)
	$(PY) bench/bench_bptt.py
	$(ONE_THREAD) $(PY) bench/bench_widgets.py
	$(PY) bench/bench_decks.py

bench-widgets: $(STAMP)
	$(ONE_THREAD) $(PY) bench/bench_widgets.py

bench-decks: $(STAMP)
	$(PY) bench/bench_decks.py

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +
