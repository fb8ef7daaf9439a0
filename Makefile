# sphinxcontrib-plan: every target creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPHINXOPTS ?=

.PHONY: example test docs bench pdf clean help

help:
	@echo "make example  build example_project to HTML"
	@echo "make test     run the whole test suite"
	@echo "make docs     build the documentation (warnings are errors)"
	@echo "make bench    run the benchmark against plain Sphinx"
	@echo "make pdf      build example_project as PDF (needs xelatex)"

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

docs: $(VENV)/.installed
	$(BIN)/sphinx-build -b html -W --keep-going $(SPHINXOPTS) docs docs/_build/html
	@echo "docs built: $(CURDIR)/docs/_build/html/index.html"

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)

pdf: $(VENV)/.installed
	$(BIN)/sphinx-build -M latexpdf example_project example_project/_build $(SPHINXOPTS)
	@echo "PDF: $$(ls $(CURDIR)/example_project/_build/latex/*.pdf)"

clean:
	rm -rf example_project/_build docs/_build bench/out
