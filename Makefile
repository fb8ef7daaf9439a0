# sphinxcontrib-plan: every target creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPHINXOPTS ?=

.PHONY: example test lint dist docs bench bench-commands pdf clean help test-matrix

help:
	@echo "make example  build example_project to HTML"
	@echo "make test     run the whole test suite"
	@echo "make lint     ruff (check and format) and mypy --strict on the package"
	@echo "make docs     build the documentation (warnings are errors)"
	@echo "make dist     build the wheel and the sdist into dist/ and check them with twine"
	@echo "make bench    run the benchmark against plain Sphinx"
	@echo "make bench-commands  time sphinx-plan check, import and diff on big inputs"
	@echo "make pdf      build example_project as PDF (xelatex; ENGINE=pdflatex|lualatex)"
	@echo "make test-matrix  run a fast subset on the oldest and newest supported versions"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

example: $(VENV)/.installed
	$(BIN)/sphinx-build -b html $(SPHINXOPTS) example_project example_project/_build/html
	@echo
	@echo "example_project built: $(CURDIR)/example_project/_build/html/index.html"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	touch $@

# ruff's rules and style, and mypy --strict, as configured in pyproject.toml
lint: $(VENV)/.installed-lint
	$(BIN)/ruff check sphinxcontrib_plan tests bench docs/_ext
	$(BIN)/ruff format --check sphinxcontrib_plan tests bench docs/_ext
	$(BIN)/mypy

# the wheel and the source distribution, as users install them; twine checks
# their metadata (the README renders on a package index)
$(VENV)/.installed-dist: | $(BIN)/python
	$(BIN)/python -m pip install --quiet build twine
	touch $@

dist: $(VENV)/.installed-dist
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
	@ls -l dist

docs: $(VENV)/.installed
	$(BIN)/sphinx-build -b html -W --keep-going $(SPHINXOPTS) docs docs/_build/html
	@echo "docs built: $(CURDIR)/docs/_build/html/index.html"

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)

# sphinx-plan check (a warm check against the no-change build), import and diff
bench-commands: $(VENV)/.installed-test
	$(BIN)/python -m bench --commands $(BENCH_ARGS)

# the example project's conf.py chooses xelatex; ENGINE=pdflatex or lualatex overrides it
ENGINE ?= xelatex
pdf: $(VENV)/.installed
	@command -v $(ENGINE) >/dev/null && command -v latexmk >/dev/null || { echo "make pdf needs \
	$(ENGINE) and latexmk: apt-get install latexmk texlive-latex-recommended \
	texlive-latex-extra texlive-fonts-recommended tex-gyre fonts-freefont-otf, plus \
	texlive-xetex for xelatex or texlive-luatex for lualatex (pdflatex comes with them)"; exit 1; }
	$(BIN)/sphinx-build -M latexpdf example_project example_project/_build \
	-D latex_engine=$(ENGINE) $(SPHINXOPTS)
	@echo "PDF: $$(ls $(CURDIR)/example_project/_build/latex/*.pdf | grep -v /graphviz-)"

# The supported range, tested at both ends: the floor (Python 3.11, the oldest
# Sphinx and MyST-Parser we declare) and the top (Python 3.13, the newest).
# The main line is the .venv of `make test`.
MATRIX_TESTS ?= tests/test_directives.py tests/test_domain.py tests/test_collectors.py \
	tests/test_builders.py tests/test_warnings.py tests/test_myst_values.py tests/test_parallel.py \
	tests/test_interactive.py tests/test_pdf.py tests/test_api_info.py tests/test_finished.py tests/test_gcpolicy.py tests/unit
FLOOR_PYTHON ?= $(shell command -v python3.11 || echo $(PYTHON))
FLOOR_PINS := sphinx==7.4.7 myst-parser==4.0.1 docutils==0.20.1
TOP_PYTHON ?= $(lastword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13.*/bin/python3))
TOP_PINS := 'sphinx>=9.2,<10' 'myst-parser>=5.2,<5.3'

.venv-floor/.installed: pyproject.toml
	rm -rf .venv-floor
	$(FLOOR_PYTHON) -m venv .venv-floor
	.venv-floor/bin/python -m pip install --quiet -e '.[test]' $(FLOOR_PINS)
	touch $@

.venv-top/.installed: pyproject.toml
	rm -rf .venv-top
	$(TOP_PYTHON) -m venv .venv-top
	.venv-top/bin/python -m pip install --quiet -e '.[test]' $(TOP_PINS)
	touch $@

test-matrix: .venv-floor/.installed
	@.venv-floor/bin/python -c 'import sys, sphinx, myst_parser, docutils; print("floor: Python %s, Sphinx %s, MyST-Parser %s, docutils %s" % (sys.version.split()[0], sphinx.__version__, myst_parser.__version__, docutils.__version__))'
	.venv-floor/bin/python -m pytest -q $(MATRIX_TESTS)
ifeq ($(TOP_PYTHON),)
	@echo "test-matrix: no Python 3.13 under pyenv; the top of the range is skipped"
else
	$(MAKE) .venv-top/.installed
	@.venv-top/bin/python -c 'import sys, sphinx, myst_parser, docutils; print("top: Python %s, Sphinx %s, MyST-Parser %s, docutils %s" % (sys.version.split()[0], sphinx.__version__, myst_parser.__version__, docutils.__version__))'
	.venv-top/bin/python -m pytest -q $(MATRIX_TESTS)
endif

clean:
	rm -rf example_project/_build docs/_build bench/out dist build
