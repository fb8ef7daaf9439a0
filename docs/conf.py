"""Sphinx configuration of the sphinxcontrib-plan documentation.

The documentation is written with the extension itself: the tutorial, the
sample plan and every reference example are real plan objects, and the
reference tables are generated from the registry by ``_ext/plan_reference.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

from sphinxcontrib_plan import __version__  # noqa: E402

project = "sphinxcontrib-plan"
author = "sphinxcontrib-plan developers"
copyright = "2024, sphinxcontrib-plan developers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinxcontrib_plan",
    "sphinx.ext.graphviz",
    "sphinx.ext.intersphinx",
    "plan_reference",
]

myst_enable_extensions = ["colon_fence", "tasklist", "deflist", "fieldlist"]
myst_heading_anchors = 3

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# Intersphinx is loaded so that the how-to on linking between projects is
# built with it; the mapping stays empty because the build must not need a
# network connection.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

nitpicky = True

# Furo when it is installed (the ``docs`` extra), alabaster otherwise.
html_theme = "furo" if importlib.util.find_spec("furo") else "alabaster"
html_title = f"sphinxcontrib-plan {release}"
html_static_path = ["_static"]
html_css_files = ["docs.css"]

# -- sphinxcontrib-plan -----------------------------------------------------

# The portfolio how-to shows the plans of two other projects. Their plan.json
# files are committed next to it, so the docs build needs no network; their
# links point where those projects would publish their pages.
# [plan_external]
plan_external = {
    "payments": {"json": "howto/portfolio/payments.plan.json",
                 "base": "https://payments.example.org/plans/"},
    "search": {"json": "howto/portfolio/search.plan.json",
               "base": "https://search.example.org/plans/"},
}
# [/plan_external]

# The endpoints of the docs' own plans become openapi.json in the output.
plan_openapi = True
plan_openapi_servers = [{"url": "https://api.example.com", "description": "Production"}]
# ... and the events and WebSocket endpoints become asyncapi.json.
plan_asyncapi = True
plan_json = True
plan_consistency_checks = True
# [plan_coverage_rules]
plan_coverage_rules = {
    # four presets, for the reference plan of the object pages only
    "endpoint-tested": {"filter": 'plan == "DOC"'},
    "high-risk-mitigated": {
        "filter": 'plan == "DOC" and severity >= 6 and status != closed and status != accepted'},
    "alert-runbook": {"filter": 'plan == "DOC"'},
    "table-migrated": {"filter": 'plan == "DOC"'},
}
# [/plan_coverage_rules]

# The user-defined type of the "Define your own object type" how-to, which
# includes the lines between the two markers.
# [plan_types]
plan_types = {
    "decision": {
        "label": "Decision",
        "plural": "Decisions",
        "section": "architecture decision records",
        "fields": {
            "status": {
                "kind": "enum",
                "choices": ["proposed", "accepted", "superseded"],
                "help": "Where the decision stands.",
            },
            "decided": {"kind": "date", "help": "Date of the decision."},
            "deciders": {"kind": "list", "help": "Who took it."},
            "supersedes": {"kind": "ref", "target": "decision",
                           "help": "The decision this one replaces."},
        },
        "columns": ["id", "title", "status", "decided", "deciders"],
    },
}
# [/plan_types]

# -- LaTeX / PDF ----------------------------------------------------------------

latex_engine = "xelatex"
latex_documents = [
    (root_doc, "sphinxcontrib-plan.tex", "sphinxcontrib-plan", author, "manual"),
]
