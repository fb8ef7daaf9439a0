"""Edits made in a workbook or CSV directory of ``export --format xlsx|csv``, applied to sources.

The project named by the hidden ``_plan`` sheet is built afresh; each row is
matched to its object by id, and each cell by its column's header (never its
position). A cell differs from the row's ``base`` (its value at export) when
the reviewer edited it; the source differs from ``base`` when someone edited
the source since. Both on the same field, to different values, is a conflict.
Every cell is read with the field's converter (:data:`CONVERTERS`) before
anything is written; an edit becomes one option line, set with
:func:`~sphinxcontrib_plan.importers.source_edit.set_options`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.export.sheets import BASE, DOCUMENT, cell_value, columns
from sphinxcontrib_plan.importers.sheet_tables import (
    SheetInputError,
    Table,
    cell_text,
    coordinate,
    read_tables,
)
from sphinxcontrib_plan.model.codedata import DataError, load_data
from sphinxcontrib_plan.model.fields import CONVERTERS, FieldProblem, allowed
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinxcontrib_plan.model.typespec import FieldSpec, Registry


def option_text(spec: FieldSpec, value: Any) -> str:
    """A typed value written back as an option line's value.

    :param spec: the field
    :param value: the value as the converter returns it
    :return: the text
    """
    return cell_text(cell_value(spec, value))


@dataclass
class Change:
    """The edits of one object: option name to new text, ``None`` to remove the option."""

    obj: Mapping[str, Any]
    values: dict[str, str | None] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)
    #: the new title (the directive's argument), when edited
    title: str | None = None


@dataclass
class NewObject:
    """A row with an id no object has: a directive added at the end of a document."""

    #: the source file, relative to the source directory
    document: str
    type: str
    title: str
    #: option name to text, in column order
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """What an import found: the changes to write, or why not."""

    changes: list[Change] = field(default_factory=list)
    new: list[NewObject] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: objects without a row, though the export listed their type and plan
    deleted: list[Mapping[str, Any]] = field(default_factory=list)


def _read(spec: FieldSpec, text: str) -> Any:
    value = CONVERTERS[spec.kind](spec, text) if text else None
    return None if value == [] else value


def _check_refs(spec: FieldSpec, value: Any, names: set[str]) -> None:
    """An edited reference must name an object (by id, or by title/signature)."""
    if spec.kind in (Kind.REF, Kind.REFS) and spec.role == "ref" and value:
        for ref in value if isinstance(value, list) else [value]:
            if ref not in names:
                raise FieldProblem(f"no object {ref!r}")


def compare(
    tables: list[Table], data: Mapping[str, Any], registry: Registry, plans: tuple[str, ...] = ()
) -> Plan:
    """Match the rows to the current objects, read every cell, find edits and conflicts.

    :param tables: the sheets (:func:`read_tables`)
    :param data: ``plan.json`` data of a fresh build
    :param registry: the project's types
    :param plans: the plans the export was limited to (all when empty): an object of
        theirs without a row was deleted in the sheet
    :return: the plan of the import
    """
    objects = {str(o.get("id")): o for o in [*data.get("plans", ()), *data.get("objects", ())]}
    names = set(objects) | {str(o.get("title")) for o in objects.values()}
    plan = Plan()
    for name, header, rows in tables:
        otype = registry.get(name)
        if otype is None:
            plan.errors.append(
                f"sheet {name!r} is not an object type (renamed?); types: "
                + ", ".join(t.name for t in registry)
            )
            continue
        known = {c.name: c for c in columns(otype)}
        unknown = [h for h in header if h and h not in known]
        if unknown or "id" not in header or BASE not in header:
            plan.errors.append(
                f"sheet {name!r}: unknown or missing columns "
                f"({', '.join(unknown) or 'id, base'}); allowed: {', '.join(known)}"
            )
            continue
        seen: set[str] = set()
        for number, cells in rows:
            oid = cell_text(cells.get("id"))
            obj = objects.get(oid)
            if not oid and cell_text(cells.get(BASE)):
                at = coordinate(number, header.index("id") + 1)
                plan.errors.append(
                    f"sheet {name!r}, cell {at}: id: the id of an exported object "
                    "cannot be cleared (it says which object the row is); write it back"
                )
                continue
            if obj is None:
                _new_row(plan, name, header, number, cells, objects, names, registry)
                continue
            if obj.get("type") != name:
                plan.errors.append(
                    f"sheet {name!r}, row {number}: {oid!r} is a {obj.get('type')}, not a {name}"
                )
                continue
            seen.add(oid)
            try:
                base = load_data(cells.get(BASE) or "{}")
            except DataError:
                base = None
            if not isinstance(base, dict):
                plan.errors.append(
                    f"sheet {name!r}, row {number}: the hidden base column "
                    "was changed; export again"
                )
                continue
            change = Change(obj)
            current = obj.get("fields") or {}
            _title(plan, change, (name, header, number), cell_text(base.get("title")), cells)
            for col in known.values():
                if col.spec is None or col.name not in header:
                    continue
                spec = col.spec
                cell = coordinate(number, header.index(col.name) + 1)
                was = base.get(col.name)
                now = current.get(col.name)
                now = None if now == [] else now
                try:
                    value = _read(spec, cell_text(cells.get(col.name)))
                    if value == was or value == now:
                        continue  # not edited, or edited to what the source says already
                    _check_refs(spec, value, names)
                except FieldProblem as err:
                    plan.errors.append(
                        f"sheet {name!r}, cell {cell}: {col.name}: {err}; allowed: {allowed(spec)}"
                    )
                    continue
                if now != was:
                    plan.conflicts.append(
                        f"sheet {name!r}, cell {cell}: {oid} {col.name}: "
                        f"exported {was!r}, source now {now!r}, sheet {value!r}"
                    )
                elif value is None and spec.required:
                    plan.errors.append(
                        f"sheet {name!r}, cell {cell}: {col.name}: the option is "
                        f"required and cannot be cleared; allowed: {allowed(spec)}"
                    )
                elif value is None:
                    change.values[col.name] = None
                    change.cells.append(f"{cell} {col.name}: {option_text(spec, now)!r} -> removed")
                else:
                    change.values[col.name] = option_text(spec, value)
                    change.cells.append(
                        f"{cell} {col.name}: {option_text(spec, now)!r} -> "
                        f"{change.values[col.name]!r}"
                    )
            if change.values or change.title:
                plan.changes.append(change)
        plan.deleted += [
            o
            for oid, o in objects.items()
            if o.get("type") == name
            and oid not in seen
            and o.get("source")
            and (not plans or o.get("plan") in plans)
        ]
    return plan


def _title(
    plan: Plan,
    change: Change,
    row: tuple[str, list[str], int],
    was: str,
    cells: dict[str, Any],
) -> None:
    """Plan an edited title: the directive's argument, its id kept with an ``id`` option."""
    name, header, number = row
    if "title" not in header:
        return
    cell = coordinate(number, header.index("title") + 1)
    at = f"sheet {name!r}, cell {cell}"
    value = cell_text(cells.get("title"))
    now = str(change.obj.get("title") or "")
    if value in (was, now):
        return
    if "\n" in value or "\r" in value:
        # MyST ends a directive's argument at its line's end (reST would go on)
        plan.errors.append(
            f"{at}: title: {value!r} holds a line break; allowed: one line of "
            "text (a directive's title is one line)"
        )
    elif not value:
        plan.errors.append(f"{at}: title: {value!r}; allowed: one line of text, not empty")
    elif now != was:
        plan.conflicts.append(
            f"{at}: {change.obj.get('id')} title: exported {was!r}, source now {now!r}, "
            f"sheet {value!r}"
        )
    else:
        change.title = value
        change.values["id"] = str(change.obj.get("id"))  # a derived id would follow the title
        change.cells.append(f"{cell} title: {now!r} -> {value!r}")


