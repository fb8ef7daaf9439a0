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
plan_openapi_servers = [{"url": "https://api.acme.example", "description": "Production"}]
plan_asyncapi = True
# the plans are a snapshot as of this day: review dates are measured against it
plan_today = "2024-02-05"

# [plan_coverage_rules]
# Coverage: each gap is a plan.coverage warning (the project builds with -W)
plan_coverage_rules = {
    "endpoint-tested": True,
    "event-tested": True,
    "alert-runbook": True,
    # plan 002 creates its tables in a phase, without a data migration
    "table-migrated": {"filter": 'plan == "001"'},
    # only plan 002 dates its phases: a risk's review date needs a phase end date
    "high-risk-mitigated": {
        "filter": 'plan == "002" and severity >= 6 and status != closed and status != accepted'},
    # custom: every authenticated endpoint is covered by a security checklist
    "endpoints-security-reviewed": {
        "objects": "endpoint", "filter": "auth != none", "link": "covers",
        "direction": "incoming", "to": "check",
        "help": "every authenticated endpoint is named in the :covers: of a security checklist"},
    # custom: plan 001's endpoints are covered by a test that passed in the last run
    # (the JUnit results of plan_test_results)
    "payment-endpoints-passing": {
        "objects": "endpoint", "filter": 'plan == "001"', "link": "covers",
        "direction": "incoming", "to": "test", "passing": True,
        "help": "every payment endpoint is covered by a test whose JUnit cases passed"},
    # custom: every open risk of medium severity or more names what mitigates it
    "risks-mitigated": {
        "objects": "risk", "filter": "severity >= 3 and status != closed and status != accepted",
        "link": "mitigated-by", "direction": "outgoing",
        "help": "every open risk of medium severity or more names in :mitigated-by: a phase, "
                "checklist or component"},
}
# [/plan_coverage_rules]

# [plan_stages]
# Stage gates: the template's statuses in order, each with its entry criteria; a
# plan whose status does not meet its stage is a plan.gate warning
# (sphinx-plan gate 001 --to completed explains what is missing)
plan_stages = [
    {"name": "draft"},
    {"name": "in-review", "placeholders": False},
    {"name": "approved", "signoffs": ["Tech Lead", "Product Manager"], "high-risks": False},
    {"name": "in-progress", "coverage": ["endpoint-tested", "risks-mitigated"]},
    {"name": "completed", "signoffs": ["*"], "coverage": True,
     "filter": "total == 0 or progress == 100"},
]
# [/plan_stages]

# [plan_test_results]
# JUnit XML of the service's contract tests (service_tests/), as pytest wrote it:
#   python -m pytest example_project/service_tests --junitxml=example_project/test-results/pytest.xml
plan_test_results = ["test-results/*.xml"]
# [/plan_test_results]

# -- PDF (make pdf) -----------------------------------------------------------
# XeLaTeX reads the sources as Unicode: ≥, ✓, →, ■, ◆ and accents print as
# written, in the FreeSerif/FreeSans/FreeMono fonts Sphinx selects for it.
latex_engine = "xelatex"
latex_documents = [
    (root_doc, "acme-payments-plans.tex", "Acme Payments Platform: implementation plans",
     author, "manual"),
]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    # plans are read as registers and tables, not front to back
    "printindex": "",
    # a register row of tags and ids may end in a long unbreakable word
    "preamble": r"\setlength{\emergencystretch}{2em}",
    # a request line with a long query string is one Pygments token in some
    # Pygments releases: let Sphinx wrap such a code line wherever it must
    "sphinxsetup": "verbatimforcewraps=true",
}
