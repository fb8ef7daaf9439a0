extensions = ["sphinxcontrib_plan"]
project = "Basic"
exclude_patterns = ["_build"]
