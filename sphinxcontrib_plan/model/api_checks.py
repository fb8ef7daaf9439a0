"""The ``plan.schema`` checks of a whole project, over plain data (no Sphinx).

Input: the named schemas (``plan-schema``) and every *use* of a schema —
an endpoint's request body, a response, an event's payload — each with its
schema (inline, or a named one) and its examples, all with their source
lines. Output: findings, each a message with the document and the line
where the reader must look: the schema's own line for a schema problem, the
failing value's line inside an example for an example that does not match.
Run after the merge of all documents (a use may name a schema defined in
another document), in document order, so ``-j N`` gives the same warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.codedata import JSON_LANGUAGES, YAML_LANGUAGES, DataError, load_data
from sphinxcontrib_plan.model.index import Finding
from sphinxcontrib_plan.model.params import type_text
from sphinxcontrib_plan.model.records import Example, SchemaData
from sphinxcontrib_plan.model.schema import SchemaSet, check_schema, with_lines

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinxcontrib_plan.model.index import ResolvedIndex


@dataclass(frozen=True)
class Source:
    """Where something was written: a document and a 1-based line."""

    docname: str
    line: int


@dataclass(frozen=True)
class SchemaUse:
    """A body that has (or names) a schema, and its examples."""

    #: what it is, for messages: ``endpoint 'POST /items' (request body)``
    label: str
    where: Source
    #: the inline schema, or ``None``
    schema: Any = None
    #: the line of the inline schema's code block, when it came from one
    schema_where: Source | None = None
    #: the examples, each at its line in the document of :attr:`where`
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class SchemaFinding:
    """One ``plan.schema`` warning."""

    message: str
    where: Source


def _schema_findings(
    label: str, schema: Any, where: Source, schemas: SchemaSet
) -> list[SchemaFinding]:
    found = [
        SchemaFinding(f"{label}: the schema is not valid JSON Schema 2020-12: {p}", where)
        for p in check_schema(schema)
    ]
    found += [SchemaFinding(f"{label}: {p}", where) for p in schemas.unknown_references(schema)]
    return found


def check_project(
    named: Mapping[str, tuple[Any, Source]], uses: Iterable[SchemaUse]
) -> list[SchemaFinding]:
    """Every schema problem and every example that does not match its schema.

    :param named: schema name → ``(schema, where it is written)``
    :param uses: the bodies with schemas, in document order
    :return: findings in input order
    """
    schemas = SchemaSet({name: schema for name, (schema, _) in named.items()})
    findings: list[SchemaFinding] = []
    for name, (schema, where) in named.items():
        findings += _schema_findings(f"schema {name!r}", schema, where, schemas)
    for use in uses:
        if use.schema is None:
            continue
        where = use.schema_where or use.where
        problems = _schema_findings(use.label, use.schema, where, schemas)
        findings += problems
        if problems:
            continue  # an example is not checked against a broken schema
        for example in use.examples:
            findings += _example_findings(use, example, schemas)
    return findings


def _example_findings(use: SchemaUse, example: Example, schemas: SchemaSet) -> list[SchemaFinding]:
    docname, first = use.where.docname, example.line or use.where.line
    try:
        data = load_data(example.code, example.language)
    except DataError as err:
        return [
            SchemaFinding(
                f"{use.label}: the example is {err.message}; it cannot be "
                "checked against the schema",
                Source(docname, first + (err.line or 0)),
            )
        ]
    problems = with_lines(schemas.validate(data, use.schema), example.code, example.language)
    name = type_text(use.schema)
    against = f"schema {name!r}" if name else "its schema"
    return [
        SchemaFinding(
            f"{use.label}: the example does not match {against}: {p}"
            if p.checked
            else f"{use.label}: the example cannot be checked against {against}: {p}",
            Source(docname, first + (p.line or 0)),
        )
        for p in problems
    ]


def uses_of(index: ResolvedIndex) -> list[SchemaUse]:
    """Every body of the index that has a schema or examples, in document order.

    :param index: the resolved index
    :return: the uses
    """
    uses = []
    for record in index.records:
        body = record.body_schema
        data = record.data
        examples = getattr(data, "examples", ())
        if body is None or body.schema is None:
            continue
        if record.type == "endpoint":
            label = f"endpoint {record.title!r} (request body)"
        elif record.type == "response":
            parent = index.by_id.get(record.parent or "")
            label = f"response {record.title!r}" + (f" of {parent.title!r}" if parent else "")
        else:
            label = f"{record.type} {record.title!r}"
        uses.append(
            SchemaUse(
                label,
                Source(record.docname, record.lineno),
                body.schema,
                Source(record.docname, body.line or record.lineno),
                tuple(e for e in examples if _checkable(e.language, e.code)),
            )
        )
    return uses


def _checkable(language: str, code: str) -> bool:
    """Whether a code block is data to check: JSON or YAML (or unmarked JSON)."""
    language = language.lower()
    if language in JSON_LANGUAGES | YAML_LANGUAGES:
        return True
    return not language and code.lstrip()[:1] in ("{", "[")


def schema_findings(index: ResolvedIndex) -> list[Finding]:
    """The ``plan.schema`` findings of a project.

    :param index: the resolved index
    :return: findings, in document order
    """
    named = {}
    for record in index.by_type.get("schema", ()):
        if record.title and record.title not in named and isinstance(record.data, SchemaData):
            named[record.title] = (
                record.data.schema,
                Source(record.docname, record.data.line or record.lineno),
            )
    return [
        Finding("schema", f.message, (f.where.docname, f.where.line))
        for f in check_project(named, uses_of(index))
    ]