def _new_row(
    plan: Plan,
    name: str,
    header: list[str],
    number: int,
    cells: dict[str, Any],
    objects: Mapping[str, Mapping[str, Any]],
    names: set[str],
    registry: Registry,
) -> None:
    """Check a row with an id no object has, and plan its directive."""
    from sphinxcontrib_plan.model.fields import parse_options

    otype = registry[name]
    where = f"sheet {name!r}, row {number}"
    title = cell_text(cells.get("title"))
    plan_id = cell_text(cells.get("plan"))
    document = cell_text(cells.get(DOCUMENT))
    parent = objects.get(plan_id)
    if not title:
        plan.errors.append(f"{where}: a new {name} needs a title")
        return
    if "\n" in title or "\r" in title:
        cell = coordinate(number, header.index("title") + 1)
        plan.errors.append(
            f"sheet {name!r}, cell {cell}: title: {title!r} holds a line break; allowed: "
            "one line of text (a directive's title is one line)"
        )
        return
    if not document and (parent is None or parent.get("type") != "plan"):
        known = sorted(i for i, o in objects.items() if o.get("type") == "plan")
        plan.errors.append(
            f"{where}: a new {name} needs the id of its plan in 'plan' "
            f"(plans: {', '.join(known)}) or a source file in 'document'"
        )
        return
    document = document or str(parent.get("source") if parent else "")
    if (
        Path(document).is_absolute()
        or ".." in Path(document).parts
        or Path(document).suffix not in (".md", ".rst")
    ):
        plan.errors.append(
            f"{where}: document {document!r} is not a .md or .rst file inside the source directory"
        )
        return
    raw = {"id": cell_text(cells.get("id"))} if cell_text(cells.get("id")) else {}
    raw.update(
        {
            c.name: cell_text(cells.get(c.name))
            for c in columns(otype)
            if c.spec is not None and c.name in header and cell_text(cells.get(c.name))
        }
    )
    if plan_id and (parent is None or parent.get("source") != document):
        raw["plan"] = plan_id
    _, problems = parse_options(otype, raw, f"plan-{name}")
    for problem in problems:
        column = header.index(problem.name) + 1 if problem.name in header else 0
        at = f"cell {coordinate(number, column)}" if column else f"row {number}"
        plan.errors.append(f"sheet {name!r}, {at}: {problem.message}")
    for key, text in raw.items():
        spec = otype.field(key)
        if spec is None or key == "plan":
            continue
        try:
            _check_refs(spec, _read(spec, text), names)
        except FieldProblem as err:
            cell = coordinate(number, header.index(key) + 1)
            plan.errors.append(
                f"sheet {name!r}, cell {cell}: {key}: {err}; allowed: {allowed(spec)}"
            )
    if not problems:
        plan.new.append(NewObject(document, name, title, raw))


