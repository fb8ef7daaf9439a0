"""Schemas and parameters of endpoints, responses, events and ``plan-schema``.

What these directives read beyond their typed fields:

- a body's schema: ``:schema:`` naming a ``plan-schema`` (``Name[]`` for an
  array of it, or any type of the parameter notation) or a ``.json``/
  ``.yaml`` file, else a ``json``/``yaml`` code block of the body whose top
  level has a ``$schema`` key; every other code block is an example;
- an endpoint's ``:path:``, ``:query:``, ``:header:`` and ``:cookie:``
  parameters in the compact notation, the path ones checked against the
  ``{name}`` s of the path; a response's ``:headers:``.

Local problems (unreadable notation, file or code) are warned here, at the
option's or the block's line; whether the schemas are valid and the examples
match them is checked once every document is read
(:mod:`sphinxcontrib_plan.model.api_checks`). The parameters and the body's
properties are shown as tables in the object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.codedata import (
    JSON_LANGUAGES,
    YAML_LANGUAGES,
    DataError,
    FileError,
    load_data,
    read_file,
)
from sphinxcontrib_plan.model.params import ParamError, parse_parameters, path_names, type_schema
from sphinxcontrib_plan.model.records import BodySchema, Example
from sphinxcontrib_plan.render.json_schema import parameter_nodes, schema_nodes
from sphinxcontrib_plan.warnings import PlanWarning

if TYPE_CHECKING:
    from sphinxcontrib_plan.directives.base import PlanObjectDirective

#: suffixes of a schema file named by ``:schema:`` or ``:file:``
SCHEMA_FILES = (".json", ".yaml", ".yml")
#: parameter options of an endpoint, in display order
LOCATIONS = ("path", "query", "header", "cookie")


def code_blocks(body: list[nodes.Node]) -> list[nodes.literal_block]:
    """The code blocks of a body that are not inside a nested plan object.

    :param body: the parsed body
    :return: the blocks, in order
    """
    found = []
    for root in body:
        if not isinstance(root, nodes.Element) or "plan-object" in root.get("classes", ()):
            continue
        found += (
            [root]
            if isinstance(root, nodes.literal_block)
            else list(root.findall(nodes.literal_block))
        )
    return found


def block_line(directive: PlanObjectDirective, block: nodes.literal_block) -> int:
    """The source line of a code block's first line of code.

    Parsers give a code block the line of its fence or directive (MyST) or a
    line near it (reST); the code's first line is looked up in the
    directive's body from there, so a warning can point at the failing value
    itself.

    :param directive: the directive whose body holds the block
    :param block: the block
    :return: the line (the block's own line when the code is not found)
    """
    line = block.line or directive.lineno
    code = block.astext().splitlines()
    first = next((i for i, text in enumerate(code) if text.strip()), None)
    if first is None or block.get("source") not in (None, directive.state.document.get("source")):
        return line
    found = directive.body_line(code[first], line - 1)
    return line if found is None else found - first


def is_schema_block(language: str, code: str) -> bool:
    """Whether a code block is a schema: JSON/YAML data with a top-level ``$schema``.

    :param language: the block's language
    :param code: its text
    :return: ``True`` for a schema
    """
    if language.lower() not in JSON_LANGUAGES | YAML_LANGUAGES or "$schema" not in code:
        return False
    try:
        data = load_data(code, language)
    except DataError:
        return False
    return isinstance(data, dict) and "$schema" in data


def _signature_parameter(name: Any) -> dict[str, Any]:
    """The parameter a path's ``{name}`` is when the plan says nothing more of it."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


class ApiReader:
    """Reads schemas and parameters for one directive.

    :param directive: the directive being run
    """

    def __init__(self, directive: PlanObjectDirective) -> None:
        self.directive = directive

    def warn(self, subtype: PlanWarning, message: str, option: str | None = None) -> None:
        """Warn at the directive, or at an option's line."""
        self.directive.warn(subtype, f"{self.directive.name}: {message}", option=option)

    def load_file(self, name: str, option: str) -> Any:
        """A schema read from a file, the file noted as a dependency of the document.

        :param name: the path (relative to the document, or absolute from the source dir)
        :param option: the option that named it, for warnings
        :return: the schema, or ``None`` when it cannot be read
        """
        env = self.directive.env
        rel, absolute = env.relfn2path(name, env.docname)
        env.note_dependency(rel)
        try:
            text = read_file(absolute)
        except FileError as err:
            self.warn(
                PlanWarning.SCHEMA,
                f"{option}: cannot read the schema file {name!r} ({err.message})",
                option,
            )
            return None
        language = "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
        try:
            return load_data(text, language)
        except DataError as err:
            where = f" (line {err.line + 1})" if err.line is not None else ""
            self.warn(
                PlanWarning.SCHEMA,
                f"{option}: the schema file {name!r} is {err.message}{where}",
                option,
            )
            return None

    def schema_option(self, value: str | None, option: str = "schema") -> Any:
        """The schema a ``:schema:``-like option names.

        :param value: the option's value
        :param option: the option's name
        :return: the schema, or ``None``
        """
        value = (value or "").strip()
        if not value:
            return None
        if value.lower().endswith(SCHEMA_FILES):
            return self.load_file(value, option)
        try:
            return type_schema(value)
        except ParamError as err:
            self.warn(PlanWarning.FIELD, f"{option}: {err}", option)
            return None

    def body(
        self, body: list[nodes.Node], values: dict[str, Any], *, media: str | None
    ) -> tuple[BodySchema | None, tuple[Example, ...]]:
        """The body's schema (option or marked block) and its examples.

        :param body: the parsed body
        :param values: the typed fields (``schema``, ``content-type``)
        :param media: the default media type when the body has a schema or examples
        :return: the schema (``None`` when there is none) and the examples
        """
        schema, line = (
            self.schema_option(values.get("schema")),
            self.directive.option_line("schema"),
        )
        examples = []
        for block in code_blocks(body):
            language, code = str(block.get("language", "")), block.astext()
            if is_schema_block(language, code):
                if schema is not None or values.get("schema"):
                    self.warn(
                        PlanWarning.SCHEMA,
                        "the body has a second schema (a code block "
                        "with $schema, or :schema: and such a block); the first is used",
                    )
                    continue
                schema, line = load_data(code, language), block_line(self.directive, block)
                continue
            examples.append(Example(language, code, block_line(self.directive, block)))
        types = tuple(
            t.strip() for t in str(values.get("content-type") or "").split(",") if t.strip()
        )
        if schema is None and not types:
            return None, tuple(examples)
        if not types and media:
            types = (media,)
        return BodySchema(schema, line, types), tuple(examples)

    def parameters(self, values: dict[str, Any], path: str) -> tuple[dict[str, Any], ...]:
        """An endpoint's parameters; the path ones checked against the path.

        :param values: the typed fields
        :param path: the endpoint's path
        :return: OpenAPI Parameter Objects, path ones first
        """
        params: list[dict[str, Any]] = []
        for location in LOCATIONS:
            params += self.parameter_option(values.get(location), location, location)
        names = path_names(path.partition("?")[0])
        declared = [p["name"] for p in params if p["in"] == "path"]
        if values.get("path") is not None:
            missing = [n for n in names if n not in declared]
            extra = [n for n in declared if n not in names]
            if missing or extra:
                parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                    [f"not in the path: {', '.join(extra)}"] if extra else []
                )
                self.warn(
                    PlanWarning.FIELD,
                    f"path: the path parameters must be exactly the "
                    f"{{name}}s of {path!r} ({', '.join(names) or 'none'}); " + "; ".join(parts),
                    "path",
                )
        # a path parameter the plan does not describe is still one
        params[0:0] = [_signature_parameter(n) for n in names if n not in declared]
        return tuple(sorted(params, key=lambda p: LOCATIONS.index(p["in"])))

    def parameter_option(
        self, value: str | None, location: str, option: str
    ) -> list[dict[str, Any]]:
        """One option's parameters; a problem is a ``plan.field`` warning.

        :param value: the option's value
        :param location: ``path``, ``query``, ``header`` or ``cookie``
        :param option: the option's name
        :return: OpenAPI Parameter Objects
        """
        if not value:
            return []
        try:
            return parse_parameters(str(value), location)
        except ParamError as err:
            self.warn(PlanWarning.FIELD, f"{option}: {err}", option)
            return []

    def show(
        self,
        body: list[nodes.Node],
        parameters: tuple[dict[str, Any], ...],
        schema: BodySchema | None,
        caption: str,
        *,
        params_caption: str = "Parameters",
    ) -> None:
        """Insert the parameters and the body's properties before nested objects.

        :param body: the parsed body (changed)
        :param parameters: the parameters (or a response's headers)
        :param schema: the body's schema
        :param caption: the schema table's title
        :param params_caption: the parameter table's title
        """
        docname = self.directive.env.docname
        # the signature's {name}s alone (strings, required, undescribed) say nothing
        # the title does not: no table for them
        told = [p for p in parameters if p != _signature_parameter(p.get("name"))]
        shown = [*parameter_nodes(parameters, docname, caption=params_caption)] if told else []
        if schema is not None and schema.schema is not None:
            shown += schema_nodes(schema.schema, docname, caption=caption)
        for node in shown:
            if isinstance(node, nodes.table):
                self.directive.state.document.set_id(node)
        position = next(
            (
                i
                for i, n in enumerate(body)
                if isinstance(n, nodes.Element) and "plan-object" in n.get("classes", ())
            ),
            len(body),
        )
        body[position:position] = shown
