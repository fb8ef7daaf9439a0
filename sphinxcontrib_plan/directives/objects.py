"""Hooks of the few types whose reading differs: endpoints, responses, events, schemas,
servers, security schemes, risks, phases, tables."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList

from sphinxcontrib_plan.directives.api import ApiReader
from sphinxcontrib_plan.directives.base import PlanObjectDirective
from sphinxcontrib_plan.domain import plan_domain
from sphinxcontrib_plan.model.api_info import scheme_object, server_object
from sphinxcontrib_plan.model.ids import METHODS, parse_signature
from sphinxcontrib_plan.model.records import (
    BodySchema,
    EndpointData,
    EventData,
    ResponseData,
    SchemaData,
    TableData,
)
from sphinxcontrib_plan.model.severity import Severity
from sphinxcontrib_plan.render.nodes import badge
from sphinxcontrib_plan.render.objects import severity_badge
from sphinxcontrib_plan.render.schema import columns_table, schema_notes
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import SphinxDirective

    from sphinxcontrib_plan.directives.base import BodyNodes

_RESPONSE = re.compile(r"\s*(\d{3}|[1-5]XX|default)\b\s*(.*)", re.IGNORECASE)
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")


def _prose(body: list[nodes.Node], *, lists: bool) -> str:
    """The body's own paragraphs (and bullet lists), not its code or nested objects:
    the description of an operation or response in the OpenAPI export."""
    text = []
    for node in body:
        if isinstance(node, nodes.paragraph):
            text.append(node.astext())
        elif lists and isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            text.append("\n".join(f"- {item.astext()}" for item in node.children))
    return "\n\n".join(text)


class EndpointDirective(PlanObjectDirective):
    """``plan-endpoint METHOD /path``: the argument is a signature."""

    def prepare(self, title: str, values: dict[str, Any]) -> str:
        parts = parse_signature(title)
        if parts is None or parts[0] not in METHODS:
            if title:  # a missing title was reported already
                self.warn(
                    PlanWarning.FIELD,
                    f"{self.name}: {title!r} is not a signature 'METHOD /path'; "
                    f"methods: {', '.join(METHODS)}",
                )
            method, path = parts or ("GET", title.strip() or "/")
        else:
            method, path = parts
        if not path.startswith("/"):
            self.warn(PlanWarning.FIELD, f"{self.name}: the path {path!r} must start with '/'")
        self.signature = (method, path)
        return f"{method} {path}"

    def title_nodes(self, title: str) -> list[nodes.Node]:
        method, _, path = title.partition(" ")
        return [badge("method", method, method), nodes.Text(" "), nodes.literal(path, path)]

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> EndpointData:
        method, path = self.signature
        reader = ApiReader(self)
        parameters = reader.parameters(values, path)
        schema, examples = reader.body(body, values, media="application/json")
        description = _prose(body, lists=True)
        reader.show(body, parameters, schema, "Request body")
        return EndpointData(
            method,
            path,
            tuple(_PATH_PARAM.findall(path)),
            examples,
            description,
            parameters,
            schema,
        )


class ResponseDirective(PlanObjectDirective):
    """``plan-response CODE [reason]`` inside an endpoint."""

    def prepare(self, title: str, values: dict[str, Any]) -> str:
        match = _RESPONSE.fullmatch(title)
        if not match and title:
            self.warn(
                PlanWarning.FIELD,
                f"{self.name}: {title!r} is not 'CODE [reason]', e.g. '201 Created'",
            )
        if not match:
            self.status = ("default", title.strip())
            return title.strip() or "default"
        code = match.group(1).upper() if match.group(1) != "default" else "default"
        self.status = (code, match.group(2).strip())
        return f"{code} {match.group(2).strip()}".strip()

    def title_nodes(self, title: str) -> list[nodes.Node]:
        code, _, reason = title.partition(" ")
        klass = code[0] + "xx" if code[0].isdigit() else "default"
        out: list[nodes.Node] = [badge("status-code", klass, code)]
        if reason:
            out += [nodes.Text(" "), nodes.Text(reason)]
        return out

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> ResponseData:
        code, reason = self.status
        reader = ApiReader(self)
        headers = tuple(reader.parameter_option(values.get("headers"), "header", "headers"))
        schema, examples = reader.body(body, values, media="application/json")
        description = _prose(body, lists=False)
        reader.show(body, headers, schema, f"Response {code}", params_caption="Headers")
        return ResponseData(code, reason, examples, description, headers, schema)


class EventDirective(PlanObjectDirective):
    """``plan-event``: its payload's schema and example payloads."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> EventData:
        reader = ApiReader(self)
        schema, examples = reader.body(body, values, media=None)
        reader.show(body, (), schema, "Payload")
        return EventData(schema, examples)


