"""Reading ``plan.json``: the one reader and validator of the package.

Every feature that reads a ``plan.json`` it did not just write (``diff`` and
its ``--openapi`` plan, ``plan-changes`` baselines, ``plan_external``
sources) reads it here, and every problem is a :class:`PlanJsonError` with a
one-line message naming where it is (``objects[3].fields: a string, not an
object``).

Bounded and linear: the text is at most :data:`MAX_BYTES`; its nesting is
measured before it is parsed (no :class:`RecursionError`, deeper than
:data:`MAX_DEPTH` is refused); integers past Python's digit limit are a
problem, not a :class:`ValueError` traceback. The shape check is plain Python
generated from the type registry (each field's JSON type follows from its
:class:`~sphinxcontrib_plan.model.types.Kind`), one pass over the objects:
200,000 objects are checked in about a second, where a JSON Schema run over
the published schema takes minutes. The published schema
(``export/schema/plan.schema.json``) stays the full description; a test keeps
the two in agreement on what they accept.
"""

from __future__ import annotations

import json
import json.scanner
import re
import sys
from collections.abc import Callable
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.ids import METHODS
from sphinxcontrib_plan.model.limits import MAX_PLAN_JSON_BYTES, MAX_PLAN_JSON_DEPTH, read_at_most
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from sphinxcontrib_plan.model.typespec import ObjectType, Registry

#: bump on any incompatible change of the document's shape
SCHEMA_VERSION = 1
SCHEMA_ID = "https://sphinxcontrib-plan.readthedocs.io/schema/plan-1.json"
#: the largest ``plan.json`` read, and its deepest nesting (see :mod:`.limits`)
MAX_BYTES = MAX_PLAN_JSON_BYTES
MAX_DEPTH = MAX_PLAN_JSON_DEPTH


class PlanJsonError(ValueError):
    """A ``plan.json`` cannot be read or is not one; the message is one line."""


_NULL = type(None)
_JSON_NAMES = {
    str: "a string",
    dict: "an object",
    int: "an integer",
    list: "an array",
    bool: "true or false",
    float: "a number",
    _NULL: "null",
}
#: the keys of every plan and object, their JSON types (as :func:`json.loads`
#: makes them: ``bool`` is no ``int`` here), and whether every file has them
_RECORD: dict[str, tuple[frozenset[type], bool]] = {
    key: (frozenset(types), required)
    for key, types, required in (
        ("type", (str,), True),
        ("id", (str,), True),
        ("title", (str,), False),
        ("plan", (str, _NULL), False),
        ("fields", (dict,), False),
        ("derived", (dict,), False),
        ("checks", (dict, _NULL), False),
        ("parent", (str, _NULL), False),
        ("data", (dict,), False),
        ("body", (str,), False),
        ("docname", (str,), False),
        ("source", (str, _NULL), False),
        ("line", (int,), False),
        ("anchor", (str,), False),
        ("url", (str, _NULL), False),
    )
}
#: keys an older ``plan.json`` may lack even when every key is asked for
_LATER_KEYS = frozenset({"body", "source"})
_MISSING = object()

#: a problem found inside a value: the path below it, the value, what was wanted
Problem = tuple[str, object, str]
#: a check of one value: ``None`` when it is fine
Check = Callable[[object], "Problem | None"]


def _wanted(types: frozenset[type]) -> str:
    return " or ".join(sorted(_JSON_NAMES[t] for t in types))


def _fail(where: str, value: object, wanted: str) -> PlanJsonError:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 40:
        shown = f"{shown[:37]}..."
    return PlanJsonError(f"{where} is {shown}, not {wanted}")


def _of(*types: type) -> Check:
    allowed = frozenset(types)
    wanted = _wanted(allowed)
    return lambda value: None if type(value) in allowed else ("", value, wanted)


def _list_of(item: Check) -> Check:
    def check(value: object) -> Problem | None:
        if type(value) is not list:
            return "", value, "an array"
        for i, element in enumerate(value):
            problem = item(element)
            if problem is not None:
                return f"[{i}]{problem[0]}", problem[1], problem[2]
        return None

    return check


