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

from sphinxcontrib_plan.model.codedata import DataError, load_data
from sphinxcontrib_plan.model.schema import COMPONENTS, SchemaSet, check_schema, with_lines

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


@dataclass(frozen=True)
class Source:
    """Where something was written: a document and a 1-based line."""

    docname: str
    line: int


@dataclass(frozen=True)
class Example:
    """An example code block: its text, language and first content line."""

    text: str
    language: str
    #: the line of the block's first line of code
    where: Source


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
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One ``plan.schema`` warning."""

    message: str
    where: Source


def _schema_findings(label: str, schema: Any, where: Source, schemas: SchemaSet
                     ) -> list[Finding]:
    found = [Finding(f"{label}: the schema is not valid JSON Schema 2020-12: {p}", where)
             for p in check_schema(schema)]
    found += [Finding(f"{label}: {p}", where) for p in schemas.unknown_references(schema)]
    return found


def check_project(named: Mapping[str, tuple[Any, Source]], uses: Iterable[SchemaUse]
                  ) -> list[Finding]:
    """Every schema problem and every example that does not match its schema.

    :param named: schema name → ``(schema, where it is written)``
    :param uses: the bodies with schemas, in document order
    :return: findings in input order
    """
    schemas = SchemaSet({name: schema for name, (schema, _) in named.items()})
    findings: list[Finding] = []
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


def _example_findings(use: SchemaUse, example: Example, schemas: SchemaSet) -> list[Finding]:
    try:
        data = load_data(example.text, example.language)
    except DataError as err:
        line = example.where.line + (err.line or 0)
        return [Finding(f"{use.label}: the example is {err.message}; it cannot be checked "
                        "against the schema", Source(example.where.docname, line))]
    problems = with_lines(schemas.validate(data, use.schema), example.text, example.language)
    name = _name(use.schema)
    against = f"schema {name!r}" if name else "its schema"
    return [Finding(f"{use.label}: the example does not match {against}: {p}",
                    Source(example.where.docname, example.where.line + (p.line or 0)))
            for p in problems]


def _name(schema: Any) -> str | None:
    if isinstance(schema, dict) and set(schema) == {"$ref"} \
            and str(schema["$ref"]).startswith(COMPONENTS):
        return schema["$ref"][len(COMPONENTS):]
    return None
