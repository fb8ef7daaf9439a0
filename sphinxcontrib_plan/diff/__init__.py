"""Plan changes between two versions (``sphinx-plan diff``) and drift against an OpenAPI document.

Pure functions over ``plan.json`` data: :mod:`.compare` matches objects by id,
:mod:`.classify` names breaking API changes, slipped phases, risen risks and
status transitions, :mod:`.drift` compares planned endpoints with an
implemented OpenAPI document, :mod:`.formats` writes text, Markdown and JSON.
Only :mod:`.sources` runs git and builds.
"""