def _object_of(keys: Mapping[str, Check], *, required: tuple[str, ...] = ()) -> Check:
    def check(value: object) -> Problem | None:
        if type(value) is not dict:
            return "", value, "an object"
        for name in required:
            if name not in value:
                return "", value, f"an object with {name!r}"
        for name, element in value.items():
            inner = keys.get(name)
            problem = inner(element) if inner is not None else None
            if problem is not None:
                return f".{name}{problem[0]}", problem[1], problem[2]
        return None

    return check


def _weeks(value: object) -> Problem | None:
    if type(value) is list and len(value) == 2 and all(type(v) is int and v >= 0 for v in value):
        return None
    return "", value, "[first week, last week]"


def _percent(value: object) -> Problem | None:
    # bool is an int subclass, and not a percentage
    if (type(value) is int or type(value) is float) and 0 <= value <= 100:
        return None
    return "", value, "a number from 0 to 100"


def _one_of(*choices: str) -> Check:
    wanted = ", ".join(choices)
    return lambda value: None if value in choices else ("", value, f"one of {wanted}")


_TEXT = _of(str)
_STRINGS = _list_of(_TEXT)
#: how the canonical value of each kind of field is checked
_KIND_CHECKS: dict[Kind, Check] = {
    Kind.TEXT: _TEXT,
    Kind.ENUM: _TEXT,
    Kind.DATE: _TEXT,
    Kind.WEEKS: _weeks,
    Kind.LIST: _STRINGS,
    Kind.REF: _TEXT,
    Kind.REFS: _STRINGS,
    Kind.FLAG: _of(bool),
    Kind.PERCENT: _percent,
    Kind.NUMBER: _of(int, float),
    Kind.DOC: _TEXT,
}
_EXAMPLES = _list_of(_object_of({"language": _TEXT, "code": _TEXT}, required=("language", "code")))
_PARAMETERS = _list_of(
    _object_of(
        {
            "name": _TEXT,
            "in": _one_of("path", "query", "header", "cookie"),
            "required": _of(bool),
            "description": _TEXT,
        },
        required=("name", "in"),
    )
)
_BODY = _object_of({"media_types": _STRINGS})
#: how the keys of each type's ``data`` are checked (the keys the package reads)
_DATA_CHECKS: dict[str, Check] = {
    "endpoint": _object_of(
        {
            "method": _one_of(*METHODS),
            "path": _TEXT,
            "params": _STRINGS,
            "examples": _EXAMPLES,
            "description": _TEXT,
            "parameters": _PARAMETERS,
            "body": _BODY,
        }
    ),
    "response": _object_of(
        {
            "code": _TEXT,
            "reason": _TEXT,
            "description": _TEXT,
            "examples": _EXAMPLES,
            "headers": _PARAMETERS,
            "body": _BODY,
        }
    ),
    "event": _object_of({"examples": _EXAMPLES, "body": _BODY}),
    "table": _object_of({"schema": _of(list)}),
}
_CHECKS = _object_of({"done": _of(int), "total": _of(int)}, required=("done", "total"))


def _fields_check(otype: ObjectType, choices: bool = False) -> Check:
    """The check of the ``fields`` of one type: its fields only, each of its kind
    (with *choices*, an enum's value one of the field's choices)."""
    checks = {
        f.name: _one_of(*f.choices)
        if choices and f.kind is Kind.ENUM and f.choices
        else _KIND_CHECKS[f.kind]
        for f in otype.all_fields
        if f.name not in ("id", "plan")
    }
    known = _object_of(checks)
    # the fields whose check looks inside the value (a list's items, a number's
    # range, an enum's choice); every other check is the value's type
    deep = tuple(
        (f.name, checks[f.name])
        for f in otype.all_fields
        if f.name in checks
        and (f.kind in _DEEP_KINDS or (choices and f.kind is Kind.ENUM and f.choices))
    )
    shapes: set[tuple[tuple[str, ...], tuple[type, ...]]] = set()

    def check(value: object) -> Problem | None:
        if type(value) is not dict:
            return known(value)
        # names with value types seen before passed every check but the deep ones
        shape = (tuple(value), tuple(map(type, value.values())))
        if shape in shapes:
            for name, inner in deep:
                element = value.get(name, _MISSING)
                problem = inner(element) if element is not _MISSING else None
                if problem is not None:
                    return f".{name}{problem[0]}", problem[1], problem[2]
            return None
        unknown = next((name for name in value if name not in checks), None)
        if unknown is not None:
            return "", unknown, f"a field of a {otype.name}"
        problem = known(value)
        if problem is None and len(shapes) < _SHAPES:
            shapes.add(shape)
        return problem

    return check