class SchemaDirective(PlanObjectDirective):
    """``plan-schema NAME``: one JSON Schema, from a code block of the body or ``:file:``."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> SchemaData:
        from sphinxcontrib_plan.directives.api import block_line, code_blocks
        from sphinxcontrib_plan.model.codedata import DataError, load_data

        reader = ApiReader(self)
        if values.get("file"):
            schema, line = reader.load_file(str(values["file"]), "file"), self.lineno
        else:
            blocks = [
                b
                for b in code_blocks(body)
                if str(b.get("language", "json")).lower() in {"json", "yaml", "yml", ""}
            ]
            schema, line = None, self.lineno
            if not blocks:
                reader.warn(
                    PlanWarning.SCHEMA,
                    "give the schema as a json or yaml code "
                    "block in the body, or name a file with :file:",
                )
            for block in blocks[:1]:
                line = block_line(self, block)
                try:
                    schema = load_data(block.astext(), str(block.get("language", "json")))
                except DataError as err:  # at the failing value's line
                    warn(
                        PlanWarning.SCHEMA,
                        f"{self.name}: the schema is {err.message}",
                        location=(self.env.docname, line + (err.line or 0)),
                        env=self.env,
                    )
        if schema is not None:
            reader.show(body, (), BodySchema(schema, line), "Properties")
        return SchemaData(schema if schema is not None else {}, line)


class RiskDirective(PlanObjectDirective):
    """``plan-risk``: adds the derived severity."""

    def extra_rows(self, values: dict[str, Any]) -> list[tuple[str, object]]:
        severity = Severity.of(values)
        return [("Severity", [severity_badge(severity)])] if severity else []


class PhaseDirective(PlanObjectDirective):
    """``plan-phase``: its dates or weeks must describe one span."""

    def prepare(self, title: str, values: dict[str, Any]) -> str:
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            self.warn(
                PlanWarning.FIELD,
                f"{self.name}: end {end} is before start {start}; "
                "the end date must be on or after the start date",
                option="end",
            )
            del values["end"]
        if values.get("weeks") and (start or end):
            self.warn(
                PlanWarning.FIELD,
                f"{self.name}: give either weeks or start/end dates, not both; the weeks are used",
                option="weeks",
            )
        return title


class TableDirective(PlanObjectDirective):
    """``plan-table``: reads the ``CREATE TABLE`` in its SQL code block and shows the columns."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> TableData | None:
        name = self.arguments[0] if self.arguments else ""
        found = [
            (i, b)
            for i, root in enumerate(body)
            if isinstance(root, nodes.Element)
            for b in (
                [root]
                if isinstance(root, nodes.literal_block)
                else root.findall(nodes.literal_block)
            )
            if str(b.get("language", "sql")).lower() in {"sql", "postgresql", "mysql", ""}
        ]
        if not found:
            self.warn(
                PlanWarning.SQL,
                f"{self.name}: table {name!r} has no sql code block with a CREATE TABLE statement",
            )
            return None
        sql = "\n".join(b.astext() for _, b in found)
        digest = hashlib.sha256(sql.encode()).hexdigest()
        known = plan_domain(self.env).sql_read.get(digest)
        if known is not None:
            tables = known.schema
        else:
            # sqlglot is imported only by projects whose tables are read
            from sphinxcontrib_plan.model.sql import SqlError, parse_schema

            try:
                tables = parse_schema(sql)
            except SqlError as err:
                # the code block stays in the body: the reader still sees the SQL
                where = f" (line {err.line} of the SQL)" if err.line else ""
                self.warn(
                    PlanWarning.SQL,
                    f"{self.name}: the SQL of table {name!r} could not be read{where}: {err}",
                )
                return None
        # the schema goes right below the (last) SQL block, before the prose
        # that explains it, so the statement and its reading sit together
        rendered: list[nodes.Node] = []
        for schema in tables:
            tbl = columns_table(schema, caption=f"Columns of {schema.name}")
            self.state.document.set_id(tbl)
            rendered += [tbl, *schema_notes(schema)]
        position = found[-1][0] + 1
        body[position:position] = rendered
        return TableData(tables, digest)


#: directive classes of the types whose reading differs from the generic one
class ServerDirective(PlanObjectDirective):
    """``plan-server URL``: its variables checked against the URL's braces."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> None:
        _, problems = server_object(self.arguments[0] if self.arguments else "", values)
        for option, message in problems:
            self.warn(PlanWarning.FIELD, f"{self.name}: {message}", option=option)
        return None


class SecurityDirective(PlanObjectDirective):
    """``plan-security NAME``: the fields its type needs are checked."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any]) -> None:
        if values.get("type"):  # a missing type was reported as a required field
            _, problems = scheme_object(values)
            for option, message in problems:
                self.warn(PlanWarning.FIELD, f"{self.name}: {message}", option=option)
        return None


SPECIAL = {
    "endpoint": EndpointDirective,
    "response": ResponseDirective,
    "risk": RiskDirective,
    "phase": PhaseDirective,
    "table": TableDirective,
    "event": EventDirective,
    "schema": SchemaDirective,
    "server": ServerDirective,
    "security": SecurityDirective,
}


def make_object(
    host: SphinxDirective,
    otype: str,
    title: str,
    options: dict[str, str | None],
    body: BodyNodes,
) -> list[nodes.Node]:
    """An object made from data (another document's), not from source text.

    It takes the path of an object written in a document (its directive's
    :meth:`~sphinxcontrib_plan.directives.base.PlanObjectDirective.render`):
    the same typed record, warnings and nodes. Its title and option values
    are text whatever they hold; its body is the nodes *body* builds (called
    where the directive would parse its content, so objects it makes nest).

    :param host: the directive making it; its document and line locate the object
    :param otype: the object type, e.g. ``endpoint``
    :param title: the title (an endpoint's signature)
    :param options: option name to its text (``None`` for a flag), as a directive's
    :param body: builds the body's nodes
    :return: the object's nodes
    """
    directive = SPECIAL.get(otype, PlanObjectDirective)(
        f"plan-{otype}",
        [title] if title else [],
        dict(options),
        StringList(),
        host.lineno,
        host.content_offset,
        host.block_text,
        host.state,
        host.state_machine,
    )
    directive.literal = True
    directive.body_nodes = body
    return directive.render()


def setup_objects(app: Sphinx) -> None:
    """Register ``plan-<type>`` for every built-in type except ``plan`` itself.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.model.types import BUILTIN_TYPES

    for otype in BUILTIN_TYPES:
        if otype.name != "plan":
            app.add_directive(f"plan-{otype.name}", SPECIAL.get(otype.name, PlanObjectDirective))
