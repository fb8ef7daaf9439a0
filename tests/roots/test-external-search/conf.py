extensions = ["sphinxcontrib_plan"]
project = "Search"
exclude_patterns = ["_build"]
show_warning_types = True
