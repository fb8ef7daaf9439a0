extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Coverage"
exclude_patterns = ["_build"]

# Sphinx < 8 hides the [type.subtype] suffix the tests read; 8.0 shows it by default.
show_warning_types = True
plan_consistency_checks = False
