extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "User types"
exclude_patterns = ["_build"]
plan_types = {
    "decision": {
        "label": "Decision",
        "fields": {
            "state": {"kind": "enum", "choices": ["proposed", "accepted", "superseded"],
                      "default": "proposed"},
            "deciders": "list",
            "decided": "date",
            "supersedes": {"kind": "refs", "target": "decision"},
        },
        "columns": ["id", "title", "state", "deciders"],
    },
}

# Sphinx < 8 hides the [type.subtype] suffix the tests read; 8.0 shows it by default.
show_warning_types = True
