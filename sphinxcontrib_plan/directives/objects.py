"""Hooks of the few types whose reading differs: endpoints, responses, risks, tables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.directives.base import PlanObjectDirective
from sphinxcontrib_plan.model.ids import METHODS, parse_signature
from sphinxcontrib_plan.render.nodes import badge
from sphinxcontrib_plan.render.objects import severity, severity_row
from sphinxcontrib_plan.warnings import PlanWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_RESPONSE = re.compile(r"\s*(\d{3}|[1-5]XX|default)\b\s*(.*)", re.IGNORECASE)
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")


def _examples(body: list[nodes.Node]) -> list[dict[str, str]]:
    """Code blocks of a body that are not inside a nested plan object."""
    found = []
    for root in body:
        if not isinstance(root, nodes.Element) or "plan-object" in root.get("classes", ()):
            continue
        blocks = [root] if isinstance(root, nodes.literal_block) else root.findall(nodes.literal_block)
        for block in blocks:
            found.append({"language": str(block.get("language", "")), "code": block.astext()})
    return found


class EndpointDirective(PlanObjectDirective):
    """``plan-endpoint METHOD /path``: the argument is a signature."""

    def prepare(self, title: str, values: dict[str, Any], extra: dict[str, Any]) -> str:
        parts = parse_signature(title)
        if parts is None or parts[0] not in METHODS:
            if title:  # a missing title was reported already
                self.warn(PlanWarning.FIELD,
                          f"{self.name}: {title!r} is not a signature 'METHOD /path'; "
                          f"methods: {', '.join(METHODS)}")
            method, path = (parts or ("GET", title.strip() or "/"))
        else:
            method, path = parts
        if not path.startswith("/"):
            self.warn(PlanWarning.FIELD, f"{self.name}: the path {path!r} must start with '/'")
        extra.update(method=method, path=path, params=_PATH_PARAM.findall(path))
        return f"{method} {path}"

    def title_nodes(self, title: str) -> list[nodes.Node]:
        method, _, path = title.partition(" ")
        return [badge("method", method, method), nodes.Text(" "), nodes.literal(path, path)]

    def finish(self, body: list[nodes.Node], values: dict[str, Any], extra: dict[str, Any]) -> None:
        extra["examples"] = _examples(body)
        # the body's own prose (not its code blocks, not its responses) is the
        # operation's description in the OpenAPI export
        text = []
        for node in body:
            if isinstance(node, nodes.paragraph):
                text.append(node.astext())
            elif isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
                text.append("\n".join(f"- {item.astext()}" for item in node.children))
        extra["description"] = "\n\n".join(text)


class ResponseDirective(PlanObjectDirective):
    """``plan-response CODE [reason]`` inside an endpoint."""

    def prepare(self, title: str, values: dict[str, Any], extra: dict[str, Any]) -> str:
        match = _RESPONSE.fullmatch(title)
        if not match and title:
            self.warn(PlanWarning.FIELD,
                      f"{self.name}: {title!r} is not 'CODE [reason]', e.g. '201 Created'")
        if not match:
            extra.update(code="default", reason=title.strip())
            return title.strip() or "default"
        code = match.group(1).upper() if match.group(1) != "default" else "default"
        extra.update(code=code, reason=match.group(2).strip())
        return f"{code} {match.group(2).strip()}".strip()

    def title_nodes(self, title: str) -> list[nodes.Node]:
        code, _, reason = title.partition(" ")
        klass = code[0] + "xx" if code[0].isdigit() else "default"
        out: list[nodes.Node] = [badge("status-code", klass, code)]
        if reason:
            out += [nodes.Text(" "), nodes.Text(reason)]
        return out

    def finish(self, body: list[nodes.Node], values: dict[str, Any], extra: dict[str, Any]) -> None:
        extra["examples"] = _examples(body)
        text = [n.astext() for n in body if isinstance(n, nodes.paragraph)]
        extra["description"] = "\n\n".join(text)


class RiskDirective(PlanObjectDirective):
    """``plan-risk``: adds the derived severity."""

    def extra_rows(self, values: dict[str, Any], extra: dict[str, Any]) -> list[tuple[str, object]]:
        score = severity(values)
        return [severity_row(score)] if score else []


class PhaseDirective(PlanObjectDirective):
    """``plan-phase``: its dates or weeks must describe one span."""

    def prepare(self, title: str, values: dict[str, Any], extra: dict[str, Any]) -> str:
        start, end = values.get("start"), values.get("end")
        if start and end and end < start:
            self.warn(PlanWarning.FIELD, f"{self.name}: end {end} is before start {start}; "
                      "the end date must be on or after the start date", option="end")
            del values["end"]
        if values.get("weeks") and (start or end):
            self.warn(PlanWarning.FIELD, f"{self.name}: give either weeks or start/end dates, "
                      "not both; the weeks are used", option="weeks")
        return title


class TableDirective(PlanObjectDirective):
    """``plan-table``: reads the ``CREATE TABLE`` in its SQL code block and shows the columns."""

    def finish(self, body: list[nodes.Node], values: dict[str, Any], extra: dict[str, Any]) -> None:
        from sphinxcontrib_plan.model.sql import SqlError, parse_schema
        from sphinxcontrib_plan.render.collectors.data_model import columns_table, schema_notes

        name = self.arguments[0] if self.arguments else ""
        found = [(i, b) for i, root in enumerate(body) if isinstance(root, nodes.Element)
                 for b in ([root] if isinstance(root, nodes.literal_block)
                           else root.findall(nodes.literal_block))
                 if str(b.get("language", "sql")).lower() in {"sql", "postgresql", "mysql", ""}]
        if not found:
            self.warn(PlanWarning.SQL,
                      f"{self.name}: table {name!r} has no sql code block with a CREATE TABLE "
                      "statement")
            return
        try:
            tables = parse_schema("\n".join(b.astext() for _, b in found))
        except SqlError as err:
            # the code block stays in the body: the reader still sees the SQL
            where = f" (line {err.line} of the SQL)" if err.line else ""
            self.warn(PlanWarning.SQL, f"{self.name}: the SQL of table {name!r} could not be "
                      f"read{where}: {err}")
            return
        extra["schema"] = [t.to_dict() for t in tables]
        # the schema goes right below the (last) SQL block, before the prose
        # that explains it, so the statement and its reading sit together
        rendered: list[nodes.Node] = []
        for schema in extra["schema"]:
            tbl = columns_table(schema, caption=f"Columns of {schema['name']}")
            self.state.document.set_id(tbl)
            rendered += [tbl, *schema_notes(schema)]
        position = found[-1][0] + 1
        body[position:position] = rendered


#: directive classes of the types whose reading differs from the generic one
SPECIAL = {
    "endpoint": EndpointDirective,
    "response": ResponseDirective,
    "risk": RiskDirective,
    "phase": PhaseDirective,
    "table": TableDirective,
}


def setup_objects(app: Sphinx) -> None:
    """Register ``plan-<type>`` for every built-in type except ``plan`` itself.

    :param app: the Sphinx application
    """
    from sphinxcontrib_plan.model.types import BUILTIN_TYPES

    for otype in BUILTIN_TYPES:
        if otype.name != "plan":
            app.add_directive(f"plan-{otype.name}", SPECIAL.get(otype.name, PlanObjectDirective))
