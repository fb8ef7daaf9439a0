"""An OpenAPI document written as a plan: ``plan-schema``, ``plan-endpoint``, ``plan-response``.

The importer ``openapi`` of ``sphinx-plan import`` and the ``plan-openapi``
directive both start from :func:`plan_blocks`, which turns the neutral
reading (:class:`~sphinxcontrib_plan.importers.openapi_model.ApiDocument`)
into emitter blocks:

- each named schema becomes ``plan-schema NAME`` holding it as YAML;
- each operation becomes ``plan-endpoint METHOD /path`` with
  ``:operation-id:``, ``:summary:``, ``:tags:``, ``:deprecated:``, ``:auth:``
  and ``:permissions:`` (from its security), the parameters in the compact
  notation (``:path:``, ``:query:``, ``:header:``, ``:cookie:``), the request
  body's ``:schema:`` and ``:content-type:``, its description and examples;
- each response becomes a nested ``plan-response CODE Reason`` with its
  ``:content-type:``, ``:schema:``, ``:headers:``, description and examples;
- a webhook (OpenAPI 3.1) is an endpoint with ``:webhook:``;
- ``info``, the servers, tags and security schemes become ``plan-api``,
  ``plan-server``, ``plan-tag`` and ``plan-security``
  (:mod:`~sphinxcontrib_plan.importers.openapi_info`); an endpoint's
  ``:auth:`` names its schemes.

A schema that is one named schema is written as its name; any other is a
``yaml`` code block whose ``$schema`` marks it as the schema (the other code
blocks are examples).
"""

from __future__ import annotations

import http
import json
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.importers.emit import Code, Directive, Heading, Text
from sphinxcontrib_plan.importers.openapi_info import api_blocks, carried, source_path
from sphinxcontrib_plan.importers.openapi_schema import pointer
from sphinxcontrib_plan.model.params import format_parameters, type_text
from sphinxcontrib_plan.model.schema import DIALECT, SchemaSet

if TYPE_CHECKING:
    from sphinxcontrib_plan.importers.base import ImportResult
    from sphinxcontrib_plan.importers.openapi_model import (
        ApiDocument,
        Media,
        Operation,
        Parameter,
        Response,
    )
    from sphinxcontrib_plan.model.codedata import Parsed

#: the ``auth`` word of each OpenAPI security scheme shape
_AUTH_WORDS = {
    ("http", "bearer"): "bearer",
    ("http", "basic"): "basic",
    ("apikey", "header"): "api-key",
    ("apikey", "query"): "api-key",
    ("apikey", "cookie"): "cookie",
    ("oauth2", None): "oauth2",
    ("openidconnect", None): "openid",
    ("mutualtls", None): "mtls",
}


def schema_block(schema: Any, *, marked: bool = True) -> Code:
    """A schema as a ``yaml`` code block (compact, and readable in a plan).

    :param schema: the schema
    :param marked: whether to mark it with ``$schema`` (needed where the block
        sits among examples; a ``plan-schema`` body is the schema anyway)
    :return: the block
    """
    import yaml

    if marked and isinstance(schema, dict):
        schema = {"$schema": DIALECT, **schema}
    text = yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=88)
    return Code(text, "yaml")


def example_block(value: Any) -> Code:
    """An example as a code block: JSON data, or the text as written.

    :param value: the example
    :return: the block
    """
    if isinstance(value, str):
        return Code(value, "text")
    return Code(json.dumps(value, indent=2, ensure_ascii=False), "json")


def param_dict(param: Parameter) -> dict[str, Any]:
    """An OpenAPI Parameter Object of a parameter of the neutral model.

    :param param: the parameter
    :return: ``{name, in, required, schema}`` and its other fields
    """
    out: dict[str, Any] = {
        "name": param.name,
        "in": param.location,
        "required": param.required,
        "schema": param.schema or {},
    }
    if param.description:
        out["description"] = param.description
    if param.deprecated:
        out["deprecated"] = True
    if param.example is not None:
        out["example"] = param.example
    return {**out, **param.extra}


