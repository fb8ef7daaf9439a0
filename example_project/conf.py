"""Sphinx configuration for the Acme Payments Platform plan documentation."""

project = "Acme Payments Platform"
author = "Acme Payments Engineering"
copyright = "2024, Acme Payments Engineering"

extensions = ["myst_parser", "sphinxcontrib_plan", "sphinx.ext.graphviz"]

myst_enable_extensions = ["colon_fence", "tasklist", "deflist"]

source_suffix = {
    ".rst": "restructuredtext",
    ".md": "markdown",
}

root_doc = "index"
exclude_patterns = ["_build"]

html_theme = "alabaster"
html_title = "Acme Payments Platform — implementation plans"

# Write openapi.json (the endpoints of every plan) next to plan.json.
plan_openapi = True
