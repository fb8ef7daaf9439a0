extensions = ["sphinxcontrib_plan", "sphinx.ext.graphviz"]
project = "Sections"
exclude_patterns = ["_build"]
graphviz_output_format = "svg"
