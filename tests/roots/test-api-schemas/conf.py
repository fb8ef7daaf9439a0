extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Refunds"
release = "1.2"
plan_openapi = True
plan_asyncapi = True
plan_openapi_servers = ["https://api.example.com/v1",
                        {"url": "https://sandbox.example.com/v1", "description": "Sandbox"}]
