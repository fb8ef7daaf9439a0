"""The one directive class serving every object type of the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.directives.options import OwnOptions
from sphinxcontrib_plan.directives.pending import PARENTS, PENDING, PendingObject, document_list
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.checklist import count_checks
from sphinxcontrib_plan.model.fields import parse_options
from sphinxcontrib_plan.model.placeholders import find_placeholder
from sphinxcontrib_plan.model.typespec import Kind
from sphinxcontrib_plan.render.nodes import display
from sphinxcontrib_plan.render.objects import body_text, fields_table, has_markup, header
from sphinxcontrib_plan.render.spans import inline_spans
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import TypeData
    from sphinxcontrib_plan.model.typespec import ObjectType, Registry


def _raw_as_text(node: nodes.Node) -> nodes.Node:
    """*node* with raw markup (MyST passes inline ``<tags>`` through) turned into text.

    Titles and fields are shown on other pages, in plan.json and by every
    builder; raw HTML in them would be injected into pages, and dropped
    (content lost) by the other builders. The author's text is kept instead.
    """
    if isinstance(node, nodes.raw):
        return nodes.Text(node.astext())
    if isinstance(node, nodes.Element):
        for raw in list(node.findall(nodes.raw)):
            raw.replace_self(nodes.Text(raw.astext()))
    return node


#: the body of an object made from data: its nodes, built when the object's parse would run
BodyNodes = Callable[[], list[nodes.Node]]


class PlanObjectDirective(OwnOptions):
    """``plan-<type>``: read typed options, render fields and body, note a record."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    #: whether titles and fields are text whatever they hold (an object made from
    #: another document's data, see :func:`make_object`), never parsed as markup
    literal: bool = False
    #: the body's nodes when the object is made from data, else the content is parsed
    body_nodes: BodyNodes | None = None

    @property
    def registry(self) -> Registry:
        """The object types of this build (kept by the ``plan`` domain)."""
        return plan_domain(self.env).registry

    @property
    def otype(self) -> ObjectType:
        """The object type served, from the directive name."""
        name = self.name.split(":", 1)[-1].removeprefix("plan-")
        return self.registry[name]

    def warn(self, subtype: PlanWarning, message: str, *, option: str | None = None) -> None:
        """Warn at this directive's location, or at the line of one of its options.

        :param subtype: warning subtype
        :param message: the message
        :param option: the option concerned, when its line can be found
        """
        warn(subtype, message, location=self.option_location(option), env=self.env)

    def nesting_hint(self, parent: str) -> str:
        """How to nest this directive in its parent, in the document's syntax: the
        usual cause is a parent fence closed too early."""
        if str(self.env.doc2path(self.env.docname)).endswith(".md"):
            return (
                f"If it is written inside a plan-{parent}, check the fences: the "
                f"plan-{parent} fence must be longer than this one (:::: around :::, "
                "```` around ```), or this one's closing fence ends the outer one"
            )
        return (
            f"If it is written inside a plan-{parent}, indent it under the "
            f".. plan-{parent}:: line, after a blank line"
        )

    def parse_inline_nodes(self, text: str) -> list[nodes.Node]:
        """Parse *text* as inline markup of the document's syntax (reST or MyST).

        :param text: user text
        :return: inline nodes (parser messages dropped into the document)
        """
        if not has_markup(text) or self.literal:
            # most titles and fields are plain words: spare the parser thousands of calls;
            # those of another document (plan-openapi) are text whatever they hold
            return [nodes.Text(text)]
        parsed, messages = self.parse_inline(text, lineno=self.lineno)
        return [*(_raw_as_text(n) for n in parsed), *messages]

    def title_text(self) -> str:
        """The title, warning when a required one is missing."""
        title = self.arguments[0].strip() if self.arguments else ""
        if not title and self.otype.argument != "optional":
            self.warn(
                PlanWarning.FIELD, f"{self.name}: a title is required as the directive's argument"
            )
        return title

    def prepare(self, title: str, values: dict[str, Any]) -> str:
        """Hook before the body is parsed: validate and normalise the title.

        :param title: the argument
        :param values: the typed fields (may be changed)
        :return: the title to store
        """
        return title

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> TypeData | None:
        """Hook after the body is parsed: the type-specific data read from it.

        :param body: the parsed body (may be changed, e.g. to show what was read)
        :param values: the typed fields
        :return: the data, or ``None`` for types without any
        """
        return None

    def extra_rows(self, values: dict[str, Any]) -> list[tuple[str, object]]:
        """Derived rows shown after the fields.

        :param values: the typed fields
        :return: ``(label, content)`` rows
        """
        return []

    def title_nodes(self, title: str) -> list[nodes.Node]:
        """Nodes of the title in the header line.

        :param title: the stored title
        :return: inline nodes
        """
        return self.parse_inline_nodes(title) if title else [nodes.Text(self.otype.label)]

    def untitled_nodes(self, values: dict[str, Any]) -> list[nodes.Node]:
        """Header text of an untitled object: its first text field (a checklist's
        area, ``Security``), else the type's label.

        :param values: the typed fields
        :return: inline nodes
        """
        for spec in self.otype.fields:
            value = values.get(spec.name)
            if spec.kind is Kind.TEXT and isinstance(value, str) and value:
                return [nodes.Text(display(value))]
        return [nodes.Text(self.otype.label)]

    def run(self) -> list[nodes.Node]:
        """Read, validate and render the object; note it for the domain."""
        self.read_options()
        return self.render()

    def render(self) -> list[nodes.Node]:
        """Validate and render the object of the title (``arguments``) and the option
        texts (``options``); note it for the domain. The one path of every object,
        written in a document or made from data (:func:`make_object`)."""
        otype = self.otype
        values, problems = parse_options(otype, dict(self.options), self.name)
        placeholders = []
        for problem in problems:
            if problem.subtype == "placeholder":
                # whether it is a problem depends on the plan's status: decided later
                placeholders.append((problem.name, problem.message, self.option_line(problem.name)))
            else:
                self.warn(PlanWarning(problem.subtype), problem.message, option=problem.name)
        title = self.prepare(self.title_text(), values)

        extra = values.get("class")
        container = nodes.container(
            classes=[
                "plan-object",
                f"plan-{otype.name}",
                *(extra if isinstance(extra, (list, tuple)) else ()),
            ]
        )
        self.set_source_info(container)
        container += header(
            otype, self.title_nodes(title) if title else self.untitled_nodes(values), values
        )

        pending: list[PendingObject] = document_list(self.env, PENDING)
        key = len(pending)
        entry = PendingObject(otype.name, title, values, self.lineno)
        in_title = find_placeholder(title) if title else None
        if in_title is not None:
            entry.placeholders.append(("title", in_title, self.lineno))
        entry.placeholders += placeholders
        pending.append(entry)
        container["plan_key"] = key

        parents: list[tuple[str, int]] = document_list(self.env, PARENTS)
        if otype.parent:
            if parents and parents[-1][0] == otype.parent:
                entry.parent = parents[-1][1]
            else:
                self.warn(
                    PlanWarning.NESTING,
                    f"{self.name} belongs inside plan-{otype.parent}; it is shown "
                    f"but not attached to any object. {self.nesting_hint(otype.parent)}",
                )
        parents.append((otype.name, key))
        try:
            if self.body_nodes is not None:
                body = self.body_nodes()
            else:
                body = self.parse_content_to_nodes() if self.content else []
        finally:
            parents.pop()
        if otype.checklist:
            entry.checks = count_checks(body)
        # the text before finish() adds what it read (a table's columns) to the body
        entry.body = body_text(body)
        entry.data = self.finish(body, values)

        rows = self.extra_rows(values)
        if entry.checks and entry.checks[1]:
            done, total = entry.checks
            rows.append(
                ("Progress", [nodes.inline("", f"{done}/{total} done", classes=["plan-progress"])])
            )
        parsed: dict[str, list[nodes.Node]] = {}

        def parse_field(text: str) -> list[nodes.Node]:
            parsed[text] = self.parse_inline_nodes(text)
            return parsed[text]

        table = fields_table(otype, values, self.env.docname, parse_field, rows)
        # text fields with markup keep it on other pages too (registers), as plain data
        entry.markup = {
            name: inline_spans(parsed[value])
            for name, value in values.items()
            if isinstance(value, str) and value in parsed and has_markup(value)
        }
        if table is not None:
            # located like the object: Sphinx would otherwise find each label
            # without a source and mend it, at a cost (it renders the node as
            # XML for a debug message it never shows)
            for fld in table.children:
                if isinstance(fld, nodes.field):
                    fld[0].source, fld[0].line = container.source, container.line
            container += table
        container.extend(body)
        return [container]
