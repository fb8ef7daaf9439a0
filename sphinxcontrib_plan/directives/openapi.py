"""``plan-openapi FILE``: an OpenAPI document rendered in place as plan objects.

The template's "Appendix B: API Specifications" holds the full OpenAPI
document. This directive reads it at build time and renders every named
schema and operation as the ``plan-schema``, ``plan-endpoint`` and
``plan-response`` objects that ``sphinx-plan import`` would write: they are
in the API index, the exports and the domain like objects written by hand.
The objects are made from the document's data through the directives' own
path (:func:`~sphinxcontrib_plan.directives.objects.make_object`), not from
generated source text: the document's descriptions are paragraphs of text and
its titles and fields are text, so nothing in it can add raw HTML, a directive
or an include.
The file is a dependency of the document, so editing it rebuilds the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.directives.options import OwnOptions
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinxcontrib_plan.importers.emit import Directive

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
        """Read the document and make the plan objects it amounts to."""
        from sphinxcontrib_plan.importers.emit import Directive
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
        out: list[nodes.Node] = []
        for block in blocks:
            out += self.object_nodes(block, {"plan": plan} if plan else {})
        return out

    def object_nodes(self, block: Directive, first: dict[str, str | None]) -> list[nodes.Node]:
        """The nodes of one object of the document: made from its data, never from
        source text, so nothing in the document is read as markup.

        :param block: the object (emitter block) the document amounts to
        :param first: options that go before the block's own
        :return: the object's nodes
        """
        from sphinxcontrib_plan.directives.objects import make_object
        from sphinxcontrib_plan.importers.emit import Code, Directive, Text
        from sphinxcontrib_plan.importers.literal import text_nodes

        def body() -> list[nodes.Node]:
            out: list[nodes.Node] = []
            for item in block.body:
                if isinstance(item, Text):
                    out += text_nodes(item.text)
                elif isinstance(item, Code):
                    code = item.text.rstrip("\n")
                    out.append(nodes.literal_block(code, code, language=item.language))
                elif isinstance(item, Directive):
                    out += self.object_nodes(item, {})
            return out

        options = {**first, **{o.name: o.value for o in block.options}}
        return make_object(self, block.name.removeprefix("plan-"), block.argument, options, body)


def setup_openapi(app: Sphinx) -> None:
    """Register ``plan-openapi``.

    :param app: the Sphinx application
    """
    app.add_directive("plan-openapi", OpenApiDirective)