def directive(new: NewObject, text: str, suffix: str, eol: str) -> str:
    """The source of a new object, in the syntax of the file it ends.

    :param new: the object
    :param text: the file's text (MyST: its fences are reused)
    :param suffix: ``.md`` or ``.rst``
    :param eol: the file's line ending
    :return: the lines to append, starting with a blank line
    """
    if suffix == ".rst":
        lines = [
            f".. plan-{new.type}:: {new.title}",
            *(f"   :{k}: {v}" for k, v in new.values.items()),
        ]
    else:
        fence = ":::" if ":::{plan" in text or "```{plan" not in text else "```"
        lines = [
            f"{fence}{{plan-{new.type}}} {new.title}",
            *(f":{k}: {v}" for k, v in new.values.items()),
            fence,
        ]
    return eol + eol.join(lines) + eol


def apply(plan: Plan, sourcedir: Path, *, delete: bool = False) -> list[Path]:
    """Write the changes, each file once, bottom up (an added line moves the ones below).

    :param plan: the import's plan, free of errors and conflicts
    :param sourcedir: the project's source directory
    :param delete: whether to remove the objects whose rows were deleted
    :return: the files changed
    :raise SheetInputError: when a directive is not where the build saw it
    """
    from sphinxcontrib_plan.importers.source_edit import Edit, EditError, edit_source

    by_file: dict[str, list[Change]] = {}
    for change in [*plan.changes, *(Change(o) for o in plan.deleted if delete)]:
        by_file.setdefault(str(change.obj.get("source")), []).append(change)
    texts: dict[Path, tuple[bytes, str]] = {}
    for source, changes in by_file.items():
        path = sourcedir / source
        raw = path.read_bytes()
        edits = [
            Edit(
                int(change.obj.get("line") or 0),
                (f"plan-{change.obj.get('type')}", f"plan:{change.obj.get('type')}"),
                str(change.obj.get("title") or ""),
                change.values or None,
                change.title,
                on_top=("id",),  # a pinned id goes first, where people write it
            )
            for change in changes
        ]
        try:
            # the file cut into lines once, every edit made bottom up
            text = edit_source(raw.decode("utf-8"), edits)
        except EditError as err:
            raise SheetInputError(f"{path}:{err.lineno}: {err}") from None
        texts[path] = (raw, text)
    for new in plan.new:
        path = sourcedir / new.document
        if path not in texts:
            try:
                raw = path.read_bytes()
            except OSError as err:
                raise SheetInputError(
                    f"cannot read {new.document!r}: {err.strerror or err}"
                ) from None
            texts[path] = (raw, raw.decode("utf-8"))
        raw, text = texts[path]
        eol = "\r\n" if "\r\n" in text else "\n"
        if text and not text.endswith(("\n", "\r")):
            text += eol
        texts[path] = (raw, text + directive(new, text, path.suffix, eol))
    for path, (raw, text) in texts.items():  # all edits made before the first write
        if path.read_bytes() != raw:
            raise SheetInputError(f"{path} changed during the import; run it again")
        with path.open("r+b") as stream:
            stream.write(text.encode("utf-8"))
            stream.truncate()
    return list(texts)


__all__ = ["DOCUMENT", "Plan", "SheetInputError", "apply", "compare", "read_tables"]
