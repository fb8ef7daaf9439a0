extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Timelines"
exclude_patterns = ["_build"]
latex_documents = [("index", "timelines.tex", "Timelines", "Tester", "manual")]
latex_elements = {"papersize": "a4paper", "printindex": ""}

# Sphinx < 8 hides the [type.subtype] suffix the tests read; 8.0 shows it by default.
show_warning_types = True