#: the keys of every record with their types, as a tuple to loop over fast
_RECORD_ITEMS = tuple((key, types, required) for key, (types, required) in _RECORD.items())
#: the kinds of field whose check looks inside the value, not only at its type
_DEEP_KINDS = frozenset({Kind.WEEKS, Kind.LIST, Kind.REFS, Kind.PERCENT})
#: how many shapes (key names with their value types) of records and of fields
#: are remembered as checked: generated records come in a few dozen
_SHAPES = 4096
#: the record shapes whose keys passed the checks of :data:`_RECORD`, by strictness
_RECORD_SHAPES: dict[bool, set[tuple[tuple[str, ...], tuple[type, ...]]]] = {
    False: set(),
    True: set(),
}


def _check_keys(item: dict[str, Any], where: Callable[[], str], complete: bool) -> None:
    for key, types, required in _RECORD_ITEMS:
        value = item.get(key, _MISSING)
        if type(value) in types:
            continue
        if value is not _MISSING:
            raise _fail(f"{where()}.{key}", value, _wanted(types))
        if required or (complete and key not in _LATER_KEYS):
            raise PlanJsonError(f"{where()} has no {key!r}")


def _check_record(
    item: object, where: Callable[[], str], fields_of: Mapping[str, Check], complete: bool
) -> None:
    if type(item) is not dict:
        raise _fail(where(), item, "an object")
    # what the keys are checked for follows from their names and value types alone
    shape = (tuple(item), tuple(map(type, item.values())))
    shapes = _RECORD_SHAPES[complete]
    if shape not in shapes:
        _check_keys(item, where, complete)
        if len(shapes) < _SHAPES:
            shapes.add(shape)
    if not item["id"] or not item["type"]:
        raise PlanJsonError(f"{where()} has an empty id or type")
    problem = None
    if item.get("checks") is not None:
        problem = _CHECKS(item["checks"])
        key = "checks"
    fields_check = fields_of.get(item["type"])
    if problem is None and fields_check is not None and "fields" in item:
        problem = fields_check(item["fields"])
        key = "fields"
    data_check = _DATA_CHECKS.get(item["type"])
    if problem is None and data_check is not None and "data" in item:
        problem = data_check(item["data"])
        key = "data"
    if problem is not None:
        path, value, wanted = problem
        raise _fail(f"{where()}.{key}{path}", value, wanted)


