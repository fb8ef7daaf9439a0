extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Portfolio"
exclude_patterns = ["_build"]
show_warning_types = True
# the tests set plan_external: one project over HTTP, one from a path
