"""Pure converters from raw option text to typed field values.

Every converter returns the canonical value or raises :class:`FieldProblem`;
:func:`parse_options` turns a directive's raw options into values and a list
of problems, so that one validation path serves reST and MyST alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.model.names import did_you_mean, nearest
from sphinxcontrib_plan.model.placeholders import find_placeholder
from sphinxcontrib_plan.model.typespec import ANY, Kind

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sphinxcontrib_plan.model.typespec import FieldSpec, ObjectType


class FieldProblem(PlanError):
    """A raw value that does not fit its field."""


@dataclass(frozen=True)
class OptionProblem:
    """A problem found while reading options, reported as a warning."""

    #: ``field`` (bad value), ``option`` (unknown option) or ``placeholder`` (a
    #: template placeholder, reported later and only once its plan is under review)
    subtype: str
    #: option name concerned
    name: str
    #: full message
    message: str


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKS = re.compile(r"(\d+)(?:\s*(?:-|–|\.\.)\s*(\d+))?")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")
_TRUE = {"", "true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _text(spec: FieldSpec, raw: str) -> str | None:
    return raw.strip() or None


def _enum(spec: FieldSpec, raw: str) -> str | None:
    value = raw.strip().lower()
    if not value:
        return None
    for choice in spec.choices:
        # accept "In Review" / "in_review" for "in-review", and "apiKey" for "api-key"
        if value.replace(" ", "-").replace("_", "-") == choice:
            return choice
    for choice in spec.choices:
        if "-" in choice and value.replace(" ", "").replace("_", "") == choice.replace("-", ""):
            return choice
    near = nearest(value, spec.choices, cutoff=0.5)
    hint = f" (did you mean {near!r}?)" if near else ""
    raise FieldProblem(f"{raw.strip()!r} is not a valid value{hint}")


def _date(spec: FieldSpec, raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise FieldProblem(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2024-01-15") from None


def _weeks(spec: FieldSpec, raw: str) -> list[int] | None:
    value = raw.strip()
    if not value:
        return None
    match = _WEEKS.fullmatch(value.lower().removeprefix("weeks").removeprefix("week").strip())
    if not match:
        raise FieldProblem(f"{value!r} is not a week range; write N or N-M, e.g. 3-4")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if start < 1 or end < start:
        raise FieldProblem(f"{value!r} is not a week range: weeks count from 1 and end >= start")
    return [start, end]


def _list(spec: FieldSpec, raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _flag(spec: FieldSpec, raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FieldProblem(f"{raw!r} is not a flag; give the option without a value, or true/false")


def _number(spec: FieldSpec, raw: str) -> int | float | None:
    value = raw.strip().removesuffix("%").strip()
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise FieldProblem(f"{raw.strip()!r} is not a number")
    number = float(value)
    return int(number) if number.is_integer() else number


def _percent(spec: FieldSpec, raw: str) -> int | float | None:
    number = _number(spec, raw)
    if number is not None and not 0 <= number <= 100:
        raise FieldProblem(f"{raw.strip()!r} is not a percentage from 0 to 100")
    return number


def _doc(spec: FieldSpec, raw: str) -> str | None:
    return raw.strip() or None


CONVERTERS: Mapping[Kind, Callable[[FieldSpec, str], object]] = {
    Kind.TEXT: _text,
    Kind.ENUM: _enum,
    Kind.DATE: _date,
    Kind.WEEKS: _weeks,
    Kind.LIST: _list,
    Kind.REF: _text,
    Kind.REFS: _list,
    Kind.FLAG: _flag,
    Kind.PERCENT: _percent,
    Kind.NUMBER: _number,
    Kind.DOC: _doc,
}


def is_url(value: str) -> bool:
    """Whether a :attr:`Kind.DOC` value is a URL rather than a document path.

    :param value: the field value
    :return: ``True`` for ``scheme://...``
    """
    return bool(_URL.match(value))


#: the schemes a link made from data may have; any other (``javascript:``,
#: ``data:``, ``vbscript:``, ``file:``) is shown as text, so that data from
#: elsewhere (another project's ``plan.json``, an imported document) cannot
#: put script into a page
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: a URL's scheme (``SCHEME.match(url)``): a URL without one is relative
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
#: what a browser drops before it reads a URL's scheme, and what it strips around it
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_STRIPPED = "".join(map(chr, range(0x21)))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def link_target(value: str) -> str | None:
    """The address a page may link *value* to, or ``None`` when it is shown as text.

    Every renderer that makes a link from data asks here: only ``http``,
    ``https``, ``mailto`` and relative references (no scheme) are links. The
    scheme is read as a browser reads it (tabs and line breaks removed,
    leading and trailing spaces and control characters stripped); a control
    character left inside is not a link either.

    :param value: a URL from data
    :return: the URL to put in ``href``, or ``None``
    """
    url = _URL_IGNORED.sub("", value).strip(_URL_STRIPPED)
    if not url or _CONTROL.search(url):
        return None
    scheme = SCHEME.match(url)
    if scheme is not None and scheme.group(1).lower() not in LINK_SCHEMES:
        return None
    return url


def allowed(spec: FieldSpec) -> str:
    """Describe what a field accepts, for warnings and the reference.

    :param spec: the field
    :return: a short phrase
    """
    if spec.kind is Kind.ENUM:
        return "one of " + ", ".join(spec.choices)
    if spec.kind in (Kind.REF, Kind.REFS) and spec.role == "ref":
        what = "object" if ANY in spec.target_types else " or ".join(spec.target_types)
        return (
            f"the id of an {what}" if spec.kind is Kind.REF else f"comma-separated ids of {what}s"
        )
    return {
        Kind.TEXT: "text",
        Kind.DATE: "a date YYYY-MM-DD",
        Kind.WEEKS: "N or N-M",
        Kind.LIST: "a comma-separated list",
        Kind.REF: f"the id of a {spec.target}",
        Kind.REFS: f"comma-separated ids of {spec.target}s",
        Kind.FLAG: "no value (a flag)",
        Kind.PERCENT: "a percentage 0-100",
        Kind.NUMBER: "a number",
        Kind.DOC: "a document path or URL",
    }[spec.kind]


def parse_options(
    otype: ObjectType, raw: Mapping[str, str | None], directive: str
) -> tuple[dict[str, object], list[OptionProblem]]:
    """Read raw directive options into typed field values.

    Unknown options and bad values become problems; the fields that could be
    read are always returned, defaults filled in.

    :param otype: the object type
    :param raw: option name to raw text (``None`` for a flag without value)
    :param directive: directive name, for messages
    :return: the values by field name and the problems found
    """
    values: dict[str, object] = {}
    problems: list[OptionProblem] = []
    names = otype.option_names
    for name, text in raw.items():
        key = name.lower()
        spec = otype.field(key)
        if spec is None:
            hint = did_you_mean(key, names) or "."
            problems.append(
                OptionProblem(
                    "option",
                    name,
                    f"{directive}: unknown option {name!r}{hint} Allowed: {', '.join(names)}",
                )
            )
            continue
        placeholder = find_placeholder(text) if text else None
        if placeholder is not None:
            problems.append(OptionProblem("placeholder", key, placeholder))
            if spec.kind is not Kind.TEXT:
                continue  # a date or enum still to fill in reads as unset, not as a bad value
        try:
            if text is None and spec.kind is not Kind.FLAG:
                raise FieldProblem(f"the option needs a value ({allowed(spec)})")
            # only a flag may have no value, and it reads one as empty text
            value = CONVERTERS[spec.kind](spec, text or "")
        except FieldProblem as err:
            # enum messages list the choices; the other converters say what fits
            hint = f"; allowed: {allowed(spec)}" if spec.kind is Kind.ENUM else ""
            problems.append(OptionProblem("field", key, f"{directive}: {key}: {err}{hint}"))
            continue
        if value is not None and value != []:
            values[key] = value
    for spec in otype.all_fields:
        if spec.name not in values:
            if spec.required:
                problems.append(
                    OptionProblem(
                        "field",
                        spec.name,
                        f"{directive}: the option {spec.name!r} is required ({allowed(spec)})",
                    )
                )
            if spec.default is not None:
                values[spec.name] = spec.default
    return values, problems
