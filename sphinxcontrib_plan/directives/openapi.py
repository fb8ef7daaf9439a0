"""``plan-openapi FILE``: an OpenAPI document rendered in place as plan objects.

The template's "Appendix B: API Specifications" holds the full OpenAPI
document. This directive reads it at build time and renders every named
schema and operation as the ``plan-schema``, ``plan-endpoint`` and
``plan-response`` objects that ``sphinx-plan import`` would write: they are
in the API index, the exports and the domain like objects written by hand.
The file is a dependency of the document, so editing it rebuilds the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.directives.base import LITERAL_TEXT
from sphinxcontrib_plan.directives.options import OwnOptions
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

#: the options ``plan-openapi`` knows
OPTIONS = ("plan",)


class OpenApiDirective(OwnOptions):
    """``plan-openapi path/to/openapi.yaml`` with an optional ``:plan:``."""

    takes_body = False
    required_arguments = 1
    final_argument_whitespace = True

    def warn(self, message: str, subtype: PlanWarning = PlanWarning.SCHEMA) -> None:
        """Warn at the directive."""
        warn(subtype, f"{self.name}: {message}", location=self.get_location(), env=self.env)

    def run(self) -> list[nodes.Node]:
        """Read the document and parse the plan source it amounts to."""
        from sphinxcontrib_plan.importers.emit import (
            Directive,
            Document,
            Option,
            write_myst,
            write_rst,
        )
        from sphinxcontrib_plan.importers.openapi import OpenApiError, read_openapi_file
        from sphinxcontrib_plan.importers.openapi_plan import PlanWriter
        from sphinxcontrib_plan.model.codedata import FileError
        from sphinxcontrib_plan.model.names import did_you_mean

        options = self.read_options()
        for name in options:
            if name not in OPTIONS:
                self.warn(
                    f"unknown option {name!r}; options: {', '.join(OPTIONS)}"
                    + did_you_mean(name, OPTIONS),
                    PlanWarning.OPTION,
                )
        rel, absolute = self.env.relfn2path(self.arguments[0].strip(), self.env.docname)
        self.env.note_dependency(rel)
        try:
            _, doc = read_openapi_file(absolute)
        except FileError as err:
            self.warn(f"cannot read {self.arguments[0]!r}: {err.message}")
            return []
        except OpenApiError as err:
            self.warn(f"{self.arguments[0]!r}: {err}")
            return []
        for problem in doc.problems:
            self.warn(f"{self.arguments[0]!r}: {problem}")
        blocks = [b for b in PlanWriter(doc).blocks() if isinstance(b, Directive)]
        plan = options.get("plan")
        if plan:
            for block in blocks:
                block.options.insert(0, Option("plan", plan))
        stack: list[Directive] = list(blocks)
        while stack:  # values are taken as they are (below): none is converted as markup
            block = stack.pop()
            for option in block.options:
                option.markup = False
            stack += [b for b in block.body if isinstance(b, Directive)]
        myst = type(self.state).__module__.startswith("myst_parser")
        # the spec's text is text: its descriptions are written escaped (emit.Text), the
        # titles and fields of the objects are taken as they are, never parsed as markup
        source = (write_myst if myst else write_rst)(Document([*blocks]))
        self.env.temp_data[LITERAL_TEXT] = True
        try:
            return self.parse_text_to_nodes(source)
        finally:
            self.env.temp_data.pop(LITERAL_TEXT, None)


def setup_openapi(app: Sphinx) -> None:
    """Register ``plan-openapi``.

    :param app: the Sphinx application
    """
    app.add_directive("plan-openapi", OpenApiDirective)
