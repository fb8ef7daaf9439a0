# A documentation project without plan content, built with and without the
# extension by tests/test_inert.py. Pages adapted from two public projects:
# deploying/nginx.rst from Flask's docs (pallets/flask, docs/deploying/nginx.rst,
# BSD-3-Clause) and admonitions.md from MyST-Parser's docs
# (executablebooks/MyST-Parser, docs/syntax/admonitions.md, MIT).
project = "Inert sample"
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