class PlanWriter:
    """Turns one :class:`ApiDocument` into blocks; notes what it could not carry.

    :param doc: the document read
    """

    def __init__(self, doc: ApiDocument) -> None:
        self.doc = doc
        #: what the plan cannot say about the document, one line each
        self.notes: list[str] = []
        self.checker: SchemaSet | None = None

    def auth(self, operation: Operation) -> tuple[str | None, list[str]]:
        """The ``auth`` value and the permissions (scopes) of an operation."""
        if operation.security is None:
            return None, []
        if not operation.security:
            return "none", []
        alternatives, scopes = [], []
        for requirement in operation.security:
            words = []
            for name, needed in requirement.items():
                scheme = self.doc.security_schemes.get(name)
                scopes += [s for s in needed if s not in scopes]
                if carried(name, scheme):  # a plan-security of that name
                    words.append(name)
                    continue
                scheme = scheme if isinstance(scheme, dict) else {}
                kind = str(scheme.get("type", "")).lower()
                detail = scheme.get("scheme") if kind == "http" else scheme.get("in")
                word = _AUTH_WORDS.get(
                    (kind, str(detail).lower() if detail else None)
                ) or _AUTH_WORDS.get((kind, None))
                if word is None:
                    self.notes.append(
                        f"{operation.signature}: security scheme {name!r} has no "
                        "plan auth word; kept as its name"
                    )
                    word = name
                words.append(word)
            alternatives.append(" and ".join(words) if words else "none")
        return " or ".join(dict.fromkeys(alternatives)), scopes

    def media(
        self, target: Directive, content: tuple[Media, ...], where: tuple[Any, ...]
    ) -> list[Any]:
        """``:content-type:`` and ``:schema:`` of a body; its schema/example blocks.

        :param where: the path of the body in the document (for the report)
        """
        if not content:
            return []
        target.option("content-type", ", ".join(m.media_type for m in content))
        typed = [m for m in content if m.schema is not None]
        blocks: list[Any] = []
        kept = typed[0].schema if typed else None
        if typed:
            for other in typed[1:]:
                if other.schema != kept:
                    self.notes.append(
                        f"{pointer((*where, 'content', other.media_type, 'schema'))}"
                        f": not carried: a body has one schema, that of "
                        f"{typed[0].media_type}"
                    )
            name = type_text(kept)  # ``Pet``, ``Pet[]``, ``string``...
            if name is not None:
                target.option("schema", name)
            else:
                blocks.append(schema_block(kept))
        seen: list[Any] = []
        for media in content:
            for label, value in media.examples:
                if value not in seen:
                    seen.append(value)
                    blocks.append(
                        self.example(value, kept, (*where, "content", media.media_type), label)
                    )
        return blocks

    def example(self, value: Any, schema: Any, where: tuple[Any, ...], label: str) -> Code:
        """An example's block; one that does not match its schema is written as text
        (the plan would warn about it) and named in the report."""
        if schema is None or isinstance(value, str):
            return example_block(value)
        if self.checker is None:
            self.checker = SchemaSet(self.doc.schemas)
        problems = self.checker.validate(value, schema)
        if not problems:
            return example_block(value)
        at = pointer((*where, "examples", label) if label else (*where, "example"))
        self.notes.append(
            f"{at}: does not match its schema ({problems[0]}); written as text, not checked"
        )
        return Code(json.dumps(value, indent=2, ensure_ascii=False), "text")

    @staticmethod
    def where(operation: Operation) -> tuple[Any, ...]:
        """The path of an operation in the document."""
        if operation.webhook:
            return ("webhooks", operation.webhook, operation.method.lower())
        return ("paths", operation.path, operation.method.lower())

    def response(self, operation: Operation, response: Response) -> Directive:
        """A ``plan-response`` of one response."""
        reason = ""
        if response.code.isdigit():
            try:
                reason = http.HTTPStatus(int(response.code)).phrase
            except ValueError:
                reason = ""
        directive = Directive("plan-response", f"{response.code} {reason}".strip())
        if response.headers:
            directive.option(
                "headers", format_parameters([param_dict(h) for h in response.headers])
            )
        blocks = self.media(
            directive, response.content, (*self.where(operation), "responses", response.code)
        )
        if response.description:
            directive.body.append(Text(response.description))
        directive.body += blocks
        return directive

    def endpoint(self, operation: Operation) -> Directive:
        """A ``plan-endpoint`` of one operation, its responses nested."""
        path = operation.path if not operation.webhook else f"/{operation.webhook}"
        directive = Directive("plan-endpoint", f"{operation.method} {path}")
        if operation.webhook:
            directive.option("webhook", None)
        if operation.operation_id:
            directive.option("operation-id", operation.operation_id)
        if operation.summary:
            directive.option("summary", " ".join(operation.summary.split()), markup=True)
        if operation.tags:
            directive.option("tags", ", ".join(operation.tags))
        if operation.deprecated:
            directive.option("deprecated", None)
        auth, scopes = self.auth(operation)
        if auth:
            directive.option("auth", auth)
        if scopes:
            directive.option("permissions", ", ".join(scopes))
        for location in ("path", "query", "header", "cookie"):
            params = [param_dict(p) for p in operation.parameters if p.location == location]
            if params:
                directive.option(location, format_parameters(params))
        body = operation.request_body
        blocks = (
            self.media(directive, body.content, (*self.where(operation), "requestBody"))
            if body
            else []
        )
        if body and body.content and not body.required:
            directive.option("optional-body", None)
        if operation.description:
            directive.body.append(Text(operation.description))
        if body and body.description:
            directive.body.append(Text(f"Request body: {body.description}"))
        directive.body += blocks
        directive.body += [self.response(operation, r) for r in operation.responses]
        return directive

    def blocks(self, level: int = 2) -> list[Any]:
        """The API, its servers, tags and security schemes, then schemas, endpoints
        and webhooks, each under a heading of *level*.

        :param level: the headings' level
        :return: emitter blocks
        """
        out: list[Any] = api_blocks(self.doc, self.notes, level)
        if self.doc.schemas:
            out.append(Heading(level, "Schemas"))
            for name, schema in self.doc.schemas.items():
                directive = Directive("plan-schema", name)
                directive.body.append(schema_block(schema, marked=False))
                out.append(directive)
        for title, webhooks in (("Endpoints", False), ("Webhooks", True)):
            ops = [o for o in self.doc.operations if bool(o.webhook) == webhooks]
            if ops:
                out.append(Heading(level, title))
                out += [self.endpoint(o) for o in ops]
        return out


