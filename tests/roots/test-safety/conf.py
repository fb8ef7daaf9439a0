extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Safety"
exclude_patterns = ["_build"]
latex_documents = [("index", "safety.tex", "Safety", "Plan", "manual")]
show_warning_types = True
