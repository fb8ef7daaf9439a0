extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Check cache"
exclude_patterns = ["_build"]
