extensions = ["myst_parser", "sphinxcontrib_plan", "sphinx.ext.graphviz"]
myst_enable_extensions = ["colon_fence"]
project = "Cycles"
exclude_patterns = ["_build"]
graphviz_output_format = "svg"
# Sphinx < 8 prints the [plan.x] subtype only when asked
show_warning_types = True
