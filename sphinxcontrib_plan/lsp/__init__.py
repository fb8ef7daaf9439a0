"""``sphinx-plan lsp``: a language server for the plan documents of a Sphinx project."""
