extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Stages"
exclude_patterns = ["_build"]
show_warning_types = True
plan_consistency_checks = False
plan_stages = True
plan_coverage_rules = {"endpoint-tested": True}
