"""JSON Schema checks of a plan: schemas against 2020-12, examples against their schema.

Pure functions, no Sphinx or docutils. Two jobs (reading a code block's data is
:mod:`sphinxcontrib_plan.model.codedata`'s):

- :func:`check_schema` checks a schema against the JSON Schema 2020-12
  meta-schema and flags misspelt keywords (``requried``);
- :class:`SchemaSet` holds the named schemas of a project (``plan-schema``)
  and validates an example against a schema whose ``$ref`` s name them as
  OpenAPI does (``#/components/schemas/Money``). Nothing is ever fetched
  from the network: an unknown reference is a problem, not a download.

Patterns (``pattern``, ``patternProperties``) are matched with the
``regex`` library under a time limit per match
(:data:`~sphinxcontrib_plan.model.schema_checkers.PATTERN_SECONDS`):
a pattern that backtracks without end (``^(a|a)*$``) or that the library
cannot read is a problem of its own, never a hung build.

Every problem carries the failing place as a JSONPath (``$.data.amount``)
and, when the source text is known, the line inside it, so the warning can
point at the value itself. ``jsonschema`` is imported on first use only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.codedata import locate
from sphinxcontrib_plan.model.schema_checkers import (
    UNCHECKED,
    PatternMatcher,
    format_checker,
    short,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

#: how a schema names a ``plan-schema`` (the OpenAPI components convention)
COMPONENTS = "#/components/schemas/"
#: the dialect of every plan schema
DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: keywords whose value is one subschema
ONE_SCHEMA = (
    "additionalProperties",
    "additionalItems",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
#: keywords whose value is a map of subschemas / a list of subschemas
SCHEMA_MAPS = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: every keyword of the 2020-12 vocabularies, plus OpenAPI's schema keywords
KEYWORDS = frozenset(
    {
        *ONE_SCHEMA,
        *SCHEMA_MAPS,
        *SCHEMA_LISTS,
        "$anchor",
        "$comment",
        "$dynamicAnchor",
        "$dynamicRef",
        "$id",
        "$ref",
        "$schema",
        "$vocabulary",
        "const",
        "contentEncoding",
        "contentMediaType",
        "default",
        "dependentRequired",
        "deprecated",
        "description",
        "enum",
        "examples",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "maxContains",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minContains",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "pattern",
        "readOnly",
        "required",
        "title",
        "type",
        "uniqueItems",
        "writeOnly",
        "dependencies",
        # OpenAPI 3.x Schema Object additions (3.0's ``nullable`` is read by the importer)
        "discriminator",
        "example",
        "externalDocs",
        "nullable",
        "xml",
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a schema or an example."""

    #: where, as a JSONPath into the checked document: ``$``, ``$.data.amount``, ``$.items[0]``
    path: str
    #: what is wrong, e.g. ``'ten' is not of type 'integer'``
    message: str
    #: 0-based line inside the checked text, when it is known
    line: int | None = None
    #: the keys and indices of :attr:`path`, to locate the value in its text
    steps: tuple[str | int, ...] = ()
    #: ``False`` when the value could not be checked (a pattern out of time)
    checked: bool = True

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def json_path(path: Iterable[str | int]) -> str:
    """A JSONPath for a list of keys and indices.

    :param path: e.g. ``["data", "items", 0, "unit price"]``
    :return: e.g. ``$.data.items[0]['unit price']``
    """
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$-]*", step):
            out += f".{step}"
        else:
            out += "[" + repr(step) + "]"
    return out


def _problems(errors: Iterable[Any]) -> list[Problem]:
    """Problems from jsonschema errors: the most telling sub-error of an ``anyOf``."""
    from jsonschema.exceptions import best_match

    found: dict[tuple[tuple[str | int, ...], str], bool] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        message = error.message
        checked = not getattr(error, UNCHECKED, False)
        if error.context:  # anyOf/oneOf: say why the nearest alternative failed
            best = best_match(_nearest_branch(error.context))
            path = (*path, *best.relative_path)
            message = best.message
            checked = not getattr(best, UNCHECKED, False)
        found[path, message if not checked else short(message)] = checked
    ordered = sorted(found, key=lambda item: ([str(s) for s in item[0]], item[1]))
    return [
        Problem(json_path(path), message, steps=path, checked=found[path, message])
        for path, message in ordered
    ]


def _nearest_branch(context: Iterable[Any]) -> list[Any]:
    """The errors of the ``anyOf``/``oneOf`` alternative the instance came closest to.

    An alternative of another type (an object checked against ``integer``)
    is farther than one of the right type that misses a property.
    """
    branches: dict[Any, list[Any]] = {}
    for sub in context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def distance(errors: list[Any]) -> tuple[bool, int]:
        wrong_type = any(e.validator == "type" and not e.relative_path for e in errors)
        return wrong_type, len(errors)

    return min(branches.values(), key=distance)


def with_lines(problems: Iterable[Problem], text: str, language: str) -> list[Problem]:
    """The problems of an example, each with the line of its value in *text*.

    :param problems: problems found in the data read from *text*
    :param text: the code block's text
    :param language: its language
    :return: the same problems, :attr:`Problem.line` filled where it can be told
    """
    return [
        Problem(p.path, p.message, locate(text, language, p.steps), p.steps, p.checked)
        for p in problems
    ]


