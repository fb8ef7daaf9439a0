extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Payments service"
exclude_patterns = ["_build"]
show_warning_types = True
