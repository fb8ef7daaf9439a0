"""Benchmark of sphinxcontrib-plan against plain Sphinx: ``python -m bench``."""