def schema_keywords(
    schema: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every (sub)schema object of *schema* with its path, the root first.

    :param schema: a JSON Schema
    :param path: the path of *schema* itself
    :return: ``(path, schema object)`` pairs
    """
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key in ONE_SCHEMA:
        yield from schema_keywords(schema.get(key), (*path, key))
    for key in SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            for name, sub in schema[key].items():
                yield from schema_keywords(sub, (*path, key, name))
    for key in SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for i, sub in enumerate(schema[key]):
                yield from schema_keywords(sub, (*path, key, i))


def references(schema: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every ``$ref`` of a schema.

    :param schema: a JSON Schema
    :return: ``(keys and indices of the reference, reference)`` pairs
    """
    return [
        ((*path, "$ref"), sub["$ref"])
        for path, sub in schema_keywords(schema)
        if isinstance(sub.get("$ref"), str)
    ]


def meta_errors(schema: Any) -> list[Problem]:
    """The errors of *schema* against the JSON Schema 2020-12 meta-schema only.

    :param schema: the schema, as data
    :return: the problems (empty when the schema is valid JSON Schema)
    """
    if not isinstance(schema, (dict, bool)):
        return [Problem("$", f"a schema is an object or a boolean, not {_json_type(schema)}")]
    from jsonschema import Draft202012Validator

    return _problems(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema))


def check_schema(schema: Any) -> list[Problem]:
    """Check *schema* against the JSON Schema 2020-12 meta-schema.

    Unknown keywords are allowed by the standard, but one close to a known
    keyword is almost surely a typo that silently disables a check: it is
    reported with the keyword meant.

    :param schema: the schema, as data
    :return: the problems, in path order (empty when the schema is valid)
    """
    problems = meta_errors(schema)
    for path, sub in schema_keywords(schema):
        for key in sub:
            if key in KEYWORDS or key.startswith("x-"):
                continue
            near = difflib.get_close_matches(key, KEYWORDS, n=1, cutoff=0.8)
            if near:
                problems.append(
                    Problem(
                        json_path(path),
                        f"unknown keyword {key!r} (did you mean {near[0]!r}?)",
                        steps=(*path, key),
                    )
                )
    return problems


def _json_type(value: Any) -> str:
    names = {
        list: "an array",
        str: "a string",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


class SchemaSet:
    """The named schemas of a project, and validation against them.

    :param named: schema name → schema; referred to as ``#/components/schemas/NAME``
    """

    def __init__(self, named: Mapping[str, Any] | None = None) -> None:
        self.named: dict[str, Any] = dict(named or {})
        self.patterns = PatternMatcher()

    def unknown_references(self, schema: Any) -> list[Problem]:
        """References to ``#/components/schemas/X`` where no schema ``X`` exists.

        :param schema: a schema
        :return: one problem per unknown name, with the nearest known names
        """
        problems = []
        for steps, ref in references(schema):
            path = json_path(steps[:-1])  # the schema holding the reference
            if not ref.startswith(COMPONENTS):
                continue
            name = ref[len(COMPONENTS) :].split("/", 1)[0]
            if name not in self.named:
                near = difflib.get_close_matches(name, self.named, n=3, cutoff=0.6)
                hint = (
                    f"; did you mean {', '.join(near)}?"
                    if near
                    else (
                        f"; known: {', '.join(sorted(self.named))}"
                        if self.named
                        else "; no plan-schema is defined"
                    )
                )
                problems.append(Problem(path, f"$ref {ref!r} names no schema{hint}", steps=steps))
        return problems

    def validate(self, instance: Any, schema: Any) -> list[Problem]:
        """Validate an example against *schema*, its references resolved here.

        :param instance: the example, as data
        :param schema: the schema (may refer to the named schemas)
        :return: the problems, in path order (empty when the example is valid)
        """
        from jsonschema import Draft202012Validator, validators
        from referencing import Registry
        from referencing.exceptions import NoSuchResource, Unresolvable

        if not isinstance(schema, (dict, bool)):
            return []
        root = schema
        if isinstance(schema, dict):
            components = dict(schema.get("components") or {})
            components["schemas"] = {**self.named, **(components.get("schemas") or {})}
            root = {**schema, "components": components}

        def retrieve(uri: str) -> Any:
            # referencing wraps attrs' frozen in a decorator of its own, which hides
            # the generated __init__ from mypy's attrs plugin (ref is its field)
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # never fetch: a plan is checked offline

        checker = validators.extend(  # type: ignore[no-untyped-call]  # untyped in types-jsonschema
            Draft202012Validator, self.patterns.keywords()
        )
        validator = checker(
            root,
            registry=Registry(retrieve=retrieve),  # type: ignore[call-arg]  # as NoSuchResource
            format_checker=format_checker(),
        )
        try:
            return _problems(validator.iter_errors(instance))
        except Unresolvable as err:
            ref = str(getattr(err, "ref", ""))
            ref = f"#{ref}" if ref.startswith("/") else ref
            return [
                Problem(
                    "$",
                    f"the schema's reference {ref!r} "
                    "cannot be resolved; references name a plan-schema as "
                    f"'{COMPONENTS}NAME' or a place in the schema itself",
                )
            ]
        except RecursionError:
            return [Problem("$", "the schema refers to itself without end")]
