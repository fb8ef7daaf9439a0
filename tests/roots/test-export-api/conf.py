extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Export API"
version = "2.1"
release = "2.1.0"
exclude_patterns = ["_build"]
plan_openapi = "spec.json"

# Sphinx < 8 hides the [type.subtype] suffix the tests read; 8.0 shows it by default.
show_warning_types = True
