"""Registers as spreadsheets: one sheet (or CSV file) per object type, from ``plan.json`` data.

The columns of a type are ``id``, ``title``, ``plan``, its typed fields in the
registry's order (:attr:`ObjectType.all_fields`), its derived values
(:func:`~sphinxcontrib_plan.model.derived.derived_for`, read-only and shaded),
``document`` (the source file) and two hidden columns: ``fingerprint``, the
row's content digest at export (:func:`~sphinxcontrib_plan.model.fingerprint.object_digest`),
and ``base``, the editable values at export as JSON, so that an import tells the
reviewer's edits from the source's and merges or reports them. A hidden sheet
``_plan`` records the source directory. ``openpyxl`` is imported lazily (the
``sheets`` extra); workbooks are written in its streaming (write-only) mode.
"""

from __future__ import annotations

import copy
import csv
import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sphinxcontrib_plan.model.derived import derived_for
from sphinxcontrib_plan.model.fingerprint import object_digest
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from openpyxl.cell.cell import Cell

    from sphinxcontrib_plan.model.typespec import FieldSpec, ObjectType, Registry

#: the hidden sheet (CSV file) holding what an import needs besides the rows
META_SHEET = "_plan"
#: key columns every sheet starts with
KEY_COLUMNS = ("id", "title", "plan")
#: the source file column (a new row may name one)
DOCUMENT = "document"
#: the hidden columns
FINGERPRINT = "fingerprint"
BASE = "base"
#: options that are top-level keys of an object, not fields
_NOT_FIELDS = frozenset({"id", "plan"})
#: fill of read-only columns
_SHADE = "DDDDDD"
#: column widths (characters) other than the default 12
_WIDTHS = {"id": 30, "title": 34, "mitigation": 40, "description": 40, DOCUMENT: 28, BASE: 40}


class SheetsError(Exception):
    """The export or import cannot go on; the message is one line."""


@dataclass(frozen=True)
class SheetColumn:
    """One column of a type's sheet."""

    #: header text: the option, derived value or key name
    name: str
    #: the typed field, for editable field columns
    spec: FieldSpec | None = None
    #: whether an import ignores edits to it
    readonly: bool = False
    #: whether the column is hidden
    hidden: bool = False


def columns(otype: ObjectType) -> tuple[SheetColumn, ...]:
    """The columns of *otype*'s sheet, in order.

    :param otype: the object type
    :return: the columns
    """
    fields = [SheetColumn(f.name, f) for f in otype.all_fields if f.name not in _NOT_FIELDS]
    derived = [
        SheetColumn(d.name, readonly=True)
        for d in derived_for(otype)
        if not d.top_level and otype.field(d.name) is None
    ]
    return (
        SheetColumn("id"),
        SheetColumn("title"),
        SheetColumn("plan"),
        *fields,
        *derived,
        SheetColumn(DOCUMENT),
        SheetColumn(FINGERPRINT, readonly=True, hidden=True),
        SheetColumn(BASE, readonly=True, hidden=True),
    )


