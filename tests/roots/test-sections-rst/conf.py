extensions = ["sphinxcontrib_plan", "sphinx.ext.graphviz"]
project = "Sections"
exclude_patterns = ["_build"]
graphviz_output_format = "svg"
# Sphinx < 8 prints the [plan.x] subtype only when asked
show_warning_types = True
