extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Coverage"
exclude_patterns = ["_build"]

# Sphinx < 8 hides the [type.subtype] suffix the tests read; 8.0 shows it by default.
show_warning_types = True
plan_consistency_checks = False
plan_coverage_rules = {
    "presets": True,
    # a custom rule: every component a phase delivers is covered by a checklist or test
    "phases-checked": {"objects": "phase", "filter": "status != done", "link": "covers",
                       "direction": "incoming", "min": 1},
}
