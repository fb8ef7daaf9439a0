extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Results"
exclude_patterns = ["_build", "reports"]
show_warning_types = True
plan_consistency_checks = False
# the tests copy tests/fixtures/junit/*.xml into reports/
plan_test_results = ["reports/*.xml"]
plan_coverage_rules = {
    "endpoint-tested": {"passing": True},
}
