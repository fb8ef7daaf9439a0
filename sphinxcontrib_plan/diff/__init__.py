"""Plan changes between two versions (``sphinx-plan diff``) and drift against an OpenAPI document.

Pure functions over ``plan.json`` data: :mod:`.compare` matches objects by id,
:mod:`.classify` names breaking API changes, slipped phases, risen risks and
status transitions, :mod:`.drift` compares planned endpoints with an
implemented OpenAPI document, :mod:`.formats` writes text, Markdown and JSON.
Nothing here runs a process: :mod:`sphinxcontrib_plan.cli.sources` runs git
and the builds.
"""

from __future__ import annotations


class DiffError(Exception):
    """An input of a diff cannot be read or built; the message is one line."""