def source_lines(parsed: Parsed, doc: ApiDocument) -> dict[tuple[str, ...], int]:
    """The 1-based lines of the operations and schemas of a document.

    :param parsed: the document as parsed (once: its lines are read from that reading)
    :param doc: its reading
    :return: ``("paths", path, method)``, ``("webhooks", name, method)``, those
        with a response code added, and ``("schemas", name)`` to their line (0 when unknown)
    """
    lines: dict[tuple[str, ...], int] = {}
    place = "definitions" if doc.openapi.startswith("2.") else "components/schemas"
    for name in doc.schemas:
        line = parsed.line((*place.split("/"), name))
        lines["schemas", name] = 0 if line is None else line + 1
    for op in doc.operations:
        key = (
            ("webhooks", op.webhook, op.method.lower())
            if op.webhook
            else ("paths", op.path, op.method.lower())
        )
        line = parsed.line(key)
        lines[key] = 0 if line is None else line + 1
        for response in op.responses:  # each response at its own line
            line = parsed.line((*key, "responses", response.code))
            if line is not None:
                lines[(*key, response.code)] = line + 1
    return lines


def import_openapi(
    text: str, *, plan_id: str | None = None, parsed: Parsed | None = None
) -> ImportResult:
    """The ``openapi`` importer of ``sphinx-plan import``.

    :param text: a Swagger 2.0, OpenAPI 3.0 or 3.1 document, JSON or YAML
    :param plan_id: the plan id (``--id``); default: a slug of ``info.title``
    :param parsed: the text's reading as data, when it was read already (it is read once)
    :return: an :class:`~sphinxcontrib_plan.importers.base.ImportResult`
    :raises ImporterError: when the text is not such a document, or passes a limit
    """
    from sphinxcontrib_plan.importers.base import ImporterError, ImportResult, Report
    from sphinxcontrib_plan.importers.emit import Document
    from sphinxcontrib_plan.importers.openapi import OpenApiError, parse_document, read_openapi
    from sphinxcontrib_plan.importers.openapi_report import not_carried
    from sphinxcontrib_plan.model.ids import slug

    try:
        parsed = parsed or parse_document(text)
        doc = read_openapi(parsed.data)
    except OpenApiError as err:
        raise ImporterError(str(err)) from None
    report = Report()
    title = doc.title or "API"
    report.plan_id = plan_id or slug(title)[:40].strip("-") or "api"
    if not plan_id:
        report.notes.append(f"the plan id {report.plan_id!r} comes from info.title (give --id)")
    report.title = title
    plan = Directive("plan", title)
    plan.option("id", report.plan_id)
    plan.option("status", "draft")
    writer = PlanWriter(doc)
    blocks = writer.blocks()
    lines = source_lines(parsed, doc)
    for block in blocks:
        where = (
            source_path(doc, block.name, block.argument) if isinstance(block, Directive) else None
        )
        if where is not None:
            line = parsed.line(where)
            report.objects.setdefault(block.name.removeprefix("plan-"), []).append(
                0 if line is None else line + 1
            )
    for name in doc.schemas:
        report.objects.setdefault("schema", []).append(lines.get(("schemas", name), 0))
    for op in doc.operations:
        key = (
            ("webhooks", op.webhook, op.method.lower())
            if op.webhook
            else ("paths", op.path, op.method.lower())
        )
        report.objects.setdefault("endpoint", []).append(lines.get(key, 0))
        report.objects.setdefault("response", []).extend(
            lines.get((*key, r.code), lines.get(key, 0)) for r in op.responses
        )
    report.notes += list(doc.problems) + writer.notes + not_carried(parsed.data)
    return ImportResult(Document([Heading(1, title), plan, *blocks]), report)
