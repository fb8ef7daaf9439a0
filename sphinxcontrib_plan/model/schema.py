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
``regex`` library under a time limit per match (:data:`PATTERN_SECONDS`):
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

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

#: how a schema names a ``plan-schema`` (the OpenAPI components convention)
COMPONENTS = "#/components/schemas/"
#: the dialect of every plan schema
DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: longest instance text shown in a message
_MAX_MESSAGE = 200
#: longest time one pattern may take on one value, in seconds
PATTERN_SECONDS = 0.1

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


def _short(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _problems(errors: Iterable[Any]) -> list[Problem]:
    """Problems from jsonschema errors: the most telling sub-error of an ``anyOf``."""
    from jsonschema.exceptions import best_match

    found: dict[tuple[tuple[str | int, ...], str], bool] = {}
    for error in errors:
        path = tuple(error.absolute_path)
        message = error.message
        checked = not getattr(error, _UNCHECKED, False)
        if error.context:  # anyOf/oneOf: say why the nearest alternative failed
            best = best_match(_nearest_branch(error.context))
            path = (*path, *best.relative_path)
            message = best.message
            checked = not getattr(best, _UNCHECKED, False)
        found[path, message if not checked else _short(message)] = checked
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


#: the attribute marking a ``ValidationError`` as a value a pattern could not check
_UNCHECKED = "plan_unchecked"


def _unchecked_error(message: str) -> Any:
    from jsonschema import ValidationError

    error = ValidationError(message)
    setattr(error, _UNCHECKED, True)
    return error


class PatternMatcher:
    """``pattern`` and ``patternProperties`` matched in bounded time.

    Each pattern is compiled once; one that cannot be compiled, or that ran
    out of time once, is not run again: every value it should check is
    reported as unchecked at once.
    """

    def __init__(self, seconds: float = PATTERN_SECONDS) -> None:
        self.seconds = seconds
        self._compiled: dict[str, Any] = {}
        self._broken: dict[str, str] = {}

    def search(self, pattern: str, value: str) -> bool | str:
        """Whether *pattern* is found in *value*, or why that cannot be told.

        :param pattern: a JSON Schema pattern (not anchored)
        :param value: the string to search
        :return: ``True``/``False``, or the reason it could not be checked
        """
        import regex

        if pattern in self._broken:
            return self._broken[pattern]
        try:
            compiled = self._compiled.get(pattern) or regex.compile(pattern)
            self._compiled[pattern] = compiled
            return compiled.search(value, timeout=self.seconds) is not None
        except regex.error as err:
            reason = f"the pattern {pattern!r} cannot be read: {err}"
        except TimeoutError:
            reason = (
                f"the pattern {pattern!r} took over {self.seconds:g} s on "
                f"{_short(repr(value))} (a nested repetition such as (a+)+ backtracks "
                "without end); the value is not checked against it"
            )
        self._broken[pattern] = reason
        return reason

    def keywords(self) -> dict[str, Any]:
        """The ``pattern`` and ``patternProperties`` keyword functions, for ``extend``."""

        def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
            from jsonschema import ValidationError

            if not validator.is_type(instance, "string"):
                return
            found = self.search(patrn, instance)
            if isinstance(found, str):
                yield _unchecked_error(found)
            elif not found:
                yield ValidationError(f"{instance!r} does not match {patrn!r}")

        def pattern_properties(
            validator: Any, patterns: Any, instance: Any, schema: Any
        ) -> Iterator[Any]:
            if not validator.is_type(instance, "object"):
                return
            for patrn, subschema in patterns.items():
                for key, value in instance.items():
                    found = self.search(patrn, key)
                    if isinstance(found, str):
                        yield _unchecked_error(found)
                    elif found:
                        yield from validator.descend(value, subschema, path=key, schema_path=patrn)

        return {"pattern": pattern, "patternProperties": pattern_properties}


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


def format_checker() -> Any:
    """The formats asserted in examples: the same on every machine.

    jsonschema checks some formats only when optional packages are installed;
    a plan must give the same warnings everywhere, so only formats checked
    with the standard library are asserted.

    :return: a ``jsonschema.FormatChecker``
    """
    from jsonschema import FormatChecker

    checker = FormatChecker(("date", "email", "ipv4", "ipv6", "regex", "uuid"))
    checker.checks("date-time", raises=ValueError)(_date_time)
    return checker


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    import datetime

    if not _RFC3339.fullmatch(value):
        return False
    datetime.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    return True
