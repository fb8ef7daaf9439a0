extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Export API"
version = "2.1"
release = "2.1.0"
exclude_patterns = ["_build"]
plan_openapi = "spec.json"
