"""What the language server knows of the plan markup: completions, hovers, symbols.

Every name offered comes from the type registry of the build (``model/types.py``:
directives, options, enum values) and the ``plan`` domain's records (ids and
titles): nothing here is a hand-kept list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.collectors import COLLECTORS
from sphinxcontrib_plan.model.derived import query_fields
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinxcontrib_plan.model.collectors import CollectorKind
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import ObjectType, Registry

#: the name of a directive being typed: MyST fences and reST's ``..``
DIRECTIVE_RE = re.compile(r"(?:^\s*(?::{3,}|`{3,})\{|^\s*\.\.\s+)([\w:-]*)$")
#: an opening directive line, its name
OPENING_RE = re.compile(r"^\s*(?::{3,}|`{3,})\{([\w:-]+)\}|^\s*\.\.\s+([\w:-]+)::")
#: an option name being typed (``:na``), or the value after one (``:name: va``)
OPTION_RE = re.compile(r"^\s*:([\w-]*)$")
VALUE_RE = re.compile(r"^\s*:([\w-]+):\s+(?:.*,\s*)?([^,\s]*)$")
#: a role's target being typed: MyST ``{plan:risk}`R-`` or reST ``:plan:risk:`R-``
ROLE_RE = re.compile(r"(?:\{plan:([\w-]+)\}|:plan:([\w-]+):)`(?:[^`<]*<)?([^`<>]*)$")
#: a name being typed anywhere in a ``:filter:`` expression
FILTER_RE = re.compile(r"^\s*:(filter):\s+.*?([\w-]*)$")
#: a filter's comparison whose value is being typed: ``impact >= me``
COMPARISON_RE = re.compile(r"([\w-]+)\s*(?:==|!=|<=|>=|<|>|\bin)\s*['\"]?[\w-]*$")
#: a word that may be an id
WORD_RE = re.compile(r"[\w./-]+")


@dataclass(frozen=True)
class Item:
    """One completion: the text inserted, its kind and a detail shown beside."""

    label: str
    kind: str
    detail: str = ""


def directive_type(lines: list[str], line: int) -> str | None:
    """The name of the directive whose options *line* is among, without ``plan-``.

    :param lines: the document's lines
    :param line: 0-based line of the cursor
    :return: a name such as ``risk`` or ``risk-register``, ``None`` outside a plan directive
    """
    for index in range(line - 1, -1, -1):
        text = lines[index]
        match = OPENING_RE.match(text)
        if match:
            name = (match.group(1) or match.group(2)).split(":")[-1]
            return name.removeprefix("plan-") if name.startswith("plan") else None
        if not text.strip() or not re.match(r"^\s*:", text):
            return None
    return None


def directive_options(lines: list[str], line: int) -> dict[str, str]:
    """The options of the directive whose option block holds *line*, by name.

    :param lines: the document's lines
    :param line: 0-based line of the cursor
    :return: name to value, as written
    """
    options: dict[str, str] = {}
    for step in (-1, 1):
        index = line + step
        while 0 <= index < len(lines):
            match = re.match(r"^\s*:([\w-]+):(.*)$", lines[index])
            if not match:
                break
            options.setdefault(match.group(1), match.group(2).strip())
            index += step
    return options


def directive_name(otype: ObjectType) -> str:
    """The directive of *otype*: ``plan`` for plans, ``plan-<type>`` for the others."""
    return "plan" if otype.name == "plan" else f"plan-{otype.name}"


def _ids(records: Iterable[ObjectRecord], types: tuple[str, ...]) -> list[Item]:
    wanted = set(types) - {"*", "ref"}
    return [
        Item(r.id, "reference", f"{r.type}: {r.title}")
        for r in records
        if not wanted or r.type in wanted
    ]


def complete(
    lines: list[str], line: int, column: int, registry: Registry, records: list[ObjectRecord]
) -> list[Item]:
    """The completions at a cursor.

    :param lines: the document's lines
    :param line: 0-based line
    :param column: 0-based character
    :param registry: the build's types
    :param records: every object of the build
    :return: the items (empty when nothing fits)
    """
    before = lines[line][:column] if line < len(lines) else ""
    if DIRECTIVE_RE.search(before):
        names = [Item(directive_name(t), "class", t.label) for t in registry]
        names += [
            Item(f"plan-{name}", "module", kind.help.split(".")[0])
            for name, kind in COLLECTORS.items()
        ]
        return names
    role = ROLE_RE.search(before)
    if role:
        return _ids(records, (role.group(1) or role.group(2),))
    inside = directive_type(lines, line)
    if inside is None:
        return []
    if inside in COLLECTORS:
        return _collector(
            COLLECTORS[inside], before, directive_options(lines, line), registry, records
        )
    otype = registry.get(inside)
    if otype is None:
        return []
    if OPTION_RE.match(before):
        return [Item(f.name, "property", f.help or f.label) for f in otype.all_fields]
    value = VALUE_RE.match(before)
    spec = otype.field(value.group(1)) if value else None
    if spec is None:
        return []
    if spec.kind is Kind.ENUM:
        return [Item(c, "enum", spec.label) for c in spec.choices]
    if spec.kind in (Kind.REF, Kind.REFS):
        return _ids(records, spec.target_types)
    return []


def _collector(
    kind: CollectorKind,
    before: str,
    options: dict[str, str],
    registry: Registry,
    records: list[ObjectRecord],
) -> list[Item]:
    """The completions in the options of a collector: its options, the names its
    query addresses (the main type's fields and derived values), enum values
    after a comparison in ``:filter:``, types for ``:type:`` and plan ids."""
    if OPTION_RE.match(before):
        return [Item(o, "property") for o in kind.all_options]
    value = VALUE_RE.match(before) or FILTER_RE.match(before)
    if value is None:
        return []
    option = value.group(1)
    main = registry.get(options.get("type", "").strip().removeprefix("plan-") or kind.main)
    if option == "type":
        return [Item(t.name, "class", t.label) for t in registry]
    if option == "plan":
        return _ids(records, ("plan",))
    if option not in ("filter", "sort", "columns"):
        return []
    compared = COMPARISON_RE.search(before) if option == "filter" else None
    if compared:
        spec = main.field(compared.group(1)) if main else None
        return [Item(c, "enum", spec.label) for c in spec.choices] if spec else []
    names = sorted(query_fields(main)) if main else sorted(kind.row_fields)
    return [Item(n, "field") for n in names]


def word_at(text: str, column: int) -> str | None:
    """The id-like word under *column* of a line, or ``None``."""
    for match in WORD_RE.finditer(text):
        if match.start() <= column <= match.end():
            return match.group().strip("./")
    return None


def hover(record: ObjectRecord, registry: Registry) -> str:
    """Markdown describing *record*: type, title, status and the fields it sets.

    :param record: the object
    :param registry: the build's types
    :return: the text of the hover
    """
    otype = registry.get(record.type)
    label = otype.label if otype else record.type
    lines = [f"**{label}** `{record.id}`: {record.title}", ""]
    for name, value in record.fields.items():
        if value in (None, "", [], ()):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        lines.append(f"- {name}: {shown}")
    if record.plan and record.plan != record.id:
        lines.append(f"- plan: {record.plan}")
    return "\n".join(lines)