def validate(
    document: object,
    registry: Registry = BUILTIN,
    *,
    complete: bool = False,
    shared: Shared | None = None,
) -> dict[str, Any]:
    """Check that *document* has the shape of a ``plan.json``.

    :param document: parsed JSON
    :param registry: the types whose fields are checked; other types' fields
        only need to be an object (a type of another project's ``plan_types``)
    :param complete: ask for every key the current version writes
        (``schema_version`` too) and enum values among this build's choices, as
        for another project's file; without it, files of older versions that
        lack a later key, or hold a value since dropped, are read
    :param shared: records checked already, for another file (see :class:`Shared`)
    :return: the document
    :raise PlanJsonError: the first problem found
    """
    if not isinstance(document, dict):
        raise PlanJsonError("the top level is not a JSON object")
    version = document.get("schema_version", None if complete else SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise PlanJsonError(
            f"schema_version is {json.dumps(version, default=str)[:20]}, "
            f"this version reads {SCHEMA_VERSION}"
        )
    fields_of = {t.name: _fields_check(t, complete) for t in registry}
    checked = shared.checked if shared is not None else {}
    for key in ("plans", "objects"):
        items = document.get(key, [] if key == "plans" and not complete else None)
        if not isinstance(items, list):
            raise PlanJsonError(f"it has no {key!r} array")
        for i, item in enumerate(items):
            if checked.get(id(item)) != (item, id(registry), complete):
                _check_record(item, lambda: f"{key}[{i}]", fields_of, complete)  # noqa: B023
                if shared is not None:
                    checked[id(item)] = (item, id(registry), complete)
            if (item["type"] == "plan") != (key == "plans"):
                raise _fail(
                    f"{key}[{i}].type",
                    item["type"],
                    "plan" if key == "plans" else "another type than plan",
                )
    for key, check in (
        ("project", _of(str)),
        ("version", _of(str, _NULL)),
        ("external", _list_of(_object_of({"name": _TEXT}, required=("name",)))),
    ):
        problem = check(document[key]) if key in document else None
        if problem is not None:
            raise _fail(f"{key}{problem[0]}", problem[1], problem[2])
    return document


#: every byte but quotes and brackets, deleted before the nesting is counted
_NOISE = bytes(b for b in range(256) if b not in b'"[]{}')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nesting(text: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, without parsing it.

    Linear and at C speed: escaped backslashes and quotes go first, then
    every byte but quotes and brackets, then the strings (with the brackets
    they hold); what is left is counted.

    :param text: UTF-8 JSON text
    :return: the deepest level, 0 for a scalar
    """
    kept = text.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOISE)
    # two quotes in a row enclose no bracket, whether they open and close a
    # string or close one and open the next: dropping them changes no count
    kept = kept.replace(b'""', b"")
    brackets = b"".join(kept.split(b'"')[::2])  # what is between quotes is a string
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _reject_constant(name: str) -> object:
    msg = f"{name} is not a JSON value"
    raise ValueError(msg)


class Shared:
    """What reading several ``plan.json`` files (the two sides of a diff) does once.

    ``plan.json`` is written a record per line (:data:`.export.json.PLAN_JSON_LEVELS`),
    so a record that did not change between two versions is the same line in
    both files: it is parsed and checked once, and both documents hold the very
    same object (which the diff then skips without comparing). A file written
    otherwise is read whole, as without sharing. The documents are read only.
    """

    def __init__(self) -> None:
        #: each record line read (without its comma), to the value parsed from it
        self.values: dict[str, Any] = {}
        #: the records checked, by identity: each with the registry and strictness
        #: it was checked against (the record is held, so its identity stays its own)
        self.checked: dict[int, tuple[object, int, bool]] = {}


_ENTRY = re.compile(r'  ("[A-Za-z0-9_$]+"): (.*)')
_MEMBER = re.compile(r'("(?:[^"\\]|\\.)*"): (.*)', re.DOTALL)


#: the standard library's C scanner: one value from a position, without the
#: whitespace skipping and the checks of :func:`json.loads` around it
_SCAN = json.scanner.make_scanner(json.JSONDecoder(parse_constant=_reject_constant))  # type: ignore[arg-type]  # typeshed types its argument as itself
_BAD = object()


def _value(line: str) -> Any:
    """The one value a whole line holds, or ``_BAD``: a line holding two values,
    half of one, or anything around one, is not read here.

    Nesting is measured only on a line with more brackets than the limit
    allows levels (a record has a few dozen).
    """
    if line.count("{") + line.count("[") > MAX_DEPTH - 2:
        if nesting(line.encode("utf-8", "surrogatepass")) > MAX_DEPTH - 2:
            return _BAD
    try:
        value, end = _SCAN(line, 0)
    except (StopIteration, ValueError, RecursionError):  # not JSON, a constant, digits
        return _BAD
    return value if end == len(line) else _BAD


def _read_layered(data: bytes, shared: Shared) -> dict[str, Any] | None:
    """The document laid out as :func:`.export.json.chunks` writes it with two
    levels, each line of the second level looked up in *shared*; ``None`` when
    the text is laid out otherwise or a line is not one plain JSON value within
    the limits (the whole text is then read the usual way, with its message)."""
    if b"\n     " in data:  # a line indented deeper than a record's: another layout
        return None
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    if len(lines) < 3 or lines[0] != "{" or lines[-2:] != ["}", ""]:
        return None
    document: dict[str, Any] = {}
    last = len(lines) - 2
    i = 1
    while i < last:
        entry = _ENTRY.fullmatch(lines[i])
        if entry is None:
            return None
        key, rest = json.loads(entry[1]), entry[2]
        i += 1
        if rest in ("[", "{"):
            close = "  ]" if rest == "[" else "  }"
            items: list[str] = []
            while i < last and not lines[i].startswith(close):
                line = lines[i]
                if not line.startswith("    ") or line.startswith("     "):
                    return None
                items.append(line[4:])
                i += 1
            if i == last:
                return None
            end = lines[i][len(close) :]
            i += 1
            value: Any = _members(items) if rest == "{" else _values(items, shared)
            if value is None:
                return None
        else:
            end = rest[-1:] if rest.endswith(",") else ""
            value = _value(rest[: len(rest) - len(end)])
            if value is _BAD:
                return None
        if (end == ",") != (i < last) or end not in (",", ""):
            return None
        document[key] = value
    return document


def _items(lines: list[str]) -> list[str] | None:
    """The lines of a collection without their commas, which must be right."""
    if not lines:
        return None
    if any(not line.endswith(",") for line in lines[:-1]) or lines[-1].endswith(","):
        return None
    return [line[:-1] for line in lines[:-1]] + [lines[-1]]


def _values(lines: list[str], shared: Shared) -> list[Any] | None:
    texts = _items(lines)
    if texts is None:
        return None
    known = shared.values
    values = []
    for text in texts:
        value = known.get(text, _BAD)
        if value is _BAD:
            value = _value(text)
            if value is _BAD:
                return None
            known[text] = value
        values.append(value)
    return values


def _members(lines: list[str]) -> dict[str, Any] | None:
    texts = _items(lines)
    if texts is None:
        return None
    members: dict[str, Any] = {}
    for text in texts:
        entry = _MEMBER.fullmatch(text)
        if entry is None:
            return None
        value, name = _value(entry[2]), _value(entry[1])
        if value is _BAD or not isinstance(name, str):
            return None
        members[name] = value
    return members


def decode(data: bytes | str, shared: Shared | None = None) -> object:
    """Parse JSON text within the limits (size, nesting, integer digits).

    :param data: the text, or its UTF-8 bytes
    :param shared: records already read from another file (see :class:`Shared`)
    :return: the parsed value
    :raise PlanJsonError: when it is too large, too deep or not JSON
    """
    if len(data) > MAX_BYTES:
        raise PlanJsonError(f"it is larger than {MAX_BYTES // 2**20} MiB")
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if shared is not None:
        document = _read_layered(data, shared)
        if document is not None:
            return document
    depth = nesting(data)
    if depth > MAX_DEPTH:
        raise PlanJsonError(
            f"it nests arrays and objects {depth} levels deep; at most {MAX_DEPTH} are read"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise PlanJsonError(f"it is not UTF-8 text (byte {err.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise PlanJsonError(f"it is not valid JSON: {err}") from None
    except RecursionError:  # not reached below MAX_DEPTH; kept as a guard
        raise PlanJsonError("it nests arrays and objects too deeply") from None
    except ValueError as err:  # NaN, or an integer past Python's digit limit
        if "digits" not in str(err):
            raise PlanJsonError(f"it is not valid JSON: {err}") from None
        raise PlanJsonError(
            f"it holds an integer of more than {sys.get_int_max_str_digits()} digits"
        ) from None


def loads(
    data: bytes | str,
    registry: Registry = BUILTIN,
    *,
    complete: bool = False,
    shared: Shared | None = None,
) -> dict[str, Any]:
    """Parse and validate the text of a ``plan.json``.

    :param data: the text or its bytes
    :param registry: see :func:`validate`
    :param complete: see :func:`validate`
    :param shared: see :class:`Shared`
    :return: the document
    :raise PlanJsonError: the problem, one line
    """
    return validate(decode(data, shared), registry, complete=complete, shared=shared)


def read(
    path: Path,
    registry: Registry = BUILTIN,
    *,
    complete: bool = False,
    shared: Shared | None = None,
) -> dict[str, Any]:
    """Read, parse and validate a ``plan.json`` file.

    :param path: the file
    :param registry: see :func:`validate`
    :param complete: see :func:`validate`
    :param shared: see :class:`Shared`
    :return: the document
    :raise PlanJsonError: ``'path': the problem``, one line
    """
    try:
        with path.open("rb") as stream:
            data = read_at_most(stream, MAX_BYTES)
    except OSError as err:
        raise PlanJsonError(f"cannot read {str(path)!r}: {err.strerror or err}") from None
    try:
        return loads(data, registry, complete=complete, shared=shared)
    except PlanJsonError as err:
        raise PlanJsonError(f"{str(path)!r} is not a plan.json: {err}") from None
