extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "API info"
release = "9.9.9"
exclude_patterns = ["_build"]
plan_openapi = True
plan_openapi_servers = [{"url": "https://staging.example.com", "description": "Staging"}]
show_warning_types = True