def cell_value(spec: FieldSpec | None, value: Any) -> Any:
    """A typed value as a spreadsheet cell: dates as dates, lists comma-separated.

    :param spec: the field (``None`` for keys and derived values)
    :param value: the value in ``plan.json``
    :return: a string, number, boolean, date or ``None``
    """
    if value is None or value == []:
        return None
    if spec is not None and spec.kind is Kind.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if spec is not None and spec.kind is Kind.WEEKS and isinstance(value, list):
        return "-".join(str(v) for v in dict.fromkeys(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def base_values(otype: ObjectType, obj: Mapping[str, Any]) -> dict[str, Any]:
    """The editable values of *obj* as JSON data: what an import compares edits to.

    :param otype: its type
    :param obj: one object of ``plan.json``
    :return: option name to value, unset ones left out
    """
    fields = obj.get("fields") or {}
    values = {"title": obj.get("title")}
    values.update(
        {
            c.name: fields[c.name]
            for c in columns(otype)
            if c.spec is not None and fields.get(c.name) not in (None, [])
        }
    )
    return values


def rows(otype: ObjectType, objects: Iterable[Mapping[str, Any]]) -> Iterable[list[Any]]:
    """The cells of each object's row, in :func:`columns` order.

    :param otype: the type of the sheet
    :param objects: its objects of ``plan.json``
    :return: one list per object
    """
    cols = columns(otype)
    for obj in objects:
        fields = obj.get("fields") or {}
        derived = obj.get("derived") or {}
        row: list[Any] = []
        for col in cols:
            if col.name in KEY_COLUMNS:
                row.append(obj.get(col.name))
            elif col.spec is not None:
                row.append(cell_value(col.spec, fields.get(col.name)))
            elif col.name == DOCUMENT:
                row.append(obj.get("source"))
            elif col.name == FINGERPRINT:
                row.append(object_digest(obj))
            elif col.name == BASE:
                row.append(
                    json.dumps(
                        base_values(otype, obj),
                        sort_keys=True,
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                )
            else:
                row.append(cell_value(None, derived.get(col.name)))
        yield row


def select(
    data: Mapping[str, Any],
    registry: Registry,
    types: Iterable[str] = (),
    plans: Iterable[str] = (),
) -> dict[str, list[Mapping[str, Any]]]:
    """The objects of ``plan.json`` data to export, by type, in document order.

    :param data: ``plan.json`` data
    :param registry: the project's types
    :param types: the types to keep (all when empty)
    :param plans: the plans whose objects to keep (all when empty)
    :return: type name to objects: every type named in *types*, else every type having some
    :raise SheetsError: when a type or plan is unknown
    """
    wanted = list(dict.fromkeys(types)) or [t.name for t in registry if t.name != "plan"]
    unknown = [t for t in wanted if t not in registry]
    if unknown:
        raise SheetsError(
            f"unknown type {unknown[0]!r}; types: " + ", ".join(t.name for t in registry)
        )
    plan_ids = {str(p.get("id")) for p in data.get("plans", ())}
    missing = [p for p in plans if p not in plan_ids]
    if missing:
        raise SheetsError(f"unknown plan {missing[0]!r}; plans: " + ", ".join(sorted(plan_ids)))
    keep = set(plans)
    out: dict[str, list[Mapping[str, Any]]] = {t: [] for t in wanted}
    for obj in [*data.get("plans", ()), *data.get("objects", ())]:
        typ = str(obj.get("type"))
        if typ in out and (
            not keep or obj.get("plan") in keep or (typ == "plan" and obj.get("id") in keep)
        ):
            out[typ].append(obj)
    return out if types else {t: objs for t, objs in out.items() if objs}


def meta(sourcedir: Path, plans: Iterable[str] = ()) -> list[list[str]]:
    """The rows of the hidden ``_plan`` sheet.

    :param sourcedir: the exported project's source directory
    :param plans: the plans the export was limited to (``--plan``)
    :return: key/value rows
    """
    return [
        ["key", "value"],
        ["format", "sphinxcontrib-plan sheets 1"],
        ["sourcedir", str(sourcedir.resolve())],
        ["plans", ",".join(plans)],
    ]


def write_xlsx(
    path: Path,
    selected: Mapping[str, list[Mapping[str, Any]]],
    registry: Registry,
    sourcedir: Path,
    plans: Iterable[str] = (),
) -> None:
    """Write the workbook, streaming (openpyxl's write-only mode).

    :param path: the ``.xlsx`` to write
    :param selected: type name to objects (:func:`select`)
    :param registry: the project's types
    :param sourcedir: the project's source directory
    :param plans: the plans the export was limited to
    :raise SheetsError: when openpyxl is not installed
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill, Protection
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        raise SheetsError(
            "--format xlsx needs openpyxl: pip install 'sphinxcontrib-plan[sheets]'"
        ) from None
    book = Workbook(write_only=True)
    shade = PatternFill("solid", fgColor=_SHADE)
    editable = Protection(locked=False)
    bold = Font(bold=True)
    # one style per (header, read-only, date): set on a model cell once, then copied
    # (openpyxl registers a style on every assignment, which costs more than
    # writing the cell)
    models: dict[tuple[bool, bool, bool], Any] = {}
    for name, objects in selected.items():
        otype = registry[name]
        cols = columns(otype)
        sheet = book.create_sheet(name)
        last = max(len(objects) + 1, 2)
        for i, col in enumerate(cols, start=1):
            letter = get_column_letter(i)
            dims = sheet.column_dimensions[letter]
            dims.width = _WIDTHS.get(col.name, 12)
            dims.hidden = col.hidden
            if not col.readonly:
                dims.protection = editable  # rows added below the exported ones too
            if col.spec is not None and col.spec.kind is Kind.ENUM:
                # rows added below the exported ones get the list too
                rule = DataValidation(
                    type="list",
                    allow_blank=True,
                    formula1='"' + ",".join(col.spec.choices) + '"',
                    error=f"{col.name}: one of {', '.join(col.spec.choices)}",
                    showErrorMessage=True,
                )
                rule.add(f"{letter}2:{letter}{last + 1000}")
                sheet.data_validations.append(rule)
        sheet.freeze_panes = "B2"
        # protected without a password: the header, the shaded derived columns and
        # the hidden ones are locked; rows may be added, deleted, sorted and filtered
        sheet.protection.sheet = True
        sheet.protection.insertRows = False
        sheet.protection.deleteRows = False
        sheet.protection.sort = False
        sheet.protection.autoFilter = False
        # printed (or converted to PDF): landscape, every column on one page's width
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

        def styled(value: Any, col: SheetColumn, header: bool = False, sheet: Any = sheet) -> Cell:
            is_date = isinstance(value, datetime.date)
            key = (header, col.readonly, is_date)
            model: Any = models.get(key)
            if model is None:
                model = models[key] = WriteOnlyCell(sheet)
                if header:
                    model.font = bold
                if col.readonly:
                    model.fill = shade
                elif not header:
                    model.protection = editable
                if is_date:
                    model.number_format = "yyyy-mm-dd"
            cell: Any = WriteOnlyCell(sheet, value=value)
            cell._style = copy.copy(model._style)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            return cast("Cell", cell)

        sheet.append([styled(c.name, c, header=True) for c in cols])
        for row in rows(otype, objects):
            sheet.append([styled(v, c) for v, c in zip(row, cols, strict=True)])
    info = book.create_sheet(META_SHEET)
    info.sheet_state = "hidden"
    for line in meta(sourcedir, plans):
        info.append(line)
    book.save(path)


def write_csv(
    directory: Path,
    selected: Mapping[str, list[Mapping[str, Any]]],
    registry: Registry,
    sourcedir: Path,
    plans: Iterable[str] = (),
) -> list[Path]:
    """Write one ``TYPE.csv`` per type and ``_plan.csv`` into *directory*.

    :param directory: the directory (created when missing)
    :param selected: type name to objects (:func:`select`)
    :param registry: the project's types
    :param sourcedir: the project's source directory
    :param plans: the plans the export was limited to
    :return: the files written
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, objects in selected.items():
        otype = registry[name]
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([c.name for c in columns(otype)])
            for row in rows(otype, objects):
                writer.writerow(
                    [
                        "" if v is None else v.isoformat() if isinstance(v, datetime.date) else v
                        for v in row
                    ]
                )
        written.append(path)
    path = directory / f"{META_SHEET}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(meta(sourcedir, plans))
    return [*written, path]
